"""What a person sees of a window, as one comparable value: two windows showing the same scene the same way give
equal ``visible_state``s (tests/gui/test_one_path.py, the monkey's fresh-open checkpoints)."""

from __future__ import annotations

import hashlib

import numpy as np

from lossviz.plots.style import axis_label, title_of

from .helpers import WAIT_MS, settle


def settle_painted(window, qtbot, timeout: int = WAIT_MS):
    """Nothing under way, and the last paint done (``timeout``: the guard against a hang)."""
    settle(qtbot, window, timeout)
    qtbot.wait(30)  # the last paint
    settle(qtbot, window, timeout)


def arrays(values) -> object:
    if values is None:
        return None
    return hashlib.sha1(np.ascontiguousarray(values, dtype=np.float64).tobytes()).hexdigest()


def shaft(item) -> list | None:
    """A double-headed arrow's shaft (its heads are sized in pixels of the view at the time it was drawn)."""
    x, y = item.getData()
    return None if x is None or not len(x) else np.round([x[:2], y[:2]], 9).tolist()


def visible_state(window) -> dict:
    """What a person sees of the scene: controls, formula card, surface axes and values, legend, status bar."""
    panel, views = window.controls, window.views
    surface_item = views.surface_view.getPlotItem()
    shown = views.surface_plot.surface
    combo = lambda box: [box.itemData(i) for i in range(box.count())]  # noqa: E731
    return {
        "task": (panel.task.currentData(), panel.dims.currentData(), panel.classes.value(), panel.classes.isEnabled()),
        "loss": (panel.loss.currentData(), combo(panel.loss)),
        "optimizer": (panel.optimizer.currentData(), panel.learning_rate.text(), panel.momentum.text(),
                      panel.batch_size.text(), panel.speed.currentData()),
        "formula": panel.formula.text(),
        "curvature": (panel.curvature.text(), panel.curvature.styleSheet()),
        "units": (panel.units.text(), panel.units.isVisibleTo(panel)),
        "surface controls": (combo(panel.x_axis), panel.x_axis.currentData(), panel.y_axis.currentData(),
                             panel.auto_range.isChecked(), [s.value() for s in panel.x_range + panel.y_range],
                             panel.resolution.currentData(), panel.log_surface.isChecked(), panel.held.text()),
        "surface axes": (axis_label(surface_item, "bottom"), axis_label(surface_item, "left")),
        "surface values": None if shown is None else (shown.x_param, shown.y_param, arrays(shown.x), arrays(shown.y),
                                                      arrays(shown.loss)),
        "surface view": np.round(views.surface_viewbox.viewRange(), 9).tolist(),
        "path": [arrays(a) for a in views.surface_plot.trajectory.getData()],
        "legend": (views.surface_plot.legend_labels(),
                   surface_item.legend is not None and surface_item.legend.isVisible()),
        "curves": [(arrays(x), arrays(y)) for x, y in views.loss_plot.curves()],
        "curve view": np.round(views.loss_view.getPlotItem().getViewBox().viewRange(), 9).tolist(),
        "status": [label.text() for label in views.status_labels()],
        "data axes": (axis_label(views.data_view.getPlotItem(), "bottom"), axis_label(views.data_view.getPlotItem(), "left")),
        "data view": np.round(views.data_viewbox.viewRange(), 9).tolist(),
        "actions": (window.race_action.isChecked(), window.dark_action.isChecked(), window.log_loss_action.isChecked(),
                    window.curvature_action.isChecked()),
        "curvature arrows": [shaft(item) for item in (views.surface_plot.steepest, views.surface_plot.flattest)],
        "theme": (window.theme.name, window.theme.scale),
        "run": (panel.run.isChecked(), panel.run.text(), panel.run.isEnabled()),
        "label": panel.class_palette.current(),
        "title": window.windowTitle(),
        "notes": (window.notes.isHidden(), window.notes.label.text()),
        "distribution": distribution_state(panel.distribution_box),
        "data view chooser": (combo(panel.data_view), panel.data_view.currentData(), panel.data_view.isVisibleTo(panel)),
        "P on the surface": (title_of(surface_item), panel.surface_of.currentData(), panel.surface_of.isEnabled(),
                             [arrays(a) for a in views.surface_plot.population.getData()]),
        "resampled minima": ([arrays(a) for a in views.surface_plot.cloud.getData()],
                             views.surface_plot.cloud_legend_labels()),
        "capacity": (panel.overfit_box.settings(), [arrays(a) for a in views.loss_plot.test_curve.getData()],
                     [item.isVisible() for item in views.loss_plot.plot.items if item is views.loss_plot.legend],
                     sum(len(item.data) for item in views.data_plot.hollow)),
        "L(θ|P) curve": ([arrays(a) for a in views.loss_plot.population_curve.getData()],
                         views.loss_plot.legend_labels()),
        "confusion matrix": (window.confusion_action.isEnabled(), window.confusion_action.toolTip(),
                             window.confusion.dialog.contents() if window.confusion.visible() else None),
        "selection": ([arrays(a) for a in views.data_plot.rings.getData()],
                      [arrays(a) for a in views.surface_plot.mean_arrow.getData()],
                      [arrays(a) for a in views.data_plot.truth.getData()]),
    }


def distribution_state(box) -> tuple:
    """The Distribution section as shown: family, fields and their values (a refused value: "refused", its red frame
    and reason being what is shown), N, provenance, buttons."""
    fields = {key: ["refused" if spin.property("refused") else spin.value() for spin in spins]
              for key, spins in box.fields.items()}
    return (box.family.currentData(), [box.family.itemData(i) for i in range(box.family.count())], fields,
            box.sample_size.value(), box.provenance.text(), box.new_sample.isEnabled(), box.resample.isEnabled())


def mask_refused(window, expected: dict) -> None:
    """Show ``window``'s refused P fields as refused in ``expected`` (a fresh window's state): the typed text stays
    in its field, with the red frame, while P stays the scene's, in this window only."""
    for key, index in refused_fields(window):
        expected["distribution"][2][key][index] = "refused"


def refused_fields(window) -> list[tuple[str, int]]:
    """The P fields whose typed value was refused (red frame, the reason in the tooltip): input the user has yet to
    correct, which no file holds."""
    box = window.controls.distribution_box
    return [(key, index) for key, spins in box.fields.items() for index, spin in enumerate(spins)
            if spin.property("refused") and spin.toolTip()]

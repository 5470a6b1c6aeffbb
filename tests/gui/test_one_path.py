"""Every view is a function of the document's scene and the live run: after any history of use, opening a
scene shows exactly what a fresh window shows when it opens that scene."""

from __future__ import annotations

import hashlib
import itertools
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.distributions import default_distribution
from lossviz.core.losses import LOSSES, TASK_LOSSES
from lossviz.core.notation import MODEL_FORMULAS
from lossviz.core.presets import load_preset
from lossviz.core.scene import read_scene, scene_to_dict
from lossviz.gui.plot_style import axis_label

RACE = [{"label": "gradient descent", "optimizer": {"name": "gd", "lr": 0.5}},
        {"label": "momentum", "optimizer": {"name": "momentum", "lr": 0.1}},
        {"label": "Adam", "optimizer": {"name": "adam", "lr": 0.1}}]


def scene_documents() -> dict[str, dict]:
    """Four different scenes: regression, 1-D binary, 2-D binary with a non-default surface, 3 classes racing."""
    blobs = scene_to_dict(load_preset("binary-2d-blobs"))
    blobs["surface"] = {"x": "b[0]", "y": "W[0,1]", "x_range": [-2.0, 2.0], "y_range": [-1.0, 4.0], "resolution": 64}
    three = scene_to_dict(load_preset("multiclass-3"))
    three["runs"] = RACE
    line = default_distribution("line", "regression", 1, 1, n=12)
    population = scene_to_dict(load_preset("linear-regression").replace(distribution=line, data=line.sample()))
    population["view"] = {"surface_of": "both"}
    overfit = dict(population, features={"degree": 6}, split={"test_fraction": 0.3, "seed": 2},
                   regularization={"l2": 0.01}, init={"W": [[0.0] * 6], "b": [0.0]})
    overfit["surface"] = {"x": "W[0,2]", "y": "b[0]"}
    return {"regression": scene_to_dict(load_preset("linear-regression")),
            "overfit": overfit,
            "binary-1d": scene_to_dict(load_preset("binary-1d")), "binary-2d": blobs, "race-3": three,
            "population": population}


@pytest.fixture
def scene_files(tmp_path):
    folder = tmp_path / "scenes"
    folder.mkdir()
    paths = {}
    for name, document in scene_documents().items():
        paths[name] = folder / f"{name}.json"
        paths[name].write_text(json.dumps(document))
    return paths


def settle(window, qtbot):
    qtbot.waitUntil(window.live.idle, timeout=30000)
    qtbot.wait(30)  # the last paint
    qtbot.waitUntil(window.live.idle, timeout=30000)


def arrays(values) -> object:
    if values is None:
        return None
    return hashlib.sha1(np.ascontiguousarray(values, dtype=np.float64).tobytes()).hexdigest()


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
        "status": [label.text() for label in views.status_labels()],
        "data axes": (axis_label(views.data_view.getPlotItem(), "bottom"), axis_label(views.data_view.getPlotItem(), "left")),
        "data view": np.round(views.data_viewbox.viewRange(), 9).tolist(),
        "actions": (window.race_action.isChecked(), window.dark_action.isChecked(), window.log_loss_action.isChecked()),
        "theme": (window.theme.name, window.theme.scale),
        "run": (panel.run.isChecked(), panel.run.text(), panel.run.isEnabled()),
        "label": panel.class_palette.current(),
        "title": window.windowTitle(),
        "notes": (window.notes.isHidden(), window.notes.label.text()),
        "distribution": distribution_state(panel.distribution_box),
        "P on the surface": (surface_item.titleLabel.text, panel.surface_of.currentData(), panel.surface_of.isEnabled(),
                             [arrays(a) for a in views.surface_plot.population.getData()],
                             [arrays(a) for a in views.surface_plot.cloud.getData()]),
        "capacity": (panel.overfit_box.settings(), [arrays(a) for a in views.loss_plot.test_curve.getData()],
                     [item.isVisible() for item in views.loss_plot.plot.items if item is views.loss_plot.legend],
                     sum(len(item.data) for item in views.data_plot.hollow)),
        "selection": ([arrays(a) for a in views.data_plot.rings.getData()],
                      [arrays(a) for a in views.surface_plot.mean_arrow.getData()],
                      [arrays(a) for a in views.data_plot.truth.getData()]),
    }


def distribution_state(box) -> tuple:
    """The Distribution section as shown: family, fields and their values, N, provenance, buttons."""
    return (box.family.currentData(), [box.family.itemData(i) for i in range(box.family.count())],
            {key: [spin.value() for spin in spins] for key, spins in box.fields.items()}, box.sample_size.value(),
            box.provenance.text(), box.new_sample.isEnabled(), box.resample.isEnabled())


def click_run(window):
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)


def run_until(window, qtbot, steps):
    click_run(window)
    assert window.live.running
    qtbot.waitUntil(lambda: window.live.step >= steps, timeout=30000)
    click_run(window)
    assert not window.live.running


def choose(combo, value):
    combo.setCurrentIndex(combo.findData(value))
    combo.activated.emit(combo.currentIndex())


def use(window, qtbot):
    """A lecturer's history: race on, run, pause, race off, dark theme, another loss, run, pause, every sample
    selected and, with a P, Resample ×20 and the population surface."""
    window.race_action.trigger()
    run_until(window, qtbot, window.live.step + 15)
    window.race_action.trigger()
    window.dark_action.trigger()
    losses = TASK_LOSSES[window.document.scene.task]
    if len(losses) > 1:
        choose(window.controls.loss, losses[-1])
    run_until(window, qtbot, 10)
    window.views.data_view.setFocus()
    QTest.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # every sample selected: arrows
    assert window.live.selection
    if window.document.scene.distribution is not None:  # a cloud of resampled minima, and P shown alone
        QTest.mouseClick(window.controls.distribution_box.resample, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.live.population.cloud is not None, timeout=30000)
        choose(window.controls.surface_of, "population")


@pytest.mark.parametrize("first, second", list(itertools.permutations(scene_documents(), 2)))
def test_opening_a_scene_after_any_history_looks_like_a_fresh_window(first, second, scene_files, make_window, qtbot):
    used = make_window(read_scene(scene_files[first]), path=scene_files[first])
    use(used, qtbot)
    used.load_scene(scene_files[second])
    # at once, before any event: no surface, path or curve of the old scene under the new axes
    assert used.views.surface_plot.surface is None and used.views.surface_plot.image.image is None
    assert used.views.surface_plot.legend_labels() == [] and used.views.loss_plot.race_items == []
    fresh = make_window(read_scene(scene_files[second]), path=scene_files[second])
    settle(used, qtbot)
    settle(fresh, qtbot)
    seen, expected = visible_state(used), visible_state(fresh)
    assert expected["surface values"] is not None and expected["status"][1] != "L(θ|D) = –"
    assert seen == expected, {key: (seen[key], expected[key]) for key in seen if seen[key] != expected[key]}


@pytest.mark.parametrize("task", ["regression", "binary", "multiclass"])
def test_changing_the_loss_changes_the_formula_card(task, make_window):
    preset = {"regression": "linear-regression", "binary": "binary-2d-blobs", "multiclass": "multiclass-3"}[task]
    window = make_window(load_preset(preset))
    for loss in [*TASK_LOSSES[task][1:], TASK_LOSSES[task][0]]:
        choose(window.controls.loss, loss)
        assert window.document.scene.loss == loss
        card = window.controls.formula.text()
        assert MODEL_FORMULAS[task] in card and LOSSES[loss].formula in card
        others = [LOSSES[other].formula for other in LOSSES if LOSSES[other].formula != LOSSES[loss].formula]
        assert not any(other in card for other in others), card

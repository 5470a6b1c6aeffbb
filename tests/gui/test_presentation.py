"""The lecture hall: presentation mode enlarges the whole window and cuts nothing off; the window fits its
screen; axis and colour-bar numbers are the numbers themselves."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtGui, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.presets import load_preset
from lossviz.gui.presentation import apply_palette, presentation_scale

from .helpers import WAIT_MS, settle


def cut_off(window):
    """Widgets of the panel narrower than they need to show their text (combo texts, buttons, fields)."""
    kinds = (QtWidgets.QComboBox, QtWidgets.QAbstractButton, QtWidgets.QAbstractSpinBox)
    return [w.objectName() or w.text() for w in window.controls.findChildren(QtWidgets.QWidget)
            if isinstance(w, kinds) and w.isVisibleTo(window.controls) and w.width() < w.minimumSizeHint().width()]


def font_size(widget):
    return widget.fontInfo().pointSizeF()


def test_presentation_mode_enlarges_the_whole_window_and_cuts_nothing_off(make_window, qtbot):
    window = make_window(load_preset("multiclass-3"))
    settle(qtbot, window)
    panel, views = window.controls, window.views
    before = {"line": window.theme.line, "formula": font_size(panel.formula), "status": font_size(views.step_label),
              "combo": font_size(panel.task), "menu": font_size(window.menuBar())}
    assert cut_off(window) == []
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=WAIT_MS)
    scale = presentation_scale(window.screen())
    assert window.theme.line == before["line"] * scale and scale >= 1.3
    for name, widget in (("formula", panel.formula), ("status", views.step_label), ("combo", panel.task),
                         ("menu", window.menuBar())):
        assert font_size(widget) >= 1.25 * before[name], name  # the panel, the card, the status bar grow too
    assert font_size(panel.formula) > font_size(panel.task)  # the formula card stays the larger text
    qtbot.wait(50)
    assert cut_off(window) == []
    QTest.keyClick(window.views.data_view, Qt.Key.Key_F9)  # the panel out of the way, and back
    assert not window.controls_dock.isVisible()
    QTest.keyClick(window.views.data_view, Qt.Key.Key_F9)
    assert window.controls_dock.isVisible()
    window.presentation_action.trigger()
    assert not window.isFullScreen() and window.theme.line == before["line"]
    assert font_size(panel.formula) == before["formula"]


def test_the_window_fits_a_small_screen(make_window, qtbot):
    from lossviz.gui.presentation import fit_to_screen

    window = make_window(load_preset("xor"), show=False)
    available = window.screen().availableGeometry()
    window.resize(available.width() + 300, available.height() + 200)  # larger than this screen
    fit_to_screen(window)
    qtbot.waitExposed(window)
    assert window.width() <= available.width() and window.height() <= available.height()


def test_small_values_are_shown_as_they_are_on_every_axis(qtbot):
    from lossviz.core.surface import Surface
    from lossviz.plots.loss import LossPlot
    from lossviz.plots.style import style_plot
    from lossviz.plots.surface import SurfacePlot
    from lossviz.plots.theme import LIGHT

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    plot = LossPlot(widget.getPlotItem(), LIGHT)
    style_plot(widget.getPlotItem(), LIGHT, "Loss curve", "step", "L(θ|D)")
    widget.getPlotItem().setYRange(0.0001, 0.0004)
    style_plot(widget.getPlotItem(), LIGHT, "Loss curve", "step", "L(θ|D)")  # restyled (a theme change) now
    plot.set_history(np.arange(50), 0.1 + 0.3 * np.exp(-np.arange(50) / 10))
    widget.show()
    qtbot.waitExposed(widget)
    axis = widget.getPlotItem().getAxis("left")
    assert axis.autoSIPrefixScale == 1.0 and axis.labelUnitPrefix == ""
    surface_widget = pg.PlotWidget()
    qtbot.addWidget(surface_widget)
    surface = SurfacePlot(surface_widget.getPlotItem(), LIGHT)
    x = y = np.linspace(-1, 1, 16)
    surface.set_surface(Surface("W[0,0]", "b[0]", x, y, 0.1 + 0.35 * np.add.outer(y ** 2, x ** 2) / 2))
    bar = surface.colorbar.getAxis("right")
    assert bar.autoSIPrefixScale == 1.0 and bar.labelUnitPrefix == ""


def test_the_theme_and_presentation_mode_redraw_a_class_legend(make_window, qtbot):
    """Named classes (an imported table's) keep their legend through Dark theme and F11 (it raised "Cannot anchor;
    parent is not set" every time)."""
    window = make_window(load_preset("multiclass-3").replace(class_names=("setosa", "versicolor", "virginica")))
    window.set_theme("dark")
    assert window.views.data_plot.legend_names() == ["setosa", "versicolor", "virginica"]
    window.set_presentation(True)
    window.set_presentation(False)
    window.set_theme("light")
    assert window.views.data_plot.legend_names() == ["setosa", "versicolor", "virginica"]
    settle(qtbot, window)


def plot_style(window) -> dict:
    """What presentation mode scales in the plots: tick and label fonts, titles, legends, line widths and markers."""
    style = {}
    for name, view in (("data", window.views.data_view), ("surface", window.views.surface_view),
                       ("loss", window.views.loss_view)):
        item = view.getPlotItem()
        axes = [item.getAxis(side) for side in ("bottom", "left")]
        legends = [child for child in view.scene().items() if isinstance(child, pg.LegendItem) and child.isVisible()]
        style[name] = {
            "ticks": [axis.style["tickFont"].pointSizeF() if axis.style.get("tickFont") else None for axis in axes],
            "labels": [axis.label.toHtml() for axis in axes],
            "title": item.titleLabel.text + repr(item.titleLabel.opts.get("size")),
            "legend": [label.opts.get("size") for legend in legends for _, label in legend.items],
            "pens": sorted({round(curve.opts["pen"].widthF(), 3) for curve in item.listDataItems()
                            if isinstance(curve.opts.get("pen"), QtGui.QPen)}),
            "markers": sorted({float(size) for scatter in item.items if isinstance(scatter, pg.ScatterPlotItem)
                               for size in np.unique(scatter.data["size"])}),
        }
    return style


def press_f11(window, qtbot) -> None:
    """F11 at the data view of the active window, then wait until the window's full-screen state has flipped."""
    window.activateWindow()  # after a dialog or a change of full screen, the window may not be the active one
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    presenting = window.isFullScreen()
    QTest.keyClick(window.views.data_view, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: window.isFullScreen() != presenting, timeout=WAIT_MS)
    settle(qtbot, window)


def test_presentation_after_an_import_scales_the_plots_as_a_fresh_window_does(make_window, dialog_log, tmp_path, qtbot):
    """Issue 20 item 2: File → Import data, then F11: the plots' titles, ticks, legend and markers grow with the
    panel, exactly as in a fresh window of the same scene in presentation mode (and F11 off and on again too)."""
    from tests.cli.test_import_cli import iris_like_csv

    window = make_window(load_preset("binary-2d-blobs"))
    dialog_log["answers"]["open_path"] = str(iris_like_csv(tmp_path / "iris.csv"))
    from .test_import_gui import work_dialog

    dialog_log["answers"]["import"] = lambda dialog: work_dialog(dialog, (2, 3), 4)  # the petals, as the lecture has it
    window.findChild(QtGui.QAction, "actionImportCsv").trigger()
    assert window.document.scene.class_names is not None and dialog_log["errors"] == []
    settle(qtbot, window)
    normal = plot_style(window)
    press_f11(window, qtbot)
    fresh = make_window(window.document.scene)
    fresh.set_presentation(True)
    qtbot.waitUntil(fresh.isFullScreen, timeout=WAIT_MS)
    settle(qtbot, fresh)
    assert plot_style(window) == plot_style(fresh) != normal
    assert window.theme == fresh.theme and window.theme.scale == presentation_scale(window.screen())
    press_f11(window, qtbot)
    assert plot_style(window) == normal
    press_f11(window, qtbot)
    assert plot_style(window) == plot_style(fresh)


def plots_inside(window) -> list[str]:
    """What is wrong with the plots' fit: each plot inside its view, each view inside the window, each title
    inside its plot (elided with "…" where the whole one is wider), none cut."""
    from lossviz.plots.style import title_of

    problems = []
    for name, view in (("data", window.views.data_view), ("surface", window.views.surface_view),
                       ("loss", window.views.loss_view)):
        item = view.getPlotItem()
        rect = item.sceneBoundingRect()
        if rect.width() > view.viewport().width() + 1 or rect.height() > view.viewport().height() + 1:
            problems.append(f"{name}: plot {rect.width():.0f}×{rect.height():.0f} in a view of {view.viewport().width()}"
                            f"×{view.viewport().height()}")
        corner = view.mapTo(window, view.rect().bottomRight())
        if corner.x() > window.width() or corner.y() > window.height():
            problems.append(f"{name}: view ends at {corner.x()}, {corner.y()}, outside the window")
        label = item.titleLabel
        text = label.item.mapRectToItem(item, label.item.boundingRect())
        if text.left() < -1 or text.right() > item.width() + 1:
            problems.append(f"{name}: title {label.text!r} from {text.left():.0f} to {text.right():.0f} in a plot "
                            f"{item.width():.0f} wide")
        if label.text != title_of(item) and not label.text.endswith("…"):
            problems.append(f"{name}: title {label.text!r} is neither whole nor elided")
    return problems


def test_plots_shrink_and_titles_elide_in_a_small_window_and_at_720_lines(make_window, qtbot):
    """Issue 20 item 4: population-line with L(θ|P) shown, at 800 × 500 and in presentation mode at 1280 × 720:
    every plot inside its view and the window, the colour bar included, and titles elided ("…"), not cut; the
    whole title back once there is room."""
    from lossviz.plots.style import title_of

    window = make_window(load_preset("population-line"))
    window.document.set_view_options(surface_of="population")
    settle(qtbot, window)
    surface = window.views.surface_view.getPlotItem()
    assert title_of(surface).startswith("Expected loss L(θ|P)") and surface.titleLabel.text == title_of(surface)
    window.resize(800, 500)
    qtbot.waitUntil(lambda: window.width() == 800, timeout=WAIT_MS)
    settle(qtbot, window)
    qtbot.wait(50)
    assert plots_inside(window) == []
    assert surface.titleLabel.text.endswith("…")  # 200 px: the title does not fit whole
    window.set_presentation(True)
    window.setGeometry(0, 0, 1280, 720)
    qtbot.waitUntil(window.isFullScreen, timeout=WAIT_MS)
    settle(qtbot, window)
    qtbot.wait(50)
    assert plots_inside(window) == []
    window.set_presentation(False)
    window.resize(1600, 1000)
    settle(qtbot, window)
    qtbot.wait(50)
    assert plots_inside(window) == [] and surface.titleLabel.text == title_of(surface)


def test_leaving_presentation_mode_gives_back_the_window_as_it_was(make_window, qtbot):
    """The monkey's seed 1: after F11 on and off the panel stayed 56 px wider than in a fresh window (the larger
    font had widened it), so the plots were narrower and the surface's title elided."""
    window = make_window(load_preset("xor"))
    settle(qtbot, window)
    widths = lambda w: (w.controls_dock.width(), w.views.data_view.width(), w.views.surface_view.width())  # noqa: E731
    before = widths(window)
    press_f11(window, qtbot)
    assert widths(window) != before
    press_f11(window, qtbot)
    qtbot.waitUntil(lambda: widths(window) == before, timeout=WAIT_MS)
    fresh = make_window(load_preset("xor"))
    settle(qtbot, fresh)
    assert widths(fresh) == before and plot_style(window) == plot_style(fresh)


@pytest.mark.parametrize("lo, hi", [(2.9e8, 3.1e8), (0.1, 0.4), (1.0, 1.0000001), (-3.0, 17.0), (1e-5, 3e-5),
                                    (2.99999e8, 3.00001e8), (0.0, 1e-12)])
def test_the_colour_bar_has_at_least_two_distinct_ticks_inside_its_range(lo, hi):
    """Issue 20 item 5: the colour bar showed a single tick ("3e+08")."""
    from lossviz.plots.style import scale_ticks

    ticks = scale_ticks(lo, hi)
    values, labels = [value for value, _ in ticks], [label for _, label in ticks]
    assert 2 <= len(ticks) <= 7 and len(set(labels)) == len(labels), ticks
    assert all(lo - 1e-9 * (hi - lo) <= value <= hi + 1e-9 * (hi - lo) for value in values)
    assert all(float(label) == pytest.approx(value, rel=1e-6, abs=1e-9 * (hi - lo)) for value, label in ticks)


def test_a_long_status_message_takes_the_whole_bar_and_the_readings_come_back(make_window, qtbot):
    """Issue 20 item 5: messages were cut by the status fields ("press Rese", "an untitled copy (Sa")."""
    window = make_window(load_preset("xor"))
    window.resize(1280, 720)
    settle(qtbot, window)
    bar, labels = window.statusBar(), window.views.status_labels()
    bar.showMessage("Point added", 2000)  # short: beside the readings
    assert all(label.isVisible() for label in labels)
    long = ("The recovered scene was opened as an untitled copy (Save As to keep it): the file it came from has "
            "changed since; press Reset to start the descent again from its θ")
    bar.showMessage(long, 2000)
    assert not any(label.isVisible() for label in labels)
    assert bar.fontMetrics().horizontalAdvance(long) <= bar.width()  # the whole message fits the bar at 1280
    bar.clearMessage()
    assert all(label.isVisible() for label in labels) and labels[0].text().startswith("step")


def test_the_figure_dialogs_grow_with_presentation_mode(make_window, qtbot):
    """Issue 20 item 5: the capacity (and decomposition) dialog kept its size and ~9 px text in presentation mode; it
    now grows with the window's font, within 95 % of the screen."""
    window = make_window(load_preset("sine-overfit").replace(steps=20))
    window.set_presentation(True)
    qtbot.waitUntil(window.isFullScreen, timeout=WAIT_MS)
    QTest.mouseClick(window.controls.overfit_box.capacity, Qt.MouseButton.LeftButton)
    dialog = window.capacity.dialog
    qtbot.waitExposed(dialog)
    scale = presentation_scale(window.screen())
    assert dialog.font_scale() == pytest.approx(scale, rel=0.02)
    room = dialog.screen().availableGeometry().size() * 0.95
    assert (dialog.width(), dialog.height()) == (min(round(1000 * scale), room.width()),
                                                 min(round(640 * scale), room.height()))
    dialog.close()
    window.set_presentation(False)
    QTest.mouseClick(window.controls.overfit_box.capacity, Qt.MouseButton.LeftButton)  # shown again: its normal size
    qtbot.waitExposed(dialog)
    assert dialog.font_scale() == pytest.approx(1.0) and (dialog.width(), dialog.height()) == \
        (min(1000, room.width()), min(640, room.height()))
    dialog.close()
    settle(qtbot, window)


def test_a_window_starts_in_the_theme_the_user_chose_last_time(make_window, qtbot):
    """The theme kept in the settings is the first window's: its palette is applied before any widget is built and
    polished (the panel drawn dark at once, not polished a second time after a light start)."""
    first = make_window()
    first.set_theme("dark")
    first.close()
    apply_palette("light")  # as a new process starts: the platform's palette
    try:
        window = make_window()
        settle(qtbot, window)
        assert window.base_theme.name == "dark" and window.dark_action.isChecked()
        panel = window.controls.grab().toImage()
        assert QtGui.QColor(panel.pixel(2, 2)).lightness() < 80  # the panel's background: dark
        assert QtWidgets.QApplication.palette().color(QtGui.QPalette.ColorRole.Window).name() == "#2b2b2b"
        data_background = window.views.data_view.grab().toImage()
        assert QtGui.QColor(data_background.pixel(3, 3)).lightness() < 80
    finally:
        apply_palette("light")  # the palette is the application's: the next tests start light

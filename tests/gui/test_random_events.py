"""The monkey (tests/gui/monkey.py) at the window, seed by seed, and the bugs it found, one minimal test each."""

import traceback

import numpy as np
import pytest
from PySide6 import QtCore
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.presets import load_preset

from .helpers import WAIT_MS, click, move, settle, to_viewport, type_into
from .monkey import ACTIONS, CHECKPOINTS, CTRL, LEFT, NO, PRESETS, SEEDS, check_consistent, data_key, run_monkey, same_data


@pytest.mark.parametrize("seed", SEEDS)
def test_random_events_keep_the_document_consistent(make_window, qtbot, qtlog, dialog_log, tmp_path, seed):
    window = make_window(load_preset(PRESETS[seed % len(PRESETS)]))
    folder = tmp_path / "monkey"
    folder.mkdir()
    monkey, failures = run_monkey(window, qtbot, seed, ACTIONS, dialog_log=dialog_log, folder=folder, qtlog=qtlog,
                                  make_window=make_window, checkpoints=CHECKPOINTS)
    print(f"seed {seed}: {monkey.index} actions, ~{monkey.events} events; "
          f"undo stack {window.document.undo_stack.count()}; "
          f"{monkey.counts['undone and compared']} settings undone and compared with a fresh window")
    print("  slowest actions (name, count, seconds):",
          [(name, monkey.counts[name], round(t, 2)) for name, t in monkey.times.most_common(6)])
    assert not failures, failures[0]
    assert monkey.index >= ACTIONS

    monkey.pointer_elsewhere()  # the user goes to the Edit menu
    if window.controls.run.isChecked():
        window.controls.run.click()
    qtbot.wait(20)
    check_consistent(window, f"seed {seed}, end")

    # undo everything, then redo everything: back to the same data
    stack = window.document.undo_stack
    final, index = data_key(window.document.scene), stack.index()
    while stack.canRedo():  # from the top of the stack: undone edits count too
        stack.redo()
    top = data_key(window.document.scene)
    while stack.canUndo():
        stack.undo()
    assert stack.index() == 0
    check_consistent(window, f"seed {seed}, after undoing everything")
    while stack.canRedo():
        stack.redo()
    check_consistent(window, f"seed {seed}, after redoing everything")
    assert same_data(data_key(window.document.scene), top), "undo all + redo all does not return to the same data"
    while stack.index() > index:
        stack.undo()
    assert same_data(data_key(window.document.scene), final), "undo/redo does not come back to the final data"
    qtbot.wait(10)


# ---------------------------------------------------------------- bugs found by the random test
# Minimal tests, one per bug found by the random test; all fixed.

def _settle_surface(window, qtbot):
    qtbot.waitUntil(lambda: window.views.surface_plot.surface is not None and not window.live.surfaces.reframe, timeout=WAIT_MS)


# Found by the random test at aec6222 (IndexError/ValueError in DataPlot._draw_ghost, from every redraw);
# fixed in 511ae8f while this file was written, so it is an ordinary regression test now.
def test_undoing_a_task_change_while_hovering_the_surface(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))  # θ is (1, 3)
    combo = window.controls.task
    combo.setCurrentIndex(combo.findData("regression"))  # θ is (1, 2)
    combo.activated.emit(combo.currentIndex())
    _settle_surface(window, qtbot)
    (x0, x1), (y0, y1) = window.views.surface_viewbox.viewRange()
    move(window.views.surface_view, (x0 + x1) / 2, (y0 + y1) / 2)  # hover: the ghost model is drawn
    assert window.views.data_plot.ghost_theta is not None
    window.views.data_view.setFocus()
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Z, CTRL)  # undo: back to binary 2-D, θ (1, 3)
    qtbot.wait(50)
    assert window.document.scene.task == "binary"
    assert window.controls.task.currentData() == "binary"
    check_consistent(window)


def test_undo_while_dragging_a_point(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))
    view, viewport = window.views.data_view, window.views.data_view.viewport()
    click(view, -2.7, 2.7)  # add a point: the last one
    size = window.document.scene.data.size
    start = to_viewport(view, -2.7, 2.7)
    with qtbot.capture_exceptions() as exceptions:
        QTest.mousePress(viewport, LEFT, NO, start)  # drag the new point ...
        QTest.mouseMove(viewport, start + QtCore.QPoint(10, 10))
        QTest.mouseMove(viewport, start + QtCore.QPoint(20, 20))
        QTest.keyClick(view, Qt.Key.Key_Z, CTRL)  # ... undo its "Add point" with the button still down ...
        QTest.mouseMove(viewport, start + QtCore.QPoint(30, 30))  # ... and go on dragging
        QTest.mouseRelease(viewport, LEFT, NO, start + QtCore.QPoint(40, 40))
        qtbot.wait(20)
    assert not exceptions, "".join(traceback.format_exception(*exceptions[0]))
    check_consistent(window)
    assert window.document.scene.data.size in (size - 1, size)


def test_surface_of_losses_beyond_float32_is_drawn(qtbot):
    import warnings

    import pyqtgraph as pg
    from PySide6 import QtGui

    from lossviz.core.surface import Surface
    from lossviz.plots.surface import SurfacePlot
    from lossviz.plots.theme import LIGHT

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(300, 300)
    widget.show()
    plot = SurfacePlot(widget.getPlotItem(), LIGHT)
    x = y = np.linspace(-1.0, 1.0, 32)
    loss = 1e39 * (1.0 + np.add.outer(y ** 2, x ** 2))  # from 1e39 to 3e39: a bowl
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plot.set_surface(Surface("W[0,0]", "b[0]", x, y, loss))
        widget.grab()  # pyqtgraph renders the image (and rescales it) when painted
    pixels = pg.imageToArray(plot.image.qimage.convertToFormat(QtGui.QImage.Format.Format_RGB32), copy=True)
    colours = len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0))
    assert not [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert colours > 10, f"the bowl is drawn in {colours} colour(s)"


# Found by the monkey (seed 8): in a multiclass scene of 2 classes, blobs chosen in the distribution box made a
# scene its own file format refused ("blobs gives binary data; this scene is multiclass").
def test_blobs_chosen_for_two_classes_give_a_scene_that_reads_back(make_window, qtbot):
    window = make_window(load_preset("multiclass-3"))
    panel = window.controls
    type_into(panel.classes, "2")
    assert window.document.scene.classes == 2
    family = panel.distribution_box.family
    family.setCurrentIndex(family.findData("blobs"))
    family.activated.emit(family.currentIndex())
    assert window.document.scene.distribution.name == "blobs"
    check_consistent(window)


# Found by the monkey (seed 6): "automatic range" unchecked right after a change of the task, before the first surface
# of the new model came, was refused (no range to fix yet) but the box stayed unchecked, so the panel showed fixed
# ranges that the document did not have, and a fresh open of the saved scene showed them automatic.
def test_a_refused_surface_edit_shows_the_settings_in_use_again(make_window, qtbot):
    window = make_window(load_preset("binary-1d"))
    settle(qtbot, window)
    panel = window.controls
    dims = panel.dims
    dims.setCurrentIndex(dims.findData(2))
    dims.activated.emit(dims.currentIndex())  # a new model: its automatic range is not known yet
    box = panel.auto_range
    QTest.mouseClick(box, LEFT, NO, QtCore.QPoint(6, box.height() // 2))
    assert box.isChecked() and not window.document.scene.surface.fixed
    assert "being computed" in window.statusBar().currentMessage()
    settle(qtbot, window)
    QTest.mouseClick(box, LEFT, NO, QtCore.QPoint(6, box.height() // 2))  # now it can be fixed where it is
    assert not box.isChecked() and window.document.scene.surface.fixed
    low, high = panel.x_range
    type_into(low, str(high.value() + 1))  # the wrong way round: refused, the range in use shown again
    assert low.value() == window.document.scene.surface.x_range[0] < high.value()

"""Editing the dataset with the mouse and keyboard; undo and redo."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.presets import load_preset

from .helpers import WAIT_MS, click, drag, settle, to_viewport, type_into


def test_clicks_add_labelled_points_where_clicked(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))
    view = window.views.data_view
    before = window.document.scene.data.size
    click(view, -2.8, 3.0)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_1)
    assert window.editor.current_label == 1
    click(view, 2.9, -2.9)
    data = window.document.scene.data
    assert data.size == before + 2
    np.testing.assert_allclose(data.X[-2], [-2.8, 3.0], atol=0.03)
    np.testing.assert_allclose(data.X[-1], [2.9, -2.9], atol=0.03)
    assert data.y[-2:].tolist() == [0, 1]
    assert window.controls.class_palette.buttons[1].isChecked()


def test_digit_typed_into_a_field_edits_the_field(make_window, qtbot):
    window = make_window(load_preset("multiclass-3"))
    spin = window.controls.classes
    type_into(spin, "5")
    assert window.document.scene.classes == 5
    assert window.editor.current_label == 0


def test_regression_click_adds_x_and_y(make_window):
    window = make_window(load_preset("linear-regression"))
    before = window.document.scene.data.size
    click(window.views.data_view, 0.5, -2.5)
    assert window.document.scene.data.size == before + 1
    np.testing.assert_allclose([window.document.scene.data.X[-1, 0], window.document.scene.data.y[-1]], [0.5, -2.5], atol=0.03)


def test_drag_moves_a_point_as_one_undo_step(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))
    data = window.document.scene.data
    x0, y0 = data.X[0]
    steps_before = window.document.undo_stack.count()
    drag(window.views.data_view, (x0, y0), (x0 + 1.0, y0 - 0.5))
    moved = window.document.scene.data
    np.testing.assert_allclose(moved.X[0], [x0 + 1.0, y0 - 0.5], atol=0.03)
    np.testing.assert_array_equal(moved.X[1:], data.X[1:])
    assert window.document.undo_stack.count() == steps_before + 1
    window.document.undo_stack.undo()
    np.testing.assert_array_equal(window.document.scene.data.X, data.X)


def test_drag_on_empty_space_pans_instead_of_editing(make_window):
    window = make_window(load_preset("binary-2d-blobs"))
    data = window.document.scene.data
    before = window.views.data_viewbox.viewRange()
    drag(window.views.data_view, (2.9, -2.9), (2.0, -2.0))
    assert window.document.scene.data is data
    assert window.views.data_viewbox.viewRange() != before


def test_right_click_deletes_the_point_under_the_mouse(make_window):
    window = make_window(load_preset("binary-2d-blobs"))
    data = window.document.scene.data
    click(window.views.data_view, *data.X[3], button=Qt.MouseButton.RightButton)
    assert window.document.scene.data.size == data.size - 1
    np.testing.assert_array_equal(window.document.scene.data.X, np.delete(data.X, 3, axis=0))
    click(window.views.data_view, 2.95, 2.95, button=Qt.MouseButton.RightButton)  # nothing there
    assert window.document.scene.data.size == data.size - 1


def test_undo_and_redo_with_keys_cover_every_edit(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))
    original = window.document.scene.data
    click(window.views.data_view, -2.5, 2.5)
    window.editor.clear_data()
    assert window.document.scene.data.size == 0
    window.controls.generator.setCurrentText("XOR")
    window.editor.generate_data()
    assert window.document.scene.data.size > 0
    view = window.views.data_view
    view.setFocus()
    for _ in range(3):
        QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.scene.data == original
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.document.scene.data.size == original.size + 1
    assert window.document.modified


def test_task_change_is_undoable(make_window):
    window = make_window(load_preset("binary-2d-blobs"))
    combo = window.controls.task
    combo.setCurrentIndex(combo.findData("regression"))
    combo.activated.emit(combo.currentIndex())
    assert window.document.scene.task == "regression" and window.document.scene.dims == 1 and window.document.scene.data.size > 0
    assert window.controls.loss.currentData() == "l2"
    window.document.undo_stack.undo()
    assert window.document.scene.task == "binary" and window.document.scene.dims == 2
    assert window.controls.task.currentData() == "binary"


@pytest.mark.parametrize("preset", ["binary-1d", "multiclass-3", "xor", "regression-outliers"])
def test_every_preset_opens_and_accepts_clicks(make_window, preset):
    window = make_window(load_preset(preset))
    before = window.document.scene.data.size
    (x0, x1), (y0, y1) = window.views.data_viewbox.viewRange()
    click(window.views.data_view, x0 + 0.02 * (x1 - x0), y0 + 0.5 * (y1 - y0))
    assert window.document.scene.data.size == before + 1


def screen_pixels(window, widget):
    """What the screen shows of ``widget`` (the window's backing store), as an array."""
    from PySide6 import QtCore

    shot = window.screen().grabWindow(window.winId()).toImage()
    part = shot.copy(QtCore.QRect(widget.mapTo(window, QtCore.QPoint(0, 0)), widget.size()))
    return image_pixels(part)


def image_pixels(image):
    import pyqtgraph as pg
    from PySide6 import QtGui

    return pg.imageToArray(image.convertToFormat(QtGui.QImage.Format.Format_RGB32), copy=True)


@pytest.mark.parametrize("preset", ["binary-1d", "linear-regression", "multiclass-3"])
def test_clear_leaves_no_trace_of_the_old_points_and_resets_the_status(preset, make_window, qtbot):
    window = make_window(load_preset(preset))
    settle(qtbot, window)
    QTest.mouseClick(window.controls.clear, Qt.MouseButton.LeftButton)
    assert window.document.scene.data.size == 0
    settle(qtbot, window)
    qtbot.wait(50)  # painted
    view = window.views.data_view
    on_screen = screen_pixels(window, view)
    repainted = image_pixels(view.grab().toImage())  # every pixel drawn anew
    assert on_screen.shape == repainted.shape and np.array_equal(on_screen, repainted), \
        f"{int((on_screen != repainted).any(axis=-1).sum())} pixels on screen are left from before"
    labels = [label.text() for label in window.views.status_labels()]
    assert labels[:3] == ["step 0", "L(θ|D) = –", "‖∇L‖ = –"] and labels[3] in ("accuracy –", "RMSE –,  R² –")
    assert not window.controls.run.isEnabled() and not window.controls.step.isEnabled()


def test_file_new_is_an_empty_canvas_and_a_task_change_keeps_it_empty(make_window, qtbot):
    window = make_window(load_preset("multiclass-3"))
    window.files.new_document()
    scene = window.document.scene
    assert scene.data.size == 0 and scene.task == "multiclass"
    combo = window.controls.task
    for task in ("regression", "binary", "multiclass"):
        combo.setCurrentIndex(combo.findData(task))
        combo.activated.emit(combo.currentIndex())
        assert window.document.scene.task == task and window.document.scene.data.size == 0
    click(window.views.data_view, 0.5, 0.5)  # and a click adds the first point
    assert window.document.scene.data.size == 1
    combo.setCurrentIndex(combo.findData("regression"))  # labels 0..2 are no targets: an example replaces them
    combo.activated.emit(combo.currentIndex())
    assert window.document.scene.task == "regression" and window.document.scene.data.size > 1
    window.document.undo_stack.undo()
    assert window.document.scene.task == "multiclass" and window.document.scene.data.size == 1


def test_clear_after_a_run_shows_what_a_fresh_window_of_no_data_shows(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.state().step >= 20, timeout=WAIT_MS)
    QTest.mouseClick(window.controls.clear, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert not window.live.state().running and window.live.state().step == 0
    assert window.views.surface_plot.surface is None and not window.views.surface_plot.colorbar.isVisible()
    assert [len(x) for x, _ in window.views.loss_plot.curves()] == [0]
    assert [label.text() for label in window.views.status_labels()] == ["step 0", "L(θ|D) = –", "‖∇L‖ = –",
                                                                         "accuracy –"]
    window.document.undo_stack.undo()  # the data back: a descent from the start, and its surface
    settle(qtbot, window)
    assert window.views.surface_plot.surface is not None and window.live.state().step == 0
    np.testing.assert_array_equal(window.live.state().theta, window.document.scene.init)


def test_undo_in_the_middle_of_a_paused_drag_leaves_a_live_run(make_window, qtbot):
    from PySide6 import QtCore

    from .helpers import to_viewport

    window = make_window(load_preset("binary-2d-blobs"))
    settle(qtbot, window)
    click(window.views.data_view, -2.7, 2.7)  # a point to undo
    x0, y0 = window.document.scene.data.X[0]
    viewport = window.views.data_view.viewport()
    start = to_viewport(window.views.data_view, x0, y0)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for offset in (10, 20, 30):
        QTest.mouseMove(viewport, start + QtCore.QPoint(offset, offset))
        qtbot.wait(30)  # the drag shows: coarse surfaces
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QtCore.QPoint(40, 40))
    settle(qtbot, window)
    assert window.live.surfaces.shown.spec.resolution == window.document.scene.surface.resolution  # not coarse
    for _ in range(3):
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 3, timeout=WAIT_MS)
    assert window.live.state().loss == window.document.scene.objective().value(window.live.state().theta)  # on the data shown


def test_the_first_settings_change_is_autosaved(make_window, qtbot, tmp_path):
    window = make_window(load_preset("binary-2d-blobs"), recovery_dir=tmp_path / "recovery")
    window.recovery.set_autosave_delays(50, 200)
    combo = window.controls.loss
    combo.setCurrentIndex(combo.findData("mse"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(window.recovery.recovery_path.exists, timeout=WAIT_MS)


def test_after_file_new_the_first_points_descend_from_the_new_start(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))  # init W = -1.5, b = 2.5
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.state().step >= 20, timeout=WAIT_MS)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    window.files.new_document()
    for x, y in [(-1.0, 0.5), (0.5, 0.2), (1.5, 1.0)]:
        click(window.views.data_view, x, y)
    settle(qtbot, window)
    QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 1, timeout=WAIT_MS)
    history = window.live.state().histories[0]
    assert history.steps.tolist() == [0, 1]
    np.testing.assert_array_equal(history.thetas[0], window.document.scene.init)  # zeros, not the old θ


@pytest.mark.parametrize("preset", ["linear-regression", "binary-1d", "multiclass-3"])
def test_markers_grow_with_their_loss_and_hovering_tells_it(preset, make_window, qtbot):
    window = make_window(load_preset(preset))
    for _ in range(5):  # away from a start where every sample may have the same loss
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 5, timeout=WAIT_MS)
    objective, theta = window.live.state().objective, window.live.state().theta
    losses = objective.per_sample(theta)
    sizes = np.concatenate([scatter.data["size"] for scatter in window.views.data_plot.scatters if len(scatter.data)])
    assert len(np.unique(sizes)) > 1  # markers differ with l in every task, regression included
    worst = int(np.argmax(losses))
    x, y = window.views.data_plot.point_positions()[worst]
    from .helpers import move

    move(window.views.data_view, x, y)
    message = window.statusBar().currentMessage()
    assert message.startswith(f"sample {worst + 1}:") and f"l(θ|x, y) = {losses[worst]:.4g}" in message


def test_the_status_bar_shows_accuracy_or_rmse(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    settle(qtbot, window)
    scene = window.document.scene
    rmse = np.sqrt(np.mean((scene.data.X[:, 0] * scene.init[0, 0] + scene.init[0, 1] - scene.data.y) ** 2))
    y = scene.data.y
    r2 = 1 - np.mean((scene.data.X[:, 0] * scene.init[0, 0] + scene.init[0, 1] - y) ** 2) / np.var(y)
    assert window.views.quality_label.text() == f"RMSE {rmse:.4g},  R² {r2:.3f}"
    window.load_scene(_preset_file(window, "binary-2d-blobs"))
    settle(qtbot, window)
    text = window.views.quality_label.text()
    assert text.startswith("accuracy ") and text.endswith(" %")


def _preset_file(window, name):
    from lossviz.core.presets import preset_path

    return preset_path(name)


def test_a_digit_with_no_such_class_says_so_and_changes_nothing(make_window):
    window = make_window(load_preset("multiclass-3"))
    view = window.views.data_view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_2)
    QTest.keyClick(view, Qt.Key.Key_5)
    assert window.editor.current_label == 2
    assert window.statusBar().currentMessage() == "No class 5: this scene has classes 0–2; new points keep label 2"
    window = make_window(load_preset("linear-regression"))
    window.views.data_view.setFocus()
    QTest.keyClick(window.views.data_view, Qt.Key.Key_3)
    assert "regression has no classes" in window.statusBar().currentMessage()


def test_ten_named_classes_wrap_their_buttons_inside_the_panel(make_window, qtbot):
    from lossviz.core.dataset import make_dataset

    scene = load_preset("multiclass-3")
    names = tuple(f"species number {i}" for i in range(10))
    data = make_dataset(np.arange(20.0).reshape(10, 2), np.arange(10.0), "multiclass", 2, 10)
    window = make_window(scene.replace(classes=10, class_names=names, data=data, init=np.zeros((10, 3))))
    window.resize(1400, 860)
    qtbot.wait(50)
    palette, panel = window.controls.class_palette, window.controls
    rows = {button.y() for button in palette.buttons}
    assert len(rows) == 2  # five a row
    assert palette.width() <= panel.width()
    assert all(button.geometry().right() <= palette.width() for button in palette.buttons)


def test_generate_offers_what_keeps_the_task_first_and_says_when_it_switches(make_window, qtbot):
    window = make_window(load_preset("multiclass-3"))
    combo = window.controls.generator
    items = [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]
    assert items[0] == ("3 blobs", "3 blobs") and items[1][1] is None  # then a separator
    assert ("line — switches to 1-D regression", "line") in items
    combo.setCurrentIndex(combo.findData("line"))
    QTest.mouseClick(window.controls.generate, Qt.MouseButton.LeftButton)
    assert window.document.scene.task == "regression"
    assert window.statusBar().currentMessage().startswith("Generate line: the task is now 1-D regression")
    assert combo.itemData(0) == "line"  # the list follows the task
    window.document.undo_stack.undo()
    assert window.document.scene.task == "multiclass" and combo.itemData(0) == "3 blobs"


def test_dragging_a_point_keeps_no_frame_of_old_data_alive(make_window, qtbot):
    """Each frame of a drag is a dataset of its own; once the drag is over, no frame's dataset but the last is held
    (each frame's objective used to outlive it: memory grew by the data's size a frame)."""
    import gc
    import weakref

    from PySide6 import QtCore

    window = make_window(load_preset("binary-2d-blobs"))
    settle(qtbot, window)
    viewport, (x0, y0) = window.views.data_view.viewport(), window.document.scene.data.X[0]
    start = to_viewport(window.views.data_view, x0, y0)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in (1, 2):  # past pyqtgraph's drag threshold: the drag starts
        QTest.mouseMove(viewport, start + QtCore.QPoint(2 * step, step))
    frames = []  # each frame's data, weakly
    for step in range(3, 33):  # a frame at a time, as a hand drags: each frame's surface is shown
        before = window.live.surfaces.shown_count
        QTest.mouseMove(viewport, start + QtCore.QPoint(2 * step, step))
        qtbot.waitUntil(lambda before=before: window.live.surfaces.shown_count > before, timeout=WAIT_MS)
        frames.append(weakref.ref(window.document.scene.data))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QtCore.QPoint(66, 33))
    settle(qtbot, window)
    gc.collect()
    alive = [frame for frame in frames if frame() is not None]
    assert len(frames) == 30 and len(alive) <= 2, f"{len(alive)} of the drag's 30 frames still alive"

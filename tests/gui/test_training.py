"""Gradient descent in the window: run, step, reset, edits while running, divergence, closing."""

import subprocess
import sys
import textwrap

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.presets import load_preset
from lossviz.core.runs import legend_texts

from .helpers import WAIT_MS, choose_fastest_speed, click, move, settle, type_into


def loss_curve(window):
    _, losses = window.views.loss_plot.curve.getData()
    return np.asarray(losses if losses is not None else [])


def test_run_makes_the_loss_curve_fall(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    assert window.controls.run.isChecked()
    qtbot.waitUntil(lambda: window.live.state().step >= 40, timeout=WAIT_MS)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    losses = loss_curve(window)
    assert len(losses) >= 2 and losses[-1] < 0.5 * losses[0]
    curve_end = lambda: window.views.loss_view.getViewBox().viewRange()[0][1]  # noqa: E731
    qtbot.waitUntil(lambda: curve_end() >= window.live.state().step, timeout=WAIT_MS)  # the curve is in view
    assert window.live.state().loss == window.live.state().objective.value(window.live.state().theta)
    assert "step" in window.views.step_label.text() and "L(θ|D)" in window.views.loss_label.text()
    # the trajectory is drawn on the surface and ends at the current θ
    xs, ys = window.views.surface_plot.trajectory.getData()
    assert len(xs) >= 2
    current = window.live.surfaces.plane().coordinates(window.live.state().theta[None])[0]
    np.testing.assert_allclose([xs[-1], ys[-1]], current)


def test_step_and_reset(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    start = window.document.scene.init.copy()
    for _ in range(3):
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.state().step == 3, timeout=WAIT_MS)
    assert not np.array_equal(window.live.state().theta, start)
    QTest.mouseClick(window.controls.reset, Qt.MouseButton.LeftButton)
    assert window.live.state().step == 0
    np.testing.assert_array_equal(window.live.state().theta, start)
    assert len(loss_curve(window)) <= 1


def test_keyboard_runs_steps_and_resets(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    window.views.data_view.setFocus()
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.live.state().step == 1, timeout=WAIT_MS)
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Space)
    assert window.controls.run.isChecked()
    qtbot.waitUntil(lambda: window.live.state().step > 3, timeout=WAIT_MS)
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Space)
    assert not window.controls.run.isChecked()
    QTest.keyClick(window.views.data_view, Qt.Key.Key_R)
    assert window.live.state().step == 0


def test_editing_the_data_while_training_keeps_going_on_the_new_data(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))
    window.controls.run.setChecked(True)
    qtbot.waitUntil(lambda: window.live.state().step >= 10, timeout=WAIT_MS)
    size = window.document.scene.data.size
    click(window.views.data_view, -2.9, 2.9)
    step_at_edit = window.live.state().step
    assert window.document.scene.data.size == size + 1
    qtbot.waitUntil(lambda: window.live.state().step >= step_at_edit + 10, timeout=WAIT_MS)
    window.controls.run.setChecked(False)
    # the worker reports θ for the new data: the status loss is L on the edited dataset
    assert window.live.state().objective.data.size == size + 1
    assert window.live.state().loss == window.live.state().objective.value(window.live.state().theta)
    steps = window.live.state().histories[0].steps
    assert steps[0] == 0 and steps[-1] == window.live.state().step  # one continuous path


def test_surface_follows_an_edit(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    qtbot.waitUntil(lambda: window.views.surface_plot.surface is not None, timeout=WAIT_MS)
    before = window.views.surface_plot.surface.loss.copy()
    click(window.views.data_view, 0.0, 4.5)
    qtbot.waitUntil(lambda: not np.array_equal(window.views.surface_plot.surface.loss, before), timeout=WAIT_MS)


def test_a_huge_learning_rate_diverges_and_pauses_at_a_finite_theta(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    rate = window.controls.learning_rate
    type_into(rate, "90")
    assert window.document.scene.optimizer.lr == 90
    window.controls.run.setChecked(True)
    qtbot.waitUntil(lambda: not window.controls.run.isChecked(), timeout=WAIT_MS)
    assert "Diverged" in window.statusBar().currentMessage()
    assert np.isfinite(window.live.state().theta).all() and np.isfinite(window.live.state().loss)
    assert window.controls.run.text() == "Run"


def test_learning_rate_box_takes_typed_small_values(make_window):
    window = make_window(load_preset("linear-regression"))
    rate = window.controls.learning_rate
    type_into(rate, "0.001")
    assert window.document.scene.optimizer.lr == 0.001
    assert rate.text() == "0.001"


def hover_the_surface(make_window, qtbot):
    """linear-regression's window with the pointer on its surface, a third across and a quarter up: (window, x, y)."""
    window = make_window(load_preset("linear-regression"))
    qtbot.waitUntil(window.live.surfaces.idle, timeout=WAIT_MS)
    surface = window.views.surface_plot.surface
    x, y = surface.x[len(surface.x) // 3], surface.y[len(surface.y) // 4]
    move(window.views.surface_view, x, y)
    return window, x, y


def test_hovering_the_surface_draws_a_ghost_model_and_clicking_sets_the_start(make_window, qtbot):
    window, x, y = hover_the_surface(make_window, qtbot)
    ghost_x, ghost_y = window.views.data_plot.ghost.getData()
    assert ghost_x is not None and len(ghost_x) == 2
    np.testing.assert_allclose(ghost_y, x * ghost_x + y, atol=0.05)  # ŷ = Wx + b with W=x, b=y
    click(window.views.surface_view, x, y)
    np.testing.assert_allclose(window.document.scene.init[0], [x, y], atol=0.05)
    assert window.live.state().step == 0


def test_closing_while_training_stops_the_workers(make_window, qtbot):
    window = make_window(load_preset("multiclass-3"))
    choose_fastest_speed(window)
    window.controls.run.setChecked(True)
    qtbot.waitUntil(lambda: window.live.state().step >= 50, timeout=WAIT_MS)
    window.document.mark_clean()
    assert window.close()
    assert window.live.stopped()


def test_closing_the_app_while_running_exits_cleanly(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6 import QtCore, QtWidgets
        app = QtWidgets.QApplication([])
        from lossviz.gui import MainWindow
        settings = QtCore.QSettings({str(tmp_path / 's.ini')!r}, QtCore.QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, recovery_dir={str(tmp_path)!r})
        window.show()
        window.live.training.speedRequested.emit(0.0)  # flat out, without touching the document (no save prompt)
        window.controls.run.setChecked(True)
        QtCore.QTimer.singleShot(1500, window.close)
        sys.exit(app.exec())
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    noise = [line for line in result.stderr.splitlines() if "propagateSizeHints" not in line]
    assert noise == []


def test_an_optimizer_race_runs_live_with_a_legend(make_window, qtbot):
    window = make_window(load_preset("optimizer-race"))
    assert window.race_action.isChecked()
    window.controls.run.setChecked(True)
    qtbot.waitUntil(lambda: window.live.state().step >= 20, timeout=WAIT_MS)
    window.controls.run.setChecked(False)
    assert window.views.surface_plot.legend_labels() == legend_texts(window.live.state().runs)[0]
    assert len(window.views.loss_plot.race_items) == 3
    # the loss curve's axes follow the race (after a reset, too)
    steps_shown = lambda: window.views.loss_view.getViewBox().viewRange()[0][1]  # noqa: E731
    qtbot.waitUntil(lambda: steps_shown() >= window.live.state().step, timeout=WAIT_MS)
    # every run starts at the same θ and the rivals move too
    for history in window.live.state().histories[1:]:
        np.testing.assert_array_equal(history.thetas[0], window.document.scene.init)
        assert history.steps[-1] >= 10 and history.losses[-1] < history.losses[0]
    window.race_action.trigger()  # back to a single run
    assert not window.document.scene.runs and len(window.live.state().histories) == 1
    assert window.views.surface_plot.legend_labels() == []
    assert window.views.surface_plot.race_legend_rect() is None  # no empty legend box


def test_view_and_surface_settings_do_not_restart_the_descent(make_window, qtbot):
    """Speed, theme, log scales and the surface's axes change what is shown, not the run."""
    window = make_window(load_preset("multiclass-3"))
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.state().step >= 20, timeout=WAIT_MS)
    panel = window.controls
    changes = [
        lambda: choose_fastest_speed(window),
        lambda: window.dark_action.trigger(),
        lambda: window.log_loss_action.trigger(),
        lambda: panel.log_surface.click(),
        lambda: (panel.y_axis.setCurrentIndex(panel.y_axis.findData("b[0]")), panel.y_axis.activated.emit(0)),
    ]
    for change in changes:
        before = window.live.state().step
        change()
        assert window.live.state().step >= before  # no reset to step 0
        qtbot.waitUntil(lambda b=before: window.live.state().step > b + 10, timeout=WAIT_MS)
        state = window.live.state()
        assert state.histories[0].steps[0] == 0 and state.histories[0].steps[-1] == state.step  # one path
    assert window.document.scene.surface_axes == ("W[0,0]", "b[0]")
    assert window.document.modified
    # while the run goes on, each step asks for the surface through the held parameters anew: on a busy machine
    # the worker may never be idle then, but the surface over the new axes is shown
    qtbot.waitUntil(lambda: getattr(window.views.surface_plot.surface, "y_param", None) == "b[0]", timeout=WAIT_MS)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.live.surfaces.idle, timeout=WAIT_MS)
    assert window.views.surface_plot.surface.y_param == "b[0]"


def test_a_data_edit_breaks_the_loss_curve_and_marks_it(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))
    settle(qtbot, window)
    click(window.views.data_view, -2.9, 2.9)  # at step 0, before any training: nothing to break
    settle(qtbot, window)
    (x, y), = window.views.loss_plot.curves()
    assert len(x) == 1 and np.isfinite(y).all() and window.views.loss_plot.edit_steps == []
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.state().step >= 20, timeout=WAIT_MS)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    edited_at = window.live.state().step
    click(window.views.data_view, 2.9, -2.9)
    settle(qtbot, window)
    (x, y), = window.views.loss_plot.curves()
    gaps = np.flatnonzero(np.isnan(y))
    assert len(gaps) == 1 and x[gaps[0] + 1] == edited_at  # the curve breaks where D changed ...
    assert y[gaps[0] - 1] != y[gaps[0] + 1]  # ... between L on the old and on the new data
    assert window.views.loss_plot.edit_steps == [edited_at]
    marker, = window.views.loss_plot.markers
    assert marker.value() == edited_at and marker.label.toPlainText() == "D edited"
    click(window.views.data_view, 2.8, 2.8)  # another edit before any update: the same break, its value replaced
    settle(qtbot, window)
    assert window.views.loss_plot.edit_steps == [edited_at]
    assert window.live.state().histories[0].losses[-1] == window.live.state().loss


def test_clicking_the_surface_while_paused_says_what_happens(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    settle(qtbot, window)
    surface = window.views.surface_plot.surface
    click(window.views.surface_view, surface.x[40], surface.y[70])
    assert "press Run" in window.statusBar().currentMessage()
    assert window.live.state().step == 0 and not window.live.state().running
    np.testing.assert_allclose(window.document.scene.init[0], [surface.x[40], surface.y[70]], atol=0.05)


def test_closing_while_a_surface_computes_cancels_it(make_window, qtbot):
    from lossviz.core.generators import blobs
    from lossviz.core.scene import scene_from_dict

    X, y = blobs(10_000, 0.6, 0, classes=3)
    scene = scene_from_dict({"lossviz": 1, "task": "multiclass", "steps": 1_000_000, "surface": {"resolution": 512},
                             "data": {"x": X.round(3).tolist(), "y": y.tolist()}})
    window = make_window(scene)
    assert window.live.surfaces.worker.requests["main"].newest >= 1 and not window.live.surfaces.idle()  # requested, not back
    window.document.mark_clean()
    assert window.close()
    assert window.live.stopped()
    assert window.live.surfaces.worker.computed == 0  # stopped between chunks, not finished


def test_left_steps_back_along_the_path_and_right_forward_then_on(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    view = window.views.data_view
    view.setFocus()
    for _ in range(10):
        QTest.keyClick(view, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 10, timeout=WAIT_MS)
    history = window.live.state().histories[0]
    assert history.steps.tolist() == list(range(11))
    for _ in range(3):
        QTest.keyClick(view, Qt.Key.Key_Left)
    assert window.live.state().step == 7 and window.views.step_label.text() == "step 7"
    np.testing.assert_array_equal(window.live.state().theta, history.thetas[7])
    assert window.live.state().loss == history.losses[7]
    xs, _ = window.views.surface_plot.trajectory.getData()
    assert len(xs) <= 8  # the path up to step 7
    assert window.views.loss_plot.cursor.isVisible() and window.views.loss_plot.cursor.value() == 7
    for _ in range(3):  # forward along the recorded path: no new steps
        QTest.keyClick(view, Qt.Key.Key_Right)
    assert window.live.state().step == 10 and window.live.state().cursor is None and len(history) == 11
    np.testing.assert_array_equal(window.live.state().theta, history.thetas[10])
    QTest.keyClick(view, Qt.Key.Key_Right)  # then on: a new step
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 11, timeout=WAIT_MS)
    for _ in range(20):  # back to the start, no further
        QTest.keyClick(view, Qt.Key.Key_Left)
    assert window.live.state().step == 0
    np.testing.assert_array_equal(window.live.state().theta, window.document.scene.init)
    QTest.keyClick(view, Qt.Key.Key_Space)  # a run goes on from the newest step
    qtbot.waitUntil(lambda: window.live.state().step > 11, timeout=WAIT_MS)
    QTest.keyClick(view, Qt.Key.Key_Space)
    steps = window.live.state().histories[0].steps
    assert np.all(np.diff(steps) > 0)


def test_the_ghost_model_goes_when_the_descent_starts_and_comes_back_on_a_move(make_window, qtbot):
    """After a surface click and Space the dashed ghost kept the clicked θ for the whole run."""
    window, x, y = hover_the_surface(make_window, qtbot)
    click(window.views.surface_view, x, y)
    assert window.views.data_plot.ghost.getData()[0] is not None
    window.views.data_view.setFocus()
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.live.state().step > 0, timeout=WAIT_MS)
    ghost_x, _ = window.views.data_plot.ghost.getData()
    assert ghost_x is None or len(ghost_x) == 0
    move(window.views.surface_view, x + 0.1, y)
    assert len(window.views.data_plot.ghost.getData()[0]) == 2
    window.controls.run.setChecked(False)


def test_a_divergence_on_features_of_other_scales_suggests_standardising(make_window, qtbot):
    from lossviz.core.dataset import make_dataset

    scene = load_preset("linear-regression")
    window = make_window(scene.replace(data=make_dataset([[100.0], [250.0], [400.0]], [1.0, 2.0, 3.5], "regression", 1)))
    window.controls.run.setChecked(True)
    qtbot.waitUntil(lambda: not window.controls.run.isChecked(), timeout=WAIT_MS)
    message = window.statusBar().currentMessage()
    assert message.startswith("Diverged") and "standardise the features (feature values reach 400)" in message

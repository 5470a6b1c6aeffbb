"""A table of more inputs than a plane shows, in the window (issue 21, part 4): the data view draws the exact view
(logit differences, the score, ŷ against y), its points where the live θ puts them; it is read-only for adding and
moving, while right-click delete, undo and Shift+click selection work by sample; a used window equals a fresh one."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.model import logits
from lossviz.core.presets import load_preset
from lossviz.core.scene import parse_scene_text
from lossviz.plots.style import title_of
from tests.cli.test_import_cli import iris_like_csv

from .helpers import WAIT_MS, click, settle, to_viewport
from .test_import_gui import import_action
from .test_presentation import press_f11
from .visible import visible_state


def step(window, qtbot, times):
    target = window.live.state().step + times
    for _ in range(times):
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == target, timeout=WAIT_MS)
    settle(qtbot, window)


def import_iris(window, qtbot, dialog_log, tmp_path):
    dialog_log["answers"]["open_path"] = str(iris_like_csv(tmp_path / "iris.csv"))  # the defaults: all four columns
    import_action(window).trigger()
    settle(qtbot, window)


def test_an_imported_four_column_table_is_drawn_in_logit_differences(make_window, qtbot, dialog_log, tmp_path):
    window = make_window(load_preset("xor"))
    import_iris(window, qtbot, dialog_log, tmp_path)
    scene = window.document.scene
    assert (scene.dims, scene.classes) == (4, 3)
    step(window, qtbot, 5)
    z = logits(window.live.state().theta, scene.data.X)
    plot = window.views.data_plot
    np.testing.assert_allclose(plot.point_positions(), z[:, 1:3] - z[:, :1], rtol=1e-12, atol=1e-14)
    assert "logit differences, d = 4 inputs" in window.views.data_view.getPlotItem().titleLabel.text
    assert plot.legend_names() == ["setosa", "versicolor", "virginica"]


def test_the_view_is_read_only_for_adding_but_deletes_selects_and_undoes_by_sample(make_window, qtbot, dialog_log,
                                                                                tmp_path):
    window = make_window(load_preset("xor"))
    import_iris(window, qtbot, dialog_log, tmp_path)
    step(window, qtbot, 5)
    data, view = window.document.scene.data, window.views.data_view
    (x0, x1), (y0, y1) = window.views.data_viewbox.viewRange()
    positions = window.views.data_plot.point_positions()
    empty = np.array([x0 + 0.02 * (x1 - x0), y0 + 0.02 * (y1 - y0)])
    assert np.min(np.hypot(*(positions - empty).T)) > 0.03 * (x1 - x0)
    click(view, *empty)
    assert window.document.scene.data is data and "Read-only: d = 4 inputs" in window.statusBar().currentMessage()
    x, y = positions[7]
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     to_viewport(view, x, y))
    assert window.live.selection.indices == (7,)
    click(view, x, y, Qt.MouseButton.RightButton)
    assert window.document.scene.data.size == data.size - 1
    assert np.array_equal(window.document.scene.data.X, np.delete(data.X, 7, axis=0))
    window.activateWindow()  # after the import dialog, the window is the active one again (as a user's click makes it)
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.scene.data.X.tolist() == data.X.tolist()
    settle(qtbot, window)


def scene_of(task, dims=3, n=40):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(n, dims))
    y = X @ np.arange(1.0, dims + 1) + 0.3 * rng.normal(size=n) if task == "regression" else \
        (X.sum(axis=1) + 0.5 * rng.normal(size=n) > 0).astype(int)
    return parse_scene_text(json.dumps({"lossviz": 1, "task": task, "dims": dims,
                                        "data": {"x": X.tolist(), "y": y.tolist()}}))


def test_regression_draws_y_against_its_prediction_and_binary_y_against_the_score(make_window, qtbot):
    for task in ("regression", "binary"):
        window = make_window(scene_of(task))
        step(window, qtbot, 4)
        scene, theta = window.document.scene, window.live.state().theta
        expected = np.column_stack([logits(theta, scene.data.X)[:, 0], scene.data.y])
        np.testing.assert_allclose(window.views.data_plot.point_positions(), expected, rtol=1e-12, atol=1e-14)
        label = window.views.data_view.getPlotItem().getAxis("bottom").labelText
        assert label.startswith("ŷ (the model's prediction)" if task == "regression" else "z = w·x + b")


def test_after_import_steps_f11_and_reset_the_window_equals_a_fresh_one(make_window, qtbot, dialog_log, tmp_path):
    window = make_window(load_preset("xor"))
    import_iris(window, qtbot, dialog_log, tmp_path)
    step(window, qtbot, 6)
    press_f11(window, qtbot)
    press_f11(window, qtbot)
    for key in (Qt.Key.Key_R, Qt.Key.Key_F):
        QTest.keyClick(window.views.data_view, key)
    settle(qtbot, window)
    fresh = make_window(window.document.scene)
    settle(qtbot, fresh)
    seen, expected = visible_state(window), visible_state(fresh)
    for key in ("title", "label"):
        seen.pop(key), expected.pop(key)
    assert seen == expected, {key: (seen[key], expected[key]) for key in seen if seen[key] != expected[key]}


def test_a_task_change_of_a_four_input_scene_keeps_the_scene_whole(make_window, qtbot, dialog_log, tmp_path):
    from .test_population_gui import choose

    window = make_window(load_preset("xor"))
    import_iris(window, qtbot, dialog_log, tmp_path)
    imported = window.document.scene
    panel = window.controls
    assert panel.dims.currentData() == 4 and panel.dims.currentText() == "4-D input"
    choose(panel.task, "binary")
    scene = window.document.scene
    assert scene.task == "binary" and scene.data.dims == scene.dims and scene.init.shape == (1, scene.dims + 1)
    settle(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.scene == imported and panel.dims.currentData() == 4
    settle(qtbot, window)


def test_the_data_view_chooser_draws_partial_residuals_and_slices_as_render_does(make_window, qtbot, dialog_log,
                                                                                tmp_path):
    """Data view → "partial residuals of x₂": (x_i2, eᵢ + w₂x_i2) with the line of slope w₂, following θ; an iris
    table's "slice petal_length × petal_width": those columns, the model's regions there; render draws the same."""
    from lossviz.figures.figure import draw_scene

    from .test_population_gui import choose

    window = make_window(scene_of("regression"))
    panel, plot = window.controls, window.views.data_plot
    assert panel.data_view.isVisibleTo(panel) and panel.data_view.count() == 4  # the exact view, x₁ … x₃
    choose(panel.data_view, "feature:2")
    assert window.document.scene.view.data_view == "feature:2"
    step(window, qtbot, 5)
    scene, theta = window.document.scene, window.live.state().theta
    residual = scene.data.y - logits(theta, scene.data.X)[:, 0]
    x = scene.data.X[:, 1]
    np.testing.assert_allclose(plot.point_positions(), np.column_stack([x, residual + theta[0, 1] * x]), rtol=1e-12)
    item = window.views.data_view.getPlotItem()
    assert "partial residuals of x₂" in title_of(item) and item.getAxis("bottom").labelText == "x₂"
    figure = draw_scene(scene, steps=5)
    try:
        np.testing.assert_allclose(figure.data_plot.point_positions(), plot.point_positions(), rtol=1e-12)
        assert "partial residuals of x₂" in title_of(figure.data_plot.plot)
    finally:
        figure.close()
    iris = make_window(load_preset("xor"))
    import_iris(iris, qtbot, dialog_log, tmp_path)
    choose(iris.controls.data_view, "pair:3,4")
    scene = iris.document.scene
    np.testing.assert_array_equal(iris.views.data_plot.point_positions(), scene.data.X[:, 2:4])
    fresh = make_window(scene)  # another view chosen is framed as a fresh window of it frames it
    settle(qtbot, fresh)
    assert iris.views.data_viewbox.viewRange() == fresh.views.data_viewbox.viewRange()
    iris.activateWindow()
    qtbot.waitUntil(iris.isActiveWindow, timeout=WAIT_MS)
    assert "slice petal_length × petal_width, others at their mean (d = 4, faded by distance in them)" in \
        title_of(iris.views.data_view.getPlotItem())
    # each marker as faint as its sample lies far from the slice in sepal_length, sepal_width (their RMS z-score)
    from lossviz.core.projection import nearness
    from lossviz.plots.data import FADE_ALPHAS

    alphas = np.array(FADE_ALPHAS)[nearness(scene.data.X[:, :2])]
    wanted = sorted(zip(*scene.data.X[:, 2:4].T.tolist(), alphas.tolist(), strict=True))
    seen = sorted((x, y, brush.color().alpha()) for scatter in iris.views.data_plot.scatters
                  for x, y, brush in zip(*scatter.getData(), scatter.data["brush"], strict=True))
    assert len(set(alphas.tolist())) > 1 and seen == wanted  # the table has near and far samples
    choose(iris.controls.data_view, "auto")
    assert "logit differences" in title_of(iris.views.data_view.getPlotItem())
    settle(qtbot, iris)
    settle(qtbot, window)


def test_a_vertical_drag_in_the_y_against_prediction_view_edits_y(make_window, qtbot):
    """ŷ against y (regression, d = 3): a point dragged up gets that y — its inputs, hence ŷᵢ, stay; one undo step."""
    from .helpers import drag

    window = make_window(scene_of("regression"))
    step(window, qtbot, 3)
    before = window.document.scene.data
    x, y = window.views.data_plot.point_positions()[5]
    (_, _), (y0, y1) = window.views.data_viewbox.viewRange()
    target = y + 0.2 * (y1 - y0)
    drag(window.views.data_view, (x, y), (x + 0.1 * (y1 - y0), target))
    qtbot.waitUntil(lambda: window.document.scene.data is not before, timeout=WAIT_MS)
    data = window.document.scene.data
    np.testing.assert_array_equal(data.X, before.X)  # the inputs stay, whatever the mouse did sideways
    assert data.y[5] == pytest.approx(target, abs=0.01 * (y1 - y0))
    assert np.array_equal(np.delete(data.y, 5), np.delete(before.y, 5))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.scene.data == before
    settle(qtbot, window)


def test_of_very_many_samples_only_those_drawn_are_placed_where_the_model_puts_them(make_window, qtbot):
    """5,000 samples of 3 inputs (more than the view draws): the drawn ones are at their logits after steps, the
    others are not computed (NaN: a pass over every sample with each redraw of a run stalled the window); the view
    frames the drawn ones; render draws the same."""
    from lossviz.figures.figure import draw_scene
    from lossviz.plots.data import display_rows

    window = make_window(scene_of("binary", n=5000))
    step(window, qtbot, 3)
    scene, theta = window.document.scene, window.live.state().theta
    positions = window.views.data_plot.point_positions()
    drawn = display_rows(scene.data.size)
    assert drawn is not None and np.isfinite(positions).all(axis=1).sum() == len(drawn)
    np.testing.assert_allclose(positions[drawn, 0], logits(theta, scene.data.X[drawn])[:, 0], rtol=1e-12)
    (x0, x1), _ = window.views.data_viewbox.viewRange()
    assert np.isfinite([x0, x1]).all() and x0 < positions[drawn, 0].min() and positions[drawn, 0].max() < x1
    # the status bar's accuracy, valued by the training worker with its report, is that of θ over every sample
    accuracy = np.mean((logits(theta, scene.data.X)[:, 0] >= 0) == scene.data.y)
    assert f"accuracy {100 * accuracy:.1f} %" in [label.text() for label in window.views.status_labels()]
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)  # and while running, report by report
    seen = []
    window.live.progressed.connect(lambda *_: seen.append((window.live.state().theta, window.live.state().quality)))
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=WAIT_MS)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    for at, quality in seen:
        assert quality.value == np.mean((logits(at, scene.data.X)[:, 0] >= 0) == scene.data.y)
    figure = draw_scene(scene, steps=3)
    try:
        np.testing.assert_array_equal(np.isfinite(figure.data_plot.point_positions()), np.isfinite(positions))
    finally:
        figure.close()


def test_f_frames_a_moving_view_closely_after_it_followed_its_points(make_window, qtbot):
    """The ŷ-against-y view follows its points with room to spare (FOLLOW_MARGIN); View → Frame data (F) frames
    them closely again (FRAME_MARGIN) — the action's checked flag is not taken for a margin."""
    from lossviz.plots.data import FRAME_MARGIN

    window = make_window(scene_of("regression"))
    step(window, qtbot, 6)
    QTest.keyClick(window.views.data_view, Qt.Key.Key_F)
    settle(qtbot, window)
    positions = window.views.data_plot.point_positions()
    lo, hi = positions.min(axis=0), positions.max(axis=0)
    span, middle = np.maximum(hi - lo, 1.0), (lo + hi) / 2
    (x0, x1), (y0, y1) = window.views.data_viewbox.viewRange()
    np.testing.assert_allclose([x0, y0, x1, y1], [*(middle - FRAME_MARGIN * span), *(middle + FRAME_MARGIN * span)])

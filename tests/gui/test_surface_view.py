"""The loss surface in a lecture: a divergence demo keeps a sensible frame, and a minimum that is not
unique says so."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.presets import load_preset
from lossviz.core.scene import scene_from_dict

from .helpers import WAIT_MS, settle, type_into


def frame_width(window):
    (x0, x1), (y0, y1) = window.live.surfaces.ranges
    return max(x1 - x0, y1 - y0)


def shown_ranges(window):
    """What the range boxes show, and what the surface view shows."""
    panel = window.controls
    boxes = [spin.value() for spin in panel.x_range + panel.y_range]
    return boxes, window.views.surface_viewbox.viewRange()


def test_a_diverging_descent_keeps_a_sensible_frame_and_reset_and_frame_surface_return_to_one(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    settle(qtbot, window)
    start_width = frame_width(window)
    type_into(window.controls.learning_rate, "3")
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.live.state().running, timeout=WAIT_MS)  # diverged: paused at the last finite θ
    assert "Diverged" in window.statusBar().currentMessage()
    settle(qtbot, window)
    for action in ("during", "Reset", "Frame surface"):
        if action == "Reset":
            QTest.keyClick(window.views.data_view, Qt.Key.Key_R)
        elif action == "Frame surface":
            window.findChild(type(window.run_action), "actionFrameSurface").trigger()
        settle(qtbot, window)
        width = frame_width(window)
        assert np.isfinite(width) and width <= 100 * start_width, (action, width, start_width)
        boxes, view = shown_ranges(window)
        np.testing.assert_allclose(boxes, [*window.live.surfaces.ranges[0], *window.live.surfaces.ranges[1]])
        np.testing.assert_allclose(view, window.live.surfaces.ranges, rtol=1e-6, atol=1e-9)  # boxes = what is shown


def regression_scene(x, y):
    return scene_from_dict({"lossviz": 1, "task": "regression", "data": {"x": [[v] for v in x], "y": y},
                            "init": {"W": [[1.5]], "b": [-1.0]}})


def test_one_point_has_a_line_of_minima_and_the_surface_says_so(make_window, qtbot):
    window = make_window(regression_scene([0.5], [1.0]))  # L = ½(0.5 W + b − 1)²: minimal on a line
    settle(qtbot, window)
    plot = window.views.surface_plot
    assert not plot.surface.minimum_unique and plot.surface.valley is not None
    assert plot.note.isVisible() and plot.note.toPlainText() == "minimum not unique"
    xs, ys = plot.valley.getData()
    np.testing.assert_allclose(0.5 * xs + ys, 1.0, atol=1e-9)  # the drawn line is the line of minima
    (mx,), (my,) = plot.minimum.getData()
    np.testing.assert_allclose(0.5 * mx + my, 1.0, atol=1e-9)  # "+" on it ...
    theta = window.live.state().theta[0]
    direction = np.array([1.0, -0.5]) / np.hypot(1.0, 0.5)
    assert abs((np.array([mx, my]) - theta) @ direction) < 1e-9  # ... nearest the current θ


def test_repeated_x_has_a_line_of_minima_and_spread_x_a_unique_one(make_window, qtbot):
    window = make_window(regression_scene([1.0, 1.0, 1.0], [0.0, 1.0, 2.0]))
    settle(qtbot, window)
    assert window.views.surface_plot.surface.valley is not None and window.views.surface_plot.note.isVisible()
    other = make_window(regression_scene([0.0, 1.0, 2.0], [0.0, 1.0, 2.5]))
    settle(qtbot, other)
    plot = other.views.surface_plot
    assert plot.surface.minimum_unique and not plot.note.isVisible()
    xs, _ = plot.valley.getData()
    assert xs is None or len(xs) == 0


def test_the_minimum_and_the_colour_bar_take_a_new_theme_as_a_fresh_window_shows_it(make_window, qtbot):
    """The "+" of the minimum and the colour bar's label are set only when they change; a theme change still
    recolours them, as a window opened in that theme shows them."""
    window = make_window(load_preset("linear-regression"))  # a unique minimum inside the grid: a "+"
    settle(qtbot, window)
    window.dark_action.trigger()
    settle(qtbot, window)
    fresh = make_window(window.document.scene)
    settle(qtbot, fresh)

    def look(w):
        plot = w.views.surface_plot
        label = plot.colorbar.getAxis("right")
        return (plot.minimum.getData()[0].tolist(), plot.minimum.opts["pen"].color().name(),
                plot.minimum.opts["size"], label.labelText, label.labelStyle)

    assert look(window) == look(fresh)
    assert len(look(window)[0]) == 1 and look(window)[1] == window.views.theme.contour.lower()

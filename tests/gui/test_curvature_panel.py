"""The panel's curvature line (issue 21, part 3): λ_max, λ_min and κ at the current θ, and — for gradient descent —
whether the learning rate is below 2/λ_max; above it, a warning in red that the run will oscillate and diverge."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.curvature import curvature
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.presets import load_preset

from .helpers import WAIT_MS, settle, type_into


def test_the_line_says_when_the_learning_rate_is_above_two_over_lambda_max(make_window, qtbot):
    scene = load_preset("linear-regression").replace(optimizer=OptimizerConfig("gd", 2.0))
    window = make_window(scene)
    settle(qtbot, window)
    line, found = window.controls.curvature, curvature(scene.objective(), scene.init)
    assert f"λ<sub>max</sub> {found.largest:.3g}" in line.text() and f"= {2 / found.largest:.3g}" in line.text()
    assert "is above 2/λ<sub>max</sub>" in line.text() and "C0392B" in line.styleSheet()
    for _ in range(20):  # and it does: the loss grows step by step
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 20, timeout=WAIT_MS)
    losses = window.live.state().histories[0].losses
    assert losses[-1] > 100 * losses[0]
    type_into(window.controls.learning_rate, "0.5")
    assert "is below 2/λ<sub>max</sub>" in line.text() and line.styleSheet() == ""
    settle(qtbot, window)


@pytest.mark.parametrize("name", ["binary-2d-blobs", "multiclass-3"])
def test_a_cross_entropy_line_follows_theta_when_paused(make_window, qtbot, name):
    window = make_window(load_preset(name))
    for _ in range(3):
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 3, timeout=WAIT_MS)
    settle(qtbot, window)
    state = window.live.state()
    found = curvature(state.objective, state.theta)
    assert np.isfinite(found.largest)
    assert f"Curvature at θ of step 3: λ<sub>max</sub> {found.largest:.3g}" in window.controls.curvature.text()
    assert " here: stable" in window.controls.curvature.text()


def test_while_a_run_goes_on_the_line_names_the_step_its_numbers_are_of(make_window, qtbot):
    """The line follows θ when paused, not during a run (it would stall it): meanwhile it says which step's θ its
    numbers are of, and at the pause it is the paused θ's again."""
    window = make_window(load_preset("multiclass-3"))
    settle(qtbot, window)
    line = window.controls.curvature
    assert "Curvature at θ of step 0:" in line.text()
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.state().step >= 5, timeout=WAIT_MS)
    assert "Curvature at θ of step 0:" in line.text()  # not "at the current θ", which has moved on
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)  # pause
    qtbot.waitUntil(lambda: not window.live.state().running and window.live.idle(), timeout=WAIT_MS)
    settle(qtbot, window)
    state = window.live.state()
    found = curvature(state.objective, state.theta)
    assert f"Curvature at θ of step {state.step}: λ<sub>max</sub> {found.largest:.3g}" in line.text()


def drawn(item) -> bool:
    x, _ = item.getData()
    return x is not None and len(x) > 0


def shaft(item):
    """The two ends of a double-headed arrow's shaft: (tail, tip)."""
    x, y = item.getData()
    return np.array([x[0], y[0]]), np.array([x[1], y[1]])


def test_view_curvature_directions_draws_the_hessians_eigenvectors_through_theta(make_window, qtbot):
    """View → Curvature directions: ↔ along the eigenvectors of (1/N) X̃ᵀX̃ through θ on the surface (W₁₁, b₁), pink
    the steepest; they follow θ; the render of the saved scene draws the same arrows; off, none."""
    scene = load_preset("linear-regression")
    window = make_window(scene)
    settle(qtbot, window)
    plot = window.views.surface_plot
    assert not drawn(plot.steepest) and not drawn(plot.flattest)
    window.curvature_action.trigger()
    assert window.document.scene.view.curvature_directions and window.curvature_action.isChecked()
    assert "pink along λ<sub>max</sub>" in window.controls.curvature.text()
    X = np.column_stack([scene.data.X[:, 0], np.ones(scene.data.size)])
    values, vectors = np.linalg.eigh(X.T @ X / scene.data.size)  # θ = (W₁₁, b₁): the axes are the whole θ
    for _ in range(3):
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 3, timeout=WAIT_MS)
    theta = window.live.state().theta.ravel()
    for item, vector in ((plot.steepest, vectors[:, -1]), (plot.flattest, vectors[:, 0])):
        tail, tip = shaft(item)
        np.testing.assert_allclose((tail + tip) / 2, theta, atol=1e-12)  # through θ
        along = (tip - tail) / np.linalg.norm(tip - tail)
        assert abs(along @ vector) == pytest.approx(1.0, abs=1e-9)  # along the eigenvector
    from lossviz.figures.figure import draw_scene

    figure = draw_scene(window.document.scene, steps=3)
    try:
        for mine, theirs in ((plot.steepest, figure.surface_plot.steepest), (plot.flattest, figure.surface_plot.flattest)):
            np.testing.assert_allclose(shaft(mine), shaft(theirs), rtol=1e-9, atol=1e-12)
        assert f"λ<sub>max</sub> = {values[-1]:.3g}" in figure.footer.text
    finally:
        figure.close()
    window.curvature_action.trigger()
    assert not drawn(plot.steepest) and "pink" not in window.controls.curvature.text()
    settle(qtbot, window)


def test_the_arrow_heads_are_redrawn_when_the_view_changes(make_window, qtbot):
    """The heads are sized in pixels (11 px): after a plane's surface frames the view anew, and after a zoom, they are
    11 px again, not the size the old view gave them."""
    from .test_planes_window import choose, on_plane

    window = make_window(load_preset("binary-2d-blobs"))
    settle(qtbot, window)
    window.curvature_action.trigger()
    choose(window.controls.x_axis, "plane:hessian")
    qtbot.waitUntil(lambda: on_plane(window, "hessian"), timeout=WAIT_MS)
    settle(qtbot, window)
    box = window.views.surface_viewbox

    def head_pixels(item):
        x, y = item.getData()
        px, py = box.viewPixelSize()
        tip, barb = np.array([x[1], y[1]]), np.array([x[2], y[2]])  # tail, tip, a barb, …
        return float(np.hypot((barb - tip)[0] / px, (barb - tip)[1] / py))

    plot = window.views.surface_plot
    for item in (plot.steepest, plot.flattest):
        assert drawn(item) and head_pixels(item) == pytest.approx(11, abs=0.5)
    box.scaleBy((0.5, 0.5))
    for item in (plot.steepest, plot.flattest):
        assert head_pixels(item) == pytest.approx(11, abs=0.5)
    settle(qtbot, window)

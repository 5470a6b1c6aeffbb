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
    assert f"Curvature at the current θ: λ<sub>max</sub> {found.largest:.3g}" in window.controls.curvature.text()
    assert " here: stable" in window.controls.curvature.text()

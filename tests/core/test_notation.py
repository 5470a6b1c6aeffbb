"""The optimizer's update rule and its one-phrase name, as the formula card and the figures' footers show them."""

from __future__ import annotations

import pytest

from lossviz.core.notation import optimizer_text, update_rule_lines
from lossviz.core.optimizers import OPTIMIZERS, OptimizerConfig


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_has_its_update_rule_with_its_numbers(name):
    lines = update_rule_lines(OptimizerConfig(name, 0.05))
    assert lines[-2].startswith("θ ← θ − η") and lines[-1].startswith("(") and "η = 0.05" in lines[-1]


def test_the_rules_follow_torch_and_name_momentum_and_batch():
    assert update_rule_lines(OptimizerConfig("momentum", 0.1, 0.5)) == ["v ← μv + ∇L", "θ ← θ − ηv",
                                                                      "(momentum, η = 0.1, μ = 0.5)"]
    assert "θ ← θ − η(∇L + μv)" in update_rule_lines(OptimizerConfig("nesterov", 0.1))
    adam = update_rule_lines(OptimizerConfig("adam", 0.001, batch_size=8))
    assert any("1 − β<sub>1</sub><sup>t</sup>" in line for line in adam)  # bias correction
    assert adam[-1] == "(Adam, η = 0.001, batch 8)"
    assert optimizer_text(OptimizerConfig("gd", 0.1)) == "gradient descent, η = 0.1"
    assert "v ← μv + ∇L / (√s + 10<sup>−8</sup>)" in update_rule_lines(OptimizerConfig("rmsprop", 0.01, 0.9))


def test_adams_hats_sit_on_italic_letters():
    """The upright UI font drops a combining circumflex on m and v (the formula card showed "m = m / (1‸− β₁ᵗ)");
    in italic it sits where it belongs."""
    text = " ".join(update_rule_lines(OptimizerConfig("adam", 0.1)))
    assert text.count("m̂") == text.count("<i>m̂</i>") == 2 and text.count("v̂") == text.count("<i>v̂</i>") == 2

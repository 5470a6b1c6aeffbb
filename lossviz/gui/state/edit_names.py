"""The names of settings edits, as Edit → Undo shows them ("Undo λ = 0.01", "Undo optimizer = Adam")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lossviz.core.losses import LOSSES
from lossviz.core.notation import parameter_label
from lossviz.core.optimizers import TITLES, OptimizerConfig
from lossviz.core.scene import Scene


def setting_text(scene: Scene, values: dict[str, Any]) -> str:
    """What changing ``scene``'s settings to ``values`` is called: the first field that changes, in words."""
    for key, value in values.items():
        old = getattr(scene, key)
        if _same(old, value):
            continue
        namer = _NAMERS.get(key)
        return namer(old, value) if namer else key.replace("_", " ")
    return "settings"


def _same(a: Any, b: Any) -> bool:
    if hasattr(a, "to_dict") and hasattr(b, "to_dict"):  # distributions compare by identity
        return bool(a.to_dict() == b.to_dict())
    try:
        return bool(a == b)
    except ValueError:  # arrays
        return False


def _loss(old: str, new: str) -> str:
    return f"loss = {LOSSES[new].title}"


def _optimizer(old: OptimizerConfig, new: OptimizerConfig) -> str:
    if old.name != new.name:
        return f"optimizer = {TITLES[new.name]}"
    if old.lr != new.lr:
        return f"η = {new.lr:g}"
    if old.momentum != new.momentum:
        return "momentum = default" if new.momentum is None else f"momentum = {new.momentum:g}"
    return "full batch" if new.batch_size is None else f"batch size = {new.batch_size}"


def _degree(old: int | None, new: int | None) -> str:
    return "no φ" if new is None else f"φ of degree {new}"


def _split(old: Any, new: Any) -> str:
    if new is None:
        return "no test set"
    if old is not None and old.test_fraction == new.test_fraction:
        return f"split seed = {new.seed}"
    return f"test fraction = {new.test_fraction:g}"


def _distribution(old: Any, new: Any) -> str:
    if new is None:
        return "no P"
    if old is None or old.name != new.name:
        return f"P = {new.name}"
    if old.n != new.n:
        return f"N = {new.n:,}"
    for name, value in new.params.items():
        if old.params.get(name) != value:
            return f"P's {name.replace('_', ' ')} = {_value(value)}"
    return "P's seed" if old.seed != new.seed else "P"


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_value(v) for v in value) + ")"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _surface(old: Any, new: Any) -> str:
    if (old.x, old.y) != (new.x, new.y):
        names = [parameter_label(n) for n in (new.x, new.y) if n is not None]
        return "surface axes " + ", ".join(names) if names else "surface axes"
    if old.fixed != new.fixed:
        return "automatic range" if not new.fixed else "fixed range"
    if old.resolution != new.resolution:
        return f"resolution {new.resolution} × {new.resolution}"
    return "surface range"


def _runs(old: tuple, new: tuple) -> str:
    if not new:
        return "race off"
    return "race on" if not old else "race set-up"


_NAMERS: dict[str, Callable[[Any, Any], str]] = {
    "loss": _loss, "optimizer": _optimizer, "degree": _degree, "l2": lambda old, new: f"λ = {new:g}",
    "split": _split, "distribution": _distribution, "surface": _surface, "runs": _runs,
    "init": lambda old, new: "start θ", "steps": lambda old, new: f"steps = {new:,}",
}

"""The API's arguments checked as the command line checks its options (the same ranges, from ``core.limits``):
a bad one is one LossvizError naming it, never an error from deep inside."""

from __future__ import annotations

import operator
from typing import Any

from lossviz.core.errors import LossvizError
from lossviz.core.limits import FIGURE_SCALES, FIGURE_SIDES, MAX_FIGURE_PIXELS, THEMES


def whole(value: Any, low: int, high: int, name: str) -> int:
    """``value`` as an int in [low, high] (a bool or a float is not one)."""
    try:
        if isinstance(value, bool):
            raise TypeError
        number = operator.index(value)
    except TypeError:
        raise LossvizError(f"{name}: expected an integer, got {value!r}") from None
    if not low <= number <= high:
        raise LossvizError(f"{name}: must be between {low} and {high}, got {number}")
    return number


def optional_whole(value: Any, low: int, high: int, name: str) -> int | None:
    """None, or ``whole``."""
    return None if value is None else whole(value, low, high, name)


def figure_size(size: Any, scale: float = 1.0) -> tuple[int, int]:
    """A figure's (width, height) in pixels, each in FIGURE_SIDES, and at ``scale`` within MAX_FIGURE_PIXELS."""
    try:
        width, height = size
    except (TypeError, ValueError):
        raise LossvizError(f"size: expected (width, height) in pixels, got {size!r}") from None
    low, high = FIGURE_SIDES
    checked = (whole(width, low, high, "size: width"), whole(height, low, high, "size: height"))
    if max(checked) * scale > MAX_FIGURE_PIXELS:
        raise LossvizError(f"size × scale is larger than {MAX_FIGURE_PIXELS} pixels")
    return checked


def figure_scale(scale: Any) -> float:
    """render's ``scale``, a number in FIGURE_SCALES."""
    low, high = FIGURE_SCALES
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not low <= scale <= high:
        raise LossvizError(f"scale: must be a number between {low} and {high:g}, got {scale!r}")
    return float(scale)


def theme(name: Any) -> str:
    """A theme's name."""
    if name not in THEMES:
        raise LossvizError(f"theme: choose {', '.join(THEMES)}, got {name!r}")
    return str(name)

"""Checks on parsed JSON values, shared by scene files, races and datasets.

Each raises LossvizError naming ``where`` (a key path such as ``optimizer.lr``) and the
offending value, shown short and JSON-like by ``show_value``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from lossviz.core.errors import LossvizError


def show_value(value: Any) -> str:
    """A short JSON-like rendering of ``value`` for error messages (at most 40 characters)."""
    text = repr(value) if not isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = "a list"
    elif isinstance(value, dict):
        text = "an object"
    return text if len(text) <= 40 else text[:37] + "..."


def quoted(text: str, limit: int = 40) -> str:
    """``text`` in quotes as Python writes it ('abc'), cut to ``limit`` characters with "…" (a 5,000-digit argument
    is not echoed whole)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def number(value: Any, where: str) -> float:
    """A finite float from a JSON number (not a bool, not a string)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LossvizError(f"{where}: expected a number, got {show_value(value)}")
    try:
        result = float(value)
    except OverflowError:  # an integer too large for a float
        result = math.inf
    if not math.isfinite(result):
        raise LossvizError(f"{where}: {show_value(value)} is not a finite number")
    return result


def integer(value: Any, where: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """An int (a float with no fraction is accepted) within [minimum, maximum]."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise LossvizError(f"{where}: expected an integer, got {show_value(value)}")
    if minimum is not None and value < minimum:
        raise LossvizError(f"{where}: must be >= {minimum}, got {show_value(value)}")
    if maximum is not None and value > maximum:
        raise LossvizError(f"{where}: must be <= {maximum}, got {show_value(value)}")
    return value


def as_object(value: Any, where: str) -> dict:
    """``value`` if it is a JSON object."""
    if not isinstance(value, dict):
        raise LossvizError(f"{where}: expected an object, got {show_value(value)}")
    return value


def check_keys(obj: dict, keys: Iterable[str], where: str) -> None:
    """Refuse any key of ``obj`` that is not in ``keys``."""
    keys = tuple(keys)
    for key in obj:
        if key not in keys:
            raise LossvizError(f"{where}: unknown key {show_value(key)} (expected {', '.join(keys)})")

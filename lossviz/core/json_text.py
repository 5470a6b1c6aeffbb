"""Scene files' JSON text: objects broken over lines, short lists inline, data rows one per line — a large array
turned into text a block of numbers at a time (a writer thread pauses between blocks while the window draws)."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np


def json_lines(value: object, indent: int, between: Callable[[], None] | None = None) -> str:
    """JSON with objects broken over lines and lists of plain values kept on one line,
    except lists of lists (data rows), which get a line per row."""
    pad = "  " * (indent + 1)
    if isinstance(value, np.ndarray):  # data: converted a block at a time (short calls that let other threads run)
        return array_text(value, pad, indent, between)
    if isinstance(value, dict) and value:
        items = [f"{pad}{json.dumps(key)}: {json_lines(item, indent + 1, between)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    rows = isinstance(value, list) and len(value) > 3 and all(isinstance(item, list) for item in value)
    if isinstance(value, list) and (rows or any(isinstance(item, dict) for item in value)):
        return "[\n" + ",\n".join(pad + json_lines(item, indent + 1) for item in value) + "\n" + "  " * indent + "]"
    text = json.dumps(value, allow_nan=False, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") read from a file: keep it escaped
        text = json.dumps(value, allow_nan=False)
    return text


CELLS_PER_DUMP = 4096  # numbers turned into text at a time (~3 ms, one call holding the interpreter lock: other
#                       threads run between; 4,096 rows of 50 inputs at once held it ~100 ms, a stall of the window)


def array_text(values: np.ndarray, pad: str, indent: int, between: Callable[[], None] | None = None) -> str:
    """A data array as _json_lines writes its list: rows of a 2-D array one per line (more than 3), else inline;
    ``between()`` is called after each block of CELLS_PER_DUMP numbers (a writer thread waits there while the window
    draws)."""
    if values.ndim == 2 and len(values) <= 3 or not len(values):
        return json.dumps(values.tolist(), allow_nan=False)
    pieces = []
    rows = max(1, CELLS_PER_DUMP // (values.shape[1] if values.ndim == 2 else 1))
    for start in range(0, len(values), rows):
        text = json.dumps(values[start:start + rows].tolist(), allow_nan=False)
        if values.ndim == 2:
            pieces.append(",\n".join(pad + "[" + row + "]" for row in text[2:-2].split("], [")))
        else:
            pieces.append(text[1:-1])
        if between is not None:
            between()
    if values.ndim == 2:
        return "[\n" + ",\n".join(pieces) + "\n" + "  " * indent + "]"
    return "[" + ", ".join(pieces) + "]"

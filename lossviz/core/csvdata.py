"""Datasets as CSV: one row per sample, input columns then the target (x, y or x1, x2, y) — File → Export data.
Tables are read by ``core.table`` (File → Import data, ``lossviz import``)."""

from __future__ import annotations

import csv
import io

from lossviz.core.dataset import Dataset


def dataset_csv_text(data: Dataset) -> str:
    """The samples as CSV text with a header: x,y or x1,x2,y."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*(["x"] if data.dims == 1 else ["x1", "x2"]), "y"])
    for row, label in zip(data.X.tolist(), data.y.tolist()):
        writer.writerow([*row, label])
    return buffer.getvalue()

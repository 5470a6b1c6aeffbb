"""Datasets as CSV: one row per sample, input columns then the target (x, y or x1, x2, y)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from lossviz.core.dataset import Dataset, make_dataset
from lossviz.core.errors import LossvizError
from lossviz.core.files import read_input


def read_dataset_csv(path, task: str, classes: int | None = None) -> Dataset:
    """Read a CSV of 2 or 3 numeric columns (a header row is skipped); the last column is y."""
    path = Path(path)
    try:
        text = read_input(path, "CSV file").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LossvizError(f"{path}: not a CSV file (not UTF-8 text)") from None
    rows = _rows(text, path)
    if rows and not _numeric(rows[0]):
        rows = rows[1:]
    if not rows:
        raise LossvizError(f"{path}: no data rows")
    width = len(rows[0])
    if width not in (2, 3):
        raise LossvizError(f"{path}: row 1 has {width} columns; expected x,y or x1,x2,y")
    if task == "regression" and width != 2:
        raise LossvizError(f"{path}: {width} columns; regression takes one input x per row (x,y)")
    x, y = [], []
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            raise LossvizError(f"{path}: row {number} has {len(row)} columns, expected {width}")
        try:
            values = [float(cell) for cell in row]
        except ValueError:
            raise LossvizError(f"{path}: row {number}: {','.join(row)!r} is not all numbers") from None
        x.append(values[:-1])
        y.append(values[-1])
    try:
        return make_dataset(x, y, task, width - 1, classes)
    except LossvizError as error:
        raise LossvizError(f"{path}: {error}") from None


def _rows(text: str, path: Path) -> list[list[str]]:
    """The non-blank rows of a CSV text (any line ending); a malformed one raises LossvizError naming its line."""
    reader = csv.reader(io.StringIO(text, newline=None))
    rows = []
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append(row)
    except csv.Error as error:
        raise LossvizError(f"{path}: line {reader.line_num}: cannot read it as CSV ({error})") from None
    return rows


def _numeric(row) -> bool:
    try:
        [float(cell) for cell in row]
        return True
    except ValueError:
        return False


def dataset_csv_text(data: Dataset) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*(["x"] if data.dims == 1 else ["x1", "x2"]), "y"])
    for row, label in zip(data.X.tolist(), data.y.tolist()):
        writer.writerow([*row, label])
    return buffer.getvalue()

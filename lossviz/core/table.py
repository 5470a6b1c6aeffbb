"""Tables from CSV files: any CSV (header or not, comma, semicolon or tab, quoted fields) read as text,
then one or two feature columns and a label column turned into a Dataset (``table_dataset``) or a whole
scene (``table_scene``, what both ``lossviz import`` and File → Import data call).

Rows are numbered as the file's records, the header (if any) being row 1, so that "row 12" is the
twelfth row a spreadsheet shows. A feature cell is a number when ``float`` reads its text (``1_000``,
``nan`` and ``inf`` are not numbers here); a row whose chosen features are not all numbers, or whose label
is missing, is skipped and counted.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from lossviz.core.dataset import TASKS, Dataset
from lossviz.core.errors import LossvizError
from lossviz.core.features import standardizer
from lossviz.core.files import read_input_text, shown
from lossviz.core.limits import MAX_CLASSES, MAX_DIMS, VALUE_BOUND
from lossviz.core.units import STANDARDISED, Standardization
from lossviz.core.validate import quoted

if TYPE_CHECKING:  # table_scene's result; it imports the scene module when it runs (reading a table needs none)
    from lossviz.core.scene import Scene

MAX_TABLE_CLASSES = MAX_CLASSES  # as many as a scene shows
MAX_INDEX_DIGITS = 9  # a column index longer than this is no column of a table lossviz reads
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})  # a missing cell, case ignored
DELIMITERS = ("\t", ";", ",")  # preferred in this order where several split every row alike
SNIFF_ROWS = 50
DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


@dataclass(frozen=True, eq=False)
class Table:
    """A CSV read as text: ``header`` (its names, or None), ``rows`` (lists of cells) and each row's number
    in the file (``row_numbers``, 1-based, the header being row 1)."""

    source: str
    header: tuple[str, ...] | None
    rows: list[list[str]]
    row_numbers: list[int]
    delimiter: str

    @property
    def width(self) -> int:
        """The number of columns: the header's, or the longest row's."""
        widths = [len(row) for row in self.rows]
        return max([len(self.header or ()), *widths, 0])

    def column_name(self, index: int) -> str:
        """How messages and the dialog name column ``index``: its header name, else ``column 3``."""
        if self.header is not None and index < len(self.header) and self.header[index].strip():
            return repr(self.header[index])
        return f"column {index}"

    def cell(self, row: int, column: int) -> str:
        """The text of a cell ('' where the row is short), surrounding blanks removed."""
        cells = self.rows[row]
        return cells[column].strip() if column < len(cells) else ""


class ImportChoice(NamedTuple):
    """What to import from a table: feature columns ``x`` (1 or 2) and label column ``y`` (header names or
    0-based indices), the ``task`` (None: suggested from the labels) and whether to standardise x."""

    x: tuple[str | int, ...]
    y: str | int
    task: str | None = None
    standardize: bool = False


class ImportedData(NamedTuple):
    """A table's dataset: the data, the class names (string labels, or None), the numbers of the rows skipped
    (``len(skipped)`` of them) and the task."""

    data: Dataset
    class_names: tuple[str, ...] | None
    skipped: tuple[int, ...]
    task: str
    standardization: Standardization | None = None  # the raw columns' mean and std, when standardised


# ---------------------------------------------------------------- reading

def number_or_none(text: str) -> float | None:
    """The finite number ``text`` says, or None (missing, not a number, ``1_000``, ``nan``, ``inf``)."""
    text = text.strip()
    if "_" in text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parse(text: str, delimiter: str, source: str, limit: int | None = None) -> tuple[list[list[str]], list[int]]:
    """The non-blank records of ``text`` and the row number of each (blank rows are not counted)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    numbers: list[int] = []
    count = 0
    try:
        for row in reader:
            if not row or not any(cell.strip() for cell in row):
                continue
            count += 1
            rows.append(row)
            numbers.append(count)
            if limit is not None and count >= limit:
                break
    except csv.Error as error:
        raise LossvizError(f"{source}: line {reader.line_num}: cannot read it as CSV ({error})") from None
    return rows, numbers


def sniff_delimiter(text: str) -> str:
    """Tab, semicolon or comma: the one that splits the first rows into the same number (> 1) of cells,
    tab before semicolon before comma; else the one that splits most of them alike; comma for one column."""
    best, best_score = ",", 0.0
    for delimiter in DELIMITERS:
        try:
            rows, _ = _parse(text, delimiter, "", SNIFF_ROWS)
        except LossvizError:
            continue
        widths = [len(row) for row in rows]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        if common < 2:
            continue
        score = widths.count(common) / len(widths)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _has_header(rows: list[list[str]]) -> bool:
    """The first row is a header when none of its cells is a number and one of them heads a column of numbers."""
    if len(rows) < 2 or any(number_or_none(cell) is not None for cell in rows[0]):
        return False
    body = rows[1:1 + 1000]
    for column, name in enumerate(rows[0]):
        if not name.strip():
            continue
        cells = [row[column].strip() for row in body if column < len(row) and row[column].strip().lower() not in MISSING]
        numeric = sum(number_or_none(cell) is not None for cell in cells)
        if cells and numeric * 2 > len(cells):
            return True
    return False


def read_table(path: str | Path) -> Table:
    """Read a CSV file as a Table (the delimiter sniffed, a header row detected); raises LossvizError."""
    path = Path(path)
    text = read_input_text(path, "CSV file")  # a regular UTF-8 file of at most 64 MB, or one clear error
    delimiter = sniff_delimiter(text)
    rows, numbers = _parse(text, delimiter, str(path))
    if not rows:
        raise LossvizError(f"{path}: no rows (the file is empty)")
    header = None
    if _has_header(rows):
        header = tuple(cell.strip() for cell in rows[0])
        rows, numbers = rows[1:], numbers[1:]
    return Table(str(path), header, rows, numbers, delimiter)


def column_index(table: Table, column: str | int) -> int:
    """The 0-based index of ``column``: a header name, or an index (an int, or its digits); raises LossvizError
    naming the column and the columns there are."""
    if isinstance(column, str):
        if table.header is not None and column in table.header:
            return table.header.index(column)
        if table.header is not None and column.strip() in table.header:
            return table.header.index(column.strip())
        if column.strip().isascii() and column.strip().isdigit() and len(column.strip()) <= MAX_INDEX_DIGITS:
            column = int(column.strip())
    if isinstance(column, int) and 0 <= column < table.width:
        return column
    named = quoted(column) if isinstance(column, str) else str(column)
    if table.header is not None:
        there = ", ".join(repr(name) for name in table.header)
        raise LossvizError(f"{shown(table.source)}: no column {named} (the columns are {there}, or "
                           f"0 … {table.width - 1})")
    hint = " (this table has no header row: name columns by index)" if isinstance(column, str) else ""
    raise LossvizError(f"{shown(table.source)}: no column {named}: the table has columns "
                       f"0 … {table.width - 1}{hint}")


# ---------------------------------------------------------------- labels and tasks

def _label_values(labels: Sequence[str]) -> list[float] | None:
    """The labels as numbers if every one is a number, else None (string labels)."""
    values = [number_or_none(label) for label in labels]
    return None if any(value is None for value in values) else [v for v in values if v is not None]


def suggest_task(labels: Sequence[str]) -> str:
    """The task a label column suggests (missing labels left out): numbers → regression, but numbers that repeat
    (each value twice on average) → binary for two values and multiclass for 3–10 integers; string labels →
    binary (2 values) or multiclass (in ``table_dataset`` more than 10 are an error)."""
    present = [label.strip() for label in labels if label.strip().lower() not in MISSING]
    values = _label_values(present)
    if values is None:
        return "binary" if len(set(present)) <= 2 else "multiclass"
    distinct = set(values)
    if len(values) < 2 * len(distinct):  # numbers that hardly repeat are targets, not classes
        return "regression"
    if len(distinct) == 2:
        return "binary"
    if 3 <= len(distinct) <= MAX_TABLE_CLASSES and all(v == int(v) for v in distinct):
        return "multiclass"
    return "regression"


def _class_error(table: Table, column: int, message: str) -> LossvizError:
    return LossvizError(f"{table.source}: column {table.column_name(column)}: {message}")


def _class_labels(table: Table, column: int, kept: list[int], task: str) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """The labels of rows ``kept`` (indices into table.rows) as classes 0…C−1, and the class names: string labels
    (or integers that are not 0…C−1) name their classes, in order of first appearance (integers: sorted)."""
    texts = [table.cell(i, column) for i in kept]
    values = _label_values(texts)
    if values is not None:
        for i, value in zip(kept, values, strict=True):
            if value != int(value):
                raise _class_error(table, column, f"row {table.row_numbers[i]}: label {table.cell(i, column)!r} is not "
                                                  f"a class (an integer or a name); choose the task regression")
        top = 1 if task == "binary" else MAX_TABLE_CLASSES - 1
        if min(values) >= 0 and max(values) <= top:
            return np.array(values, dtype=np.int64), None
        ordered = sorted(set(values))
        names = [f"{int(value)}" for value in ordered]
        index = {value: c for c, value in enumerate(ordered)}
        labels = [index[value] for value in values]
    else:
        found: dict[str, int] = {}
        labels = [found.setdefault(text, len(found)) for text in texts]
        names = list(found)
    _check_class_count(table, column, kept, labels, names, task)
    return np.array(labels, dtype=np.int64), tuple(names)


def _check_class_count(table: Table, column: int, kept: list[int], labels: list[int], names: list[str],
                       task: str) -> None:
    wanted = "2 classes" if task == "binary" else f"2 … {MAX_TABLE_CLASSES} classes"
    too_many = MAX_TABLE_CLASSES if task == "multiclass" else 2
    if len(names) > too_many:
        row = table.row_numbers[kept[labels.index(too_many)]]
        raise _class_error(table, column, f"{len(names)} classes (row {row} brings class {too_many + 1}, "
                                          f"{names[too_many]!r}); {task} takes {wanted}")
    if len(names) < 2:
        raise _class_error(table, column, f"only one class ({names[0]!r}); {task} takes {wanted}")


def _feature_rows(table: Table, x: list[int], y: int, task: str) -> tuple[list[int], list[list[float]], list[int], str]:
    """The rows that can be imported (indices), their features, the skipped rows' numbers and why the first was."""
    kept, features, skipped = [], [], []
    first = ""
    for i, number in enumerate(table.row_numbers):
        values = [number_or_none(table.cell(i, j)) for j in x]
        label = table.cell(i, y)
        problem = ""
        if any(value is None for value in values):
            j = x[[value is None for value in values].index(True)]
            cell = table.cell(i, j)
            problem = f"{table.column_name(j)} is {'missing' if cell.lower() in MISSING else f'{cell!r}, not a number'}"
            if DECIMAL_COMMA.match(cell):
                problem += " (a decimal comma: lossviz reads 1.5, not 1,5)"
        elif label.lower() in MISSING:
            problem = f"the label ({table.column_name(y)}) is missing"
        elif task == "regression" and number_or_none(label) is None:
            problem = f"the target {label!r} ({table.column_name(y)}) is not a number"
        if problem:
            skipped.append(number)
            first = first or f"row {number}: {problem}"
            continue
        kept.append(i)
        features.append([value for value in values if value is not None])
    return kept, features, skipped, first


def _check_magnitudes(table: Table, values: np.ndarray, columns: list[int], kept: list[int]) -> None:
    """Refuse a number beyond VALUE_BOUND in magnitude (its square would overflow, and standardising its column
    would zero it), naming its row as a spreadsheet shows it and its column."""
    big = np.argwhere(np.abs(values) > VALUE_BOUND)
    if big.size:
        i, j = (int(v) for v in big[0])
        raise LossvizError(f"{shown(table.source)}: row {table.row_numbers[kept[i]]}: {table.column_name(columns[j])} is "
                           f"{values[i, j]:g}, too large (lossviz takes numbers up to {VALUE_BOUND:g} in magnitude)")


def standardized(X: np.ndarray) -> np.ndarray:
    """(X − mean) / std per column (ddof 0); a column with std 0 is only centred."""
    mean, std = standardizer(X)
    return (X - mean) / std


ALL_COLUMNS = "all"  # --x all: every numeric column but the label
NUMERIC_SHARE = 0.9  # of the rows with a label, the share of number cells that makes a column numeric


def numeric_columns(table: Table, y: int) -> list[int]:
    """The columns but ``y`` whose cells are numbers in at least NUMERIC_SHARE of the rows that have a label."""
    rows = [i for i in range(len(table.rows)) if table.cell(i, y).strip()]
    width = max((len(row) for row in table.rows), default=0)
    chosen = []
    for j in range(width):
        numbers = sum(number_or_none(table.cell(i, j)) is not None for i in rows)
        if j != y and rows and numbers >= NUMERIC_SHARE * len(rows):
            chosen.append(j)
    return chosen


def _columns(table: Table, choice: ImportChoice) -> tuple[list[int], int]:
    y = column_index(table, choice.y)
    named_all = table.header is not None and ALL_COLUMNS in [name.strip() for name in table.header]
    if choice.x == (ALL_COLUMNS,) and not named_all:
        x = numeric_columns(table, y)
        if not x:
            raise LossvizError(f"{table.source}: --x all: no column but the label holds numbers in "
                               f"{100 * NUMERIC_SHARE:.0f} % of its rows")
    else:
        x = [column_index(table, column) for column in choice.x]
    if not 1 <= len(x) <= MAX_DIMS:
        raise LossvizError(f"{table.source}: choose 1 to {MAX_DIMS} feature columns, got {len(x)}")
    twice = [j for j in x if x.count(j) > 1]
    if twice:
        raise LossvizError(f"{table.source}: {table.column_name(twice[0])} is chosen twice as a feature")
    if y in x:
        raise LossvizError(f"{table.source}: {table.column_name(y)} is both a feature and the label")
    return x, y


def table_dataset(table: Table, choice: ImportChoice) -> ImportedData:
    """The dataset of ``choice``'s columns of ``table`` (rows with a missing or non-numeric feature, or a missing
    label, skipped); raises LossvizError naming the column and the row."""
    x, y = _columns(table, choice)
    task = choice.task
    if task is None:
        task = suggest_task([table.cell(i, y) for i in range(len(table.rows))])
    if task not in TASKS:
        raise LossvizError(f"task: unknown task {task!r} (choose {', '.join(TASKS)})")
    kept, features, skipped, first = _feature_rows(table, x, y, task)
    if not kept:
        raise LossvizError(f"{table.source}: no usable rows ({first})" if first else f"{table.source}: no data rows")
    X = np.array(features, dtype=np.float64)
    _check_magnitudes(table, X, x, kept)
    standardization = None
    if choice.standardize:
        standardization = Standardization.of(*standardizer(X))
        X = standardized(X)
    names = None
    if task == "regression":
        labels = np.array([number_or_none(table.cell(i, y)) for i in kept], dtype=np.float64)
        _check_magnitudes(table, labels[:, None], [y], kept)
    else:
        try:
            labels, names = _class_labels(table, y, kept, task)
        except LossvizError as error:
            if not skipped:
                raise
            raise LossvizError(f"{error} ({len(skipped)} row{'s' if len(skipped) != 1 else ''} skipped, {first})") from None
    return ImportedData(Dataset(X, labels), names, tuple(skipped), task, standardization)


def table_scene(table: Table, choice: ImportChoice) -> tuple[Scene, ImportedData]:
    """The scene of ``choice``'s columns of ``table`` (task, dims, classes, the task's default loss, the data, the
    class names of string labels, the header's names of the columns, the title "Imported from <file>"), and what
    ``table_dataset`` said."""
    from lossviz.core.losses import DEFAULT_LOSS
    from lossviz.core.model import ModelShape
    from lossviz.core.scene import Scene

    imported = table_dataset(table, choice)
    data, task = imported.data, imported.task
    if task == "regression":
        classes = 1
    elif task == "binary":
        classes = 2
    else:
        classes = max(int(data.y.max()) + 1, 2, len(imported.class_names or ()))
    header = table.header
    x, y = _columns(table, choice)
    named = [*x, y]
    if header is not None and all(index < len(header) and header[index].strip() for index in named):
        input_names = tuple(header[i].strip() + (STANDARDISED if choice.standardize else "") for i in named[:-1])
        label_name = header[named[-1]].strip()
    else:  # no header, or a column without a name: the lecture's symbols
        input_names, label_name = None, None
    scene = Scene(task=task, dims=data.dims, loss=DEFAULT_LOSS[task], data=data,
                  init=ModelShape(task, data.dims, classes).zeros(), classes=classes,
                  class_names=imported.class_names, input_names=input_names, label_name=label_name,
                  standardization=imported.standardization,
                  title=f"Imported from {Path(table.source).name}")
    return scene, imported


def skipped_text(imported: ImportedData, listed: int = 10) -> str:
    """"150 rows imported, 2 skipped (rows 5, 9)": the rows used and the rows left out, the first ``listed`` named."""
    used = imported.data.size
    text = f"{used} row{'s' if used != 1 else ''} imported"
    count = len(imported.skipped)
    if count:
        rows = ", ".join(str(number) for number in imported.skipped[:listed])
        more = ", …" if count > listed else ""
        text += f", {count} skipped (row{'s' if count != 1 else ''} {rows}{more})"
    return text


SCALE_LIMIT = 10.0  # features beyond this magnitude, or whose spreads differ more than this factor, want standardising


def scale_reason(X: np.ndarray) -> str | None:
    """Why features ``X`` (N, d) want standardising before gradient descent — values beyond ±SCALE_LIMIT, or spreads
    that differ more than SCALE_LIMIT times (one learning rate cannot suit both) — or None."""
    X = np.asarray(X, dtype=np.float64)
    if X.size == 0 or not np.all(np.isfinite(X)):
        return None
    largest = float(np.abs(X).max())
    spreads = X.std(axis=0)
    spreads = spreads[spreads > 0]
    if spreads.size >= 2 and spreads.max() > SCALE_LIMIT * spreads.min():
        return f"the features' spreads differ {spreads.max() / spreads.min():.0f}×"
    if largest > SCALE_LIMIT:
        return f"feature values reach {largest:.3g}"
    return None

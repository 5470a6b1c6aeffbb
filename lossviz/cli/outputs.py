"""Where the command line's output goes: the format a file name asks for, a check that the target can be written
before any work, and the one writer (a file atomically, or standard output in one piece)."""

from __future__ import annotations

from pathlib import Path

from lossviz.cli.terminal import write_stdout
from lossviz.core.errors import LossvizError


def output_format(path: str | None, requested: str | None, allowed: tuple[str, ...]) -> str:
    """The format of ``path`` by its suffix (one of ``allowed``), or ``requested``, or JSON on standard output."""
    if path is None:
        return requested or "json"
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in allowed:
        if requested and requested != suffix:
            raise LossvizError(f"--format {requested} does not match the file name {path!r}")
        return suffix
    if requested:
        return requested
    raise LossvizError(f"{path}: cannot tell the format from the file name (use {', '.join('.' + a for a in allowed)})")


def check_writable(path: str | None) -> None:
    """Fail before any work if ``path`` cannot be written (None: standard output)."""
    from lossviz.core.files import check_target

    if path is None:
        return
    if not path:
        raise LossvizError("-o/--output: expected a file name, got an empty string")
    check_target(path)


def emit(text: str | bytes, path: str | None) -> None:
    """Write ``text`` to ``path`` (atomically) or, without one, to standard output."""
    from lossviz.core.files import write_atomic

    if path is None:
        write_stdout(text if isinstance(text, str) else text.decode())
    else:
        write_atomic(path, text)

"""What the command line writes besides its files: standard output in one piece (a closed, full or narrow one is
one error line), error lines safe for a terminal, progress bars on a terminal, and the memory a figure needs."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from lossviz.core.errors import LossvizError
from lossviz.core.limits import available_memory

IMAGE_COPIES = 3  # working images besides the frames kept (the canvas, the painted image, its encoding)
LONG_WORK_SECONDS = 1.0  # fit and surface draw a progress bar (on a terminal) once they have run this long


def write_stdout(text: str) -> None:
    """Write ``text`` to standard output in one piece; LossvizError when it is closed, full or cannot show it (a
    closed pipe, as ``| head`` makes, stays BrokenPipeError: a quiet exit)."""
    stream = sys.stdout
    if stream is None:
        raise LossvizError("standard output is closed; give an output file with -o")
    encoding = stream.encoding or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        raise LossvizError(f"standard output cannot show this text (its encoding is {encoding}); set "
                           "PYTHONIOENCODING=utf-8 or give an output file with -o") from None
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise LossvizError(f"cannot write to standard output: {error.strerror or error}") from None


def progress_bar(unit: str, after: float = 0.0) -> Callable[[int, int], None]:
    """progress(done, total) drawing a bar with "done/total ``unit``" on stderr — only when stderr is a terminal, and
    only once ``after`` seconds have passed (a quick run draws nothing)."""
    show = sys.stderr is not None and sys.stderr.isatty()
    started, drawn = time.perf_counter(), [after == 0]

    def progress(done: int, total: int) -> None:
        if not show or not (drawn[0] or (done < total and time.perf_counter() - started >= after)):
            return
        drawn[0] = True
        filled = round(30 * done / total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {unit}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return progress


def check_memory(size: tuple[int, int], scale: float, frames: int) -> None:
    """Refuse a figure or animation whose images would not fit in memory: ``frames`` images of ``size`` × ``scale``
    held at once (an animation keeps its frames until it writes them), plus a few working copies."""
    image = 4 * round(size[0] * scale) * round(size[1] * scale)  # ARGB32
    need, have = image * (frames + IMAGE_COPIES), available_memory()
    if have is not None and need > have:
        what = f"{frames} frames of {image / 1e6:,.0f} MB" if frames > 1 else f"images of {image / 1e6:,.0f} MB"
        raise LossvizError(f"--size {size[0]}x{size[1]}{f' --scale {scale:g}' if scale != 1 else ''}: this "
                           f"needs about {need / 1e9:.1f} GB of memory ({what}), more than the {have / 1e9:.1f} GB "
                           "available; use a smaller --size")


def quiet_stdout_at_exit() -> None:
    """Flush standard output now, so that the interpreter's own flush at exit finds nothing to fail on (a full
    device printed "Exception ignored … OSError" and exited 120); a failure here was reported already."""
    stream = sys.stdout
    if stream is None:
        return
    try:
        stream.flush()
    except OSError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):
            pass

"""Writing files so that nothing the user made is lost or half-written, and reading them without hanging.

Every file lossviz writes (scenes, trajectories, surfaces, images, animations, CSV, the
recovery file) goes through ``atomic_output``: the content is written to a temporary file
in the target's folder, named ``.lossviz-<pid>-<n>.tmp<suffix>`` (short, so that a legal
long target name still fits, and recognisable, so that temporaries left by a killed writer
are removed on the next write to that folder), then renamed over the target in one step.

- A regular target keeps its permission bits (a 0600 file stays 0600); a new file gets the
  usual mode (0666 less the umask).
- A read-only target (no write bit, or not writable by this user) is refused, never replaced.
- A symlink's target is replaced and the link kept.
- A target that is not a regular file (a device, a pipe) is written in place: renaming over
  it would replace the device with a file.

Every file lossviz reads (scenes, tables) goes through ``read_input``: only a regular file is read (a pipe or a
device such as /dev/zero is refused at once instead of blocking or reading forever), and only up to
``MAX_INPUT_BYTES`` (64 MB: about 3 million 2-D points in a scene file; parsing one takes at most about 1 GB).

This module is the one place that touches a path the user named: a name too long for the system, a symlink loop,
a folder, a pipe with no reader, a full disk or a device that refuses the bytes are each one LossvizError naming
the path (shortened in the message when it is very long), never a traceback and never a hang. Writers make their
bytes in memory first and hand them to ``write_atomic``.
"""

from __future__ import annotations

import errno
import itertools
import os
import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lossviz.core.errors import LossvizError

MAX_INPUT_BYTES = 64 * 1024 * 1024
NAME_MAX = 255  # bytes of one file name on Linux, macOS and Windows file systems
PIPE_READER_WAIT = 2.0  # s a pipe given as the output may take to get a reader (a guard against a hang)
TEMP_PATTERN = re.compile(r"^\.lossviz-(\d+)-\d+\.tmp")
_counter = itertools.count()


def _process_alive(pid: int) -> bool:
    """True if a process ``pid`` exists (or cannot be asked about: then it is kept)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True


def remove_stale_temporaries(folder: Path) -> int:
    """Remove our temporaries in ``folder`` whose writer process is gone; returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = TEMP_PATTERN.match(entry.name)
        if match is None or int(match.group(1)) == os.getpid() or _process_alive(int(match.group(1))):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
    return removed


def is_read_only(path: Path) -> bool:
    """True for an existing file that has no write bit, or that this user may not write."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    no_write_bit = not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    return stat.S_ISREG(mode) and (no_write_bit or not os.access(path, os.W_OK))


SHOWN_PATH = 120  # characters of a path an error message shows (the middle of a longer one is left out)


def shown(path: str | Path) -> str:
    """``path`` for a message: whole, or its start and end around "…" when it is very long."""
    text = str(path)
    if len(text) <= SHOWN_PATH:
        return text
    half = SHOWN_PATH // 2
    return f"{text[:half]}…{text[-half:]}"


def _error(path: str | Path, error: OSError) -> LossvizError:
    return LossvizError(f"{shown(path)}: cannot write: {_reason(error)}")


def _reason(error: BaseException) -> str:
    """What went wrong with a path, in words."""
    if isinstance(error, RuntimeError) or getattr(error, "errno", None) == errno.ELOOP:
        return "a loop of symbolic links"
    if getattr(error, "errno", None) == errno.ENAMETOOLONG:
        return "the file name is too long"
    return str(getattr(error, "strerror", None) or error)


def input_exists(path: str | Path) -> bool:
    """True when something is at ``path`` (False when nothing is); a name the system cannot even look up (too long,
    a symlink loop) is a LossvizError naming it."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return False
    except (OSError, ValueError, RuntimeError) as error:
        if isinstance(error, OSError) and error.errno in (errno.ENOENT, errno.ENOTDIR):
            return False
        raise LossvizError(f"{shown(path)}: cannot read: {_reason(error)}") from None
    return True


def check_target(path: str | Path) -> Path:
    """The file a write to ``path`` replaces (a symlink resolved); raises LossvizError if it cannot be written."""
    try:
        return _check_target(path)
    except (OSError, RuntimeError) as error:  # a name too long, a symlink loop, an unreadable folder
        raise _error(path, error) if isinstance(error, OSError) else \
            LossvizError(f"{shown(path)}: cannot write: {_reason(error)}") from None


def _check_target(path: str | Path) -> Path:
    given = path
    path = Path(path)
    if not str(given):
        raise LossvizError("expected a file name, got an empty string")
    if str(given).endswith(("/", os.sep)):
        raise LossvizError(f"{shown(given)}: cannot write: a file name cannot end with a slash")
    if path.is_symlink():
        path = path.resolve(strict=False)
    if path.is_dir():
        raise LossvizError(f"{shown(given)}: is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise LossvizError(f"{shown(given)}: cannot write: folder {shown(folder)!r} does not exist")
    if len(path.name.encode()) > NAME_MAX:
        raise LossvizError(f"{shown(given)}: cannot write: the file name is too long")
    if is_read_only(path):
        raise LossvizError(f"{shown(given)}: cannot write: permission denied (the file is read-only)")
    if not path.exists() and not os.access(folder, os.W_OK):
        raise LossvizError(f"{shown(given)}: cannot write: permission denied")
    return path


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a path to write the whole content to; when the block ends without an error it becomes
    ``path`` in one rename (see the module docstring); on an error ``path`` is untouched."""
    shown = path
    target = check_target(path)
    try:
        mode = target.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        yield target  # a device or a pipe: write into it
        return
    remove_stale_temporaries(target.parent)
    tmp = target.with_name(f".lossviz-{os.getpid()}-{next(_counter)}.tmp{target.suffix[:16]}")
    try:
        yield tmp
        if not tmp.exists():
            raise LossvizError(f"{shown}: cannot write")
        if mode is not None:
            os.chmod(tmp, stat.S_IMODE(mode))
        os.replace(tmp, target)
    except OSError as error:
        raise _error(shown, error) from None
    finally:
        try:
            tmp.unlink()
        except OSError:
            pass


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write text (UTF-8) or bytes to ``path`` through ``atomic_output``. A device or a pipe is written in place; a
    pipe that nobody reads is refused at once (it would block for ever), a device that refuses the bytes (a full
    one) is a LossvizError like a full disk."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_output(path) as tmp:
        in_place = not TEMP_PATTERN.match(tmp.name)  # a device or a pipe
        descriptor = _open_target(tmp, path, in_place)
        if in_place:
            os.set_blocking(descriptor, True)  # a reader is there: write all of it
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
        except OSError as error:
            raise _error(path, error) from None


def check_readable_size(content: str | bytes, path: str | Path, what: str) -> None:
    """Refuse to write a ``what`` that lossviz could not read back (more than MAX_INPUT_BYTES): whatever lossviz
    writes, lossviz reads."""
    size = len(content.encode("utf-8")) if isinstance(content, str) else len(content)
    if size > MAX_INPUT_BYTES:
        raise LossvizError(f"{shown(path)}: the {what} would be {size / 2**20:,.0f} MB, more than the "
                           f"{MAX_INPUT_BYTES / 2**20:,.0f} MB lossviz reads back; use fewer samples")


def _open_target(target: Path, given: str | Path, in_place: bool) -> int:
    """A descriptor to write ``target``: a new temporary, or (``in_place``) a device or pipe, which is opened without
    waiting for a reader — a pipe that nobody opens for reading within PIPE_READER_WAIT is refused, never waited on
    for ever."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NONBLOCK", 0) if in_place else os.O_EXCL
    deadline = time.monotonic() + PIPE_READER_WAIT
    while True:
        try:
            return os.open(target, flags, 0o666)
        except OSError as error:
            if error.errno != errno.ENXIO:
                raise _error(given, error) from None
            if time.monotonic() >= deadline:
                raise LossvizError(f"{shown(given)}: cannot write: a pipe that nobody reads") from None
            time.sleep(0.01)


def read_input(path: str | Path, what: str) -> bytes:
    """The bytes of the regular file ``path`` (a ``what``: "scene file", "table"); LossvizError for a folder, a pipe,
    a device, a file over MAX_INPUT_BYTES or one that cannot be read. A pipe is never opened for reading in a way that
    waits for a writer."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise LossvizError(f"{shown(path)}: cannot read: {_reason(error)}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise LossvizError(f"{shown(path)}: is a folder, not a {what}")
        raise LossvizError(f"{shown(path)}: is not a regular file (a pipe or a device?); give a {what} saved on disk")
    limit = MAX_INPUT_BYTES
    with os.fdopen(fd, "rb") as file:
        if info.st_size > limit:
            raise LossvizError(f"{shown(path)}: too large for a {what} ({info.st_size:,} bytes; at most {limit:,})")
        try:
            return file.read(limit + 1)
        except OSError as error:
            raise LossvizError(f"{shown(path)}: cannot read: {error.strerror or error}") from None


def read_input_text(path: str | Path, what: str) -> str:
    """The UTF-8 text of ``read_input(path, what)`` (a byte-order mark dropped); LossvizError for bytes that are
    not UTF-8 text or hold NUL characters (binary data)."""
    raw = read_input(path, what)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LossvizError(f"{shown(path)}: not a {what} (not UTF-8 text; binary data?)") from None
    if "\x00" in text:
        raise LossvizError(f"{shown(path)}: not a {what} (contains binary data)")
    return text

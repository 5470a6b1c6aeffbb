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
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lossviz.core.errors import LossvizError

MAX_INPUT_BYTES = 64 * 1024 * 1024
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


def _error(path, error: OSError) -> LossvizError:
    return LossvizError(f"{path}: cannot write: {error.strerror or error}")


def check_target(path) -> Path:
    """The file a write to ``path`` replaces (a symlink resolved); raises LossvizError if it cannot be written."""
    shown = path
    path = Path(path)
    if not str(shown):
        raise LossvizError("expected a file name, got an empty string")
    if str(shown).endswith(("/", os.sep)):
        raise LossvizError(f"{shown}: cannot write: a file name cannot end with a slash")
    if path.is_symlink():
        path = path.resolve()
    if path.is_dir():
        raise LossvizError(f"{shown}: is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise LossvizError(f"{shown}: cannot write: folder {str(folder)!r} does not exist")
    if is_read_only(path):
        raise LossvizError(f"{shown}: cannot write: permission denied (the file is read-only)")
    if not path.exists() and not os.access(folder, os.W_OK):
        raise LossvizError(f"{shown}: cannot write: permission denied")
    return path


@contextmanager
def atomic_output(path) -> Iterator[Path]:
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


def write_atomic(path, content: str | bytes) -> None:
    """Write text (UTF-8) or bytes to ``path`` through ``atomic_output``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_output(path) as tmp:
        try:
            flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
            if TEMP_PATTERN.match(tmp.name):  # else a device or a pipe, written in place
                flags |= os.O_EXCL
            descriptor = os.open(tmp, flags, 0o666)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
        except OSError as error:
            raise _error(path, error) from None


def read_input(path, what: str) -> bytes:
    """The bytes of the regular file ``path`` (a ``what``: "scene file", "table"); LossvizError for a folder, a pipe,
    a device, a file over MAX_INPUT_BYTES or one that cannot be read. A pipe is never opened for reading in a way that
    waits for a writer."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise LossvizError(f"{path}: cannot read: {error.strerror or error}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise LossvizError(f"{path}: is a folder, not a {what}")
        raise LossvizError(f"{path}: is not a regular file (a pipe or a device?); give a {what} saved on disk")
    limit = MAX_INPUT_BYTES
    with os.fdopen(fd, "rb") as file:
        if info.st_size > limit:
            raise LossvizError(f"{path}: too large for a {what} ({info.st_size:,} bytes; at most {limit:,})")
        try:
            return file.read(limit + 1)
        except OSError as error:
            raise LossvizError(f"{path}: cannot read: {error.strerror or error}") from None


def read_input_text(path, what: str) -> str:
    """The UTF-8 text of ``read_input(path, what)`` (a byte-order mark dropped); LossvizError for bytes that are
    not UTF-8 text or hold NUL characters (binary data)."""
    raw = read_input(path, what)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LossvizError(f"{path}: not a {what} (not UTF-8 text; binary data?)") from None
    if "\x00" in text:
        raise LossvizError(f"{path}: not a {what} (contains binary data)")
    return text

"""A full disk for tests: a small tmpfs mounted in a test's folder and filled to the last byte (where the machine
lets a test mount one, as root on Linux), or else every write to it failing with ENOSPC injected into
``lossviz.core.files`` — the one module that writes what the user asked for."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

DISK_BYTES = 256 * 1024
OLD_TEXT = "the old file, which a failed write must leave as it was\n"


def mount_tmpfs(folder: Path) -> bool:
    """Mount a small tmpfs at ``folder``; False where this machine does not allow it."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(folder)],
                            capture_output=True, timeout=60)
    return result.returncode == 0


def fill(folder: Path) -> None:
    """Write a file into ``folder`` until the disk has no byte left (unbuffered: nothing is left to flush)."""
    descriptor = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (65536, 4096, 1):
            while True:
                try:
                    os.write(descriptor, b"\0" * size)
                except OSError as error:
                    assert error.errno == errno.ENOSPC, error
                    break
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_files: tuple[str, ...] = ()) -> Iterator[Path]:
    """A folder on a full disk, holding ``old_files`` (each OLD_TEXT): every write there fails for want of space."""
    folder = tmp_path / "disk"
    folder.mkdir(parents=True)
    mounted = mount_tmpfs(folder)
    try:
        for name in old_files:
            (folder / name).write_text(OLD_TEXT, encoding="utf-8")
        if mounted:
            fill(folder)
        else:
            _inject_enospc(monkeypatch, folder)
        yield folder
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=60)


def _inject_enospc(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Without a real full disk: writing bytes to a file in ``folder`` fails as a full disk makes it fail."""
    import lossviz.core.files as files

    real_fdopen = os.fdopen

    class Full:
        def __init__(self, handle):  # type: ignore[no-untyped-def]
            self.handle = handle

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            self.handle.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(descriptor: int, *args, **kwargs):  # type: ignore[no-untyped-def]
        handle = real_fdopen(descriptor, *args, **kwargs)
        name = os.readlink(f"/proc/self/fd/{descriptor}") if os.path.exists("/proc/self/fd") else ""
        return Full(handle) if name.startswith(str(folder)) else handle

    monkeypatch.setattr(files.os, "fdopen", fdopen)


def listing(folder: Path) -> dict[str, bytes | None]:
    """Every file below ``folder`` but the filler, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "filler"}

"""Writing a window's recovery file without stalling the window: a large scene is turned into text and written on a
thread of its own (100,000 samples take about 0.3 s of serialising), a small one at once, as before.

A write is numbered (``Latest``, latest.py); ``discard`` (the scene was saved, or the window closes on purpose) numbers
past every write under way and removes the file, so that a write that finishes later never brings back a file that was discarded.
Only the newest write is kept: an older one that has not reached the disk yet is skipped. On its thread the writer
turns the data into text a block at a time and waits between blocks while the window draws (``GuiBusy``, pacing.py),
like the workers: a thread holding the interpreter lock in bursts made every GUI call wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from lossviz.core.errors import LossvizError
from lossviz.core.files import check_readable_size, write_atomic
from lossviz.core.scene import Scene, scene_to_text
from lossviz.gui.workers.latest import Latest

BACKGROUND_SAMPLES = 20_000  # a scene with more samples than this is written off the GUI thread


class RecoveryWriter:
    """Writes scenes to ``path`` atomically, newest wins; ``failed(text)`` is called (from any thread) on an error."""

    def __init__(self, path: Path, failed: Callable[[str], None], pause: Callable[[], None] | None = None):
        self.path = path
        self.failed = failed
        self.pause = pause  # called between blocks of data rows on the writer thread: waits while the window draws
        self._lock = threading.Lock()  # held while a write reaches the disk, and while the file is removed
        self._writes = Latest()
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future | None = None

    def write(self, scene: Scene) -> None:
        """Write ``scene`` now (small) or on the writer thread (large)."""
        with self._lock:
            number = self._writes.next()
        if scene.data.size <= BACKGROUND_SAMPLES:
            self._write(scene, number)
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lossviz-recovery")
        self._pending = self._pool.submit(self._write, scene, number)

    def _write(self, scene: Scene, number: int) -> None:
        if self._writes.stale(number):
            return  # a newer write is queued, or the file was discarded
        background = threading.current_thread() is not threading.main_thread()
        text = scene_to_text(scene, self.pause if background else None)  # the slow part, outside the lock
        with self._lock:
            if self._writes.stale(number):
                return
            try:
                check_readable_size(text, self.path, "recovery file")
                write_atomic(self.path, text)
            except (LossvizError, OSError) as error:
                self.failed(f"Could not write the recovery file: {error}")

    def wait(self) -> None:
        """Until the write under way (if any) is on disk (tests, and a window that closes)."""
        pending = self._pending
        if pending is not None:
            pending.result()

    def discard(self, remove: Callable[[Path], None]) -> None:
        """No write under way or queued will reach the disk any more; then ``remove(path)``."""
        with self._lock:
            self._writes.next()
            remove(self.path)

    def stop(self) -> None:
        """Finish the write under way (a crash protection being written is kept) and end the thread."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

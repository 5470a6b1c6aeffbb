"""A worker object in a thread of its own, and the three things every worker does: start in its thread
(``initialize``), stop long work soon from any thread (``cancel``), and stop its timers in its own thread
(``stop``). ``WorkerThread.stop`` calls them in that order and waits for the thread."""

from __future__ import annotations

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Slot


class BackgroundWorker(QObject):
    """What a worker of the window is; subclasses override what they need (the defaults do nothing). An
    ``initialize`` of a subclass is a ``@Slot()`` of its own: PySide6 delivers a signal to a slot that overrides a
    slot of the base class in the sender's thread, not the worker's, so the base declares none."""

    def initialize(self) -> None:
        """Run in the worker's own thread when it starts (Qt timers belong to the thread that makes them)."""

    def cancel(self) -> None:
        """Called from the GUI thread: long work under way stops at its next chunk."""

    @Slot()
    def stop(self) -> None:
        """Run in the worker's own thread before it ends: stop and drop its timers."""


class WorkerThread:
    """A BackgroundWorker living in its own QThread; ``stop`` ends it cleanly."""

    def __init__(self, worker: BackgroundWorker, name: str):
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName(name)
        worker.moveToThread(self.thread)
        if type(worker).initialize is not BackgroundWorker.initialize:
            self.thread.started.connect(worker.initialize)
        self.thread.start()

    def is_running(self) -> bool:
        """True until ``stop`` has ended the thread."""
        return self.thread.isRunning()

    def stop(self) -> None:
        """Cancel long work, let the worker stop its own timers, then end the thread and wait for it (idempotent)."""
        if not self.thread.isRunning():
            return
        self.worker.cancel()
        QMetaObject.invokeMethod(self.worker, "stop", Qt.ConnectionType.BlockingQueuedConnection)
        self.thread.quit()
        self.thread.wait()

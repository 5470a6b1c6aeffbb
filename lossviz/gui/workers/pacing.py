"""How the window and its two workers share one interpreter: the pacing protocol.

Python threads share one interpreter lock (the GIL). A worker running numpy while the GUI
thread paints makes every pyqtgraph call of the GUI thread wait for it, and the window
stalls; so the workers step only while the GUI thread is idle. The protocol, in full:

1. **Reports.** The training worker sends a report (``Progress``) at most every
   ``EMIT_INTERVAL`` (workers/training.py) and then waits: it steps again only when the GUI says it
   has drawn that report (``acknowledge``), or after ``ACK_TIMEOUT`` if it never does. No
   queue of stale reports builds up, and the worker does not compete with the paint.
2. **Holds.** While the GUI thread draws something costly (a report, a new surface) it
   holds ``GuiBusy``; both workers look at it between slices of work (a few ms each:
   training steps, surface chunks) and wait without the interpreter lock until the last
   hold is released. Holds nest; a hold older than ``ACK_TIMEOUT`` is ignored, so a
   forgotten one never blocks a worker for ever.
3. **Pieces.** The GUI thread does its drawing in short pieces through one
   ``FrameScheduler`` queue: each piece runs from a timer once the views changed by the one
   before have been painted, so that timers and input are served in between. A report's
   pieces are: the path and the status at once, then (at most ``COSTLY_REDRAW_INTERVAL``
   apart, views/scene_views.py) the data view, then the loss curve, then the acknowledgement and the
   release of the hold (state/training.py). A surface from the surface worker is one piece, queued behind
   whatever is queued, then the release of its hold.
4. **Interpreter switching.** ``app.prepare_application`` sets ``sys.setswitchinterval``
   to 1 ms, so that a worker inside a long numpy loop hands the lock back quickly.
5. **Stopping.** ``release_all`` lets a waiting worker go on and end; long work (a surface,
   a preview fit) is cancelled between chunks (latest.py), so closing never waits for it.

``Pacing`` is the GUI thread's side of all this for one window: the hold, the queue of pieces, and the signal that
wakes the training worker when the last hold ends.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from PySide6 import QtCore
from PySide6.QtCore import Qt

from lossviz.plots.overrides import qt_override

ACK_TIMEOUT = 0.25  # s after which a worker goes on even if the GUI never said it finished drawing


class GuiBusy:
    """Tells the workers that the GUI thread is drawing, so that they keep out of its way (see the
    module docstring). ``hold``/``release`` are called by the GUI thread only; they nest. ``clock`` gives the time in
    seconds (tests give one of their own)."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self._idle = threading.Event()  # waiting on it costs no interpreter lock
        self._idle.set()
        self._holds = 0
        self.since = 0.0

    def hold(self) -> None:
        """The GUI thread starts drawing: workers wait from their next look."""
        if self._holds == 0:
            self.since = self.clock()
            self._idle.clear()
        self._holds += 1

    def release(self) -> bool:
        """End one hold; True when this was the last one (the workers may go on)."""
        self._holds = max(0, self._holds - 1)
        if self._holds == 0:
            self._idle.set()
            return True
        return False

    def release_all(self) -> None:
        """End every hold (the window is closing: a waiting worker goes on, and ends)."""
        self._holds = 0
        self._idle.set()

    def remaining(self, now: float | None = None) -> float:
        """Seconds a worker should still wait (0: the GUI is not drawing)."""
        if self._idle.is_set():
            return 0.0
        now = self.clock() if now is None else now
        return max(0.0, ACK_TIMEOUT - (now - self.since))

    def wait(self) -> None:
        """Block (without the interpreter lock) until the GUI has finished drawing or the hold is too old."""
        remaining = self.remaining()
        if remaining > 0:
            self._idle.wait(remaining)


class _PaintProbe(QtCore.QObject):
    """Runs callbacks from low-priority posted events, each after ``hops`` more trips through the
    event queue (see FrameScheduler.after_paint). The events carry nothing: the callbacks wait here
    in the order their events were posted."""

    EVENT = QtCore.QEvent.Type(QtCore.QEvent.registerEventType())

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.pending: deque[tuple[Callable[[], None], int]] = deque()

    def post(self, callback: Callable[[], None], hops: int) -> None:
        """Run ``callback`` after ``hops`` more trips through the event queue."""
        self.pending.append((callback, hops))
        QtCore.QCoreApplication.postEvent(self, QtCore.QEvent(self.EVENT), Qt.EventPriority.LowEventPriority.value)

    @qt_override
    def event(self, ev: QtCore.QEvent) -> bool:
        """Pass the callback on, or start its timer."""
        if ev.type() != self.EVENT:
            return super().event(ev)
        callback, hops = self.pending.popleft()
        if hops > 0:
            self.post(callback, hops - 1)
        else:
            # from a timer, not at once: posted events (and the paints among them) are all handled in one
            # pass of the event loop, and timers and input wait until it ends; a timer ends the pass
            QtCore.QTimer.singleShot(1, self, callback)  # dropped with this probe
        return True


class FrameScheduler(QtCore.QObject):
    """One queue of GUI work, run a piece at a time, each after the paint of the one before."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._probe = _PaintProbe(self)
        self._pieces: deque[Callable[[], None]] = deque()
        self._running = False

    def queue(self, *pieces: Callable[[], None], at_once: bool = False) -> None:
        """Run ``pieces`` in order after those already queued; ``at_once``: the first now if nothing else
        is queued (else it waits its turn like the others)."""
        self._pieces.extend(pieces)
        if not self._running:
            self._running = True
            self._next() if at_once else self.after_paint(self._next)

    def idle(self) -> bool:
        """True when no piece is queued or running."""
        return not self._running

    def clear(self) -> None:
        """Drop the pieces not yet run (the window is closing)."""
        self._pieces.clear()

    def _next(self) -> None:
        if not self._pieces:
            self._running = False
            return
        piece = self._pieces.popleft()
        try:
            piece()
        finally:
            self.after_paint(self._next)

    def after_paint(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the views changed so far have been painted, from a timer. Widgets paint
        on a low-priority UpdateRequest that the graphics scenes post only when they process their dirty
        items (posted events of normal priority): a low-priority event posted now runs before that
        paint, so it posts itself once more and then starts the timer (see _PaintProbe)."""
        self._probe.post(callback, hops=1)


class Pacing(QtCore.QObject):
    """The GUI thread's side of the protocol for one window: ``busy`` (the hold the workers look at), ``scheduler``
    (the queue of pieces) and ``wakeRequested`` (the last hold ended: the training worker may step at once)."""

    wakeRequested = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject | None = None, clock: Callable[[], float] = time.perf_counter) -> None:
        super().__init__(parent)
        self.busy = GuiBusy(clock)
        self.scheduler = FrameScheduler(self)

    def hold_until_painted(self) -> None:
        """The workers wait while the GUI thread draws and paints what just changed."""
        self.busy.hold()
        self.scheduler.queue(self.release)

    def release(self) -> None:
        """End a hold; the last one wakes the workers."""
        if self.busy.release():
            self.wakeRequested.emit()

    def idle(self) -> bool:
        """True when no piece is queued and no hold is on the workers."""
        return self.scheduler.idle() and self.busy.remaining() == 0

    def stop(self) -> None:
        """The window closes: no more pieces, and a waiting worker goes on (and ends)."""
        self.scheduler.clear()
        self.busy.release_all()

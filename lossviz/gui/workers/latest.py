"""Latest request wins: the one primitive every background job of the window uses to drop work that is no longer
wanted (surfaces, the cloud of resampled minima, capacity sweeps, the training run's reports, recovery files).

The GUI thread numbers each new request with ``next()``; a request is stale once a newer number was handed out, or
once the window cancels everything (``cancel``). A worker asks ``stale(number)`` between chunks of work, or holds a
``Token`` (the number and the Latest it came from) and asks ``token.should_stop()``, which first waits while the
window draws (the pacing protocol, pacing.py). A result that comes back is taken only if its number is still the
newest (``current``). Numbers are plain ints set by one thread and read by others: no locks are needed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field


class Latest:
    """Numbers for requests of one kind; the newest wins. ``cancelled`` may be shared by the Latests of one worker
    (closing the window stops them all); ``pause`` is called before each ``should_stop`` (waits while the GUI
    draws)."""

    def __init__(self, cancelled: threading.Event | None = None, pause: Callable[[], None] | None = None):
        self.cancelled = cancelled if cancelled is not None else threading.Event()
        self.pause = pause
        self._newest = 0

    @property
    def newest(self) -> int:
        """The number of the newest request (0: none yet)."""
        return self._newest

    def next(self) -> int:
        """A number for a new request: every request numbered before is stale from now on."""
        self._newest += 1
        return self._newest

    def token(self) -> Token:
        """``next()`` as a Token that a worker can ask."""
        return Token(self.next(), self)

    def stale(self, number: int) -> bool:
        """True when request ``number`` is no longer wanted: a newer one was made, or everything was cancelled."""
        return self.cancelled.is_set() or number < self._newest

    def current(self, number: int) -> bool:
        """True when a result of request ``number`` may be taken: it is the newest request."""
        return number == self._newest

    def cancel(self) -> None:
        """Stop for good (the window closes): every request is stale, now and later."""
        self.cancelled.set()


@dataclass(frozen=True)
class Token:
    """One request's number and where it came from; frozen, so it can travel inside a request to a worker."""

    number: int
    source: Latest = field(compare=False, repr=False)

    def stale(self) -> bool:
        """True when this request is no longer wanted."""
        return self.source.stale(self.number)

    def should_stop(self) -> bool:
        """Between chunks of work: wait while the window draws, then True if the work is no longer wanted."""
        if self.source.pause is not None:
            self.source.pause()
        return self.stale()

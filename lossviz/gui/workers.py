"""Background workers: gradient descent and loss surfaces off the GUI thread.

Both receive immutable snapshots (copied arrays, config, θ) tagged with a generation and
send results back by signals; the window drops results whose generation is stale.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal, Slot

from lossviz.core.dataset import Dataset
from lossviz.core.losses import get_loss
from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.surface import SurfaceSpec, auto_range, landmarks, loss_surface
from lossviz.core.training import Trainer, fit

EMIT_INTERVAL = 0.05  # seconds between progress signals (at most 20 per second: each costs a repaint)
WORK_SLICE = 0.008  # seconds of steps per timer tick, so that commands (pause, new data) are served promptly
ACK_TIMEOUT = 0.25  # seconds after which a worker goes on even if the GUI never said it finished drawing
MAX_POINTS_PER_EMIT = 64
SURFACE_CHUNK_ELEMENTS = 1 << 18  # logits per chunk of a surface: a few ms of work between looks at GuiBusy


class GuiBusy:
    """Tells the workers that the GUI thread is drawing, so that they keep out of its way: Python
    threads share one interpreter lock, and a worker running numpy at the same time makes every
    pyqtgraph call in the GUI thread wait for it. ``hold``/``release`` are called by the GUI thread
    only (they nest); a hold older than ACK_TIMEOUT is ignored, so a worker never waits for ever."""

    def __init__(self):
        self._idle = threading.Event()  # waiting on it costs no interpreter lock
        self._idle.set()
        self._holds = 0
        self.since = 0.0

    def hold(self) -> None:
        if self._holds == 0:
            self.since = time.perf_counter()
            self._idle.clear()
        self._holds += 1

    def release(self) -> bool:
        """True when this was the last hold (the workers may go on)."""
        self._holds = max(0, self._holds - 1)
        if self._holds == 0:
            self._idle.set()
            return True
        return False

    def release_all(self) -> None:
        self._holds = 0
        self._idle.set()

    def remaining(self, now: float | None = None) -> float:
        """Seconds a worker should still wait (0: the GUI is not drawing)."""
        if self._idle.is_set():
            return 0.0
        now = time.perf_counter() if now is None else now
        return max(0.0, ACK_TIMEOUT - (now - self.since))

    def wait(self) -> None:
        """Block (without the interpreter lock) until the GUI has finished drawing or the hold is too old."""
        remaining = self.remaining()
        if remaining > 0:
            self._idle.wait(remaining)


@dataclass(frozen=True)
class Problem:
    """What L(θ|D) is: the model shape, the loss and a private copy of the data."""

    shape: ModelShape
    loss: str
    X: np.ndarray
    y: np.ndarray

    @classmethod
    def snapshot(cls, shape: ModelShape, loss: str, data: Dataset) -> "Problem":
        return cls(shape, loss, data.X.copy(), data.y.copy())

    def objective(self) -> Objective:
        return Objective(self.shape, get_loss(self.loss, self.shape.task), Dataset(self.X.copy(), self.y.copy()))


@dataclass(frozen=True)
class TrainingRequest:
    """Start over from ``theta`` (reset=True), or keep θ and optimizer state on new data."""

    generation: int
    problem: Problem
    theta: np.ndarray
    optimizer: OptimizerConfig
    seed: int
    reset: bool = True
    rivals: tuple = ()  # OptimizerConfigs racing the main run from the same start


@dataclass(frozen=True)
class Progress:
    """New trajectory entries since the last report (decimated) and the current state."""

    generation: int
    steps: np.ndarray  # (m,) step numbers of the entries below
    losses: np.ndarray  # (m,)
    thetas: np.ndarray  # (m, k, d+1)
    theta: np.ndarray  # current θ
    step: int
    loss: float
    grad_norm: float
    running: bool
    diverged: bool = False
    rivals: tuple = ()  # per rival: (steps, losses, thetas) since the last report, like the main run's


def decimate(count: int, limit: int) -> np.ndarray:
    """Indices of at most ``limit`` of ``count`` entries, evenly spread, always keeping the last."""
    if count <= limit:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, limit).round().astype(int))


class TrajectoryBuffer:
    """Trajectory entries (step, L, θ) since the last report, in preallocated arrays: a step adds no
    Python object (thousands of small objects a second would set off the cyclic garbage collector,
    which stops every thread, the GUI's too)."""

    def __init__(self, shape: tuple[int, ...], capacity: int = 1024):
        self.steps = np.empty(capacity, dtype=np.int64)
        self.losses = np.empty(capacity)
        self.thetas = np.empty((capacity, *shape))
        self.count = 0

    def append(self, step: int, loss: float, theta: np.ndarray) -> None:
        if self.count == len(self.steps):  # grow by doubling
            self.steps = np.concatenate([self.steps, np.empty_like(self.steps)])
            self.losses = np.concatenate([self.losses, np.empty_like(self.losses)])
            self.thetas = np.concatenate([self.thetas, np.empty_like(self.thetas)])
        self.steps[self.count] = step
        self.losses[self.count] = loss
        self.thetas[self.count] = theta
        self.count += 1

    def drain(self, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """At most ``limit`` of the entries (evenly spread, always the last), as fresh arrays; then empty."""
        keep = decimate(self.count, limit)
        entries = self.steps[keep], self.losses[keep], self.thetas[keep]  # fancy indexing copies
        self.count = 0
        return entries


class TrainingWorker(QObject):
    """Runs a Trainer in its own thread; ``speed`` is updates per second (0: as fast as it can).
    It steps only while the GUI is not drawing: from a report until acknowledge(), and while ``busy``
    is held, it waits in its event loop (woken by acknowledge() or wake())."""

    progress = Signal(object)

    def __init__(self, busy: GuiBusy | None = None):
        super().__init__()
        self.busy = busy or GuiBusy()
        self.trainer: Trainer | None = None
        self.rivals: list[Trainer] = []
        self._rival_buffers: list[TrajectoryBuffer] = []
        self.generation = -1
        self.running = False
        self.speed = 30.0
        self.timer: QTimer | None = None
        self._buffer: TrajectoryBuffer | None = None
        self._last_emit = 0.0
        self._last_tick = 0.0
        self._owed = 0.0
        # False from a report until acknowledge(), when the GUI has drawn it: no queue of stale reports
        # builds up, and the worker does not compete with the GUI thread while it draws
        self.delivered = True

    @Slot()
    def initialize(self):
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._tick)

    @Slot(object)
    def configure(self, request: TrainingRequest):
        self.generation = request.generation
        objective = request.problem.objective()
        if request.reset or self.trainer is None or self.trainer.theta.shape != request.theta.shape:
            self.trainer = Trainer(objective, request.theta, request.optimizer, request.seed)
            self.rivals = [Trainer(objective, request.theta, config, request.seed) for config in request.rivals]
        else:  # the data changed under a running descent: keep θ and the optimizers' state
            for trainer in [self.trainer, *self.rivals]:
                trainer.objective = objective
                trainer.order, trainer.cursor = np.empty(0, dtype=np.int64), 0
                trainer.loss, trainer.grad = objective.value_and_grad(trainer.theta)
                trainer.grad_norm = float(np.sqrt(np.vdot(trainer.grad, trainer.grad)))
        self._buffer = TrajectoryBuffer(self.trainer.theta.shape)
        self._buffer.append(self.trainer.steps, self.trainer.loss, self.trainer.theta)
        self._rival_buffers = [TrajectoryBuffer(r.theta.shape) for r in self.rivals]
        for rival, buffer in zip(self.rivals, self._rival_buffers):
            buffer.append(rival.steps, rival.loss, rival.theta)
        self._emit(diverged=False)

    @Slot(bool)
    def set_running(self, running: bool):
        self.running = running and self.trainer is not None
        self._owed = 0.0
        self._last_tick = time.perf_counter()
        if self.timer is not None:
            self.timer.start() if self.running else self.timer.stop()
        self._emit()

    @Slot()
    def acknowledge(self):
        """The GUI has drawn the last report: go on stepping at once."""
        self.delivered = True
        self.wake()

    @Slot()
    def wake(self):
        """Step again now if running (the GUI has finished drawing)."""
        if self.running and self.timer is not None:
            self.timer.start(0)

    def _gui_busy(self, now: float) -> float:
        """Seconds to keep out of the GUI thread's way (0: none): it is drawing a report or something else."""
        wait = ACK_TIMEOUT - (now - self._last_emit) if not self.delivered else 0.0
        return max(wait, self.busy.remaining(now), 0.0)

    @Slot(float)
    def set_speed(self, steps_per_second: float):
        self.speed = steps_per_second

    @Slot()
    def step_once(self):
        if self.trainer is None:
            return
        self._advance(1)
        self._emit()

    @Slot()
    def stop(self):
        """Stop and drop the timer, in this worker's own thread (Qt timers are per thread)."""
        self.running = False
        if self.timer is not None:
            self.timer.stop()
            self.timer.setParent(None)
            self.timer = None

    def _advance(self, count: int, deadline: float | None = None) -> bool:
        """Make up to ``count`` updates (until ``deadline``); False once the run diverged."""
        trainer = self.trainer
        for _ in range(count):
            if not trainer.step():
                self.running = False
                if self.timer is not None:
                    self.timer.stop()
                self._emit(diverged=True)
                return False
            self._buffer.append(trainer.steps, trainer.loss, trainer.theta)
            for rival, buffer in zip(self.rivals, self._rival_buffers):
                if rival.steps == trainer.steps - 1 and rival.step():  # a diverged rival stays where it was
                    buffer.append(rival.steps, rival.loss, rival.theta)
            if deadline is not None and (time.perf_counter() > deadline or self.busy.remaining()):
                break
        return True

    @Slot()
    def _tick(self):
        if not self.running or self.trainer is None:
            return
        now = time.perf_counter()
        wait = self._gui_busy(now)
        if wait > 0:  # keep out of the GUI's way until acknowledge() or wake() (or the timeout)
            self.timer.start(max(1, round(1000 * wait)))
            return
        if self.speed > 0:
            self._owed += self.speed * (now - self._last_tick)
            count = int(self._owed)
            self._owed -= count
        else:
            count = 1 << 30
        self._last_tick = now
        if count and not self._advance(count, deadline=now + WORK_SLICE):
            return
        if self.delivered and time.perf_counter() - self._last_emit >= EMIT_INTERVAL:
            self._emit()
        if self.running and self.timer is not None:
            # flat out: the next slice once pending commands are served; at a set speed: when the next step is due
            due = 0 if self.speed <= 0 else (1.0 - self._owed) / self.speed
            self.timer.start(min(50, round(1000 * due)))

    def _emit(self, diverged: bool = False):
        trainer = self.trainer
        if trainer is None:
            return
        self.delivered = False
        steps, losses, thetas = self._buffer.drain(MAX_POINTS_PER_EMIT)
        rivals = tuple(buffer.drain(MAX_POINTS_PER_EMIT) for buffer in self._rival_buffers)
        self.progress.emit(Progress(self.generation, steps, losses, thetas, trainer.theta.copy(), trainer.steps,
                                    trainer.loss, trainer.grad_norm, self.running, diverged, rivals))
        self._last_emit = time.perf_counter()
        time.sleep(0)  # let the GUI thread take the GIL right away


@dataclass(frozen=True)
class SurfaceRequest:
    """A surface to compute; ranges None means frame the start, a preview path and the minimum."""

    generation: int
    problem: Problem
    x_param: str
    y_param: str
    x_range: tuple[float, float] | None
    y_range: tuple[float, float] | None
    resolution: int
    center: np.ndarray
    start: np.ndarray
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    preview_steps: int = 100
    coarse: bool = False
    path: np.ndarray | None = None  # θ's visited so far, to keep in the frame


@dataclass(frozen=True)
class SurfaceResult:
    generation: int
    request: SurfaceRequest
    spec: SurfaceSpec
    surface: object  # lossviz.core.surface.Surface
    seconds: float


class SurfaceWorker(QObject):
    """Computes surfaces one at a time, always the latest request (older pending ones are skipped)."""

    ready = Signal(object)

    def __init__(self, busy: GuiBusy | None = None):
        super().__init__()
        self.busy = busy or GuiBusy()
        self.pending: SurfaceRequest | None = None

    @Slot(object)
    def request(self, request: SurfaceRequest):
        self.pending = request
        QTimer.singleShot(0, self._process)

    @Slot()
    def _process(self):
        self.busy.wait()  # not while the window draws (the last surface, say); a newer request may come meanwhile
        request, self.pending = self.pending, None
        if request is None:
            return
        started = time.perf_counter()
        objective = request.problem.objective()
        x_range, y_range = request.x_range, request.y_range
        if x_range is None or y_range is None:
            shape = request.problem.shape
            path = fit(objective, request.start, request.optimizer, request.preview_steps).thetas
            if request.path is not None and len(request.path):
                path = np.concatenate([path, request.path])
            points = landmarks(objective, request.start, path)
            ix, iy = shape.param_index(request.x_param), shape.param_index(request.y_param)
            x_range = x_range or auto_range(points[:, ix[0], ix[1]])
            y_range = y_range or auto_range(points[:, iy[0], iy[1]])
        spec = SurfaceSpec(request.x_param, request.y_param, x_range, y_range, request.resolution,
                           request.center.copy())
        # one thread: the other core belongs to the GUI and the training worker; small chunks, and
        # between them a wait while the GUI draws
        surface = loss_surface(objective, spec, workers=1, chunk_elements=SURFACE_CHUNK_ELEMENTS,
                               between_chunks=self.busy.wait)
        self.ready.emit(SurfaceResult(request.generation, request, spec, surface, time.perf_counter() - started))
        time.sleep(0)


class WorkerThread:
    """A worker QObject living in its own QThread; ``stop`` ends it cleanly."""

    def __init__(self, worker: QObject, name: str):
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName(name)
        worker.moveToThread(self.thread)
        if hasattr(worker, "initialize"):
            self.thread.started.connect(worker.initialize)
        self.thread.start()

    def stop(self) -> None:
        """Let the worker stop its own timers, then end the thread and wait for it."""
        if not self.thread.isRunning():
            return
        if hasattr(self.worker, "running"):
            self.worker.running = False
        if hasattr(self.worker, "stop"):
            QMetaObject.invokeMethod(self.worker, "stop", Qt.ConnectionType.BlockingQueuedConnection)
        self.thread.quit()
        self.thread.wait()

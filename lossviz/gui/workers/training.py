"""The training worker: gradient descent off the GUI thread.

It receives immutable snapshots (copied arrays, config, θ) numbered by the training run (state/training.py), which
drops reports of an older number; how it keeps out of the GUI thread's way is written down in pacing.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QTimer, Signal, Slot

from lossviz.core.objective import Objective, Quality, quality_at
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.population import exact, population_values
from lossviz.core.problem import Problem
from lossviz.core.training import Trainer
from lossviz.gui.workers.pacing import ACK_TIMEOUT, GuiBusy
from lossviz.gui.workers.thread import BackgroundWorker

EMIT_INTERVAL = 0.05  # seconds between progress signals (at most 20 per second: each costs a repaint)
WORK_SLICE = 0.008  # seconds of steps per timer tick, so that commands (pause, new data) are served promptly
MAX_POINTS_PER_EMIT = 64
POPULATION_SHARE = 0.1  # while running, L(θ|P) by Monte Carlo takes at most this share of the worker's time…
POPULATION_PER_REPORT = 8  # …and values at most this many of a report's entries (100,000 draws cost milliseconds)


@dataclass(frozen=True)
class TrainingRequest:
    """Start over from ``theta`` (reset=True), or keep θ and optimizer state on new data."""

    generation: int
    problem: Problem
    theta: np.ndarray
    optimizer: OptimizerConfig
    seed: int
    reset: bool = True
    rivals: tuple[OptimizerConfig, ...] = ()  # racing the main run from the same start
    test: Problem | None = None  # the held-out samples: L(θ|D_test) of each entry is reported
    population: Problem | None = None  # L(θ|P) of the scene's P: reported beside the entries (see _population_values)


Entries = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # steps, losses, grad norms, θs


@dataclass(frozen=True)
class Progress:
    """New trajectory entries since the last report (decimated) and the current state."""

    generation: int
    steps: np.ndarray  # (m,) step numbers of the entries below
    losses: np.ndarray  # (m,)
    grad_norms: np.ndarray  # (m,)
    thetas: np.ndarray  # (m, k, d+1)
    theta: np.ndarray  # current θ
    step: int
    loss: float
    grad_norm: float
    running: bool
    diverged: bool = False
    answered: int = 0  # commands (configure, set_running, step_once) handled before this report
    rivals: tuple[Entries, ...] = ()  # per rival: entries since the last report, like the main run's
    test_losses: np.ndarray | None = None  # (m,) L(θ|D_test) of the entries (None without a test set)
    test_loss: float = float("nan")  # at the current θ
    population_losses: np.ndarray | None = None  # (m,) L(θ|P) of the entries, NaN where not valued (None without P)
    population_loss: float = float("nan")  # at the current θ, if ``population_valued``
    population_valued: bool = False  # L(θ|P) was valued at the current θ for this report
    quality: Quality | None = None  # the accuracy or RMSE at the current θ (computed here: a pass over every sample)


@dataclass(frozen=True)
class PopulationValue:
    """L(θ|P) at one θ, asked for by the window (a step back to an entry that has none)."""

    generation: int
    theta: np.ndarray
    value: float
    answered: int


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
        self.grad_norms = np.empty(capacity)
        self.thetas = np.empty((capacity, *shape))
        self.count = 0

    def append(self, trainer: Trainer) -> None:
        """The trainer's current entry: step, L, ‖∇L‖ and θ."""
        if self.count == len(self.steps):  # grow by doubling
            self.steps = np.concatenate([self.steps, np.empty_like(self.steps)])
            self.losses = np.concatenate([self.losses, np.empty_like(self.losses)])
            self.grad_norms = np.concatenate([self.grad_norms, np.empty_like(self.grad_norms)])
            self.thetas = np.concatenate([self.thetas, np.empty_like(self.thetas)])
        self.steps[self.count] = trainer.steps
        self.losses[self.count] = trainer.loss
        self.grad_norms[self.count] = trainer.grad_norm
        self.thetas[self.count] = trainer.theta
        self.count += 1

    def drain(self, limit: int) -> Entries:
        """At most ``limit`` of the entries (evenly spread, always the last), as fresh arrays; then empty."""
        keep = decimate(self.count, limit)
        # fancy indexing copies
        entries = self.steps[keep], self.losses[keep], self.grad_norms[keep], self.thetas[keep]
        self.count = 0
        return entries


class TrainingWorker(BackgroundWorker):
    """Runs a Trainer in its own thread; ``speed`` is updates per second (0: as fast as it can).
    It steps only while the GUI is not drawing: from a report until acknowledge(), and while ``busy``
    is held, it waits in its event loop (woken by acknowledge() or wake()). ``clock`` gives the time in seconds
    (tests give one of their own)."""

    progress = Signal(object)
    populationValued = Signal(object)  # a PopulationValue

    def __init__(self, busy: GuiBusy | None = None, clock: Callable[[], float] = time.perf_counter):
        super().__init__()
        self.clock = clock
        self.busy = busy or GuiBusy(clock)
        self.trainer: Trainer | None = None
        self.rivals: list[Trainer] = []
        self._rival_buffers: list[TrajectoryBuffer] = []
        self.generation = -1
        self.running = False
        self.speed = 30.0
        self.timer: QTimer | None = None
        self._buffer: TrajectoryBuffer | None = None
        self.last_emit = 0.0
        self._last_tick = 0.0
        self._owed = 0.0
        # False from a report until acknowledge(), when the GUI has drawn it: no queue of stale reports
        # builds up, and the worker does not compete with the GUI thread while it draws
        self.delivered = True
        self.answered = 0
        self.test: Objective | None = None  # L(θ|D_test), reported beside each entry
        self.population: Objective | None = None  # L(θ|P), as the L(θ|P) surface has it
        self._population_key: tuple | None = None  # what ``population`` is of (kept while it stays)
        self._population_cost: float | None = None  # s per θ of L(θ|P) by Monte Carlo, as last measured
        self._population_time = 0.0  # when it was last valued (the running budget grows from there)

    @Slot()
    def initialize(self) -> None:
        """Make the worker's timer in its own thread (Qt timers are per thread)."""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.tick)

    @Slot(object)
    def configure(self, request: TrainingRequest):
        """Start over from the request's θ, or go on with θ and optimizer state on its new data."""
        self.answered += 1
        self.generation = request.generation
        objective = request.problem.objective()
        self.test = None if request.test is None else request.test.objective()
        self._take_population(request.population)
        if request.reset:  # a new start θ: its L(θ|P) comes with the first report
            self._population_time = -np.inf
        if request.reset or self.trainer is None or self.trainer.theta.shape != request.theta.shape:
            self.trainer = Trainer(objective, request.theta, request.optimizer, request.seed)
            self.rivals = [Trainer(objective, request.theta, config, request.seed) for config in request.rivals]
        else:  # the data changed under a running descent: keep θ and the optimizers' state
            for trainer in [self.trainer, *self.rivals]:
                trainer.use_objective(objective)
        self._buffer = TrajectoryBuffer(self.trainer.theta.shape)
        self._buffer.append(self.trainer)
        self._rival_buffers = [TrajectoryBuffer(r.theta.shape) for r in self.rivals]
        for rival, buffer in zip(self.rivals, self._rival_buffers, strict=True):
            buffer.append(rival)
        self._emit(diverged=False)

    def _take_population(self, problem: Problem | None) -> None:
        """L(θ|P) of ``problem`` (None: none), made again only when P, the model, the loss, λ or φ changed."""
        key = None if problem is None else problem.population_key()
        if key != self._population_key:
            self.population = None if problem is None else problem.objective()
            self._population_key = key
            self._population_cost = None

    @Slot(object)
    def value_population(self, request: tuple[int, np.ndarray]) -> None:
        """L(θ|P) at θ for the window: (generation, θ) answered with a PopulationValue."""
        self.answered += 1
        generation, theta = request
        value = float("nan") if self.population is None else float(population_values(self.population, theta[None])[0])
        self.populationValued.emit(PopulationValue(generation, theta, value, self.answered))

    def _population_values(self, thetas: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray | None, float | None]:
        """L(θ|P) of the report's entries (NaN where not valued) and at the current θ (None where not valued): exact
        ones all; by Monte Carlo the current θ when paused, and while running as many entries (evenly spread, the
        last among them) as POPULATION_SHARE of the time since the last valuation pays for."""
        population = self.population
        if population is None:
            return None, None
        if exact(population):
            return population_values(population, thetas), float(population_values(population, theta[None])[0])
        values = np.full(len(thetas), np.nan)
        started = self.clock()
        cost = self._population_cost
        count = len(thetas) if cost is None or not cost > 0 else int(min(started - self._population_time, 1.0)
                                                                     * POPULATION_SHARE / cost)
        count = min(count, len(thetas), POPULATION_PER_REPORT)
        if self.running and count < 1:
            return values, None
        last = bool(len(thetas)) and np.array_equal(thetas[-1], theta)
        count = max(count, 1)
        rows = np.unique(np.append(decimate(len(thetas), count), len(thetas) - 1))[-count:] if last else \
            np.empty(0, dtype=np.intp)  # the last always (decimate's one is the first)
        if len(rows):
            values[rows] = population_values(population, thetas[rows])
        value = float(values[-1]) if last else float(population_values(population, theta[None])[0])
        self._population_time = self.clock()
        self._population_cost = (self._population_time - started) / max(len(rows), 1)
        return values, value

    @Slot(bool)
    def set_running(self, running: bool):
        """Run (at ``speed``) or pause; answered with a report."""
        self.answered += 1
        self.running = running and self.trainer is not None
        self._owed = 0.0
        self._last_tick = self.clock()
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
        wait = ACK_TIMEOUT - (now - self.last_emit) if not self.delivered else 0.0
        return max(wait, self.busy.remaining(now), 0.0)

    @Slot(float)
    def set_speed(self, steps_per_second: float):
        """Updates per second (0: as fast as it can)."""
        self.speed = steps_per_second

    @Slot()
    def step_once(self):
        """One update, answered with a report."""
        self.answered += 1
        if self.trainer is None:
            return
        self.advance(1)
        self._emit()

    @Slot(int)
    def step_many(self, count: int):
        """``count`` updates at once (a lecture's slide shown at its step), answered with one report."""
        self.answered += 1
        if self.trainer is None:
            return
        self.advance(count)
        self._emit()

    def cancel(self) -> None:
        """No more steps (GUI thread, before the thread is ended)."""
        self.running = False

    @Slot()
    def stop(self) -> None:
        """Stop and drop the timer, in this worker's own thread (Qt timers are per thread)."""
        self.running = False
        if self.timer is not None:
            self.timer.stop()
            self.timer.setParent(None)
            self.timer = None

    def advance(self, count: int, deadline: float | None = None) -> bool:
        """Make up to ``count`` updates (until ``deadline``); False once the run diverged."""
        trainer, trajectory = self.trainer, self._buffer
        assert trainer is not None and trajectory is not None, "advance() before configure()"
        for _ in range(count):
            if not trainer.step():
                self.running = False
                if self.timer is not None:
                    self.timer.stop()
                self._emit(diverged=True)
                return False
            trajectory.append(trainer)
            for rival, buffer in zip(self.rivals, self._rival_buffers, strict=True):
                if rival.steps == trainer.steps - 1 and rival.step():  # a diverged rival stays where it was
                    buffer.append(rival)
            if deadline is not None and (self.clock() > deadline or self.busy.remaining()):
                break
        return True

    @Slot()
    def tick(self):
        """One slice of updates (at most WORK_SLICE), then a report when due; run by the worker's timer."""
        if not self.running or self.trainer is None:
            return
        now = self.clock()
        wait = self._gui_busy(now)
        if wait > 0:  # keep out of the GUI's way until acknowledge() or wake() (or the timeout)
            if self.timer is not None:
                self.timer.start(max(1, round(1000 * wait)))
            return
        if self.speed > 0:
            self._owed += self.speed * (now - self._last_tick)
            count = int(self._owed)
            self._owed -= count
        else:
            count = 1 << 30
        self._last_tick = now
        if count and not self.advance(count, deadline=now + WORK_SLICE):
            return
        if self.delivered and self.clock() - self.last_emit >= EMIT_INTERVAL:
            self._emit()
        if self.running and self.timer is not None:
            # flat out: the next slice once pending commands are served; at a set speed: when the next step is due
            due = 0 if self.speed <= 0 else (1.0 - self._owed) / self.speed
            self.timer.start(min(50, round(1000 * due)))

    def _emit(self, diverged: bool = False):
        trainer, trajectory = self.trainer, self._buffer
        if trainer is None or trajectory is None:  # nothing configured yet (configure() sets both)
            return
        self.delivered = False
        steps, losses, grad_norms, thetas = trajectory.drain(MAX_POINTS_PER_EMIT)
        rivals = tuple(buffer.drain(MAX_POINTS_PER_EMIT) for buffer in self._rival_buffers)
        test = self.test
        with np.errstate(all="ignore"):  # a test loss that overflows is inf, as fit writes it
            test_losses = None if test is None else test.data_values(thetas)  # as fit_columns has them
            test_loss = float("nan") if test is None else test.data_value(trainer.theta)
        population_losses, population_loss = self._population_values(thetas, trainer.theta)
        self.progress.emit(Progress(self.generation, steps, losses, grad_norms, thetas, trainer.theta.copy(),
                                    trainer.steps, trainer.loss, trainer.grad_norm, self.running, diverged,
                                    self.answered, rivals, test_losses, test_loss, population_losses,
                                    float("nan") if population_loss is None else population_loss,
                                    population_loss is not None, quality_at(trainer.objective, test, trainer.theta)))
        self.last_emit = self.clock()
        time.sleep(0)  # let the GUI thread take the GIL right away

"""The training run: θ, the step, L and ‖∇L‖ of the descent on the document's scene, the history of every run (one,
or the racers of an optimizer race), the cursor of a step back, and the training worker's thread.

It sends the worker frozen snapshots numbered by a ``Latest`` (a restart or new data: a new number) and drops
reports of an older number. It draws nothing: it says that something changed (``progressed``, ``stepped``,
``runningChanged``, ``thetaMoved``) and the views read ``state()``. See workers/pacing.py for how the worker keeps
out of the GUI thread's way.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal, SignalInstance

from lossviz.core.objective import Objective, Quality, quality_at
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.problem import Problem
from lossviz.core.runs import Run
from lossviz.core.scene import Scene
from lossviz.core.table import scale_reason
from lossviz.core.training import norm
from lossviz.gui.messages import ALERT_MS
from lossviz.gui.state.history import History, Trajectory
from lossviz.gui.workers.latest import Latest
from lossviz.gui.workers.pacing import Pacing
from lossviz.gui.workers.thread import WorkerThread
from lossviz.gui.workers.training import PopulationValue, Progress, TrainingRequest, TrainingWorker

PREVIEW_VALUED_SAMPLES = 100_000  # above this, a drag under way does not value L over every sample with each move
COSTLY_REDRAW_INTERVAL = 0.125  # s between redraws of the data view and the loss curve while running
DIVERGED_MESSAGE = ("Diverged: the next step made the loss non-finite. Paused at the last finite θ; "
                    "lower the learning rate and press Reset.")


@dataclass(frozen=True)
class RunState:
    """What the training run shows, at one moment (views and tests read this, never the run's fields)."""

    step: int
    theta: np.ndarray  # (k, d+1)
    loss: float  # the objective descent minimises, at θ (NaN without training data)
    grad_norm: float
    test_loss: float  # L(θ|D_test) (NaN without a test set)
    population_loss: float  # L(θ|P) as the L(θ|P) surface has it (NaN without P, or while it is being valued)
    running: bool
    cursor: int | None  # stepped back to this entry of the main run (None: at the newest)
    runs: tuple[Run, ...]  # the racers, or () for a single run
    histories: tuple[Trajectory, ...]  # one per run (the main run first)
    objective: Objective | None  # L(θ|D_train) + λ/2‖W‖² (None without training samples)
    test_objective: Objective | None  # L(θ|D_test), without the penalty (None without a test set)
    points: Objective | None  # every sample's own loss, in the data's order (markers, hover, selection)
    generation: int  # the descent's number: a restart or new data makes a new one
    quality: Quality | None = None  # the accuracy or RMSE at θ (None without training samples)

    def shown_entries(self, run: int) -> int:
        """How many entries of run ``run``'s history are shown: all, or those up to the step stepped back to."""
        history = self.histories[run]
        return len(history) if self.cursor is None else history.upto_step(self.step) + 1


class TrainingRun(QObject):
    """The descent on ``document``'s scene and the thread of its worker."""

    progressed = Signal(bool, bool)  # (the costly views are due, the data view among them)
    stepped = Signal()  # moved along the recorded path (← and → after stepping back)
    runningChanged = Signal(bool)
    thetaMoved = Signal(bool)  # a report moved θ (running or not): surfaces that follow θ may be asked again
    message = Signal(str, int)  # text, milliseconds
    # to the worker, across threads
    trainingRequested = Signal(object)
    runningRequested = Signal(bool)
    stepRequested = Signal()
    stepsRequested = Signal(int)
    populationRequested = Signal(object)  # (generation, θ): L(θ|P) at a θ stepped back to
    speedRequested = Signal(float)
    reportDrawn = Signal()

    def __init__(self, scene: Scene, pacing: Pacing, parent: QObject | None = None):
        super().__init__(parent)
        self.pacing = pacing
        self.descents = Latest()  # numbers each descent: a restart or new data
        self.scene = scene  # the document's scene (the live run keeps it up to date)
        self.theta = scene.init.copy()
        self.step, self.loss, self.grad_norm, self.test_loss = 0, math.nan, math.nan, math.nan
        self.population_loss = math.nan
        self.quality: Quality | None = None
        self._population_key: tuple | None = None  # what L(θ|P) shown is of (P, model, loss, λ, φ)
        self.objective: Objective | None = None
        self.test_objective: Objective | None = None
        self.points: Objective | None = None
        self.runs: tuple[Run, ...] = ()
        self.histories = [History(self.theta.shape)]
        self.running = False
        self.cursor: int | None = None
        self.speed: float | None = None
        self.closing = False
        self._commands_sent = self._commands_answered = 0  # what the worker must answer, for ``idle``
        self._configured = self._worker_running = self._worker_started = False
        self._break_drag: int | None = None
        self._last_costly = 0.0
        self._drawn_theta = self.theta
        self.worker = TrainingWorker(pacing.busy)
        self.worker_thread = WorkerThread(self.worker, "lossviz-training")
        self.trainingRequested.connect(self.worker.configure)
        self.runningRequested.connect(self.worker.set_running)
        self.stepRequested.connect(self.worker.step_once)
        self.stepsRequested.connect(self.worker.step_many)
        self.populationRequested.connect(self.worker.value_population)
        self.speedRequested.connect(self.worker.set_speed)
        self.reportDrawn.connect(self.worker.acknowledge)
        pacing.wakeRequested.connect(self.worker.wake)
        self.worker.progress.connect(self._on_progress)
        self.worker.populationValued.connect(self._on_population_valued)

    def state(self) -> RunState:
        """The run as it is now (a frozen snapshot)."""
        return RunState(self.step, self.theta, self.loss, self.grad_norm, self.test_loss, self.population_loss,
                        self.running, self.cursor,
                        self.runs, tuple(history.trajectory for history in self.histories), self.objective,
                        self.test_objective, self.points, self.descents.newest, self.quality)

    def idle(self) -> bool:
        """Paused and every command to the worker answered."""
        return not self.running and self._commands_answered >= self._commands_sent

    def main_optimizer(self) -> OptimizerConfig:
        """The optimizer of the main run: the first racer's, or the scene's."""
        return self.runs[0].optimizer if self.runs else self.scene.optimizer

    # ------------------------------------------------------------------ following the document
    def take_objectives(self) -> None:
        """The scene's objectives: the training one descent minimises (None without training samples), the test
        one (None without a test set) and every point's loss (markers, hover, selection)."""
        scene = self.scene
        trains = scene.data.size > 0 and len(scene.design().train) > 0
        self.objective = scene.objective() if trains else None
        self.test_objective = scene.test_objective() if trains else None
        self.points = scene.points_objective() if trains else None

    def set_speed(self, speed: float) -> None:
        """Updates per second (0: as fast as possible), if it changed."""
        if speed != self.speed:
            self.speed = speed
            self.speedRequested.emit(speed)

    def restart(self) -> None:
        """Back to the start θ: clear the histories and start the worker over (running stays as it was)."""
        self.descents.next()
        self.cursor = None
        self.theta = self.scene.init.copy()
        self.step = 0
        self.runs = self.scene.runs
        self.histories = [History(self.theta.shape) for _ in range(max(len(self.runs), 1))]  # one per racer, or one
        self._worker_started = False  # the worker's descent is of the restart before (until it is told)
        self._drawn_theta = self.theta
        self.population_loss = math.nan  # valued by the worker as it starts (its first report)
        if self.objective is None:
            self.loss = self.grad_norm = self.test_loss = math.nan
            self.quality = None
            self.set_running(False)
            return
        self._evaluate()
        self._start_worker()

    def continue_on_new_data(self, previewing: bool, drag: int | None) -> None:
        """The data changed: training goes on from the current θ on the new data (``drag``: which drag the change
        belongs to, one break in the histories per drag; ``previewing``: a drag under way)."""
        self.descents.next()
        assert self.objective is not None
        if self.population_problem_key() != self._population_key:  # P (or φ) changed: L(θ|P) is valued anew
            self.population_loss = math.nan
        if self.cursor is not None:  # stepped back: the data change applies to the newest state
            self.show_entry(None)
        if self.theta.shape != self.scene.init.shape:
            self.restart()
            return
        if not previewing or self.objective.size <= PREVIEW_VALUED_SAMPLES:
            self._evaluate()  # of more samples, L and ‖∇L‖ follow a drag when it ends (one point moves L by ≤ l/N)
        if drag is None or drag != self._break_drag:  # each history begins a new stretch here; a drag is one edit
            self._break_drag = drag
            for history in self.histories:
                history.data_changed(self.step)
        if previewing and not self.running:
            return  # a paused descent learns of the new data once, when the drag ends
        if not self._worker_started:  # the first data since a restart without any: the descent starts here
            self._start_worker()
            return
        self._send(self.trainingRequested, self._request(reset=False))
        self._tell_worker_running()

    def _evaluate(self) -> None:
        """L, ‖∇L‖ and the test loss at the current θ on the current data (the views show them at once)."""
        assert self.objective is not None
        with np.errstate(all="ignore"):  # a loss that overflows shows as inf, not as warnings
            self.loss, grad = self.objective.value_and_grad(self.theta)
            self.grad_norm = norm(grad)
            test = self.test_objective
            self.test_loss = test.data_value(self.theta) if test is not None else math.nan
        self.quality = quality_at(self.objective, test, self.theta)
        self._drawn_theta = self.theta  # the views draw the data at this θ now

    def _start_worker(self) -> None:
        """The worker starts this descent over from θ (a fresh optimizer state, step 0)."""
        self._send(self.trainingRequested, self._request(reset=True))
        self._worker_started = True
        self._tell_worker_running()

    def population_problem(self) -> Problem | None:
        """L(θ|P) of the scene, as the L(θ|P) surface has it (None without P)."""
        scene = self.scene
        if scene.distribution is None:
            return None
        return Problem.population(scene.shape, scene.loss, scene.distribution, scene.design().features, scene.l2)

    def population_problem_key(self) -> tuple | None:
        """What the scene's L(θ|P) depends on (None without P)."""
        problem = self.population_problem()
        return None if problem is None else problem.population_key()

    def _request(self, reset: bool) -> TrainingRequest:
        assert self.objective is not None
        test = None if self.test_objective is None else Problem.of(self.test_objective)
        population = self.population_problem()
        self._population_key = None if population is None else population.population_key()
        return TrainingRequest(self.descents.newest, Problem.of(self.objective), self.theta.copy(),
                               self.main_optimizer(), self.scene.seed, reset=reset,
                               rivals=tuple(run.optimizer for run in self.runs[1:]), test=test, population=population)

    def _send(self, signal: SignalInstance, *args: object) -> None:
        """A command the worker answers with a report (counted, for ``idle``)."""
        if signal is self.trainingRequested:
            self._configured = True
        if self._configured:
            self._commands_sent += 1
        signal.emit(*args)

    # ------------------------------------------------------------------ running and stepping
    def set_running(self, running: bool) -> None:
        """Run or pause (running needs data); a run goes on from the newest state, also when stepped back."""
        running = running and self.objective is not None and not self.closing
        if running and self.cursor is not None:
            self.show_entry(None)
        changed = running != self.running
        if changed:  # the workers wait until the window has shown the new state (see pacing.py)
            self.pacing.hold_until_painted()
        self.running = running
        self._tell_worker_running()
        if changed:
            self.runningChanged.emit(running)

    def _tell_worker_running(self) -> None:
        """Tell the worker to run or pause, if it was last told otherwise (each telling costs a report)."""
        if self._configured and self.running != self._worker_running:
            self._worker_running = self.running
            self._send(self.runningRequested, self.running)

    def step_once(self) -> None:
        """→: forward along the recorded path when stepped back; else one update (pausing a run)."""
        if self.objective is None:
            return
        self.set_running(False)
        if self.cursor is not None:
            index = self.cursor + 1
            self.show_entry(None if index >= len(self.histories[0]) - 1 else index)
            return
        self._send(self.stepRequested)

    def step_many(self, count: int) -> None:
        """``count`` updates from where the run is (paused), in one go."""
        if self.objective is None or count <= 0:
            return
        self.set_running(False)
        if self.cursor is not None:
            self.show_entry(None)
        self._send(self.stepsRequested, count)

    def step_back(self) -> None:
        """←: one recorded entry back along the path (pausing a run), down to where the data last changed."""
        history = self.histories[0].trajectory
        if self.objective is None or len(history) < 2:
            return
        self.set_running(False)
        index = (self.cursor if self.cursor is not None else len(history) - 1) - 1
        if index >= history.current_stretch_start():
            self.show_entry(index)

    def show_entry(self, index: int | None) -> None:
        """Show recorded entry ``index`` of the main run as the current state (None: the newest, the live end)."""
        history = self.histories[0].trajectory
        self.cursor = index
        i = len(history) - 1 if index is None else index
        self.theta = history.thetas[i].copy()
        self.step, self.loss, self.grad_norm = int(history.steps[i]), float(history.losses[i]), float(history.grad_norms[i])
        if self.objective is not None:
            self.quality = quality_at(self.objective, self.test_objective, self.theta)
        self.population_loss = float(history.population_losses[i])
        if math.isnan(self.population_loss) and self.scene.distribution is not None:  # not valued on the way
            self._send(self.populationRequested, (self.descents.newest, self.theta.copy()))
        self.stepped.emit()

    # ------------------------------------------------------------------ reports
    def _on_progress(self, progress: Progress) -> None:
        self.pacing.busy.hold()  # the surface worker waits too until the report is drawn
        try:
            self._commands_answered = max(self._commands_answered, progress.answered)
            if self.descents.current(progress.generation) and not self.closing:
                self._take_progress(progress)
        finally:
            self.pacing.scheduler.queue(self._report_drawn)  # after the pieces the views queued meanwhile

    def _take_progress(self, progress: Progress) -> None:
        main = (progress.steps, progress.losses, progress.grad_norms, progress.thetas)
        for i, (history, entries) in enumerate(zip(self.histories, (main, *progress.rivals), strict=False)):
            history.extend(*entries, test_losses=progress.test_losses if i == 0 else None,
                           population_losses=progress.population_losses if i == 0 else None)
        if self.cursor is not None:  # stepped back: the newest entries are recorded, the view stays
            self.progressed.emit(True, False)
            return
        moved = not np.array_equal(progress.theta, self.theta)
        self.theta = progress.theta
        self.step, self.loss, self.grad_norm = progress.step, progress.loss, progress.grad_norm
        self.test_loss = progress.test_loss
        self.quality = progress.quality
        if progress.population_losses is None:
            self.population_loss = math.nan
        elif progress.population_valued:  # else (running, Monte Carlo) the last value stands until the next
            self.population_loss = progress.population_loss
            self.histories[0].value_population(self.theta, self.population_loss)  # a pause: the last entry's
        if progress.diverged:
            self.set_running(False)
            reason = scale_reason(self.scene.data.X) if self.scene.degree is None else None  # φ standardises
            advice = "" if reason is None else (f" Or standardise the features ({reason}): File → Import data with "
                                                "“Standardise”, or lossviz import --standardize.")
            self.message.emit(DIVERGED_MESSAGE + advice, ALERT_MS)
        now = time.perf_counter()
        costly = not progress.running or now - self._last_costly >= COSTLY_REDRAW_INTERVAL
        data = False
        if costly:  # the data view only if θ moved since it was last drawn (a paused report after an edit: no)
            self._last_costly = now
            data = not np.array_equal(self.theta, self._drawn_theta)
            self._drawn_theta = self.theta
        self.progressed.emit(costly, data)
        if moved:  # as the window runs, not as the report was made: a report made just before a pause moves θ
            self.thetaMoved.emit(self.running)  # after the pause's refinement, and the exact surface must follow it

    def _on_population_valued(self, answer: PopulationValue) -> None:
        """L(θ|P) at a θ stepped back to: shown if θ is still that one."""
        self._commands_answered = max(self._commands_answered, answer.answered)
        if self.descents.current(answer.generation) and not self.closing and np.array_equal(answer.theta, self.theta):
            self.population_loss = answer.value
            if self.cursor is not None:
                self.histories[0].value_population(self.theta, answer.value, self.cursor)
            self.progressed.emit(True, False)  # the status bar, and the curve with the entry's L(θ|P)

    def _report_drawn(self) -> None:
        self.reportDrawn.emit()  # the worker may step again and send the next report
        self.pacing.release()

    def stop(self) -> None:
        """Stop the worker and wait for its thread (the pacing's holds must be released first)."""
        self.closing = True
        self.running = False
        self.worker_thread.stop()

"""The live run: the descent on the document's scene, and the two workers that compute it.

``LiveRun`` holds θ, the step, L and ‖∇L‖, the history of every run (one, or the racers of
an optimizer race), the surface shown and how it was framed. It follows the document
(``follow``), sends frozen snapshots to the workers tagged with generations, and drops
what comes back stale. It draws nothing: it says that something changed (``progressed``,
``surfaceReady``, ``runningChanged``) and the views read it. See pacing.py for how the
workers keep out of the GUI thread's way.
"""

from __future__ import annotations

import json
import math
import time

import numpy as np
from PySide6.QtCore import QObject, Signal, SignalInstance

from lossviz.core.errors import LossvizError
from lossviz.core.experiment import Run, scene_runs, within_reach
from lossviz.core.objective import Objective
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.scene import Scene
from lossviz.gui.document import Change, Document
from lossviz.gui.history import History
from lossviz.gui.pacing import FrameScheduler, GuiBusy
from lossviz.gui.population_layer import PopulationLayer
from lossviz.gui.selection import Selection
from lossviz.gui.surface_worker import ESTIMATE_ROWS, SurfaceRequest, SurfaceResult, SurfaceWorker
from lossviz.gui.workers import Problem, Progress, TrainingRequest, TrainingWorker, WorkerThread

PREVIEW_STEPS = 2000  # at most this many steps of the preview descent that frames an automatic surface
COARSE_RESOLUTION = 40  # while a point is dragged
HELD_SURFACE_INTERVAL = 0.25  # s between surface refreshes while θ moves and parameters are held
COSTLY_REDRAW_INTERVAL = 0.125  # s between redraws of the data view and the loss curve while running
PATH_SAMPLES = 200  # visited θ's sent with a request to frame the surface


class LiveRun(QObject):
    """θ, step, L, ‖∇L‖ and histories of the descent on ``document``'s scene; owns both worker threads."""

    progressed = Signal(bool, bool)  # (the costly views are due, the data view among them)
    stepped = Signal()  # moved along the recorded path (← and → after stepping back)
    surfaceReady = Signal(object)  # a SurfaceResult of the current question (stale ones never come)
    selectionChanged = Signal()
    runningChanged = Signal(bool)
    message = Signal(str, int)  # text, milliseconds

    # to the workers, across threads
    trainingRequested = Signal(object)
    runningRequested = Signal(bool)
    stepRequested = Signal()
    speedRequested = Signal(float)
    surfaceRequested = Signal(object)
    reportDrawn = Signal()
    workersWakeRequested = Signal()

    def __init__(self, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.busy = GuiBusy()  # held while the GUI thread draws: the workers wait
        self.scheduler = FrameScheduler(self)
        self.objective: Objective | None = None
        self.theta = document.scene.init.copy()
        self.step, self.loss, self.grad_norm, self.test_loss = 0, math.nan, math.nan, math.nan
        self.test_objective: Objective | None = None  # L(θ|D_test), without the penalty
        self.points: Objective | None = None  # every sample's own loss, in the data's order
        self.runs: list[Run] = []  # the racers, or [] for a single run
        self.histories = [History(self.theta.shape)]  # one per run (the main run first)
        self.running = False
        self.cursor: int | None = None  # stepped back to this entry of the main history (None: the newest)
        self.speed: float | None = None
        self.closing = False
        # training: generation numbers restarts and data changes; commands count what the worker must answer
        self.generation = 0
        self._commands_sent = self._commands_answered = 0
        self._configured = False
        self._worker_running = False
        self._worker_started = False
        # surfaces: the question (generation), the data (data_version), each request (sequence)
        self.surface_generation = self.data_version = self.surface_sequence = 0
        self.shown_rank: tuple[int, bool] = (-1, True)  # (sequence, exact) of the surface shown: never an older one
        self.received_sequence = 0
        self.shown_surface: SurfaceResult | None = None
        self.surfaces_shown = 0
        self.surface_ranges: tuple[tuple[float, float], tuple[float, float]] | None = None
        self.reframe = True
        self._question: tuple | None = None
        self._latest_result: dict[str, SurfaceResult] = {}  # of each role
        self.selection = Selection()  # samples whose own loss the surface shows
        self.selection.changed.connect(self._on_selection_changed)
        self._following = False  # in follow(): it asks for the surface itself
        self._break_drag: int | None = None
        self._last_held_request = self._last_costly = 0.0
        self._drawn_theta = self.theta
        self._start_workers()
        self.population = PopulationLayer(self)  # L(θ|P)'s contours and the cloud of resampled minima

    def _start_workers(self) -> None:
        self.training = WorkerThread(TrainingWorker(self.busy), "lossviz-training")
        self.surfaces = WorkerThread(SurfaceWorker(self.busy), "lossviz-surface")
        worker = self.training.worker
        self.trainingRequested.connect(worker.configure)
        self.runningRequested.connect(worker.set_running)
        self.stepRequested.connect(worker.step_once)
        self.speedRequested.connect(worker.set_speed)
        self.reportDrawn.connect(worker.acknowledge)
        self.workersWakeRequested.connect(worker.wake)
        worker.progress.connect(self._on_progress)
        self.surfaceRequested.connect(self.surfaces.worker.request)
        self.surfaces.worker.ready.connect(self._on_surface)

    @property
    def scene(self) -> Scene:
        """The document's scene."""
        return self.document.scene

    # ------------------------------------------------------------------ following the document
    def follow(self, kind: Change) -> None:
        """Bring the run up to date with a change of the document (connect to ``Document.changed``)."""
        if self.closing:
            return
        if kind is not Change.DATA:  # a drag's data changes come 50 times a second: the surface must keep up
            self.hold_until_painted()
        self._following = True
        try:
            self._follow(kind)
        finally:
            self._following = False

    def _follow(self, kind: Change) -> None:
        if kind is Change.SCENE or not self.selection.valid_for(self.scene.data.size):
            self.selection.clear()  # the samples are gone (a selection outlives moves, not deletions)
        self.population.follow_scene()
        if kind is Change.VIEW:
            self._follow_speed()
            if self._new_question():  # shown: the data, P or both
                self.request_surface()
            return
        self._new_question(force=kind is Change.SCENE)
        if kind is Change.SURFACE:
            self.request_surface()
            return
        self._take_objectives()
        if kind is Change.DATA:
            self.data_version += 1
            if self.objective is None:  # no data, no descent: back to the start, as a fresh window shows it
                self.restart()
                return
            self._continue_on_new_data()
            self.request_surface(coarse=self.document.previewing)
            return
        if kind is Change.SCENE:  # as a fresh window shows it: paused, at its speed, framed anew
            self.set_running(False)
            self._follow_speed()
            self.surface_ranges = None
        self.restart()
        self.request_surface()

    def _follow_speed(self) -> None:
        speed = self.document.view_options().speed
        if speed != self.speed:
            self.speed = speed
            self.speedRequested.emit(speed)

    def _new_question(self, force: bool = False) -> bool:
        """A new surface question (task, loss, axes, ranges, resolution, what is shown, P, the selection): the
        surface shown is dropped, work on the old one stops, and a new framing is chosen when the picture
        changes. True if the question is new."""
        scene = self.scene
        shows = self.surface_shows()
        # what the picture is of: another model, loss or axes, or the first data, are framed anew
        picture = (scene.task, scene.dims, scene.classes, scene.loss, scene.surface_axes, scene.degree,
                   scene.data.size > 0)
        question = (picture, scene.surface.x_range, scene.surface.y_range, scene.surface.resolution,
                    self.surface_of(), self._population_key(), self.selection.indices if shows == "samples" else (),
                    scene.l2, scene.split)
        if question == self._question and not force:
            return False
        if force or self._question is None or picture != self._question[0]:
            self.reframe = True
        self._question = question
        self.surface_generation += 1
        self.received_sequence = self.surface_sequence  # requests of the old question are never taken
        self.shown_surface = None
        self.population.forget_overlay()
        self.surfaces.worker.supersede(self.surface_generation)
        return True

    def surface_of(self) -> str:
        """What the surface shows: "data", "population" or "both" (the view option; "data" without a P)."""
        return self.document.view_options().surface_of if self.scene.distribution is not None else "data"

    def surface_shows(self) -> str:
        """The heat map's quantity: "samples" (the selected samples' own loss), "population" or "data"."""
        if self.selection:
            return "samples"
        return "population" if self.surface_of() == "population" else "data"

    def _population_key(self) -> str:
        """P's family and parameters, where L(θ|P) is shown (N and the seed do not change it)."""
        dist = self.scene.distribution
        if dist is None or self.surface_of() == "data":
            return ""
        return json.dumps([dist.name, dist.params], sort_keys=True)

    # ------------------------------------------------------------------ training
    def race_runs(self) -> list[Run]:
        """The racers of the scene's optimizer race (its "runs" key), or [] for a single run."""
        if "runs" not in self.scene.extra:
            return []
        try:
            return scene_runs(self.scene)
        except LossvizError:
            return []

    def restart(self) -> None:
        """Back to the start θ: clear the histories and start the worker over (running stays as it was)."""
        self.generation += 1
        scene = self.scene
        self.cursor = None
        self.theta = scene.init.copy()
        self.step = 0
        self.runs = self.race_runs()
        self.histories = [History(self.theta.shape) for _ in range(max(len(self.runs), 1))]  # one per racer, or one
        self._worker_started = False  # the worker's descent is of the restart before (until it is told)
        self._drawn_theta = self.theta
        if self.objective is None:
            self.loss = self.grad_norm = self.test_loss = math.nan
            self.set_running(False)
            return
        self._evaluate()
        self._start_worker()

    def _take_objectives(self) -> None:
        """The scene's objectives: the training one descent minimises (None without training samples), the test
        one (None without a test set) and every point's loss (markers, hover, selection)."""
        scene = self.scene
        trains = scene.data.size > 0 and len(scene.design().train) > 0
        self.objective = scene.objective() if trains else None
        self.test_objective = scene.test_objective() if trains else None
        self.points = scene.points_objective() if trains else None

    def _evaluate(self) -> None:
        """L, ‖∇L‖ and the test loss at the current θ on the current data (the views show them at once)."""
        assert self.objective is not None
        self.loss, grad = self.objective.value_and_grad(self.theta)
        self.grad_norm = math.sqrt(float(np.vdot(grad, grad)))
        test = self.test_objective
        self.test_loss = test.data_value(self.theta) if test is not None else math.nan
        self._drawn_theta = self.theta  # the views draw the data at this θ now

    def main_optimizer(self) -> OptimizerConfig:
        """The optimizer of the main run: the first racer's, or the scene's."""
        return self.runs[0].optimizer if self.runs else self.scene.optimizer

    def _start_worker(self) -> None:
        """The worker starts this descent over from θ (a fresh optimizer state, step 0)."""
        self._send(self.trainingRequested, self._training_request(reset=True))
        self._worker_started = True
        self._tell_worker_running()

    def reset(self) -> None:
        """Run → Reset: back to the start θ, and an automatic surface framed anew around it."""
        self.restart()
        self.reframe = True
        self.request_surface()

    def _training_request(self, reset: bool) -> TrainingRequest:
        scene = self.scene
        assert self.objective is not None
        test = None if self.test_objective is None else Problem.of(self.test_objective)
        return TrainingRequest(self.generation, Problem.of(self.objective), self.theta.copy(), self.main_optimizer(),
                               scene.seed, reset=reset, rivals=tuple(run.optimizer for run in self.runs[1:]), test=test)

    def _send(self, signal: SignalInstance, *args: object) -> None:
        """A command the training worker answers with a report (counted, for ``idle``)."""
        if signal is self.trainingRequested:
            self._configured = True
        if self._configured:
            self._commands_sent += 1
        signal.emit(*args)

    def _continue_on_new_data(self) -> None:
        """The data changed: training goes on from the current θ on the new data."""
        self.generation += 1
        assert self.objective is not None
        if self.cursor is not None:  # stepped back: the data change applies to the newest state
            self._show_entry(None)
        if self.theta.shape != self.scene.init.shape:
            self.restart()
            return
        self._evaluate()
        self._break_histories()
        if self.document.previewing and not self.running:
            return  # a paused descent learns of the new data once, when the drag ends
        if not self._worker_started:  # the first data since a restart without any: the descent starts here
            self._start_worker()
            return
        self._send(self.trainingRequested, self._training_request(reset=False))
        self._tell_worker_running()

    def _break_histories(self) -> None:
        """Each history begins a new stretch here; a drag is one edit (one break)."""
        drag = self.document.drag
        if drag is not None and drag == self._break_drag:
            return
        self._break_drag = drag
        for history in self.histories:
            history.data_changed(self.step)

    def set_running(self, running: bool) -> None:
        """Run or pause (running needs data); a run goes on from the newest state, also when stepped back."""
        running = running and self.objective is not None and not self.closing
        if running and self.cursor is not None:
            self._show_entry(None)
        changed = running != self.running
        if changed:  # the workers wait until the window has shown the new state (see pacing.py)
            self.hold_until_painted()
        self.running = running
        self._tell_worker_running()
        if changed:
            self.runningChanged.emit(running)
        shown = self.shown_surface
        if not running and shown is not None and shown.estimate is not None and not shown.request.refine:
            self.request_surface()  # paused: the estimates shown while running are refined to the exact surface

    def _tell_worker_running(self) -> None:
        """Tell the training worker to run or pause, if it was last told otherwise (each telling costs a report)."""
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
            self._show_entry(None if index >= len(self.histories[0]) - 1 else index)
            return
        self._send(self.stepRequested)

    def step_back(self) -> None:
        """←: one recorded entry back along the path (pausing a run), down to where the data last changed."""
        history = self.histories[0]
        if self.objective is None or len(history) < 2:
            return
        self.set_running(False)
        index = (self.cursor if self.cursor is not None else len(history) - 1) - 1
        if index >= history.current_stretch_start():
            self._show_entry(index)

    def _show_entry(self, index: int | None) -> None:
        """Show recorded entry ``index`` of the main run as the current state (None: the newest, the live end)."""
        history = self.histories[0]
        self.cursor = index
        i = len(history) - 1 if index is None else index
        self.theta = history.thetas[i].copy()
        self.step, self.loss, self.grad_norm = int(history.steps[i]), float(history.losses[i]), float(history.grad_norms[i])
        self.stepped.emit()
        if self.held_parameters():
            self.request_surface()

    def shown_entries(self, run: int) -> int:
        """How many entries of run ``run``'s history are shown: all, or those up to the step stepped back to."""
        history = self.histories[run]
        return len(history) if self.cursor is None else history.upto_step(self.step) + 1

    def _on_progress(self, progress: Progress) -> None:
        self.busy.hold()  # the surface worker waits too until the report is drawn
        try:
            self._commands_answered = max(self._commands_answered, progress.answered)
            if progress.generation == self.generation and not self.closing:
                self._take_progress(progress)
        finally:
            self.scheduler.queue(self._report_drawn)  # after the pieces the views queued meanwhile

    def _take_progress(self, progress: Progress) -> None:
        main = (progress.steps, progress.losses, progress.grad_norms, progress.thetas)
        for i, (history, entries) in enumerate(zip(self.histories, (main, *progress.rivals), strict=False)):
            history.extend(*entries, test_losses=progress.test_losses if i == 0 else None)
        if self.cursor is not None:  # stepped back: the newest entries are recorded, the view stays
            self.progressed.emit(True, False)
            return
        moved = not np.array_equal(progress.theta, self.theta)
        self.theta = progress.theta
        self.step, self.loss, self.grad_norm = progress.step, progress.loss, progress.grad_norm
        self.test_loss = progress.test_loss
        if progress.diverged:
            self.set_running(False)
            self.message.emit("Diverged: the next step made the loss non-finite. Paused at the last finite θ; "
                              "lower the learning rate and press Reset.", 15000)
        now = time.perf_counter()
        costly = not progress.running or now - self._last_costly >= COSTLY_REDRAW_INTERVAL
        data = False
        if costly:  # the data view only if θ moved since it was last drawn (a paused report after an edit: no)
            self._last_costly = now
            data = not np.array_equal(self.theta, self._drawn_theta)
            self._drawn_theta = self.theta
        self.progressed.emit(costly, data)
        if moved:
            self._follow_theta(progress.running)

    def _report_drawn(self) -> None:
        self.reportDrawn.emit()  # the training worker may step again and send the next report
        self._release()

    def hold_until_painted(self) -> None:
        """The workers wait while the GUI thread draws and paints what just changed (see pacing.py)."""
        self.busy.hold()
        self.scheduler.queue(self._release)

    def _release(self) -> None:
        """End a hold; the last one wakes the workers."""
        if self.busy.release():
            self.workersWakeRequested.emit()

    # ------------------------------------------------------------------ surfaces
    def request_surface(self, coarse: bool = False, refine: bool = True) -> None:
        """Ask for the surface at the current θ (coarse while a point is dragged; an estimate only, for many samples,
        unless ``refine``)."""
        if self.objective is None or self.closing:
            return
        scene = self.scene
        x_param, y_param = scene.surface_axes
        config = scene.surface
        ranges: tuple[tuple[float, float] | None, tuple[float, float] | None]  # None: frame that axis
        if config.fixed:
            ranges = (config.x_range, config.y_range)
        elif self.reframe or self.surface_ranges is None:
            ranges = (None, None)
        else:
            ranges = self.surface_ranges
        assert self.objective is not None
        shows, data = self.surface_shows(), Problem.of(self.objective)
        problem = self._shown_problem(shows, data)
        if shows == "population":
            self.population.say_computing(problem)
        sequence = self.next_surface_sequence()
        self.surfaces.worker.supersede_request("main", sequence)
        self.surfaceRequested.emit(SurfaceRequest(
            generation=self.surface_generation, sequence=sequence, data_version=self.data_version,
            problem=problem, x_param=x_param, y_param=y_param, x_range=ranges[0], y_range=ranges[1],
            resolution=min(config.resolution, COARSE_RESOLUTION) if coarse else config.resolution,
            center=self.theta.copy(), start=scene.init.copy(), optimizer=self.main_optimizer(),
            preview_steps=min(scene.steps, PREVIEW_STEPS), seed=scene.seed, coarse=coarse, path=self._visited(),
            shows=shows, frame_with=None if shows == "data" else data, refine=refine))

    def _shown_problem(self, shows: str, data: Problem) -> Problem:
        """The loss the heat map shows: L(θ|D), L(θ|P), or the mean loss of the selected samples."""
        scene = self.scene
        if shows == "population" and scene.distribution is not None:
            return Problem.population(scene.shape, scene.loss, scene.distribution, scene.design().features, scene.l2)
        if shows == "samples" and self.points is not None:
            rows = np.asarray(self.selection.indices, dtype=np.int64)
            return Problem(scene.shape, scene.loss, self.points.data.X[rows], self.points.data.y[rows])
        return data

    def next_surface_sequence(self) -> int:
        """A number for the next surface request (later requests, larger numbers)."""
        self.surface_sequence += 1
        return self.surface_sequence

    def _visited(self) -> np.ndarray:
        """Up to PATH_SAMPLES θ's of every run so far, to keep in the frame."""
        parts = [h.thetas[::max(1, len(h) * len(self.histories) // PATH_SAMPLES)] for h in self.histories]
        return np.concatenate(parts).copy()

    def reframe_surface(self) -> None:
        """View → Frame surface (and after new data): choose the automatic range anew."""
        self.reframe = True
        self.request_surface()

    def _on_surface(self, result: SurfaceResult) -> None:
        """A surface from the worker: taken in its turn (see pacing.py), the workers waiting meanwhile."""
        self._latest_result[result.request.role] = result
        self.busy.hold()
        self.scheduler.queue(lambda: self._take_surface(result), self._release, at_once=True)

    def _take_surface(self, result: SurfaceResult) -> None:
        request = result.request
        if result.final:
            self.received_sequence = max(self.received_sequence, request.sequence)
        if result is not self._latest_result.get(request.role) or self.closing:
            return  # a newer one is on its way
        if request.role == "population":
            self.population.take_overlay(result)
            return
        rank = (request.sequence, result.estimate is None)  # an estimate before the exact surface, never after
        if request.generation != self.surface_generation or rank <= self.shown_rank:
            return  # another question, or older than the one shown
        if request.framing and request.data_version != self.data_version:
            return  # framed for data that is gone
        self.shown_rank = rank
        if request.framing:
            self.reframe = False
            self.surface_ranges = (result.spec.x_range, result.spec.y_range)
        self.shown_surface = result
        self.surfaces_shown += 1
        self.surfaceReady.emit(result)
        self.population.follow_main(result)

    def _follow_theta(self, running: bool) -> None:
        """θ moved: re-frame if it walked off an automatic surface; refresh a surface whose held parameters
        follow θ, a few times a second."""
        # running over many samples: coarse estimates (exact ones would be outrun, and would slow the run)
        many = running and self.objective is not None and self.objective.size > ESTIMATE_ROWS
        if self._left_the_surface():
            self.reframe = True
            self.request_surface(coarse=many, refine=not running)
        elif self.held_parameters():
            now = time.perf_counter()
            if now - self._last_held_request >= HELD_SURFACE_INTERVAL or not running:
                self._last_held_request = now
                self.request_surface(coarse=many, refine=not running)

    def _left_the_surface(self) -> bool:
        config = self.scene.surface
        if config.fixed or self.surface_ranges is None or self.reframe:
            return False
        if self.objective is None or not within_reach(self.objective, self.scene.init, self.theta[None])[0]:
            return False  # diverging: a frame around it would show nothing useful (see frame_ranges)
        (x0, x1), (y0, y1) = self.surface_ranges
        x, y = self.axis_values(self.theta[None])[0]
        return not (x0 <= x <= x1 and y0 <= y <= y1)

    # ------------------------------------------------------------------ selected samples
    def _on_selection_changed(self) -> None:
        self.selectionChanged.emit()
        if not self._following and self._new_question():
            self.request_surface()

    # ------------------------------------------------------------------ reading
    def axis_values(self, thetas: np.ndarray) -> np.ndarray:
        """The surface's two parameters of each θ: (M, 2) from (M, k, d+1)."""
        shape = self.scene.shape
        (xi, xj), (yi, yj) = (shape.param_index(name) for name in self.scene.surface_axes)
        if not len(thetas):
            return np.empty((0, 2))
        return np.column_stack([thetas[:, xi, xj], thetas[:, yi, yj]])

    def theta_at(self, x: float, y: float) -> np.ndarray:
        """θ with the surface's two parameters set to (x, y), the others at the current θ."""
        shape = self.scene.shape
        theta = self.theta.copy()
        x_param, y_param = self.scene.surface_axes
        theta[shape.param_index(x_param)] = x
        theta[shape.param_index(y_param)] = y
        return theta

    def held_values(self, theta: np.ndarray) -> list[float]:
        """The values of the held parameters (off the surface's axes) in ``theta``."""
        shape = self.scene.shape
        return [float(theta[shape.param_index(name)]) for name in self.held_parameters()]

    def held_parameters(self) -> list[str]:
        """The parameters off the surface's axes (held at the current θ)."""
        axes = self.scene.surface_axes
        return [name for name in self.scene.shape.param_names() if name not in axes]

    def surface_idle(self) -> bool:
        """True once the newest surface requested has come back and been taken (or dropped)."""
        return self.received_sequence >= self.surface_sequence

    def idle(self) -> bool:
        """Nothing under way (for tests and scripts): paused, every command to the training worker
        answered, the newest surface back, no GUI piece waiting, no hold on the workers."""
        return (not self.running and self._commands_answered >= self._commands_sent and self.surface_idle()
                and self.scheduler.idle() and self.busy.remaining() == 0)

    def stop(self) -> None:
        """Stop both workers (cancelling long work) and wait for their threads (idempotent)."""
        if self.closing:
            return
        self.closing = True
        self.running = False
        self.scheduler.clear()
        self.busy.release_all()  # a worker waiting for the GUI to finish drawing goes on, and ends
        self.training.stop()
        self.surfaces.stop()

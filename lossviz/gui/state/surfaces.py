"""The surfaces the window shows: which question is asked (task, loss, axes, ranges, what the heat map shows, the
selection), how the automatic range is framed, the requests to the surface worker and the results taken from it.

A question is numbered by the worker's ``questions`` (latest.py), each request by its role's ``requests``; a result
is taken only for the current question, never older than the one shown (an estimate before its exact surface,
never after), and, when it framed the range, only for the data it was framed on (``data_version``).
"""

from __future__ import annotations

import json
import time

import numpy as np
from PySide6.QtCore import QObject, Signal

from lossviz.core.experiment import within_reach
from lossviz.core.plane import AxisPlane
from lossviz.core.planes import DirectionPlane
from lossviz.core.population import POPULATION_DRAWS, closed_form
from lossviz.core.problem import Problem
from lossviz.core.scene import Scene
from lossviz.gui.messages import HINT_MS, WARNING_MS
from lossviz.gui.state.document import Document
from lossviz.gui.state.selection import Selection
from lossviz.gui.state.training import TrainingRun
from lossviz.gui.workers.pacing import Pacing
from lossviz.gui.workers.surface import ESTIMATE_ROWS, ROLES, SurfaceRequest, SurfaceResult, SurfaceWorker
from lossviz.gui.workers.thread import WorkerThread

PREVIEW_STEPS = 2000  # at most this many steps of the preview descent that frames an automatic surface
COARSE_RESOLUTION = 40  # while a point is dragged
HELD_SURFACE_INTERVAL = 0.25  # s between surface refreshes while θ moves and parameters are held
PATH_SAMPLES = 200  # visited θ's sent with a request to frame the surface
Ranges = tuple[tuple[float, float], tuple[float, float]]


class SurfaceService(QObject):
    """The surface questions of ``document``'s scene at ``training``'s θ, and the surface worker's thread."""

    surfaceReady = Signal(object)  # a SurfaceResult of the current question, shown (stale ones never come)
    overlayReady = Signal(object)  # a SurfaceResult of the "population" role, in its turn
    questionChanged = Signal()  # what was shown is of an old question
    planeRefused = Signal()  # the current question's plane cannot be made: no surface will come
    message = Signal(str, int)
    surfaceRequested = Signal(object)  # to the worker

    def __init__(self, document: Document, training: TrainingRun, selection: Selection, pacing: Pacing,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.document, self.training, self.selection, self.pacing = document, training, selection, pacing
        self.worker = SurfaceWorker(pacing.busy)
        self.worker_thread = WorkerThread(self.worker, "lossviz-surface")
        self.surfaceRequested.connect(self.worker.request)
        self.worker.ready.connect(self._on_surface)
        self.worker.refused.connect(self._on_refused)
        self.direction: DirectionPlane | None = None  # the plane through θ-space of the surface shown, if any
        self.data_version = 0  # numbers the data: a range framed for older data is not taken
        self.shown: SurfaceResult | None = None
        self.shown_count = 0
        self.ranges: Ranges | None = None  # the automatic range in use (None: frame anew)
        self.reframe = True
        self.closing = False
        self._shown_rank: tuple[int, bool, int] = (-1, True, 0)  # (request, exact, resolution) shown: never older
        self._received = dict.fromkeys(ROLES, 0)  # the newest request of each role that came back
        self._question: tuple | None = None
        self._latest_result: dict[str, SurfaceResult] = {}  # of each role
        self._last_held_request = 0.0

    @property
    def scene(self) -> Scene:
        """The document's scene."""
        return self.document.scene

    def plane(self) -> AxisPlane | DirectionPlane:
        """The plane of the surface: its two parameters, the others held at the current θ; or the scene's plane
        through θ-space, once the worker has built it from the scene's fit (until then, the two parameters')."""
        scene, direction = self.scene, self.direction
        if (scene.surface.plane == "coords" or direction is None or direction.kind != scene.surface.plane
                or direction.shape != scene.shape):
            return AxisPlane.of(scene)
        return direction

    def axis_names(self) -> tuple[str, str]:
        """What the surface's axes are: two parameters ("W[0,0]", "b[0]"), or the plane's directions, named short
        enough for the window's narrow view ("PC1 (99 %)"; exports and ``render`` name them whole)."""
        plane = self.plane()
        return (plane.x_param, plane.y_param) if isinstance(plane, AxisPlane) else plane.short_labels()

    def surface_of(self) -> str:
        """What the surface shows: "data", "population" or "both" (the view option; "data" without a P)."""
        return self.scene.view.surface_of if self.scene.distribution is not None else "data"

    def shows(self) -> str:
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

    def idle(self) -> bool:
        """True once the newest surface requested of each role has come back and been taken (or dropped)."""
        return all(self._received[role] >= self.worker.requests[role].newest for role in ROLES)

    def waiting(self) -> list[str]:
        """The roles whose newest request has not come back, with its number and the newest received."""
        return [f"{role} {self.worker.requests[role].newest} (back: {self._received[role]})" for role in ROLES
                if self._received[role] < self.worker.requests[role].newest]

    def next_request(self, role: str) -> int:
        """A number for the next request of ``role``: one of its role under way stops at its next chunk."""
        return self.worker.requests[role].next()

    @property
    def question(self) -> int:
        """The number of the current question."""
        return self.worker.questions.newest

    # ------------------------------------------------------------------ questions
    def new_question(self, force: bool = False) -> bool:
        """A new surface question (task, loss, axes, ranges, resolution, what is shown, P, the selection): the
        surface shown is dropped, work on the old one stops, and a new framing is chosen when the picture
        changes or a fixed range becomes automatic (as a fresh window frames it). True if the question is new."""
        scene = self.scene
        shows = self.shows()
        # what the picture is of: another model, loss or axes, or the first data, are framed anew
        picture = (scene.task, scene.dims, scene.classes, scene.loss, scene.surface_axes, scene.degree,
                   scene.data.size > 0, scene.surface.plane, scene.surface.seed)
        question = (picture, scene.surface.x_range, scene.surface.y_range, scene.surface.resolution,
                    self.surface_of(), self._population_key(), self.selection.indices if shows == "samples" else (),
                    scene.l2, scene.split)
        if question == self._question and not force:
            return False
        unfixed = self._question is not None and None not in self._question[1:3] and not scene.surface.fixed
        if force or self._question is None or picture != self._question[0] or unfixed:  # back to automatic: framed
            self.reframe = True
            self.ranges = None  # the old picture's range is not this one's (a fresh window has none either)
            self.direction = None  # nor its plane through θ-space
        self._question = question
        self.worker.questions.next()
        self._received = {role: self.worker.requests[role].newest for role in ROLES}  # old requests: never taken
        self.shown = None
        self.questionChanged.emit()
        return True

    def data_changed(self) -> None:
        """New data: a range framed for the old data is not taken."""
        self.data_version += 1

    # ------------------------------------------------------------------ requests
    def request(self, coarse: bool = False, refine: bool = True) -> None:
        """Ask for the surface at the current θ (coarse while a point is dragged; an estimate only, for many samples,
        unless ``refine``)."""
        training = self.training
        if training.objective is None or self.closing:
            return
        scene = self.scene
        x_param, y_param = scene.surface_axes
        config = scene.surface
        ranges: tuple[tuple[float, float] | None, tuple[float, float] | None]  # None: frame that axis
        if config.fixed:
            ranges = (config.x_range, config.y_range)
        elif self.reframe or self.ranges is None:
            ranges = (None, None)
        else:
            ranges = self.ranges
        shows, data = self.shows(), Problem.of(training.objective)
        problem = self._shown_problem(shows, data)
        if shows == "population":
            self.say_computing(problem)
        if config.plane != "coords":  # the scene's plane through θ-space, built by the worker from the scene's fit
            self.surfaceRequested.emit(SurfaceRequest(
                generation=self.question, sequence=self.next_request("main"), data_version=self.data_version,
                problem=problem, x_param="alpha", y_param="beta", x_range=None, y_range=None,
                resolution=min(config.resolution, COARSE_RESOLUTION) if coarse else config.resolution,
                center=training.theta.copy(), start=scene.init.copy(), coarse=coarse, shows=shows,
                plane=config.plane, fit_scene=scene))
            return
        self.surfaceRequested.emit(SurfaceRequest(
            generation=self.question, sequence=self.next_request("main"), data_version=self.data_version,
            problem=problem, x_param=x_param, y_param=y_param, x_range=ranges[0], y_range=ranges[1],
            resolution=min(config.resolution, COARSE_RESOLUTION) if coarse else config.resolution,
            center=training.theta.copy(), start=scene.init.copy(), optimizer=training.main_optimizer(),
            preview_steps=min(scene.steps, PREVIEW_STEPS), seed=scene.seed, coarse=coarse, path=self._visited(),
            shows=shows, frame_with=None if shows == "data" else data, refine=refine))

    def _shown_problem(self, shows: str, data: Problem) -> Problem:
        """The loss the heat map shows: L(θ|D), L(θ|P), or the mean loss of the selected samples."""
        points = self.training.points
        population = self.training.population_problem() if shows == "population" else None
        if population is not None:
            return population
        if shows == "samples" and points is not None:
            return Problem.rows(points, np.asarray(self.selection.indices, dtype=np.int64))
        return data

    def say_computing(self, problem: Problem) -> None:
        """A status message while a Monte-Carlo L(θ|P) is computed (an exact one is at once)."""
        if problem.distribution is not None and not closed_form(problem.distribution, problem.loss):
            self.message.emit(f"Computing L(θ|P) as a mean over {POPULATION_DRAWS:,} draws from P…", HINT_MS)

    def _visited(self) -> np.ndarray:
        """Up to PATH_SAMPLES θ's of every run so far, to keep in the frame."""
        histories = [history.trajectory for history in self.training.histories]
        parts = [h.thetas[::max(1, len(h) * len(histories) // PATH_SAMPLES)] for h in histories]
        return np.concatenate(parts).copy()

    def reframe_surface(self) -> None:
        """View → Frame surface (and after new data): choose the automatic range anew."""
        self.reframe = True
        self.request()

    def refine_estimate(self) -> None:
        """Paused: an estimate shown while running (never refined then) is refined to the exact surface."""
        shown = self.shown
        if shown is not None and shown.estimate is not None and not shown.request.refine:
            self.request()

    # ------------------------------------------------------------------ results
    def _on_surface(self, result: SurfaceResult) -> None:
        """A surface from the worker: taken in its turn (see pacing.py), the workers waiting meanwhile."""
        self._latest_result[result.request.role] = result
        self.pacing.busy.hold()
        self.pacing.scheduler.queue(lambda: self._take_surface(result), self.pacing.release, at_once=True)

    def _take_surface(self, result: SurfaceResult) -> None:
        request = result.request
        if result.final:
            self._received[request.role] = max(self._received[request.role], request.sequence)
        if result is not self._latest_result.get(request.role) or self.closing:
            return  # a newer one is on its way
        if request.role == "population":
            self.overlayReady.emit(result)
            return
        if result.plane is not None and self.worker.questions.current(request.generation):
            self.direction = result.plane
        # a preview before its estimate before the exact surface, never after
        rank = (request.sequence, result.estimate is None, result.spec.resolution)
        if not self.worker.questions.current(request.generation) or rank <= self._shown_rank:
            return  # another question, or older than the one shown
        if request.framing and request.data_version != self.data_version:
            return  # framed for data that is gone
        self._shown_rank = rank
        if request.framing:
            self.reframe = False
            self.ranges = (result.spec.x_range, result.spec.y_range)
        self.shown = result
        self.shown_count += 1
        self.surfaceReady.emit(result)

    def _on_refused(self, request: SurfaceRequest, reason: str) -> None:
        """The scene's fit cannot give its plane (a pca plane of a path of fewer than 3 points): said, nothing shown."""
        self._received[request.role] = max(self._received[request.role], request.sequence)
        if self.worker.questions.current(request.generation) and not self.closing:
            why = reason.split(": ", 1)[-1] if reason.startswith("--plane") else reason  # the CLI's option is not here
            self.message.emit(f"No {request.plane} plane for this scene's fit: {why}", WARNING_MS)
            self.planeRefused.emit()

    # ------------------------------------------------------------------ following θ
    def follow_theta(self, running: bool) -> None:
        """θ moved: re-frame if it walked off an automatic surface; refresh a surface whose held parameters
        follow θ, a few times a second."""
        objective = self.training.objective
        if self.scene.surface.plane != "coords":
            return  # a plane through θ-space stays as the scene's fit made it: the path is drawn projected on it
        # running over many samples: coarse estimates (exact ones would be outrun, and would slow the run)
        many = running and objective is not None and objective.size > ESTIMATE_ROWS
        if self._left_the_surface():
            self.reframe = True
            self.request(coarse=many, refine=not running)
        elif self.plane().held():
            now = time.perf_counter()
            if now - self._last_held_request >= HELD_SURFACE_INTERVAL or not running:
                self._last_held_request = now
                self.request(coarse=many, refine=not running)

    def _left_the_surface(self) -> bool:
        theta, objective = self.training.theta, self.training.objective
        if self.scene.surface.fixed or self.ranges is None or self.reframe:
            return False
        if objective is None or not within_reach(objective, self.scene.init, theta[None])[0]:
            return False  # diverging: a frame around it would show nothing useful (see frame_ranges)
        (x0, x1), (y0, y1) = self.ranges
        x, y = self.plane().point(theta)
        return not (x0 <= x <= x1 and y0 <= y <= y1)

    def stop(self) -> None:
        """Stop the worker (cancelling long work) and wait for its thread."""
        self.closing = True
        self.worker_thread.stop()

"""The surface worker: loss surfaces (and the cloud of resampled minima) off the GUI thread.

Requests are frozen snapshots numbered by the worker's ``Latest``s (latest.py): ``questions`` (what is asked: loss,
axes, ranges, scene), ``requests`` (each request of a role) and ``resamples``. The latest request of each role wins,
older pending ones are skipped, and work is cancelled between chunks when the window closes or asks another
question. How the worker keeps out of the GUI thread's way is in pacing.py.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace

import numpy as np
from PySide6.QtCore import QTimer, Signal, Slot

from lossviz.core.distributions import Distribution
from lossviz.core.errors import Cancelled, LossvizError
from lossviz.core.experiment import frame_ranges, scene_plane
from lossviz.core.features import FeatureMap
from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.planes import DirectionPlane, plane_losses, plane_ranges
from lossviz.core.population import minimum_of, population_objective, resample_minima
from lossviz.core.problem import Problem
from lossviz.core.scene import Scene
from lossviz.core.surface import Surface, SurfaceSpec, loss_surface
from lossviz.core.training import fit
from lossviz.gui.workers.latest import Latest
from lossviz.gui.workers.pacing import GuiBusy
from lossviz.gui.workers.thread import BackgroundWorker

SURFACE_CHUNK_ELEMENTS = 1 << 18  # logits per chunk of a surface: a few ms of work between looks at GuiBusy
DATA_OBJECTIVES_KEPT = 2  # the data's, and the selected samples' or the framing's
ESTIMATE_ROWS = 1024  # a surface over more samples (not L2) is first estimated from a random subsample ...
ESTIMATE_LOGITS = 1536  # ... of at most this many rows and logits per grid point: 1,024 samples of one output, 512 of 3
PREVIEW_RESOLUTION = 64  # a newly framed surface over many samples is first shown from the subsample at this grid
PREVIEW_LOGITS = 1 << 23  # ... and one over fewer, from all of them, if its grid needs more logits than this
FRAME_ROWS = 256  # the preview descent that frames an automatic range walks at most this many samples
ROLES = ("main", "population")  # the heat map, and L(θ|P)'s contours over it


@dataclass(frozen=True)
class SurfaceRequest:
    """A surface to compute. ``generation`` numbers the question (loss, axes, ranges, scene), ``data_version``
    the dataset, ``sequence`` the request; ranges None mean: frame the start, a preview descent
    (``preview_steps`` of ``optimizer``), the ``path`` so far and, for L2, the minimum."""

    generation: int
    sequence: int
    data_version: int
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
    seed: int = 0
    coarse: bool = False
    path: np.ndarray | None = None  # θ's visited so far, to keep in the frame
    role: str = "main"  # "main": the heat map; "population": L(θ|P)'s contours over it
    shows: str = "data"  # the heat map's quantity: "data" L(θ|D), "population" L(θ|P), "samples" the selected l's
    frame_with: Problem | None = None  # the loss an automatic range frames (None: ``problem``'s)
    refine: bool = True  # after an estimate from a subsample (many samples), the exact surface too
    plane: str = "coords"  # another plane through θ-space (core.planes): built from ``fit_scene``'s fit ...
    fit_scene: Scene | None = None
    direction: DirectionPlane | None = None  # ... or this plane, given (L(θ|P) over the main surface's plane)

    @property
    def framing(self) -> bool:
        """True when the worker chooses the ranges (automatic range, to be framed anew)."""
        return self.x_range is None or self.y_range is None


@dataclass(frozen=True)
class SurfaceEstimate:
    """A surface computed from ``rows`` of the ``total`` samples (a simple random sample): at the grid's center θ the
    estimate is ``value`` with standard error ``error``."""

    rows: int
    total: int
    value: float
    error: float

    def text(self) -> str:
        """"from 2,048 of 100,000 samples, ± 0.8 %" (the standard error, relative to the value at θ)."""
        relative = self.error / abs(self.value) if self.value else float("inf")
        return f"from {self.rows:,} of {self.total:,} samples, ± {100 * relative:.2g} %"


@dataclass(frozen=True)
class SurfaceResult:
    """A computed surface, with the request it answers and the grid it used; an ``estimate`` comes first when the
    exact surface takes long, and the exact one follows unless the request is coarse (``final``: nothing follows)."""

    request: SurfaceRequest
    spec: SurfaceSpec
    surface: Surface
    seconds: float
    minimum: np.ndarray | None = None  # (2,): θ* on the plane, where it is inside the grid
    estimate: SurfaceEstimate | None = None
    final: bool = True
    plane: DirectionPlane | None = None  # the plane through θ-space the surface lies on (None: two parameters)


@dataclass(frozen=True)
class ResampleRequest:
    """Draw ``count`` datasets of N from P and find each one's θ*_D (a fit of ``steps`` where it is not L2)."""

    generation: int
    distribution: Distribution
    shape: ModelShape
    loss: str
    start: np.ndarray
    optimizer: OptimizerConfig
    steps: int
    count: int = 20
    features: FeatureMap | None = None  # φ of the scene's model (fitted on its D), applied to each drawn D
    l2: float = 0.0


@dataclass(frozen=True)
class ResampleResult:
    """The minima (count, k, d+1) a ResampleRequest found, and θ*_P (k, d+1), found the same way on L(θ|P)."""

    request: ResampleRequest
    minima: np.ndarray
    population_minimum: np.ndarray


def previewed(request: SurfaceRequest) -> bool:
    """True for a request whose estimate is first shown at ``PREVIEW_RESOLUTION``: a new frame (nothing on this grid
    yet) at full resolution, to be refined (so that the preview is never the last word)."""
    return request.framing and request.refine and not request.coarse and request.resolution > PREVIEW_RESOLUTION


def slow_to_compute(request: SurfaceRequest, objective: Objective) -> bool:
    """True for a surface of ``objective`` whose grid needs more than PREVIEW_LOGITS logits (~30 ms or more on one
    thread; L2's costs the same at any N)."""
    logits = request.resolution ** 2 * objective.size * objective.shape.outputs
    return objective.loss.name != "l2" and logits > PREVIEW_LOGITS


class SurfaceWorker(BackgroundWorker):
    """Computes surfaces one at a time, the latest request of each role (older pending ones are skipped), and
    the cloud of resampled minima.

    Work in progress is cancelled between chunks (and during a preview fit) when the window closes
    (``cancel``) or asks another question (``questions.next()``); the GUI thread numbers requests with the
    ``Latest``s, which only set plain values, safe while this thread computes."""

    ready = Signal(object)  # a SurfaceResult
    refused = Signal(object, str)  # a SurfaceRequest whose plane the scene's fit cannot give, and why
    resampled = Signal(object)  # a ResampleResult
    resampleProgress = Signal(int, int)  # done, total

    def __init__(self, busy: GuiBusy | None = None):
        super().__init__()
        self.busy = busy or GuiBusy()
        self.pending: dict[str, SurfaceRequest] = {}  # the latest request of each role
        self.cancelled = threading.Event()
        self.questions = Latest(self.cancelled)  # a new question: work on older ones stops at its next chunk
        # the newest request of each role: one under way stops at its next chunk (even the exact refinement of an
        # older one) — though a short surface is finished, so that a drag's stream of requests still shows some
        self.requests = {role: Latest(self.cancelled) for role in ROLES}
        self.resamples = Latest(self.cancelled)  # a new cloud is wanted, or none
        self._population: tuple[tuple | None, Objective] | None = None  # the last L(θ|P) made (drawing 100,000 takes a while)
        self._data_objectives: list[tuple[Problem, Objective]] = []  # the last made, newest first
        self._plane: tuple[Scene, DirectionPlane, np.ndarray] | None = None  # the last scene's plane and its fit's path
        self.computed = 0  # surfaces finished (tests count them)

    def cancel(self) -> None:
        """Stop for good (GUI thread, before the thread is ended): work in progress stops at its next chunk."""
        self.cancelled.set()

    @Slot(object)
    def request(self, request: SurfaceRequest) -> None:
        """Compute ``request`` next, dropping any request of its role still waiting."""
        self.pending[request.role] = request
        QTimer.singleShot(0, self._process)

    def _stale(self, request: SurfaceRequest | ResampleRequest, outrun: bool = False) -> bool:
        """True when ``request`` is of an older question (or the worker stops); with ``outrun``, also when a newer
        request of its role was made (for long work: the exact refinement after an estimate — short surfaces are
        finished, so that a drag's stream of requests still shows some)."""
        if isinstance(request, ResampleRequest):
            return self.resamples.stale(request.generation)
        return self.questions.stale(request.generation) or (outrun and self.requests[request.role].stale(request.sequence))

    def _should_stop(self, request: SurfaceRequest | ResampleRequest, outrun: bool = False) -> bool:
        """Between chunks of work: wait while the GUI draws; then True if the work is no longer wanted."""
        self.busy.wait()
        return self._stale(request, outrun)

    def _check(self, request: SurfaceRequest, outrun: bool = False) -> None:
        """Between chunks of a surface: ``_should_stop``, raising Cancelled."""
        if self._should_stop(request, outrun):
            raise Cancelled()

    @Slot()
    def _process(self) -> None:
        self.busy.wait()  # not while the window draws (the last surface, say); a newer request may come meanwhile
        if not self.pending:
            return
        request = self.pending.pop(next(iter(self.pending)))
        if self._stale(request):
            return
        try:
            self._compute(request)
        except Cancelled:
            return
        time.sleep(0)

    def _objective(self, problem: Problem) -> Objective:
        """``problem``'s objective; L(θ|P) is kept for the next request of the same P, model and loss, and the
        objective of data for the next requests of the same Problem (the window sends one per objective: building
        Xa anew cost ~0.2 s a request at 100,000 × 50 inputs, and a surface with held parameters follows θ)."""
        if problem.distribution is None:
            kept_data = [objective for made, objective in self._data_objectives if made is problem]
            if kept_data:
                return kept_data[0]
            objective = problem.objective()
            self._data_objectives = [(problem, objective), *self._data_objectives[:DATA_OBJECTIVES_KEPT - 1]]
            return objective
        key = problem.population_key()  # not N, seed
        kept = self._population
        if kept is not None and kept[0] == key:
            return kept[1]
        objective = problem.objective()
        self._population = (key, objective)
        return objective

    def _compute(self, request: SurfaceRequest) -> None:
        """Frame the grid, then emit the surface: over many samples first an estimate from a subsample (the only
        one for a coarse request, made while a point is dragged), then the exact one (a loss that overflows is inf
        on the grid, not a warning)."""
        with np.errstate(all="ignore"):
            self._compute_quietly(request)

    def _compute_quietly(self, request: SurfaceRequest) -> None:
        started = time.perf_counter()
        objective = self._objective(request.problem)
        if request.plane != "coords":
            self._compute_on_plane(request, objective, started)
            return
        sample = None
        if objective.loss.name != "l2" and objective.size > ESTIMATE_ROWS:  # L2 costs the same at any N
            sample = objective.subsample(min(ESTIMATE_ROWS, ESTIMATE_LOGITS // objective.shape.outputs), request.seed)[0]
        framer = objective if request.frame_with is None else self._objective(request.frame_with)
        spec = self._frame(request, framer)
        if sample is None:
            if previewed(request) and slow_to_compute(request, objective):  # a quarter of it first
                self._emit(request, replace(spec, resolution=PREVIEW_RESOLUTION), objective, started, preview=True)
        else:
            estimate = SurfaceEstimate(sample.size, objective.size, sample.data_value(spec.center),
                                       sample.sampling_error(spec.center, objective.size))
            if previewed(request):  # a quarter of the estimate's work: something to look at sooner
                self._emit(request, replace(spec, resolution=PREVIEW_RESOLUTION), sample, started, estimate)
            self._emit(request, spec, sample, started, estimate)
            if request.coarse or not request.refine:
                return
        self._emit(request, spec, objective, started, outrun=sample is not None)

    def _frame(self, request: SurfaceRequest, framer: Objective) -> SurfaceSpec:
        """The request's grid: its ranges, or ranges framing the start, a preview descent (over a subsample of many
        samples: it only frames) and the path so far."""
        path = None
        if request.framing:
            walker = framer if framer.size <= FRAME_ROWS else framer.subsample(FRAME_ROWS, request.seed)[0]
            path = fit(walker, request.start, request.optimizer, request.preview_steps, seed=request.seed,
                       should_stop=lambda: self._stale(request)).thetas  # a few ms: not held back by paints
            if request.path is not None and len(request.path):
                path = np.concatenate([path, request.path])
        x_range, y_range = frame_ranges(framer, request.start, path, request.x_param, request.y_param,
                                        request.x_range, request.y_range)
        return SurfaceSpec(request.x_param, request.y_param, x_range, y_range, request.resolution,
                           request.center.copy())

    def _emit(self, request: SurfaceRequest, spec: SurfaceSpec, objective: Objective, started: float,
              estimate: SurfaceEstimate | None = None, outrun: bool = False, preview: bool = False) -> None:
        """Compute ``objective``'s surface on one thread in small chunks, waiting while the GUI draws, and send it;
        ``outrun``: the exact refinement after an estimate, stopped by a newer request of its role; ``preview``: a
        coarser grid shown first (the request's follows)."""
        surface = loss_surface(objective, spec, workers=1, chunk_elements=SURFACE_CHUNK_ELEMENTS,
                               between_chunks=lambda: self._check(request, outrun=outrun))
        final = not preview and (estimate is None or request.coarse or not request.refine)
        if final:
            self.computed += 1
        self.ready.emit(SurfaceResult(request, spec, surface, time.perf_counter() - started,
                                      surface_minimum(objective, surface), estimate, final))

    def _compute_on_plane(self, request: SurfaceRequest, objective: Objective, started: float) -> None:
        """The surface on a plane through θ-space: the one given, or the plane of the scene's fit (kept for the next
        request of the same scene), framed around the fit's projected path (as ``lossviz surface`` frames it)."""
        plane = request.direction
        if plane is None:
            assert request.fit_scene is not None
            try:
                plane, path = self._scene_plane(request)
            except LossvizError as error:
                self.refused.emit(request, str(error))
                return
            (x0, x1), (y0, y1) = plane_ranges(plane, path)
        else:
            assert request.x_range is not None and request.y_range is not None
            (x0, x1), (y0, y1) = request.x_range, request.y_range
        alphas, betas = np.linspace(x0, x1, request.resolution), np.linspace(y0, y1, request.resolution)
        spec = SurfaceSpec("alpha", "beta", (x0, x1), (y0, y1), request.resolution, plane.center.copy())
        if objective.loss.name != "l2" and objective.size > ESTIMATE_ROWS:  # first from a subsample, as on axes
            sample = objective.subsample(min(ESTIMATE_ROWS, ESTIMATE_LOGITS // objective.shape.outputs), request.seed)[0]
            estimate = SurfaceEstimate(sample.size, objective.size, sample.data_value(plane.center),
                                       sample.sampling_error(plane.center, objective.size))
            loss = plane_losses(sample, plane, alphas, betas, between_rows=lambda: self._check(request))
            surface = Surface("alpha", "beta", alphas, betas, loss)
            final = request.coarse or not request.refine
            if final:
                self.computed += 1
            self.ready.emit(SurfaceResult(request, spec, surface, time.perf_counter() - started,
                                          _grid_minimum(surface), estimate, final, plane=plane))
            if final:
                return
        loss = plane_losses(objective, plane, alphas, betas,
                            between_rows=lambda: self._check(request, outrun=objective.size > ESTIMATE_ROWS))
        surface = Surface("alpha", "beta", alphas, betas, loss)
        self.computed += 1
        self.ready.emit(SurfaceResult(request, spec, surface, time.perf_counter() - started, _grid_minimum(surface),
                                      plane=plane))

    def _scene_plane(self, request: SurfaceRequest) -> tuple[DirectionPlane, np.ndarray]:
        """The plane of ``request.fit_scene`` and its fit's path: fitted once per scene (cancelled like a surface)."""
        scene, kept = request.fit_scene, self._plane
        assert scene is not None
        if kept is not None and (kept[0] is scene or kept[0] == scene):
            return kept[1], kept[2]
        plane, path = scene_plane(scene, should_stop=lambda: self._should_stop(request))
        self._plane = (scene, plane, path)
        return plane, path

    @Slot(object)
    def resample(self, request: ResampleRequest) -> None:
        """θ*_D of ``request.count`` datasets drawn from P, with progress; cancelled like a surface."""
        def progress(done: int, total: int) -> None:
            """Tell the window how far the resample is; stop here if it is no longer wanted."""
            self.resampleProgress.emit(done, total)
            if self._should_stop(request):
                raise Cancelled()

        try:
            minima = resample_minima(request.distribution, request.shape, request.loss, request.start,
                                     request.optimizer, request.steps, request.count,
                                     should_stop=lambda: self._should_stop(request), progress=progress,
                                     features=request.features, l2=request.l2)
            population = population_objective(request.distribution, request.shape, request.loss, request.features,
                                              request.l2)
            theta_star = minimum_of(population, request.start, request.optimizer, request.steps,
                                    should_stop=lambda: self._should_stop(request))
        except Cancelled:
            return
        self.resampled.emit(ResampleResult(request, minima, theta_star))


def surface_minimum(objective: Objective, surface: Surface) -> np.ndarray | None:
    """Where the surface's minimum is, (2,): exact for L2 (θ* on the plane, if unique), else the grid's
    smallest value inside the grid (None on its edge: the minimum lies beyond the view, or at infinity)."""
    if objective.loss.name == "l2" and surface.minimum_unique:
        return None if surface.valley is not None else _grid_minimum(surface)
    return _grid_minimum(surface)


def _grid_minimum(surface: Surface) -> np.ndarray | None:
    loss = np.where(np.isfinite(surface.loss), surface.loss, np.inf)
    row, col = np.unravel_index(np.argmin(loss), loss.shape)
    if 0 < row < len(surface.y) - 1 and 0 < col < len(surface.x) - 1:
        return np.array([surface.x[col], surface.y[row]])
    return None

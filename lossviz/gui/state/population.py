"""What the live run shows of P beyond one surface: L(θ|P) as contours over L(θ|D) ("both"), and the cloud
of θ*_D of datasets resampled from P (Resample ×20).

The contours are asked for after each full surface of the data arrives, over the same grid, and only
when that grid, the held parameters or φ changed (L(θ|P) does not depend on D, except through φ's
standardisation on D's training rows when the scene has a degree); one request at a time, since
a Monte-Carlo surface takes seconds — the newest wish waits and goes next. The cloud is kept as long as
P, N, the model and the loss are those it was drawn for.
"""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import QObject, Signal

from lossviz.core.planes import DirectionPlane
from lossviz.core.problem import Problem
from lossviz.core.scene import Scene
from lossviz.core.surface import frame_points
from lossviz.gui.messages import EXPLANATION_MS, STATUS_MS
from lossviz.gui.state.surfaces import SurfaceService
from lossviz.gui.workers.surface import ResampleRequest, ResampleResult, SurfaceRequest, SurfaceResult

RESAMPLE_COUNT = 20


def plane_key(plane: DirectionPlane | None) -> tuple | None:
    """What a plane through θ-space is (None: the surface is over two parameters)."""
    return None if plane is None else (plane.kind, *(a.tobytes() for a in (plane.center, plane.u, plane.v)))


class PopulationLayer(QObject):
    """The L(θ|P) contours (``overlay``) and the resampled minima (``cloud``) over ``surfaces``' surface."""

    changed = Signal()  # the overlay or the cloud changed: redraw the surface view
    message = Signal(str, int)
    overlayRequested = Signal(object)  # to the surface worker
    resampleRequested = Signal(object)
    frameWanted = Signal(object)  # ((x0, x1), (y0, y1)): the new cloud and θ*_P framed, on the surface's axes

    def __init__(self, surfaces: SurfaceService, parent: QObject | None = None):
        super().__init__(parent)
        self.surfaces = surfaces
        self.overlay: SurfaceResult | None = None
        self.cloud: np.ndarray | None = None  # (count, k, d+1): θ*_D of each resampled dataset
        self.cloud_minimum: np.ndarray | None = None  # (k, d+1): θ*_P, found as each θ*_D of the cloud was
        self.resampling = False  # a resample is under way (its cloud, and its frame, are yet to come)
        self.cloud_n = 0  # N of each dataset the cloud was drawn from
        self._cloud_key: str | None = None
        self._outstanding: SurfaceRequest | None = None
        self._wanted: SurfaceResult | None = None  # the main surface the overlay should match next
        worker = surfaces.worker
        self.overlayRequested.connect(worker.request)
        self.resampleRequested.connect(worker.resample)
        worker.resampled.connect(self._on_resampled)
        worker.resampleProgress.connect(self._on_resample_progress)
        surfaces.questionChanged.connect(self.forget_overlay)
        surfaces.surfaceReady.connect(self.follow_main)
        surfaces.overlayReady.connect(self.take_overlay)

    @property
    def scene(self) -> Scene:
        """The document's scene."""
        return self.surfaces.scene

    # ------------------------------------------------------------------ L(θ|P) over L(θ|D)
    def forget_overlay(self) -> None:
        """A new surface question: the contours shown and any request under way are of the old one."""
        self.overlay, self._outstanding, self._wanted = None, None, None

    def follow_main(self, main: SurfaceResult) -> None:
        """A full surface of the data was shown: ask for L(θ|P) over its grid, unless the contours have it."""
        if self.surfaces.surface_of() != "both" or main.request.coarse or self.scene.distribution is None:
            return
        if self.overlay is not None and self._overlay_key(self.overlay) == self._wanted_key(main):
            return
        self._wanted = main
        if self._outstanding is None:
            self._request(main)

    def _problem(self) -> Problem:
        problem = self.surfaces.training.population_problem()  # the one the training worker values L(θ|P) of
        assert problem is not None
        return problem

    def _request(self, main: SurfaceResult) -> None:
        surfaces, scene, spec = self.surfaces, self.scene, main.spec
        request = SurfaceRequest(
            generation=surfaces.question, sequence=surfaces.next_request("population"),
            data_version=surfaces.data_version,
            problem=self._problem(),
            x_param=spec.x_param,
            y_param=spec.y_param, x_range=spec.x_range, y_range=spec.y_range, resolution=spec.resolution,
            center=spec.center.copy(), start=scene.init.copy(), role="population",
            plane=main.request.plane, direction=main.plane)  # on a plane through θ-space: the main surface's
        self._outstanding = request
        surfaces.say_computing(request.problem)
        self.overlayRequested.emit(request)

    def take_overlay(self, result: SurfaceResult) -> None:
        """A population surface came back: shown if it is of the current question, then the next wish."""
        if result.request is not self._outstanding:
            return
        if result.final:  # an estimate from a subsample of the draws comes first
            self._outstanding = None
        surfaces = self.surfaces
        if not surfaces.worker.questions.current(result.request.generation):
            return
        self.overlay = result
        self.changed.emit()
        if not result.final:
            return
        wanted = self._wanted
        if wanted is not None and wanted is surfaces.shown and self._overlay_key(result) != self._wanted_key(wanted):
            self._request(wanted)

    def overlay_for(self, main: SurfaceResult | None) -> SurfaceResult | None:
        """The contours to draw over ``main``: only over the very grid they were computed on, and of the L(θ|P) of
        the scene now (φ is standardised on D: an edit of D with a degree makes them another function's)."""
        overlay = self.overlay
        if main is None or overlay is None or self.surfaces.surface_of() != "both" or self.scene.distribution is None:
            return None
        spec, mine = main.spec, overlay.spec
        same = (spec.x_param, spec.y_param, spec.x_range, spec.y_range) == (mine.x_param, mine.y_param, mine.x_range,
                                                                             mine.y_range)
        of_now = overlay.request.problem.population_key() == self._problem().population_key()
        return overlay if same and of_now and plane_key(overlay.plane) == plane_key(main.plane) else None

    def _grid_key(self, result: SurfaceResult) -> tuple:
        spec = result.spec
        held = tuple(self.surfaces.plane().held_values(spec.center))
        return spec.x_param, spec.y_param, spec.x_range, spec.y_range, spec.resolution, held, plane_key(result.plane)

    def _overlay_key(self, overlay: SurfaceResult) -> tuple:
        """The contours' grid and the L(θ|P) they are of."""
        return *self._grid_key(overlay), overlay.request.problem.population_key()

    def _wanted_key(self, main: SurfaceResult) -> tuple:
        """The grid of ``main`` and the L(θ|P) of the scene now (its φ is standardised on the scene's D)."""
        return *self._grid_key(main), self._problem().population_key()

    # ------------------------------------------------------------------ Resample ×20
    def cloud_key(self) -> str | None:
        """What the cloud depends on: P's family, parameters and N, the model and the loss."""
        scene = self.scene
        if scene.distribution is None:
            return None
        dist = scene.distribution.to_dict()
        dist.pop("seed", None)
        return json.dumps([dist, scene.task, scene.dims, scene.classes, scene.loss, scene.degree, scene.l2,
                           None if scene.split is None else scene.split.to_dict()], sort_keys=True)

    def follow_scene(self) -> None:
        """The scene changed: drop a cloud (and stop a resample) that is no longer of it."""
        if self._cloud_key is not None and self._cloud_key != self.cloud_key():
            self.clear_cloud()

    def clear_cloud(self) -> None:
        """No cloud, and a resample under way stops."""
        self.surfaces.worker.resamples.next()  # a resample under way stops
        had = self.cloud is not None
        self.cloud, self.cloud_minimum, self._cloud_key, self.resampling = None, None, None, False
        if had:
            self.changed.emit()

    def resample(self) -> None:
        """Resample ×20: draw 20 datasets of N from P and find each one's θ*_D, in the worker."""
        scene = self.scene
        if scene.distribution is None or self.surfaces.closing:
            return
        self.clear_cloud()
        self._cloud_key, self.resampling = self.cloud_key(), True
        self.resampleRequested.emit(ResampleRequest(
            self.surfaces.worker.resamples.newest, scene.distribution, scene.shape, scene.loss, scene.init.copy(),
            self.surfaces.training.main_optimizer(), scene.steps, RESAMPLE_COUNT, scene.design().features, scene.l2))
        self.message.emit(f"Resampling: 0 of {RESAMPLE_COUNT} datasets…", STATUS_MS)

    def _on_resample_progress(self, done: int, total: int) -> None:
        if not self.surfaces.closing:
            self.message.emit(f"Resampling: {done} of {total} datasets…", STATUS_MS)

    def _on_resampled(self, result: ResampleResult) -> None:
        if not self.surfaces.worker.resamples.current(result.request.generation) or self.surfaces.closing:
            return
        self.cloud, self.cloud_minimum, self.resampling = result.minima, result.population_minimum, False
        self.cloud_n = result.request.distribution.n
        self.changed.emit()
        self.message.emit(f"θ*_D of {len(result.minima)} datasets of N = {result.request.distribution.n} "
                          "drawn from P (○), θ*_P (×); try a larger N: the cloud shrinks.", EXPLANATION_MS)
        frame = self.cloud_frame()
        if frame is not None:
            self.frameWanted.emit(frame)

    def cloud_points(self) -> np.ndarray | None:
        """The cloud (M, 2) on the surface's plane (None: none, or one of a model of another shape)."""
        cloud, shape = self.cloud, self.scene.init.shape
        return None if cloud is None or cloud.shape[1:] != shape else self.surfaces.plane().coordinates(cloud)

    def cloud_minimum_point(self) -> np.ndarray | None:
        """θ*_P (2,) on the surface's plane, as found with the cloud (None: no cloud)."""
        theta, shape = self.cloud_minimum, self.scene.init.shape
        return None if theta is None or theta.shape != shape else self.surfaces.plane().coordinates(theta[None])[0]

    def cloud_frame(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """Ranges around the cloud and θ*_P on the surface's axes (None: no cloud)."""
        points, minimum = self.cloud_points(), self.cloud_minimum_point()
        if points is None or minimum is None:
            return None
        return frame_points(np.vstack([points, minimum[None]]))


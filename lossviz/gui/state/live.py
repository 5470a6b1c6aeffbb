"""The live run: the descent on the document's scene and the surfaces that show it, following the document.

``LiveRun`` is a thin front for three parts that each own one concern: the ``TrainingRun`` (θ, histories, the step
back, the training worker; state/training.py), the ``SurfaceService`` (surface questions, framing, the surface
worker; state/surfaces.py) and the ``PopulationLayer`` (L(θ|P)'s contours and the cloud of resampled minima;
state/population.py), with the ``Selection`` of samples and the ``Pacing`` the workers share with the GUI thread
(workers/pacing.py). ``follow`` is the one path from a change of the document to them; views and tests read
``state()`` (a frozen ``RunState``), ``surfaces.shown`` and ``idle()``.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from lossviz.gui.state.document import Change, Document
from lossviz.gui.state.population import PopulationLayer
from lossviz.gui.state.selection import Selection
from lossviz.gui.state.surfaces import SurfaceService
from lossviz.gui.state.training import RunState, TrainingRun
from lossviz.gui.workers.pacing import Pacing


class LiveRun(QObject):
    """The descent and the surfaces of ``document``'s scene; owns both worker threads."""

    progressed = Signal(bool, bool)  # (the costly views are due, the data view among them)
    stepped = Signal()  # moved along the recorded path (← and → after stepping back)
    surfaceReady = Signal(object)  # a SurfaceResult of the current question (stale ones never come)
    selectionChanged = Signal()
    runningChanged = Signal(bool)
    message = Signal(str, int)  # text, milliseconds

    def __init__(self, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.pacing = Pacing(self)
        self.selection = Selection()  # samples whose own loss the surface shows
        self.training = TrainingRun(document.scene, self.pacing, self)
        self.surfaces = SurfaceService(document, self.training, self.selection, self.pacing, self)
        self.population = PopulationLayer(self.surfaces, self)  # L(θ|P)'s contours and the resampled minima
        self.closing = False
        self._following = False  # in follow(): it asks for the surface itself
        training = self.training
        training.progressed.connect(self.progressed)
        training.stepped.connect(self._on_stepped)
        training.runningChanged.connect(self._on_running_changed)
        training.thetaMoved.connect(self.surfaces.follow_theta)
        self.surfaces.surfaceReady.connect(self.surfaceReady)
        for part in (training, self.surfaces):
            part.message.connect(self.message)
        self.selection.changed.connect(self._on_selection_changed)

    # ------------------------------------------------------------------ reading
    def state(self) -> RunState:
        """The run as it is now: step, θ, L, ‖∇L‖, histories, objectives (a frozen snapshot)."""
        return self.training.state()

    def idle(self) -> bool:
        """Nothing under way (for tests and scripts): paused, every command to the training worker
        answered, the newest surface back, no GUI piece waiting, no hold on the workers."""
        return self.training.idle() and self.surfaces.idle() and self.pacing.idle()

    def under_way(self) -> list[str]:
        """What keeps the run from being idle, in words (for a test that waited in vain)."""
        parts = [] if self.training.idle() else [f"training (running: {self.training.running})"]
        parts += [f"surface {role}" for role in self.surfaces.waiting()]
        return parts + ([] if self.pacing.idle() else ["pacing: a GUI piece queued or a hold on the workers"])

    def stopped(self) -> bool:
        """True once both worker threads have ended."""
        return not self.training.worker_thread.is_running() and not self.surfaces.worker_thread.is_running()

    def theta_at(self, x: float, y: float) -> np.ndarray:
        """θ with the surface's two parameters set to (x, y), the others at the current θ."""
        return self.surfaces.plane().theta_at(self.training.theta, x, y)

    # ------------------------------------------------------------------ following the document
    def follow(self, kind: Change) -> None:
        """Bring the run up to date with a change of the document (connect to ``Document.changed``)."""
        if self.closing:
            return
        if kind is not Change.DATA:  # a drag's data changes come 50 times a second: the surface must keep up
            self.pacing.hold_until_painted()
        self._following = True
        try:
            self._follow(kind)
        finally:
            self._following = False

    def _follow(self, kind: Change) -> None:
        scene, training, surfaces = self.document.scene, self.training, self.surfaces
        training.scene = scene
        if kind is Change.SCENE or not self.selection.valid_for(scene.data.size):
            self.selection.clear()  # the samples are gone (a selection outlives moves, not deletions)
        self.population.follow_scene()
        if kind is Change.VIEW:
            training.set_speed(scene.view.speed)
            if surfaces.new_question():  # shown: the data, P or both
                surfaces.request()
            return
        surfaces.new_question(force=kind is Change.SCENE)
        if kind is Change.SURFACE:
            surfaces.request()
            return
        training.take_objectives()
        if kind is Change.DATA:
            self._follow_data()
            return
        if kind is Change.SCENE:  # as a fresh window shows it: paused, at its speed, framed anew
            training.set_running(False)
            training.set_speed(scene.view.speed)
            surfaces.ranges = None
        training.restart()
        surfaces.request()

    def _follow_data(self) -> None:
        """New data: training goes on from θ on them (back to the start without any), the surface follows (coarse
        during a drag)."""
        self.surfaces.data_changed()
        if self.training.objective is None:  # no data, no descent: back to the start, as a fresh window shows it
            self.training.restart()
            return
        self.training.continue_on_new_data(self.document.previewing, self.document.drag)
        self.surfaces.request(coarse=self.document.previewing)

    # ------------------------------------------------------------------ commands
    def set_running(self, running: bool) -> None:
        """Run or pause (running needs data); a run goes on from the newest state, also when stepped back."""
        self.training.set_running(running)

    def step_once(self) -> None:
        """→: forward along the recorded path when stepped back; else one update (pausing a run)."""
        self.training.step_once()

    def step_many(self, count: int) -> None:
        """``count`` updates in one go (a lecture's slide at its step)."""
        self.training.step_many(count)

    def step_back(self) -> None:
        """←: one recorded entry back along the path (pausing a run), down to where the data last changed."""
        self.training.step_back()

    def reset(self) -> None:
        """Run → Reset: back to the start θ, and an automatic surface framed anew around it."""
        self.training.restart()
        self.surfaces.reframe = True
        self.surfaces.request()

    def reframe_surface(self) -> None:
        """View → Frame surface (and after new data): choose the automatic range anew."""
        self.surfaces.reframe_surface()

    def _on_stepped(self) -> None:
        self.stepped.emit()
        if self.surfaces.plane().held():  # the held parameters are those of the θ shown
            self.surfaces.request()

    def _on_running_changed(self, running: bool) -> None:
        self.runningChanged.emit(running)
        if not running:
            self.surfaces.refine_estimate()

    def _on_selection_changed(self) -> None:
        self.selectionChanged.emit()
        if not self._following and self.surfaces.new_question():
            self.surfaces.request()

    def stop(self) -> None:
        """Stop both workers (cancelling long work) and wait for their threads (idempotent)."""
        if self.closing:
            return
        self.closing = True
        self.pacing.stop()  # no more pieces; a worker waiting for the GUI to finish drawing goes on, and ends
        self.training.stop()
        self.surfaces.stop()

"""View → Capacity curve: the scene fitted once per degree of φ (1 … 12) in a worker of its own, the final training
and test losses drawn against the degree as they come in (the figure ``lossviz sweep`` draws, from the same code),
the window's degree marked.

``CapacityView`` asks for a sweep when the dialog opens and again, after the edits settle, whenever what the curve
depends on changes while it is open (the data, the split, λ, the loss, the optimizer, its steps, the start θ);
a change of the window's degree only moves the mark. Each sweep has a number (``Latest``, workers/latest.py): an
older one stops at its next chunk of work and its reports are dropped. The worker keeps out of the GUI's way like the
others (workers/pacing.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from lossviz.core.errors import Cancelled, LossvizError
from lossviz.core.features import MAX_DEGREE, largest_degree
from lossviz.core.scene import Scene, scene_to_dict
from lossviz.core.sweep import SweepPoint, sweep_point
from lossviz.gui.dialogs.capacity import CapacityDialog
from lossviz.gui.messages import HINT_MS, STATUS_MS, WARNING_MS
from lossviz.gui.state.document import Change, Document
from lossviz.gui.workers.latest import Latest, Token
from lossviz.gui.workers.pacing import GuiBusy
from lossviz.gui.workers.thread import BackgroundWorker, WorkerThread

SWEEP_DEGREES = tuple(range(1, MAX_DEGREE + 1))
SETTLE_MS = 400  # a drag's edits are over when none came for this long: then the curve is computed again
SWEEP_KEYS = ("task", "dims", "classes", "loss", "optimizer", "steps", "tol", "seed", "init", "split",
              "regularization", "data")  # what the capacity curve depends on (not the degree, views or P)


def sweep_degrees(scene: Scene) -> tuple[int, ...]:
    """The degrees the capacity curve fits: 1 … MAX_DEGREE, fewer where φ of the higher ones overflows on the inputs."""
    return SWEEP_DEGREES[:largest_degree(scene.data.X)]


def sweep_key(scene: Scene) -> str:
    """What the capacity curve of ``scene`` depends on, as text: equal keys, equal curves. A start θ of zeros is
    what every other degree starts from, so it is left out (a change of degree alone keeps the curve)."""
    doc = scene_to_dict(scene, arrays=True)  # the data as arrays: a digest of their bytes, not 100,000 Python lists
    key = {name: doc.get(name) for name in SWEEP_KEYS if name != "data"}
    data = scene.data
    key["data"] = hashlib.sha1(data.X.tobytes() + data.y.tobytes() + str(data.X.shape).encode()).hexdigest()
    if not scene.init.any():
        key.pop("init")
    else:
        key["degree"] = scene.degree  # the start θ applies at this degree only
    return json.dumps(key, sort_keys=True)


@dataclass(frozen=True)
class SweepRequest:
    """Fit ``scene`` at each of ``degrees`` (with its λ), reporting after each fit; ``token`` says when it is no
    longer wanted."""

    token: Token
    scene: Scene
    degrees: tuple[int, ...]


@dataclass(frozen=True)
class SweepReport:
    """The points a SweepRequest has found so far (``done`` of ``total`` fits)."""

    request: SweepRequest
    points: tuple[SweepPoint, ...]
    done: int
    total: int


class SweepWorker(BackgroundWorker):
    """Runs capacity sweeps in its own thread, one fit per degree, the newest request only (``sweeps`` numbers
    them; the GUI thread asks it for the next number)."""

    reported = Signal(object)  # a SweepReport after each fit
    failed = Signal(object, str)  # the request, the message

    def __init__(self, busy: GuiBusy):
        super().__init__()
        self.sweeps = Latest(pause=busy.wait)

    def cancel(self) -> None:
        """Stop for good (GUI thread, before the thread is ended)."""
        self.sweeps.cancel()

    @Slot(object)
    def run(self, request: SweepRequest) -> None:
        """Fit the scene at each degree and report the points so far after each fit."""
        points: list[SweepPoint] = []
        total = len(request.degrees)
        for done, degree in enumerate(request.degrees, 1):
            if request.token.should_stop():
                return
            try:
                points.append(sweep_point(request.scene, degree, request.scene.l2, request.token.should_stop))
            except Cancelled:
                return
            except LossvizError as error:
                self.failed.emit(request, str(error))
                return
            self.reported.emit(SweepReport(request, tuple(points), done, total))


class CapacityView(QObject):
    """The capacity dialog and its sweeps for ``document``'s scene; the worker thread starts when first shown."""

    message = Signal(str, int)
    sweepRequested = Signal(object)  # to the worker

    def __init__(self, document: Document, busy: GuiBusy, theme: Callable[[], str],
                 ask_path: Callable[[], Path | None], parent_widget=None):
        super().__init__(parent_widget)
        self.document, self.busy, self.theme, self.ask_path = document, busy, theme, ask_path
        self.parent_widget = parent_widget
        self.dialog: CapacityDialog | None = None
        self.worker_thread: WorkerThread | None = None
        self.sweep: Token | None = None  # the sweep under way or shown (None: none asked for yet)
        self.report: SweepReport | None = None  # the newest report of the current sweep
        self.key: str | None = None  # sweep_key of the scene the current sweep fits
        self._drawn: tuple | None = None  # (report, window's degree, theme) of the figure shown
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self._refresh)
        self.redraw_soon = QTimer(self)  # the mark moved: drawn once the change is through (see _on_document_changed)
        self.redraw_soon.setSingleShot(True)
        self.redraw_soon.setInterval(0)
        self.redraw_soon.timeout.connect(self._draw)
        document.changed.connect(self._on_document_changed)

    def show(self) -> None:
        """View → Capacity curve: show the dialog, computing the curve if it is not of the current scene."""
        if self.dialog is None:
            self.dialog = CapacityDialog(self.parent_widget)
            self.dialog.saveRequested.connect(self.save)
            self.dialog.recomputeRequested.connect(lambda: self.start(force=True))
            self.dialog.finished.connect(lambda _result: self._stop_sweep())
        self.dialog.show()
        self.dialog.raise_()
        self.start()

    def visible(self) -> bool:
        """True while the dialog is shown."""
        return self.dialog is not None and self.dialog.isVisible()

    def done(self) -> bool:
        """True when the curve shown is complete and of the current scene (for tests and scripts)."""
        report = self.report
        return (report is not None and report.done == report.total and self.key == sweep_key(self.document.scene))

    def points(self) -> list[SweepPoint]:
        """The points found so far by the current sweep."""
        return [] if self.report is None else list(self.report.points)

    def start(self, force: bool = False) -> None:
        """Ask for the curve of the current scene (unless the one shown or under way is of it)."""
        scene = self.document.scene
        key = sweep_key(scene)
        if key == self.key and not force:
            self._draw()
            return
        if len(scene.design().train) < 2:
            self._stop_sweep()
            self.key, self.report = key, None
            if self.dialog is not None:
                self._show_text("Add at least two training points: the capacity curve fits the model to them.")
            return
        worker = self._start_thread()
        self.sweep = worker.sweeps.token()
        self.key, self.report = key, None
        degrees = sweep_degrees(scene)
        self.sweepRequested.emit(SweepRequest(self.sweep, scene, degrees))
        if len(degrees) < len(SWEEP_DEGREES):
            self.message.emit(f"Capacity curve up to degree {degrees[-1]}: higher degrees of φ overflow on these inputs "
                              f"(|x| up to {float(np.abs(scene.data.X).max()):g})", WARNING_MS)
        if self.dialog is not None:
            self.dialog.show_progress(0, len(degrees))
            self._show_text(f"Fitting the model at degree 1 of {len(degrees)}: {scene.steps:,} steps each…")

    def _start_thread(self) -> SweepWorker:
        if self.worker_thread is None:
            worker = SweepWorker(self.busy)
            self.worker_thread = WorkerThread(worker, "lossviz-capacity")
            self.sweepRequested.connect(worker.run)
            worker.reported.connect(self._on_report)
            worker.failed.connect(self._on_failed)
        assert isinstance(self.worker_thread.worker, SweepWorker)
        return self.worker_thread.worker

    def _stop_sweep(self) -> None:
        """The dialog closed, or its curve cannot be made: a sweep under way stops."""
        self.key = None if self.report is None or self.report.done < self.report.total else self.key
        if self.worker_thread is not None:
            self.sweep = self._start_thread().sweeps.token()  # numbers past every sweep under way: it stops

    def _on_report(self, report: SweepReport) -> None:
        if report.request.token != self.sweep:
            return
        self.report = report
        if self.dialog is not None:
            self.dialog.show_progress(report.done, report.total)
        self._draw()

    def _on_failed(self, request: SweepRequest, text: str) -> None:
        if request.token == self.sweep and self.dialog is not None:
            self._show_text(f"The capacity curve could not be computed: {text}")

    def _show_text(self, text: str) -> None:
        """A line of text in the figure's place (the next figure is drawn whatever it shows)."""
        assert self.dialog is not None
        self._drawn = None
        self.dialog.show_text(text)

    def _draw(self) -> None:
        if self.dialog is None or self.report is None:
            return
        drawn = (self.report, self.document.scene.degree, self.theme())  # what the picture shows
        if drawn == self._drawn:
            return
        self._drawn = drawn
        busy = self.busy
        busy.hold()  # the worker waits while the figure is drawn
        try:
            self.dialog.show_curve(self.report.request.scene, list(self.report.points), list(SWEEP_DEGREES),
                                   self.document.scene.degree, self.theme())
        finally:
            busy.release()

    def redraw(self) -> None:
        """Draw the curve again if what it shows changed (the window's theme), once the change is through."""
        self.redraw_soon.start()

    def _on_document_changed(self, kind: Change) -> None:
        """Recompute after the edits settle when the curve's scene changed; else only move the window's mark, after
        this change has reached every part (drawing a figure runs Qt's events: drawn here, a training report of the
        scene before would reach the window before the live run had followed the change)."""
        if not self.visible() or kind is Change.VIEW and self.report is None:
            return
        if sweep_key(self.document.scene) != self.key:
            self.settle.start()
        else:
            self.redraw_soon.start()

    def _refresh(self) -> None:
        if self.visible():
            self.start()

    def save(self) -> None:
        """Save the finished curve as PNG, SVG or PDF (the figure of ``lossviz sweep -o``)."""
        from lossviz.figures.sweep import render_sweep
        from lossviz.gui.dialogs import common as dialogs

        if not self.done() or self.report is None:
            self.message.emit("The capacity curve is still being computed", HINT_MS)
            return
        path = self.ask_path()
        if path is None:
            return
        try:
            render_sweep(self.report.request.scene, list(self.report.points), path, theme_name=self.theme())
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Save the capacity curve", str(error))
            return
        self.message.emit(f"Capacity curve saved to {path}", STATUS_MS)

    def stop(self) -> None:
        """Stop the worker and wait for its thread (idempotent)."""
        self.settle.stop()
        if self.worker_thread is not None:
            self.busy.release_all()
            self.worker_thread.stop()
            self.worker_thread = None

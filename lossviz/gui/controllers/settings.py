"""The control panel wired to the document, in one place: every signal of the panel goes to an edit of the document
(its settings here, its data through the ``DataEditor``) or to a command of the live run.

A value the panel cannot turn into a setting (a learning rate of 0, a range the wrong way round, P's parameters
out of bounds) is refused with a message in the status bar, and the document is left as it was.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6 import QtCore
from PySide6.QtCore import Qt

from lossviz.core.distributions import check_feature_reach
from lossviz.core.errors import LossvizError
from lossviz.gui.controllers.editing import DataEditor
from lossviz.gui.messages import WARNING_MS
from lossviz.gui.panel.controls import ControlPanel
from lossviz.gui.state.document import Change, Document
from lossviz.gui.state.live import LiveRun
from lossviz.gui.views.scene_views import SceneViews


class SettingsEditor(QtCore.QObject):
    """Turns the panel's edits into settings of ``document`` and its buttons into commands of ``live``."""

    message = QtCore.Signal(str, int)  # text, milliseconds
    resetRequested = QtCore.Signal()

    def __init__(self, document: Document, live: LiveRun, views: SceneViews, controls: ControlPanel,
                 editor: DataEditor, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.document, self.live, self.views, self.controls = document, live, views, controls
        self._connect(editor)

    def _connect(self, editor: DataEditor) -> None:
        """Every signal of the panel, to the part that acts on it."""
        controls, document, live = self.controls, self.document, self.live
        controls.lossChosen.connect(lambda loss: document.set_settings(loss=loss))
        controls.optimizerEdited.connect(self._on_view_optimizer_edited)
        controls.speedChosen.connect(lambda speed: document.set_view_options(speed=speed))
        controls.surfaceEdited.connect(self._on_view_surface_edited)
        controls.logSurfaceToggled.connect(lambda log: document.set_view_options(log_surface=log))
        controls.surfaceOfChosen.connect(lambda of: document.set_view_options(surface_of=of))
        controls.dataViewChosen.connect(lambda choice: document.set_view_options(data_view=choice))
        controls.run.toggled.connect(live.set_running)
        controls.step.clicked.connect(live.step_once)
        controls.reset.clicked.connect(self.resetRequested)
        controls.manners.committed.connect(self._on_view_value_committed)
        controls.overfit_box.edited.connect(self._on_view_capacity_edited)
        controls.structureEdited.connect(editor.change_task)
        controls.classesEdited.connect(editor.change_classes)
        controls.class_palette.labelChosen.connect(editor.choose_label)
        controls.generate.clicked.connect(editor.generate_data)
        controls.clear.clicked.connect(editor.clear_data)
        box = controls.distribution_box
        box.distributionEdited.connect(self._on_view_distribution_edited)
        box.newSampleRequested.connect(editor.new_sample)
        box.resampleRequested.connect(live.population.resample)
        live.population.frameWanted.connect(self.frame_cloud)

    def frame_cloud(self, ranges: tuple[tuple[float, float], tuple[float, float]]) -> None:
        """A new cloud of resampled minima: an automatic surface range frames it and θ*_P (one undo step, "frame the
        resampled minima"), so that the cloud fills the view; a fixed range is the user's and stays (a cloud drawn
        at a larger N then shows smaller in it)."""
        document = self.document
        config = document.scene.surface
        if config.fixed or document.previewing or config.plane != "coords":
            return
        x_param, y_param = document.scene.surface_axes
        framed = replace(config, x=x_param, y=y_param, x_range=ranges[0], y_range=ranges[1])
        document.edit_fields("frame the resampled minima", Change.SURFACE, surface=framed)

    def _on_view_value_committed(self) -> None:
        """Enter in a field: the keys go back to the plots (Space runs, → steps)."""
        self.views.data_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _refuse(self, error: LossvizError) -> None:
        """An edit the document cannot take: say why, and show the document's settings again (the panel never
        shows a setting that is not in use)."""
        self.message.emit(str(error), WARNING_MS)
        self.controls.show_scene(self.document.scene, self.document.view_options(), self.live.surfaces.ranges)

    def _on_view_optimizer_edited(self) -> None:
        try:
            config = self.controls.optimizer_config(self.document.scene.optimizer)
        except LossvizError as error:
            self._refuse(error)
            return
        self.document.set_settings(optimizer=config)

    def _on_view_surface_edited(self) -> None:
        try:
            if not self.controls.auto_range.isChecked() and not self.document.scene.surface.fixed \
                    and self.live.surfaces.ranges is None:
                raise LossvizError("The automatic range is being computed: fix it once the surface is drawn.")
            config = self.controls.surface_config(self.document.scene.surface)
        except LossvizError as error:
            self._refuse(error)
            return
        self.document.set_settings(Change.SURFACE, surface=config)

    def _on_view_capacity_edited(self) -> None:
        """Degree, λ or the split edited in the panel (a split leaving too few training samples is refused)."""
        try:
            self.document.set_capacity(**self.controls.overfit_box.settings())
        except LossvizError as error:
            self._refuse(error)

    def _on_view_distribution_edited(self) -> None:
        """P's family, parameters or N edited in the panel: the scene's distribution (the data stay)."""
        box = self.controls.distribution_box
        try:
            distribution = box.distribution()
            if distribution is not None:
                check_feature_reach(distribution, self.document.scene.degree)
        except LossvizError as error:  # refused at the field, never reaching a worker
            box.show_refusal(str(error))
            self.message.emit(str(error), WARNING_MS)
            return
        box.show_refusal(None)
        self.document.set_settings(Change.SURFACE, distribution=distribution)

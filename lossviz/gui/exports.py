"""Slides from the app: the live state as an image (PNG, SVG, PDF, the clipboard) or an animation.

An export draws the live run's ``snapshot()`` (every run, with its real ‖∇L‖) with the same
``Figure`` as ``lossviz render``, over the surface the window shows; it never re-describes it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from lossviz.core.errors import LossvizError
from lossviz.core.scene import SurfaceConfig
from lossviz.gui import dialogs
from lossviz.gui.document import Document
from lossviz.gui.live import LiveRun
from lossviz.gui.render import Figure, animate_scene
from lossviz.gui.theme import THEMES

ANIMATION_SIZE = (1280, 720)
ANIMATION_FPS = 12


class ExportActions(QtCore.QObject):
    """File → Export image, Copy image and Export animation."""

    message = QtCore.Signal(str, int)  # text, milliseconds

    def __init__(self, document: Document, live: LiveRun, parent: QtWidgets.QWidget):
        super().__init__(parent)
        self.document, self.live, self.parent_widget = document, live, parent

    def figure(self, layout: str = "full", scale: float = 1.0, size: tuple[int, int] = (1920, 1080)) -> Figure:
        """The live state as an offscreen Figure (the caller closes it); raises LossvizError without data."""
        live = self.live
        if live.objective is None:
            raise LossvizError("there is nothing to draw: add some data points first")
        scene = self.document.scene
        snapshot = live.snapshot()
        shown = live.shown_surface
        if shown is not None:  # the surface on screen, not a fresh framing
            spec = shown.spec
            scene = scene.replace(surface=SurfaceConfig(x=spec.x_param, y=spec.y_param, x_range=spec.x_range,
                                                        y_range=spec.y_range, resolution=scene.surface.resolution,
                                                        center=scene.surface.center))
        figure = Figure(scene, THEMES[self.document.view_options().theme], size, scale, layout)
        upto = max(result.steps for _, result in snapshot.runs)
        surface, center = snapshot.surface, snapshot.surface_center
        if figure.surface_plot is not None and (surface is None or (shown is not None and shown.request.coarse)):
            surface, center = figure.compute_surface(live.objective, snapshot.runs, upto), None
        figure.draw(live.objective, snapshot.runs, upto, surface, center)
        return figure

    def export_image(self, path: str | Path, layout: str = "full", scale: float = 1.0) -> None:
        """Write the current figure (PNG, SVG or PDF by suffix); raises LossvizError."""
        figure = self.figure(layout, scale)
        try:
            figure.save(path)
        finally:
            figure.close()

    def export_image_dialog(self) -> None:
        """File → Export image: what and how large, then where."""
        options = dialogs.ask_export_options(self.parent_widget)
        if options is None:
            return
        path = dialogs.save_path(self.parent_widget, "Export image", "lossviz.png", dialogs.IMAGE_FILTER)
        if not path:
            return
        try:
            self.export_image(path, *options)
            self.message.emit(f"Exported {path}", 4000)
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot export the image", str(error))

    def copy_image(self) -> None:
        """File → Copy image: the whole figure to the clipboard."""
        if self.live.objective is None:
            return
        figure = self.figure()
        try:
            QtWidgets.QApplication.clipboard().setImage(figure.image())
        finally:
            figure.close()
        self.message.emit("Figure copied to the clipboard", 3000)

    def export_animation(self, path: str | Path, progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] | None = None) -> bool:
        """Animate the scene from its start θ up to the live step (GIF or MP4); False if cancelled."""
        if self.live.objective is None:
            raise LossvizError("there is nothing to animate: add some data points first")
        steps = self.live.step if self.live.step > 0 else None
        return animate_scene(self.document.scene, path, size=ANIMATION_SIZE, fps=ANIMATION_FPS, steps=steps,
                             theme_name=self.document.view_options().theme, progress=progress, cancelled=cancelled)

    def export_animation_dialog(self) -> None:
        """File → Export animation, with a cancellable progress dialog."""
        path = dialogs.save_path(self.parent_widget, "Export animation", "lossviz.gif", dialogs.ANIMATION_FILTER)
        if not path:
            return
        box = dialogs.progress_dialog(self.parent_widget, "Drawing the animation…", 1)

        def progress(done: int, total: int) -> None:
            """Show progress and keep the dialog responsive."""
            box.setMaximum(total)
            box.setValue(done)
            QtWidgets.QApplication.processEvents()

        try:
            finished = self.export_animation(path, progress, box.wasCanceled)
            self.message.emit(f"Exported {path}" if finished else "Export cancelled", 4000)
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot export the animation", str(error))
        finally:
            box.close()

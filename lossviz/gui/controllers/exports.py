"""Slides from the app: the live state as an image (PNG, SVG, PDF, the clipboard) or an animation.

An export draws the live run's ``snapshot()`` (every run, with its real ‖∇L‖) with the same
``Figure`` as ``lossviz render``, over the surface the window shows and with its loss curve's scale;
it never re-describes it. The export dialogs start from the last choices and folder, kept in the
window's QSettings under ``export/``, and propose ``<folder>/<scene name>[-<view>].<ext>``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import numpy as np
from PySide6 import QtCore, QtWidgets

from lossviz.core.errors import LossvizError
from lossviz.core.limits import SLIDE_SIZE
from lossviz.core.scene import Scene, SurfaceConfig
from lossviz.figures import animation
from lossviz.figures.animation import animate_scene
from lossviz.figures.figure import LAYOUTS, Figure
from lossviz.gui.dialogs import common as dialogs
from lossviz.gui.dialogs.common import AnimationOptions, ImageOptions
from lossviz.gui.dialogs.decomposition import DecompositionDialog, save_decomposition
from lossviz.gui.messages import HINT_MS, HOVER_MS, STATUS_MS
from lossviz.gui.state.document import Document
from lossviz.gui.state.live import LiveRun
from lossviz.gui.state.readings import run_snapshot
from lossviz.plots.theme import THEMES, Theme

ANIMATION_SIZE = (1280, 720)
ANIMATION_FPS = 12
MAX_NAME = 60  # characters of a file name made from a title
Choice = TypeVar("Choice")


def scene_file_name(path: Path | None, title: str) -> str:
    """A scene's name for the files exported from it: its file's name, else a slug of its title, else "lossviz"."""
    if path is not None:
        return path.stem
    bare = "".join(c for c in unicodedata.normalize("NFKD", title.lower()) if not unicodedata.combining(c))  # ŷ: y
    slug = re.sub(r"\W+", "-", bare).strip("-_")
    if len(slug) > MAX_NAME:  # whole words: cut at the last word boundary within MAX_NAME characters
        head = slug[:MAX_NAME + 1]
        slug = head[:head.rfind("-")] if "-" in head else slug[:MAX_NAME]
    return slug.rstrip("-_") or "lossviz"


def _as_text(value: object) -> str:
    """A setting as text, as an INI file keeps every value (sizes as WxH)."""
    return f"{value[0]}x{value[1]}" if isinstance(value, tuple) else str(value)


def _stored(settings: QtCore.QSettings, key: str, choices: Iterable[Choice], default: Choice) -> Choice:
    """The choice stored under ``key`` if it still is one of ``choices``, else ``default``."""
    stored = settings.value(key)
    return next((choice for choice in choices if stored is not None and str(stored) == _as_text(choice)), default)


def _filter_entry(file_filter: str, suffix: str) -> str:
    """The entry of a file dialog's filter that names ``*.suffix`` ('' if none)."""
    return next((entry for entry in file_filter.split(";;") if f"*.{suffix})" in entry), "")


class ExportActions(QtCore.QObject):
    """File → Export image, Copy image and Export animation; View → Decomposition."""

    message = QtCore.Signal(str, int)  # text, milliseconds

    def __init__(self, document: Document, live: LiveRun, parent: QtWidgets.QWidget, settings: QtCore.QSettings,
                 theme: Callable[[], str]):
        super().__init__(parent)
        self.document, self.live, self.parent_widget, self.settings = document, live, parent, settings
        self.theme = theme  # the window's theme (the user's preference): what the exports are drawn in
        self.decomposition: DecompositionDialog | None = None  # View → Decomposition, made when first asked for

    def figure(self, layout: str = "full", scale: float = 1.0, size: tuple[int, int] = SLIDE_SIZE) -> Figure:
        """The live state as an offscreen Figure (the caller closes it); raises LossvizError without data."""
        live = self.live
        objective = live.state().objective
        if objective is None:
            raise LossvizError("there is nothing to draw: add some data points first")
        scene = self.document.scene
        snapshot = run_snapshot(live)
        shown = live.surfaces.shown
        if shown is not None and shown.plane is None:  # the surface on screen, not a fresh framing
            spec = shown.spec
            scene = scene.replace(surface=SurfaceConfig(x=spec.x_param, y=spec.y_param, x_range=spec.x_range,
                                                        y_range=spec.y_range, resolution=scene.surface.resolution,
                                                        center=scene.surface.center))
        options = self.document.view_options()
        figure = Figure(scene, THEMES[self.theme()], size, scale, layout)
        if shown is not None and shown.plane is not None:
            figure.plane = shown.plane  # the plane through θ-space the window draws on
        if figure.loss_plot is not None:
            figure.loss_plot.set_log(options.log_loss)  # the curve as the window shows it
        upto = max(result.steps for _, result in snapshot.runs)
        surface, center = snapshot.surface, snapshot.surface_center
        partial = shown is not None and (shown.request.coarse or shown.estimate is not None)  # coarse, or a subsample's
        if figure.surface_plot is not None and (surface is None or partial):
            surface, center = figure.compute_surface(objective, snapshot.runs, upto), None
        figure.draw(objective, snapshot.runs, upto, surface, center)
        return figure

    def export_image(self, path: str | Path, layout: str = "full", scale: float = 1.0) -> None:
        """Write the current figure (PNG, SVG or PDF by suffix); raises LossvizError."""
        figure = self.figure(layout, scale)
        try:
            figure.save(path)
        finally:
            figure.close()

    def export_image_dialog(self) -> None:
        """File → Export image: what, how large and which format (the last choices first), then where."""
        chosen = dialogs.ask_export_options(self.parent_widget, self.image_options())
        if chosen is None:
            return
        self._remember(image_layout=chosen.layout, image_scale=chosen.scale, image_format=chosen.format)
        path = self._ask_path("Export image", chosen.format, chosen.layout, dialogs.IMAGE_FILTER,
                              dialogs.IMAGE_FORMATS, "image_format")
        if path is None:
            return
        try:
            self.export_image(path, chosen.layout, chosen.scale)
            self.message.emit(f"Exported {path}", HINT_MS)
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot export the image", str(error))

    # ------------------------------------------------------------------ remembered choices
    def image_options(self) -> ImageOptions:
        """What Export image offers first: the last choices (at first the whole figure, 1×, PNG)."""
        settings = self.settings
        return ImageOptions(_stored(settings, "export/image_layout", LAYOUTS, "full"),
                            _stored(settings, "export/image_scale", dialogs.IMAGE_SCALES, 1),
                            _stored(settings, "export/image_format", dialogs.IMAGE_FORMATS, "png"))

    def animation_options(self) -> AnimationOptions:
        """What Export animation offers first: the last size, fps and format (GIF when MP4 cannot be written),
        and the steps of ``default_steps``."""
        settings = self.settings
        formats = dialogs.ANIMATION_FORMATS if animation.mp4_available() else ("gif",)
        return AnimationOptions(_stored(settings, "export/animation_size", dialogs.ANIMATION_SIZES, ANIMATION_SIZE),
                                _stored(settings, "export/animation_fps", range(1, dialogs.MAX_FPS + 1), ANIMATION_FPS),
                                self.default_steps(),
                                _stored(settings, "export/animation_format", formats, "gif"))

    def default_steps(self) -> int:
        """The steps an animation shows unless told otherwise: up to the live step, or the scene's steps at step 0."""
        step = self.live.state().step
        return step if step > 0 else self.document.scene.steps

    def folder(self) -> Path:
        """Where exports go first: the folder of the last export, else the scene file's, else the home folder."""
        stored = self.settings.value("export/folder")
        if isinstance(stored, str) and stored and Path(stored).is_dir():
            return Path(stored)
        if self.document.path is not None and self.document.path.parent.is_dir():
            return self.document.path.parent
        return Path.home()

    def proposed_path(self, suffix: str, layout: str = "full") -> Path:
        """``<folder>/<scene name>.<suffix>``, with ``-<layout>`` when one view is exported (see ``scene_file_name``)."""
        name = scene_file_name(self.document.path, self.document.scene.title)
        return self.folder() / f"{name}{'' if layout == 'full' else '-' + layout}.{suffix}"

    def _remember(self, **values: object) -> None:
        for key, value in values.items():
            self.settings.setValue(f"export/{key}", _as_text(value))

    def _ask_path(self, title: str, suffix: str, layout: str, file_filter: str, formats: tuple[str, ...],
                  format_key: str) -> Path | None:
        """The save dialog from ``proposed_path``; remembers the folder and the format the file name asks for.
        A name without a suffix gets ``suffix``."""
        answer = dialogs.save_path(self.parent_widget, title, str(self.proposed_path(suffix, layout)), file_filter,
                                   _filter_entry(file_filter, suffix))
        if not answer:
            return None
        path = Path(answer)
        if not path.suffix:
            path = path.with_name(f"{path.name}.{suffix}")
        self._remember(folder=str(path.parent))
        if path.suffix.lower().lstrip(".") in formats:
            self._remember(**{format_key: path.suffix.lower().lstrip(".")})
        return path

    def ask_image_path(self, title: str, layout: str) -> Path | None:
        """A save dialog for a PNG, SVG or PDF figure named after the scene and ``layout`` (None: cancelled)."""
        return self._ask_path(title, "png", layout, dialogs.IMAGE_FILTER, dialogs.IMAGE_FORMATS, "image_format")

    def copy_image(self) -> None:
        """File → Copy image: the whole figure to the clipboard."""
        if self.live.state().objective is None:
            return
        figure = self.figure()
        try:
            QtWidgets.QApplication.clipboard().setImage(figure.image())
        finally:
            figure.close()
        self.message.emit("Figure copied to the clipboard", HOVER_MS)

    def export_animation(self, path: str | Path, progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] | None = None, size: tuple[int, int] = ANIMATION_SIZE,
                         fps: int = ANIMATION_FPS, steps: int | None = None) -> bool:
        """Animate the scene from its start θ (GIF or MP4 by suffix), ``steps`` updates (default ``default_steps``),
        in the window's theme and loss-curve scale; False if cancelled."""
        if self.live.state().objective is None:
            raise LossvizError("there is nothing to animate: add some data points first")
        options = self.document.view_options()
        return animate_scene(self.document.scene, path, size=size, fps=fps,
                             steps=self.default_steps() if steps is None else steps, theme_name=self.theme(),
                             progress=progress, cancelled=cancelled, log_loss=options.log_loss)

    def export_animation_dialog(self) -> None:
        """File → Export animation: size, fps, steps and format (the last choices first) with the number of
        frames, then where, then a cancellable progress dialog."""
        if self.live.state().objective is None:
            dialogs.show_error(self.parent_widget, "Cannot export the animation",
                               "there is nothing to animate: add some data points first")
            return
        chosen = dialogs.ask_animation_options(self.parent_widget, self.animation_options(), animation.mp4_available())
        if chosen is None:
            return
        self._remember(animation_size=chosen.size, animation_fps=chosen.fps, animation_format=chosen.format)
        path = self._ask_path("Export animation", chosen.format, "full", dialogs.ANIMATION_FILTER,
                              dialogs.ANIMATION_FORMATS, "animation_format")
        if path is None:
            return
        box = dialogs.progress_dialog(self.parent_widget, "Drawing the animation…", 1)

        def progress(done: int, total: int) -> None:
            """Show progress and keep the dialog responsive."""
            box.setMaximum(total)
            box.setValue(done)
            QtWidgets.QApplication.processEvents()

        try:
            finished = self.export_animation(path, progress, box.wasCanceled, chosen.size, chosen.fps, chosen.steps)
            self.message.emit(f"Exported {path}" if finished else "Export cancelled", HINT_MS)
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot export the animation", str(error))
        finally:
            box.close()

    # ------------------------------------------------------------------ View → Decomposition
    def show_decomposition(self) -> None:
        """View → Decomposition: a few samples' own loss surfaces and their mean L(θ|D) at the live θ, in a window of
        its own (Redraw takes the live θ again; Save writes the figure at slide size)."""
        if self.live.state().objective is None:
            self.message.emit("Decomposition: add some data points first", STATUS_MS)
            return
        if self.decomposition is None:
            self.decomposition = DecompositionDialog(self.parent_widget)
            self.decomposition.redrawRequested.connect(self._draw_decomposition)
            self.decomposition.saveRequested.connect(self._save_decomposition)
        self._draw_decomposition()
        self.decomposition.show()
        self.decomposition.raise_()

    def _decomposition_state(self) -> tuple[Scene, np.ndarray, Theme, np.ndarray | None]:
        """The scene, the live θ, the theme and the path so far."""
        state = self.live.state()
        thetas = state.histories[0].thetas
        return (self.document.scene, state.theta.copy(), THEMES[self.theme()],
                thetas.copy() if len(thetas) else None)

    def _draw_decomposition(self) -> None:
        if self.decomposition is None or self.live.state().objective is None:
            return
        try:
            self.decomposition.show_figure(*self._decomposition_state())
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Decomposition", str(error))

    def _save_decomposition(self) -> None:
        if self.live.state().objective is None:
            return
        path = self._ask_path("Save the decomposition", "png", "decomposition", dialogs.IMAGE_FILTER,
                              dialogs.IMAGE_FORMATS, "image_format")
        if path is None:
            return
        try:
            save_decomposition(*self._decomposition_state(), path)
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Save the decomposition", str(error))
            return
        self.message.emit(f"Decomposition saved to {path}", STATUS_MS)

"""Slide figures and animations, drawn offscreen with the window's own plot classes.

``Figure`` lays out the data view, the loss surface and the loss curve (or one of them)
in one pyqtgraph layout, sized in pixels, with fonts, lines and markers scaled to match;
``render_scene`` and ``animate_scene`` are what ``lossviz render`` and ``lossviz animate`` do;
the app's exports draw the live run's ``Snapshot`` with the same ``Figure``. This module
imports the plot classes only, never the window.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lossviz.core.errors import LossvizError

if TYPE_CHECKING:
    from PySide6 import QtGui

    from lossviz.core.experiment import Run
    from lossviz.core.objective import Objective
    from lossviz.core.scene import Scene
    from lossviz.core.surface import Surface
    from lossviz.core.training import FitResult
    from lossviz.gui.theme import Theme

LAYOUTS = ("full", "data", "surface", "curve")
MAX_FRAMES = 120
Runs = list[tuple["Run", "FitResult"]]


def use_offscreen_if_headless() -> None:
    """Draw without a display when none is set (call before Qt is imported)."""
    if not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY") \
            and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def qt_application() -> Any:
    """The running QApplication, made if there is none."""
    from PySide6 import QtWidgets

    return QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])


def content_scale(height: int, scale: float) -> float:
    """Fonts, lines and markers for a figure ``height`` pixels tall at ``scale``: 1.3 at 1080p, never below 0.9."""
    return scale * max(0.9, 1.3 * height / 1080)


def theta_text(theta: np.ndarray) -> str:
    """θ as 'W = [..], b = [..]' with 3 significant digits."""
    W = ", ".join(f"{v:.3g}" for v in theta[:, :-1].ravel())
    b = ", ".join(f"{v:.3g}" for v in theta[:, -1])
    return f"W = [{W}], b = [{b}]"


class Canvas:
    """An offscreen pyqtgraph layout (``grid``) of exactly ``size`` × ``scale`` pixels, with fonts, lines and
    markers scaled to match, and its output: a QImage, PNG, SVG or PDF. Figures put their plots in ``grid``."""

    def __init__(self, scene: Scene, theme: Theme, size: tuple[int, int] = (1920, 1080), scale: float = 1.0,
                 shrink: float = 1.0):
        import pyqtgraph as pg
        from PySide6.QtCore import Qt

        from lossviz.gui.theme import configure_pyqtgraph

        configure_pyqtgraph()
        qt_application()
        self.scene = scene
        self.pixels = (round(size[0] * scale), round(size[1] * scale))
        self.theme = theme.scaled(content_scale(size[1], scale) * shrink)  # shrink < 1: smaller fonts, same pixels
        self.widget = pg.GraphicsLayoutWidget()
        self.widget.setBackground(theme.background)
        self.widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.widget.resize(*self.pixels)
        self.grid = self.widget.ci
        self.grid.setContentsMargins(*(4 * self.theme.scale,) * 4)
        self.grid.setSpacing(6 * self.theme.scale)

    def overflow(self) -> float:
        """How much wider than the image the layout wants to be (its labels and axes at their sizes): 1 or less fits."""
        from PySide6.QtCore import Qt

        return self.grid.effectiveSizeHint(Qt.SizeHint.MinimumSize).width() / self.pixels[0]

    def set_label(self, label: Any, html: str, size: float) -> None:
        """Show ``html`` in a label of the layout, in the theme's colour, at ``size`` points — smaller if its widest
        line would not fit the figure's width (a label as wide as its text would widen the layout past the image)."""
        label.setText(html, color=self.theme.foreground, size=f"{size:.1f}pt")
        room = self.pixels[0] - 12 * self.theme.scale
        width = label.item.boundingRect().width()
        if width > room:
            label.setText(html, color=self.theme.foreground, size=f"{size * 0.98 * room / width:.1f}pt")

    # ------------------------------------------------------------------ output
    def image(self) -> QtGui.QImage:
        """The figure as a QImage of exactly the requested pixel size."""
        from PySide6 import QtGui

        qt_application().processEvents()
        image = QtGui.QImage(*self.pixels, QtGui.QImage.Format.Format_ARGB32)
        image.fill(QtGui.QColor(self.theme.background))
        painter = QtGui.QPainter(image)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        self.widget.render(painter)
        painter.end()
        return image

    def save(self, path: str | Path) -> None:
        """Write PNG, SVG (vectors that every renderer draws alike, see ``svg.py``) or PDF, chosen by the suffix, atomically."""
        from lossviz.core.files import atomic_output

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".png", ".svg", ".pdf"):
            raise LossvizError(f"{path}: cannot tell the format (use .png, .svg or .pdf)")
        with atomic_output(path) as tmp:
            if suffix == ".png":
                self._write_png(tmp, path)
            elif suffix == ".svg":
                self._paint_to_svg(tmp)
            else:
                self._paint_to_pdf(tmp)

    def _write_png(self, target: Path, shown: Path) -> None:
        """Encode the PNG in memory, then write its bytes: a device or a full disk gives one clear error (libpng,
        writing to the file itself, printed its own "libpng error" line)."""
        from PySide6 import QtCore

        buffer = QtCore.QBuffer()
        buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
        # PySide6's stubs say bytes for the format, but at run time it accepts only str
        if not self.image().save(buffer, "PNG"):  # type: ignore[call-overload]
            raise LossvizError(f"{shown}: cannot encode the PNG")
        try:
            with open(target, "wb") as file:
                file.write(bytes(buffer.data().data()))
        except OSError as error:
            raise LossvizError(f"{shown}: cannot write: {error.strerror or error}") from None

    def _paint_to_svg(self, target: Path) -> None:
        from lossviz.gui.svg import write_svg

        qt_application().processEvents()
        title = self.scene.extra.get("title")
        write_svg(self.widget, target, self.pixels, title if isinstance(title, str) else "lossviz")

    def _paint_to_pdf(self, target: Path) -> None:
        from PySide6 import QtCore, QtGui

        qt_application().processEvents()
        writer = QtGui.QPdfWriter(str(target))
        writer.setPageSize(QtGui.QPageSize(QtCore.QSizeF(*self.pixels), QtGui.QPageSize.Unit.Point))
        writer.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0))
        writer.setResolution(72)
        painter = QtGui.QPainter(writer)
        self.widget.render(painter)
        painter.end()

    def close(self) -> None:
        """Let the offscreen widget go."""
        self.widget.close()
        self.widget.deleteLater()


class Figure(Canvas):
    """The lossviz figure for slides: header, data | surface / curve, footer with annotations. Besides
    ``LAYOUTS``, "pair" puts the data and the surface side by side (the population figure)."""

    def __init__(self, scene: Scene, theme: Theme, size: tuple[int, int] = (1920, 1080), scale: float = 1.0,
                 layout: str = "full", formula: bool = True, shrink: float = 1.0):
        from lossviz.gui.data_plot import DataPlot
        from lossviz.gui.loss_plot import LossPlot
        from lossviz.gui.plot_style import style_plot
        from lossviz.gui.surface_plot import SurfacePlot

        super().__init__(scene, theme, size, scale, shrink)
        self.layout_name = layout
        self.formula = formula
        self.surface_center: np.ndarray | None = None
        self.points: Objective | None = None  # every sample's own loss (marker sizes), made at the first draw
        grid = self.grid
        full, wide = layout == "full", layout in ("full", "pair")
        self.header = grid.addLabel("", row=0, col=0, colspan=2 if wide else 1)
        self.data_plot = DataPlot(grid.addPlot(row=1, col=0, rowspan=2 if full else 1), self.theme) \
            if layout in ("full", "data", "pair") else None
        self.surface_plot = SurfacePlot(grid.addPlot(row=1, col=1 if wide else 0), self.theme) \
            if layout in ("full", "surface", "pair") else None
        self.loss_plot = None
        if layout in ("full", "curve"):
            item = grid.addPlot(row=2 if full else 1, col=1 if full else 0)
            self.loss_plot = LossPlot(item, self.theme)
            style_plot(item, self.theme, "Loss curve", "step", "L(θ|D)")
        self.footer = grid.addLabel("", row=3, col=0, colspan=2 if wide else 1)
        if wide:
            grid.layout.setColumnStretchFactor(0, 1)
            grid.layout.setColumnStretchFactor(1, 1)
        if full:
            grid.layout.setRowStretchFactor(1, 3)
            grid.layout.setRowStretchFactor(2, 2)
        self._data_framed = False
        self._test_of: FitResult | None = None  # the run whose test losses _test holds
        self._test: np.ndarray | None = None
        self.widget.show()

    # ------------------------------------------------------------------ content
    def draw(self, objective: Objective, runs: Runs, upto: int, surface: Surface | None = None,
             surface_center: np.ndarray | None = None) -> None:
        """Show the first ``upto`` + 1 entries of each run (runs = [(Run, FitResult)], the main run first)
        and ``surface`` (from ``compute_surface``, or the one a window shows, held at ``surface_center``)."""
        from lossviz.gui.theme import RUN_COLORS

        if surface_center is not None:
            self.surface_center = surface_center
        self._draw_header()
        first = runs[0][1]
        theta = first.thetas[min(upto, first.steps)]
        if self.data_plot is not None:
            from lossviz.gui.plot_style import style_plot

            scene = self.scene
            design = scene.design()
            if self.points is None:  # once, not per frame of an animation (as the window's LiveRun.points)
                self.points = scene.points_objective()
            per_sample = self.points.per_sample(theta)
            self.data_plot.set_model(scene.shape, scene.data, theta, per_sample, features=design.features,
                                     test_rows=design.test)
            self.data_plot.set_class_names(scene.class_names)  # imported columns keep their names, as in the window
            self.data_plot.set_racers([] if len(runs) < 2 else [
                (RUN_COLORS[i % len(RUN_COLORS)], result.thetas[min(upto, result.steps)])
                for i, (_, result) in enumerate(runs)])
            from lossviz.gui.data_plot import axis_labels, display_note

            title = "Data and model" + (f" ({runs[0][0].label})" if len(runs) > 1 else "") + display_note(scene.data.size)
            style_plot(self.data_plot.plot, self.theme, title, *axis_labels(scene))
        if self.surface_plot is not None:
            self._draw_surface(runs, upto, surface)
        if self.loss_plot is not None:
            self._draw_curve(runs, upto)
        self.set_label(self.footer, self._annotation(runs, upto, surface), self.theme.font)
        self.frame()

    def _draw_header(self) -> None:
        from lossviz.core.notation import scene_formula_lines

        title = self.scene.extra.get("title")
        header = f"<b>{title}</b>" if isinstance(title, str) and title else ""
        if self.formula:
            card = " &nbsp;·&nbsp; ".join(scene_formula_lines(self.scene))
            header = f"{header}<br>{card}" if header else card
        self.set_label(self.header, header, self.theme.font * 1.15)

    def _draw_surface(self, runs: Runs, upto: int, surface: Surface | None) -> None:
        from lossviz.gui.surface_plot import style_surface
        from lossviz.gui.theme import RUN_COLORS

        assert self.surface_plot is not None
        scene = self.scene
        x_param, y_param = scene.surface_axes
        (xi, xj), (yi, yj) = scene.shape.param_index(x_param), scene.shape.param_index(y_param)
        style_surface(self.surface_plot.plot, self.theme, x_param, y_param)
        if surface is not None:
            self.surface_plot.set_surface(surface)
        start = scene.init[[xi, yi], [xj, yj]]
        paths = [result.thetas[:min(upto, result.steps) + 1][:, [xi, yi], [xj, yj]] for _, result in runs]
        if len(runs) > 1:
            self.surface_plot.set_race([(run.label, RUN_COLORS[i % len(RUN_COLORS)], path)
                                        for i, ((run, _), path) in enumerate(zip(runs, paths, strict=True))], start)
        else:
            self.surface_plot.set_path(paths[0], start, paths[0][-1])

    def _draw_curve(self, runs: Runs, upto: int) -> None:
        from lossviz.gui.theme import RUN_COLORS

        assert self.loss_plot is not None

        def shown(result: FitResult) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
            """The entries up to ``upto``: steps, losses, stretches."""
            k = min(upto, result.steps) + 1
            stretches = None if result.stretches is None else result.stretches[:k]
            return result.step_axis[:k], result.losses[:k], stretches

        test = self.test_losses(runs)
        if len(runs) > 1:
            self.loss_plot.set_race([(run.label, RUN_COLORS[i % len(RUN_COLORS)], *shown(result))
                                     for i, (run, result) in enumerate(runs)])
        else:
            steps, losses, stretches = shown(runs[0][1])
            self.loss_plot.set_history(steps, losses, stretches=stretches,
                                       test_losses=None if test is None else test[:len(steps)])
        # the axes of the whole runs, so that the frames of an animation share them
        last = max(float(result.step_axis[-1]) for _, result in runs)
        first = min(float(result.step_axis[0]) for _, result in runs)
        # in the plot's y coordinates (log₁₀ on a log axis), fitted to the losses as the app's paused curve is
        values = self.loss_plot.view_values(np.concatenate([result.losses for _, result in runs]
                                                           + ([] if test is None else [test])))
        values = values[np.isfinite(values)]
        box = self.loss_plot.plot.getViewBox()
        box.setXRange(first, max(first + 1, last), padding=0.02)
        if values.size and values.max() > values.min():
            box.setYRange(float(values.min()), float(values.max()), padding=0.05)

    def test_losses(self, runs: Runs) -> np.ndarray | None:
        """L(θ|D_test) at each entry of a single run (None for a race or without a test set), computed once."""
        from lossviz.core.experiment import fit_columns

        if len(runs) != 1 or self.scene.split is None:
            return None
        result = runs[0][1]
        if self._test_of is not result:
            with np.errstate(all="ignore"):
                self._test = fit_columns(self.scene, result.thetas).get("test_loss")
            self._test_of = result
        return self._test

    def _annotation(self, runs: Runs, upto: int, surface: Surface | None) -> str:
        from lossviz.core.notation import parameter_label
        from lossviz.gui.theme import RUN_COLORS

        scene = self.scene
        parts = []
        for i, (run, result) in enumerate(runs):
            k = min(upto, result.steps)
            name = ""
            if len(runs) > 1:
                color = RUN_COLORS[i % len(RUN_COLORS)]
                name = f"<span style='color:{color}'><b>{run.label}</b></span>: "
            test = self.test_losses(runs)
            minimised = ("L(θ|D)" if scene.split is None else "L(θ|D<sub>train</sub>)") + (" + λ/2‖W‖²" if scene.l2 else "")
            losses = f"{minimised} = {result.losses[k]:.4g}" + ("" if test is None else
                                                                 f" · L(θ|D<sub>test</sub>) = {test[k]:.4g}")
            parts.append(f"{name}step {result.step_axis[k]} · {losses} · {theta_text(result.thetas[k])}")
        held = [n for n in scene.shape.param_names() if n not in scene.surface_axes]
        if held and surface is not None and self.surface_plot is not None and self.surface_center is not None:
            center, shape = self.surface_center, scene.shape
            values = ", ".join(f"{parameter_label(n)} = {center[shape.param_index(n)]:.3g}" for n in held[:6])
            parts.append(f"surface: {values}{' …' if len(held) > 6 else ''} held fixed")
        return "<br>".join(parts)

    def frame(self) -> None:
        """Frame the data (once) and the surface."""
        if self.data_plot is not None and not self._data_framed:
            self.data_plot.frame_data()
            self._data_framed = True
            self.data_plot.redraw()
        if self.surface_plot is not None:
            self.surface_plot.frame_surface()

    def compute_surface(self, objective: Objective, runs: Runs, upto: int) -> Surface:
        """The surface for this figure: axes and ranges from the scene; parameters off the axes held at the
        (first run's) θ after ``upto`` steps for one run, at the start θ for a race."""
        from lossviz.core.experiment import surface_spec
        from lossviz.core.surface import loss_surface

        first = runs[0][1]
        path = np.concatenate([result.thetas for _, result in runs])
        center = self.scene.surface_center if len(runs) > 1 or self.scene.surface.center is not None \
            else first.thetas[min(upto, first.steps)]
        self.surface_center = center
        spec = surface_spec(self.scene, objective, path, center=center)
        with np.errstate(all="ignore"):
            return loss_surface(objective, spec)


def qimage_to_pil(image: QtGui.QImage) -> Any:
    """A QImage as a Pillow RGB image (copied)."""
    from PIL import Image
    from PySide6 import QtGui

    rgb = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=stride * height).reshape(height, stride)
    return Image.fromarray(data[:, :3 * width].reshape(height, width, 3).copy())


def draw_scene(scene: Scene, size: tuple[int, int] = (1920, 1080), scale: float = 1.0, theme_name: str = "light",
               steps: int | None = None, layout: str = "full", formula: bool = True) -> Figure:
    """The figure of ``lossviz render``: the scene fitted (or its race) and drawn; the caller closes it."""
    from lossviz.core.experiment import fit_runs
    from lossviz.gui.theme import THEMES

    objective = scene.objective()
    runs = fit_runs(scene, steps)
    upto = max(result.steps for _, result in runs)
    figure = Figure(scene, THEMES[theme_name], size, scale, layout, formula)
    try:
        surface = figure.compute_surface(objective, runs, upto) if figure.surface_plot is not None else None
        figure.draw(objective, runs, upto, surface)
    except BaseException:
        figure.close()
        raise
    return figure


def render_scene(scene: Scene, output: str | Path, size: tuple[int, int] = (1920, 1080), scale: float = 1.0,
                 theme_name: str = "light", steps: int | None = None, layout: str = "full",
                 formula: bool = True) -> None:
    """``lossviz render``: fit the scene (or its race) and write one figure."""
    figure = draw_scene(scene, size, scale, theme_name, steps, layout, formula)
    try:
        figure.save(output)
    finally:
        figure.close()


def frame_steps(total: int, limit: int = MAX_FRAMES) -> np.ndarray:
    """Which steps get a frame: every one up to ``limit`` frames, else evenly spaced (first and last kept)."""
    return np.unique(np.linspace(0, total, min(total + 1, limit)).round().astype(int))


def mp4_available() -> bool:
    """True when the ``mp4`` extra (imageio and imageio-ffmpeg) can be imported."""
    try:
        import imageio.v2  # noqa: F401
        import imageio_ffmpeg  # noqa: F401
    except ImportError:
        return False
    return True


def check_animation_format(output: Path) -> None:
    """Refuse an animation file that is neither .gif nor .mp4, and .mp4 without the extra."""
    suffix = output.suffix.lower()
    if suffix == ".mp4":
        if not mp4_available():
            raise LossvizError("MP4 needs imageio and imageio-ffmpeg: pip install 'lossviz[mp4]' "
                               "(or write a .gif)")
    elif suffix != ".gif":
        raise LossvizError(f"{output}: cannot tell the format (use .gif or .mp4)")


def animate_scene(scene: Scene, output: str | Path, size: tuple[int, int] = (800, 450), fps: int = 12,
                  steps: int | None = None, theme_name: str = "light", layout: str = "full",
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None, log_loss: bool = False) -> bool:
    """``lossviz animate``: one frame per shown step; GIF via Pillow, MP4 via imageio-ffmpeg.

    progress(done, total) is called after each frame; cancelled() returning True stops the
    export and leaves no file. Returns False if cancelled. ``log_loss``: a log₁₀ axis for the loss curve.
    """
    from lossviz.core.experiment import fit_runs
    from lossviz.gui.theme import THEMES

    output = Path(output)
    check_animation_format(output)
    objective = scene.objective()
    runs = fit_runs(scene, steps)
    total = max(result.steps for _, result in runs)
    shown = frame_steps(total)
    figure = Figure(scene, THEMES[theme_name], size, 1.0, layout, formula=True)
    if figure.loss_plot is not None:
        figure.loss_plot.set_log(log_loss)
    held = len(runs) == 1 and scene.surface.center is None and len(scene.shape.param_names()) > 2
    surface = None

    def frame(step: int) -> Any:
        """The figure after ``step`` updates, as a Pillow image."""
        nonlocal surface
        if figure.surface_plot is not None and (surface is None or held):  # held parameters move with θ
            surface = figure.compute_surface(objective, runs, total if surface is None and not held else step)
        figure.draw(objective, runs, step, surface)
        return qimage_to_pil(figure.image())

    try:
        if cancelled is not None and cancelled():
            return False
        last = frame(int(shown[-1]))  # first, so that its colours (the whole path) go into a GIF's palette
        frames: GifFrames | VideoFrames = GifFrames(last) if output.suffix.lower() == ".gif" else VideoFrames()
        for done, step in enumerate(shown, start=1):
            if cancelled is not None and cancelled():
                return False
            frames.add(last if done == len(shown) else frame(int(step)))
            if progress is not None:
                progress(done, len(shown))
    finally:
        figure.close()
    frames.write(output, fps)
    return True


GIF_COLORS = 255


class GifFrames:
    """The frames of a GIF on one palette shared by all of them, each mapped to it with Floyd–Steinberg
    dithering: a palette per frame bands smooth colour ramps (the surface) and flickers from frame to frame.

    The palette comes from the first frame and ``reference`` (the last one, drawn before the others);
    where a frame's pixels are those of the frame before, it keeps that frame's palette indices, so that the
    dither pattern stands still where the picture does (and the GIF stores only what changed).
    Frames are kept quantized: one byte a pixel."""

    def __init__(self, reference: Any):
        self.reference = reference
        self.palette: Any = None
        self.frames: list[Any] = []
        self.previous: tuple[np.ndarray, Any] | None = None  # the last frame added: RGB pixels and its GIF frame

    def add(self, frame: Any) -> None:
        """Append an RGB Pillow image of the animation's size."""
        from PIL import Image

        if self.palette is None:
            both = np.concatenate([np.asarray(frame), np.asarray(self.reference)], axis=0)
            self.palette = Image.fromarray(both).quantize(colors=GIF_COLORS, method=Image.Quantize.MEDIANCUT)
            self.reference = None
        pixels = np.asarray(frame)
        mapped = frame.quantize(palette=self.palette, dither=Image.Dither.FLOYDSTEINBERG)
        if self.previous is not None:
            still = (pixels == self.previous[0]).all(axis=2)
            if still.any():
                mapped.paste(self.previous[1], (0, 0), Image.fromarray(still.astype(np.uint8) * 255))
        self.previous = (pixels, mapped)
        self.frames.append(mapped)

    def write(self, output: Path, fps: int) -> None:
        """Write the GIF atomically. Pillow stores each frame after the first as the rectangle that changed,
        with the palette's free 256th entry as "transparent" where a pixel did not: a local colour table per
        frame, the shared palette plus that entry (naming the palette once would turn this off, at 3× the size)."""
        from lossviz.core.files import atomic_output

        with atomic_output(output) as tmp:
            self.frames[0].save(tmp, format="GIF", save_all=True, append_images=self.frames[1:],
                                duration=max(20, round(1000 / fps)), loop=0, disposal=1)


class VideoFrames:
    """The frames of an MP4 (H.264 via imageio-ffmpeg), kept as RGB arrays until written."""

    def __init__(self) -> None:
        self.frames: list[np.ndarray] = []

    def add(self, frame: Any) -> None:
        """Append an RGB Pillow image of the animation's size."""
        self.frames.append(np.asarray(frame))

    def write(self, output: Path, fps: int) -> None:
        """Write the MP4 atomically."""
        import imageio.v2 as imageio

        from lossviz.core.files import atomic_output

        with atomic_output(output) as tmp:
            with imageio.get_writer(tmp, fps=fps, codec="libx264", quality=8, macro_block_size=1,
                                    format="FFMPEG") as writer:
                for frame in self.frames:
                    writer.append_data(frame)

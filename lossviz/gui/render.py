"""Slide figures and animations, drawn offscreen with the window's own plot classes.

``Figure`` lays out the data view, the loss surface and the loss curve (or one of them)
in one pyqtgraph layout, sized in pixels, with fonts, lines and markers scaled to match;
``render_scene`` and ``animate_scene`` are what ``lossviz render`` and ``lossviz animate`` do.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from lossviz.core.errors import LossvizError

LAYOUTS = ("full", "data", "surface", "curve")
RUN_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#999999")
MAX_FRAMES = 120
MODEL_TEXT = {"regression": "ŷ = Wx + b", "binary": "ŷ = σ(Wx + b)", "multiclass": "ŷ = softmax(Wx + b)"}


def use_offscreen_if_headless() -> None:
    """Draw without a display when none is set (call before Qt is imported)."""
    if not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY") \
            and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def qt_application():
    from PySide6 import QtWidgets

    return QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])


def content_scale(height: int, scale: float) -> float:
    """Fonts, lines and markers for a figure ``height`` pixels tall at ``scale``: 1.3 at 1080p, never below 0.9."""
    return scale * max(0.9, 1.3 * height / 1080)


class Figure:
    """The lossviz figure for slides: header, data | surface / curve, footer with annotations."""

    def __init__(self, scene, theme, size=(1920, 1080), scale: float = 1.0, layout: str = "full",
                 formula: bool = True):
        import pyqtgraph as pg
        from PySide6.QtCore import Qt

        from lossviz.gui.figure import DataPlot, LossPlot, SurfacePlot, style_plot
        from lossviz.gui.theme import configure_pyqtgraph

        configure_pyqtgraph()
        qt_application()
        self.scene = scene
        self.layout_name = layout
        self.pixels = (round(size[0] * scale), round(size[1] * scale))
        self.theme = theme.scaled(content_scale(size[1], scale))
        self.widget = pg.GraphicsLayoutWidget()
        self.widget.setBackground(theme.background)
        self.widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.widget.resize(*self.pixels)
        grid = self.widget.ci
        grid.setContentsMargins(*(4 * self.theme.scale,) * 4)
        grid.setSpacing(6 * self.theme.scale)
        columns = 2 if layout == "full" else 1
        self.header = grid.addLabel("", row=0, col=0, colspan=columns)
        self.data_plot = self.surface_plot = self.loss_plot = None
        if layout in ("full", "data"):
            item = grid.addPlot(row=1, col=0, rowspan=2 if layout == "full" else 1)
            self.data_plot = DataPlot(item, self.theme)
        if layout in ("full", "surface"):
            item = grid.addPlot(row=1, col=1 if layout == "full" else 0)
            self.surface_plot = SurfacePlot(item, self.theme)
        if layout in ("full", "curve"):
            item = grid.addPlot(row=2 if layout == "full" else 1, col=1 if layout == "full" else 0)
            self.loss_plot = LossPlot(item, self.theme)
            style_plot(item, self.theme, "Loss curve", "step", "L(θ|D)")
        self.footer = grid.addLabel("", row=3, col=0, colspan=columns)
        if layout == "full":
            grid.layout.setColumnStretchFactor(0, 1)
            grid.layout.setColumnStretchFactor(1, 1)
            grid.layout.setRowStretchFactor(1, 3)
            grid.layout.setRowStretchFactor(2, 2)
        self._style = style_plot
        self.formula = formula
        self.widget.show()

    # ------------------------------------------------------------------ content
    def _label(self, label, html: str, size: float) -> None:
        label.setText(html, color=self.theme.foreground, size=f"{size:.1f}pt")

    def draw(self, objective, runs, upto: int, surface=None) -> None:
        """Show the state after ``upto`` steps: runs = [(Run, FitResult)], surface from ``compute_surface``."""
        from lossviz.core.losses import LOSSES
        from lossviz.gui.figure import style_surface

        scene, theme = self.scene, self.theme
        x_param, y_param = scene.surface_axes
        shape = scene.shape
        ix, iy = shape.param_index(x_param), shape.param_index(y_param)
        race = len(runs) > 1
        first = runs[0][1]
        k = min(upto, first.steps)
        theta = first.thetas[k]
        title = scene.extra.get("title") if isinstance(scene.extra.get("title"), str) else ""
        header = f"<b>{title}</b>" if title else ""
        if self.formula:
            loss = LOSSES[scene.loss]
            mean = "L(θ|D) = mean<sub>i</sub> l(θ|x<sub>i</sub>, y<sub>i</sub>)"
            card = f"{MODEL_TEXT[scene.task]} &nbsp;·&nbsp; {loss.formula} &nbsp;·&nbsp; {mean}"
            header = f"{header}<br>{card}" if header else card
        self._label(self.header, header, theme.font * 1.15)

        if self.data_plot is not None:
            self.data_plot.set_model(shape, scene.data, theta, objective.per_sample(theta))
            self._style(self.data_plot.plot, theme, "Data and model" + (f" ({runs[0][0].label})" if race else ""),
                        *self.data_plot.labels())
        if self.surface_plot is not None:
            style_surface(self.surface_plot.plot, theme, x_param, y_param)
            if surface is not None:
                self.surface_plot.set_surface(surface)
            start = scene.init[[ix[0], iy[0]], [ix[1], iy[1]]]
            if race:
                paths = [(run.label, RUN_COLORS[i % len(RUN_COLORS)],
                          result.thetas[:min(upto, result.steps) + 1][:, [ix[0], iy[0]], [ix[1], iy[1]]])
                         for i, (run, result) in enumerate(runs)]
                self.surface_plot.set_race(paths, start)
            else:
                path = first.thetas[:k + 1][:, [ix[0], iy[0]], [ix[1], iy[1]]]
                self.surface_plot.set_path(path, start, path[-1])
        if self.loss_plot is not None:
            if race:
                self.loss_plot.set_race([(run.label, RUN_COLORS[i % len(RUN_COLORS)],
                                          r.step_axis[:min(upto, r.steps) + 1], r.losses[:min(upto, r.steps) + 1])
                                         for i, (run, r) in enumerate(runs)])
                self.loss_plot.plot.setXRange(0, max(r.step_axis[-1] for _, r in runs), padding=0.02)
            else:
                self.loss_plot.set_history(first.step_axis[:k + 1], first.losses[:k + 1])
                self.loss_plot.plot.setXRange(0, max(1, first.step_axis[-1]), padding=0.02)
                self.loss_plot.plot.setYRange(0, float(np.max(first.losses)), padding=0.05)
        self._label(self.footer, self._annotation(runs, upto, surface), theme.font)
        self.frame()

    def _annotation(self, runs, upto, surface) -> str:
        scene = self.scene
        parts = []
        for i, (run, result) in enumerate(runs):
            k = min(upto, result.steps)
            theta = result.thetas[k]
            W = ", ".join(f"{v:.3g}" for v in theta[:, :-1].ravel())
            b = ", ".join(f"{v:.3g}" for v in theta[:, -1])
            color = RUN_COLORS[i % len(RUN_COLORS)] if len(runs) > 1 else self.theme.foreground
            name = f"<span style='color:{color}'><b>{run.label}</b></span>: " if len(runs) > 1 else ""
            parts.append(f"{name}step {result.step_axis[k]} · L(θ|D) = {result.losses[k]:.4g} · W = [{W}], b = [{b}]")
        held = [n for n in scene.shape.param_names() if n not in scene.surface_axes]
        if held and surface is not None and self.surface_plot is not None:
            shape = scene.shape
            center = self.surface_center
            values = ", ".join(f"{n} = {center[shape.param_index(n)]:.3g}" for n in held[:6])
            parts.append(f"surface: {values}{' …' if len(held) > 6 else ''} held fixed")
        return "<br>".join(parts)

    def frame(self) -> None:
        if self.data_plot is not None and not getattr(self, "_framed", False):
            self.data_plot.frame_data()
            self._framed = True
            self.data_plot.redraw()
        if self.surface_plot is not None:
            self.surface_plot.frame_surface()

    def compute_surface(self, objective, runs, upto: int):
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

    # ------------------------------------------------------------------ output
    def image(self):
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

    def save(self, path) -> None:
        """Write PNG, SVG (real vectors, via QSvgGenerator) or PDF, chosen by the suffix, atomically."""
        from PySide6 import QtCore, QtGui

        from lossviz.core.files import atomic_output

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".png", ".svg", ".pdf"):
            raise LossvizError(f"{path}: cannot tell the format (use .png, .svg or .pdf)")
        with atomic_output(path) as tmp:
            if suffix == ".png":
                if not self.image().save(str(tmp), "PNG"):
                    raise LossvizError(f"{path}: cannot write the PNG")
            elif suffix == ".svg":
                self._paint_to_svg(tmp)
            else:
                self._paint_to_pdf(tmp)

    def _paint_to_svg(self, target: Path) -> None:
        from PySide6 import QtCore, QtGui
        from PySide6.QtSvg import QSvgGenerator

        qt_application().processEvents()
        generator = QSvgGenerator()
        generator.setFileName(str(target))
        generator.setSize(QtCore.QSize(*self.pixels))
        generator.setViewBox(QtCore.QRect(0, 0, *self.pixels))
        title = self.scene.extra.get("title")
        generator.setTitle(title if isinstance(title, str) else "lossviz")
        painter = QtGui.QPainter(generator)
        self.widget.render(painter)
        painter.end()

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
        self.widget.close()
        self.widget.deleteLater()


def qimage_to_pil(image):
    """A QImage as a Pillow RGB image (copied)."""
    from PIL import Image
    from PySide6 import QtGui

    rgb = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=stride * height).reshape(height, stride)
    return Image.fromarray(data[:, :3 * width].reshape(height, width, 3).copy())


def render_scene(scene, output, size=(1920, 1080), scale=1.0, theme_name="light", steps=None,
                 layout="full", formula=True) -> None:
    """``lossviz render``: fit the scene (or its race) and write one figure."""
    from lossviz.core.experiment import fit_runs
    from lossviz.gui.theme import THEMES

    objective = scene.objective()
    runs = fit_runs(scene, steps)
    upto = max(result.steps for _, result in runs)
    figure = Figure(scene, THEMES[theme_name], size, scale, layout, formula)
    try:
        surface = figure.compute_surface(objective, runs, upto) if figure.surface_plot is not None else None
        figure.draw(objective, runs, upto, surface)
        figure.save(output)
    finally:
        figure.close()


def frame_steps(total: int, limit: int = MAX_FRAMES) -> np.ndarray:
    """Which steps get a frame: every one up to ``limit`` frames, else evenly spaced (first and last kept)."""
    return np.unique(np.linspace(0, total, min(total + 1, limit)).round().astype(int))


def animate_scene(scene, output, size=(800, 450), fps=12, steps=None, theme_name="light", layout="full",
                  progress=None, cancelled=None) -> bool:
    """``lossviz animate``: one frame per shown step; GIF via Pillow, MP4 via imageio-ffmpeg.

    progress(done, total) is called after each frame; cancelled() returning True stops the
    export and leaves no file. Returns False if cancelled.
    """
    from lossviz.core.experiment import fit_runs
    from lossviz.gui.theme import THEMES

    output = Path(output)
    suffix = output.suffix.lower()
    if suffix == ".mp4":
        try:
            import imageio.v2 as imageio  # noqa: F401
            import imageio_ffmpeg  # noqa: F401
        except ImportError:
            raise LossvizError("MP4 needs imageio and imageio-ffmpeg: pip install 'lossviz[mp4]' "
                               "(or write a .gif)") from None
    elif suffix != ".gif":
        raise LossvizError(f"{output}: cannot tell the format (use .gif or .mp4)")
    objective = scene.objective()
    runs = fit_runs(scene, steps)
    total = max(result.steps for _, result in runs)
    shown = frame_steps(total)
    figure = Figure(scene, THEMES[theme_name], size, 1.0, layout, formula=True)
    held = len(runs) == 1 and scene.surface.center is None and len(scene.shape.param_names()) > 2
    frames = []
    try:
        surface = figure.compute_surface(objective, runs, total) if figure.surface_plot is not None else None
        for done, step in enumerate(shown, start=1):
            if cancelled is not None and cancelled():
                return False
            if held and figure.surface_plot is not None:  # the held parameters move with θ
                surface = figure.compute_surface(objective, runs, int(step))
            figure.draw(objective, runs, int(step), surface)
            frames.append(qimage_to_pil(figure.image()))
            if progress is not None:
                progress(done, len(shown))
    finally:
        figure.close()
    from lossviz.core.files import atomic_output

    with atomic_output(output) as tmp:
        if suffix == ".gif":
            duration = max(20, round(1000 / fps))
            from PIL import Image

            palette = [frame.quantize(colors=255, method=Image.Quantize.FASTOCTREE) for frame in frames]
            palette[0].save(tmp, format="GIF", save_all=True, append_images=palette[1:], duration=duration, loop=0,
                            disposal=1)
        else:
            import imageio.v2 as imageio

            with imageio.get_writer(tmp, fps=fps, codec="libx264", quality=8, macro_block_size=1,
                                    format="FFMPEG") as writer:
                for frame in frames:
                    writer.append_data(np.asarray(frame))
    return True

"""Animations: the descent of ``lossviz animate`` frame by frame, written as a GIF (one shared palette) or an MP4.

``frame_writer`` is the one place that chooses GIF or MP4 by the file name; ``animate_scene`` (the descent) and the
resampling animation (``lecture.animate_resample``) both write through it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lossviz.core.errors import LossvizError
from lossviz.figures.canvas import qimage_to_pil
from lossviz.figures.figure import Figure

if TYPE_CHECKING:
    from lossviz.core.scene import Scene

MAX_FRAMES = 120
ANIMATION_SIZE = (800, 450)
ANIMATION_FPS = 12


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


def animate_scene(scene: Scene, output: str | Path, size: tuple[int, int] = ANIMATION_SIZE, fps: int = ANIMATION_FPS,
                  steps: int | None = None, theme_name: str = "light", layout: str = "full",
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None, log_loss: bool = False) -> bool:
    """``lossviz animate``: one frame per shown step; GIF via Pillow, MP4 via imageio-ffmpeg.

    progress(done, total) is called after each frame; cancelled() returning True stops the
    export and leaves no file. Returns False if cancelled. ``log_loss``: a log₁₀ axis for the loss curve.
    """
    from lossviz.core.experiment import fit_runs
    from lossviz.plots.theme import THEMES

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
    if figure.surface_plot is not None and scene.surface.plane != "coords":  # the scene's plane: fixed, nothing held
        from lossviz.core.planes import plane_of

        figure.plane = plane_of(scene.surface.plane, objective, runs[0][1].thetas, axes=scene.surface_axes,
                                center=scene.surface_center, seed=scene.surface.seed)
        held = False
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
        frames = frame_writer(output, last)
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
        """Write the GIF (made in memory, then written in one piece). Pillow stores each frame after the first as the
        rectangle that changed, with the palette's free 256th entry as "transparent" where a pixel did not: a local
        colour table per frame, the shared palette plus that entry (naming the palette once would turn this off, at
        3× the size)."""
        import io

        from lossviz.core.files import write_atomic

        buffer = io.BytesIO()
        self.frames[0].save(buffer, format="GIF", save_all=True, append_images=self.frames[1:],
                            duration=max(20, round(1000 / fps)), loop=0, disposal=1)
        write_atomic(output, buffer.getvalue())


class VideoFrames:
    """The frames of an MP4 (H.264 via imageio-ffmpeg), kept as RGB arrays until written."""

    def __init__(self) -> None:
        self.frames: list[np.ndarray] = []

    def add(self, frame: Any) -> None:
        """Append an RGB Pillow image of the animation's size."""
        self.frames.append(np.asarray(frame))

    def write(self, output: Path, fps: int) -> None:
        """Write the MP4: encoded by ffmpeg into a private temporary folder, then written in one piece."""
        import tempfile

        import imageio.v2 as imageio

        from lossviz.core.files import write_atomic

        with tempfile.TemporaryDirectory(prefix="lossviz-") as folder:
            encoded = Path(folder) / "animation.mp4"
            with imageio.get_writer(encoded, fps=fps, codec="libx264", quality=8, macro_block_size=1,
                                    format="FFMPEG") as writer:
                for frame in self.frames:
                    writer.append_data(frame)
            data = encoded.read_bytes()
        write_atomic(output, data)


def frame_writer(output: Path, reference: Any) -> GifFrames | VideoFrames:
    """The frames of an animation to ``output``: a GIF (on the palette of its first frame and ``reference``, the
    last frame, drawn first) or an MP4, by the file's suffix."""
    return GifFrames(reference) if output.suffix.lower() == ".gif" else VideoFrames()

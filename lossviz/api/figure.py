"""The API's pictures: the figure ``lossviz render`` draws of a scene and the animation ``lossviz animate`` writes —
saved as the command line saves them, or shown inline in a notebook (PNG by default, SVG after
``set_inline_format("svg")``; an animation as an inline GIF)."""

from __future__ import annotations

import base64
import itertools
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from lossviz.core.errors import LossvizError
from lossviz.core.limits import LECTURE_LAYOUTS, SLIDE_SIZE, VIEW_LAYOUTS
from lossviz.core.scene import Scene as CoreScene
from lossviz.process import one_blas_thread_meanwhile

INLINE_FORMATS = ("png", "svg")
IMAGE_SUFFIXES = (".png", ".svg", ".pdf")
DEFAULT_SIZE = SLIDE_SIZE  # pixels of a figure, as lossviz render's default
_inline = {"format": "png"}
_svg_names = itertools.count(1)  # a prefix per inline SVG: its clip paths' ids stay its own on a notebook's page


def set_inline_format(name: str) -> None:
    """How a notebook shows figures and runs inline: "png" (the default) or "svg" (sharp at any zoom, larger)."""
    if name not in INLINE_FORMATS:
        raise LossvizError(f"inline format {name!r}: choose png or svg")
    _inline["format"] = name


def inline_format() -> str:
    """The format figures are shown inline in ("png" or "svg")."""
    return _inline["format"]


class Figure:
    """The figure ``lossviz render`` draws of a scene; ``save`` writes PNG, SVG or PDF as the CLI does, ``to_png``
    gives its bytes, ``to_svg`` its SVG text, ``to_numpy`` its pixels (H, W, 4) RGBA; a notebook shows it inline.
    It is drawn each time it is asked for (the drawing is not kept)."""

    def __init__(self, core: CoreScene, layout: str = "full", size: tuple[int, int] = DEFAULT_SIZE,
                 theme: str = "light", steps: int | None = None, scale: float = 1.0, formula: bool = True,
                 plane: tuple[str, int] | None = None):
        self.core, self.layout, self.size, self.theme = core, layout, size, theme
        self.steps, self.scale, self.formula, self.plane = steps, scale, formula, plane

    def __repr__(self) -> str:
        return f"lossviz.Figure(layout={self.layout!r}, size={self.size}, theme={self.theme!r}, steps={self.steps})"

    def _draw(self) -> Any:
        """The drawn figure (the caller closes it), offscreen where there is no display."""
        from lossviz.figures.canvas import use_offscreen_if_headless

        use_offscreen_if_headless()
        if self.layout in LECTURE_LAYOUTS:
            from lossviz.figures.lecture import draw_lecture

            return draw_lecture(self.core, self.layout, self.size, self.scale, self.theme, self.steps, self.formula)
        from lossviz.figures.figure import draw_scene

        return draw_scene(self.core, self.size, self.scale, self.theme, self.steps, self.layout, self.formula,
                          self.plane)

    def save(self, path: str | Path) -> Path:
        """Write the figure (the suffix chooses PNG, SVG or PDF); returns the path."""
        if Path(path).suffix.lower() not in IMAGE_SUFFIXES:
            raise LossvizError(f"{path}: cannot tell the format from the file name (use .png, .svg, .pdf)")
        with one_blas_thread_meanwhile():
            figure = self._draw()
            try:
                figure.save(path)
            finally:
                figure.close()
        return Path(path)

    def to_png(self) -> bytes:
        """The figure as PNG bytes."""
        with one_blas_thread_meanwhile():
            figure = self._draw()
            try:
                return figure.png_bytes()
            finally:
                figure.close()

    def to_svg(self) -> str:
        """The figure as SVG text (what ``save("x.svg")`` writes)."""
        with tempfile.TemporaryDirectory(prefix="lossviz-") as folder:
            return self.save(Path(folder) / "figure.svg").read_text(encoding="utf-8")

    def to_pil(self) -> Any:
        """The figure as a Pillow image (RGBA)."""
        import io

        from PIL import Image

        return Image.open(io.BytesIO(self.to_png())).convert("RGBA")

    def to_numpy(self) -> np.ndarray:
        """The figure's pixels, (H, W, 4) uint8 RGBA."""
        return np.asarray(self.to_pil())

    def _repr_png_(self) -> bytes | None:
        return self.to_png() if inline_format() == "png" else None

    def _repr_svg_(self) -> str | None:
        if inline_format() != "svg":
            return None
        prefix = f"lossviz{next(_svg_names)}-"  # several figures on one page: each its own clip-path ids
        return self.to_svg().replace('id="', f'id="{prefix}').replace("url(#", f"url(#{prefix}")


class Animation:
    """An animation ``lossviz animate`` wrote (GIF bytes in ``data``); a notebook plays it inline; ``save`` writes it."""

    def __init__(self, data: bytes):
        self.data = data

    def __repr__(self) -> str:
        return f"lossviz.Animation({len(self.data)} bytes of GIF)"

    def save(self, path: str | Path) -> Path:
        """Write the GIF to ``path``; returns the path."""
        if Path(path).suffix.lower() != ".gif":
            raise LossvizError(f"{path}: an inline animation is a GIF: give a file name ending in .gif")
        Path(path).write_bytes(self.data)
        return Path(path)

    def _repr_html_(self) -> str:
        encoded = base64.b64encode(self.data).decode("ascii")
        return f'<img src="data:image/gif;base64,{encoded}" alt="lossviz animation"/>'


def checked_figure(core: CoreScene, layout: str = "full", size: Any = DEFAULT_SIZE, theme: str = "light",
                   steps: int | None = None, scale: float = 1.0, formula: bool = True,
                   plane: str | None = None) -> Figure:
    """The Figure of ``render``, every argument checked as ``lossviz render`` checks its options (one LossvizError
    naming the argument)."""
    from lossviz.api import arguments
    from lossviz.core.decomposition import needs_distribution
    from lossviz.core.scene import MAX_STEPS

    if core.data.size == 0:
        raise LossvizError("data: the scene has no data points; add some before fitting")
    chosen = plane_named(plane)
    if layout not in (*VIEW_LAYOUTS, *LECTURE_LAYOUTS):
        raise LossvizError(f"layout {layout!r}: choose {', '.join((*VIEW_LAYOUTS, *LECTURE_LAYOUTS))}")
    if chosen is not None and layout not in ("full", "surface"):
        raise LossvizError(f"plane: draws the surface; not with layout {layout!r}")
    if layout == "population":
        needs_distribution(core, "layout='population'")
    checked_scale = arguments.figure_scale(scale)
    return Figure(core, layout, arguments.figure_size(size, checked_scale), arguments.theme(theme),
                  arguments.optional_whole(steps, 0, MAX_STEPS, "steps"), checked_scale, bool(formula), chosen)


def plane_named(text: Any) -> tuple[str, int] | None:
    """A plane's name as ``lossviz surface --plane`` takes it ("pca", "random:7", …) as (kind, seed); None stays
    None; LossvizError naming the argument otherwise."""
    from lossviz.core.planes import parse_plane

    if text is None:
        return None
    if not isinstance(text, str):
        raise LossvizError(f"plane: expected a plane's name such as 'pca' or 'random:7', got {text!r}")
    try:
        return parse_plane(text)
    except LossvizError as error:
        raise LossvizError(f"plane: {error}") from None

"""Colours, line widths and font sizes shared by the window and exported figures."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyqtgraph as pg

# Okabe–Ito (colour-blind safe), then two more for classes 8 and 9
CLASS_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                "#D55E00", "#F0E442", "#000000", "#999999", "#882255")
# the runs of an optimizer race, in order (the first is the main run)
RUN_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#999999")

MIN_FONT_PT = 2.0  # the smallest font a figure sets (a fraction of a point rounds to 0, which Qt refuses)


@dataclass(frozen=True)
class Theme:
    """Colours and sizes of one look (light or dark), scaled for exports and presentation."""
    name: str
    background: str
    foreground: str
    grid_alpha: float
    colormap: str
    trajectory: str
    start: str
    current: str
    model: str
    ghost: str
    contour: str
    truth: str = "#6A3D9A"  # what P says (E[y|x], the Bayes boundary): dotted, apart from the model
    population: str = "#FFD54A"  # L(θ|P)'s contours and θ*_P on the surface
    cloud: str = "#3FE0FF"  # the θ*_D of datasets resampled from P: apart from P's yellow and the white contours
    steepest: str = "#FF2E88"  # the Hessian's top eigen-direction on the surface (View → Curvature directions)
    flattest: str = "#FFFFFF"  # and its bottom one
    font_pt: float = 10.0
    line_width: float = 2.0
    marker_size: float = 9.0
    scale: float = 1.0  # multiplies fonts, lines and markers (exports at 2×, 4×; presentation mode)

    def scaled(self, factor: float) -> Theme:
        """The same theme with fonts, lines and markers ``factor`` times larger."""
        return replace(self, scale=self.scale * factor)

    @property
    def font(self) -> float:
        """Font size in points (never below MIN_FONT_PT: a figure shrunk to fit a tiny image still has text Qt can
        set; a size that rounds to 0 was a warning per label)."""
        return max(MIN_FONT_PT, self.font_pt * self.scale)

    @property
    def line(self) -> float:
        """Line width in pixels."""
        return self.line_width * self.scale

    @property
    def marker(self) -> float:
        """Marker size in pixels."""
        return self.marker_size * self.scale

    def class_color(self, label: int) -> str:
        """The colour of class ``label`` (black shows as white on dark)."""
        color = CLASS_COLORS[int(label) % len(CLASS_COLORS)]
        if color == "#000000" and self.name == "dark":
            return "#FFFFFF"
        return color


LIGHT = Theme("light", background="#FFFFFF", foreground="#222222", grid_alpha=0.25, colormap="viridis",
              trajectory="#D55E00", start="#FFFFFF", current="#D55E00", model="#222222", ghost="#CC79A7",
              contour="#FFFFFF")
DARK = Theme("dark", background="#1E1E1E", foreground="#E0E0E0", grid_alpha=0.2, colormap="viridis",
             trajectory="#FF8C42", start="#FFFFFF", current="#FF8C42", model="#F0F0F0", ghost="#CC79A7",
             contour="#FFFFFF", truth="#C8A2FF")
THEMES = {"light": LIGHT, "dark": DARK}


def configure_pyqtgraph() -> None:
    """Global pyqtgraph options lossviz relies on (row-major images, antialiasing)."""
    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)

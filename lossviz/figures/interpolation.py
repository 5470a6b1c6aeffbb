"""The 1-D slice of Goodfellow, Vinyals & Saxe (2015): L((1 − a)θ₀ + aθ_T) for a ∈ [−0.5, 1.5], from the start θ₀
(a = 0) to the end of the fit θ_T (a = 1) and beyond — ``lossviz render --layout interpolation``.

For a linear model the logits are affine in a, so the curve is exact at any N (one pass over the samples per
point); for L2 it is a parabola. The fit's own path is drawn too, at each θ_t's projection on the line, to show
where descent left it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lossviz.core.limits import SLIDE_SIZE
from lossviz.figures.canvas import Canvas

if TYPE_CHECKING:
    from lossviz.core.objective import Objective
    from lossviz.core.scene import Scene
    from lossviz.core.training import FitResult

POINTS = 201  # values of a drawn
A_RANGE = (-0.5, 1.5)


def interpolation_losses(objective: Objective, start: np.ndarray, end: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """L((1 − a)·start + a·end) at each of ``alphas``, penalty included (exactly ``objective.value`` there)."""
    from lossviz.core.planes import DirectionPlane, plane_losses

    direction = end - start
    zero = np.zeros_like(start)
    line = DirectionPlane("line", objective.shape, start, direction, zero, "a", "")
    with np.errstate(all="ignore"):
        return plane_losses(objective, line, alphas, np.zeros(1))[0]


def draw_interpolation(scene: Scene, theme_name: str = "light", size: tuple[int, int] = SLIDE_SIZE,
                       scale: float = 1.0, steps: int | None = None, formula: bool = True) -> Canvas:
    """The interpolation figure of ``scene``'s fit (the caller closes it)."""
    from lossviz.core.experiment import fit_scene
    from lossviz.figures.canvas import fitted
    from lossviz.plots.theme import THEMES

    objective = scene.objective()
    result = fit_scene(scene, steps)
    alphas = np.linspace(*A_RANGE, POINTS)
    losses = interpolation_losses(objective, result.thetas[0], result.thetas[-1], alphas)

    def build(shrink: float) -> Canvas:
        """The figure drawn at ``shrink`` times the sizes."""
        canvas = Canvas(scene, THEMES[theme_name], size, scale, shrink)
        try:
            _draw(canvas, objective, result, alphas, losses, formula)
        except BaseException:
            canvas.close()
            raise
        return canvas

    return fitted(build)


def _draw(canvas: Canvas, objective: Objective, result: FitResult, alphas: np.ndarray, losses: np.ndarray,
          formula: bool) -> None:
    """The curve, the path's dots, θ₀ and θ_T, the header and the footer on ``canvas``."""
    from lossviz.core.notation import optimizer_text, scene_formula_lines
    from lossviz.plots.style import make_pen, style_plot

    scene, theme = canvas.scene, canvas.theme
    start, end = result.thetas[0], result.thetas[-1]
    header = canvas.grid.addLabel("", row=0, col=0)
    plot = canvas.grid.addPlot(row=1, col=0)
    footer = canvas.grid.addLabel("", row=2, col=0)
    style_plot(plot, theme, "L on the line from the start θ₀ (a = 0) to the fit's end θ<sub>T</sub> (a = 1)", "a",
               "L((1 − a)θ₀ + aθ<sub>T</sub>)")
    finite = np.isfinite(losses)
    plot.plot(alphas[finite], losses[finite], pen=make_pen(theme.trajectory, theme.line))
    _draw_path(plot, theme, objective, result.thetas, start, end)
    for a, symbol, color in ((0.0, "o", theme.start), (1.0, "star", theme.current)):
        value = float(objective.value(start + a * (end - start)))
        plot.plot([a], [value], pen=None, symbol=symbol, symbolSize=18 * theme.scale, symbolBrush=color,
                  symbolPen=make_pen("#000000", theme.scale))
    lines = [f"<b>{scene.title}</b>"] if scene.title else []
    if formula:
        lines.append(" &nbsp;·&nbsp; ".join(scene_formula_lines(scene)))
    canvas.set_label(header, "<br>".join(lines), theme.font * 1.15)
    canvas.set_label(footer, f"{optimizer_text(scene.optimizer)} · {result.steps} steps · L(θ₀) = {result.losses[0]:.4g}, "
                     f"L(θ<sub>T</sub>) = {result.losses[-1]:.4g}<br>the dots: each θ<sub>t</sub> of the path at its "
                     "projection on the line (Goodfellow, Vinyals &amp; Saxe 2015)", theme.font)
    canvas.grid.layout.setRowStretchFactor(1, 1)
    canvas.widget.show()  # laid out at the image's size (it is never shown on screen)


def _draw_path(plot: object, theme: object, objective: Objective, thetas: np.ndarray, start: np.ndarray,
               end: np.ndarray) -> None:
    """Each θ_t of the path as a dot at a_t = its projection on the line, at height L(θ_t) (off the line, L there is
    not the curve's: the gap says how far descent left the line)."""
    direction = end - start
    length = float(np.vdot(direction, direction))
    if not length > 0:
        return
    a = np.tensordot(thetas - start, direction, axes=2) / length
    values = objective.data_values(thetas) + np.array([objective.penalty(theta) for theta in thetas])
    keep = np.isfinite(values) & (a >= A_RANGE[0]) & (a <= A_RANGE[1])
    plot.plot(a[keep], values[keep], pen=None, symbol="o", symbolSize=5 * theme.scale,  # type: ignore[attr-defined]
              symbolBrush=theme.foreground, symbolPen=None)  # type: ignore[attr-defined]

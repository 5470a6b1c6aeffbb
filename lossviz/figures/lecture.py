"""The lecture's figures on P(X, Y), D and the losses l and L, drawn offscreen like ``render.py``'s.

- ``draw_decomposition``: "the expected loss turns a sample-based loss into a dataset-based loss" — the loss
  surfaces l(θ|x_i, y_i) of a few samples, "+ … +" between them, "=" and their mean L(θ|D), over one grid
  with one colour scale, ★ at θ on each (``lossviz render --layout decomposition``; the app can call it with
  a live θ).
- ``draw_population``: the data with what P says about y (E[y|x] or the Bayes boundary), and L(θ|D) as the
  heat map with L(θ|P) as dashed contours, θ*_D (+), θ*_P (×), the θ*_D of 20 datasets resampled from P
  and the fit's path (``--layout population``).
- ``animate_resample``: one frame per dataset drawn from P, the cloud of θ*_D growing over L(θ|P)
  (``lossviz animate --resample``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lossviz.core.features import SUBSCRIPTS
from lossviz.core.limits import SLIDE_SIZE
from lossviz.core.plane import AxisPlane
from lossviz.figures.animation import check_animation_format, frame_writer
from lossviz.figures.canvas import Canvas, fitted, qimage_to_pil
from lossviz.figures.figure import Figure, theta_text

if TYPE_CHECKING:
    from lossviz.core.distributions import Distribution
    from lossviz.core.objective import Objective
    from lossviz.core.scene import Scene
    from lossviz.core.surface import Surface, SurfaceSpec
    from lossviz.plots.surface import SurfacePlot
    from lossviz.plots.theme import Theme

SHOWN_SAMPLES = 4
RESAMPLED = 20  # datasets drawn from P for the cloud of θ*_D
MONTE_CARLO_RESOLUTION = 64  # grid of a Monte-Carlo L(θ|P) drawn as contours (each point a mean over 100,000 draws)


def subscript(number: int) -> str:
    """``number`` in subscript digits: 12 → ₁₂."""
    return str(number).translate(SUBSCRIPTS)


def one_over(n: int) -> str:
    """¹⁄ₙ with the digits of ``n``: 30 → ¹⁄₃₀."""
    return "¹⁄" + subscript(n)


def number_text(value: float) -> str:
    """A number with 3 significant digits and a real minus sign."""
    return f"{value:.3g}".replace("-", "−")


def distribution_html(distribution: Distribution) -> str:
    """P(X, Y) in the lecture's notation, e.g. "x ∼ U(−3, 3), y = 0.8·x + 0.3 + ε, ε ∼ N(0, 0.5²)"."""
    p, t = distribution.params, number_text
    if distribution.name in ("line", "sine"):
        low, high = p["x_range"]
        mean = (f"{t(p['slope'])}·x + {t(p['intercept'])}" if distribution.name == "line"
                else f"{t(p['amplitude'])}·sin(2π·{t(p['frequency'])}·x)")
        return f"x ∼ U({t(low)}, {t(high)}), y = {mean} + ε, ε ∼ N(0, {t(p['noise'])}²)"
    if distribution.name == "blobs":
        means = ", ".join("(" + ", ".join(t(v) for v in mean) + ")" for mean in p["means"])
        classes = len(p["means"])
        return (f"y ∼ U{{0, …, {classes - 1}}}, x | y = c ∼ N(μ<sub>c</sub>, {t(p['std'])}²·I), "
                f"μ = {means}")
    return f"x ∼ U([−{t(p['r'])}, {t(p['r'])}]²), y = [x₁x₂ > 0], flipped with probability {t(p['flip'])}"


def sample_text(scene: Scene, index: int) -> str:
    """x_i = …, y_i = … of sample ``index`` (0-based; written 1-based like the lecture's x₁ … x_N)."""
    data, i = scene.data, subscript(index + 1)
    x = data.X[index]
    shown = number_text(x[0]) if len(x) == 1 else "(" + ", ".join(number_text(v) for v in x) + ")"
    label = number_text(data.y[index]) if scene.task == "regression" else str(int(data.y[index]))
    return f"x{i} = {shown}, y{i} = {label}"


def axes_of(scene: Scene) -> Callable[[np.ndarray], np.ndarray]:
    """θ's (M, k, d+1) → their two surface coordinates (M, 2)."""
    return AxisPlane.of(scene).coordinates


def lecture_theme(theme: Theme | str) -> Theme:
    """A Theme, or the theme of that name."""
    from lossviz.plots.theme import THEMES

    return THEMES[theme] if isinstance(theme, str) else theme


def surfaces_on(spec: SurfaceSpec, objectives: list[Objective]) -> list[Surface]:
    """The surfaces of ``objectives`` on one grid (overflow shows as inf, not as warnings)."""
    from lossviz.core.surface import loss_surface

    with np.errstate(all="ignore"):
        return [loss_surface(objective, spec) for objective in objectives]


# ---------------------------------------------------------------------------------------------- decomposition

def shared_scale(surfaces: list[Surface]) -> tuple[float, float, np.ndarray]:
    """One colour scale and one set of contour levels for several surfaces: from the smallest value of any of
    them to the largest of the last one (the mean: it spans the full colour ramp; a single sample's loss
    grows far beyond it and saturates there), contours at the mean's levels."""
    from lossviz.plots.surface import surface_levels

    finite = [s.loss[np.isfinite(s.loss)] for s in surfaces]
    lo = min((float(values.min()) for values in finite if values.size), default=0.0)
    hi = float(finite[-1].max()) if finite[-1].size else lo + 1.0
    return lo, max(hi, lo + 1e-9), surface_levels(surfaces[-1].loss)


def apply_scale(plot: SurfacePlot, surface: Surface, lo: float, hi: float, levels: np.ndarray) -> None:
    """Draw ``surface`` on the colour scale [lo, hi] with contours at ``levels``."""
    import contourpy

    from lossviz.core.geometry import contour_lines, join_lines

    plot.image.setLevels((lo, hi))
    if plot.colorbar is not None:
        plot.colorbar.setLevels((lo, hi))
    values = np.where(np.isfinite(surface.loss), surface.loss, hi * 10)
    generator = contourpy.contour_generator(surface.x, surface.y, values)
    plot.contours.setData(*join_lines([line for level in levels for line in contour_lines(generator, level)]))


def fit_title(plot: Any) -> None:
    """Give a plot's title the height of its text (pyqtgraph keeps 30 pixels, one line at 1×)."""
    height = plot.titleLabel.item.boundingRect().height()
    plot.titleLabel.setMaximumHeight(height)
    plot.layout.setRowFixedHeight(0, height)


class DecompositionFigure(Canvas):
    """¹⁄N ( l(θ|x_i, y_i) + … + l(θ|x_j, y_j) … ) = L(θ|D): the samples' loss surfaces two to a row, their mean
    large on the right, all over the same grid and colour scale with ★ at θ. ``sample_plots`` and ``mean_plot``
    are the SurfacePlots, ``samples`` the indices shown (0-based), ``operators`` the labels of "+ … +" and "=",
    ``levels`` the shared (lo, hi) of the colour scale and ``contour_levels`` the shared contours."""

    def __init__(self, scene: Scene, theme: Theme, size: tuple[int, int], scale: float, samples: np.ndarray,
                 shrink: float = 1.0):
        from lossviz.plots.surface import SurfacePlot

        super().__init__(scene, theme, size, scale, shrink)
        self.samples = samples
        self.levels: tuple[float, float] = (0.0, 1.0)
        self.contour_levels = np.empty(0)
        grid, count = self.grid, len(samples)
        per_row = 2 if count > 2 else count
        rows, mean_column = -(-count // per_row), 2 * per_row + 1
        self.header = grid.addLabel("", row=0, col=0, colspan=mean_column + 1)
        self.operators, self.sample_plots = [], []
        for k in range(count):  # the operator before each sample, then the sample
            row, column = 1 + k // per_row, 2 * (k % per_row)
            self.operators.append(grid.addLabel("", row=row, col=column))
            self.sample_plots.append(SurfacePlot(grid.addPlot(row=row, col=column + 1), self.theme, colorbar=False))
        self.operators.append(grid.addLabel("", row=rows, col=2 * ((count - 1) % per_row) + 2))  # ") ="
        self.mean_plot = SurfacePlot(grid.addPlot(row=1, col=mean_column, rowspan=rows), self.theme)
        self.footer = grid.addLabel("", row=rows + 1, col=0, colspan=mean_column + 1)
        self.operator_texts = self._operator_texts(scene.data.size)
        for column in range(0, mean_column, 2):
            grid.layout.setColumnStretchFactor(column, 0)
            grid.layout.setColumnStretchFactor(column + 1, 4)
        grid.layout.setColumnStretchFactor(mean_column, 4 * per_row)
        for row in range(1, rows + 1):
            grid.layout.setRowStretchFactor(row, 1)
        self.widget.show()

    def _operator_texts(self, n: int) -> list[str]:
        """What stands before each sample's plot and after the last: "+" between neighbours in the order of their
        losses, "+ … +" where samples of losses between theirs are left out, the ¹⁄N ( … ) of the mean and "="."""
        picks = [int(i) for i in np.unique(np.round(np.linspace(0, n - 1, len(self.samples))).astype(int))]  # ranks
        lead = one_over(n) + " (" + (" … +" if picks[0] > 0 else "")
        between = ["+" if b == a + 1 else "+ … +" for a, b in zip(picks, picks[1:])]
        tail = ("+ … " if picks[-1] < n - 1 else "") + ") ="
        return [lead, *between, tail]

    def draw(self, theta: np.ndarray, sample_surfaces: list[Surface], mean_surface: Surface, per_sample: np.ndarray,
             center: np.ndarray | None = None, formula: bool = True) -> None:
        """Show the samples' surfaces and their mean at θ (k, d+1); ``per_sample``: l(θ|x_i, y_i) for every i;
        ``center``: where the parameters off the surface are held (default θ)."""
        from lossviz.plots.style import clear_scatter, set_title
        from lossviz.plots.surface import style_surface

        scene, theme = self.scene, self.theme
        lo, hi, levels = shared_scale([*sample_surfaces, mean_surface])
        self.levels, self.contour_levels = (lo, hi), levels
        here = axes_of(scene)(theta[None])[0]
        n, small = scene.data.size, f"<span style='font-size:{theme.font * 0.9:.1f}pt'>"
        titles = [f"l(θ|x{subscript(i + 1)}, y{subscript(i + 1)}) = {number_text(per_sample[i])} at ★"
                  f"<br>{small}{sample_text(scene, i)}</span>" for i in self.samples]
        titles.append(f"L(θ|D) = {number_text(float(np.mean(per_sample)))} at ★<br>{small}"
                      f"{one_over(n)} Σ<sub>i</sub> l(θ|x<sub>i</sub>, y<sub>i</sub>): the mean over all N = {n}</span>")
        for plot, surface, title in zip([*self.sample_plots, self.mean_plot], [*sample_surfaces, mean_surface], titles):
            style_surface(plot.plot, theme, *scene.surface_axes)
            plot.set_surface(surface)
            apply_scale(plot, surface, lo, hi, levels)
            plot.set_path(np.empty((0, 2)), None, here)
            plot.frame_surface()
            set_title(plot.plot, theme, title)
            fit_title(plot.plot)
        for plot in self.sample_plots:  # one sample's minima are a whole line (L2) or far away: the line says it
            plot.note.setVisible(False)
            clear_scatter(plot.minimum)
        for label, text in zip(self.operators, self.operator_texts):
            self.set_label(label, f"<b>{text}</b>", theme.font * 1.8)
        self._draw_texts(theta, sample_surfaces, theta if center is None else center, formula)

    def _draw_texts(self, theta: np.ndarray, sample_surfaces: list[Surface], center: np.ndarray, formula: bool) -> None:
        from lossviz.core.notation import model_and_loss_lines

        scene, n = self.scene, self.scene.data.size
        header = ("<b>The expected loss turns a sample-based loss into a dataset-based loss</b><br>"
                  f"L(θ|D) = E<sub>(x, y)∼D</sub>[l(θ|x, y)] = {one_over(n)} Σ<sub>i</sub> l(θ|x<sub>i</sub>, y<sub>i</sub>)")
        if formula:
            header += "<br>" + " &nbsp;·&nbsp; ".join(model_and_loss_lines(scene))
        self.set_label(self.header, header, self.theme.font * 1.15)
        ranks = "from the smallest loss at ★ to the largest" + ("" if len(self.samples) == n else
                                                                 " (evenly spaced ranks)")
        shown = ", ".join(f"x{subscript(i + 1)}" for i in self.samples)
        valleys = "; dashed: where a sample's loss is 0" if any(s.valley is not None for s in sample_surfaces) else ""
        self.set_label(self.footer, f"★ θ = {theta_text(theta)} &nbsp;·&nbsp; shown: {shown} of N = {n}, {ranks}<br>"
                                    "one grid, one colour scale (a sample's loss saturates above the mean's largest "
                                    f"value){valleys}{held_text(scene, center)}", self.theme.font)


def draw_decomposition(scene: Scene, theta: np.ndarray, theme: Theme | str = "light",
                       size: tuple[int, int] = SLIDE_SIZE, scale: float = 1.0, path: np.ndarray | None = None,
                       count: int = SHOWN_SAMPLES, formula: bool = True) -> DecompositionFigure:
    """The decomposition at θ (k, d+1) — e.g. the app's live θ: ``count`` samples spread in loss at θ
    (``spread_samples``) and the mean. The grid frames the start, ``path`` (θ's, default θ alone) and, for L2,
    the data's minimum; parameters off the surface are held at θ (or the scene's surface center). The caller
    closes the figure."""
    from lossviz.core.decomposition import sample_objective, spread_samples
    from lossviz.core.experiment import surface_spec

    objective = scene.objective()
    per_sample = objective.per_sample(theta)
    samples = spread_samples(per_sample, count)
    center = theta if scene.surface.center is None else scene.surface.center
    spec = surface_spec(scene, objective, theta[None] if path is None else path, center=center)
    surfaces = surfaces_on(spec, [*(sample_objective(objective, int(i)) for i in samples), objective])

    def build(shrink: float) -> DecompositionFigure:
        """The figure drawn at ``shrink`` times the sizes."""
        figure = DecompositionFigure(scene, lecture_theme(theme), size, scale, samples, shrink)
        try:
            figure.draw(theta, surfaces[:-1], surfaces[-1], per_sample, center, formula)
        except BaseException:
            figure.close()
            raise
        return figure

    return fitted(build)


# ---------------------------------------------------------------------------------------------- population

def population_spec(scene: Scene, thetas: np.ndarray, center: np.ndarray) -> SurfaceSpec:
    """The grid of the population figures: the scene's ranges where it has them, else framing ``thetas``
    (M, k, d+1) — the minima and θ — tightly: the cloud of θ*_D is what the picture is about (a path from a
    far start comes in from the edge)."""
    from lossviz.core.surface import SurfaceSpec, auto_range, frame_points

    points = axes_of(scene)(thetas)
    config = scene.surface
    framed = frame_points(points) or (auto_range(np.zeros(1)), auto_range(np.zeros(1)))  # the window's frame
    x_range = config.x_range or framed[0]
    y_range = config.y_range or framed[1]
    return SurfaceSpec(*scene.surface_axes, x_range, y_range, config.resolution, center.copy())


class PopulationPicture:
    """What the population figure and the resampling animation show: L(θ|P), θ*_P, the θ*_D of datasets
    resampled from P (seeds seed+1 … seed+count, N each) and the grid, framed to show them all."""

    def __init__(self, scene: Scene, path: np.ndarray, steps: int, center: np.ndarray, count: int = RESAMPLED):
        from lossviz.core.population import exact, minimum_of, population_objective, resample_minima
        from lossviz.core.surface import SurfaceSpec

        distribution = scene.distribution
        assert distribution is not None, "the population figures need the scene's distribution"
        self.distribution, self.n, self.count = distribution, scene.data.size, count
        features = scene.design().features  # L(θ|P) and the fits of the model the scene has: its φ and λ, as the window
        self.population = population_objective(distribution, scene.shape, scene.loss, features, scene.l2)
        self.exact = exact(self.population)
        self.theta_star = minimum_of(self.population, scene.init, scene.optimizer, steps)
        self.minima = resample_minima(distribution, scene.shape, scene.loss, scene.init, scene.optimizer, steps,
                                      count, n=self.n, features=features, l2=scene.l2)
        self.spec = population_spec(scene, np.concatenate([path[-1:], self.minima, self.theta_star[None]]), center)
        resolution = self.spec.resolution if self.exact else min(self.spec.resolution, MONTE_CARLO_RESOLUTION)
        coarse = SurfaceSpec(self.spec.x_param, self.spec.y_param, self.spec.x_range, self.spec.y_range, resolution,
                             self.spec.center)
        self.surface = surfaces_on(coarse, [self.population])[0]

    def datasets(self) -> list[Any]:
        """The resampled datasets themselves (those of ``resample_minima``)."""
        d = self.distribution
        return [d.sample(self.n, seed=d.seed + 1 + k) for k in range(self.count)]

    def how(self) -> str:
        """How L(θ|P) is computed, in a few words."""
        from lossviz.core.population import POPULATION_DRAWS

        return "exact (closed form)" if self.exact else f"Monte Carlo over {POPULATION_DRAWS:,} draws from P"


def population_header(scene: Scene, picture: PopulationPicture, formula: bool, what: str) -> str:
    """The header of the population figures: title, P, N and ``what`` is shown."""
    from lossviz.core.notation import model_and_loss_lines

    lines = [f"<b>{scene.title}</b>"] if scene.title else []
    lines.append(f"P = {picture.distribution.name}: {distribution_html(picture.distribution)}")
    lines.append(f"{what} &nbsp;·&nbsp; L(θ|P) = E<sub>P</sub>[l(θ|x, y)], {picture.how()}")
    if formula:
        lines.append(" &nbsp;·&nbsp; ".join(model_and_loss_lines(scene)))
    return "<br>".join(lines)


def add_legend(plot: Any, theme: Theme, entries: list[tuple[Any, str]], offset: tuple[float, float]) -> None:
    """A legend of (item, text) on ``plot`` (one that is there already is emptied first)."""
    import pyqtgraph as pg

    from lossviz.plots.style import with_alpha

    if plot.legend is None:
        plot.addLegend(offset=offset, labelTextColor=theme.foreground, labelTextSize=f"{theme.font * 0.85:.1f}pt",
                       brush=pg.mkBrush(with_alpha(theme.background, 215)), pen=pg.mkPen(theme.foreground))
    plot.legend.clear()
    for item, text in entries:
        plot.legend.addItem(item, text)


def quiet_corner(points: np.ndarray, spec: SurfaceSpec) -> tuple[float, float]:
    """A legend's offset into the corner of the surface plot with the fewest of ``points`` (M, 2) under it (a
    legend takes about ⅔ of the plot's width and ⅖ of its height): it must not hide the cloud (top right on a tie)."""
    (x0, x1), (y0, y1) = spec.x_range, spec.y_range
    u, v = (points[:, 0] - x0) / (x1 - x0), (points[:, 1] - y0) / (y1 - y0)
    corners = {(-10, 10): (u > 0.33) & (v > 0.6), (10, 10): (u < 0.67) & (v > 0.6),
               (-10, -10): (u > 0.33) & (v < 0.4), (10, -10): (u < 0.67) & (v < 0.4)}
    return min(corners, key=lambda corner: int(corners[corner].sum()))


def draw_population(scene: Scene, theme: Theme | str = "light", size: tuple[int, int] = SLIDE_SIZE,
                    scale: float = 1.0, steps: int | None = None, formula: bool = True) -> Figure:
    """The population figure: data and P's overlay | L(θ|D) (heat map), L(θ|P) (dashed), θ*_D, θ*_P, the cloud of
    θ*_D of datasets drawn from P and the fit's path. The caller closes it."""
    from lossviz.core.experiment import fit_runs

    objective = scene.objective()
    runs = fit_runs(scene, steps)[:1]
    result = runs[0][1]
    theta = result.thetas[-1]
    center = theta if scene.surface.center is None else scene.surface.center
    picture = PopulationPicture(scene, result.thetas, scene.steps if steps is None else steps, center)
    surface = surfaces_on(picture.spec, [objective])[0]

    def build(shrink: float) -> Figure:
        """The figure drawn at ``shrink`` times the sizes."""
        figure = Figure(scene, lecture_theme(theme), size, scale, "pair", formula, shrink)
        try:
            figure.draw(objective, runs, result.steps, surface, center)
            dress_population(figure, picture, theta, result.steps, objective, formula)
        except BaseException:
            figure.close()
            raise
        return figure

    return fitted(build)


def dress_population(figure: Figure, picture: PopulationPicture, theta: np.ndarray, steps: int, objective: Objective,
                     formula: bool) -> None:
    """Add P to a drawn figure: the overlay, L(θ|P)'s contours, θ*_P, the cloud, legends, header and footer."""
    import pyqtgraph as pg

    from lossviz.plots.style import set_title

    assert figure.data_plot is not None and figure.surface_plot is not None
    scene, theme, project = figure.scene, figure.theme, axes_of(figure.scene)
    data_plot, surface_plot = figure.data_plot, figure.surface_plot
    data_plot.set_truth(picture.distribution)
    surface_plot.set_population(picture.surface, project(picture.theta_star[None])[0])
    surface_plot.set_cloud(project(picture.minima))
    n = picture.n
    set_title(data_plot.plot, theme, f"D: N = {n} samples drawn from P, and the model at ★")
    set_title(surface_plot.plot, theme, "L(θ|D) (colours, white contours) and L(θ|P) (dashed)")
    truth = "E[y|x] under P" if scene.task == "regression" else "Bayes boundary under P"
    model = data_plot.model_curve if scene.dims == 1 and scene.task != "multiclass" else data_plot.boundary
    add_legend(data_plot.plot, theme, [(data_plot.truth, truth), (model, "model at ★ (fit to D)")], (10, 10))
    # θ* of a loss other than L2 is where the scene's descent ends (BCE's minimum of separable data is at infinity)
    end = "minimum of" if scene.loss == "l2" else f"end of {steps} steps on"
    entries = [(surface_plot.current, f"θ after {steps} steps from ○ (the path)")]
    if len(surface_plot.minimum.data):  # white on the heat map; in the legend in the text's colour
        plus = pg.ScatterPlotItem([0], [0], symbol="+", size=16 * theme.scale, brush=None,
                                  pen=pg.mkPen(theme.foreground, width=2 * theme.scale))
        entries.append((plus, "θ*<sub>D</sub>: minimum of L(θ|D) on the grid"))
    entries += [(surface_plot.population_minimum, f"θ*<sub>P</sub>: {end} L(θ|P)"),
                (surface_plot.cloud, f"θ*<sub>D</sub> ({end} L(θ|D)) of {picture.count} other D ∼ P, N = {n}"),
                (surface_plot.population, "L(θ|P) contours")]
    marks = project(np.concatenate([picture.minima, picture.theta_star[None], theta[None]]))
    add_legend(surface_plot.plot, theme, entries, quiet_corner(marks, picture.spec))
    header = population_header(scene, picture, formula, f"D ∼ P<sup>N</sup>, N = {n}")
    figure.set_label(figure.header, header, theme.font * 1.15)
    figure.set_label(figure.footer, "<br>".join([
        f"at ★ θ = {theta_text(theta)}: L(θ|D) = {number_text(objective.value(theta))}, "
        f"L(θ|P) = {number_text(picture.population.value(theta))}",
        f"× θ*<sub>P</sub> = {theta_text(picture.theta_star)}: L(θ*<sub>P</sub>|P) = "
        f"{number_text(picture.population.value(picture.theta_star))}{held_text(scene, picture.spec.center)}"]),
        theme.font)


def held_text(scene: Scene, center: np.ndarray) -> str:
    """" · surface: b₁ = 0.3 held fixed" for the parameters off the surface's axes ("" when there are none)."""
    values = AxisPlane.of(scene).held_text(center, number_text)
    return f" &nbsp;·&nbsp; surface: {values} held fixed" if values else ""


def draw_lecture(scene: Scene, layout: str, size: tuple[int, int] = SLIDE_SIZE, scale: float = 1.0,
                 theme_name: str = "light", steps: int | None = None, formula: bool = True) -> Canvas:
    """The figure of ``lossviz render --layout decomposition|population|interpolation``; the caller closes it."""
    from lossviz.core.experiment import fit_scene

    if layout == "interpolation":
        from lossviz.figures.interpolation import draw_interpolation

        return draw_interpolation(scene, theme_name, size, scale, steps, formula)
    if layout == "decomposition":
        result = fit_scene(scene, steps)
        return draw_decomposition(scene, result.thetas[-1], theme_name, size, scale, result.thetas, formula=formula)
    return draw_population(scene, theme_name, size, scale, steps, formula)


def render_lecture(scene: Scene, output: str | Path, layout: str, size: tuple[int, int] = SLIDE_SIZE,
                   scale: float = 1.0, theme_name: str = "light", steps: int | None = None, formula: bool = True) -> None:
    """``lossviz render --layout decomposition|population|interpolation``: fit the scene and write the figure."""
    figure = draw_lecture(scene, layout, size, scale, theme_name, steps, formula)
    try:
        figure.save(output)
    finally:
        figure.close()


# ---------------------------------------------------------------------------------------------- resampling

def animate_resample(scene: Scene, output: str | Path, size: tuple[int, int] = (800, 450), fps: int = 2,
                     steps: int | None = None, theme_name: str = "light",
                     progress: Callable[[int, int], None] | None = None, count: int = RESAMPLED) -> None:
    """``lossviz animate --resample``: frame k shows dataset k drawn from P with P's overlay and its fitted model,
    and the θ*_D of datasets 1 … k (the newest filled) over L(θ|P)'s heat map and dashed contours."""
    output = Path(output)
    check_animation_format(output)
    steps = scene.steps if steps is None else steps
    picture = PopulationPicture(scene, np.empty((0, *scene.init.shape)), steps, scene.surface_center, count)
    pictures: list[Any] = []

    def build(shrink: float) -> ResampleFigure:
        """The frames' figure at ``shrink`` times the sizes, drawn at its last frame: the first one made (for a GIF's
        palette)."""
        figure = ResampleFigure(scene, lecture_theme(theme_name), size, picture, shrink)
        pictures[:] = [figure.dataset_frame(count - 1)]
        return figure

    figure = fitted(build)
    try:
        last = pictures[0]
        frames = frame_writer(output, last)
        for k in range(count):
            frames.add(last if k == count - 1 else figure.dataset_frame(k))
            if progress is not None:
                progress(k + 1, count)
    finally:
        figure.close()
    frames.write(output, fps)


class ResampleFigure(Figure):
    """The frames of ``animate_resample``: data | surface, L(θ|P) as the heat map."""

    def __init__(self, scene: Scene, theme: Theme, size: tuple[int, int], picture: PopulationPicture, shrink: float = 1.0):
        import pyqtgraph as pg

        from lossviz.core.dataset import Dataset
        from lossviz.plots.data import axis_labels
        from lossviz.plots.style import clear_scatter, set_title, style_plot
        from lossviz.plots.surface import style_surface

        super().__init__(scene, theme, size, 1.0, "pair", formula=True, shrink=shrink)
        assert self.data_plot is not None and self.surface_plot is not None
        self.picture = picture
        self.data_sets = picture.datasets()
        self.project = axes_of(scene)
        everything = Dataset(np.concatenate([d.X for d in self.data_sets]), np.concatenate([d.y for d in self.data_sets]))
        self.data_plot.set_model(scene.shape, everything, picture.minima[0], None, features=scene.design().features)
        self.data_plot.frame_data()  # one frame for every dataset
        style_plot(self.data_plot.plot, self.theme, "", *axis_labels(scene))
        surface_plot = self.surface_plot
        style_surface(surface_plot.plot, self.theme, *scene.surface_axes)
        set_title(surface_plot.plot, self.theme, "L(θ|P) and θ*<sub>D</sub> of the datasets so far")
        surface_plot.set_surface(picture.surface)
        surface_plot.contours.setData([], [])  # L(θ|P)'s own contours are the dashed ones
        if surface_plot.colorbar is not None:
            surface_plot.colorbar.setLabel("right", "L(θ|P)", color=self.theme.foreground,
                                           **{"font-size": f"{self.theme.font:.1f}pt"})
        surface_plot.set_population(picture.surface, self.project(picture.theta_star[None])[0])
        clear_scatter(surface_plot.minimum)  # the grid's minimum of L(θ|P) is θ*_P, marked "×"
        surface_plot.frame_surface()
        self.newest = pg.ScatterPlotItem()
        surface_plot.plot.addItem(self.newest)
        surface_plot.set_cloud(self.project(picture.minima[:1]))  # for the legend's sample; each frame sets its own
        self.newest.setData([], [], symbol="o", size=15 * self.theme.scale, brush=self.theme.population,
                            pen={"color": "#000000", "width": 1.5 * self.theme.scale})
        add_legend(surface_plot.plot, self.theme, [(surface_plot.population_minimum, "θ*<sub>P</sub>"),
                                                   (self.newest, "θ*<sub>D</sub> of the newest D"),
                                                   (surface_plot.cloud, "θ*<sub>D</sub> of the earlier ones")],
                   quiet_corner(self.project(np.concatenate([picture.minima, picture.theta_star[None]])), picture.spec))
        truth = "E[y|x] under P" if scene.task == "regression" else "Bayes boundary under P"
        model = self.data_plot.model_curve if scene.dims == 1 and scene.task != "multiclass" else self.data_plot.boundary
        add_legend(self.data_plot.plot, self.theme, [(self.data_plot.truth, truth), (model, "the model at its θ*<sub>D</sub>")],
                   (10, 10))
        what = f"{picture.count} datasets D<sub>1</sub> … D<sub>{picture.count}</sub> ∼ P<sup>N</sup>, N = {picture.n}"
        self.set_label(self.header, population_header(scene, picture, False, what), self.theme.font * 1.05)

    def dataset_frame(self, k: int) -> Any:
        """Frame k (0-based) as a Pillow image."""
        from lossviz.plots.style import set_title

        assert self.data_plot is not None and self.surface_plot is not None
        picture, theme = self.picture, self.theme
        theta_k = picture.minima[k]
        self.data_plot.set_model(self.scene.shape, self.data_sets[k], theta_k, None,
                                 features=self.scene.design().features)
        self.data_plot.set_truth(picture.distribution)
        set_title(self.data_plot.plot, theme, f"D<sub>{k + 1}</sub> ∼ P (N = {picture.n}) and its fit θ*<sub>D</sub>")
        points = self.project(picture.minima[:k + 1])
        self.surface_plot.set_cloud(points[:-1])
        self.newest.setData([points[-1, 0]], [points[-1, 1]], symbol="o", size=15 * theme.scale,
                            brush=theme.population, pen={"color": "#000000", "width": 1.5 * theme.scale})
        self.set_label(self.footer, f"D<sub>{k + 1}</sub>: θ*<sub>D</sub> = {theta_text(theta_k)}, "
                                    f"L(θ*<sub>D</sub>|P) = {number_text(picture.population.value(theta_k))} "
                                    f"{'≥' if self.scene.loss == 'l2' else 'against'} "
                                    f"L(θ*<sub>P</sub>|P) = {number_text(picture.population.value(picture.theta_star))}",
                       theme.font)
        return qimage_to_pil(self.image())

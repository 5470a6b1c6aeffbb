"""The slide figure of ``lossviz render``: data | surface / loss curve (or one of them), header and footer.

``Figure`` lays out the data view, the loss surface and the loss curve in one pyqtgraph layout on a ``Canvas``, sized
in pixels, with fonts, lines and markers scaled to match; ``render_scene`` is what ``lossviz render`` does; the app's
exports draw the live run's ``Snapshot`` with the same ``Figure``. This module imports the plot items only, never
the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lossviz.core.notation import optimizer_text, scene_formula_lines
from lossviz.core.plane import AxisPlane
from lossviz.core.runs import legend_texts
from lossviz.figures.canvas import DEFAULT_SIZE, Canvas

if TYPE_CHECKING:
    from lossviz.core.curvature import Curvature
    from lossviz.core.objective import Objective
    from lossviz.core.planes import DirectionPlane
    from lossviz.core.runs import Run
    from lossviz.core.scene import Scene
    from lossviz.core.surface import Surface
    from lossviz.core.training import FitResult
    from lossviz.plots.theme import Theme

LAYOUTS = ("full", "data", "surface", "curve")
Runs = list[tuple["Run", "FitResult"]]


def theta_text(theta: np.ndarray) -> str:
    """θ as 'W = [..], b = [..]' with 3 significant digits."""
    W = ", ".join(f"{v:.3g}" for v in theta[:, :-1].ravel())
    b = ", ".join(f"{v:.3g}" for v in theta[:, -1])
    return f"W = [{W}], b = [{b}]"


class Figure(Canvas):
    """The lossviz figure for slides: header, data | surface / curve, footer with annotations. Besides
    ``LAYOUTS``, "pair" puts the data and the surface side by side (the population figure)."""

    def __init__(self, scene: Scene, theme: Theme, size: tuple[int, int] = DEFAULT_SIZE, scale: float = 1.0,
                 layout: str = "full", formula: bool = True, shrink: float = 1.0):
        from lossviz.plots.data import DataPlot
        from lossviz.plots.loss import LossPlot
        from lossviz.plots.style import style_plot
        from lossviz.plots.surface import SurfacePlot

        super().__init__(scene, theme, size, scale, shrink)
        self.layout_name = layout
        self.formula = formula
        self.surface_center: np.ndarray | None = None
        self.plane: DirectionPlane | None = None  # a plane through θ-space (render --plane); None: the scene's axes
        self.curvature: Curvature | None = None  # ∇²L's eigen-decomposition drawn as arrows (view option), if any
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
        from lossviz.plots.theme import RUN_COLORS

        if surface_center is not None:
            self.surface_center = surface_center
        self._draw_header()
        first = runs[0][1]
        theta = first.thetas[min(upto, first.steps)]
        if self.data_plot is not None:
            from lossviz.plots.style import style_plot

            scene = self.scene
            design = scene.design()
            if self.points is None:  # once, not per frame of an animation (as the window's LiveRun.points)
                self.points = scene.points_objective()
            per_sample = self.points.per_sample(theta)
            self.data_plot.set_model(scene.shape, scene.data, theta, per_sample, features=design.features,
                                     test_rows=design.test, choice=scene.view.data_view)
            self.data_plot.set_class_names(scene.class_names)  # imported columns keep their names, as in the window
            self.data_plot.set_racers([] if len(runs) < 2 else [
                (RUN_COLORS[i % len(RUN_COLORS)], result.thetas[min(upto, result.steps)])
                for i, (_, result) in enumerate(runs)])
            from lossviz.plots.data import axis_labels, display_note, view_note

            title = "Data and model" + (f" ({runs[0][0].label})" if len(runs) > 1 else "") + view_note(scene) \
                + display_note(scene.data.size)
            style_plot(self.data_plot.plot, self.theme, title, *axis_labels(scene))
        if self.surface_plot is not None:
            self._draw_surface(runs, upto, surface)
            self._draw_curvature(objective, runs, theta, surface)
        if self.loss_plot is not None:
            self._draw_curve(runs, upto)
        self.set_label(self.footer, self._annotation(runs, upto, surface), self.theme.font)
        self.frame()

    def _draw_header(self) -> None:
        title = self.scene.title
        header = f"<b>{title}</b>" if title else ""
        if self.formula:
            card = " &nbsp;·&nbsp; ".join(scene_formula_lines(self.scene))
            header = f"{header}<br>{card}" if header else card
        self.set_label(self.header, header, self.theme.font * 1.15)

    def _draw_surface(self, runs: Runs, upto: int, surface: Surface | None) -> None:
        from lossviz.plots.surface import style_surface
        from lossviz.plots.theme import RUN_COLORS

        assert self.surface_plot is not None
        scene = self.scene
        plane: AxisPlane | DirectionPlane = AxisPlane.of(scene) if self.plane is None else self.plane
        if isinstance(plane, AxisPlane):
            style_surface(self.surface_plot.plot, self.theme, plane.x_param, plane.y_param)
        else:
            style_surface(self.surface_plot.plot, self.theme, plane.x_label, plane.y_label,
                          f"L(θ|D) on the {plane.kind} plane through θ-space")
        if surface is not None:
            self.surface_plot.set_surface(surface)
        start = plane.coordinates(scene.init[None])[0]
        paths = [plane.coordinates(result.thetas[:min(upto, result.steps) + 1]) for _, result in runs]
        if len(runs) > 1:
            texts, note = legend_texts(tuple(run for run, _ in runs))
            self.surface_plot.set_race([(texts[i], RUN_COLORS[i % len(RUN_COLORS)], path)
                                        for i, path in enumerate(paths)], start, note)
        else:
            self.surface_plot.set_path(paths[0], start, paths[0][-1])

    def _draw_curvature(self, objective: Objective, runs: Runs, theta: np.ndarray, surface: Surface | None) -> None:
        """The view option ``curvature_directions``: ↔ the Hessian's top and bottom eigen-directions through θ, as the
        window draws them (one run only); the footer gives their eigenvalues."""
        from lossviz.core.curvature import curvature, in_plane
        from lossviz.plots.surface import curvature_vectors

        assert self.surface_plot is not None
        self.curvature = None
        if not self.scene.view.curvature_directions or len(runs) > 1 or surface is None \
                or not np.all(np.isfinite(theta)):
            self.surface_plot.set_curvature(None, None)
            return
        plane: AxisPlane | DirectionPlane = AxisPlane.of(self.scene) if self.plane is None else self.plane
        with np.errstate(all="ignore"):
            found = curvature(objective, theta)
        if not np.all(np.isfinite(found.eigenvalues)):
            self.surface_plot.set_curvature(None, None)
            return
        self.curvature = found
        seen = in_plane(found, objective.shape, plane.coordinates, theta)
        vectors = curvature_vectors(seen, (surface.x[0], surface.x[-1]), (surface.y[0], surface.y[-1]))
        self.surface_plot.set_curvature(plane.coordinates(theta[None])[0], vectors)

    def _draw_curve(self, runs: Runs, upto: int) -> None:
        from lossviz.plots.theme import RUN_COLORS

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
        from lossviz.plots.theme import RUN_COLORS

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
            how = "" if len(runs) > 1 else f"{optimizer_text(run.optimizer)} · "  # a racer's label names it
            parts.append(f"{name}{how}step {result.step_axis[k]} · {losses} · {theta_text(result.thetas[k])}")
            units = scene.units_text(result.thetas[k])
            if units and len(runs) == 1:
                parts.append("in the table's units: " + " · ".join(units.splitlines()))
        if self.curvature is not None:
            parts.append(f"↔ through θ: pink along the steepest curvature λ<sub>max</sub> = {self.curvature.largest:.3g}, "
                         f"white along the flattest λ<sub>min</sub> = {self.curvature.smallest:.3g}")
        if self.plane is not None:
            parts.append(plane_text(self.plane, runs[0][1].thetas[:min(upto, runs[0][1].steps) + 1]))
        elif surface is not None and self.surface_plot is not None and self.surface_center is not None:
            values = AxisPlane.of(scene).held_text(self.surface_center)
            if values:
                parts.append(f"surface: {values} held fixed")
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

        if self.plane is not None:
            return self._plane_surface(objective, np.concatenate([result.thetas for _, result in runs]))
        first = runs[0][1]
        path = np.concatenate([result.thetas for _, result in runs])
        center = self.scene.surface_center if len(runs) > 1 or self.scene.surface.center is not None \
            else first.thetas[min(upto, first.steps)]
        self.surface_center = center
        spec = surface_spec(self.scene, objective, path, center=center)
        with np.errstate(all="ignore"):
            return loss_surface(objective, spec)


    def _plane_surface(self, objective: Objective, path: np.ndarray) -> Surface:
        """L on ``self.plane``, framed around the projected path and the centre (``lossviz surface --plane``'s grid)."""
        from lossviz.core.planes import plane_grid

        assert self.plane is not None
        with np.errstate(all="ignore"):
            return plane_grid(objective, self.plane, path, self.scene.surface.resolution)


def plane_text(plane: DirectionPlane, path: np.ndarray) -> str:
    """The footer's line on a plane: what it is, and how far the path lies off it."""
    off = plane.off_plane(path)
    largest = float(np.max(off)) if len(off) else 0.0
    what = {"coords": "the two parameters", "trajectory": "through θ₀, θ_T and the path's farthest point",
            "pca": "the path's two principal axes", "hessian": "the Hessian's largest and smallest curvature",
            "random": "two random directions"}[plane.kind]
    return (f"{plane.kind} plane ({what}), centred at the fit's end · the path lies up to {largest:.3g} off it "
            "(its projection may cross contours it never met)")


def draw_scene(scene: Scene, size: tuple[int, int] = DEFAULT_SIZE, scale: float = 1.0, theme_name: str = "light",
               steps: int | None = None, layout: str = "full", formula: bool = True,
               plane: tuple[str, int] | None = None) -> Figure:
    """The figure of ``lossviz render``: the scene fitted (or its race) and drawn, its surface on ``plane`` (kind,
    seed) through θ-space where given; the caller closes it."""
    from lossviz.core.experiment import fit_runs
    from lossviz.plots.theme import THEMES

    objective = scene.objective()
    runs = fit_runs(scene, steps)
    upto = max(result.steps for _, result in runs)
    if plane is None and scene.surface.plane != "coords":
        plane = (scene.surface.plane, scene.surface.seed)  # the scene's own plane, as the window draws it
    figure = Figure(scene, THEMES[theme_name], size, scale, layout, formula)
    try:
        if plane is not None and figure.surface_plot is not None:
            from lossviz.core.planes import plane_of

            figure.plane = plane_of(plane[0], objective, runs[0][1].thetas, axes=scene.surface_axes,
                                    center=scene.surface_center, seed=plane[1])
        surface = figure.compute_surface(objective, runs, upto) if figure.surface_plot is not None else None
        figure.draw(objective, runs, upto, surface)
    except BaseException:
        figure.close()
        raise
    return figure


def render_scene(scene: Scene, output: str | Path, size: tuple[int, int] = DEFAULT_SIZE, scale: float = 1.0,
                 theme_name: str = "light", steps: int | None = None, layout: str = "full",
                 formula: bool = True, plane: tuple[str, int] | None = None) -> None:
    """``lossviz render``: fit the scene (or its race) and write one figure."""
    figure = draw_scene(scene, size, scale, theme_name, steps, layout, formula, plane)
    try:
        figure.save(output)
    finally:
        figure.close()

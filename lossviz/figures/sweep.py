"""The capacity figure of ``lossviz sweep``: the final training and test losses against the degree of φ.

The classic U-shaped figure of under- and overfitting: the training loss L(θ|D_train) falls as the degree grows,
the test loss L(θ|D_test) falls while the model gains the capacity it needs and rises once it fits the noise.
One pair of lines per λ (training solid with filled dots, test dashed with hollow squares, as the app draws
test points hollow), the best test degree ringed, a log₁₀ loss axis when the losses span more than a factor
of LOG_SPAN. Drawn offscreen on a ``Canvas`` like ``lossviz render``'s figures.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lossviz.core.limits import SLIDE_SIZE
from lossviz.core.sweep import best_test_points
from lossviz.figures.canvas import Canvas, fitted
from lossviz.figures.lecture import lecture_theme, number_text

if TYPE_CHECKING:
    from lossviz.core.scene import Scene
    from lossviz.core.sweep import SweepPoint
    from lossviz.plots.theme import Theme

LOG_SPAN = 20.0  # losses spanning more than this factor get a log₁₀ axis
TRAIN_NAME, TEST_NAME = "training loss L(θ|D<sub>train</sub>)", "test loss L(θ|D<sub>test</sub>)"


def by_l2(points: list[SweepPoint]) -> dict[float, list[SweepPoint]]:
    """The points of each λ (in increasing order of λ), each λ's in increasing order of degree."""
    groups: dict[float, list[SweepPoint]] = {}
    for point in sorted(points, key=lambda p: (p.l2, p.degree)):
        groups.setdefault(point.l2, []).append(point)
    return groups


def wants_log(values: np.ndarray) -> bool:
    """True when the positive finite ``values`` span more than LOG_SPAN (a log axis shows both ends)."""
    shown = values[np.isfinite(values) & (values > 0)]
    return bool(shown.size) and float(shown.max()) > LOG_SPAN * float(shown.min())


def loss_text(value: float | None) -> str:
    """A loss with 3 significant digits ("–" for none)."""
    return "–" if value is None else number_text(value)


def lam_text(lam: float) -> str:
    """λ = 0.001 (three significant digits, a real minus sign in exponents)."""
    return f"λ = {number_text(lam)}"


def power_text(mantissa: int, exponent: int) -> str:
    """The label of mantissa·10^exponent: the number itself, or "5e-330" where float64 cannot hold it."""
    if -300 <= exponent <= 300:
        return number_text(mantissa * 10.0 ** exponent)
    return f"{mantissa}e{exponent:+d}".replace("-", "−")


class SweepFigure(Canvas):
    """Header, the losses against the degree with the legend beside them, and a footer naming the best test degree."""

    def __init__(self, scene: Scene, points: list[SweepPoint], theme: Theme, size: tuple[int, int] = SLIDE_SIZE,
                 scale: float = 1.0, shrink: float = 1.0, degrees: list[int] | None = None,
                 current: int | None = None):
        import pyqtgraph as pg
        from PySide6.QtCore import Qt

        from lossviz.plots.style import with_alpha

        super().__init__(scene, theme, size, scale, shrink)
        self.points = points
        self.degrees = sorted(set(degrees or []) | {p.degree for p in points})  # the axis: a sweep under way has all
        self.current = current  # the window's model's degree, marked (None: not marked)
        self.groups = by_l2(points)
        self.tested = any(point.test_loss is not None for point in points)
        self.header = self.grid.addLabel("", row=0, col=0)
        self.plot = self.grid.addPlot(row=1, col=0)
        self.legend = pg.LegendItem(labelTextColor=self.theme.foreground, labelTextSize=f"{self.theme.font:.1f}pt",
                                    brush=pg.mkBrush(with_alpha(self.theme.background, 0)),
                                    horSpacing=round(24 * self.theme.scale))
        self.grid.addItem(self.legend, row=2, col=0)  # a row under the plot: it hides no line
        self.grid.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignHCenter)
        self.footer = self.grid.addLabel("", row=3, col=0)
        self.grid.layout.setRowStretchFactor(1, 1)
        self.log = wants_log(self.values())
        self.draw()
        self.widget.show()

    def values(self) -> np.ndarray:
        """Every loss the plot shows."""
        shown = [p.data_loss for p in self.points] + [p.test_loss for p in self.points if p.test_loss is not None]
        return np.array(shown, dtype=np.float64)

    def draw(self) -> None:
        """Header, lines, best degrees, legend and footer."""
        from lossviz.plots.style import style_plot

        style_plot(self.plot, self.theme, "Final loss after training, against the degree of φ",
                   "degree of the polynomial features φ(x)", "final loss" + (" (log scale)" if self.log else ""))
        self.plot.showGrid(x=False, y=True, alpha=self.theme.grid_alpha)  # the degrees are ticks enough
        self.plot.setLogMode(y=self.log)
        low, high = self.y_range()
        self.plot.setYRange(low, high, padding=0)
        if self.log:
            self.log_ticks(low, high)
        degrees = self.degrees
        self.plot.getAxis("bottom").setTicks([[(d, str(d)) for d in degrees]])
        self.plot.setXRange(degrees[0] - 0.4, degrees[-1] + 0.4, padding=0)
        self.plot.getViewBox().setMouseEnabled(False, False)
        self.draw_current()
        self.draw_lines()
        self.set_label(self.header, self.header_html(), self.theme.font * 1.15)
        self.set_label(self.footer, self.footer_html(), self.theme.font)

    def draw_current(self) -> None:
        """A grey band at the window's degree, labelled at its foot ("the window's model")."""
        import pyqtgraph as pg

        from lossviz.plots.style import with_alpha

        if self.current is None:
            return
        band = pg.LinearRegionItem((self.current - 0.3, self.current + 0.3), movable=False,
                                   brush=pg.mkBrush(with_alpha(self.theme.foreground, 26)), pen=pg.mkPen(None))
        self.plot.addItem(band)
        first, last = self.degrees[0] - 0.4, self.degrees[-1] + 0.4  # the x axis's range (as draw sets it)
        where = (self.current - first) / max(last - first, 1e-9)
        # centred on the band, but starting at it near the left end and ending at it near the right (never cut off)
        text = pg.TextItem("the window's model", color=self.theme.foreground,
                           anchor=(0.0 if where < 0.25 else 1.0 if where > 0.75 else 0.5, 1.0))
        font = text.textItem.font()
        font.setPointSizeF(self.theme.font * 0.9)
        text.setFont(font)
        text.setPos(self.current, self.y_range()[0])
        self.plot.addItem(text)

    def y_range(self) -> tuple[float, float]:
        """The loss axis's range in view coordinates (log₁₀ on a log axis) around the losses, with room at the top for
        the words "underfitting" and "overfitting" when there is a best test degree to put them beside."""
        values = self.values()
        values = values[np.isfinite(values) & ((values > 0) if self.log else True)]
        if not values.size:
            return (-1.0, 0.0) if self.log else (0.0, 1.0)
        shown = np.log10(values) if self.log else values
        low, high = float(shown.min()), float(shown.max())
        span = max(high - low, 0.5 if self.log else max(abs(high), 1e-12))
        top = high + (0.16 if self.tested and len(self.groups) == 1 else 0.06) * span
        return low - 0.06 * span, top

    def log_ticks(self, low: float, high: float) -> None:
        """Ticks of the log axis (``low``…``high`` in log₁₀) at 1, 2 and 5 times the powers of ten (only the powers
        over more than 4 decades), labelled with the numbers themselves."""
        steps = (1,) if high - low > 4 else (1, 2, 5)
        ticks = [(k + math.log10(m), power_text(m, k))
                 for k in range(math.floor(low), math.ceil(high) + 1) for m in steps
                 if low <= k + math.log10(m) <= high]
        self.plot.getAxis("left").setTicks([ticks, []])

    def label_sides(self, best: SweepPoint, top: float) -> None:
        """"← underfitting" left of the best test degree and "overfitting →" right of it, in the band at the top."""
        import pyqtgraph as pg

        degrees = self.degrees
        for words, anchor, shown in (("← underfitting", (1.04, 0.0), best.degree > min(degrees)),
                                     ("overfitting →", (-0.04, 0.0), best.degree < max(degrees))):
            if shown:
                text = pg.TextItem(words, color=self.theme.foreground, anchor=anchor)
                font = text.textItem.font()
                font.setPointSizeF(self.theme.font * 1.1)
                text.setFont(font)
                text.setPos(best.degree, top)
                self.plot.addItem(text)

    def draw_lines(self) -> None:
        """The training and test lines of each λ, the best test degree of each ringed, and the legend."""
        from PySide6.QtCore import Qt

        from lossviz.plots.theme import RUN_COLORS

        single = len(self.groups) == 1
        entries: list[tuple[Any, str]] = []
        if not single:
            entries += [(self.line(self.theme.foreground, Qt.PenStyle.SolidLine, "o", [], []), TRAIN_NAME)]
            if self.tested:
                entries += [(self.line(self.theme.foreground, Qt.PenStyle.DashLine, "s", [], []), TEST_NAME)]
        from lossviz.plots.loss import TEST_COLOR

        rings = []
        for i, (lam, group) in enumerate(self.groups.items()):
            # one λ: the window's mapping (its loss curve) — training in the path's colour, solid; test blue, dashed
            train_color = self.theme.trajectory if single else RUN_COLORS[i % len(RUN_COLORS)]
            test_color = TEST_COLOR if single else train_color
            degrees = [p.degree for p in group]
            train = self.line(train_color, Qt.PenStyle.SolidLine, "o", degrees, [p.data_loss for p in group])
            entries.append((train, TRAIN_NAME if single else lam_text(lam)))
            if self.tested:
                test = self.line(test_color, Qt.PenStyle.DashLine, "s", degrees,
                                 [math.nan if p.test_loss is None else p.test_loss for p in group])
                if single:
                    entries.append((test, TEST_NAME))
                rings.append(self.mark_best(group, test_color, with_line=single))
        if any(ring is not None for ring in rings):
            sample = rings[0] if single else self.ring(self.theme.foreground, None)
            entries.append((sample, "lowest test loss" + ("" if single else " of each λ")))
        self.legend.clear()
        self.legend.setColumnCount(len(entries))
        for item, text in entries:
            self.legend.addItem(item, text)
        # as wide as its entries, centred under the plot (stretched to the row, its columns would spread out)
        self.legend.setMaximumWidth(self.legend.layout.preferredWidth())

    def line(self, color: str, style: Any, symbol: str, degrees: list[int], losses: list[float]) -> Any:
        """A line with markers: filled dots (training) or hollow squares (test); values ≤ 0 are left out on a log axis."""
        import pyqtgraph as pg

        from lossviz.plots.style import make_pen

        y = np.array(losses, dtype=np.float64)
        if self.log:
            y[~(y > 0)] = np.nan
        theme = self.theme
        hollow = symbol == "s"
        item = pg.PlotDataItem(connect="finite", pen=make_pen(color, theme.line, style), symbol=symbol,
                               symbolSize=theme.marker * 1.2, symbolPen=make_pen(color, max(1.0, 0.8 * theme.line)),
                               symbolBrush=pg.mkBrush(theme.background if hollow else color))
        if degrees:
            item.setData(np.array(degrees, dtype=np.float64), y)
            self.plot.addItem(item)
        else:  # a legend's sample of the style only, never in the plot (its sample draws the markers the data set)
            item.setData([0.0], [1.0])
        return item

    def mark_best(self, group: list[SweepPoint], color: str, with_line: bool) -> Any:
        """Ring the point of ``group`` with the smallest test loss (and, for one λ, draw a dotted line at its degree)."""
        import pyqtgraph as pg
        from PySide6.QtCore import Qt

        from lossviz.plots.style import make_pen

        best = best_test_points(group).get(group[0].l2)
        if best is None or best.test_loss is None:
            return None
        ring = self.ring(color, best)
        if with_line:
            line = pg.InfiniteLine(pos=best.degree, angle=90, pen=make_pen(color, self.theme.line, Qt.PenStyle.DotLine))
            self.plot.addItem(line)
            self.label_sides(best, self.y_range()[1])
        return ring

    def ring(self, color: str, point: SweepPoint | None) -> Any:
        """A ring around ``point``'s test loss in the plot (None: a legend's sample only, not in the plot)."""
        import pyqtgraph as pg

        from lossviz.plots.style import make_pen

        ring = pg.PlotDataItem([float(point.degree) if point else 0.0], [point.test_loss if point else 1.0], pen=None,
                               symbol="o", symbolSize=self.theme.marker * 3.2, symbolBrush=None,
                               symbolPen=make_pen(color, 1.3 * self.theme.line))
        if point is not None:
            self.plot.addItem(ring)
        return ring

    def header_html(self) -> str:
        """Title; how each point was made; the data and its split."""
        from lossviz.core.optimizers import TITLES

        scene = self.scene
        optimizer = scene.optimizer
        design = scene.design()
        lines = [f"<b>{scene.title}</b>"] if scene.title else []
        lams = list(self.groups)
        penalty = f", {lam_text(lams[0])}" if len(lams) == 1 else ""
        lines.append(f"ŷ = W φ(x) + b, φ(x) = the polynomial features of x up to the degree, standardised{penalty} · "
                     f"each point: {scene.steps:,} steps of {TITLES[optimizer.name]} (lr {optimizer.lr:g}) "
                     f"on the training points")
        split = f"{len(design.train)} training and {len(design.test)} test points" if len(design.test) else \
            f"{len(design.train)} training points, no test set (the scene has no \"split\")"
        lines.append(f"N = {scene.data.size}: {split}")
        return "<br>".join(lines)

    def footer_html(self) -> str:
        """For each λ: the best test degree, its test and training losses."""
        if not self.tested:
            return " &nbsp;·&nbsp; ".join(
                f"{lam_text(lam)}: training loss {number_text(group[0].data_loss)} at degree {group[0].degree}, "
                f"{number_text(group[-1].data_loss)} at degree {group[-1].degree}" for lam, group in self.groups.items()) \
                + "<br>No test set: give the scene a \"split\" to see the test loss."
        parts = []
        best_of = best_test_points(self.points)
        for lam, group in self.groups.items():
            best = best_of.get(lam)
            if best is None:
                continue
            last = group[-1]
            more = "" if last is best else (f" &nbsp;·&nbsp; degree {last.degree}: test {loss_text(last.test_loss)}, "
                                            f"training {loss_text(last.data_loss)}")
            parts.append(f"{lam_text(lam)}: lowest test loss {loss_text(best.test_loss)} at degree {best.degree} "
                         f"(training {loss_text(best.data_loss)}){more}")
        return "<br>".join(parts)


def draw_sweep(scene: Scene, points: list[SweepPoint], theme: Theme | str = "light",
               size: tuple[int, int] = SLIDE_SIZE, scale: float = 1.0, degrees: list[int] | None = None,
               current: int | None = None) -> SweepFigure:
    """The capacity figure of ``points`` (``lossviz.core.sweep.sweep`` of ``scene``), its axis over ``degrees`` (default:
    the points'), ``current`` marked (the app's capacity view); the caller closes it."""
    return fitted(lambda shrink: SweepFigure(scene, points, lecture_theme(theme), size, scale, shrink, degrees,
                                             current))


def render_sweep(scene: Scene, points: list[SweepPoint], output: str | Path, size: tuple[int, int] = SLIDE_SIZE,
                 theme_name: str = "light", scale: float = 1.0) -> None:
    """``lossviz sweep -o OUT.png|.svg|.pdf``: write the capacity figure."""
    figure = draw_sweep(scene, points, theme_name, size, scale)
    try:
        figure.save(output)
    finally:
        figure.close()

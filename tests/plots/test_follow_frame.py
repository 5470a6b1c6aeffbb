"""A data view whose points move with θ (the logit differences of 3 classes in d dimensions) is framed anew only when
its points leave it, then with room to move on (FOLLOW_MARGIN): each framing redraws the axes, a stall while
training. A view framed on request (a new scene, View → Frame data) keeps the closer FRAME_MARGIN."""

import numpy as np
import pyqtgraph as pg

from lossviz.core.dataset import Dataset
from lossviz.core.model import ModelShape
from lossviz.plots.data import FOLLOW_MARGIN, FRAME_MARGIN, DataPlot
from lossviz.plots.theme import LIGHT


def framed(plot: DataPlot, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """The (lo, hi) corners a view framed with ``margin`` around the drawn points has."""
    positions = plot.point_positions()
    lo, hi = positions.min(axis=0), positions.max(axis=0)
    span, middle = np.maximum(hi - lo, 1.0), (lo + hi) / 2
    return middle - margin * span, middle + margin * span


def test_a_moving_view_is_framed_anew_with_room_only_when_its_points_leave_it(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 400)
    plot = DataPlot(widget.getPlotItem(), LIGHT)
    rng = np.random.default_rng(4)
    y = rng.integers(0, 3, 300)
    X = rng.normal(size=(300, 4)) + np.eye(3, 4)[y] * 2.0
    shape, data = ModelShape("multiclass", 4, 3), Dataset(X, y)
    theta = rng.normal(scale=0.3, size=(3, 5))
    plot.set_model(shape, data, theta, None)
    assert plot.view is not None and plot.view.moves_with_theta  # the logit differences
    plot.frame_data()
    first = plot.view_rect()
    assert np.allclose(np.array(first)[[0, 2]], framed(plot, FRAME_MARGIN)[0])

    plot.set_model(shape, data, theta * 1.05, None)  # the points move a little, and stay in sight
    assert plot.view_rect() == first

    plot.set_model(shape, data, theta * 3.0, None)  # they spread out of sight: framed anew, with room
    lo, hi = framed(plot, FOLLOW_MARGIN)
    x0, x1, y0, y1 = plot.view_rect()
    assert np.allclose([x0, y0], lo) and np.allclose([x1, y1], hi)
    assert FOLLOW_MARGIN > FRAME_MARGIN


def test_a_reframing_update_draws_the_points_once_where_a_change_of_range_redraws(qtbot, monkeypatch):
    """In the window a change of the data view's range redraws it whole; an update whose points left the view is
    framed first and drawn once by that redraw, not drawn, framed and drawn again (the worst stalls of a run at
    d = 50). Where nothing redraws on a change of range (a figure), set_model draws it itself."""
    from lossviz.plots.markers import PassiveScatter

    shown: list[int] = []
    original = PassiveScatter.show_markers
    monkeypatch.setattr(PassiveScatter, "show_markers",
                        lambda self, positions, *rest: (shown.append(len(positions)), original(self, positions, *rest)))
    for window_like in (True, False):
        widget = pg.PlotWidget()
        qtbot.addWidget(widget)
        widget.resize(400, 400)
        plot = DataPlot(widget.getPlotItem(), LIGHT)
        if window_like:
            widget.getPlotItem().getViewBox().sigRangeChanged.connect(lambda *_, plot=plot: plot.redraw())
        rng = np.random.default_rng(4)
        y = rng.integers(0, 3, 300)
        X = rng.normal(size=(300, 4)) + np.eye(3, 4)[y] * 2.0
        shape, data, theta = ModelShape("multiclass", 4, 3), Dataset(X, y), rng.normal(scale=0.3, size=(3, 5))
        plot.set_model(shape, data, theta, None)
        plot.frame_data()
        shown.clear()
        plot.set_model(shape, data, theta * 3.0, None)  # out of sight: framed anew
        assert sum(shown) == 300, f"{sum(shown)} markers placed for 300 samples ({window_like=})"
        lo, hi = framed(plot, FOLLOW_MARGIN)
        x0, x1, y0, y1 = plot.view_rect()
        assert np.allclose([x0, y0], lo) and np.allclose([x1, y1], hi)
        placed = np.vstack([np.column_stack(scatter.getData()) for scatter in plot.scatters if len(scatter.data)])
        expected = plot.point_positions()
        assert len(placed) == 300 and np.allclose(np.sort(placed, axis=0), np.sort(expected, axis=0))  # where θ has them

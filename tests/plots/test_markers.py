"""Markers moved and resized in place (a run redraws 2,500 of them several times a second) look exactly as markers
set afresh: the same places, sizes, bounds and pixels."""

import numpy as np
import pyqtgraph as pg
import pytest

from lossviz.plots.markers import PassiveScatter


def scatter_in_plot(qtbot) -> tuple[pg.PlotWidget, PassiveScatter]:
    """A fixed-range plot holding one scatter."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(300, 300)
    widget.setRange(xRange=(-3, 3), yRange=(-3, 3), padding=0)
    widget.getViewBox().disableAutoRange()
    scatter = PassiveScatter()
    widget.addItem(scatter)
    return widget, scatter


def pixels(widget: pg.PlotWidget) -> np.ndarray:
    """The widget drawn now, as an (h, w, 4) array."""
    image = widget.grab().toImage()
    return np.array(image.constBits()).reshape(image.height(), image.bytesPerLine())


@pytest.mark.parametrize("resize", [False, True])
def test_markers_moved_and_resized_in_place_equal_fresh_ones(qtbot, resize):
    rng = np.random.default_rng(1)
    brush, pen = pg.mkBrush("#1f77b4"), pg.mkPen("k")
    first, moved = rng.normal(size=(200, 2)), rng.normal(size=(200, 2))
    sizes = rng.choice([6.0, 9.0, 12.0], size=200)
    resized = sizes.copy()
    if resize:
        resized[::3] = 15.0
    updated_widget, updated = scatter_in_plot(qtbot)
    updated.show_markers(first, sizes, brush, pen)
    pixels(updated_widget)  # drawn once at the first places, their bounds known
    updated.dataBounds(0), updated.dataBounds(1)
    updated.show_markers(moved, resized, brush, pen)  # the same markers: moved and some resized in place
    fresh_widget, fresh = scatter_in_plot(qtbot)
    fresh.show_markers(moved, resized, brush, pen)
    for field in ("x", "y", "size"):
        np.testing.assert_array_equal(updated.data[field], fresh.data[field])
    assert updated.dataBounds(0) == fresh.dataBounds(0) and updated.dataBounds(1) == fresh.dataBounds(1)
    assert (updated.data["sourceRect"]["w"] > 0).all()
    np.testing.assert_array_equal(pixels(updated_widget), pixels(fresh_widget))

"""Marker items of the data view: scatters that leave clicks to the view and move in place."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from lossviz.plots.overrides import qt_override


class PassiveScatter(pg.ScatterPlotItem):
    """Markers that leave clicks to the view (which says what a click on a sample does: select it, or nothing)."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._given: tuple[np.ndarray, object, object] | None = None  # positions, brush, pen of the last show()

    def mouseClickEvent(self, ev) -> None:
        """Not ours: the view box under the marker takes the click."""
        ev.ignore()

    @qt_override
    def paint(self, painter, *args) -> None:
        """Nothing to do without markers (a view has twenty of these, most of them empty, and pyqtgraph's paint
        costs ~0.2 ms even then)."""
        if len(self.data):
            super().paint(painter, *args)

    def show_markers(self, positions: np.ndarray, sizes: np.ndarray, brush, pen) -> None:
        """Markers at ``positions`` (M, 2) with ``sizes``. Where the same markers only moved or changed size since the
        last call (a run: each sample's loss changes, and in a view of scores its place too), the places are set and
        the changed sizes looked up in the symbol atlas — setData adds every spot anew (~10 ms for 2,500)."""
        given = self._given
        if given is not None and len(self.data) == len(positions) and given[1] is brush and given[2] is pen:
            if not np.array_equal(given[0], positions):
                self._move(positions)
            resized = self.data["size"] != sizes
            if resized.any():
                self.data["size"][resized] = sizes[resized]
                self.data["sourceRect"][resized] = 0  # looked up again by updateSpots, the others kept
                self.updateSpots()
            return
        self.setData(pos=positions, size=sizes, brush=brush, pen=pen)
        self._given = (positions.copy(), brush, pen)

    def _move(self, positions: np.ndarray) -> None:
        """The markers to ``positions``, as setData updates its geometry (bounds, the view's range, the paint)."""
        self.data["x"], self.data["y"] = positions[:, 0], positions[:, 1]
        self._given = (positions.copy(), *self._given[1:]) if self._given is not None else None
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.bounds = [None, None]
        self.invalidate()
        self.sigPlotChanged.emit(self)

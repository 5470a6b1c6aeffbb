"""A legend in a row of its own under a plot, where it hides no path, ring or mark: the optimizer race's racers and
the resampled minima's ○ × + (issue 20, items 3 and 11).

It takes as many entries a line as the plot's width holds (up to ``columns``), at least one; in one line too narrow
for a label, the label is elided ("…"), never cut. The labels are kept whole for whoever asks what it says.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from lossviz.plots.theme import Theme

LEGEND_SPACING = 12  # pixels between entries, at scale 1
LEGEND_SAMPLE = 20  # pixels of an entry's sample (pyqtgraph's ItemSample)


class RowLegend(pg.LegendItem):
    """A legend that sits in row ``row`` of ``plot``'s layout while it has entries, and leaves it when hidden."""

    def __init__(self, plot: pg.PlotItem, row: int, theme: Theme, columns: int = 3):
        self.theme = theme
        super().__init__(labelTextColor=theme.foreground, labelTextSize=self._size(),
                         horSpacing=round(LEGEND_SPACING * theme.scale))
        self.plot, self.row, self.columns = plot, row, columns
        self.setMinimumWidth(0)  # never wider than the plot: it takes fewer entries a line instead
        self.setVisible(False)
        self._entries: list[tuple[pg.GraphicsObject, str]] = []  # each entry's item and whole label
        self._note = ""  # what the legend says once, after the entries, without a sample ("lr 0.5 for all")
        self._note_sample = pg.PlotDataItem(pen=None)
        self._layout: tuple[int, float | None] | None = None  # (entries a line, the elided width) shown
        plot.geometryChanged.connect(self.fit)

    def show_entries(self, entries: list[tuple[pg.GraphicsObject, str]], note: str = "") -> None:
        """Show ``entries`` (item, label) and ``note`` in the row under the plot."""
        if not self.isVisible() or self.parentLayoutItem() is None:
            self.plot.layout.addItem(self, self.row, 0, 1, self.plot.layout.columnCount())  # the whole width
            self.plot.layout.setAlignment(self, QtCore.Qt.AlignmentFlag.AlignHCenter)
            self.setVisible(True)
        if (entries, note) == (self._entries, self._note) and self._layout is not None:
            return
        self._entries, self._note, self._layout = list(entries), note, None
        self.fit()

    def hide_row(self) -> None:
        """No entries: the row leaves the layout, and the plot has its height back."""
        self.clear()
        self._entries, self._note, self._layout = [], "", None
        if self.parentLayoutItem() is not None:
            self.plot.layout.removeItem(self)
            self.setParentLayoutItem(None)
        self.setVisible(False)

    def labels(self) -> list[str]:
        """The entries' labels, whole ([] when hidden; the note not included)."""
        return [text for _, text in self._entries] if self.isVisible() else []

    def shown_rect(self) -> QtCore.QRectF | None:
        """Where the legend is, in the plot's scene (None when hidden)."""
        return self.sceneBoundingRect() if self.isVisible() else None

    def apply_theme(self, theme: Theme) -> None:
        """The theme's colour and font, laid out anew."""
        self.theme = theme
        self.setLabelTextColor(theme.foreground)
        self.setLabelTextSize(self._size())
        self.layout.setHorizontalSpacing(round(LEGEND_SPACING * theme.scale))
        self._layout = None
        self.fit()

    def fit(self) -> None:
        """As many entries a line as the plot's width holds; in one line too narrow, labels elided."""
        if not self.isVisible() or not self._entries:
            return
        metrics = QtGui.QFontMetricsF(self.font_of_labels())
        sample = LEGEND_SAMPLE + self.layout.horizontalSpacing() + 6
        room = self.plot.width() - 8
        entries = self._entries + ([(self._note_sample, self._note)] if self._note else [])
        widest = max(metrics.horizontalAdvance(plain(text)) for _, text in entries) + sample
        columns = max(1, min(len(entries), self.columns, int(room // widest)))
        width = max(1.0, room - sample) if columns == 1 else None
        if (columns, width) == self._layout:
            return
        self._layout = (columns, width)
        self.clear()  # pyqtgraph re-lays out a filled legend wrongly: fill it anew
        self.setColumnCount(columns)
        for item, text in entries:
            shown = text if width is None or metrics.horizontalAdvance(plain(text)) <= width else \
                metrics.elidedText(plain(text), QtCore.Qt.TextElideMode.ElideRight, width)
            self.addItem(item, shown)

    def points(self) -> float:
        """The labels' size in points (whole points, as the label's style sheet writes them)."""
        return float(round(self.theme.font))

    def font_of_labels(self) -> QtGui.QFont:
        """The labels' font, to measure them."""
        font = QtGui.QFont()
        font.setPointSizeF(self.points())
        return font

    def _size(self) -> str:
        return f"{round(self.theme.font):.0f}pt"


def plain(html: str) -> str:
    """A label's text as it reads (the few tags legends use removed: θ*<sub>P</sub> → θ*P)."""
    return QtGui.QTextDocumentFragment.fromHtml(html).toPlainText()

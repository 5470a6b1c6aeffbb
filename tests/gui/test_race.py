"""An optimizer race the lecturer sets up: racers from the panel's learning rate or a table, each with its
path, ★ and model, and the panel's optimizer fields greyed out while they race."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.presets import load_preset

from .helpers import WAIT_MS, type_into


def test_the_default_race_uses_the_panels_learning_rate_and_greys_out_what_it_overrides(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))
    type_into(window.controls.learning_rate, "0.3")
    window.race_action.trigger()
    runs = window.live.state().runs
    assert [run.optimizer.name for run in runs] == ["gd", "momentum", "adam"]
    assert all(run.optimizer.lr == 0.3 for run in runs)
    panel = window.controls
    for widget in (panel.optimizer, panel.learning_rate, panel.momentum, panel.batch_size):
        assert not widget.isEnabled() and "optimizer race" in widget.toolTip()
    window.race_action.trigger()
    assert panel.optimizer.isEnabled() and panel.learning_rate.isEnabled()


def test_racers_set_up_in_the_table_race_with_a_star_and_a_model_each(make_window, qtbot, monkeypatch):
    from lossviz.core.runs import racer
    from lossviz.gui.dialogs import common as dialogs

    window = make_window(load_preset("binary-2d-blobs"))
    chosen = (racer("gd", 0.5), racer("nesterov", 0.05, 0.8))
    seen = []
    monkeypatch.setattr(dialogs, "ask_race", lambda parent, runs: seen.append(runs) or chosen)
    window.findChild(type(window.race_action), "actionSetUpRace").trigger()
    assert [run.optimizer.name for run in seen[0]] == ["gd", "momentum", "adam"]  # offered: the default
    assert window.race_action.isChecked() and [run.label for run in window.live.state().runs] == \
        ["gradient descent (lr 0.5)", "Nesterov momentum (lr 0.05, momentum 0.8)"]
    for _ in range(8):
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 8, timeout=WAIT_MS)
    views = window.views
    assert views.surface_plot.legend_labels() == ["gradient descent (lr 0.5)", "Nesterov momentum 0.8 (lr 0.05)"]
    stars = [item for item in views.surface_plot.race_items if item.__class__.__name__ == "ScatterPlotItem"]
    assert len(stars) == 2
    models = [item.getData()[0] for item in views.data_plot.racer_items]
    assert len(models) == 2 and all(x is not None and len(x) for x in models)
    window.race_action.trigger()  # off, and on again: the same racers
    window.race_action.trigger()
    assert [run.label for run in window.live.state().runs] == [run.label for run in chosen]


def test_the_race_table_reads_back_what_was_set(qtbot):
    from lossviz.core.runs import default_race
    from lossviz.gui.dialogs.race import RaceDialog

    dialog = RaceDialog(None, default_race(0.2))
    qtbot.addWidget(dialog)
    dialog.add_racer("rmsprop", 0.01, 0.5)
    runs = dialog.runs()
    assert [run.optimizer.name for run in runs] == ["gd", "momentum", "adam", "rmsprop"]
    assert runs[1].optimizer == OptimizerConfig("momentum", 0.2) and runs[3].optimizer.momentum == 0.5
    np.testing.assert_allclose([run.optimizer.lr for run in runs], [0.2, 0.2, 0.2, 0.01])


def test_the_race_legend_sits_under_the_surface_and_hides_no_path(make_window, qtbot, monkeypatch):
    """Issue 20 item 3: with 3 and with 6 racers, in presentation mode at 1280 × 720, the legend is a row (two for
    six) under the surface: every label and swatch shown, inside the plot's width, over no part of the view where
    the paths and ★ are; without a race the row is gone and the view has its height back."""
    from lossviz.core.runs import legend_texts, racer
    from lossviz.gui.dialogs import common as dialogs

    window = make_window(load_preset("binary-2d-blobs"))
    window.set_presentation(True)
    window.setGeometry(0, 0, 1280, 720)
    qtbot.waitUntil(window.isFullScreen, timeout=WAIT_MS)
    plot = window.views.surface_plot
    box = window.views.surface_view.getPlotItem().getViewBox()
    alone = box.sceneBoundingRect().height()
    racers = [racer("gd", 0.5), racer("momentum", 0.1, 0.9), racer("adam", 0.05), racer("nesterov", 0.1, 0.9),
              racer("rmsprop", 0.01), racer("adagrad", 0.3)]
    for count in (3, 6):
        monkeypatch.setattr(dialogs, "ask_race", lambda parent, runs, c=count: tuple(racers[:c]))
        window.findChild(type(window.race_action), "actionSetUpRace").trigger()
        for _ in range(5):
            QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 5, timeout=WAIT_MS)
        qtbot.wait(50)  # the layout settles
        assert plot.legend_labels() == legend_texts(window.live.state().runs)[0] and len(plot.legend_labels()) == count
        legend, view = plot.race_legend_rect(), box.sceneBoundingRect()
        assert legend.top() >= view.bottom() and not legend.intersects(view)  # under the view, over no path
        plot_rect = window.views.surface_view.getPlotItem().sceneBoundingRect()
        assert plot_rect.left() <= legend.left() and legend.right() <= plot_rect.right() + 1
        assert legend.bottom() <= window.views.surface_view.height() + 1  # not cut off at the bottom
        window.race_action.trigger()  # off
        qtbot.wait(50)
        assert plot.race_legend_rect() is None
        assert abs(box.sceneBoundingRect().height() - alone) <= 1


def test_the_legend_says_what_sets_each_racer_apart_and_once_what_they_share():
    from lossviz.core.runs import Run, default_race, legend_texts, racer

    assert legend_texts(default_race(0.5)) == (["gradient descent", "momentum", "Adam"], "lr 0.5 for all")
    assert legend_texts((racer("gd", 0.5), racer("nesterov", 0.05, 0.8), racer("rmsprop", 0.01, 0.5))) == \
        (["gradient descent (lr 0.5)", "Nesterov momentum 0.8 (lr 0.05)", "RMSprop (lr 0.01, momentum 0.5)"], "")
    own = (Run("fast", racer("gd", 1.0).optimizer), racer("adam", 0.1))  # a label the lecturer wrote: as it is
    assert legend_texts(own) == (["fast", "Adam (lr 0.1)"], "")


def test_the_race_table_shows_whole_words_in_presentation_mode(make_window, qtbot):
    """Issue 20 item 5: "momentu", ".earning rate" — every header and field of the race table whole, at the
    presentation mode's larger font, with no scroll bar."""
    from lossviz.core.runs import default_race
    from lossviz.gui.dialogs.race import RaceDialog

    window = make_window(load_preset("binary-2d-blobs"))
    window.set_presentation(True)
    dialog = RaceDialog(window, default_race(0.2))
    qtbot.addWidget(dialog)
    dialog.add_racer("nesterov", 0.01, 0.5)
    dialog.show()
    qtbot.waitExposed(dialog)
    table, header = dialog.table, dialog.table.horizontalHeader()
    for column in range(table.columnCount()):
        title = table.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= header.fontMetrics().horizontalAdvance(title), title
        for row in range(table.rowCount()):
            field = table.cellWidget(row, column)
            assert field.width() >= field.minimumSizeHint().width(), (title, row)
    assert not table.horizontalScrollBar().isVisible()


def test_the_race_legend_takes_up_to_three_racers_a_line_and_elides_in_a_narrow_plot(qtbot):
    """The user guide's promise: as many racers a line (up to three) as the plot's width holds, a label elided ("…")
    only when even one a line is too narrow."""
    import pyqtgraph as pg

    from lossviz.plots.surface import SurfacePlot
    from lossviz.plots.theme import LIGHT

    runs = [(f"a racer with a rather long label number {i}", "#1f77b4", np.array([[0.0, 0.0], [1.0, 1.0]]))
            for i in range(4)]
    shown = {}
    for width in (1600, 700, 260):
        widget = pg.PlotWidget()
        qtbot.addWidget(widget)
        widget.resize(width, 400)
        widget.show()
        qtbot.waitExposed(widget)
        plot = SurfacePlot(widget.getPlotItem(), LIGHT)
        plot.set_race(runs, np.zeros(2))
        qtbot.wait(20)
        assert plot.legend_labels() == [text for text, _, _ in runs]  # whole, whatever is shown
        shown[width] = (plot.race_legend.columnCount, [label.text for _, label in plot.race_legend.items])
    assert shown[1600][0] == 3 and shown[700][0] in (1, 2) and shown[260][0] == 1
    assert shown[1600][1] == shown[700][1] == [text for text, _, _ in runs]
    assert all(text.endswith("…") for text in shown[260][1])

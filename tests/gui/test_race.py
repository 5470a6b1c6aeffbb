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
    assert views.surface_plot.legend_labels() == [run.label for run in window.live.state().runs]
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

"""Every view is a function of the document's scene and the live run: after any history of use, opening a
scene shows exactly what a fresh window shows when it opens that scene."""

from __future__ import annotations

import itertools
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.distributions import default_distribution
from lossviz.core.losses import LOSSES, TASK_LOSSES
from lossviz.core.notation import MODEL_FORMULAS
from lossviz.core.presets import load_preset
from lossviz.core.scene import read_scene, scene_to_dict

from .helpers import WAIT_MS
from .visible import settle_painted, visible_state

RACE = [{"label": "gradient descent", "optimizer": {"name": "gd", "lr": 0.5}},
        {"label": "momentum", "optimizer": {"name": "momentum", "lr": 0.1}},
        {"label": "Adam", "optimizer": {"name": "adam", "lr": 0.1}}]


def scene_documents() -> dict[str, dict]:
    """Four different scenes: regression, 1-D binary, 2-D binary with a non-default surface, 3 classes racing."""
    blobs = scene_to_dict(load_preset("binary-2d-blobs"))
    blobs["surface"] = {"x": "b[0]", "y": "W[0,1]", "x_range": [-2.0, 2.0], "y_range": [-1.0, 4.0], "resolution": 64}
    three = scene_to_dict(load_preset("multiclass-3"))
    three["runs"] = RACE
    line = default_distribution("line", "regression", 1, 1, n=12)
    population = scene_to_dict(load_preset("linear-regression").replace(distribution=line, data=line.sample()))
    population["view"] = {"surface_of": "both"}
    overfit = dict(population, features={"degree": 6}, split={"test_fraction": 0.3, "seed": 2},
                   regularization={"l2": 0.01}, init={"W": [[0.0] * 6], "b": [0.0]})
    overfit["surface"] = {"x": "W[0,2]", "y": "b[0]"}
    return {"regression": scene_to_dict(load_preset("linear-regression")),
            "overfit": overfit,
            "binary-1d": scene_to_dict(load_preset("binary-1d")), "binary-2d": blobs, "race-3": three,
            "population": population}


@pytest.fixture
def scene_files(tmp_path):
    folder = tmp_path / "scenes"
    folder.mkdir()
    paths = {}
    for name, document in scene_documents().items():
        paths[name] = folder / f"{name}.json"
        paths[name].write_text(json.dumps(document))
    return paths


def click_run(window):
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)


def run_until(window, qtbot, steps):
    click_run(window)
    assert window.live.state().running
    qtbot.waitUntil(lambda: window.live.state().step >= steps, timeout=WAIT_MS)
    click_run(window)
    assert not window.live.state().running


def choose(combo, value):
    combo.setCurrentIndex(combo.findData(value))
    combo.activated.emit(combo.currentIndex())


def use(window, qtbot):
    """A lecturer's history: race on, run, pause, race off, dark theme, another loss, run, pause, every sample
    selected and, with a P, Resample ×20 and the population surface."""
    window.race_action.trigger()
    run_until(window, qtbot, window.live.state().step + 15)
    window.race_action.trigger()
    window.dark_action.trigger()
    losses = TASK_LOSSES[window.document.scene.task]
    if len(losses) > 1:
        choose(window.controls.loss, losses[-1])
    run_until(window, qtbot, 10)
    window.views.data_view.setFocus()
    QTest.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # every sample selected: arrows
    assert window.live.selection
    if window.document.scene.distribution is not None:  # a cloud of resampled minima, and P shown alone
        QTest.mouseClick(window.controls.distribution_box.resample, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.live.population.cloud is not None, timeout=WAIT_MS)
        choose(window.controls.surface_of, "population")


@pytest.mark.parametrize("first, second", list(itertools.permutations(scene_documents(), 2)))
def test_opening_a_scene_after_any_history_looks_like_a_fresh_window(first, second, scene_files, make_window, qtbot):
    used = make_window(read_scene(scene_files[first]), path=scene_files[first])
    use(used, qtbot)
    used.load_scene(scene_files[second])
    # at once, before any event: no surface, path or curve of the old scene under the new axes
    assert used.views.surface_plot.surface is None and used.views.surface_plot.image.image is None
    assert used.views.surface_plot.legend_labels() == [] and used.views.loss_plot.race_items == []
    fresh = make_window(read_scene(scene_files[second]), path=scene_files[second])
    settle_painted(used, qtbot)
    settle_painted(fresh, qtbot)
    seen, expected = visible_state(used), visible_state(fresh)
    assert expected["surface values"] is not None and expected["status"][1] != "L(θ|D) = –"
    assert seen == expected, {key: (seen[key], expected[key]) for key in seen if seen[key] != expected[key]}


@pytest.mark.parametrize("task", ["regression", "binary", "multiclass"])
def test_changing_the_loss_changes_the_formula_card(task, make_window):
    preset = {"regression": "linear-regression", "binary": "binary-2d-blobs", "multiclass": "multiclass-3"}[task]
    window = make_window(load_preset(preset))
    for loss in [*TASK_LOSSES[task][1:], TASK_LOSSES[task][0]]:
        choose(window.controls.loss, loss)
        assert window.document.scene.loss == loss
        card = window.controls.formula.text()
        assert MODEL_FORMULAS[task] in card and LOSSES[loss].formula in card
        others = [LOSSES[other].formula for other in LOSSES if LOSSES[other].formula != LOSSES[loss].formula]
        assert not any(other in card for other in others), card


def test_clearing_the_data_shows_the_surface_view_a_fresh_window_shows(make_window, qtbot):
    """No data, no surface: the view shows the start θ ±2, as a fresh window of the same scene (found by the monkey,
    seed 16: the used window kept the old surface's frame)."""
    window = make_window(load_preset("binary-2d-blobs"))
    settle_painted(window, qtbot)
    QTest.mouseClick(window.controls.clear, Qt.MouseButton.LeftButton)
    assert window.document.scene.data.size == 0
    fresh = make_window(window.document.scene)
    for shown in (window, fresh):
        settle_painted(shown, qtbot)
        shown.actions_by_id["actionFrameData"].trigger()  # View → Frame data (F): a fresh window frames the data
        settle_painted(shown, qtbot)
    assert visible_state(window) == visible_state(fresh)


def test_the_loss_curve_of_a_scene_opened_after_a_diverged_one_frames_its_start(make_window, qtbot):
    """Examples → Optimizer race after a run that diverged to 1e+297: the curve's axes are the race's start, as in
    a fresh window (they kept ±4e+297 and the start points were invisible)."""
    from lossviz.core.optimizers import OptimizerConfig

    window = make_window(load_preset("linear-regression").replace(optimizer=OptimizerConfig("gd", 5.0), steps=400))
    window.controls.run.setChecked(True)
    qtbot.waitUntil(lambda: not window.controls.run.isChecked(), timeout=WAIT_MS)  # diverged, or all steps done
    assert window.views.loss_view.getPlotItem().getViewBox().viewRange()[1][1] > 1e100
    window.files.open_example("optimizer-race")
    fresh = make_window(load_preset("optimizer-race"))
    for shown in (window, fresh):
        settle_painted(shown, qtbot)
    (x0, x1), (y0, y1) = window.views.loss_view.getPlotItem().getViewBox().viewRange()
    assert x0 > -1 and x1 < 11 and y1 < 1e3
    assert visible_state(window)["curve view"] == visible_state(fresh)["curve view"]
    assert all(item.opts["symbol"] == "o" for item in window.views.loss_plot.race_items)  # a dot per racer's start


def test_the_start_of_a_curve_with_a_test_loss_frames_both_losses_and_the_next_steps(make_window, qtbot):
    """One entry, a training and a test loss: the next ten steps and both losses (the two values counted as two
    entries, and the axes were fitted to one step: −5 … 5, their padding depending on the view's height; found
    by the monkey, seed 1)."""
    window = make_window(load_preset("sine-overfit"))
    settle_painted(window, qtbot)
    state = window.live.state()
    (x0, x1), (y0, y1) = window.views.loss_view.getPlotItem().getViewBox().viewRange()
    assert -1 < x0 <= 0 and 9 < x1 < 11
    test = window.views.loss_plot.test_curve.getData()[1]
    assert y0 < min(state.loss, test[0]) and y1 > max(state.loss, test[0])

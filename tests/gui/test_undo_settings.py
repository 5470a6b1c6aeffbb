"""Every setting is one undo step with a name ("Undo λ = 0.01"), and Undo shows what the window showed before it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.presets import load_preset

from .helpers import click, type_into
from .visible import settle_painted, visible_state


def choose(combo, value):
    """Choose ``value`` in a combo box as a user does (the box's activated signal)."""
    combo.setCurrentIndex(combo.findData(value))
    combo.activated.emit(combo.currentIndex())


def tick(box):
    QTest.mouseClick(box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(6, box.height() // 2))


def click_inside(view, surface):
    """A click a third of the way into the surface shown."""
    click(view, surface.x[len(surface.x) // 3], surface.y[len(surface.y) // 3])


# (preset or scene, what the user does to the panel, the undo step's name)
EDITS = [
    ("binary-2d-blobs", lambda w: choose(w.controls.loss, "mse"), "loss = squared error on σ (MSE)"),
    ("binary-2d-blobs", lambda w: choose(w.controls.optimizer, "adam"), "optimizer = Adam"),
    ("binary-2d-blobs", lambda w: type_into(w.controls.learning_rate, "0.05"), "η = 0.05"),
    (load_preset("linear-regression").replace(optimizer=OptimizerConfig("momentum", 0.05)),
     lambda w: type_into(w.controls.momentum, "0.5"), "momentum = 0.5"),
    ("binary-2d-blobs", lambda w: type_into(w.controls.batch_size, "8"), "batch size = 8"),
    ("sine-overfit", lambda w: type_into(w.controls.overfit_box.degree, "9"), "φ of degree 9"),
    ("sine-overfit", lambda w: type_into(w.controls.overfit_box.l2, "0.01"), "λ = 0.01"),
    ("sine-overfit", lambda w: type_into(w.controls.overfit_box.test_fraction, "0.5"), "test fraction = 0.5"),
    ("sine-overfit", lambda w: type_into(w.controls.overfit_box.split_seed, "4"), "split seed = 4"),
    ("population-line", lambda w: type_into(w.controls.distribution_box.sample_size, "200"), "N = 200"),
    ("population-line", lambda w: choose(w.controls.distribution_box.family, "sine"), "P = sine"),
    ("population-line", lambda w: type_into(w.controls.distribution_box.fields["slope"][0], "0.3"),
     "P's slope = 0.3"),
    ("binary-2d-blobs", lambda w: choose(w.controls.y_axis, "b[0]"), "surface axes W₁₁, b₁"),
    ("binary-2d-blobs", lambda w: choose(w.controls.resolution, 64), "resolution 64 × 64"),
    ("binary-2d-blobs", lambda w: tick(w.controls.auto_range), "fixed range"),
    ("binary-2d-blobs", lambda w: w.race_action.trigger(), "race on"),
    ("binary-2d-blobs", lambda w: click_inside(w.views.surface_view, w.views.surface_plot.surface), "start θ"),
]


@pytest.mark.parametrize("preset, edit, name", EDITS, ids=[name for _, _, name in EDITS])
def test_every_setting_is_one_named_undo_step_back_to_what_was_shown(preset, edit, name, make_window, qtbot):
    scene = load_preset(preset) if isinstance(preset, str) else preset
    window = make_window(scene)
    settle_painted(window, qtbot)
    edit(window)
    stack = window.document.undo_stack
    settle_painted(window, qtbot)
    assert stack.index() == 1, f"{name}: {stack.index()} undo steps"
    undo = window.actions_by_id["actionUndo"]
    assert undo.isEnabled() and undo.text() == f"&Undo {name}", undo.text()
    fresh = make_window(scene)  # what the window showed before the edit
    settle_painted(fresh, qtbot)
    before = visible_state(fresh)
    undo.trigger()
    settle_painted(window, qtbot)
    assert window.document.scene == fresh.document.scene
    shown = visible_state(window)
    assert shown == before, {key: (shown[key], before[key]) for key in shown if shown[key] != before[key]}
    window.actions_by_id["actionRedo"].trigger()  # and redo does it again
    settle_painted(window, qtbot)
    assert stack.index() == stack.count()


def test_notes_go_with_the_settings_they_describe_and_come_back_with_undo(make_window, qtbot, tmp_path):
    """sine-overfit's note ("φ = (x, x², x³)", "4 hollow points") would be stale at degree 12: it goes in the same
    undo step, a file saved then holds none, and Undo brings it back; a data edit keeps it."""
    from lossviz.core.scene import read_scene

    window = make_window(load_preset("sine-overfit"))
    notes = window.document.scene.notes
    assert notes and window.notes.isVisible()
    click(window.views.data_view, 0.3, 0.2)  # a point added: the notes stay
    assert window.document.scene.notes == notes and window.notes.isVisible()
    type_into(window.controls.overfit_box.degree, "12")
    assert window.document.scene.notes == "" and not window.notes.isVisible()
    window.save_scene(tmp_path / "later.json")
    assert read_scene(tmp_path / "later.json").notes == ""
    window.actions_by_id["actionUndo"].trigger()
    assert window.document.scene.notes == notes and window.notes.isVisible()
    window.race_action.trigger()  # the race, on a scene whose notes are not about it: they go too
    assert window.document.scene.notes == ""

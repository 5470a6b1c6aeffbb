"""File → Examples: the bundled scenes by title, each opened as an untitled copy, so that nothing
installed is ever written; the scene's title in the window title and its notes above the plots."""

import json
from types import SimpleNamespace

import pytest
from PySide6 import QtGui, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core import presets
from lossviz.core.presets import load_preset, preset_names, preset_path, preset_text, preset_title
from lossviz.core.scene import parse_scene_text, read_scene, scene_to_text


def examples_menu(window) -> QtWidgets.QMenu:
    return window.findChild(QtWidgets.QMenu, "menuExamples")


def example_action(window, name) -> QtGui.QAction:
    action, = [action for action in examples_menu(window).actions() if action.toolTip() == name]
    return action


def menu_action(window, name) -> QtGui.QAction:
    return window.findChild(QtGui.QAction, name)


def test_the_examples_menu_lists_every_bundled_scene_by_title(make_window):
    window = make_window(load_preset("xor"))
    actions = examples_menu(window).actions()
    assert [action.toolTip() for action in actions] == preset_names()
    assert [action.text() for action in actions] == [preset_title(name) for name in preset_names()]
    assert all(action.text() for action in actions)
    assert example_action(window, "regression-outliers").text() == "Regression with outliers: compare L2, L1 and Huber"


def test_an_example_opens_untitled_and_saving_asks_where_leaving_the_installed_file_unchanged(make_window, dialog_log,
                                                                                             tmp_path, qtbot):
    installed = preset_path("regression-outliers")
    before = installed.read_bytes()
    window = make_window(load_preset("xor"))
    example_action(window, "regression-outliers").trigger()
    assert window.document.path is None  # untitled: Save cannot go back to the installed file
    assert window.document.scene == load_preset("regression-outliers") and not window.document.modified
    assert window.windowTitle() == "Regression with outliers: compare L2, L1 and Huber[*] — lossviz"
    window.controls.loss.setCurrentIndex(window.controls.loss.findData("huber"))
    window.controls.loss.activated.emit(window.controls.loss.currentIndex())
    assert window.document.modified and window.isWindowModified()
    target = tmp_path / "mine.json"
    dialog_log["answers"]["save_path"] = str(target)
    menu_action(window, "actionSave").trigger()
    assert installed.read_bytes() == before
    assert window.document.path == target and not window.document.modified
    assert read_scene(target).loss == "huber" and read_scene(target).data == load_preset("regression-outliers").data
    assert window.windowTitle() == "mine.json[*] — Regression with outliers: compare L2, L1 and Huber — lossviz"
    assert [action.text() for action in window.findChild(QtWidgets.QMenu, "menuRecent").actions()] == ["mine.json"]


def test_a_cancelled_save_of_an_example_writes_nothing(make_window, dialog_log):
    installed = preset_path("xor")
    before = installed.read_bytes()
    window = make_window(load_preset("binary-1d"))
    example_action(window, "xor").trigger()
    window.document.set_settings(steps=7)
    dialog_log["answers"]["save_path"] = ""  # the user cancels the dialog
    assert not window.files.save()
    assert window.document.path is None and window.document.modified
    assert installed.read_bytes() == before


def test_the_installed_file_opened_by_path_is_an_untitled_copy(make_window, dialog_log, tmp_path):
    installed = preset_path("xor")
    before = installed.read_bytes()
    window = make_window(load_preset("binary-1d"))
    dialog_log["answers"]["open_path"] = str(installed)
    menu_action(window, "actionOpen").trigger()
    assert window.document.scene == load_preset("xor") and window.document.path is None
    assert window.windowTitle().startswith("XOR: what a linear model cannot do[*]")
    assert window.findChild(QtWidgets.QMenu, "menuRecent").actions() == []  # File → Examples lists it already
    window.document.set_settings(steps=7)
    dialog_log["answers"]["save_path"] = str(tmp_path / "xor-copy.json")
    assert window.files.save()
    assert installed.read_bytes() == before and read_scene(tmp_path / "xor-copy.json").steps == 7
    # ``lossviz <installed file>`` and ``lossviz <preset name>``: the window starts untitled
    started = make_window(read_scene(installed), path=installed)
    assert started.document.path is None and started.windowTitle().startswith("XOR")
    window.load_scene(installed)
    assert window.document.path is None


def test_nothing_is_saved_into_the_bundled_folder(make_window, dialog_log, tmp_path, monkeypatch):
    """Save As that names a file among the installed scenes is refused (an installed copy made for this test)."""
    install = tmp_path / "site-packages" / "lossviz" / "resources"
    (install / "scenes").mkdir(parents=True)
    (install / "scenes" / "xor.json").write_text(scene_to_text(load_preset("xor")))
    scene = load_preset("binary-1d")
    monkeypatch.setattr(presets, "resources", SimpleNamespace(files=lambda package: install))
    before = (install / "scenes" / "xor.json").read_bytes()
    window = make_window(scene)
    for target in (install / "scenes" / "xor.json", install / "scenes" / "new.json"):
        dialog_log["answers"]["save_path"] = str(target)
        assert not window.files.save_as()
        assert "bundled examples' folder is read-only" in dialog_log["errors"][-1][1]
    assert (install / "scenes" / "xor.json").read_bytes() == before and not (install / "scenes" / "new.json").exists()
    assert window.document.path is None


def notes_text(window) -> str | None:
    """The notes line's text, None while it is hidden."""
    return None if window.notes.isHidden() else window.notes.label.text()


def test_notes_show_above_the_plots_can_be_dismissed_and_follow_the_scene(make_window, qtbot):
    window = make_window(load_preset("binary-1d"))
    assert notes_text(window) is None  # a scene without notes: no line
    assert window.windowTitle() == "1-D binary classification, ŷ = σ(Wx + b) with BCE[*] — lossviz"
    example_action(window, "regression-outliers").trigger()
    assert notes_text(window) == "Switch the loss to l1 or huber: the outliers stop dragging the line."
    assert window.notes.isVisible()
    bar, plots = window.notes.geometry(), window.views.data_view.geometry()
    assert window.notes.mapTo(window, bar.topLeft()).y() < window.views.data_view.mapTo(window, plots.topLeft()).y()
    QTest.mouseClick(window.findChild(QtWidgets.QToolButton, "notesClose"), Qt.MouseButton.LeftButton)
    assert notes_text(window) is None
    window.controls.loss.setCurrentIndex(window.controls.loss.findData("l1"))
    window.controls.loss.activated.emit(window.controls.loss.currentIndex())
    assert window.document.scene.loss == "l1" and notes_text(window) is None  # dismissed for this scene
    example_action(window, "xor").trigger()
    assert notes_text(window) == ("Every linear boundary misclassifies about half the points; the best θ is near 0. "
                                  "Give φ degree 2 (Capacity section): with the feature x₁x₂ a linear model in φ separates them.")
    example_action(window, "multiclass-3").trigger()
    assert notes_text(window) is None
    assert window.windowTitle() == "3-class classification: softmax + cross-entropy[*] — lossviz"
    example_action(window, "regression-outliers").trigger()
    assert notes_text(window) is not None  # dismissed for that scene only: opened again, it is shown again
    menu_action(window, "actionNew").trigger()
    assert notes_text(window) is None and window.windowTitle() == "untitled[*] — lossviz"


@pytest.mark.parametrize("keys, title, notes", [
    ({}, "untitled[*] — lossviz", None),
    ({"title": "  Two\nlines  ", "notes": "  one note\nover two lines "}, "Two lines[*] — lossviz",
     "one note\nover two lines"),
])
def test_title_and_notes_of_any_scene(make_window, keys, title, notes):
    document = json.loads(preset_text("xor"))
    document = {key: value for key, value in document.items() if key not in ("title", "notes")} | keys
    window = make_window(parse_scene_text(json.dumps(document)))
    assert window.windowTitle() == title and notes_text(window) == notes

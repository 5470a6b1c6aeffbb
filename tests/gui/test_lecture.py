"""A lecture you can click through: PageDown / PageUp and Ctrl+→ / Ctrl+← move between slides, each shown as a
fresh open of it shows it, with "3 / 10" in the status bar; File → Save to lecture adds the state shown."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.experiment import fit_scene
from lossviz.core.presets import load_preset
from lossviz.core.slides import read_lecture

from .helpers import WAIT_MS, settle
from .test_presentation import press_f11
from .visible import visible_state


def action(window, name):
    return window.actions_by_id[name]


def at_step(qtbot, window, step):
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == step, timeout=WAIT_MS)
    settle(qtbot, window.live)


def test_pagedown_goes_to_slide_three_as_a_fresh_open_of_it_shows_it(make_window, qtbot):
    window = make_window(load_preset("xor"))
    action(window, "actionExamplesLecture").trigger()
    assert window.lecture.position() == "1 / 10" and window.lecture.indicator.text() == "1 / 10"
    QTest.keyClick(window, Qt.Key.Key_PageDown)
    widths = window.views.data_view.width(), window.views.surface_view.width()
    QTest.keyClick(window, Qt.Key.Key_Space)  # a history on slide 2: a run, the dark theme, presentation mode
    action(window, "actionDarkTheme").trigger()
    QTest.keyClick(window, Qt.Key.Key_Space)
    press_f11(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_Space)  # running when the next slide comes: it comes paused
    QTest.keyClick(window, Qt.Key.Key_PageDown)  # the clicker's key, in presentation mode
    assert window.lecture.indicator.text() == "3 / 10" and window.lecture.indicator.isVisible()
    QTest.keyClick(window, Qt.Key.Key_PageUp)
    press_f11(window, qtbot)
    qtbot.waitUntil(lambda: (window.views.data_view.width(), window.views.surface_view.width()) == widths,
                    timeout=WAIT_MS)
    QTest.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)  # the next slide, as PageDown
    assert window.lecture.indicator.text() == "3 / 10"
    scene = load_preset("linear-regression")
    assert window.document.scene == scene
    at_step(qtbot, window, 20)  # the slide's step: θ as `lossviz fit linear-regression --steps 20` gives it
    np.testing.assert_allclose(window.live.state().theta, fit_scene(scene, 20).thetas[-1], rtol=1e-12)
    fresh = make_window(load_preset("xor"))  # dark too: the theme is the user's preference, not the slide's
    fresh.lecture.open_bundled()
    fresh.lecture.go(2)
    at_step(qtbot, fresh, 20)
    assert visible_state(window) == visible_state(fresh)


def test_pageup_at_the_first_slide_says_so_and_ctrl_left_goes_back(make_window, qtbot):
    window = make_window(load_preset("xor"))
    QTest.keyClick(window, Qt.Key.Key_PageDown)  # no lecture: the status bar says how to open one
    assert "No lecture open" in window.statusBar().currentMessage()
    window.lecture.open_bundled()
    QTest.keyClick(window, Qt.Key.Key_PageUp)
    assert window.statusBar().currentMessage() == "First slide" and window.lecture.position() == "1 / 10"
    QTest.keyClick(window, Qt.Key.Key_PageDown)
    QTest.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert window.lecture.position() == "1 / 10" and window.document.scene == load_preset("population-line")
    settle(qtbot, window.live)


def test_unsaved_changes_are_asked_about_before_the_next_slide(make_window, qtbot, dialog_log):
    window = make_window(load_preset("xor"))
    window.lecture.open_bundled()
    window.document.set_settings(l2=0.5)
    dialog_log["answers"]["save_changes"] = "cancel"
    QTest.keyClick(window, Qt.Key.Key_PageDown)
    assert window.lecture.position() == "1 / 10" and window.document.scene.l2 == 0.5  # nothing lost
    dialog_log["answers"]["save_changes"] = "discard"
    QTest.keyClick(window, Qt.Key.Key_PageDown)
    assert window.lecture.position() == "2 / 10"
    settle(qtbot, window.live)


def test_save_to_lecture_adds_the_state_shown_and_opens_back_to_it(make_window, qtbot, dialog_log, tmp_path):
    window = make_window(load_preset("binary-1d"))
    for _ in range(3):
        QTest.keyClick(window, Qt.Key.Key_Right)
    at_step(qtbot, window, 3)
    dialog_log["answers"]["save_path"] = str(tmp_path / "mine.json")
    action(window, "actionSaveToLecture").trigger()
    window.files.open_example("xor")
    action(window, "actionSaveToLecture").trigger()  # the lecture is open: the next slide, no question
    lecture = read_lecture(tmp_path / "mine.json")
    assert [slide.steps for slide in lecture.slides] == [3, 0]
    assert lecture.slides[0].scene == load_preset("binary-1d") and lecture.slides[1].scene == load_preset("xor")
    assert window.lecture.position() == "2 / 2"
    fresh = make_window(load_preset("xor"))
    dialog_log["answers"]["open_path"] = str(tmp_path / "mine.json")
    action(fresh, "actionOpenLecture").trigger()
    at_step(qtbot, fresh, 3)
    np.testing.assert_allclose(fresh.live.state().theta, fit_scene(load_preset("binary-1d"), 3).thetas[-1],
                               rtol=1e-12)
    assert fresh.lecture.indicator.text() == "1 / 2"


def test_a_bad_lecture_file_is_refused_in_a_dialog_and_nothing_changes(make_window, qtbot, dialog_log, tmp_path):
    window = make_window(load_preset("xor"))
    (tmp_path / "bad.json").write_text('{"lossviz_lecture": 1, "slides": [{"scene": "nowhere.json"}]}')
    dialog_log["answers"]["open_path"] = str(tmp_path / "bad.json")
    action(window, "actionOpenLecture").trigger()
    assert dialog_log["errors"] and "slides[0].scene" in dialog_log["errors"][-1][1]
    assert window.document.scene == load_preset("xor") and not window.lecture.indicator.isVisible()
    settle(qtbot, window.live)

"""Controls that never surprise: the wheel, Enter, Space and the digits, and tooltips on every control."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.presets import load_preset

from .helpers import WAIT_MS, to_viewport, type_into


def wheel(widget, steps=1):
    """A real wheel event (``steps`` notches up) over the middle of ``widget``."""
    position = QtCore.QPointF(widget.rect().center())
    event = QtGui.QWheelEvent(position, QtCore.QPointF(widget.mapToGlobal(position.toPoint())), QtCore.QPoint(),
                              QtCore.QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                              Qt.ScrollPhase.NoScrollPhase, False)
    QtWidgets.QApplication.sendEvent(widget, event)


def test_the_wheel_over_an_unfocused_control_changes_nothing_and_scrolls_the_panel(make_window, qtbot):
    window = make_window(load_preset("multiclass-3"))
    panel = window.controls
    window.views.data_view.setFocus()
    before = window.document.scene
    for widget in (panel.resolution, panel.optimizer, panel.loss, panel.batch_size, panel.learning_rate,
                   panel.momentum, panel.speed):
        wheel(widget, -1)
        wheel(widget, 2)
    assert window.document.scene is before and not window.document.modified
    window.resize(1280, 600)  # a panel taller than the window: the wheel over its fields scrolls it
    qtbot.wait(50)
    bar = window.panel_scroll.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    wheel(panel.overfit_box.degree, -1)
    wheel(panel.loss, -1)
    assert bar.value() > 0 and window.document.scene is before
    panel.batch_size.setFocus()  # a field being edited takes the wheel
    qtbot.waitUntil(panel.batch_size.hasFocus, timeout=WAIT_MS)
    wheel(panel.batch_size, 1)
    assert window.document.scene.optimizer.batch_size == 1


def test_enter_gives_the_keys_back_so_space_runs_and_keeps_the_typed_value(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    type_into(window.controls.learning_rate, "0.05")
    qtbot.waitUntil(window.views.data_view.hasFocus, timeout=WAIT_MS)
    QTest.keyClick(QtWidgets.QApplication.focusWidget(), Qt.Key.Key_Space)
    assert window.live.state().running and window.document.scene.optimizer.lr == 0.05
    assert window.controls.learning_rate.text() == "0.05"
    QTest.keyClick(QtWidgets.QApplication.focusWidget(), Qt.Key.Key_Space)
    assert not window.live.state().running


def test_clicked_buttons_and_boxes_leave_the_keys_to_the_plots(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    window.views.data_view.setFocus()
    QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.controls.log_surface, Qt.MouseButton.LeftButton, pos=QtCore.QPoint(6, 6))
    assert window.views.data_view.hasFocus()
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Space)
    assert window.live.state().running
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Space)


def test_digits_choose_the_label_while_the_pointer_is_over_the_data_view(make_window, qtbot):
    window = make_window(load_preset("multiclass-3"))
    palette = window.controls.class_palette
    window.controls.learning_rate.setFocus()  # the focus elsewhere, no click in the data view
    qtbot.waitUntil(window.controls.learning_rate.hasFocus, timeout=WAIT_MS)
    QtWidgets.QApplication.focusWidget().clearFocus()
    view = window.views.data_view
    (x0, x1), (y0, y1) = window.views.data_viewbox.viewRange()
    QTest.mouseMove(view.viewport(), to_viewport(view, (x0 + x1) / 2, (y0 + y1) / 2))
    assert view.pointer_inside() and not view.hasFocus()
    QTest.keyClick(window, Qt.Key.Key_2)
    assert palette.current() == 2
    QTest.mouseMove(window.controls, QtCore.QPoint(5, 5))  # the pointer elsewhere: digits do nothing
    QTest.keyClick(window, Qt.Key.Key_1)
    assert palette.current() == 2
    type_into(window.controls.learning_rate, "0.2")  # a field takes its digits
    assert window.document.scene.optimizer.lr == 0.2 and palette.current() == 2


def test_every_control_has_a_tooltip(make_window):
    window = make_window(load_preset("multiclass-3"))
    kinds = (QtWidgets.QAbstractButton, QtWidgets.QComboBox, QtWidgets.QAbstractSpinBox)
    silent = [w.objectName() or type(w).__name__ for w in window.controls.findChildren(QtWidgets.QWidget)
              if isinstance(w, kinds) and not w.toolTip() and w.isVisibleTo(window.controls)]
    assert silent == []
    assert "numbered from 1" in window.views.surface_view.getPlotItem().getAxis("bottom").toolTip()


def test_help_lists_every_shortcut_of_the_menus_and_the_buttons_name_their_keys(make_window, dialog_log):
    """One table makes the menus, Help → Keyboard shortcuts and the buttons' key hints: none can miss a key."""
    window = make_window(load_preset("xor"), show=False)
    window.findChild(QtGui.QAction, "actionShortcuts").trigger()
    (title, html), = dialog_log["texts"]
    shortcuts = [action for action in window.findChildren(QtGui.QAction) if not action.shortcut().isEmpty()
                 and not action.objectName().startswith("label")]
    assert {"actionNew", "actionSaveAs", "actionRedo", "actionQuit"} <= {action.objectName() for action in shortcuts}
    native = QtGui.QKeySequence.SequenceFormat.NativeText
    arrows = {"Right": "→", "Left": "←"}
    for action in shortcuts:
        for key in action.shortcuts():
            text = arrows.get(key.toString(native), key.toString(native))
            assert f"<b>{text}" in html or f"/ {text}</b>" in html, (action.objectName(), text)
    panel = window.controls
    assert "(Space)" in panel.run.toolTip() and "(→)" in panel.step.toolTip() and "(R)" in panel.reset.toolTip()

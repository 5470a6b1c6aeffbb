"""Widgets of the control panel that do more than Qt's own."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6 import QtCore, QtGui, QtWidgets

from lossviz.core.limits import VALUE_BOUND
from lossviz.plots.overrides import qt_override
from lossviz.plots.theme import CLASS_COLORS

Widget = TypeVar("Widget", bound=QtWidgets.QWidget)
MIN_RATE = 5e-324  # the smallest learning rate the box holds (a scene may name any rate > 0 up to VALUE_BOUND)
FLOAT_DECIMALS = 323  # QDoubleSpinBox rounds to this many decimals: enough for the smallest positive float64


def named(widget: Widget, name: str) -> Widget:
    """``widget`` with its object name set (what tests and style sheets find it by)."""
    widget.setObjectName(name)
    return widget


INVALID_STYLE = "border: 2px solid #D55E00;"


def mark_invalid(widget: QtWidgets.QWidget, reason: str | None) -> None:
    """Show on ``widget`` that its value was refused and why (a red frame, the reason as its tooltip), or, with
    None, that it is fine again (its own tooltip back)."""
    if reason is None:
        if widget.property("refused"):
            widget.setProperty("refused", False)
            widget.setStyleSheet("")
            widget.setToolTip(str(widget.property("ownToolTip") or ""))
        return
    if not widget.property("refused"):
        widget.setProperty("ownToolTip", widget.toolTip())
    widget.setProperty("refused", True)
    widget.setStyleSheet(INVALID_STYLE)
    widget.setToolTip(f"Refused: {reason}")


@contextmanager
def signals_blocked(*objects: QtCore.QObject) -> Iterator[None]:
    """Change widgets without their signals (showing the document is not an edit)."""
    previous = [obj.blockSignals(True) for obj in objects]
    try:
        yield
    finally:
        for obj, was in zip(objects, previous, strict=True):
            obj.blockSignals(was)


class NumberSpinBox(QtWidgets.QDoubleSpinBox):
    """A number box that shows a value as a person writes it (0.001, 2.5e+04), not with a fixed number of
    decimals, so that the box always shows the value in use (any float64: 1e-300 is not rounded to 0)."""

    def __init__(self, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.setDecimals(FLOAT_DECIMALS)
        self.setKeyboardTracking(False)

    @qt_override
    def textFromValue(self, value: float) -> str:
        """0.001 rather than 0.001000."""
        return f"{value:.6g}"

    @qt_override
    def valueFromText(self, text: str) -> float:
        """A typed number (a decimal comma accepted)."""
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return self.value()

    @qt_override
    def validate(self, text: str, pos: int) -> tuple[QtGui.QValidator.State, str, int]:
        """Accept numbers in range, and what could still become one."""
        stripped = text.strip()
        if stripped in ("", ".", "-", "e"):
            return QtGui.QValidator.State.Intermediate, text, pos
        try:
            value = float(stripped.replace(",", "."))
        except ValueError:
            partial = stripped.rstrip("e-+")
            try:
                float(partial)
                return QtGui.QValidator.State.Intermediate, text, pos
            except ValueError:
                return QtGui.QValidator.State.Invalid, text, pos
        if self.minimum() <= value <= self.maximum():
            return QtGui.QValidator.State.Acceptable, text, pos
        return QtGui.QValidator.State.Intermediate, text, pos


class IntegerSpinBox(QtWidgets.QAbstractSpinBox):
    """A box for a whole number of any size (a seed up to 2⁶³ − 1, a batch size): QSpinBox holds 32 bits, and a
    larger value set in it overflowed or was cut. ``valueChanged(int)`` is sent when a value is committed (Enter,
    leaving the field, or the arrows); ``special`` is the text shown at the minimum (e.g. "full batch")."""

    valueChanged = QtCore.Signal(object)  # an int (Signal(int) would be 32 bits too)

    def __init__(self, minimum: int = 0, maximum: int = 2**63 - 1, special: str = "", parent=None):
        super().__init__(parent)
        self._minimum, self._maximum, self._special = minimum, maximum, special
        self._value = minimum
        self.setKeyboardTracking(False)
        self.lineEdit().setText(self.textFromValue(minimum))
        self.editingFinished.connect(self._commit)

    def value(self) -> int:
        """The value shown."""
        return self._value

    def minimum(self) -> int:
        """The smallest value."""
        return self._minimum

    def maximum(self) -> int:
        """The largest value."""
        return self._maximum

    def setRange(self, minimum: int, maximum: int) -> None:
        """The values allowed (the value is clamped into them)."""
        self._minimum, self._maximum = minimum, maximum
        self.setValue(self._value)

    def setValue(self, value: int) -> None:
        """Show ``value`` (clamped to the range); ``valueChanged`` if it changed."""
        value = max(self._minimum, min(self._maximum, int(value)))
        self.lineEdit().setText(self.textFromValue(value))
        if value != self._value:
            self._value = value
            self.valueChanged.emit(value)

    @qt_override
    def textFromValue(self, value: int) -> str:
        """The special text at the minimum, else the digits."""
        return self._special if self._special and value == self._minimum else str(value)

    def _commit(self) -> None:
        text = self.lineEdit().text().strip()
        if self._special and text == self._special:
            self.setValue(self._minimum)
        elif text.isdigit() and len(text) <= MAX_DIGITS:
            self.setValue(int(text))
        else:
            self.lineEdit().setText(self.textFromValue(self._value))

    @qt_override
    def validate(self, text: str, pos: int) -> tuple[QtGui.QValidator.State, str, int]:
        """Digits (or the special text, or the start of it) only."""
        stripped = text.strip()
        if self._special and self._special.startswith(stripped):
            return QtGui.QValidator.State.Intermediate if stripped != self._special else \
                QtGui.QValidator.State.Acceptable, text, pos
        if stripped.isdigit() and len(stripped) <= MAX_DIGITS:
            return QtGui.QValidator.State.Acceptable, text, pos
        return (QtGui.QValidator.State.Intermediate if not stripped else QtGui.QValidator.State.Invalid), text, pos

    @qt_override
    def stepBy(self, steps: int) -> None:
        """The arrows: one up or down."""
        self._commit()
        self.setValue(self._value + steps)

    @qt_override
    def stepEnabled(self) -> QtWidgets.QAbstractSpinBox.StepEnabledFlag:
        """Up below the maximum, down above the minimum."""
        flags = QtWidgets.QAbstractSpinBox.StepEnabledFlag.StepNone
        if self._value < self._maximum:
            flags |= QtWidgets.QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if self._value > self._minimum:
            flags |= QtWidgets.QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags


MAX_DIGITS = 19  # of a number IntegerSpinBox takes (2⁶³ − 1 has 19)


class RateSpinBox(NumberSpinBox):
    """A learning-rate box: 1e-6 to 100, Up/Down along 1-2-5 decades."""

    def __init__(self, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.setRange(MIN_RATE, VALUE_BOUND)

    @qt_override
    def validate(self, text: str, pos: int) -> tuple[QtGui.QValidator.State, str, int]:
        """As a number box, but a rate is > 0: 0 (the box's minimum, MIN_RATE rounded by Qt) is not accepted."""
        state, text, pos = super().validate(text, pos)
        if state == QtGui.QValidator.State.Acceptable and self.valueFromText(text) <= 0:
            state = QtGui.QValidator.State.Intermediate
        return state, text, pos

    @qt_override
    def stepBy(self, steps: int) -> None:
        """Up/Down walk along 1-2-5 decades (from below the ladder's first rung, Up goes to it)."""
        ladder = [m * 10.0 ** e for e in range(-6, 3) for m in (1.0, 2.0, 5.0)]
        value = self.value()
        if value >= ladder[0]:
            index = min(range(len(ladder)), key=lambda i: abs(math.log(ladder[i]) - math.log(value)))
        else:
            index = -1
        index = max(0, min(len(ladder) - 1, index + steps))
        self.setValue(ladder[index])
        self.editingFinished.emit()


PALETTE_NAME_LENGTH = 10


def _shortened(name: str) -> str:
    """A class name that fits on its button: at most PALETTE_NAME_LENGTH characters, "…" where cut."""
    name = " ".join(name.split())
    return name if len(name) <= PALETTE_NAME_LENGTH else name[:PALETTE_NAME_LENGTH - 1] + "…"


PALETTE_ROW = 5  # class buttons a row


class ClassPalette(QtWidgets.QWidget):
    """One button per class: the label that the next click adds (also digit keys)."""

    labelChosen = QtCore.Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_ = QtWidgets.QGridLayout(self)  # PALETTE_ROW buttons a row: 10 named classes wrap, never
        # widening the panel past its dock
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(3)
        self.group = QtWidgets.QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.idClicked.connect(self.labelChosen.emit)
        self.buttons: list[QtWidgets.QToolButton] = []

    def set_classes(self, count: int, current: int, names: tuple[str, ...] | None = None) -> None:
        """One button per class 0 … count − 1, ``current`` chosen; a named class shows its name (shortened to
        PALETTE_NAME_LENGTH characters; the whole name in its tooltip)."""
        if count != len(self.buttons):
            self._make_buttons(count)
        for label, button in enumerate(self.buttons):
            name = names[label] if names is not None and label < len(names) else None
            button.setText(str(label) if name is None else f"{label} {_shortened(name)}")
            button.setToolTip(f"add points of class {label}{'' if name is None else f' ({name})'} (key {label})")
        self.select(current)

    def _make_buttons(self, count: int) -> None:
        for button in self.buttons:
            self.group.removeButton(button)
            button.deleteLater()
        self.buttons = []
        for label in range(count):
            button = QtWidgets.QToolButton(self)
            button.setCheckable(True)
            button.setFocusPolicy(QtCore.Qt.FocusPolicy.TabFocus)  # a click leaves the keys to the plots
            button.setObjectName(f"classButton{label}")
            color = CLASS_COLORS[label]
            text = "#000000" if label in (1, 4, 6, 8) else "#FFFFFF"
            button.setStyleSheet(
                f"QToolButton {{ background: {color}; color: {text}; font-weight: bold; min-width: 1.8em;"
                f" min-height: 1.4em; border: 3px solid transparent; border-radius: 4px; }}"
                f" QToolButton:checked {{ border: 3px solid palette(window-text); text-decoration: underline; }}")
            self.group.addButton(button, label)
            self.layout_.addWidget(button, label // PALETTE_ROW, label % PALETTE_ROW)
            self.buttons.append(button)

    def current(self) -> int:
        """The chosen label (0 when there are no classes)."""
        return max(0, self.group.checkedId())

    def select(self, label: int) -> None:
        """Show ``label`` as the chosen one."""
        if 0 <= label < len(self.buttons):
            self.buttons[label].setChecked(True)


class PanelManners(QtCore.QObject):
    """How the panel's widgets take the mouse wheel and the keyboard, so that nothing changes by surprise:

    - the wheel changes a value only in the widget that has the keyboard focus; elsewhere it scrolls
      the panel;
    - a click gives the focus only to the fields one types into (spin boxes): buttons, combo boxes and
      check boxes leave it where it was, so Space, the arrow keys and the digits keep acting on the plots;
    - Enter in a field commits its value and ``committed`` is emitted (the window gives the focus back
      to the plots), so that the next Space runs instead of typing into the field.
    """

    committed = QtCore.Signal()

    def install(self, panel: QtWidgets.QWidget) -> None:
        """Apply these manners to every widget of ``panel`` (and to those added later by ``adopt``)."""
        for widget in panel.findChildren(QtWidgets.QWidget):
            self.adopt(widget)

    def adopt(self, widget: QtWidgets.QWidget) -> None:
        """Apply these manners to one widget."""
        if isinstance(widget, QtWidgets.QAbstractSpinBox):
            widget.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)  # not WheelFocus
            widget.installEventFilter(self)
        elif isinstance(widget, (QtWidgets.QComboBox, QtWidgets.QAbstractButton)):
            widget.setFocusPolicy(QtCore.Qt.FocusPolicy.TabFocus)
            widget.installEventFilter(self)

    @qt_override
    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """Pass the wheel on to the panel unless the widget has the focus; note Enter in a field."""
        if not isinstance(watched, QtWidgets.QWidget):
            return False
        if event.type() == QtCore.QEvent.Type.Wheel and not watched.hasFocus():
            area = watched.parentWidget()
            while area is not None and not isinstance(area, QtWidgets.QAbstractScrollArea):
                area = area.parentWidget()
            if area is not None:  # the panel's scroll bar scrolls (a wheel event sent to the parent went nowhere)
                QtWidgets.QApplication.sendEvent(area.verticalScrollBar(), event.clone())
            return True
        if event.type() == QtCore.QEvent.Type.KeyPress and isinstance(watched, QtWidgets.QAbstractSpinBox):
            if isinstance(event, QtGui.QKeyEvent) and event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
                QtCore.QTimer.singleShot(0, self.committed.emit)  # after the field has taken the value
        return False

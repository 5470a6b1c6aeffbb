"""Widgets of the control panel that do more than Qt's own."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6 import QtCore, QtGui, QtWidgets

from lossviz.gui.theme import CLASS_COLORS

Widget = TypeVar("Widget", bound=QtWidgets.QWidget)


def named(widget: Widget, name: str) -> Widget:
    """``widget`` with its object name set (what tests and style sheets find it by)."""
    widget.setObjectName(name)
    return widget


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
    decimals, so that the box always shows the value in use."""

    def __init__(self, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.setDecimals(12)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt's name)
        """0.001 rather than 0.001000."""
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt's name)
        """A typed number (a decimal comma accepted)."""
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return self.value()

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


class RateSpinBox(NumberSpinBox):
    """A learning-rate box: 1e-6 to 100, Up/Down along 1-2-5 decades."""

    def __init__(self, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.setRange(1e-6, 100.0)

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt's name)
        """Up/Down walk along 1-2-5 decades."""
        ladder = [m * 10.0 ** e for e in range(-6, 3) for m in (1.0, 2.0, 5.0)]
        value = self.value()
        index = min(range(len(ladder)), key=lambda i: abs(math.log(ladder[i] / value)))
        index = max(0, min(len(ladder) - 1, index + steps))
        self.setValue(ladder[index])
        self.editingFinished.emit()


PALETTE_NAME_LENGTH = 10


def _shortened(name: str) -> str:
    """A class name that fits on its button: at most PALETTE_NAME_LENGTH characters, "…" where cut."""
    name = " ".join(name.split())
    return name if len(name) <= PALETTE_NAME_LENGTH else name[:PALETTE_NAME_LENGTH - 1] + "…"


class ClassPalette(QtWidgets.QWidget):
    """One button per class: the label that the next click adds (also digit keys)."""

    labelChosen = QtCore.Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_ = QtWidgets.QHBoxLayout(self)
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
            self.layout_.addWidget(button)
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

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Pass the wheel on to the panel unless the widget has the focus; note Enter in a field."""
        if not isinstance(watched, QtWidgets.QWidget):
            return False
        if event.type() == QtCore.QEvent.Type.Wheel and not watched.hasFocus():
            parent = watched.parentWidget()
            if parent is not None:  # up to the scroll area, which scrolls
                QtWidgets.QApplication.sendEvent(parent, event.clone())
            return True
        if event.type() == QtCore.QEvent.Type.KeyPress and isinstance(watched, QtWidgets.QAbstractSpinBox):
            if isinstance(event, QtGui.QKeyEvent) and event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
                QtCore.QTimer.singleShot(0, self.committed.emit)  # after the field has taken the value
        return False

"""Python overrides of Qt's virtual methods never crash the app (lossviz/plots/overrides.py): each is decorated,
and an error in a decorated one reaches sys.excepthook while the app goes on."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
import textwrap

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

import lossviz
from lossviz.core.presets import load_preset

from .helpers import type_into


def qt_overrides() -> list[tuple[str, object]]:
    """(name, function) of every method of a lossviz class that overrides a method of a PySide6 class."""
    found = []
    for module_info in pkgutil.walk_packages(lossviz.__path__, "lossviz."):
        if module_info.name.startswith(("lossviz.cli", "lossviz.core")) or module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for class_name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            qt_bases = [base for base in cls.__mro__[1:] if base.__module__.startswith(("PySide6", "shiboken6"))]
            for name, value in vars(cls).items():
                if callable(value) and not name.startswith("__") and any(hasattr(base, name) for base in qt_bases):
                    found.append((f"{module.__name__}.{class_name}.{name}", value))
    return found


def test_every_override_of_a_qt_method_is_guarded():
    overrides = qt_overrides()
    assert len(overrides) >= 15, [name for name, _ in overrides]  # the finder finds them
    unguarded = [name for name, function in overrides if not getattr(function, "qt_override", False)]
    assert not unguarded, f"decorate with @qt_override (lossviz/plots/overrides.py): {unguarded}"


CRASHING_OVERRIDES = textwrap.dedent("""
    import sys
    from PySide6 import QtCore, QtWidgets
    from PySide6.QtCore import Qt
    from lossviz.plots.overrides import qt_override

    app = QtWidgets.QApplication([])
    reported = []
    sys.excepthook = lambda kind, value, tb: reported.append(kind.__name__)

    class Painter(QtWidgets.QWidget):
        @qt_override
        def paintEvent(self, event):
            [][1]  # an IndexError the interpreter raises

    class Stepper(QtWidgets.QDoubleSpinBox):
        @qt_override
        def stepBy(self, steps):
            1 / 0  # a ZeroDivisionError

    painter, stepper = Painter(), Stepper()
    painter.show()
    stepper.show()
    QtCore.QTimer.singleShot(0, painter.repaint)
    QtCore.QTimer.singleShot(0, stepper.stepUp)
    QtCore.QTimer.singleShot(100, app.quit)
    app.exec()
    print(sorted(set(reported)))
""")


def test_an_error_in_a_guarded_override_is_reported_and_the_app_goes_on():
    done = subprocess.run([sys.executable, "-c", CRASHING_OVERRIDES], capture_output=True, text=True, timeout=60,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])  # -11 (SIGSEGV) without the decorator
    assert done.stdout.strip() == "['IndexError', 'ZeroDivisionError']", done.stdout


# Found by the monkey (seed 2, action 153, segmentation fault): a learning rate of 0 was accepted by the field (its
# minimum, 5e-324, rounds to 0 at the box's decimals), and Up then divided by it inside the override of stepBy.
def test_a_rate_of_zero_is_not_taken_and_up_from_the_bottom_works(make_window, qtbot):
    window = make_window(load_preset("population-line"))
    spin = window.controls.learning_rate
    type_into(spin, "0")
    assert spin.value() == window.document.scene.optimizer.lr == 0.1
    spin.setValue(1e-320)  # below the ladder of 1-2-5 rates
    spin.setFocus()
    QTest.keyClick(spin, Qt.Key.Key_Up)
    assert spin.value() == 1e-6 == window.document.scene.optimizer.lr

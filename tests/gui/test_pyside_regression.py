"""Regression test for the PySide6 6.12.0 crash on Python 3.11.

In PySide6 6.12.0 every Qt method that returns nothing (void) drops one reference to ``None``.
On Python 3.11 ``None`` is an ordinary reference-counted object, so after some thousands of
such calls its count reaches zero and the interpreter aborts (``none_dealloc``: "deallocating
None"). The app makes such calls all the time (setData, setEnabled, update, ...), so it would
die within seconds. pyproject.toml pins ``PySide6-Essentials>=6.10,<6.12``.

The calls run in a child process, so that an abort does not take pytest down with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

CALLS = 100_000
PLOT_UPDATES = 300
SUPPORTED = ">=6.10,<6.12"

CHILD = textwrap.dedent(f"""
    import json
    import os
    import sys

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import numpy as np
    import pyqtgraph as pg
    from PySide6 import QtCore, QtWidgets

    app = QtWidgets.QApplication([])
    widget = QtWidgets.QWidget()
    thing = QtCore.QObject()
    timer = QtCore.QTimer()
    rounds = {CALLS} // 4

    before = sys.getrefcount(None)
    for i in range(rounds):  # four void Qt methods per round
        widget.setEnabled(i % 2 == 0)
        thing.setObjectName("lossviz")
        timer.setInterval(1 + i % 50)
        widget.setToolTip("tip")
    after_void = sys.getrefcount(None)

    item = pg.PlotDataItem()
    x = np.linspace(0.0, 1.0, 50)
    for i in range({PLOT_UPDATES}):
        item.setData(x, x * i)
    after_plot = sys.getrefcount(None)

    print(json.dumps({{"calls": 4 * rounds, "before": before, "after_void": after_void, "after_plot": after_plot}}))
    sys.stdout.flush()
""")


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def test_installed_pyside6_is_a_supported_version():
    import PySide6

    try:
        from packaging.specifiers import SpecifierSet
    except ImportError:  # packaging comes with pytest, but do not depend on it
        version = _version_tuple(PySide6.__version__)
        assert (6, 10) <= version[:2] < (6, 12), f"PySide6 {PySide6.__version__} is not {SUPPORTED}"
        return
    assert PySide6.__version__ in SpecifierSet(SUPPORTED), f"PySide6 {PySide6.__version__} is not {SUPPORTED}"


def test_void_qt_methods_keep_the_reference_count_of_none():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    try:
        done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        pytest.fail("the child process did not finish in 180 s")
    assert done.returncode == 0, (f"the child process died with exit code {done.returncode} "
                                  f"(-6 is SIGABRT: 'none_dealloc')\nstderr:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["calls"] == CALLS
    # with the bug each call drops one reference: ~100,000 fewer (or an abort long before)
    dropped_void = result["before"] - result["after_void"]
    dropped_plot = result["after_void"] - result["after_plot"]
    assert dropped_void < CALLS // 10, f"{CALLS} void Qt calls dropped {dropped_void} references to None"
    assert dropped_plot < PLOT_UPDATES * 10, f"{PLOT_UPDATES} PlotDataItem.setData calls dropped {dropped_plot}"

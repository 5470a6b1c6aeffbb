"""Test setup: Qt runs offscreen (set before anything imports Qt); the ``gui`` marker; GUI fixtures.

Every test that needs Qt is marked ``gui`` here, so that ``python -m pytest -m "not gui"`` runs the headless tests
alone without importing Qt: the tests of the folders that are Qt through and through (tests/gui, tests/figures,
tests/plots, which such a run does not even collect), every test using a Qt fixture, and the tests marked
``@pytest.mark.gui`` by hand (a command that draws, run in-process). A headless test that imports Qt fails and says
that it needs the marker.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from tests.qt_gate import headless_markexpr

GUI_FOLDERS = {"gui", "figures", "plots"}  # under tests/
QT_FIXTURES = {"qtbot", "qapp", "make_window", "dialog_log"}
TESTS = Path(__file__).resolve().parent


def in_gui_folder(path: Path) -> bool:
    """True for a path inside one of the test folders that are all Qt."""
    parts = Path(path).resolve().relative_to(TESTS).parts if Path(path).resolve().is_relative_to(TESTS) else ()
    return bool(parts) and parts[0] in GUI_FOLDERS


def headless_only(config: pytest.Config) -> bool:
    """True when the run deselects the Qt tests (``-m "not gui"``; tests/qt_gate.py keeps pytest-qt out of it)."""
    return headless_markexpr(config.getoption("markexpr"))


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A headless run does not even import the Qt folders' test modules (they import Qt at their top)."""
    return True if headless_only(config) and in_gui_folder(collection_path) else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``gui`` every test of a Qt folder and every test that uses a Qt fixture."""
    for item in items:
        if in_gui_folder(item.path) or QT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def headless_tests_need_no_qt(request: pytest.FixtureRequest):
    """A test without the ``gui`` marker that imports Qt fails (seen whenever Qt was not loaded before it)."""
    if request.node.get_closest_marker("gui") is not None or "PySide6" in sys.modules:
        yield
        return
    yield
    if "PySide6" in sys.modules:
        pytest.fail("this test imports Qt: mark it @pytest.mark.gui (or use a Qt fixture)")


@pytest.fixture
def dialog_log(monkeypatch):
    """Modal dialogs never block a test: errors are recorded, questions answered from ``answers``."""
    from lossviz.gui.dialogs import common as dialogs

    log = {"errors": [], "texts": [], "asked": [],
           "answers": {"save_changes": "discard", "restore": True, "save_elsewhere": False}}
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: log["errors"].append((title, text)))
    monkeypatch.setattr(dialogs, "show_text", lambda parent, title, html: log["texts"].append((title, html)))
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: log["answers"]["save_changes"])
    monkeypatch.setattr(dialogs, "ask_restore",
                        lambda parent, when: log["asked"].append(("restore", when)) or log["answers"]["restore"])
    monkeypatch.setattr(dialogs, "ask_save_elsewhere",
                        lambda parent, text: log["asked"].append(("save_elsewhere", text)) or log["answers"]["save_elsewhere"])
    monkeypatch.setattr(dialogs, "open_path", lambda *a, **k: log["answers"].get("open_path", ""))
    monkeypatch.setattr(dialogs, "save_path", lambda *a, **k: log["answers"].get("save_path", ""))
    monkeypatch.setattr(dialogs, "ask_import", lambda parent, table: _answer_import(parent, table, log))
    return log


def _answer_import(parent, table, log):
    """File → Import data's dialog, shown without a modal loop: ``answers["import"]`` (a function given the dialog)
    works it with real clicks and keys, ending with Import or Cancel; without one, Import is clicked as it opens."""
    from PySide6 import QtWidgets
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from lossviz.gui.dialogs.import_table import ImportDialog

    log["asked"].append(("import", table.source))
    dialog = ImportDialog(parent, table)
    dialog.show()
    answer = log["answers"].get("import")
    if answer is None:
        QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    else:
        answer(dialog)
    accepted = dialog.result() == QtWidgets.QDialog.DialogCode.Accepted
    choice = dialog.choice() if accepted else None
    dialog.close()
    dialog.deleteLater()
    return choice


@pytest.fixture
def make_window(qtbot, tmp_path, dialog_log):
    """Build MainWindows with private settings and recovery folder; each is shut down after the test
    and the test fails if a worker thread is still running."""
    import pyqtgraph as pg
    from PySide6 import QtCore

    from lossviz.gui import MainWindow

    pg.setConfigOption("mouseRateLimit", -1)  # synthetic mouse moves come faster than 100 Hz
    windows = []

    def make(scene=None, show=True, recovery_dir=None, path=None):
        settings = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
        window = MainWindow(scene, settings=settings, recovery_dir=recovery_dir or tmp_path / "recovery", path=path)
        if show:
            window.resize(1300, 820)
            window.show()
            qtbot.waitExposed(window)
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow)  # window shortcuts need an active window
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.shutdown()
        assert window.live.stopped()
        window.close()
        window.deleteLater()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """With LOSSVIZ_QT_REPORT=FILE, write which Qt modules the run imported (tests/test_markers.py reads it)."""
    report = os.environ.get("LOSSVIZ_QT_REPORT")
    if report:
        Path(report).write_text("\n".join(sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6",
                                                                                             "pyqtgraph"))))

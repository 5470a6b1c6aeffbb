"""Test setup: Qt runs offscreen (set before anything imports Qt); GUI fixtures."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture
def dialog_log(monkeypatch):
    """Modal dialogs never block a test: errors are recorded, questions answered from ``answers``."""
    from lossviz.gui import dialogs

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

    from lossviz.gui.import_dialog import ImportDialog

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
        assert not window.live.training.thread.isRunning()
        assert not window.live.surfaces.thread.isRunning()
        window.close()
        window.deleteLater()

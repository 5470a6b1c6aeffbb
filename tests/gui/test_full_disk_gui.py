"""The app's saves and exports onto a full disk: a dialog says why, the old file stays as it was, nothing else is
left there; the autosave says so in the status bar (tests/full_disk.py makes the full disk)."""

from __future__ import annotations

import pytest
from PySide6 import QtCore

from lossviz.core.presets import load_preset
from tests.full_disk import OLD_TEXT, full_disk, listing

from .helpers import WAIT_MS, settle


@pytest.mark.parametrize("action, name", [
    ("save", "old.json"), ("csv", "old.csv"), ("image", "old.png"), ("image", "old.svg"), ("image", "old.pdf"),
    ("animation", "old.gif"), ("decomposition", "old.png"), ("decomposition", "old.pdf"),
])
def test_a_save_or_an_export_onto_a_full_disk_says_why_and_keeps_the_old_file(action, name, make_window, qtbot,
                                                                              dialog_log, tmp_path, monkeypatch):
    from lossviz.gui.dialogs import common as dialogs

    window = make_window(load_preset("linear-regression"))
    for _ in range(3):
        window.live.step_once()
    settle(qtbot, window)
    with full_disk(tmp_path, monkeypatch, old_files=(name,)) as disk:
        before = listing(disk)
        dialog_log["answers"]["save_path"] = str(disk / name)
        monkeypatch.setattr(dialogs, "ask_export_options",
                            lambda parent, options: dialogs.ImageOptions("full", 1, name.rsplit(".", 1)[1]))
        monkeypatch.setattr(dialogs, "ask_animation_options",
                            lambda parent, options, mp4: dialogs.AnimationOptions((160, 90), 5, 3, "gif"))
        {"save": window.files.save_as, "csv": window.files.export_csv, "image": window.exports.export_image_dialog,
         "animation": window.exports.export_animation_dialog, "decomposition": _save_decomposition(window)}[action]()
        assert len(dialog_log["errors"]) == 1, dialog_log["errors"]
        assert "No space left on device" in dialog_log["errors"][0][1]
        assert listing(disk) == before and (disk / name).read_text(encoding="utf-8") == OLD_TEXT
    assert window.document.path is None or window.document.path.parent != disk


def _save_decomposition(window):
    """View → Decomposition, then its Save."""
    def save() -> None:
        window.exports.show_decomposition()
        window.exports.decomposition.saveRequested.emit()
    return save


def test_an_autosave_onto_a_full_disk_says_so_and_the_window_goes_on(make_window, qtbot, tmp_path, monkeypatch):
    with full_disk(tmp_path, monkeypatch) as disk:
        window = make_window(load_preset("xor"), recovery_dir=disk)
        window.recovery.set_autosave_delays(10, 50)
        window.document.set_view_options(speed=3.0)  # an unsaved change: an autosave is due
        qtbot.waitUntil(lambda: "recovery file" in window.statusBar().currentMessage(), timeout=WAIT_MS)
        assert "No space left on device" in window.statusBar().currentMessage()
        assert [p.name for p in disk.iterdir() if p.name != "filler" and not p.name.endswith(".lock")] == []
    QtCore.QCoreApplication.processEvents()

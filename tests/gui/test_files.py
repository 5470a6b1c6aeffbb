"""Files in the app: open, save, bad files, CSV, unsaved changes, crash recovery."""

import json

import numpy as np
from PySide6 import QtCore

from lossviz.core.presets import load_preset
from lossviz.core.scene import read_scene

from .helpers import click


def test_save_and_load_round_trip_everything_the_window_shows(make_window, tmp_path):
    window = make_window(load_preset("binary-2d-blobs"))
    click(window.data_view, -2.5, 2.5)
    window.controls.log_surface.setChecked(True)
    window.document.set_settings(init=np.array([[1.0, -1.0, 0.5]]))
    path = tmp_path / "mine.json"
    window.save_scene(path)
    assert not window.document.modified
    saved = read_scene(path)
    assert saved.data == window.scene.data
    assert saved.init.tolist() == [[1.0, -1.0, 0.5]]
    assert saved.extra["view"]["log_surface"] is True
    other = make_window(load_preset("linear-regression"))
    other.load_scene(path)
    assert other.scene == window.scene
    assert other.controls.log_surface.isChecked()
    assert other.controls.task.currentData() == "binary"
    assert other.windowTitle().startswith("mine.json")


def test_a_broken_file_is_reported_and_the_document_kept(make_window, dialog_log, tmp_path):
    window = make_window(load_preset("xor"))
    click(window.data_view, 0.0, 1.9)
    scene = window.scene
    broken = tmp_path / "broken.json"
    broken.write_text('{"lossviz": 1, "task": "binary", "data": {"x": [[0, 1]], "y": [7]}}')
    dialog_log["answers"]["open_path"] = str(broken)
    window.open_dialog()
    assert len(dialog_log["errors"]) == 1
    title, text = dialog_log["errors"][0]
    assert "broken.json" in text and "data.y[0]" in text
    assert window.scene is scene and window.document.modified
    truncated = tmp_path / "truncated.json"
    truncated.write_text('{"lossviz": 1, "task": ')
    assert not window.open_path(truncated)
    assert window.scene is scene and "not valid JSON" in dialog_log["errors"][1][1]


def test_save_to_an_unwritable_place_is_reported(make_window, dialog_log, tmp_path):
    window = make_window(load_preset("xor"))
    dialog_log["answers"]["save_path"] = str(tmp_path / "missing" / "x.json")
    assert not window.save_as()
    assert "cannot write" in dialog_log["errors"][0][1]
    assert list(tmp_path.glob("missing*")) == []


def test_unsaved_changes_prompt_on_close_new_and_open(make_window, dialog_log, tmp_path):
    window = make_window(load_preset("xor"))
    click(window.data_view, 0.0, 1.9)
    dialog_log["answers"]["save_changes"] = "cancel"
    assert not window.close()
    assert window.isVisible()
    data = window.scene.data
    window.new_document()
    assert window.scene.data is data
    dialog_log["answers"]["save_changes"] = "save"
    dialog_log["answers"]["save_path"] = str(tmp_path / "kept.json")
    window.new_document()
    assert read_scene(tmp_path / "kept.json").data == data
    assert window.scene.data.size == 0 and not window.document.modified
    assert window.windowTitle().startswith("untitled")


def test_csv_import_and_export(make_window, dialog_log, tmp_path):
    window = make_window(load_preset("linear-regression"))
    dialog_log["answers"]["save_path"] = str(tmp_path / "data.csv")
    window.export_csv()
    text = (tmp_path / "data.csv").read_text()
    assert text.splitlines()[0] == "x,y" and len(text.splitlines()) == window.scene.data.size + 1
    (tmp_path / "new.csv").write_text("x,y\n0,1\n1,3\n2,5\n")
    dialog_log["answers"]["open_path"] = str(tmp_path / "new.csv")
    window.import_csv()
    assert window.scene.data.X[:, 0].tolist() == [0.0, 1.0, 2.0]
    window.document.undo_stack.undo()
    assert window.scene.data.size > 3
    (tmp_path / "bad.csv").write_text("x,y\n0,1\n1,nope\n")
    dialog_log["answers"]["open_path"] = str(tmp_path / "bad.csv")
    window.import_csv()
    assert "row 2" in dialog_log["errors"][-1][1]


def test_recent_files_and_geometry_are_remembered(make_window, tmp_path):
    window = make_window(load_preset("xor"))
    window.save_scene(tmp_path / "a.json")
    window.save_scene(tmp_path / "b.json")
    names = [action.text() for action in window.recent_menu.actions()]
    assert names[:2] == ["b.json", "a.json"]
    window.resize(701, 503)  # within the offscreen screen (800×600), which restoreGeometry respects
    window.shutdown()
    assert window.settings.value("geometry") is not None
    again = make_window(load_preset("xor"), show=False)
    assert (again.width(), again.height()) == (701, 503)
    assert [a.text() for a in again.recent_menu.actions()][:2] == ["b.json", "a.json"]


def test_unsaved_work_survives_a_crash(make_window, dialog_log, qtbot, tmp_path):
    recovery = tmp_path / "crash"
    window = make_window(load_preset("binary-2d-blobs"), recovery_dir=recovery)
    window.autosave_timer.setInterval(50)
    click(window.data_view, -2.7, 2.7)
    edited = window.scene.data
    qtbot.waitUntil(lambda: (recovery / "recovery.json").exists(), timeout=5000)
    # a crash: the process is gone without closeEvent; a new window starts on the default scene
    window.shutdown()
    restored = make_window(recovery_dir=recovery)
    dialog_log["answers"]["restore"] = True
    assert restored.offer_recovery()
    assert restored.scene.data == edited and restored.document.modified
    assert "recovery" not in restored.scene.extra
    # declining removes the file; a clean close removes it too
    restored.write_recovery()
    declined = make_window(recovery_dir=recovery)
    dialog_log["answers"]["restore"] = False
    assert not declined.offer_recovery()
    assert not (recovery / "recovery.json").exists()


def test_a_corrupt_recovery_file_is_ignored(make_window, tmp_path):
    (tmp_path / "rec").mkdir()
    (tmp_path / "rec" / "recovery.json").write_text("{not json")
    window = make_window(recovery_dir=tmp_path / "rec")
    assert not window.offer_recovery()
    assert not (tmp_path / "rec" / "recovery.json").exists()


def test_saved_file_is_a_valid_scene_for_the_command_line(make_window, tmp_path):
    from lossviz.cli import main

    window = make_window(load_preset("multiclass-3"))
    window.save_scene(tmp_path / "m.json")
    assert json.loads((tmp_path / "m.json").read_text())["lossviz"] == 1
    assert main(["fit", str(tmp_path / "m.json"), "--steps", "2", "-o", str(tmp_path / "t.json")]) == 0
    assert QtCore.QFileInfo(str(tmp_path / "t.json")).size() > 0

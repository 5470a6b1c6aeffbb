"""Files in the app: open, save, bad files, CSV, unsaved changes, crash recovery."""

import json
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtWidgets

from lossviz.core.presets import load_preset, preset_path
from lossviz.core.scene import read_scene

from .helpers import click


def test_save_and_load_round_trip_everything_the_window_shows(make_window, tmp_path):
    window = make_window(load_preset("binary-2d-blobs"))
    click(window.views.data_view, -2.5, 2.5)
    window.controls.log_surface.setChecked(True)
    window.document.set_settings(init=np.array([[1.0, -1.0, 0.5]]))
    path = tmp_path / "mine.json"
    window.save_scene(path)
    assert not window.document.modified
    saved = read_scene(path)
    assert saved.data == window.document.scene.data
    assert saved.init.tolist() == [[1.0, -1.0, 0.5]]
    assert saved.view.log_surface is True
    other = make_window(load_preset("linear-regression"))
    other.load_scene(path)
    assert other.document.scene == window.document.scene
    assert other.controls.log_surface.isChecked()
    assert other.controls.task.currentData() == "binary"
    assert other.windowTitle().startswith("mine.json")


def test_a_broken_file_is_reported_and_the_document_kept(make_window, dialog_log, tmp_path):
    window = make_window(load_preset("xor"))
    click(window.views.data_view, 0.0, 1.9)
    scene = window.document.scene
    broken = tmp_path / "broken.json"
    broken.write_text('{"lossviz": 1, "task": "binary", "data": {"x": [[0, 1]], "y": [7]}}')
    dialog_log["answers"]["open_path"] = str(broken)
    window.files.open_dialog()
    assert len(dialog_log["errors"]) == 1
    title, text = dialog_log["errors"][0]
    assert "broken.json" in text and "data.y[0]" in text
    assert window.document.scene is scene and window.document.modified
    truncated = tmp_path / "truncated.json"
    truncated.write_text('{"lossviz": 1, "task": ')
    assert not window.files.open_path(truncated)
    assert window.document.scene is scene and "not valid JSON" in dialog_log["errors"][1][1]


def test_a_bad_runs_key_is_the_command_lines_error_in_a_dialog(make_window, dialog_log, tmp_path, capsys):
    """The scene's ``runs`` are checked when it is read: File → Open says what ``lossviz fit`` says, and keeps the
    document (the race menu unchanged)."""
    from lossviz.cli import main

    window = make_window(load_preset("xor"))
    scene = window.document.scene
    bad = tmp_path / "bad-race.json"
    bad.write_text(json.dumps({**json.loads(Path(preset_path("optimizer-race")).read_text(encoding="utf-8")),
                               "runs": [{"optimizer": {"name": "adam", "lr": 0}}]}))
    assert main(["fit", str(bad)]) == 2
    said = capsys.readouterr().err.removeprefix("lossviz: error: ").strip()
    assert "runs[0].optimizer.lr" in said
    assert not window.files.open_path(bad)
    assert dialog_log["errors"] == [("Cannot open scene", said)]
    assert window.document.scene is scene and not window.race_action.isChecked()


def test_save_to_an_unwritable_place_is_reported(make_window, dialog_log, tmp_path):
    window = make_window(load_preset("xor"))
    dialog_log["answers"]["save_path"] = str(tmp_path / "missing" / "x.json")
    assert not window.files.save_as()
    assert "cannot write" in dialog_log["errors"][0][1]
    assert list(tmp_path.glob("missing*")) == []


def test_unsaved_changes_prompt_on_close_new_and_open(make_window, dialog_log, tmp_path):
    window = make_window(load_preset("xor"))
    click(window.views.data_view, 0.0, 1.9)
    dialog_log["answers"]["save_changes"] = "cancel"
    assert not window.close()
    assert window.isVisible()
    data = window.document.scene.data
    window.files.new_document()
    assert window.document.scene.data is data
    dialog_log["answers"]["save_changes"] = "save"
    dialog_log["answers"]["save_path"] = str(tmp_path / "kept.json")
    window.files.new_document()
    assert read_scene(tmp_path / "kept.json").data == data
    assert window.document.scene.data.size == 0 and not window.document.modified
    assert window.windowTitle().startswith("untitled")


def test_csv_import_and_export(make_window, dialog_log, tmp_path):
    window = make_window(load_preset("linear-regression"))
    dialog_log["answers"]["save_path"] = str(tmp_path / "data.csv")
    window.files.export_csv()
    text = (tmp_path / "data.csv").read_text()
    assert text.splitlines()[0] == "x,y" and len(text.splitlines()) == window.document.scene.data.size + 1
    (tmp_path / "new.csv").write_text("x,y\n0,1\n1,3\n2,5\n")
    dialog_log["answers"]["open_path"] = str(tmp_path / "new.csv")
    window.files.import_csv()
    assert window.document.scene.data.X[:, 0].tolist() == [0.0, 1.0, 2.0]
    window.document.undo_stack.undo()
    assert window.document.scene.data.size > 3
    (tmp_path / "bad.csv").write_text("x,y\nnope,1\nalso,3\n")
    dialog_log["answers"]["open_path"] = str(tmp_path / "bad.csv")
    seen = []  # the import dialog says what is wrong and greys out Import
    dialog_log["answers"]["import"] = lambda dialog: seen.append((dialog.summary.text(), dialog.ok_button.isEnabled()))
    data = window.document.scene.data
    window.files.import_csv()
    assert "row 2" in seen[0][0] and not seen[0][1] and window.document.scene.data is data


def test_recent_files_and_geometry_are_remembered(make_window, tmp_path):
    window = make_window(load_preset("xor"))
    window.save_scene(tmp_path / "a.json")
    window.save_scene(tmp_path / "b.json")
    names = [action.text() for action in window.findChild(QtWidgets.QMenu, "menuRecent").actions()]
    assert names[:2] == ["b.json", "a.json"]
    window.resize(701, 503)  # within the offscreen screen (800×600), which restoreGeometry respects
    window.shutdown()
    assert window.settings.value("geometry") is not None
    again = make_window(load_preset("xor"), show=False)
    assert (again.width(), again.height()) == (701, 503)
    assert [a.text() for a in again.findChild(QtWidgets.QMenu, "menuRecent").actions()][:2] == ["b.json", "a.json"]


def test_saved_file_is_a_valid_scene_for_the_command_line(make_window, tmp_path):
    from lossviz.cli import main

    window = make_window(load_preset("multiclass-3"))
    window.save_scene(tmp_path / "m.json")
    assert json.loads((tmp_path / "m.json").read_text())["lossviz"] == 1
    assert main(["fit", str(tmp_path / "m.json"), "--steps", "2", "-o", str(tmp_path / "t.json")]) == 0
    assert QtCore.QFileInfo(str(tmp_path / "t.json")).size() > 0


def test_save_over_a_read_only_file_is_refused_and_offers_another_name(make_window, dialog_log, tmp_path):
    import stat

    target = tmp_path / "handout.json"
    window = make_window(load_preset("xor"))
    window.save_scene(target)
    original = target.read_bytes()
    target.chmod(0o444)
    click(window.views.data_view, 0.0, 1.9)
    dialog_log["answers"]["save_elsewhere"] = False
    assert not window.files.save()
    assert [kind for kind, _ in dialog_log["asked"]] == ["save_elsewhere"]
    assert "read-only" in dialog_log["asked"][0][1]
    assert target.read_bytes() == original and stat.S_IMODE(target.stat().st_mode) == 0o444
    assert window.document.modified
    dialog_log["answers"]["save_elsewhere"] = True  # yes: Save As
    dialog_log["answers"]["save_path"] = str(tmp_path / "mine.json")
    assert window.files.save()
    assert read_scene(tmp_path / "mine.json").data == window.document.scene.data
    assert window.document.path.name == "mine.json" and not window.document.modified


def test_save_keeps_the_mode_of_a_private_file(make_window, tmp_path):
    import stat

    target = tmp_path / "private.json"
    window = make_window(load_preset("xor"))
    window.save_scene(target)
    target.chmod(0o600)
    click(window.views.data_view, 0.0, 1.9)
    window.save_scene(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(("settings", "recovery"))) == \
        ["private.json"]


def test_csv_with_a_huge_field_is_refused_and_cr_line_endings_import(make_window, dialog_log, tmp_path):
    window = make_window(load_preset("linear-regression"))
    data = window.document.scene.data
    (tmp_path / "long.csv").write_text("x,y\n0,1\n1," + "2" * 200_000 + "\n")
    dialog_log["answers"]["open_path"] = str(tmp_path / "long.csv")
    window.files.import_csv()
    assert len(dialog_log["errors"]) == 1 and "line 3" in dialog_log["errors"][0][1]
    assert window.document.scene.data is data
    (tmp_path / "old-mac.csv").write_bytes(b"x,y\r0,1\r1,3\r2,5\r")
    dialog_log["answers"]["open_path"] = str(tmp_path / "old-mac.csv")
    window.files.import_csv()
    assert window.document.scene.data.X[:, 0].tolist() == [0.0, 1.0, 2.0]
    assert window.document.scene.data.y.tolist() == [1.0, 3.0, 5.0]

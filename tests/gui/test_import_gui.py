"""File → Import data in the window: an iris-like table becomes three named classes — in the legend, the class
buttons and the hover text — as one undo step; a bad table changes nothing."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.presets import load_preset
from lossviz.core.scene import read_scene, scene_to_text
from lossviz.core.table import ImportChoice, read_table, table_scene
from tests.cli.test_import_cli import SPECIES, iris_like_csv, run

from .helpers import move, settle


def choose(combo: QtWidgets.QComboBox, value) -> None:
    """Pick the entry holding ``value`` with the keyboard: Home, then Down until it is there."""
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == value:
            return
        QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == value


def tick_features(dialog, features) -> None:
    """Tick exactly ``features`` in the dialog's column list with real clicks on the rows' check boxes (Space would
    reach the window's Run shortcut here: the dialog is not the active window in these tests)."""
    columns = dialog.features
    for row in range(columns.count()):
        item = columns.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) in features
        if bool(item.flags() & Qt.ItemFlag.ItemIsEnabled) and (item.checkState() == Qt.CheckState.Checked) != wanted:
            rect = columns.visualItemRect(item)
            box = QtCore.QPoint(rect.left() + 10, rect.center().y())  # the check box, left in the row
            QTest.mouseClick(columns.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, box)
    assert dialog.ticked() == sorted(features)


def work_dialog(dialog, features, label, task=None, standardize=False) -> None:
    """Choose columns, task and scaling in the import dialog with real keys, then click Import."""
    choose(dialog.label, label)
    tick_features(dialog, features)
    if task is not None:
        choose(dialog.task, task)
    if standardize != dialog.standardize.isChecked():
        dialog.standardize.setFocus()
        QTest.keyClick(dialog.standardize, Qt.Key.Key_Space)
    assert dialog.ok_button.isEnabled(), dialog.summary.text()
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QtWidgets.QDialog.DialogCode.Accepted


@pytest.mark.parametrize(("argv", "features", "label", "task", "standardize"), [
    (["--x", "sepal_length,petal_length", "--y", "species", "--standardize"], (0, 2), 4, None, True),
    (["--x", "0,2", "--y", "4"], (0, 2), 4, None, False),
    (["--x", "petal_width", "--y", "species", "--task", "multiclass"], (3,), 4, "multiclass", False),
    (["--x", "sepal_length", "--y", "petal_length"], (0,), 2, None, False),
])
def test_the_command_writes_the_scene_the_dialog_makes(argv, features, label, task, standardize, tmp_path, qtbot):
    from lossviz.gui.dialogs.import_table import ImportDialog

    table_path = iris_like_csv(tmp_path / "iris.csv")
    result = run(["import", table_path.name, *argv, "-o", "scene.json"], tmp_path)
    assert result.returncode == 0 and result.stderr == "" and result.stdout == ""  # nothing skipped: quiet
    written = read_scene(tmp_path / "scene.json")
    table = read_table(table_path)
    dialog = ImportDialog(None, table)
    qtbot.addWidget(dialog)
    dialog.show()
    work_dialog(dialog, features, label, task, standardize)
    scene, _ = table_scene(table, dialog.choice())
    assert scene == written and scene_to_text(scene) == (tmp_path / "scene.json").read_text(encoding="utf-8")
    assert written.title == "Imported from iris.csv" and written.data.size == 150
    if label == 4:
        assert written.task == "multiclass" and written.classes == 3 and written.class_names == SPECIES
        assert written.loss == "ce"
    else:
        assert written.task == "regression" and written.class_names is None and written.loss == "l2"


def import_action(window) -> QtGui.QAction:
    """File → Import data (CSV)…"""
    return window.findChild(QtGui.QAction, "actionImportCsv")


def test_an_iris_like_table_shows_three_named_classes(make_window, dialog_log, tmp_path, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))
    before = window.document.scene
    path = iris_like_csv(tmp_path / "iris.csv")
    dialog_log["answers"]["open_path"] = str(path)
    summaries = []

    def answer(dialog):
        summaries.append(dialog.summary.text())
        assert dialog.preview.rowCount() == 8 and dialog.preview.columnCount() == 5
        assert dialog.preview.item(0, 4).text() == "setosa"
        work_dialog(dialog, (2, 3), 4)  # petal length and width, the species; the task suggested: multiclass

    dialog_log["answers"]["import"] = answer
    import_action(window).trigger()
    assert dialog_log["errors"] == [] and summaries[0].startswith("150 rows imported")
    scene = window.document.scene
    expected, _ = table_scene(read_table(path), ImportChoice(("petal_length", "petal_width"), "species"))
    assert (scene.task, scene.dims, scene.classes, scene.class_names) == ("multiclass", 2, 3, SPECIES)
    assert scene.data == expected.data and scene.loss == "ce" and window.document.scene.title == "Imported from iris.csv"
    assert window.views.data_plot.legend_names() == list(SPECIES)
    assert (scene.input_names, scene.label_name) == (("petal_length", "petal_width"), "species")
    axes = window.views.data_view.getPlotItem()
    assert [axes.getAxis(name).labelText for name in ("bottom", "left")] == ["petal_length (x₁)", "petal_width (x₂)"]
    palette = window.controls.class_palette
    assert [button.text() for button in palette.buttons] == ["0 setosa", "1 versicolor", "2 virginica"]
    assert "virginica" in palette.buttons[2].toolTip()
    settle(qtbot, window)
    x, y = window.views.data_plot.point_positions()[120]  # a virginica sample
    move(window.views.data_view, x, y)
    assert "virginica (class 2)" in window.statusBar().currentMessage() and "P(virginica) = " in \
        window.statusBar().currentMessage()
    X = scene.data.X[120]  # every input by the table's name
    assert f"sample 121: petal_length = {X[0]:.4g}, petal_width = {X[1]:.4g}, " in window.statusBar().currentMessage()
    QTest.mouseClick(palette.buttons[1], Qt.MouseButton.LeftButton)
    assert "New points get label 1 (versicolor)" in window.statusBar().currentMessage()

    window.document.undo_stack.undo()  # one step back to the blobs
    assert window.document.scene == before and window.views.data_plot.legend_names() == []
    assert axes.getAxis("bottom").labelText == "x₁"
    assert [button.text() for button in palette.buttons] == ["0", "1"]
    window.document.undo_stack.redo()
    assert window.document.scene.class_names == SPECIES and window.views.data_plot.legend_names() == list(SPECIES)


def test_names_stay_while_task_and_classes_do_and_go_with_them(make_window, dialog_log, tmp_path):
    window = make_window(load_preset("binary-2d-blobs"))
    path = tmp_path / "yes-no.csv"
    path.write_text("a,b,answer\n" + "".join(f"{i},{i % 3},{'yes' if i % 2 else 'no'}\n" for i in range(20)))
    dialog_log["answers"]["open_path"] = str(path)
    import_action(window).trigger()  # Import clicked on the dialog's own choices: a, b and the answer
    scene = window.document.scene
    assert (scene.task, scene.class_names) == ("binary", ("no", "yes"))
    assert window.views.data_plot.legend_names() == ["no", "yes"]
    window.files.new_document()  # File → New: the same task and classes, still named
    assert window.document.scene.class_names == ("no", "yes") and window.document.scene.data.size == 0
    assert window.document.scene.input_names == ("a, standardised", "b, standardised")  # a reaches 19: by default
    assert window.document.scene.label_name == "answer"
    choose(window.controls.task, "multiclass")
    assert window.document.scene.task == "multiclass" and window.document.scene.class_names is None
    assert window.views.data_plot.legend_names() == []
    assert window.document.scene.input_names is None and window.document.scene.label_name is None  # another task


def test_a_bad_table_or_a_cancel_leaves_the_document_alone(make_window, dialog_log, tmp_path):
    window = make_window(load_preset("xor"))
    scene = window.document.scene
    (tmp_path / "empty.csv").write_text("\n")
    dialog_log["answers"]["open_path"] = str(tmp_path / "empty.csv")
    import_action(window).trigger()
    assert dialog_log["errors"] == [("Cannot import data", f"{tmp_path / 'empty.csv'}: no rows (the file is empty)")]
    many = tmp_path / "many.csv"
    many.write_text("x,y\n" + "".join(f"{i},c{i}\n" for i in range(11)))
    dialog_log["answers"]["open_path"] = str(many)
    seen = []
    dialog_log["answers"]["import"] = lambda dialog: seen.append((dialog.summary.text(), dialog.ok_button.isEnabled()))
    import_action(window).trigger()
    assert "11 classes" in seen[0][0] and "row 12" in seen[0][0] and not seen[0][1]

    def cancel(dialog):
        QTest.keyClick(dialog, Qt.Key.Key_Escape)

    iris_like_csv(tmp_path / "iris.csv")
    dialog_log["answers"].update(open_path=str(tmp_path / "iris.csv"), **{"import": cancel})
    import_action(window).trigger()
    assert window.document.scene is scene and not window.document.modified and window.document.undo_stack.count() == 0


def housing_csv(path):
    """Rows like a housing table: the area in m² (tens to hundreds), rooms (a few), the price."""
    lines = ["area,rooms,price"] + [f"{40 + 7 * i},{2 + i % 5},{100 + 3 * i + (i % 4)}" for i in range(40)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_import_defaults_import_and_standardise_features_of_other_scales(make_window, dialog_log, tmp_path):
    """The defaults import (they chose two features for regression and then refused them): every numeric column but
    the label, as `--x all`; features in the hundreds are standardised by default, and the dialog says why."""
    from lossviz.gui.dialogs.import_table import ImportDialog

    dialog = ImportDialog(None, read_table(housing_csv(tmp_path / "housing.csv")))
    try:
        assert dialog.task.currentData() == "regression" and dialog.ticked() == [0, 1]  # every numeric column
        assert dialog.ok_button.isEnabled(), dialog.summary.text()
        assert dialog.standardize.isChecked() and "Standardised by default: " in dialog.summary.text()
    finally:
        dialog.deleteLater()


def test_importing_into_an_experiment_resets_phi_lambda_and_the_split_in_one_undo_step(make_window, dialog_log,
                                                                                       tmp_path):
    window = make_window(load_preset("sine-overfit"))
    before = window.document.scene
    assert before.degree is not None and before.split is not None
    path = iris_like_csv(tmp_path / "iris.csv")
    dialog_log["answers"]["open_path"] = str(path)
    dialog_log["answers"]["import"] = lambda dialog: work_dialog(dialog, (2, 3), 4)
    import_action(window).trigger()
    scene = window.document.scene
    assert (scene.degree, scene.l2, scene.split) == (None, 0.0, None) and scene.task == "multiclass"
    assert "φ" in window.statusBar().currentMessage() and "test split reset" in window.statusBar().currentMessage()
    window.document.undo_stack.undo()
    assert window.document.scene == before


def test_the_class_legend_takes_the_corner_with_the_fewest_samples(make_window, dialog_log, tmp_path, qtbot):
    """Issue 20 item 5: the class legend (top left) sat over points; with samples crowding the top left it moves to an
    emptier corner, and no sample is under it."""
    from lossviz.core.dataset import Dataset

    window = make_window(load_preset("binary-2d-blobs"))
    dialog_log["answers"]["open_path"] = str(iris_like_csv(tmp_path / "iris.csv"))
    dialog_log["answers"]["import"] = lambda dialog: work_dialog(dialog, (2, 3), 4)  # two inputs: a plane of x
    import_action(window).trigger()
    settle(qtbot, window)
    plot = window.views.data_plot
    scene = window.document.scene
    X = scene.data.X.copy()
    (x0, x1), (y0, y1) = window.views.data_viewbox.viewRange()
    X[:40] = [x0 + 0.05 * (x1 - x0), y1 - 0.05 * (y1 - y0)] + 0.02 * np.random.default_rng(0).normal(size=(40, 2))
    window.document.edit_data(Dataset(X, scene.data.y), "Move points")  # as a drag of many would
    settle(qtbot, window)
    assert plot.legend_corner != (0, 1)
    legend = plot.legend.sceneBoundingRect()
    box = window.views.data_viewbox
    inside = [legend.contains(box.mapViewToScene(pg.Point(float(x), float(y)))) for x, y in plot.point_positions()]
    assert not any(inside), f"{sum(inside)} samples under the legend"

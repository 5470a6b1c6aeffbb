"""Every modal question the app asks, in one place (tests replace these functions)."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

SCENE_FILTER = "lossviz scenes (*.json);;All files (*)"
CSV_FILTER = "CSV files (*.csv);;All files (*)"


def show_error(parent, title: str, text: str) -> None:
    """An error the user can act on, in one dialog."""
    QtWidgets.QMessageBox.critical(parent, title, text)


def ask_save_changes(parent, name: str) -> str:
    """'save', 'discard' or 'cancel'."""
    box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, "Unsaved changes",
                                f"Save the changes to {name}?", parent=parent)
    buttons = QtWidgets.QMessageBox.StandardButton
    box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
    box.setDefaultButton(buttons.Save)
    answer = box.exec()
    return {buttons.Save: "save", buttons.Discard: "discard"}.get(buttons(answer), "cancel")


def ask_save_elsewhere(parent, text: str) -> bool:
    """The file cannot be written (read-only): save under another name? True for yes."""
    answer = QtWidgets.QMessageBox.question(parent, "Cannot save", f"{text}\n\nSave under another name?")
    return answer == QtWidgets.QMessageBox.StandardButton.Yes


def ask_restore(parent, when: str) -> bool:
    """Restore the unsaved work of a window that did not close normally? True for yes."""
    answer = QtWidgets.QMessageBox.question(
        parent, "Restore unsaved work?",
        f"lossviz did not close normally. Restore the unsaved work from {when}?")
    return answer == QtWidgets.QMessageBox.StandardButton.Yes


def open_path(parent, title: str, file_filter: str = SCENE_FILTER) -> str:
    """A file to open ('' if cancelled)."""
    return QtWidgets.QFileDialog.getOpenFileName(parent, title, "", file_filter)[0]


def save_path(parent, title: str, suggestion: str = "", file_filter: str = SCENE_FILTER) -> str:
    """A file to write ('' if cancelled)."""
    return QtWidgets.QFileDialog.getSaveFileName(parent, title, suggestion, file_filter)[0]


def show_text(parent, title: str, html: str) -> None:
    """Information in a dialog (rich text)."""
    QtWidgets.QMessageBox.information(parent, title, html)


IMAGE_FILTER = "PNG image (*.png);;SVG vector image (*.svg);;PDF (*.pdf)"
ANIMATION_FILTER = "GIF animation (*.gif);;MP4 video (*.mp4)"


def ask_export_options(parent):
    """(layout, scale) for File → Export image, or None if cancelled."""
    dialog = QtWidgets.QDialog(parent)
    dialog.setWindowTitle("Export image")
    form = QtWidgets.QFormLayout(dialog)
    what = QtWidgets.QComboBox()
    for text, value in (("whole figure", "full"), ("data and model", "data"), ("loss surface", "surface"),
                        ("loss curve", "curve")):
        what.addItem(text, value)
    scale = QtWidgets.QComboBox()
    for factor in (1, 2, 4):
        scale.addItem(f"{factor}× (1920×1080 × {factor})", factor)
    form.addRow("Content", what)
    form.addRow("Size", scale)
    buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                         | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
        return None
    return what.currentData(), scale.currentData()


def ask_race(parent, runs: list[dict]) -> list[dict] | None:
    """The racers of an optimizer race, set up in a table (starting from ``runs``); None if cancelled."""
    from lossviz.gui.race_dialog import RaceDialog

    dialog = RaceDialog(parent, runs)
    if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
        return None
    return dialog.runs()


def progress_dialog(parent, title: str, total: int) -> QtWidgets.QProgressDialog:
    """A window-modal progress dialog with a Cancel button."""
    dialog = QtWidgets.QProgressDialog(title, "Cancel", 0, total, parent)
    dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    return dialog

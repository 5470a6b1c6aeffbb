"""Every modal question the app asks, in one place (tests replace these functions)."""

from __future__ import annotations

from PySide6 import QtWidgets

SCENE_FILTER = "lossviz scenes (*.json);;All files (*)"
CSV_FILTER = "CSV files (*.csv);;All files (*)"


def show_error(parent, title: str, text: str) -> None:
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


def ask_restore(parent, when: str) -> bool:
    answer = QtWidgets.QMessageBox.question(
        parent, "Restore unsaved work?",
        f"lossviz did not close normally. Restore the unsaved work from {when}?")
    return answer == QtWidgets.QMessageBox.StandardButton.Yes


def open_path(parent, title: str, file_filter: str = SCENE_FILTER) -> str:
    return QtWidgets.QFileDialog.getOpenFileName(parent, title, "", file_filter)[0]


def save_path(parent, title: str, suggestion: str = "", file_filter: str = SCENE_FILTER) -> str:
    return QtWidgets.QFileDialog.getSaveFileName(parent, title, suggestion, file_filter)[0]


def show_text(parent, title: str, html: str) -> None:
    QtWidgets.QMessageBox.information(parent, title, html)

"""Every modal question the app asks, in one place (tests replace these functions)."""

from __future__ import annotations

from typing import NamedTuple

from PySide6 import QtCore, QtWidgets

from lossviz.core.limits import SLIDE_SIZE

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


def save_path(parent, title: str, suggestion: str = "", file_filter: str = SCENE_FILTER, selected_filter: str = "") -> str:
    """A file to write ('' if cancelled); ``selected_filter``: the entry of ``file_filter`` shown first."""
    return QtWidgets.QFileDialog.getSaveFileName(parent, title, suggestion, file_filter, selected_filter)[0]


def show_text(parent, title: str, html: str) -> None:
    """Information in a dialog (rich text)."""
    QtWidgets.QMessageBox.information(parent, title, html)


IMAGE_FILTER = "PNG image (*.png);;SVG vector image (*.svg);;PDF (*.pdf)"
ANIMATION_FILTER = "GIF animation (*.gif);;MP4 video (*.mp4)"
IMAGE_FORMATS = ("png", "svg", "pdf")
IMAGE_SCALES = (1, 2, 4)
LAYOUT_NAMES = (("whole figure", "full"), ("data and model", "data"), ("loss surface", "surface"),
                ("loss curve", "curve"))
ANIMATION_FORMATS = ("gif", "mp4")
ANIMATION_SIZES = ((1280, 720), SLIDE_SIZE, (800, 450))
MAX_FPS = 60


class ImageOptions(NamedTuple):
    """What File → Export image draws: ``layout`` (full, data, surface, curve), ``scale`` (1, 2, 4 × 1920×1080)
    and ``format`` (png, svg, pdf)."""

    layout: str
    scale: int
    format: str


class AnimationOptions(NamedTuple):
    """What File → Export animation draws: ``size`` (width, height) in pixels, frames per second, the number
    of ``steps`` from the start θ, and ``format`` (gif, mp4)."""

    size: tuple[int, int]
    fps: int
    steps: int
    format: str


def _combo(choices, chosen) -> QtWidgets.QComboBox:
    """A combo box of (text, value) pairs showing ``chosen``."""
    box = QtWidgets.QComboBox()
    for text, value in choices:
        box.addItem(text, value)
    box.setCurrentIndex(max(0, box.findData(chosen)))
    return box


def _run_form(dialog: QtWidgets.QDialog, form: QtWidgets.QFormLayout) -> bool:
    """Add OK and Cancel to ``form`` and run ``dialog``; True if accepted."""
    buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                         | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    return dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted


def ask_export_options(parent, chosen: ImageOptions) -> ImageOptions | None:
    """File → Export image: content, size and format, starting from ``chosen``; None if cancelled."""
    dialog = QtWidgets.QDialog(parent)
    dialog.setWindowTitle("Export image")
    form = QtWidgets.QFormLayout(dialog)
    what = _combo(LAYOUT_NAMES, chosen.layout)
    scale = _combo([(f"{factor}× (1920×1080 × {factor})", factor) for factor in IMAGE_SCALES], chosen.scale)
    kind = _combo([("PNG image", "png"), ("SVG vector image", "svg"), ("PDF", "pdf")], chosen.format)
    form.addRow("Content", what)
    form.addRow("Size", scale)
    form.addRow("Format", kind)
    if not _run_form(dialog, form):
        return None
    return ImageOptions(what.currentData(), scale.currentData(), kind.currentData())


def animation_summary(steps: int, fps: int) -> str:
    """How many frames an animation of ``steps`` steps gets (``lossviz.figures.animation.frame_steps``), and how long it runs."""
    from lossviz.figures.animation import frame_steps

    frames = len(frame_steps(steps))
    which = "one per step" if frames == steps + 1 else f"every {steps / (frames - 1):.3g} steps"
    return f"{frames} frames ({which}), {frames / fps:.1f} s at {fps} fps"


def ask_animation_options(parent, chosen: AnimationOptions, mp4: bool) -> AnimationOptions | None:
    """File → Export animation: size, fps, steps and format, starting from ``chosen``, with the number of frames;
    MP4 only when ``mp4`` (the extra is installed). None if cancelled."""
    from lossviz.core.scene import MAX_STEPS

    dialog = QtWidgets.QDialog(parent)
    dialog.setWindowTitle("Export animation")
    form = QtWidgets.QFormLayout(dialog)
    size = _combo([(f"{w}×{h}", f"{w}x{h}") for w, h in ANIMATION_SIZES], f"{chosen.size[0]}x{chosen.size[1]}")
    fps = QtWidgets.QSpinBox(minimum=1, maximum=MAX_FPS, value=chosen.fps, suffix=" fps")
    steps = QtWidgets.QSpinBox(minimum=0, maximum=MAX_STEPS, value=chosen.steps)
    steps.setToolTip("Updates from the start θ (the animation is fitted afresh from there)")
    kind = _combo([("GIF", "gif"), ("MP4 (H.264)", "mp4")], chosen.format if mp4 else "gif")
    summary = QtWidgets.QLabel()

    def update_summary() -> None:
        """The frame count for the steps and fps shown."""
        summary.setText(animation_summary(steps.value(), fps.value()))

    for spin in (fps, steps):
        spin.valueChanged.connect(update_summary)
    update_summary()
    form.addRow("Size", size)
    form.addRow("Speed", fps)
    form.addRow("Steps", steps)
    form.addRow("", summary)
    form.addRow("Format", kind)
    if not mp4:
        kind.model().item(1).setEnabled(False)  # type: ignore[attr-defined]  # a QStandardItemModel
        form.addRow("", QtWidgets.QLabel("MP4 needs the mp4 extra: pip install 'lossviz[mp4]'"))
    if not _run_form(dialog, form):
        return None
    width, height = (int(part) for part in size.currentData().split("x"))
    return AnimationOptions((width, height), fps.value(), steps.value(), kind.currentData())


def ask_race(parent, runs):
    """The racers of an optimizer race, set up in a table (starting from ``runs``); None if cancelled."""
    from lossviz.gui.dialogs.race import RaceDialog

    dialog = RaceDialog(parent, runs)
    if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
        return None
    return dialog.runs()


def ask_import(parent, table):
    """File → Import data: the columns, task and scaling to import from ``table`` (a core.table.Table), chosen in
    a dialog that previews it; an ImportChoice, or None if cancelled."""
    from lossviz.gui.dialogs.import_table import ImportDialog

    dialog = ImportDialog(parent, table)
    if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
        return None
    return dialog.choice()


def progress_dialog(parent, title: str, total: int) -> QtWidgets.QProgressDialog:
    """A window-modal progress dialog with a Cancel button."""
    dialog = QtWidgets.QProgressDialog(title, "Cancel", 0, total, parent)
    dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    return dialog

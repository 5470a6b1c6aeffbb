"""A lecture you can click through (issue 20, item 20): File → Open lecture…, File → Examples as a lecture, File →
Save to lecture; PageDown / PageUp (what presentation clickers send) and Ctrl+→ / Ctrl+← go to the next / previous
slide, and a "3 / 10" indicator sits in the status bar (in presentation mode too).

Going to a slide is opening its scene as File → Open does (unsaved changes are asked about first), then making the
slide's steps in one go: the window shows what a fresh open of that slide shows. The lecture file is only written
by Save to lecture, which adds the scene and step shown as the slide after the current one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

from lossviz.core.errors import LossvizError
from lossviz.core.slides import Lecture, Slide, bundled_lecture, read_lecture, write_lecture
from lossviz.gui.controllers.files import FileActions
from lossviz.gui.dialogs import common as dialogs
from lossviz.gui.messages import NOTE_MS
from lossviz.gui.state.document import Document
from lossviz.gui.state.live import LiveRun

LECTURE_FILTER = "lossviz lectures (*.json);;All files (*)"


class LectureActions(QtCore.QObject):
    """The open lecture (None: none), the slide shown, and the commands that move between slides."""

    message = QtCore.Signal(str, int)  # text, milliseconds
    slideChanged = QtCore.Signal()  # another slide, or another lecture

    def __init__(self, document: Document, live: LiveRun, files: FileActions, parent: QtWidgets.QWidget):
        super().__init__(parent)
        self.document, self.live, self.files, self.parent_widget = document, live, files, parent
        self.lecture: Lecture | None = None
        self.path: Path | None = None  # where Save to lecture writes (None: the bundled lecture, asked on save)
        self.index = 0
        self.indicator = QtWidgets.QLabel()  # "3 / 10", in the status bar while a lecture is open
        self.indicator.setObjectName("slideIndicator")
        self.indicator.setToolTip("slide of the lecture: PageDown / PageUp (or Ctrl+→ / Ctrl+←) for the next / "
                                  "previous")
        self.indicator.setVisible(False)

    # ------------------------------------------------------------------ opening
    def open_dialog(self) -> None:
        """File → Open lecture…"""
        path = dialogs.open_path(self.parent_widget, "Open lecture", LECTURE_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        """Open the lecture at ``path`` on its first slide; a bad file is reported in a dialog, nothing changes."""
        try:
            lecture = read_lecture(path)
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot open lecture", str(error))
            return False
        return self.start(lecture, Path(path))

    def open_bundled(self) -> bool:
        """File → Examples as a lecture: the bundled examples in the lecture's order."""
        return self.start(bundled_lecture(), None)

    def start(self, lecture: Lecture, path: Path | None) -> bool:
        """Show ``lecture``'s first slide (unless the user keeps unsaved changes); True if it is shown."""
        if not self.files.confirm_discard():
            return False
        self.lecture, self.path = lecture, path
        self._show(0)
        return True

    # ------------------------------------------------------------------ moving
    def next_slide(self) -> None:
        """PageDown / Ctrl+→: the next slide."""
        self.go(self.index + 1)

    def previous_slide(self) -> None:
        """PageUp / Ctrl+←: the previous slide."""
        self.go(self.index - 1)

    def go(self, index: int) -> bool:
        """Show slide ``index`` (0-based) as a fresh open of it; at either end, say so. True if shown."""
        lecture = self.lecture
        if lecture is None:
            self.message.emit("No lecture open: File → Open lecture… or File → Examples as a lecture", NOTE_MS)
            return False
        if not 0 <= index < len(lecture.slides):
            self.message.emit("Last slide" if index > 0 else "First slide", NOTE_MS)
            return False
        if not self.files.confirm_discard():
            return False
        self._show(index)
        return True

    def _show(self, index: int) -> None:
        assert self.lecture is not None
        slide = self.lecture.slides[index]
        self.index = index
        self.document.load(slide.scene, None)
        self.live.step_many(slide.steps)
        self.indicator.setText(self.position())
        self.indicator.setVisible(True)
        title = slide.scene.title or slide.source or "untitled"
        self.message.emit(f"Slide {self.position()}: {slide.notes or title}", NOTE_MS)
        self.slideChanged.emit()

    def position(self) -> str:
        """"3 / 10" ('' without a lecture)."""
        return "" if self.lecture is None else f"{self.index + 1} / {len(self.lecture.slides)}"

    # ------------------------------------------------------------------ saving
    def save_slide(self) -> bool:
        """File → Save to lecture: the scene and step shown become the slide after the current one (a new lecture
        file is asked for when none is open, or when the open one is the bundled lecture). True if written."""
        slide = Slide(self.document.scene, self.live.state().step)
        path = self.path
        if self.lecture is None or path is None:
            chosen = dialogs.save_path(self.parent_widget, "Save to lecture", "lecture.json", LECTURE_FILTER)
            if not chosen:
                return False
            path = Path(chosen)
        base = self.lecture if self.lecture is not None else Lecture(self.document.scene.title, ())
        at = self.index + 1 if self.lecture is not None else 0
        lecture = base.with_slide(slide, at)
        try:
            write_lecture(lecture, path)
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot save lecture", str(error))
            return False
        self.lecture, self.path, self.index = lecture, path, at
        self.indicator.setText(self.position())
        self.indicator.setVisible(True)
        self.message.emit(f"Saved as slide {self.position()} of {path.name}", NOTE_MS)
        self.slideChanged.emit()
        return True

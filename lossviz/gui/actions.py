"""Every action of the window, declared once: its menu, text, shortcut, what it calls and what it does in words.

The menus, Help → Keyboard shortcuts and the key hints in the panel's tooltips are all made from ``ACTIONS`` (and
``GESTURES`` for what the mouse does), so that a key cannot be in one and missing from another. ``slot`` is a path
of attributes of the window ("files.new_document"); the window resolves it when it builds the menus.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtGui

MENUS = ("&File", "&Edit", "&Run", "&View", "&Help")
ARROWS = {"Right": "→", "Left": "←", "Up": "↑", "Down": "↓"}
SEPARATOR = "-"


@dataclass(frozen=True)
class Action:
    """One menu entry: ``id`` is its object name (tests find it by it), ``keys`` its shortcuts (key sequences such
    as "Ctrl+E"; Qt reads Ctrl as ⌘ on macOS), ``slot`` what it calls, ``help``
    the words in Help → Keyboard shortcuts (none: not listed). ``submenu`` entries are filled by the window;
    ``undo`` entries are made by the undo stack (their text says what they undo)."""

    id: str
    menu: str
    text: str = ""
    keys: tuple[str, ...] = ()
    slot: str = ""
    help: str = ""
    checkable: bool = False
    submenu: bool = False
    undo: bool = False

    def sequences(self) -> list[QtGui.QKeySequence]:
        """The shortcuts as key sequences."""
        return [QtGui.QKeySequence(key) for key in self.keys]

    def key_text(self) -> str:
        """The shortcuts as a user reads them: "Ctrl+Shift+Z / Ctrl+Y", "→" ('' without)."""
        return " / ".join(ARROWS.get(text, text) for text in (
            sequence.toString(QtGui.QKeySequence.SequenceFormat.NativeText) for sequence in self.sequences()))


def separator(menu: str) -> Action:
    """A line between groups of a menu."""
    return Action(SEPARATOR, menu)


ACTIONS: tuple[Action, ...] = (
    Action("actionNew", "&File", "&New", ("Ctrl+N",), "files.new_document", "a new, empty scene of the same task"),
    Action("actionOpen", "&File", "&Open…", ("Ctrl+O",), "files.open_dialog", "open a scene file"),
    Action("menuRecent", "&File", "Open &Recent", submenu=True),
    Action("menuExamples", "&File", "E&xamples", submenu=True),
    Action("actionOpenLecture", "&File", "Open &lecture…", (), "lecture.open_dialog"),
    Action("actionExamplesLecture", "&File", "Examples as a lec&ture", (), "lecture.open_bundled"),
    Action("actionSave", "&File", "&Save", ("Ctrl+S",), "files.save", "save"),
    Action("actionSaveAs", "&File", "Save &As…", ("Ctrl+Shift+S",), "files.save_as", "save under another name"),
    Action("actionSaveToLecture", "&File", "Save to lectu&re", (), "lecture.save_slide",
           "add the scene and step shown as the next slide of the lecture"),
    separator("&File"),
    Action("actionExportImage", "&File", "Export &image…", ("Ctrl+E",), "exports.export_image_dialog",
           "export an image (PNG, SVG, PDF)"),
    Action("actionCopyImage", "&File", "&Copy image", ("Ctrl+Shift+C",), "exports.copy_image",
           "copy the figure to the clipboard"),
    Action("actionExportAnimation", "&File", "Export &animation…", (), "exports.export_animation_dialog"),
    separator("&File"),
    Action("actionImportCsv", "&File", "&Import data (CSV)…", (), "files.import_csv"),
    Action("actionExportCsv", "&File", "&Export data (CSV)…", (), "files.export_csv"),
    separator("&File"),
    Action("actionQuit", "&File", "&Quit", ("Ctrl+Q",), "close", "quit"),
    Action("actionUndo", "&Edit", "&Undo", ("Ctrl+Z",), help="undo", undo=True),
    Action("actionRedo", "&Edit", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), help="redo", undo=True),
    separator("&Edit"),
    Action("actionGenerate", "&Edit", "&Generate data", (), "editor.generate_data"),
    Action("actionNewSample", "&Edit", "New sample &D ∼ P", ("D",), "editor.new_sample", "new sample D ∼ P"),
    Action("actionClear", "&Edit", "&Clear data", (), "editor.clear_data"),
    separator("&Edit"),
    Action("actionSelectAll", "&Edit", "Select &all samples", ("Ctrl+A",), "select_all_samples",
           "select every sample: their mean loss is L(θ|D)"),
    Action("actionClearSelection", "&Edit", "Clear &selection", ("Esc",), "live.selection.clear", "select none"),
    Action("actionRun", "&Run", "&Run / Pause", ("Space",), "controls.run.toggle", "run / pause"),
    Action("actionStep", "&Run", "&Step", ("Right",), "live.step_once", "one step (forward along the path after ←)"),
    Action("actionStepBack", "&Run", "Step &back", ("Left",), "live.step_back", "one step back along the path"),
    Action("actionReset", "&Run", "R&eset", ("R",), "reset", "reset to the start θ"),
    separator("&Run"),
    Action("actionRace", "&Run", "Optimizer &race", (), "set_race", checkable=True),
    Action("actionSetUpRace", "&Run", "Set &up race…", (), "setup_race"),
    Action("actionFrameData", "&View", "&Frame data", ("F",), "views.data_plot.frame_data", "frame the data"),
    Action("actionFrameSurface", "&View", "Frame &surface", (), "live.reframe_surface"),
    Action("actionDecomposition", "&View", "&Decomposition of L(θ|D)…", (), "exports.show_decomposition"),
    Action("actionCapacity", "&View", "C&apacity curve…", (), "capacity.show"),
    Action("actionConfusion", "&View", "Co&nfusion matrix", (), "confusion.show"),
    Action("actionLogLoss", "&View", "&Log scale loss curve", (), "set_log_loss", checkable=True),
    Action("actionCurvatureDirections", "&View", "C&urvature directions", (), "set_curvature_directions",
           checkable=True),
    Action("actionNextSlide", "&View", "&Next slide", ("PgDown", "Ctrl+Right"), "lecture.next_slide",
           "the lecture's next slide (a presentation clicker's key)"),
    Action("actionPreviousSlide", "&View", "P&revious slide", ("PgUp", "Ctrl+Left"), "lecture.previous_slide",
           "the lecture's previous slide"),
    separator("&View"),
    Action("actionDarkTheme", "&View", "&Dark theme", (), "set_dark_theme", checkable=True),
    Action("actionPresentation", "&View", "&Presentation mode", ("F11",), "set_presentation", "presentation mode",
           checkable=True),
    Action("actionShowControls", "&View", "Show &controls", ("F9",), "set_panel_visible", "show / hide the controls",
           checkable=True),
    Action("actionShortcuts", "&Help", "&Keyboard shortcuts", ("F1",), "show_shortcuts", "this list"),
    Action("actionAbout", "&Help", "&About lossviz", (), "show_about"),
)

GESTURES: tuple[tuple[str, str], ...] = (  # what the mouse and the digit keys do, for Help → Keyboard shortcuts
    ("0–9", "label for new points (data view focused)"),
    ("click (data)", "add a point"), ("drag (data)", "move a point"), ("right-click (data)", "delete a point"),
    ("Shift+click (data)", "select a sample: its own loss on the surface"),
    ("hover (surface)", "that θ's model, dashed"), ("click (surface)", "start gradient descent there"),
)


def action(action_id: str) -> Action:
    """The action of ``action_id``."""
    return next(entry for entry in ACTIONS if entry.id == action_id)


def shortcut_rows() -> list[tuple[str, str]]:
    """(keys, what they do) of every action with a shortcut and words, then the gestures: Help's list."""
    return [(entry.key_text(), entry.help) for entry in ACTIONS if entry.keys and entry.help] + list(GESTURES)


def with_key(text: str, action_id: str) -> str:
    """``text`` with the action's shortcut after it: "Run or pause gradient descent (Space)."."""
    keys = action(action_id).key_text()
    end = "." if text.endswith(".") else ""
    return f"{text.removesuffix('.')} ({keys}){end}" if keys else text

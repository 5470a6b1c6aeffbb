"""The monkey's window-wide actions: menus (examples, New, Open, Save As, Import and Export CSV, the dialogs),
F11 and F9, the theme, the race, and typing into P's parameter fields, bad values included.

Modal dialogs are answered through the ``dialog_log`` fixture (tests/conftest.py): file names from the monkey's
own folder, Import's dialog worked with real clicks. Mixed into ``Monkey`` (tests/gui/monkey.py).
"""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

# Tables File → Import data is given: numbers, text labels, a constant column, too few rows, a table refused for
# values beyond 1e150, not a table at all; and whatever File → Export data wrote last (data.csv).
TABLES = {
    "line.csv": "x,y\n" + "".join(f"{i / 10:g},{0.5 * i / 10 - 1 + (i % 3) * 0.1:g}\n" for i in range(-12, 13)),
    "labels.csv": "a,b,kind\n" + "".join(f"{(i % 7) - 3:g},{(i * 3 % 5) - 2:g},{['cat', 'dog', 'owl'][i % 3]}\n"
                                          for i in range(30)),
    "binary.csv": "u,v,w,label\n" + "".join(f"{i % 5},{(i * 7) % 11 - 5},{i / 4:g},{int(i % 5 > 2)}\n" for i in range(40)),
    "four.csv": "a,b,c,d,kind\n" + "".join(f"{i % 7 - 3:g},{(i * 5) % 9 - 4:g},{i / 10:g},{(i * i) % 13 / 3:.3g},"
                                             f"{['x', 'y', 'z'][i % 3]}\n" for i in range(36)),
    "constant.csv": "x,y\n" + "".join(f"1,{i % 2}\n" for i in range(10)),
    "short.csv": "x,y\n1,2\n",
    "huge.csv": "x,y\n1,2\n1e300,3\n2,4\n",
    "garbage.csv": "\x00\x01 not, a\ntable\n\"",
}
PARAMETER_TEXTS = ["0", "0.1", "0.5", "1", "2", "-1", "-3", "10", "1e6", "1e100", "1e140", "1e150", "-1e150",
                   "1e300", "1e308", "1e-320", "1e-12", "nan", "x", ""]


class WindowActions:
    """Actions at the window as a whole; ``self`` is a Monkey (window, rng, note, key, dialog_log, folder)."""

    def window_actions(self) -> list[tuple[str, object, float]]:
        """(name, action, weight) of the window-wide actions; "window:" ones leave the pointer where it was."""
        window = self.window
        return [
            ("window:example", self.open_example, 0.6), ("window:new", self.new_document, 0.3),
            ("window:save as", self.save_as, 0.4), ("window:open saved", self.open_saved, 0.4),
            ("window:import", self.import_table, 0.8), ("window:export csv", self.export_csv, 0.3),
            ("window:F11", lambda: self.window_key(Qt.Key.Key_F11), 0.8),
            ("window:F9", lambda: self.window_key(Qt.Key.Key_F9), 0.4),
            ("window:theme", lambda: self.trigger(window.dark_action), 0.8),
            ("window:race", lambda: self.trigger(window.race_action), 0.8),
            ("window:log loss", lambda: self.trigger(window.log_loss_action), 0.4),
            ("window:curvature directions", lambda: self.trigger(window.curvature_action), 0.4),
            ("window:capacity", self.capacity, 0.4), ("window:decomposition", self.decomposition, 0.4),
            ("window:confusion", self.confusion, 0.4),
            ("key:left", lambda: self.key(Qt.Key.Key_Left), 1.5),
            ("window:lecture", lambda: self.trigger(self.menu_action("actionExamplesLecture")), 0.3),
            ("window:next slide", lambda: self.window_key(Qt.Key.Key_PageDown), 0.6),
            ("window:previous slide", lambda: self.window_key(Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier),
             0.4),
            ("P parameter", self.type_parameter, 2.5),
        ]

    # -- helpers
    def window_key(self, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        """A window shortcut, typed with the data view focused."""
        self.note(f"key {key.name} (window)")
        self.key(key, modifiers)

    def trigger(self, action) -> None:
        """A menu entry chosen."""
        self.note(f"menu {action.objectName() or action.text()} (checked {action.isChecked()})")
        action.trigger()
        self.events += 1

    def menu_action(self, object_name: str):
        return self.window.actions_by_id[object_name]

    # -- files
    def open_example(self) -> None:
        entries = self.window.files.examples_menu.actions()
        entry = self.rng.choice(entries)
        self.dialog_log["answers"]["save_changes"] = "discard"
        self.note(f"menu File → Examples → {entry.data()}")
        entry.trigger()
        self.events += 1

    def new_document(self) -> None:
        self.dialog_log["answers"]["save_changes"] = "discard"
        self.window_key(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)

    def save_as(self) -> None:
        path = self.folder / f"saved-{self.index}.json"
        self.dialog_log["answers"]["save_path"] = str(path)
        self.trigger(self.menu_action("actionSaveAs"))
        if path.exists():
            self.saved.append(path)

    def open_saved(self) -> None:
        if not self.saved:
            return self.save_as()
        path = self.rng.choice(self.saved)
        self.dialog_log["answers"].update(open_path=str(path), save_changes="discard")
        self.note(f"open {path.name}")
        self.window_key(Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)

    def import_table(self) -> None:
        names = sorted(TABLES) + (["data.csv"] if (self.folder / "data.csv").exists() else [])
        name = self.rng.choice(names)
        if name in TABLES:
            (self.folder / name).write_text(TABLES[name], encoding="utf-8")
        self.dialog_log["answers"].update(open_path=str(self.folder / name), save_changes="discard",
                                          **{"import": self.work_import_dialog})
        self.note(f"import {name}")
        self.trigger(self.menu_action("actionImportCsv"))

    def work_import_dialog(self, dialog) -> None:
        """Import's dialog: now and then another task, label column or standardising; then Import or Cancel."""
        for combo in (dialog.task, dialog.label):
            if self.rng.random() < 0.3 and combo.count():
                index = self.rng.randrange(combo.count())
                self.note(f"  import dialog {combo.objectName()} choose {index}")
                combo.setCurrentIndex(index)
                combo.activated.emit(index)
        if self.rng.random() < 0.4 and dialog.features.count():  # a feature column ticked or unticked
            columns = dialog.features
            rect = columns.visualItemRect(columns.item(self.rng.randrange(columns.count())))
            self.note(f"  import dialog toggles feature row at y {rect.center().y()}")
            QTest.mouseClick(columns.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             QtCore.QPoint(rect.left() + 10, rect.center().y()))
        if self.rng.random() < 0.3:
            QTest.mouseClick(dialog.standardize, Qt.MouseButton.LeftButton)
        button = dialog.ok_button if self.rng.random() < 0.85 else dialog.buttons.button(
            dialog.buttons.StandardButton.Cancel)
        self.note(f"  import dialog {button.text()!r} (enabled {button.isEnabled()})")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        if dialog.isVisible():  # Import disabled: the user cancels
            dialog.reject()

    def export_csv(self) -> None:
        self.dialog_log["answers"]["save_path"] = str(self.folder / "data.csv")
        self.trigger(self.menu_action("actionExportCsv"))

    # -- windows of their own
    def capacity(self) -> None:
        """View → Capacity curve… (a sweep of fits in a worker), or, when it shows, Compute again or close it."""
        self.dialog_of_its_own(self.window.capacity.dialog, "recompute", "capacity: Compute again", "actionCapacity")

    def decomposition(self) -> None:
        """View → Decomposition…, or, when it shows, Redraw or close it."""
        self.dialog_of_its_own(self.window.exports.decomposition, "redraw", "decomposition: Redraw",
                               "actionDecomposition")

    def confusion(self) -> None:
        """View → Confusion matrix (disabled for regression), or, when it shows, close it."""
        self.dialog_of_its_own(self.window.confusion.dialog, None, "confusion matrix", "actionConfusion")

    def dialog_of_its_own(self, dialog, button: str | None, pressed: str, action: str) -> None:
        """Open a dialog by its menu ``action``; when it shows, click its ``button`` (noted as ``pressed``) or close it
        (one or the other by the seed; without a button, close it)."""
        if dialog is not None and dialog.isVisible():
            if button is not None and self.rng.random() < 0.5:
                self.note(pressed)
                QTest.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
            else:
                self.note(f"{pressed.split(':')[0]}: close")
                dialog.close()
            return
        self.trigger(self.menu_action(action))

    def open_the_same_windows(self, fresh) -> None:
        """In a ``fresh`` window, the windows of their own that stay open in this one as the scene is looked at
        afresh: the confusion matrix, which follows the live θ."""
        if self.window.confusion.visible():
            fresh.actions_by_id["actionConfusion"].trigger()

    def close_windows_of_their_own(self) -> None:
        """The figure dialogs closed, and the confusion matrix where it shows none (a regression: a fresh window
        cannot open it)."""
        window = self.window
        confusion = window.confusion.dialog if not window.confusion_action.isEnabled() else None
        for dialog in (window.capacity.dialog, window.exports.decomposition, confusion):
            if dialog is not None and dialog.isVisible():
                dialog.close()

    # -- P's parameters
    def type_parameter(self) -> None:
        """A value typed into one of P's parameter fields: sound ones, and ones beyond what float64 can draw."""
        fields = [(key, i, spin) for key, spins in self.window.controls.distribution_box.fields.items()
                  for i, spin in enumerate(spins)]
        if not fields:
            return self.combo(self.window.controls.distribution_box.family)
        key, i, spin = self.rng.choice(fields)
        text = self.rng.choice(PARAMETER_TEXTS)
        self.note(f"type P parameter {key}[{i}] {text!r}")
        self.type_into(spin, text)


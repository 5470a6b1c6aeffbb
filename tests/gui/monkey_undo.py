"""The monkey's undo check: a setting changed at the panel, then Ctrl+Z, must bring back the scene before it and a
window that looks as a fresh window of that scene does (the one-path comparison of tests/gui/test_one_path.py).

Mixed into ``Monkey`` (tests/gui/monkey.py); ``self.make_window`` is set by ``run_monkey`` when it can open fresh
windows. The edit is one of the monkey's own panel actions (good and bad values alike): one that is refused or
changes nothing makes no undo step, and nothing is checked.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from .visible import mask_refused, settle_painted, visible_state

HANG_WAIT_MS = 600_000  # what a comparison waits for before it calls the windows hung (see monkey.checkpoint)
SETTINGS = ("loss", "optimizer", "learning rate", "momentum", "batch size", "degree", "lambda", "test fraction",
            "re-split", "x axis", "y axis", "auto range", "resolution", "distribution", "sample size",
            "P parameter", "window:race", "surface:click")


class UndoChecks:
    """``setting_then_undo``; ``self`` is a Monkey (window, rng, note, key, actions, quiet, make_window)."""

    make_window = None

    def setting_then_undo(self) -> None:
        """A setting (up to 4 tries for one that makes an undo step), then Ctrl+Z: the scene before it, shown as a
        fresh window shows it."""
        if self.make_window is None or not self.window.controls.isVisible():
            return
        window, stack = self.window, self.window.document.undo_stack
        # a resample under way frames its cloud when it lands (an undo step of its own): not between the two
        self.qtbot.waitUntil(lambda: not window.live.population.resampling, timeout=HANG_WAIT_MS)
        for _ in range(4):
            before, index = window.document.scene, stack.index()
            name, edit, _ = self.rng.choice([action for action in self.actions if action[0] in SETTINGS])
            self.note(f"undo check of {name}")
            if name.startswith("surface:"):
                self.pointer_on_surface = True
            edit()
            if stack.index() == index + 1 and window.document.scene != before:
                break
        else:
            return  # refused, or no setting changed
        self.note(f"undo check: Ctrl+Z of {stack.undoText()!r}")
        self.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert window.document.scene == before, f"Undo {stack.redoText()!r} brought back another scene"
        self.compare_with_fresh(before)
        self.counts["undone and compared"] += 1

    def compare_with_fresh(self, scene) -> None:
        """This window, paused and reset, shows ``scene`` as a fresh window of it does."""
        from .monkey import SESSION_STATE, quiet_window

        quiet_window(self)
        fresh = self.make_window(scene)
        self.open_the_same_windows(fresh)
        try:
            settle_painted(self.window, self.qtbot, HANG_WAIT_MS)
            settle_painted(fresh, self.qtbot, HANG_WAIT_MS)
            seen, expected = visible_state(self.window), visible_state(fresh)
            for key in (*SESSION_STATE, "title"):  # the title names this window's file; the fresh one has none
                seen.pop(key), expected.pop(key)
            mask_refused(self.window, expected)
            assert seen == expected, {key: (seen[key], expected[key]) for key in seen if seen[key] != expected[key]}
        finally:
            fresh.shutdown()
            fresh.close()

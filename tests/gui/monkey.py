"""The monkey: thousands of real mouse and key events at the window, seeded.

Each seed (``random.Random(seed)``) drives a sequence of user actions: clicks, right clicks and drags in the data
view, digit keys, Ctrl+Z / Ctrl+Shift+Z, Space / Right / Left / R / F / D, every control of the panel (combo boxes
by keyboard and by choice, typed values in spin boxes, good and bad, P's parameters beyond float64 included, check
boxes, buttons), Generate / Clear, Run, hovering and clicking on the surface view, and the window's menus
(tests/gui/monkey_window.py: examples, New, Open, Save As, Import and Export CSV, F11, F9, theme, race, the capacity
and decomposition windows). Between bursts of actions the test waits a few milliseconds with ``qtbot.wait``. The
sequence of choices is fixed by the seed; what the window does in between (training, surfaces) runs in real time,
so a run is reproducible up to the timing of the workers.

Checked after every burst: no exception in Qt's event loop or a worker (pytest-qt's capture, and the actions before
each exception printed), a consistent document, L and ‖∇L‖ in the status bar finite or "–", no Qt warning. At
checkpoints (``checkpoint``): the document saved by Save As reads back as the same scene, in ``lossviz fit`` and in
File → Open of a fresh window, and the fresh window shows what this one shows once paused and reset. At the end of
the test: undoing everything and redoing everything brings back the same data. A failure prints its seed and
writes every action of it to a file.

Debugging aids (environment variables): LOSSVIZ_RANDOM_SEEDS (e.g. "5,6,7"),
LOSSVIZ_RANDOM_ACTIONS (actions per seed, default 600: a fixed number, whatever the machine's speed),
LOSSVIZ_RANDOM_TRACE=FILE (every action with the window's state),
LOSSVIZ_RANDOM_LOG (how many recent actions to print), LOSSVIZ_RANDOM_CHECKPOINTS (fresh-open comparisons per
seed), LOSSVIZ_RANDOM_REPORTS=FOLDER (where a failure writes its seed's every action; default the test's tmp_path).
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import random
import re
import sys
import time
import traceback
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.cli import main as cli_main
from lossviz.core.distributions import check_compatible
from lossviz.core.model import ModelShape
from lossviz.core.scene import parse_scene_text, read_scene, scene_to_text

from .helpers import SHORT_WAIT_MS, click, drag, move, to_viewport
from .monkey_undo import HANG_WAIT_MS, UndoChecks
from .monkey_window import WindowActions
from .visible import mask_refused, settle_painted, visible_state

SEEDS = [int(seed) for seed in os.environ.get("LOSSVIZ_RANDOM_SEEDS", "11,23,47").split(",")]
ACTIONS = int(os.environ.get("LOSSVIZ_RANDOM_ACTIONS", "600"))  # per seed; an action is 1 to ~20 events
TRACE = open(os.environ["LOSSVIZ_RANDOM_TRACE"], "w", encoding="utf-8") if os.environ.get("LOSSVIZ_RANDOM_TRACE") else None
CHECKPOINTS = int(os.environ.get("LOSSVIZ_RANDOM_CHECKPOINTS", "3"))  # fresh-open comparisons per seed
MAX_RUNNING_ACTIONS = 40  # Run is paused after this many actions in a row (see Monkey.act, known bug)
PANEL_ACTIONS = {"task", "dims", "classes", "loss", "optimizer", "learning rate", "momentum", "batch size", "speed",
                 "x axis", "y axis", "auto range", "range", "resolution", "log surface", "generate", "clear", "run",
                 "step", "reset", "distribution", "surface of", "sample size", "resample", "degree", "lambda",
                 "test fraction", "re-split", "P parameter", "undo check"}
PRESETS = ["binary-2d-blobs", "multiclass-3", "linear-regression", "binary-1d", "xor", "regression-outliers"]

NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton
RIGHT = Qt.MouseButton.RightButton


# ---------------------------------------------------------------- consistency of the document

def check_consistent(window, where=""):
    """The document and what the window shows of it agree; raises AssertionError otherwise."""
    scene = window.document.scene
    data = scene.data
    prefix = f"{where}: " if where else ""
    # the scene validates: it survives its own file format
    again = parse_scene_text(scene_to_text(scene), "round trip")
    assert again == scene, prefix + "the scene changes in a save/load round trip"
    assert data.X.ndim == 2 and data.y.ndim == 1, prefix + f"data shapes {data.X.shape} {data.y.shape}"
    assert data.X.shape[0] == data.y.shape[0], prefix + f"{data.X.shape[0]} rows but {data.y.shape[0]} labels"
    assert data.X.shape[1] == scene.dims or data.size == 0, prefix + f"rows of {data.X.shape[1]}, dims {scene.dims}"
    assert np.isfinite(data.X).all() and np.isfinite(data.y).all(), prefix + "non-finite data"
    if scene.task != "regression":  # (regression of d inputs is an imported table's: drawn as ŷ against y)
        assert data.y.dtype.kind == "i", prefix + f"labels of dtype {data.y.dtype}"
        top = 2 if scene.task == "binary" else scene.classes
        assert data.size == 0 or (data.y.min() >= 0 and data.y.max() < top), (
            prefix + f"labels {sorted(set(data.y.tolist()))} for {scene.task} with {top} classes")
    theta = window.live.state().theta
    assert theta.shape == scene.init.shape, prefix + f"θ {theta.shape} vs init {scene.init.shape}"
    panel = window.controls
    assert panel.task.currentData() == scene.task, prefix + f"task control {panel.task.currentData()} vs {scene.task}"
    assert panel.loss.currentData() == scene.loss, prefix + f"loss control {panel.loss.currentData()} vs {scene.loss}"
    assert panel.optimizer.currentData() == scene.optimizer.name, (
        prefix + f"optimizer control {panel.optimizer.currentData()} vs {scene.optimizer.name}")
    if scene.task == "binary" or scene.dims > 2:
        assert panel.dims.currentData() == scene.dims, prefix + "dims control"
    if scene.task == "multiclass":
        assert panel.classes.value() == scene.classes, prefix + "classes control"
    trains = len(scene.design().train) > 0
    assert (window.live.state().objective is None) == (not trains), prefix + "objective vs no training data"
    dist = scene.distribution
    assert panel.distribution_box.family.currentData() == (dist.name if dist else None), prefix + "distribution control"
    if dist is not None:
        check_compatible(dist, scene.shape if scene.degree is None else ModelShape(scene.task, scene.dims, scene.classes))
    assert window.live.selection.valid_for(data.size), prefix + "a selection of samples that are gone"
    box = panel.overfit_box
    assert box.degree.value() == (scene.degree or 0) and box.l2.value() == scene.l2, prefix + "capacity controls"
    assert window.live.state().theta.shape == scene.shape.zeros().shape, prefix + "θ of another number of features"
    if scene.split is not None and data.size >= 2:
        assert len(scene.design().train) >= 1, prefix + "no training samples"


def data_key(scene):
    """What undo/redo must bring back: the data and the structure it belongs to."""
    return (scene.task, scene.dims, scene.classes if scene.task == "multiclass" else None,
            scene.data.X.copy(), scene.data.y.copy())


def same_data(a, b) -> bool:
    return a[:3] == b[:3] and a[3].shape == b[3].shape and np.array_equal(a[3], b[3]) and np.array_equal(a[4], b[4])


# ---------------------------------------------------------------- the monkey

class Monkey(WindowActions, UndoChecks):
    """Random real user actions at a MainWindow; ``history`` keeps every one, ``log`` the most recent ones."""

    def __init__(self, window, qtbot, rng: random.Random, dialog_log: dict, folder: Path):
        self.window, self.qtbot, self.rng = window, qtbot, rng
        self.dialog_log, self.folder = dialog_log, folder
        self.saved: list[Path] = []  # the scene files Save As wrote, for Open
        self.log = collections.deque(maxlen=int(os.environ.get("LOSSVIZ_RANDOM_LOG", "25")))
        self.history: list[str] = []
        self.index = 0
        self.pointer_on_surface = False  # the (simulated) mouse pointer is over the surface view
        self.running_since = None  # action number at which Run was seen on
        self.counts = collections.Counter()
        self.times = collections.Counter()
        self.events = 0
        panel = window.controls
        # (name, action, weight); "key:" and "window:" actions are keys with the data view focused or menu entries
        # (the pointer stays where it was), "surface:" ones put the pointer on the surface view, the rest move it
        # elsewhere; the PANEL_ACTIONS need the panel shown (F9 shows it first)
        self.actions = [
            ("click add", self.click_add, 18), ("right click", self.right_click_point, 7),
            ("drag point", self.drag_point, 7), ("slow drag", self.slow_drag, 2), ("drag empty", self.drag_empty, 4),
            ("key:digit", self.digit, 5), ("key:undo", self.undo, 8), ("key:redo", self.redo, 5),
            ("key:space", self.key_space, 3), ("key:right", self.key_right, 3), ("key:R", self.key_reset, 2),
            ("key:F", self.key_frame, 1),
            ("task", lambda: self.combo(panel.task), 1.5), ("dims", lambda: self.combo(panel.dims), 1.5),
            ("classes", self.classes, 1.5), ("loss", lambda: self.combo(panel.loss), 3),
            ("optimizer", lambda: self.combo(panel.optimizer), 3), ("learning rate", self.learning_rate, 3),
            ("momentum", self.momentum, 2), ("batch size", self.batch_size, 2),
            ("speed", self.speed, 2),
            ("x axis", lambda: self.combo(panel.x_axis), 2), ("y axis", lambda: self.combo(panel.y_axis), 2),
            ("auto range", lambda: self.checkbox(panel.auto_range), 2), ("range", self.range_spin, 2),
            ("resolution", lambda: self.combo(panel.resolution), 1.5),
            ("log surface", lambda: self.checkbox(panel.log_surface), 2),
            ("generate", self.generate, 1.5), ("clear", lambda: self.button(panel.clear), 0.5),
            ("run", lambda: self.button(panel.run), 3), ("step", lambda: self.button(panel.step), 1),
            ("reset", lambda: self.button(panel.reset), 1),
            ("surface:hover", self.hover_surface, 8), ("surface:click", self.click_surface, 3),
            ("select point", self.select_point, 3), ("key:select all", lambda: self.key(Qt.Key.Key_A, CTRL), 1),
            ("key:Esc", lambda: self.key(Qt.Key.Key_Escape), 1), ("key:D", lambda: self.key(Qt.Key.Key_D), 1.5),
            ("distribution", lambda: self.combo(panel.distribution_box.family), 2),
            ("surface of", lambda: self.combo(panel.surface_of), 2), ("sample size", self.sample_size, 1),
            ("data view", lambda: self.combo(panel.data_view), 1),
            ("resample", lambda: self.button(panel.distribution_box.resample), 0.5),
            ("degree", lambda: self.type_value(panel.overfit_box.degree, ["0", "1", "3", "7", "12", "13", "x"]), 1.5),
            ("lambda", lambda: self.type_value(panel.overfit_box.l2, ["0", "0.01", "1", "-1", "nan", "1e308"]), 1),
            ("test fraction", lambda: self.type_value(panel.overfit_box.test_fraction, ["0", "0.3", "0.9", "1"]), 1),
            ("re-split", lambda: self.button(panel.overfit_box.resplit), 0.5),
            *self.window_actions(),
        ]
        self.actions.append(("undo check", self.setting_then_undo, 1.5))
        self.weights = [weight for _, _, weight in self.actions]

    # -- helpers
    def note(self, text):
        self.log.append(f"#{self.index} {text}")
        self.history.append(f"#{self.index} {text}")
        if TRACE is not None:
            TRACE.write(f"{time.perf_counter():.3f} #{self.index} {text}  | {self.state()}\n")
            TRACE.flush()

    def state(self) -> str:
        window = self.window
        scene, state = window.document.scene, window.live.state()
        return (f"{scene.task} d={scene.dims} k={scene.classes} n={scene.data.size} loss={scene.loss} "
                f"opt={scene.optimizer} run={window.controls.run.isChecked()} "
                f"speed={window.controls.speed.currentData()} step={state.step} loss={state.loss:.4g} "
                f"hist={len(state.histories[0].steps)} res={scene.surface.resolution}")

    def point_in_view(self, box, margin=0.05):
        (x0, x1), (y0, y1) = box.viewRange()
        mx, my = margin * (x1 - x0), margin * (y1 - y0)
        return self.rng.uniform(x0 + mx, x1 - mx), self.rng.uniform(y0 + my, y1 - my)

    def visible_points(self):
        positions = self.window.views.data_plot.point_positions()
        (x0, x1), (y0, y1) = self.window.views.data_viewbox.viewRange()
        mx, my = 0.02 * (x1 - x0), 0.02 * (y1 - y0)
        inside = ((positions[:, 0] > x0 + mx) & (positions[:, 0] < x1 - mx)
                  & (positions[:, 1] > y0 + my) & (positions[:, 1] < y1 - my))
        return np.flatnonzero(inside), positions

    def pointer_elsewhere(self):
        """The pointer moves off the surface view to act somewhere else: Qt would send it a Leave
        event (QTest's synthetic mouse moves do not), so send that here."""
        if self.pointer_on_surface:
            QtWidgets.QApplication.sendEvent(self.window.views.surface_view, QtCore.QEvent(QtCore.QEvent.Type.Leave))
            self.pointer_on_surface = False
            self.events += 1

    def activate(self):
        """The main window active again (as the window manager makes it when the user clicks it after a dialog of
        its own): its shortcuts work only then."""
        if not self.window.isActiveWindow():
            self.window.activateWindow()
            self.qtbot.waitUntil(self.window.isActiveWindow, timeout=SHORT_WAIT_MS)

    def focus_data(self):
        self.activate()
        view = self.window.views.data_view
        if not view.hasFocus():
            view.setFocus(Qt.FocusReason.OtherFocusReason)

    def key(self, key, modifiers=NO, widget=None):
        if widget is None:
            self.focus_data()
            widget = self.window.views.data_view
        QTest.keyClick(widget, key, modifiers)
        self.events += 2

    def type_into(self, spin, text):
        spin.setFocus(Qt.FocusReason.OtherFocusReason)
        spin.selectAll()
        if text:
            QTest.keyClicks(spin, text)
        QTest.keyClick(spin, Qt.Key.Key_Return)
        self.events += 2 * len(text) + 2

    # -- data view
    def click_add(self):
        x, y = self.point_in_view(self.window.views.data_viewbox)
        self.note(f"left click data ({x:.3f}, {y:.3f})")
        click(self.window.views.data_view, x, y)
        self.events += 2

    def right_click_point(self):
        visible, positions = self.visible_points()
        if len(visible):
            i = int(self.rng.choice(list(visible)))
            x, y = positions[i]
        else:
            x, y = self.point_in_view(self.window.views.data_viewbox)
            i = None
        self.note(f"right click data point {i} ({x:.3f}, {y:.3f})")
        click(self.window.views.data_view, x, y, button=RIGHT)
        self.events += 2

    def drag_point(self):
        visible, positions = self.visible_points()
        if not len(visible):
            return self.click_add()
        i = int(self.rng.choice(list(visible)))
        start = tuple(positions[i])
        end = self.point_in_view(self.window.views.data_viewbox)
        steps = self.rng.randint(1, 6)
        self.note(f"drag data point {i} {start[0]:.3f},{start[1]:.3f} -> {end[0]:.3f},{end[1]:.3f} in {steps}")
        drag(self.window.views.data_view, start, end, steps=steps)
        self.events += steps + 2

    def slow_drag(self):
        """A point dragged with pauses (training and surfaces go on meanwhile) and, now and then, a key
        pressed with the button held: a label digit, Space, Right or R. Not Ctrl+Z / Ctrl+Shift+Z: that
        is the bug of test_undo_while_dragging_a_point."""
        visible, positions = self.visible_points()
        if not len(visible):
            return self.click_add()
        i = int(self.rng.choice(list(visible)))
        view, viewport = self.window.views.data_view, self.window.views.data_view.viewport()
        start, end = to_viewport(view, *positions[i]), to_viewport(view, *self.point_in_view(self.window.views.data_viewbox))
        steps = self.rng.randint(2, 6)
        self.note(f"slow drag data point {i} ({positions[i][0]:.3f}, {positions[i][1]:.3f}) in {steps}")
        QTest.mousePress(viewport, LEFT, NO, start)
        for step in range(1, steps + 1):
            t = step / steps
            QTest.mouseMove(viewport, QtCore.QPoint(round(start.x() + t * (end.x() - start.x())),
                                                    round(start.y() + t * (end.y() - start.y()))))
            self.qtbot.wait(self.rng.choice([0, 1, 3]))
            if self.rng.random() < 0.2:
                key = self.rng.choice([Qt.Key.Key_0, Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_Space, Qt.Key.Key_Right,
                                       Qt.Key.Key_R])
                self.note(f"  key {key.name} during the drag")
                QTest.keyClick(view, key)
                self.events += 2
        QTest.mouseRelease(viewport, LEFT, NO, end)
        self.events += steps + 2

    def select_point(self):
        """Shift+click on a sample (selects or unselects it) or, now and then, on empty space (selects none)."""
        visible, positions = self.visible_points()
        if len(visible) and self.rng.random() < 0.85:
            i = int(self.rng.choice(list(visible)))
            x, y = positions[i]
        else:
            x, y = self.point_in_view(self.window.views.data_viewbox)
            i = None
        self.note(f"shift+click data point {i} ({x:.3f}, {y:.3f})")
        view = self.window.views.data_view
        QTest.mouseClick(view.viewport(), LEFT, SHIFT, to_viewport(view, x, y))
        self.events += 2

    def type_value(self, spin, texts, name=None):
        """Type one of ``texts`` (chosen by the seed) into ``spin`` and Return, noted as "type <name> '<text>'"."""
        text = self.rng.choice(texts)
        self.note(f"type {name or spin.objectName()} {text!r}")
        self.type_into(spin, text)

    def sample_size(self):
        spin = self.window.controls.distribution_box.sample_size
        if not spin.isEnabled():
            return
        self.type_value(spin, ["1", "5", "10", "50", "200", "0", "x"], "N")

    def drag_empty(self):
        box = self.window.views.data_viewbox
        for _ in range(10):
            start = self.point_in_view(box, margin=0.1)
            if self.window.editor.hit_test(*start) is None:
                break
        else:
            return
        (x0, x1), (y0, y1) = box.viewRange()
        end = (start[0] + self.rng.uniform(-0.2, 0.2) * (x1 - x0), start[1] + self.rng.uniform(-0.2, 0.2) * (y1 - y0))
        self.note(f"drag empty {start[0]:.3f},{start[1]:.3f} -> {end[0]:.3f},{end[1]:.3f}")
        drag(self.window.views.data_view, start, end, steps=4)
        self.events += 6

    def digit(self):
        digit = self.rng.randrange(10)
        self.note(f"key {digit} (data view)")
        self.key(getattr(Qt.Key, f"Key_{digit}"))

    def undo(self):
        self.note("Ctrl+Z")
        self.key(Qt.Key.Key_Z, CTRL)

    def redo(self):
        self.note("Ctrl+Shift+Z")
        self.key(Qt.Key.Key_Z, CTRL | SHIFT)

    def key_space(self):
        self.note("Space")
        self.key(Qt.Key.Key_Space)

    def key_right(self):
        self.note("Right")
        self.key(Qt.Key.Key_Right)

    def key_reset(self):
        self.note("R")
        self.key(Qt.Key.Key_R)

    def key_frame(self):
        self.note("F")
        self.key(Qt.Key.Key_F)

    # -- controls
    def combo(self, combo):
        if not combo.isEnabled() or combo.count() == 0:
            return
        combo.setFocus(Qt.FocusReason.OtherFocusReason)
        how = self.rng.random()
        if how < 0.5:  # keyboard: Up/Down/Home/End on a focused combo box choose and activate
            key = self.rng.choice([Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Home, Qt.Key.Key_End])
            self.note(f"combo {combo.objectName()} key {key.name}")
            QTest.keyClick(combo, key)
            self.events += 2
        else:  # a choice from the list, as the popup makes it
            index = self.rng.randrange(combo.count())
            self.note(f"combo {combo.objectName()} choose {index} ({combo.itemData(index)})")
            combo.setCurrentIndex(index)
            combo.activated.emit(index)
            self.events += 1

    def speed(self):
        """Every finite speed, by keyboard or from the list. Not "as fast as possible" (the last item): with
        Run on, the GUI spends most of its time repainting and every wait of the test would take long
        (flat-out training is covered by test_training.py and benchmarks/bench_gui.py)."""
        combo = self.window.controls.speed
        combo.setFocus(Qt.FocusReason.OtherFocusReason)
        last = combo.count() - 1
        if self.rng.random() < 0.5:
            key = self.rng.choice([Qt.Key.Key_Up, Qt.Key.Key_Home, Qt.Key.Key_Down])
            if key == Qt.Key.Key_Down and combo.currentIndex() + 1 >= last:
                key = Qt.Key.Key_Up
            self.note(f"combo speedSelector key {key.name}")
            QTest.keyClick(combo, key)
            self.events += 2
        else:
            index = self.rng.randrange(last)
            self.note(f"combo speedSelector choose {index} ({combo.itemData(index)})")
            combo.setCurrentIndex(index)
            combo.activated.emit(index)
            self.events += 1

    def checkbox(self, box):
        self.note(f"click checkbox {box.objectName()} (was {box.isChecked()})")
        QTest.mouseClick(box, LEFT, NO, QtCore.QPoint(6, box.height() // 2))
        self.events += 2

    def button(self, button):
        self.note(f"click button {button.objectName()} (enabled {button.isEnabled()}, checked {button.isChecked()})")
        QTest.mouseClick(button, LEFT, NO, button.rect().center())
        self.events += 2

    def classes(self):
        spin = self.window.controls.classes
        if not spin.isEnabled():
            return
        if self.rng.random() < 0.6:
            self.type_value(spin, ["2", "3", "4", "5", "7", "10", "1", "12", ""], "classes")
        else:
            key = self.rng.choice([Qt.Key.Key_Up, Qt.Key.Key_Down])
            self.note(f"classes key {key.name} + Return")
            spin.setFocus(Qt.FocusReason.OtherFocusReason)
            QTest.keyClick(spin, key)
            QTest.keyClick(spin, Qt.Key.Key_Return)
            self.events += 4

    def learning_rate(self):
        spin = self.window.controls.learning_rate
        if self.rng.random() < 0.6:
            self.type_value(spin, ["0.1", "0.01", "1e-3", "0.5", "2", "5", "50", "100", "1e-6", "1e-7",
                                   "0,05", "1e", "abc", "-1", "0", "3e1", ""], "learning rate")
        else:
            key = self.rng.choice([Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp])
            self.note(f"learning rate key {key.name}")
            spin.setFocus(Qt.FocusReason.OtherFocusReason)
            QTest.keyClick(spin, key)
            self.events += 2

    def momentum(self):
        spin = self.window.controls.momentum
        if not spin.isEnabled():
            return
        self.type_value(spin, ["0", "0.5", "0.9", "0.95", "0.999", "1", "0.3"], "momentum")

    def batch_size(self):
        spin = self.window.controls.batch_size
        self.type_value(spin, ["0", "1", "2", "5", "16", "100", "100000", "x"], "batch size")

    def range_spin(self):
        panel = self.window.controls
        spin = self.rng.choice(panel.x_range + panel.y_range)
        if not spin.isEnabled():
            return self.checkbox(panel.auto_range)
        self.type_value(spin, ["-5", "-2", "-1", "0", "1", "2", "5", "10", "-0.5", "0.001"])

    def generate(self):
        panel = self.window.controls
        combo = panel.generator
        index = self.rng.choice([i for i in range(combo.count()) if combo.itemData(i) is not None])  # no separator
        combo.setCurrentIndex(index)
        panel.noise.setValue(self.rng.choice([0.0, 0.3, 0.5, 1.0, 3.0]))
        panel.seed.setValue(self.rng.randrange(100))
        self.note(f"generate {panel.generator.currentData()!r} noise {panel.noise.value()} seed {panel.seed.value()}")
        QTest.mouseClick(panel.generate, LEFT, NO, panel.generate.rect().center())
        self.events += 2

    # -- surface view
    def hover_surface(self):
        x, y = self.point_in_view(self.window.views.surface_viewbox, margin=0.0)
        self.note(f"hover surface ({x:.3f}, {y:.3f})")
        move(self.window.views.surface_view, x, y)
        self.events += 1

    def click_surface(self):
        x, y = self.point_in_view(self.window.views.surface_viewbox)
        button = LEFT if self.rng.random() < 0.85 else RIGHT
        self.note(f"{'left' if button == LEFT else 'right'} click surface ({x:.3f}, {y:.3f})")
        click(self.window.views.surface_view, x, y, button=button)
        self.events += 2

    def act(self):
        self.index += 1
        running = self.window.controls.run.isChecked()
        if not running:
            self.running_since = None
        elif self.running_since is None:
            self.running_since = self.index
        if running and self.index - self.running_since >= MAX_RUNNING_ACTIONS:
            # While training runs flat out the GUI is busy repainting (see benchmarks/bench_gui.py), so each
            # qtbot.wait between bursts takes longer. Pausing now and then, as a user would, keeps the test
            # short; Run itself is still exercised.
            name, function = "run", lambda: self.button(self.window.controls.run)
        else:
            name, function, _ = self.rng.choices(self.actions, self.weights)[0]
        if name in PANEL_ACTIONS and not self.window.controls.isVisible():
            name, function = "window:F9", lambda: self.window_key(Qt.Key.Key_F9)  # the user shows the panel first
        if name.startswith("surface:"):
            self.pointer_on_surface = True
        elif not name.startswith(("key:", "window:")):
            self.pointer_elsewhere()
        started = time.perf_counter()
        self.activate()  # whatever the user does next, at the main window, makes it active
        function()
        self.times[name] += time.perf_counter() - started
        self.counts[name] += 1



# ---------------------------------------------------------------- checks after each burst, and checkpoints

QT_MESSAGES_IGNORED = ("This plugin does not support",)  # the offscreen platform's notes on raise() and friends
NUMBER = re.compile(r"=\s*([^,\s]+)")


def check_status(window, where: str) -> None:
    """L(θ|D) (L(θ|P)) and ‖∇L‖ in the status bar are finite numbers or "–" (or "…" for L(θ|P) being valued)."""
    for label in window.views.status_labels()[1:3]:
        for value in NUMBER.findall(label.text()):
            # "…": L(θ|P) on its way from the worker (a report away)
            assert value in ("–", "…") or np.isfinite(float(value)), f"{where}: the status bar says {label.text()!r}"


def check_qt_messages(qtlog, seen: int, where: str) -> int:
    """No Qt warning since the first ``seen`` messages; returns how many there are now."""
    records = qtlog.records
    warnings = [record.message for record in records[seen:] if record.type != QtCore.QtMsgType.QtDebugMsg
                and record.type != QtCore.QtMsgType.QtInfoMsg and not record.message.startswith(QT_MESSAGES_IGNORED)]
    assert not warnings, f"{where}: Qt says {warnings}"
    return len(records)


def quiet_window(monkey) -> None:
    """What a user does before looking at the scene afresh: presentation mode and the figure dialogs closed (the
    confusion matrix may stay: the fresh window opens it too, see ``open_the_same_windows``), the panel
    shown, the run paused and reset (R), no samples selected (Esc), the data framed (F)."""
    window = monkey.window
    monkey.pointer_elsewhere()
    monkey.close_windows_of_their_own()
    if window.presenting:
        monkey.window_key(Qt.Key.Key_F11)
    if not window.controls.isVisible():
        monkey.window_key(Qt.Key.Key_F9)
    if window.controls.run.isChecked():
        monkey.button(window.controls.run)
    for key in (Qt.Key.Key_Escape, Qt.Key.Key_R, Qt.Key.Key_F):
        monkey.note(f"key {key.name}")
        monkey.key(key)


def checkpoint(monkey, make_window) -> None:
    """The document saves (File → Save As) to a file that ``lossviz fit`` and File → Open in a fresh window read
    back as the same scene, and the fresh window shows what this one shows once paused and reset."""
    window, qtbot = monkey.window, monkey.qtbot
    monkey.note("checkpoint")
    quiet_window(monkey)
    path = monkey.folder / f"checkpoint-{monkey.index}.json"
    monkey.dialog_log["answers"]["save_path"] = str(path)
    monkey.trigger(window.actions_by_id["actionSaveAs"])
    assert read_scene(path) == window.document.scene, "the saved file reads back as another scene"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as errors:
        status = cli_main(["fit", str(path), "--steps", "3"])
    if window.live.state().objective is not None:
        assert status == 0, f"lossviz fit refuses what the window saved: {errors.getvalue()}"
    else:  # nothing to train on: fit says so, the window shows "–"
        assert status == 2 and "lossviz: error:" in errors.getvalue(), errors.getvalue()
    fresh = make_window()
    fresh.files.open_path(path)
    assert fresh.document.scene == window.document.scene, "File → Open reads back another scene"
    monkey.open_the_same_windows(fresh)
    # Two windows may each compute an exact surface over a million samples or L(θ|P) over 100,000 draws, with the
    # other seeds' processes beside them: a minute is no hang here
    settle_painted(window, qtbot, HANG_WAIT_MS)
    settle_painted(fresh, qtbot, HANG_WAIT_MS)
    seen, expected = visible_state(window), visible_state(fresh)
    for key in SESSION_STATE:
        seen.pop(key), expected.pop(key)
    mask_refused(window, expected)  # typed and refused: the field keeps the text, P stays the file's
    assert seen == expected, {key: (seen[key], expected[key]) for key in seen if seen[key] != expected[key]}
    fresh.shutdown()
    fresh.close()


# What a window keeps of its session, not of the scene: the class the next click adds, and the θ*_D of Resample ×20
# (computed in the session, kept until P, N, the model or the loss change; a file does not hold them).
SESSION_STATE = ("label", "resampled minima")


def run_monkey(window, qtbot, seed, actions, *, dialog_log, folder, qtlog, make_window=None, checkpoints=0):
    """Bursts of random actions, a short wait after each, the document, the status bar and Qt's messages checked
    after every burst, and ``checkpoints`` fresh-open comparisons spread over the run (and one at the end)."""
    rng = random.Random(seed)
    monkey = Monkey(window, qtbot, rng, dialog_log, folder)
    monkey.make_window = make_window  # fresh windows for the undo check (None: no check)
    failures = []
    previous_hook = sys.excepthook
    every = actions // checkpoints if checkpoints else None
    next_checkpoint = every
    seen_messages = len(qtlog.records)

    def hook(kind, value, tb):  # note where an event-loop exception happened; pytest-qt still gets it
        failures.append(f"exception after {list(monkey.log)[-8:]}:\n" + "".join(traceback.format_exception(kind, value, tb)))
        previous_hook(kind, value, tb)

    sys.excepthook = hook
    try:
        while monkey.index < actions:  # a burst may end a few actions beyond: the seed decides, never the clock
            for _ in range(rng.randint(5, 25)):  # a burst of actions without waiting ...
                monkey.act()
            pause = rng.choice([0, 0, 1, 2, 5, 10])
            monkey.note(f"wait {pause} ms")
            qtbot.wait(pause)  # ... then a little time for the workers and repaints
            where = f"seed {seed}, after {list(monkey.log)[-5:]}"
            check_consistent(window, where)
            check_status(window, where)
            seen_messages = check_qt_messages(qtlog, seen_messages, where)
            if next_checkpoint is not None and monkey.index >= next_checkpoint and make_window is not None:
                checkpoint(monkey, make_window)
                next_checkpoint += every
                seen_messages = check_qt_messages(qtlog, seen_messages, f"seed {seed}, checkpoint")
    except BaseException:
        report(monkey, seed)
        raise
    finally:
        sys.excepthook = previous_hook
        for failure in failures:
            print(failure)
    if failures:
        report(monkey, seed)
    return monkey, failures


def report(monkey, seed) -> None:
    """A failure's seed and every action before it, printed and written to the monkey's folder."""
    folder = Path(os.environ.get("LOSSVIZ_RANDOM_REPORTS", monkey.folder))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"actions-seed-{seed}.txt"
    path.write_text("\n".join(monkey.history) + "\n", encoding="utf-8")
    print(f"monkey seed {seed} failed after {monkey.index} actions; every action: {path}")
    print("\n".join(monkey.history[-60:]))

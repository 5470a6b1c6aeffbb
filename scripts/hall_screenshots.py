"""Screenshots for the lecture hall, taken on a real X server (run by scripts/hall_screenshots.sh).

    DISPLAY=:N python scripts/hall_screenshots.py OUT.png [--present] [--scene NAME] [--steps N] [--racers N]

Opens the window as ``lossviz`` does (fitted to the screen), makes the scene's steps, optionally
turns on presentation mode, waits until everything is drawn and saves the whole screen.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile

from PySide6 import QtCore, QtWidgets

from lossviz.core.features import Split
from lossviz.core.optimizers import OPTIMIZERS
from lossviz.core.presets import load_preset
from lossviz.core.runs import racer
from lossviz.core.scene import read_scene
from lossviz.gui.app import prepare_application
from lossviz.gui.main_window import MainWindow
from lossviz.gui.presentation import fit_to_screen
from lossviz.gui.state.document import Change


def wait(milliseconds: int) -> None:
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--present", action="store_true")
    parser.add_argument("--scene", default="multiclass-3", help="a bundled scene's name or a scene file (.json)")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--surface-of", default=None, help="what the surface shows: data, population, …")
    parser.add_argument("--size", default=None, help="WIDTHxHEIGHT of the window (not maximised)")
    parser.add_argument("--no-panel", action="store_true", help="hide the control panel (F9)")
    parser.add_argument("--racers", type=int, default=0, help="race this many optimizers (up to 6)")
    parser.add_argument("--n", type=int, default=0, help="draw a new D of this many samples from the scene's P")
    parser.add_argument("--resample", action="store_true", help="press Resample ×20 after the steps")
    parser.add_argument("--slide", type=int, default=0, help="open the bundled lecture and go to this slide (1-based)")
    parser.add_argument("--optimizer", default=None, help="the main optimizer (adam, momentum, …)")
    parser.add_argument("--test-fraction", type=float, default=0.0, help="hold out this share of the samples")
    parser.add_argument("--confusion", action="store_true", help="open View → Confusion matrix before the shot")
    parser.add_argument("--curvature", action="store_true", help="View → Curvature directions")
    parser.add_argument("--plane", default=None, help="the surface on a plane through θ-space: pca, hessian, …")
    parser.add_argument("--data-view", default=None, help="the data view of d inputs: feature:J, pair:J,K")
    parser.add_argument("--lr", type=float, default=None, help="the main optimizer's learning rate")
    args = parser.parse_args()
    os.environ.pop("QT_QPA_PLATFORM", None)
    app = prepare_application()
    folder = tempfile.mkdtemp(prefix="lossviz-hall-")
    settings = QtCore.QSettings(os.path.join(folder, "settings.ini"), QtCore.QSettings.Format.IniFormat)
    scene = read_scene(args.scene) if args.scene.endswith(".json") else load_preset(args.scene)
    window = MainWindow(scene, settings=settings, recovery_dir=folder)
    if args.size:
        width, height = (int(value) for value in args.size.split("x"))
        window.resize(width, height)
        window.show()
    else:
        fit_to_screen(window)
    wait(500)
    if args.surface_of:
        window.document.set_view_options(surface_of=args.surface_of)
    if args.present:
        window.set_presentation(True)
    if args.slide:
        window.lecture.open_bundled()
        window.lecture.go(args.slide - 1)
        args.steps = 0  # the slide's own steps
    if args.no_panel:
        window.set_panel_visible(False)
    if args.racers:
        lr = window.document.scene.optimizer.lr
        window.document.set_settings(runs=tuple(racer(name, lr, 0.9 if "momentum" in name or name == "nesterov" else None)
                                                for name in OPTIMIZERS[:args.racers]))
    if args.optimizer:
        config = window.document.scene.optimizer
        window.document.set_settings(optimizer=dataclasses.replace(config, name=args.optimizer))
    if args.lr:
        config = window.document.scene.optimizer
        window.document.set_settings(optimizer=dataclasses.replace(config, lr=args.lr))
    if args.curvature:
        window.curvature_action.trigger()
    if args.plane:
        scene = window.document.scene
        window.document.edit_fields(f"{args.plane} plane", Change.SURFACE,
                                    surface=dataclasses.replace(scene.surface, plane=args.plane))
    if args.data_view:
        window.document.set_view_options(data_view=args.data_view)
    if args.test_fraction:
        window.document.set_capacity(None, 0.0, Split(args.test_fraction, 0))
    if args.n:
        scene = window.document.scene
        assert scene.distribution is not None, "--n needs a scene with P"
        window.document.set_settings(distribution=dataclasses.replace(scene.distribution, n=args.n))
        window.controls.distribution_box.new_sample.click()
        wait(300)
    for _ in range(args.steps):
        window.live.step_once()
    for _ in range(400):  # every step drawn and the newest surface shown
        wait(25)
        if (args.slide or window.live.state().step == args.steps) and window.live.idle():
            break
    if args.resample:
        window.controls.distribution_box.resample.click()
        for _ in range(800):
            wait(25)
            if window.live.population.cloud is not None and window.live.idle():
                break
    if args.confusion:
        window.actions_by_id["actionConfusion"].trigger()
        wait(600)
    wait(600)
    screen = app.primaryScreen()
    screen.grabWindow(0).save(args.output)
    print(args.output, screen.geometry().width(), screen.geometry().height(), window.width(), window.height())
    window.document.mark_clean()
    window.close()
    QtWidgets.QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Screenshots of the window on every bundled scene after training (offscreen).

    python scripts/screenshots.py OUTDIR [--size 1400x860]
"""

import argparse
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import QtCore
from PySide6.QtTest import QTest

from lossviz.core.presets import load_preset, preset_names
from lossviz.gui import MainWindow
from lossviz.gui.app import prepare_application


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--size", default="1400x860")
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    settings = QtCore.QSettings(str(out / ".settings.ini"), QtCore.QSettings.Format.IniFormat)
    for name in args.only or preset_names():
        scene = load_preset(name)
        window = MainWindow(scene, settings=settings, recovery_dir=out / ".recovery")
        window.resize(width, height)
        window.show()
        for _ in range(scene.steps):  # exactly the scene's steps, through the worker
            window.live.step_once()
        deadline = QtCore.QDeadlineTimer(60000)
        # every step reported and drawn, the newest surface (held parameters, re-framing) shown
        while not (window.live.state().step == scene.steps and window.live.idle()) and not deadline.hasExpired():
            QTest.qWait(20)
        QTest.qWait(300)
        window.grab().save(str(out / f"{name}.png"))
        window.document.mark_clean()
        window.close()
        print(name, window.live.state().step)
    (out / ".settings.ini").unlink(missing_ok=True)


if __name__ == "__main__":
    main()

"""Screenshots of the window teaching overfitting (offscreen): sine-overfit at degree 9 after 3 s of training flat
out (hollow test points, the training and test loss curves), its capacity view, and xor with features of degree 2
(the curved boundary x₁x₂ makes possible).

    python scripts/overfit_screenshot.py OUTDIR [--size 1400x860]
"""

import argparse
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import QtCore  # noqa: E402

from lossviz.core.presets import load_preset  # noqa: E402
from lossviz.gui import MainWindow  # noqa: E402
from lossviz.gui.app import prepare_application  # noqa: E402


def wait(condition, seconds=120.0):
    """Run the event loop until ``condition()`` (or ``seconds``), then 300 ms more for the last paint."""
    deadline = QtCore.QDeadlineTimer(int(seconds * 1000))
    while not condition() and not deadline.hasExpired():
        loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(20, loop.quit)
        loop.exec()
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(300, loop.quit)
    loop.exec()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--size", default="1400x860")
    parser.add_argument("--degree", type=int, default=9)
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    settings = QtCore.QSettings(str(out / ".settings.ini"), QtCore.QSettings.Format.IniFormat)
    scene = load_preset("sine-overfit")
    window = MainWindow(scene, settings=settings, recovery_dir=out / ".recovery")
    window.resize(width, height)
    window.show()
    window.document.set_capacity(args.degree, scene.l2, scene.split)
    live = window.live
    window.document.set_view_options(speed=0.0)  # as fast as possible
    live.set_running(True)
    wait(lambda: live.step >= window.document.scene.steps or not live.running)
    live.set_running(False)
    wait(live.idle)
    window.grab().save(str(out / "overfit-window.png"))
    window.capacity.show()
    wait(window.capacity.done)
    window.capacity.dialog.grab().save(str(out / "capacity-dialog.png"))
    window.capacity.dialog.close()
    window.shutdown()
    window.close()
    xor = load_preset("xor")
    window = MainWindow(xor, settings=settings,
                        recovery_dir=out / ".recovery")
    window.resize(width, height)
    window.show()
    window.document.set_capacity(2, 0.0, None)
    window.document.set_view_options(speed=0.0)
    window.live.set_running(True)
    wait(lambda: window.live.step >= 3000)
    window.live.set_running(False)
    wait(window.live.idle)
    window.grab().save(str(out / "xor-degree2-window.png"))
    window.shutdown()
    window.close()


if __name__ == "__main__":
    main()

"""Screenshots of the window teaching P and l (offscreen): population-line with L(θ|D) and L(θ|P) both shown and
a Resample ×20 cloud, at N = 10 and N = 200; then one sample selected (its own loss surface and −∇l).

    python scripts/population_screenshot.py OUTDIR [--size 1400x860]
"""

import argparse
import os
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import QtCore  # noqa: E402

from lossviz.core.presets import load_preset  # noqa: E402
from lossviz.gui import MainWindow  # noqa: E402
from lossviz.gui.app import prepare_application  # noqa: E402


def wait(condition, seconds=60.0):
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
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    settings = QtCore.QSettings(str(out / ".settings.ini"), QtCore.QSettings.Format.IniFormat)
    scene = load_preset("population-line")
    for n in (10, 200):
        dist = replace(scene.distribution, n=n)
        window = MainWindow(scene.replace(distribution=dist, data=dist.sample()), settings=settings,
                            recovery_dir=out / ".recovery")
        window.resize(width, height)
        window.show()
        live = window.live
        window.document.set_view_options(surface_of="both")
        for _ in range(scene.steps):
            live.step_once()
        wait(lambda w=window: w.live.step == scene.steps and w.live.idle())
        live.population.resample()
        wait(lambda w=window: w.live.population.cloud is not None and w.live.idle())
        window.grab().save(str(out / f"population-window-n{n}.png"))
        if n == 10:
            live.selection.toggle(int(live.objective.per_sample(live.theta).argmax()), dist.n)
            wait(lambda w=window: w.live.idle() and w.live.shown_surface is not None)
            window.grab().save(str(out / "sample-loss-window.png"))
        window.document.mark_clean()
        window.close()
        print(n, live.step)
    (out / ".settings.ini").unlink(missing_ok=True)


if __name__ == "__main__":
    main()

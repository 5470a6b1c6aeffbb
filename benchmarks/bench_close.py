"""Benchmark: closing the window while long work runs (offscreen), target <= 1 s.

Each case opens a window on a scene whose first surface takes long (10,000 points at 256 x 256, or
a scene with a million steps, whose surface is framed by a preview descent), lets the event loop
run for ``--after`` seconds so that the surface worker is busy, then closes the window and times
``close()`` until it returns (both worker threads have ended by then). Only the stable contract of
the window is used (``MainWindow(scene, settings=, recovery_dir=)``, ``close()``), so that the same
script measures an older checkout too (``PYTHONPATH=that/checkout python benchmarks/bench_close.py``).

    python benchmarks/bench_close.py [--repeats 3] [--after 0.5]
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from measure import cpu_snapshot, other_load
from PySide6 import QtCore, QtWidgets

TARGET = 1.0  # s from close() to its return


def run_loop(seconds: float) -> None:
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(round(1000 * seconds), loop.quit)
    loop.exec()


def cases():
    from lossviz.core.generators import blobs
    from lossviz.core.presets import load_preset
    from lossviz.core.scene import scene_from_dict, scene_to_dict

    def scene(classes, steps=100):
        X, y = blobs(10_000, 0.6, 0, classes=classes)
        task = "binary" if classes == 2 else "multiclass"
        return scene_from_dict({"lossviz": 1, "task": task, "steps": steps, "surface": {"resolution": 256},
                                "data": {"x": X.round(3).tolist(), "y": y.tolist()}}, "bench")

    million = scene_to_dict(load_preset("binary-2d-blobs"))
    million["steps"] = 1_000_000
    return {"2-D BCE, 10,000 points, 256x256": scene(2), "3-class CE, 10,000 points, 256x256": scene(3),
            "binary-2d-blobs with 1,000,000 steps": scene_from_dict(million, "bench")}


def close_time(make_scene, folder: Path, after: float) -> float:
    from lossviz.gui import MainWindow

    settings = QtCore.QSettings(str(folder / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    window = MainWindow(make_scene, settings=settings, recovery_dir=folder / "recovery")
    window.resize(1300, 820)
    window.show()
    run_loop(after)
    started = time.perf_counter()
    window.close()
    seconds = time.perf_counter() - started
    window.deleteLater()
    run_loop(0.05)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--after", type=float, default=0.5, help="seconds between opening and closing")
    args = parser.parse_args()
    sys.setswitchinterval(0.001)  # as the app sets it
    QtCore.QStandardPaths.setTestModeEnabled(True)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="lossviz-bench-close-"))
    snapshot = cpu_snapshot()
    worst = 0.0
    print(f"lossviz close benchmark, offscreen, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for name, scene in cases().items():
        times = [close_time(scene, folder, args.after) for _ in range(args.repeats)]
        worst = max(worst, *times)
        print(f"  {name}: close took {', '.join(f'{t:.3f}' for t in times)} s "
              f"(median {statistics.median(times):.3f} s)")
    print(f"  machine: {other_load(snapshot, cpu_snapshot())}")
    print("summary:")
    print(f"close while a surface computes: worst {worst:.3f} s (target <= {TARGET:.0f} s): "
          f"{'PASS' if worst <= TARGET else 'FAIL'}")
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the window at real data sizes, offscreen.

For N = 1,000, 10,000, 100,000 and 1,000,000 samples of three scenes — 2-D binary with BCE, 3-class with CE, 1-D regression
with L2 — each case runs in a child process of its own (so that its peak memory is its own) and reports:

- first surface: from just before the window is made to the first surface it shows (``LiveRun.surfaceReady``), the
  median of ``--openings`` windows (default 3), each in a process of its own;
- exact surface: to the first surface computed from every sample at the scene's full resolution (in the first opening);
- the worst and 99th-percentile lateness of a 10 ms GUI timer over 3 s of training flat out;
- surface images shown per second while one point is dragged for 2 s (real mouse events);
- the process's peak memory (ru_maxrss).

Then, in this process, the exact surface's cost per loss element (128 × 128 grid × N samples × classes; the best of
three calls up to 10,000 samples) beside the floor: the fastest of numpy's softplus (BCE) or log-sum-exp (CE) over
the same number of elements in float64 and float32, on 1 and 2 threads. Waiting is done on Qt signals (an event
loop quit by the signal or a timeout), never by polling with short qWaits (which steal the interpreter lock from the
workers). The machine's load is printed.

With ``--dims D`` every scene has D inputs (issue 21: d = 50 at 100,000 samples); the data view then draws the
exact view of core.projection, which is read-only (no drag: "–"), and the cost of a surface on the trajectory plane
through θ-space is measured beside the coordinate surface's, against the same floor.

    python benchmarks/bench_scale.py [--sizes 1000,10000,100000,1000000] [--scenes bce,ce,l2] [--busy 0] [--dims D]
                                     [--openings 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from measure import cpu_snapshot, other_load

RESOLUTION = 128
TARGETS = {"first": 0.5, "worst": 0.030, "p99": 0.016, "drag": 10.0, "memory": 1024.0, "floor": 1.5}
SCENES = {"bce": "2-D binary, BCE", "ce": "3-class, CE", "l2": "1-D regression, L2"}


def make_scene(kind: str, n: int, dims: int | None = None):
    """The benchmark's scene of ``kind`` with ``n`` samples (seeded), of ``dims`` inputs where given."""
    from lossviz.core.scene import scene_from_dict

    rng = np.random.default_rng(12)
    if dims is not None:
        return wide_scene(kind, n, dims, rng)
    if kind == "l2":
        x = rng.uniform(-3, 3, n)
        y = 0.8 * x + 0.3 + rng.normal(0, 0.5, n)
        doc = {"task": "regression", "dims": 1, "loss": "l2",
               "data": {"x": x.round(3)[:, None].tolist(), "y": y.round(3).tolist()}}
    else:
        classes = 2 if kind == "bce" else 3
        y = rng.integers(0, classes, n)
        means = np.array([[-1.2, -1.2], [1.2, 1.2], [1.2, -1.2]])[:classes]
        X = means[y] + rng.normal(0, 0.9, (n, 2))
        doc = {"task": "binary" if kind == "bce" else "multiclass", "dims": 2, "loss": kind,
               "data": {"x": X.round(3).tolist(), "y": y.tolist()}}
        if kind == "ce":
            doc["classes"] = 3
    doc.update({"lossviz": 1, "optimizer": {"name": "gd", "lr": 0.3}, "steps": 1000,
                "surface": {"resolution": RESOLUTION}})
    return scene_from_dict(doc, f"{kind} {n}")


def wide_scene(kind: str, n: int, dims: int, rng: np.random.Generator):
    """A scene of ``dims`` inputs: a linear target (l2), or classes around random means (bce, ce)."""
    from lossviz.core.scene import scene_from_dict

    if kind == "l2":
        X = rng.normal(size=(n, dims))
        y = X @ rng.normal(size=dims) + rng.normal(0, 0.5, n)
        doc = {"task": "regression", "loss": "l2"}
    else:
        classes = 2 if kind == "bce" else 3
        y = rng.integers(0, classes, n)
        X = rng.normal(0, 0.4, (classes, dims))[y] + rng.normal(0, 0.9, (n, dims))
        doc = {"task": "binary" if kind == "bce" else "multiclass", "loss": kind,
               **({"classes": 3} if kind == "ce" else {})}
    doc.update({"lossviz": 1, "dims": dims, "optimizer": {"name": "gd", "lr": 0.3}, "steps": 1000,
                "surface": {"resolution": RESOLUTION},
                "data": {"x": X.round(3).tolist(), "y": (y.round(3) if kind == "l2" else y).tolist()}})
    return scene_from_dict(doc, f"{kind} {n} × {dims}")


# ---------------------------------------------------------------------------------------------- one case (child)

def wait_signal(signal, timeout: float, condition=lambda *args: True) -> bool:
    """Run the event loop until ``signal`` fires with arguments for which ``condition`` holds (or ``timeout`` s)."""
    from PySide6 import QtCore

    loop = QtCore.QEventLoop()
    hit = []

    def heard(*args):
        if condition(*args):
            hit.append(True)
            loop.quit()

    signal.connect(heard)
    QtCore.QTimer.singleShot(round(timeout * 1000), loop.quit)
    loop.exec()
    signal.disconnect(heard)
    return bool(hit)


def lateness(seconds: float) -> np.ndarray:
    """The lateness of each interval of a 10 ms timer while the event loop runs for ``seconds``."""
    from PySide6 import QtCore

    ticks: list[float] = []
    timer = QtCore.QTimer()
    timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    started = time.perf_counter()
    timer.start()
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()
    timer.stop()
    return np.maximum(np.diff([started, *ticks, time.perf_counter()]) - 0.010, 0.0)


def is_exact(result) -> bool:
    """True for a surface computed from every sample at the full resolution."""
    return (not result.request.coarse and result.spec.resolution == RESOLUTION
            and not getattr(result, "estimate", False))


def drag_rate(window, seconds: float) -> float:
    """Surface images shown per second while the point nearest the view's centre is dragged in a circle."""
    from PySide6 import QtCore
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    view = window.views.data_view
    viewport, viewbox = view.viewport(), window.views.data_viewbox
    (x0, x1), (y0, y1) = viewbox.viewRange()
    X = window.document.scene.data.X
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2][:X.shape[1]])
    index = int(np.argmin(np.abs(X - centre).sum(axis=1)))
    y_of = window.document.scene.data.y[index] if X.shape[1] == 1 else X[index, 1]
    start = view.mapFromScene(viewbox.mapViewToScene(QtCore.QPointF(float(X[index, 0]), float(y_of))))
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    shown0, began, moves = window.live.surfaces.shown_count, time.perf_counter(), 0
    point = start
    while time.perf_counter() - began < seconds:
        moves += 1
        radius = min(60, 4 * moves)
        angle = 2 * np.pi * moves / 60
        point = QtCore.QPoint(start.x() + round(radius * np.sin(angle)), start.y() + round(radius * (1 - np.cos(angle))))
        QTest.mouseMove(viewport, point)
        loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(16, loop.quit)
        loop.exec()
    rate = (window.live.surfaces.shown_count - shown0) / (time.perf_counter() - began)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    return rate


def open_window(kind: str, n: int, dims: int | None = None) -> tuple:
    """The scene in a new window (in this process, a child of the benchmark) and the seconds to its first surface
    (None: none within 300 s)."""
    import tempfile

    from PySide6 import QtCore

    from lossviz.gui import MainWindow
    from lossviz.gui.app import SETTLE_AFTER_MS, prepare_application, settle_memory

    QtCore.QStandardPaths.setTestModeEnabled(True)
    prepare_application()
    folder = Path(tempfile.mkdtemp(prefix="lossviz-bench-scale-"))
    scene = make_scene(kind, n, dims)
    settings = QtCore.QSettings(str(folder / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    began = time.perf_counter()
    window = MainWindow(scene, settings=settings, recovery_dir=folder / "recovery")
    window.resize(1300, 820)
    window.show()
    QtCore.QTimer.singleShot(SETTLE_AFTER_MS, settle_memory)  # as lossviz does once its window is painted
    shown = window.views.surface_plot.surface is not None or wait_signal(window.live.surfaceReady, 300)
    return window, (time.perf_counter() - began if shown else None), began


def first_only(kind: str, n: int, dims: int | None = None) -> dict:
    """Open the scene and close it once its first surface is shown (another opening, for the median)."""
    window, first, _ = open_window(kind, n, dims)
    window.shutdown()
    window.close()
    return {"first": first}


def run_case(kind: str, n: int, dims: int | None = None) -> dict:
    """Open the scene in a window and measure it (in this process, a child of the benchmark)."""
    import resource

    window, first, began = open_window(kind, n, dims)
    scene = window.document.scene
    out: dict = {"scene": kind, "n": n, "first": first}
    ready = window.live.surfaceReady
    shown = first is not None
    exact = wait_signal(ready, 600, is_exact) if not (shown and window.live.surfaces.shown is not None
                                                      and is_exact(window.live.surfaces.shown)) else True
    out["exact"] = time.perf_counter() - began if exact else None
    window.document.set_view_options(speed=0.0)  # chosen before the run, as a user does
    lateness(0.3)
    window.live.set_running(True)
    late = lateness(3.0)
    window.live.set_running(False)
    out["worst"], out["p99"] = float(late.max()), float(np.percentile(late, 99))
    wait_signal(window.live.runningChanged, 5)
    from lossviz.core.projection import projected

    out["drag"] = None if projected(scene.task, scene.dims) else drag_rate(window, 2.0)  # read-only beyond a plane
    out["memory"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MB (Linux: kB)
    window.shutdown()
    window.close()
    return out


# ---------------------------------------------------------------------------------------------- surface cost

def floor_per_element(kind: str, elements: int) -> dict[str, float]:
    """The fastest plain numpy evaluation per element of the same work: softplus log(1 + eᶻ) of each logit (bce; the
    faster of logaddexp(0, z) and log1p(exp(z))), or log Σ exp over 3 logits (ce; exp of each logit, their sum and
    one log per sample), on 1 and 2 threads (no overflow guard: a floor); for float64 and for float32 arrays."""
    from concurrent.futures import ThreadPoolExecutor

    def softplus_a(z, out):
        np.logaddexp(0, z, out=out)

    def softplus_b(z, out):
        np.exp(z, out=out)
        np.log1p(out, out=out)

    def logsumexp(z, out):
        np.exp(z, out=out)
        total = out[:, 0] + out[:, 1]
        total += out[:, 2]
        np.log(total, out=total)

    floors = {}
    count = min(elements, 3 << 21)
    for dtype in (np.float64, np.float32):
        best = float("inf")
        z = np.random.default_rng(0).normal(size=count).astype(dtype).reshape((-1, 3) if kind == "ce" else (-1,))
        out = np.empty_like(z)
        for formula in ((logsumexp,) if kind == "ce" else (softplus_a, softplus_b)):
            for threads in (1, 2):
                parts = list(zip(np.array_split(z, threads), np.array_split(out, threads), strict=True))
                with ThreadPoolExecutor(threads) as pool:
                    started = time.perf_counter()
                    for _ in range(3):
                        list(pool.map(lambda part, f=formula: f(*part), parts))
                    best = min(best, (time.perf_counter() - started) / (3 * z.size))
        floors[np.dtype(dtype).name] = best
    return floors


def plane_cost(kind: str, n: int, dims: int | None) -> float:
    """Seconds per element of the 128 × 128 surface on the trajectory plane through θ-space (core.planes) on 2
    threads, as the coordinate surface and the floor are timed, the best of up to three calls."""
    from lossviz.core.experiment import fit_scene
    from lossviz.core.planes import plane_losses, plane_of, plane_ranges

    scene = make_scene(kind, n, dims).replace(steps=20)
    objective, path = scene.objective(), fit_scene(scene).thetas
    plane = plane_of("trajectory", objective, path)
    (x0, x1), (y0, y1) = plane_ranges(plane, path)
    alphas, betas = np.linspace(x0, x1, RESOLUTION), np.linspace(y0, y1, RESOLUTION)
    elements = RESOLUTION * RESOLUTION * n * (3 if kind == "ce" else 1)
    best = float("inf")
    for _ in range(3 if elements <= 1 << 28 else 1):
        t = time.perf_counter()
        plane_losses(objective, plane, alphas, betas, workers=2)
        best = min(best, time.perf_counter() - t)
    return best / elements


def surface_cost(kind: str, n: int, dims: int | None = None) -> tuple[float, dict[str, float]]:
    """(seconds per element of the exact 128 × 128 surface on 2 threads, the floors per element by dtype); short
    surfaces (up to 10,000 samples) are timed three times and the best taken, as the floor is."""
    from lossviz.core.experiment import surface_spec
    from lossviz.core.surface import loss_surface

    scene = make_scene(kind, n, dims)
    objective = scene.objective()
    spec = surface_spec(scene, objective, scene.init[None])
    classes = 3 if kind == "ce" else 1
    elements = RESOLUTION * RESOLUTION * n * classes
    best = float("inf")
    for _ in range(3 if elements <= 1 << 28 else 1):  # the best of 3, as for the floor, where a call is short
        t = time.perf_counter()
        loss_surface(objective, spec, workers=2)
        best = min(best, time.perf_counter() - t)
    return best / elements, floor_per_element(kind, elements)


# ---------------------------------------------------------------------------------------------- main

def verdict(value, target, below=True) -> str:
    """PASS / FAIL for ``value`` against ``target`` (None: FAIL)."""
    if value is None:
        return "FAIL"
    return "PASS" if (value <= target if below else value >= target) else "FAIL"


def print_case(case: dict) -> None:
    """One line per case with the targets' verdicts."""
    def sec(v):
        return "never" if v is None else f"{v:.2f} s"
    firsts = sorted(v for v in case.get("firsts", [case["first"]]) if v is not None)
    spread = f" (median of {len(firsts)} openings: {firsts[0]:.2f}–{firsts[-1]:.2f} s)" if len(firsts) > 1 else ""
    print(f"  {SCENES[case['scene']]:<20} N = {case['n']:>7,}: first surface {sec(case['first'])}{spread} "
          f"[{verdict(case['first'], TARGETS['first'])}], exact {sec(case['exact'])}, stall worst "
          f"{1000 * case['worst']:.0f} ms [{verdict(case['worst'], TARGETS['worst'])}] p99 {1000 * case['p99']:.0f} ms "
          f"[{verdict(case['p99'], TARGETS['p99'])}], drag " + (
              "– (read-only view) " if case['drag'] is None else
              f"{case['drag']:.1f}/s [{verdict(case['drag'], TARGETS['drag'], below=False)}] ") +
          f"memory {case['memory']:.0f} MB "
          f"[{verdict(case['memory'], TARGETS['memory'])}]", flush=True)


def child_case(kind: str, n: int, dims: int | None, first_only: bool = False) -> dict | None:
    """Run one case in a child process of its own (its peak memory its own); None if it failed (said)."""
    options = ([] if dims is None else ["--dims", str(dims)]) + (["--first-only"] if first_only else [])
    child = subprocess.run([sys.executable, __file__, "--case", kind, str(n), *options], capture_output=True,
                           text=True, timeout=1800)
    lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
    if child.returncode or not lines:
        print(f"  {SCENES[kind]} N = {n:,}: the child failed ({child.returncode}): "
              f"{child.stderr.strip().splitlines()[-1:]}", flush=True)
        return None
    return json.loads(lines[-1])


def measure_case(kind: str, n: int, dims: int | None, openings: int) -> None:
    """Measure one case and print it: its first surface is the median of ``openings`` windows, each opened in a
    process of its own (one opening swings by a third on a shared VM)."""
    case = child_case(kind, n, dims)
    if case is None:
        return
    others = [child_case(kind, n, dims, first_only=True) for _ in range(openings - 1)]
    firsts = [case["first"], *(other["first"] for other in others if other is not None)]
    case["firsts"] = firsts
    known = sorted(v for v in firsts if v is not None)
    case["first"] = float(np.median(known)) if known else None
    print_case(case)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--scenes", default="bce,ce,l2")
    parser.add_argument("--busy", type=int, default=0, help="other processes kept busy during the run")
    parser.add_argument("--dims", type=int, default=None, help="inputs of every scene (default: 2; l2 1)")
    parser.add_argument("--openings", type=int, default=3, help="windows opened per case for the first surface's median")
    parser.add_argument("--case", nargs=2, metavar=("SCENE", "N"), help=argparse.SUPPRESS)  # the child's job
    parser.add_argument("--first-only", action="store_true", help=argparse.SUPPRESS)  # ... or only the first surface
    args = parser.parse_args()
    if args.case:
        job = first_only if args.first_only else run_case
        print(json.dumps(job(args.case[0], int(args.case[1]), args.dims)))
        return 0
    sizes = [int(v) for v in args.sizes.split(",")]
    kinds = args.scenes.split(",")
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    snapshot = cpu_snapshot()
    try:
        print(f"lossviz at scale, offscreen, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        for kind in kinds:
            for n in sizes:
                measure_case(kind, n, args.dims, args.openings)
        from lossviz.process import tune_process

        tune_process()  # as the app does (its surface worker computes with it)
        for kind in (k for k in kinds if k != "l2"):
            for n in sizes:
                cost, floors = surface_cost(kind, n, args.dims)
                ratio = cost / floors["float64"]
                print(f"  surface cost {SCENES[kind]}, N = {n:,}: {1e9 * cost:.2f} ns per element (float64, 2 threads), "
                      f"numpy floor {1e9 * floors['float64']:.2f} ns in float64 ({1e9 * floors['float32']:.2f} ns in "
                      f"float32): ratio {ratio:.2f} to float64 [{verdict(ratio, TARGETS['floor'])}], "
                      f"{cost / floors['float32']:.2f} to float32", flush=True)
                plane = plane_cost(kind, n, args.dims)
                print(f"  plane surface (trajectory) {SCENES[kind]}, N = {n:,}: {1e9 * plane:.2f} ns per element: "
                      f"ratio {plane / floors['float64']:.2f} to the float64 floor "
                      f"[{verdict(plane / floors['float64'], TARGETS['floor'])}]", flush=True)
        print(f"  machine: {other_load(snapshot, cpu_snapshot())}")
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

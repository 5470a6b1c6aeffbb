"""Benchmark: loss surfaces.

(a) ``lossviz surface SCENE --resolution 256 -o s.npz`` (3,000 2-D points, binary BCE, axes
    W[0,0] x W[0,1] over [-4, 4]^2) versus a straightforward vectorised numpy script doing the
    same thing. Both are whole processes timed with ``time.perf_counter`` around
    ``subprocess.run``, alternated, REPEATS times each; medians are compared.
(b) L2 surfaces in-process with ``lossviz.core.surface.loss_surface`` at resolution 256 for
    100 and 1,000,000 regression points: the one-off first call (which builds the O(N)
    sufficient statistics) and the per-surface cost of later calls with another center/range.

    python benchmarks/bench_surface.py [--repeats 3] [--points 3000] [--resolution 256]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from measure import cpu_snapshot, lossviz_command, other_load, run

BCE_TARGET = 0.5
L2_TARGET = (0.5, 2.0)  # "about 1": the 1M/100 per-surface ratio should fall in this band
CHUNK_ELEMENTS = 1 << 21  # the numpy script's memory budget per chunk, as lossviz's

# The numpy contender: what one would write by hand for the same surface.
NUMPY_SCRIPT = r'''
import json
import sys

import numpy as np

scene_path, resolution, out_path, chunk_elements = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
with open(scene_path, encoding="utf-8") as handle:
    scene = json.load(handle)
X = np.array(scene["data"]["x"], dtype=np.float64)
y = np.array(scene["data"]["y"], dtype=np.float64)
surface = scene["surface"]
w0 = np.linspace(*surface["x_range"], resolution)  # W[0,0], along columns
w1 = np.linspace(*surface["y_range"], resolution)  # W[0,1], along rows
b = 0.0
loss = np.empty((resolution, resolution))
rows = max(1, chunk_elements // (resolution * len(y)))
for start in range(0, resolution, rows):
    stop = min(start + rows, resolution)
    z = w0[None, :, None] * X[:, 0] + w1[start:stop, None, None] * X[:, 1] + b  # (rows, R, N)
    loss[start:stop] = (np.logaddexp(0, z) - y * z).mean(-1)
np.savez(out_path, x=w0, y=w1, loss=loss)
'''


# ---------------------------------------------------------------- (a) BCE, whole processes

def make_bce_scene(points: int, resolution: int, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, points)
    x = np.where(y[:, None] == 1, [1.0, 0.5], [-0.5, -1.0]) + rng.normal(scale=1.2, size=(points, 2))
    return {"lossviz": 1, "task": "binary", "data": {"x": x.round(6).tolist(), "y": y.tolist()},
            "loss": "bce", "optimizer": {"name": "adam", "lr": 0.01},
            "surface": {"x": "W[0,0]", "y": "W[0,1]", "x_range": [-4, 4], "y_range": [-4, 4],
                        "resolution": resolution}}


def single_thread_compute(scene_path: Path, resolution: int) -> None:
    """Diagnostic, not a target: the surface computation alone, in this process, lossviz on one
    worker thread versus the numpy script's loop, to tell algorithm from parallelism."""
    from lossviz.core.experiment import surface_spec
    from lossviz.core.scene import read_scene
    from lossviz.core.surface import loss_surface

    scene = read_scene(scene_path)
    objective = scene.objective()
    spec = surface_spec(scene, objective, None, resolution)
    X, y = scene.data.X, scene.data.y.astype(np.float64)
    start = time.perf_counter()
    loss_surface(objective, spec, workers=1)
    lossviz_time = time.perf_counter() - start
    start = time.perf_counter()
    loss = np.empty((resolution, resolution))
    rows = max(1, CHUNK_ELEMENTS // (resolution * len(y)))
    for first in range(0, resolution, rows):
        last = min(first + rows, resolution)
        z = spec.x[None, :, None] * X[:, 0] + spec.y[first:last, None, None] * X[:, 1]
        loss[first:last] = (np.logaddexp(0, z) - y * z).mean(-1)
    numpy_time = time.perf_counter() - start
    print(f"  compute only, one thread, in-process (diagnostic): lossviz {lossviz_time:.3g} s, "
          f"numpy loop {numpy_time:.3g} s, ratio {lossviz_time / numpy_time:.3g}")


def bench_bce(args) -> list[str]:
    workdir = tempfile.mkdtemp(prefix="lossviz-bench-surface-")
    try:
        scene_path = Path(workdir, "scene.json")
        scene_path.write_text(json.dumps(make_bce_scene(args.points, args.resolution)), encoding="utf-8")
        numpy_script = Path(workdir, "numpy_surface.py")
        numpy_script.write_text(NUMPY_SCRIPT, encoding="utf-8")
        lossviz_out, numpy_out = Path(workdir, "s.npz"), Path(workdir, "numpy_s.npz")
        contenders = {
            "lossviz": [*lossviz_command(), "surface", str(scene_path), "--resolution", str(args.resolution),
                        "-o", str(lossviz_out)],
            "numpy": [sys.executable, str(numpy_script), str(scene_path), str(args.resolution), str(numpy_out),
                      str(CHUNK_ELEMENTS)],
        }
        print(f"(a) bce surface: {args.points} 2-D points, W[0,0] x W[0,1] over [-4,4]^2, "
              f"{args.resolution}x{args.resolution}; {args.repeats} alternating repeats; {os.cpu_count()} CPUs")
        for name, command in contenders.items():
            print(f"  {name}: {' '.join(command)}")
        for command in contenders.values():  # untimed warm-up each
            run(command, workdir)
        times = {name: [] for name in contenders}
        snapshot = cpu_snapshot()
        for repeat in range(args.repeats):
            order = list(contenders) if repeat % 2 == 0 else list(reversed(contenders))
            for name in order:
                times[name].append(run(contenders[name], workdir))
            print(f"  repeat {repeat + 1}: " + ", ".join(f"{n} {times[n][-1]:.3f} s" for n in contenders))

        print(f"  machine: {other_load(snapshot, cpu_snapshot())}")
        with np.load(lossviz_out) as a, np.load(numpy_out) as b:
            same_axes = np.array_equal(a["x"], b["x"]) and np.array_equal(a["y"], b["y"])
            axes = (str(a["x_param"]), str(a["y_param"]))
            rel = float(np.max(np.abs(a["loss"] - b["loss"]) / np.abs(b["loss"])))
            ok = same_axes and a["loss"].shape == b["loss"].shape and rel <= 1e-12 and axes == ("W[0,0]", "W[0,1]")
            print(f"  surfaces: shape {a['loss'].shape}, axes {axes}, identical grids {same_axes}, "
                  f"max relative difference {rel:.2e} (tolerance 1e-12): {'AGREE' if ok else 'DISAGREE'}")

        single_thread_compute(scene_path, args.resolution)

        medians = {name: statistics.median(values) for name, values in times.items()}
        ratio = medians["lossviz"] / medians["numpy"]
        return [
            f"surface {args.resolution}x{args.resolution} bce, {args.points} points: lossviz {medians['lossviz']:.3g} s, "
            f"numpy {medians['numpy']:.3g} s, ratio {ratio:.3g} (target <= {BCE_TARGET}) "
            f"[{'met' if ratio <= BCE_TARGET else 'MISSED'}]",
            f"surface bce lossviz vs numpy agree to 1e-12 relative: {'yes' if ok else 'NO'} (max {rel:.1e})",
        ]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------- (b) L2, in-process

def bench_l2(args) -> list[str]:
    from lossviz.core.dataset import make_dataset
    from lossviz.core.losses import get_loss
    from lossviz.core.model import ModelShape
    from lossviz.core.objective import Objective
    from lossviz.core.surface import SurfaceSpec, loss_surface

    shape = ModelShape("regression", 2, 1)
    loss = get_loss("l2", "regression")
    rng = np.random.default_rng(2)
    datasets = {}
    for n in (100, 1_000_000):
        X = rng.normal(size=(n, 2)) * [1.0, 2.0] + [0.5, -1.0]
        y = X @ [1.5, -2.0] + 0.5 + rng.normal(scale=0.3, size=n)
        datasets[n] = make_dataset(X, y, "regression")
    names = {100: "100", 1_000_000: "1M"}
    R = args.resolution
    print(f"(b) l2 surfaces in-process, {R}x{R}: datasets of {', '.join(f'{n:,}' for n in datasets)} points")

    def spec(i: int) -> SurfaceSpec:
        """The i-th view: shifting center and ranges, axes cycling over W[0,0], W[0,1], b[0]."""
        axes = [("W[0,0]", "W[0,1]"), ("W[0,1]", "b[0]"), ("b[0]", "W[0,0]")][i % 3]
        shift = 0.01 * (i % 97)
        return SurfaceSpec(axes[0], axes[1], (-4.0 + shift, 4.0 + 2 * shift), (-3.0 - shift, 5.0),
                           R, np.array([[0.3 - shift, -0.7 + shift, 0.1 + 2 * shift]]))

    # a throwaway call first, so neither dataset pays numpy/LAPACK's lazy start-up
    loss_surface(Objective(shape, loss, make_dataset(np.ones((3, 2)), [0.0, 1.0, 2.0], "regression")), spec(0))

    # one-off cost: a fresh Objective's first surface (O(N) statistics + the surface), alternated
    first = {n: [] for n in datasets}
    objectives = {}
    for repeat in range(args.repeats):
        for n in (datasets if repeat % 2 == 0 else reversed(list(datasets))):
            objective = Objective(shape, loss, datasets[n])
            start = time.perf_counter()
            loss_surface(objective, spec(0))
            first[n].append(time.perf_counter() - start)
            objectives[n] = objective

    # per-surface cost: later calls with other centers/ranges, alternated in rounds
    later = {n: [] for n in datasets}
    calls, rounds = 100, 2 * args.repeats
    for r in range(rounds):
        for n in (datasets if r % 2 == 0 else reversed(list(datasets))):
            for i in range(1, calls + 1):
                view = spec(r * calls + i)
                start = time.perf_counter()
                loss_surface(objectives[n], view)
                later[n].append(time.perf_counter() - start)

    # sanity: the O(R^2) surface equals the loss evaluated directly at a few grid points
    worst = 0.0
    for objective in objectives.values():
        view = spec(7)
        surface = loss_surface(objective, view)
        for i, j in ((0, 0), (R // 3, R - 1), (R - 1, R // 2), (R // 2, R // 5)):
            theta = view.center.copy()
            theta[shape.param_index(view.x_param)] = view.x[j]
            theta[shape.param_index(view.y_param)] = view.y[i]
            direct = objective.value(theta)
            worst = max(worst, abs(surface.loss[i, j] - direct) / abs(direct))
    print(f"  l2 surface vs direct evaluation at sample grid points: max relative difference {worst:.1e}")

    med_first = {n: statistics.median(v) for n, v in first.items()}
    med_later = {n: statistics.median(v) for n, v in later.items()}
    for n in datasets:
        print(f"  {n:>9,} points: first call {med_first[n] * 1e3:.3g} ms (median of {len(first[n])}), "
              f"later calls {med_later[n] * 1e3:.3g} ms (median of {len(later[n])}, "
              f"min {min(later[n]) * 1e3:.3g} ms, max {max(later[n]) * 1e3:.3g} ms)")
    ratio = med_later[1_000_000] / med_later[100]
    lo, hi = L2_TARGET
    return [
        f"l2 surface {R}x{R} first call (builds O(N) statistics): {names[1_000_000]} points "
        f"{med_first[1_000_000] * 1e3:.3g} ms, {names[100]} points {med_first[100] * 1e3:.3g} ms (one-off, no target)",
        f"l2 surface {R}x{R} per later call: {names[1_000_000]} points {med_later[1_000_000] * 1e3:.3g} ms, "
        f"{names[100]} points {med_later[100] * 1e3:.3g} ms, ratio {ratio:.3g} (target about 1, "
        f"i.e. {lo}..{hi}) [{'met' if lo <= ratio <= hi else 'MISSED'}]",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--points", type=int, default=3000)
    parser.add_argument("--resolution", type=int, default=256)
    args = parser.parse_args()
    summary = bench_bce(args)
    summary += bench_l2(args)
    print("summary:")
    for line in summary:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

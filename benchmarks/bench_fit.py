"""Benchmark: ``lossviz fit`` versus the same Adam loop written with torch.optim (CPU, float64).

Both contenders are whole processes (interpreter start, imports, reading the scene, 20,000
full-batch Adam steps on 1,000 2-D points with BCE, writing the JSON trajectory), timed with
``time.perf_counter`` around ``subprocess.run``. They are run alternately, REPEATS times each,
and the medians are compared. torch is only needed by this benchmark, never by lossviz.

    python benchmarks/bench_fit.py [--repeats 3] [--steps 20000] [--points 1000]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from measure import cpu_snapshot, lossviz_command, other_load, run

TARGET = 0.25

# The torch contender: a standalone script, as a user would write it without lossviz.
TORCH_SCRIPT = r'''
import json
import math
import sys

import torch

scene_path, steps, out_path, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
if threads > 0:
    # tiny tensors: one intra-op thread is torch's fastest and steadiest setting here
    torch.set_num_threads(threads)
with open(scene_path, encoding="utf-8") as handle:
    scene = json.load(handle)
X = torch.tensor(scene["data"]["x"], dtype=torch.float64)
y = torch.tensor(scene["data"]["y"], dtype=torch.float64).reshape(-1, 1)
W = torch.zeros((1, X.shape[1]), dtype=torch.float64, requires_grad=True)
b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
optimizer = torch.optim.Adam([W, b], lr=scene["optimizer"]["lr"])
criterion = torch.nn.BCEWithLogitsLoss()

# entry k: parameters after k updates, the loss and the gradient norm there
entries = []
status = "max_steps"
for k in range(steps + 1):
    optimizer.zero_grad()
    loss = criterion(X @ W.T + b, y)
    loss.backward()
    value = loss.item()
    grad_norm = math.sqrt((W.grad.square().sum() + b.grad.square().sum()).item())
    if not (math.isfinite(value) and math.isfinite(grad_norm)):
        status = "diverged"
        break
    entries.append({"step": k, "loss": value, "W": W.tolist(), "b": b.tolist(), "grad_norm": grad_norm})
    if k < steps:
        optimizer.step()

with open(out_path, "w", encoding="utf-8") as handle:
    handle.write(json.dumps({"status": status, "trajectory": entries}) + "\n")
'''


def make_scene(points: int, steps: int, seed: int = 0) -> dict:
    """Two overlapping Gaussian blobs (so the BCE minimum is finite), labels 0/1."""
    import numpy as np

    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, points)
    centers = np.where(y[:, None] == 1, [1.0, 0.5], [-0.5, -1.0])
    x = centers + rng.normal(scale=1.2, size=(points, 2))
    return {"lossviz": 1, "task": "binary", "data": {"x": x.round(6).tolist(), "y": y.tolist()},
            "loss": "bce", "optimizer": {"name": "adam", "lr": 0.01}, "steps": steps}


def compare(lossviz_path: Path, torch_path: Path) -> tuple[bool, str]:
    a = json.loads(lossviz_path.read_text())
    b = json.loads(torch_path.read_text())
    ta, tb = a["trajectory"], b["trajectory"]
    if a["status"] != b["status"] or len(ta) != len(tb):
        return False, (f"status/length differ: lossviz {a['status']} {len(ta)} entries, "
                       f"torch {b['status']} {len(tb)} entries")
    keys_a = [sorted(e) for e in (ta[0], ta[-1])]
    keys_b = [sorted(e) for e in (tb[0], tb[-1])]
    if keys_a != keys_b:
        return False, f"entry keys differ: {keys_a[0]} vs {keys_b[0]}"
    la, lb = ta[-1]["loss"], tb[-1]["loss"]
    rel = abs(la - lb) / max(abs(lb), 1e-300)
    max_rel = max(abs(ea["loss"] - eb["loss"]) / max(abs(eb["loss"]), 1e-300) for ea, eb in zip(ta, tb))
    flat = lambda e: [*(v for row in e["W"] for v in row), *e["b"]]  # noqa: E731
    theta_diffs = [max(abs(p - q) for p, q in zip(flat(ea), flat(eb))) for ea, eb in zip(ta, tb)]
    max_theta = max(theta_diffs)
    split = next((k for k, d in enumerate(theta_diffs) if d > 1e-9), None)
    ok = rel <= 1e-9 and ta[-1]["step"] == tb[-1]["step"]
    detail = (f"final loss lossviz {la!r}, torch {lb!r}, relative difference {rel:.2e} "
              f"(tolerance 1e-9): {'AGREE' if ok else 'DISAGREE'}; status {a['status']}, "
              f"{len(ta)} entries; max relative loss difference over all steps {max_rel:.2e}, "
              f"max |theta difference| {max_theta:.2e} (first > 1e-9 at step {split}, where lossviz's "
              f"grad norm is {ta[split]['grad_norm'] if split is not None else float('nan'):.1e}), "
              f"final W {ta[-1]['W']} b {ta[-1]['b']}")
    return ok, detail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="torch.set_num_threads for the torch contender (0: torch's default). "
                             "Default 1: on a 2-CPU VM torch's default thread pool made each step up to "
                             "~50x slower and erratic, which would flatter lossviz")
    args = parser.parse_args()

    if importlib.util.find_spec("torch") is None:
        print("torch is not importable: skipping the fit benchmark (it compares lossviz with torch)")
        return 0

    workdir = tempfile.mkdtemp(prefix="lossviz-bench-fit-")
    try:
        scene_path = Path(workdir, "scene.json")
        scene_path.write_text(json.dumps(make_scene(args.points, args.steps)), encoding="utf-8")
        torch_script = Path(workdir, "torch_fit.py")
        torch_script.write_text(TORCH_SCRIPT, encoding="utf-8")
        lossviz_out, torch_out = Path(workdir, "traj.json"), Path(workdir, "torch_traj.json")
        contenders = {
            "lossviz": [*lossviz_command(), "fit", str(scene_path), "--steps", str(args.steps),
                        "-o", str(lossviz_out)],
            "torch": [sys.executable, str(torch_script), str(scene_path), str(args.steps), str(torch_out),
                      str(args.torch_threads)],
        }
        print(f"scene: {args.points} 2-D points, binary, bce, adam lr 0.01; {args.steps} steps; "
              f"{args.repeats} alternating repeats; {os.cpu_count()} CPUs; "
              f"torch threads {args.torch_threads or 'default'}")
        for name, command in contenders.items():
            print(f"  {name}: {' '.join(command)}")
        # one untimed warm-up each (page cache, .pyc files), then alternate
        for command in contenders.values():
            run(command, workdir)
        times = {name: [] for name in contenders}
        snapshot = cpu_snapshot()
        for repeat in range(args.repeats):
            order = list(contenders) if repeat % 2 == 0 else list(reversed(contenders))
            for name in order:
                times[name].append(run(contenders[name], workdir))
            print(f"  repeat {repeat + 1}: " + ", ".join(f"{n} {times[n][-1]:.3f} s" for n in contenders))

        print(f"  machine: {other_load(snapshot, cpu_snapshot())}")
        ok, detail = compare(lossviz_out, torch_out)
        print(f"trajectories: {detail}")
        medians = {name: statistics.median(values) for name, values in times.items()}
        ratio = medians["lossviz"] / medians["torch"]
        verdict = "met" if ratio <= TARGET else "MISSED"
        print("summary:")
        print(f"fit {args.steps} adam steps: lossviz {medians['lossviz']:.3g} s, torch {medians['torch']:.3g} s, "
              f"ratio {ratio:.3g} (target <= {TARGET}) [{verdict}]")
        print(f"fit trajectories agree (final loss within 1e-9 relative): {'yes' if ok else 'NO'}")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

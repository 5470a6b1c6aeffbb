"""Issue 10 through the real command: ``lossviz surface --of population|sample:I`` and ``lossviz sample``.

Every number here is computed again in the test, independently of lossviz: the closed form of L(θ|P) from the
integral over U(a, b), a Monte-Carlo estimate from a sample of a million drawn here, each sample's loss from its
formula. Tolerances of random quantities come from the sample size (5 standard errors), not from the machine.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from lossviz.cli import main
from lossviz.core.presets import load_preset, preset_path
from lossviz.core.scene import read_scene

LINE = {"name": "line", "n": 25, "seed": 11,
        "params": {"slope": 0.8, "intercept": 0.5, "noise": 0.6, "x_range": [-2.0, 4.0]}}
SINE = {"name": "sine", "n": 25, "seed": 12,
        "params": {"amplitude": 1.3, "frequency": 0.2, "noise": 0.25, "x_range": [-3.0, 2.0]}}
BLOBS = {"name": "blobs", "n": 40, "seed": 13, "params": {"means": [[-1.0, -0.5], [1.2, 0.8]], "std": 0.9}}
XOR = {"name": "xor", "n": 40, "seed": 14, "params": {"r": 1.5, "flip": 0.15}}


def run(argv, cwd: Path) -> subprocess.CompletedProcess:
    """The real ``lossviz`` in a fresh process; it must succeed silently."""
    proc = subprocess.run([sys.executable, "-m", "lossviz", *map(str, argv)], cwd=cwd, capture_output=True, text=True,
                          timeout=120)
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    return proc


def run_all(argvs, cwd: Path) -> None:
    """Several commands at once (each its own process)."""
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        list(pool.map(lambda argv: run(argv, cwd), argvs))


def load_npz(path: Path) -> dict:
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def scene_with(folder: Path, distribution: dict, task: str = "regression", loss: str | None = None,
               name: str = "scene.json", **keys) -> Path:
    """A scene of ``distribution`` whose data ``lossviz sample`` draws from it (N and seed the distribution's)."""
    document = {"lossviz": 1, "task": task, "data": {"x": [], "y": []}, "distribution": distribution, **keys}
    if loss:
        document["loss"] = loss
    (folder / "empty.json").write_text(json.dumps(document))
    run(["sample", "empty.json", "-o", name], folder)
    return folder / name


def grid_thetas(scene, data: dict) -> np.ndarray:
    """θ (R, R, k, d+1) at every grid point: the surface's two parameters set, the others at the center."""
    x_param, y_param = str(data["x_param"]), str(data["y_param"])
    center = scene.surface_center
    thetas = np.broadcast_to(center, (len(data["y"]), len(data["x"]), *center.shape)).copy()
    thetas[(..., *scene.shape.param_index(x_param))] = data["x"][None, :]
    thetas[(..., *scene.shape.param_index(y_param))] = data["y"][:, None]
    return thetas


# ---------------------------------------------------------------- L(θ|P), exact

def line_population_loss(w, b, params) -> np.ndarray:
    """½ E[(wx + b − y)²] for y = slope·x + intercept + ε: (1/(hi − lo)) ∫ ½ (p x + q)² dx + ½ noise², with
    p = w − slope, q = b − intercept and ∫ (p x + q)² dx = p² x³/3 + p q x² + q² x."""
    lo, hi = params["x_range"]
    p, q = w - params["slope"], b - params["intercept"]

    def antiderivative(x):
        return p * p * x ** 3 / 3 + p * q * x ** 2 + q * q * x

    return 0.5 * (antiderivative(hi) - antiderivative(lo)) / (hi - lo) + 0.5 * params["noise"] ** 2


def test_population_surface_of_a_line_is_the_closed_form(tmp_path):
    path = scene_with(tmp_path, LINE, init={"W": [[-1.0]], "b": [2.0]})
    run(["surface", path, "--of", "population", "--resolution", "41", "-o", "pop.npz"], tmp_path)
    data = load_npz(tmp_path / "pop.npz")
    assert (str(data["x_param"]), str(data["y_param"])) == ("W[0,0]", "b[0]")
    expected = line_population_loss(data["x"][None, :], data["y"][:, None], LINE["params"])
    relative = np.abs(data["loss"] - expected) / expected
    assert relative.max() <= 1e-9, relative.max()
    # the minimum is the true line, where only the noise is left: ½ noise²
    assert expected.min() >= 0.5 * 0.6 ** 2


def test_population_surface_of_a_sine_is_exact(tmp_path):
    """L2 on a sine: against Gauss–Legendre quadrature of ½ E[(wx + b − A sin ωx)²] + ½ noise² (exact to rounding
    for a smooth integrand with 60 nodes)."""
    path = scene_with(tmp_path, SINE)
    run(["surface", path, "--of", "population", "--resolution", "17", "-o", "pop.npz"], tmp_path)
    data = load_npz(tmp_path / "pop.npz")
    params = SINE["params"]
    lo, hi = params["x_range"]
    nodes, weights = np.polynomial.legendre.leggauss(60)
    x = 0.5 * (hi - lo) * nodes + 0.5 * (hi + lo)
    mean = params["amplitude"] * np.sin(2 * np.pi * params["frequency"] * x)
    residual = data["x"][None, :, None] * x + data["y"][:, None, None] - mean
    expected = 0.5 * (0.5 * weights * residual ** 2).sum(axis=-1) + 0.5 * params["noise"] ** 2
    assert np.abs(data["loss"] - expected).max() / expected.min() <= 1e-9


# ---------------------------------------------------------------- L(θ|P), Monte Carlo

def blobs_million(params, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """10⁶ draws from the blobs, written out here: equal priors, x | y = c ∼ N(μ_c, std²·I)."""
    rng = np.random.default_rng(seed)
    means = np.asarray(params["means"])
    y = rng.integers(0, len(means), 1_000_000)
    return means[y] + params["std"] * rng.standard_normal((len(y), means.shape[1])), y


def test_monte_carlo_population_surface_agrees_with_a_million_other_draws(tmp_path):
    path = scene_with(tmp_path, BLOBS, task="binary", loss="bce", init={"W": [[0.5, -1.0]], "b": [0.3]}, steps=40)
    run(["surface", path, "--of", "population", "--resolution", "7", "-o", "pop.npz"], tmp_path)
    data = load_npz(tmp_path / "pop.npz")
    scene = read_scene(path)
    X, y = blobs_million(BLOBS["params"], seed=987_654)
    thetas = grid_thetas(scene, data)
    independent = np.empty(data["loss"].shape)
    for i, row in enumerate(thetas):  # BCE: softplus(z) − y z, z = w·x + b
        z = X @ row[:, 0, :2].T + row[:, 0, 2]
        independent[i] = (np.logaddexp(0.0, z) - y[:, None] * z).mean(axis=0)
    relative = np.abs(data["loss"] - independent) / independent
    assert relative.max() < 0.01, relative.max()


# ---------------------------------------------------------------- one sample's loss, and their mean

def test_a_sample_surface_is_that_sample_s_loss(tmp_path):
    line = scene_with(tmp_path, LINE, name="line.json")
    blobs = scene_with(tmp_path, BLOBS, task="binary", loss="bce", name="blobs.json", steps=30)
    run_all([["surface", line, "--of", "sample:7", "--resolution", "13", "-o", "l7.npz"],
             ["surface", blobs, "--of", "sample:0", "--resolution", "13", "-o", "b0.npz"],
             ["surface", blobs, "--of", "sample:39", "--resolution", "13", "-o", "b39.npz"]], tmp_path)
    scene = read_scene(line)
    data = load_npz(tmp_path / "l7.npz")
    thetas = grid_thetas(scene, data)
    x, target = scene.data.X[7, 0], scene.data.y[7]
    direct = 0.5 * (thetas[..., 0, 0] * x + thetas[..., 0, 1] - target) ** 2  # ½ (wx + b − y)²
    np.testing.assert_allclose(data["loss"], direct, rtol=1e-9, atol=1e-12)
    scene = read_scene(blobs)
    for index in (0, 39):
        data = load_npz(tmp_path / f"b{index}.npz")
        thetas = grid_thetas(scene, data)
        z = thetas[..., 0, :2] @ scene.data.X[index] + thetas[..., 0, 2]
        direct = np.logaddexp(0.0, z) - scene.data.y[index] * z  # −y log σ(z) − (1 − y) log(1 − σ(z))
        np.testing.assert_allclose(data["loss"], direct, rtol=1e-12)


def test_the_mean_of_the_sample_surfaces_is_the_data_surface(tmp_path):
    """L(θ|D) = ¹⁄N Σᵢ l(θ|xᵢ, yᵢ) on one grid: the real command for each sample of a preset (L2), in-process
    for a BCE scene of 40 samples."""
    n = load_preset("population-line").data.size
    run_all([["surface", "population-line", "--of", f"sample:{i}", "--resolution", "24", "-o", f"s{i}.npz"]
             for i in range(n)] + [["surface", "population-line", "--resolution", "24", "-o", "data.npz"]], tmp_path)
    whole = load_npz(tmp_path / "data.npz")
    samples = [load_npz(tmp_path / f"s{i}.npz") for i in range(n)]
    for sample in samples:  # one grid for all
        np.testing.assert_array_equal(sample["x"], whole["x"])
        np.testing.assert_array_equal(sample["y"], whole["y"])
    mean = np.mean([sample["loss"] for sample in samples], axis=0)
    np.testing.assert_allclose(mean, whole["loss"], rtol=1e-12, atol=0)

    path = scene_with(tmp_path, BLOBS, task="binary", loss="bce", name="blobs.json", steps=30)
    losses = []
    for of in [f"sample:{i}" for i in range(BLOBS["n"])] + ["data"]:
        assert main(["surface", str(path), "--of", of, "--resolution", "12", "-o", str(tmp_path / "s.npz")]) == 0
        losses.append(load_npz(tmp_path / "s.npz")["loss"])
    np.testing.assert_allclose(np.mean(losses[:-1], axis=0), losses[-1], rtol=1e-12, atol=0)


def test_the_three_surfaces_share_the_grid_framed_from_the_data(tmp_path):
    run_all([["surface", "sine-samples", "--of", of, "--resolution", "9", "-o", f"{of.replace(':', '')}.npz"]
             for of in ("data", "population", "sample:4")], tmp_path)
    grids = [load_npz(tmp_path / f"{name}.npz") for name in ("data", "population", "sample4")]
    for grid in grids[1:]:
        np.testing.assert_array_equal(grid["x"], grids[0]["x"])
        np.testing.assert_array_equal(grid["y"], grids[0]["y"])
    assert not np.array_equal(grids[0]["loss"], grids[1]["loss"])


# ---------------------------------------------------------------- lossviz sample

def test_sample_is_reproducible_and_keeps_the_scene(tmp_path):
    source = preset_path("population-line")
    run_all([["sample", source, "-n", "50", "--seed", "3", "-o", name] for name in ("a.json", "b.json")]
            + [["sample", source, "-n", "50", "--seed", "4", "-o", "c.json"],
               ["sample", source, "-n", "50", "--seed", "3", "-o", "a.csv"],
               ["sample", source, "-o", "default.json"]], tmp_path)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    first, other = read_scene(tmp_path / "a.json"), read_scene(tmp_path / "c.json")
    assert first.data.size == 50 and not np.array_equal(first.data.X, other.data.X)
    preset = json.loads(source.read_text(encoding="utf-8"))
    written = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert written["distribution"] == {**preset["distribution"], "n": 50, "seed": 3}
    for key in set(preset) - {"data", "distribution"}:
        assert written[key] == preset[key], key  # title, notes, init, optimizer, surface … kept
    rows = list(csv.reader(io.StringIO((tmp_path / "a.csv").read_text())))
    assert rows[0] == ["x", "y"]
    np.testing.assert_array_equal(np.array(rows[1:], dtype=float), np.column_stack([first.data.X[:, 0], first.data.y]))
    # the preset's data are its distribution's own sample (N and seed), rounded to 3 decimals
    default = read_scene(tmp_path / "default.json")
    assert default.data.size == preset["distribution"]["n"] == 10
    np.testing.assert_allclose(default.data.X, load_preset("population-line").data.X, atol=5e-4, rtol=0)
    np.testing.assert_allclose(default.data.y, load_preset("population-line").data.y, atol=5e-4, rtol=0)


def within(estimate: float, truth: float, standard_error: float, what: str) -> None:
    assert abs(estimate - truth) <= 5 * standard_error, f"{what}: {estimate} vs {truth} (SE {standard_error:.3g})"


def mean_check(values: np.ndarray, truth: float, what: str) -> None:
    """The sample mean of ``values`` against ``truth``, within 5 standard errors (from the sample's spread)."""
    within(float(values.mean()), truth, float(values.std(ddof=1)) / np.sqrt(len(values)), what)


@pytest.fixture(scope="module")
def large_samples(tmp_path_factory):
    """200,000 draws of each family through ``lossviz sample`` (CSV), as arrays X, y."""
    folder = tmp_path_factory.mktemp("large")
    families = {"line": (LINE, "regression"), "sine": (SINE, "regression"), "blobs": (BLOBS, "binary"),
                "xor": (XOR, "binary")}
    for name, (distribution, task) in families.items():
        (folder / f"{name}.json").write_text(json.dumps({"lossviz": 1, "task": task, "data": {"x": [], "y": []},
                                                         "distribution": distribution}))
    run_all([["sample", f"{name}.json", "-n", "200000", "--seed", "5", "-o", f"{name}.csv"] for name in families], folder)
    out = {}
    for name in families:
        table = np.loadtxt(folder / f"{name}.csv", delimiter=",", skiprows=1)
        assert table.shape[0] == 200_000
        out[name] = (table[:, :-1], table[:, -1])
    return out


def test_large_samples_have_the_moments_of_p(large_samples):
    X, y = large_samples["line"]
    p = LINE["params"]
    lo, hi = p["x_range"]
    x = X[:, 0]
    mean_check(x, (lo + hi) / 2, "line E[x]")
    mean_check((x - (lo + hi) / 2) ** 2, (hi - lo) ** 2 / 12, "line Var x")
    mean_check(y - p["slope"] * x - p["intercept"], 0.0, "line E[ε]")
    mean_check((y - p["slope"] * x - p["intercept"]) ** 2, p["noise"] ** 2, "line E[ε²]")

    X, y = large_samples["sine"]
    p = SINE["params"]
    lo, hi = p["x_range"]
    omega = 2 * np.pi * p["frequency"]
    e_sin = (np.cos(omega * lo) - np.cos(omega * hi)) / (omega * (hi - lo))
    e_sin2 = 0.5 - (np.sin(2 * omega * hi) - np.sin(2 * omega * lo)) / (4 * omega * (hi - lo))
    mean_check(y, p["amplitude"] * e_sin, "sine E[y]")
    mean_check(y ** 2, p["amplitude"] ** 2 * e_sin2 + p["noise"] ** 2, "sine E[y²]")

    X, y = large_samples["blobs"]
    p = BLOBS["params"]
    mean_check((y == 1).astype(float), 0.5, "blobs P(y = 1)")
    for c, mu in enumerate(p["means"]):
        mine = X[y == c]
        for j in range(2):
            mean_check(mine[:, j], mu[j], f"blobs E[x{j + 1} | y = {c}]")
            mean_check((mine[:, j] - mu[j]) ** 2, p["std"] ** 2, f"blobs Var x{j + 1} | y = {c}")

    X, y = large_samples["xor"]
    p = XOR["params"]
    assert np.abs(X).max() <= p["r"]
    mean_check(X[:, 0], 0.0, "xor E[x1]")
    mean_check(X[:, 0] ** 2, p["r"] ** 2 / 3, "xor E[x1²]")
    mean_check((y != (X[:, 0] * X[:, 1] > 0)).astype(float), p["flip"], "xor flip rate")

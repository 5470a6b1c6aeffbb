"""Overfitting (issue 11) against references written from the issue's definitions alone, not from lossviz's code:

- split: the test set is the first round(test_fraction·N) indices of default_rng(seed).permutation(N), the training
  set the rest in their original order;
- features: scikit-learn's PolynomialFeatures(degree, include_bias=False) (where it is installed; else the same
  columns from exponents written out below, checked against it where it is), standardised with the training rows'
  mean and standard deviation (ddof = 0; a constant column only centred);
- L2 regularisation: L(θ|D_train) + (λ/2)‖W‖²_F, b not penalised;
- the optimizers' update rules as torch.optim documents them, in plain numpy (and torch.optim itself, optional);
- minibatches: a permutation of the training rows from default_rng(seed), drawn anew every epoch, cut in order.

Every number of ``lossviz fit`` (loss, data_loss, test_loss, W, b) must equal the reference to 1e-10 relative.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math

import numpy as np
import pytest

from lossviz.cli import main
from lossviz.core.features import MAX_DEGREE, Split, feature_names, polynomial
from lossviz.core.presets import load_preset, preset_path
from lossviz.core.scene import read_scene, write_scene
from lossviz.core.sweep import SweepPoint, sweep, sweep_scene

RTOL = 1e-10


# ---------------------------------------------------------------- the references

def reference_split(n: int, fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """(training rows in their original order, test rows in the permutation's order)."""
    test = [int(i) for i in np.random.default_rng(seed).permutation(n)[:round(fraction * n)]]
    return [i for i in range(n) if i not in test], test


def exponent_features(X: np.ndarray, degree: int) -> np.ndarray:
    """The monomials of x (1-D: x, x², …) or of (x₁, x₂) (2-D, each degree from x₁ᵗ down to x₂ᵗ: x₁, x₂, x₁², x₁x₂,
    x₂², x₁³, …) up to ``degree``, written out from their exponents."""
    if X.shape[1] == 1:
        return np.column_stack([X[:, 0] ** t for t in range(1, degree + 1)])
    return np.column_stack([X[:, 0] ** a * X[:, 1] ** (t - a) for t in range(1, degree + 1) for a in range(t, -1, -1)])


def raw_features(X: np.ndarray, degree: int) -> np.ndarray:
    """PolynomialFeatures(degree, include_bias=False) of X where scikit-learn is installed, else ``exponent_features``
    (which ``test_exponent_features_are_polynomial_features`` checks against it)."""
    try:
        from sklearn.preprocessing import PolynomialFeatures
    except ImportError:
        return exponent_features(X, degree)
    return PolynomialFeatures(degree, include_bias=False).fit_transform(X)


def reference_design(doc: dict) -> dict:
    """Φ of the training and test rows (standardised on the training rows), their targets, and λ, from a scene document."""
    X, y = np.array(doc["data"]["x"], dtype=float), np.array(doc["data"]["y"], dtype=float)
    train, test = reference_split(len(y), doc["split"]["test_fraction"], doc["split"]["seed"])
    raw = raw_features(X, doc["features"]["degree"])
    mean, std = raw[train].mean(axis=0), raw[train].std(axis=0)
    std = np.where(std > 0, std, 1.0)
    phi = (raw - mean) / std
    return {"train": (phi[train], y[train]), "test": (phi[test], y[test]), "l2": doc["regularization"]["l2"],
            "task": doc["task"]}


def data_loss(task: str, theta: np.ndarray, Phi: np.ndarray, y: np.ndarray) -> float:
    """L(θ|D) of the rows (Φ, y): ½ mean (wφ + b − y)² (regression) or mean BCE (binary), θ = (w, b)."""
    z = Phi @ theta[:-1] + theta[-1]
    if task == "regression":
        return float(np.mean(0.5 * (z - y) ** 2))
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def gradient(task: str, theta: np.ndarray, Phi: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """∇ of L(θ|rows) + (λ/2)‖w‖²: (Φᵀr/n + λw, mean r), r = z − y (regression) or σ(z) − y (binary)."""
    z = Phi @ theta[:-1] + theta[-1]
    r = z - y if task == "regression" else 1.0 / (1.0 + np.exp(-z)) - y
    return np.r_[Phi.T @ r / len(y) + l2 * theta[:-1], r.mean()]


class ReferenceOptimizer:
    """torch.optim's update rules with their defaults (SGD with momentum and Nesterov, Adagrad, RMSprop, Adam)."""

    def __init__(self, name: str, lr: float, momentum: float | None):
        self.name, self.lr, self.t = name, lr, 0
        self.mu = (0.9 if name in ("momentum", "nesterov") else 0.0) if momentum is None else momentum
        self.buf = self.acc = self.m = self.v = None

    def step(self, theta: np.ndarray, g: np.ndarray) -> np.ndarray:
        self.t += 1
        if self.name in ("gd", "momentum", "nesterov"):
            if self.mu:
                self.buf = g.copy() if self.buf is None else self.mu * self.buf + g
                g = g + self.mu * self.buf if self.name == "nesterov" else self.buf
            return theta - self.lr * g
        if self.name == "adagrad":
            self.acc = g * g if self.acc is None else self.acc + g * g
            return theta - self.lr * g / (np.sqrt(self.acc) + 1e-10)
        if self.name == "rmsprop":
            self.v = 0.01 * g * g if self.v is None else 0.99 * self.v + 0.01 * g * g
            avg = np.sqrt(self.v) + 1e-8
            if self.mu:
                self.buf = g / avg if self.buf is None else self.mu * self.buf + g / avg
                return theta - self.lr * self.buf
            return theta - self.lr * g / avg
        self.m = 0.1 * g if self.m is None else 0.9 * self.m + 0.1 * g
        self.v = 0.001 * g * g if self.v is None else 0.999 * self.v + 0.001 * g * g
        return theta - self.lr / (1 - 0.9 ** self.t) * self.m / (np.sqrt(self.v) / math.sqrt(1 - 0.999 ** self.t) + 1e-8)


def reference_trajectory(doc: dict) -> dict[str, np.ndarray]:
    """θ, the objective, L(θ|D_train) and L(θ|D_test) after each of the scene's steps, from the definitions."""
    design = reference_design(doc)
    task, l2 = design["task"], design["l2"]
    (Phi, y), (Phi_test, y_test) = design["train"], design["test"]
    opt = doc["optimizer"]
    optimizer = ReferenceOptimizer(opt["name"], opt["lr"], opt.get("momentum"))
    batch = opt.get("batch_size")
    rng = np.random.default_rng(doc.get("seed", 0))
    order: list[int] = []
    theta = np.r_[np.ravel(doc["init"]["W"]), doc["init"]["b"]] if "init" in doc else np.zeros(Phi.shape[1] + 1)
    rows = {"theta": [], "loss": [], "data_loss": [], "test_loss": []}
    for step in range(doc["steps"] + 1):
        data = data_loss(task, theta, Phi, y)
        rows["theta"].append(theta)
        rows["loss"].append(data + 0.5 * l2 * float(theta[:-1] @ theta[:-1]))
        rows["data_loss"].append(data)
        rows["test_loss"].append(data_loss(task, theta, Phi_test, y_test))
        if step == doc["steps"]:
            break
        if batch is None or batch >= len(y):
            g = gradient(task, theta, Phi, y, l2)
        else:
            if not order:
                order = list(rng.permutation(len(y)))
            picked, order = order[:batch], order[batch:]
            g = gradient(task, theta, Phi[picked], y[picked], l2)
        theta = optimizer.step(theta, g)
    return {key: np.array(value) for key, value in rows.items()}


# ---------------------------------------------------------------- scenes

def sine_doc(degree: int = 5, l2: float = 0.01, optimizer: dict | None = None, steps: int = 150) -> dict:
    """The bundled sine-overfit scene (15 samples, 4 held out) at ``degree``, λ = ``l2``, with ``optimizer``."""
    doc = json.loads(preset_path("sine-overfit").read_text(encoding="utf-8"))
    doc.pop("init")
    doc.update(features={"degree": degree}, regularization={"l2": l2}, steps=steps,
               optimizer=optimizer or {"name": "adam", "lr": 0.05})
    return doc


def blobs_doc(degree: int = 3, l2: float = 0.05, optimizer: dict | None = None, steps: int = 120) -> dict:
    """24 points of two 2-D blobs with φ of ``degree`` over (x₁, x₂), a third of them held out."""
    rng = np.random.default_rng(11)
    y = np.arange(24) % 2
    X = rng.normal(size=(24, 2)) * 0.9 + np.where(y[:, None] == 1, 0.8, -0.8)
    return {"lossviz": 1, "task": "binary", "data": {"x": X.round(3).tolist(), "y": y.tolist()},
            "split": {"test_fraction": 0.35, "seed": 4}, "features": {"degree": degree},
            "regularization": {"l2": l2}, "optimizer": optimizer or {"name": "gd", "lr": 0.5}, "steps": steps,
            "seed": 3}


def lossviz_fit(tmp_path, capsys, doc: dict, fmt: str = "json") -> str:
    path = tmp_path / "scene.json"
    path.write_text(json.dumps(doc))
    code = main(["fit", str(path), "--format", fmt])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    return out


def assert_matches_reference(result: dict, reference: dict[str, np.ndarray]) -> None:
    trajectory = result["trajectory"]
    assert len(trajectory) == len(reference["loss"])
    theta = np.array([np.r_[np.ravel(e["W"]), e["b"]] for e in trajectory])
    np.testing.assert_allclose(theta, reference["theta"], rtol=RTOL, atol=1e-13)
    for key in ("loss", "data_loss", "test_loss"):
        np.testing.assert_allclose([e[key] for e in trajectory], reference[key], rtol=RTOL, atol=0, err_msg=key)


OPTIMIZERS = [
    {"name": "gd", "lr": 0.1},
    {"name": "gd", "lr": 0.05, "momentum": 0.5},
    {"name": "momentum", "lr": 0.02},
    {"name": "nesterov", "lr": 0.02},
    {"name": "adagrad", "lr": 0.3},
    {"name": "rmsprop", "lr": 0.01},
    {"name": "rmsprop", "lr": 0.005, "momentum": 0.5},
    {"name": "adam", "lr": 0.05},
]


def optimizer_id(opt: dict) -> str:
    return "-".join(f"{v}" for v in opt.values())


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=optimizer_id)
def test_regression_trajectory_with_features_split_and_l2_equals_the_reference(optimizer, tmp_path, capsys):
    doc = sine_doc(degree=5, l2=0.01, optimizer=optimizer)
    assert_matches_reference(json.loads(lossviz_fit(tmp_path, capsys, doc)), reference_trajectory(doc))


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=optimizer_id)
def test_binary_2d_trajectory_with_features_split_and_l2_equals_the_reference(optimizer, tmp_path, capsys):
    doc = blobs_doc(degree=3, l2=0.05, optimizer=optimizer)
    assert_matches_reference(json.loads(lossviz_fit(tmp_path, capsys, doc)), reference_trajectory(doc))


@pytest.mark.parametrize("doc", [
    sine_doc(degree=7, l2=0.001, optimizer={"name": "adam", "lr": 0.05, "batch_size": 4}, steps=100),
    sine_doc(degree=2, l2=0.0, optimizer={"name": "gd", "lr": 0.1, "batch_size": 3}, steps=100),
    blobs_doc(degree=2, l2=0.02, optimizer={"name": "momentum", "lr": 0.1, "batch_size": 5}, steps=100),
], ids=["sine-adam-4", "sine-gd-3", "blobs-momentum-5"])
def test_minibatch_trajectories_equal_the_reference(doc, tmp_path, capsys):
    """Minibatches are drawn from the training rows only (the test rows never move θ)."""
    result = json.loads(lossviz_fit(tmp_path, capsys, doc))
    if doc["regularization"]["l2"] == 0:  # no data_loss column: it is the loss itself
        for entry in result["trajectory"]:
            entry["data_loss"] = entry["loss"]
    assert_matches_reference(result, reference_trajectory(doc))


@pytest.mark.parametrize("optimizer", [*OPTIMIZERS, {"name": "adam", "lr": 0.05, "batch_size": 4}], ids=optimizer_id)
def test_torch_optim_agrees(optimizer, tmp_path, capsys):
    """The optional oracle: torch.optim on the same standardised features, with (λ/2)‖W‖² added to the loss."""
    torch = pytest.importorskip("torch")
    doc = sine_doc(degree=5, l2=0.01, optimizer=optimizer, steps=80)
    result = json.loads(lossviz_fit(tmp_path, capsys, doc))
    (Phi, y), l2 = reference_design(doc)["train"], doc["regularization"]["l2"]
    W = torch.zeros(Phi.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    name, lr, momentum = optimizer["name"], optimizer["lr"], optimizer.get("momentum")
    optim = {"gd": lambda: torch.optim.SGD([W, b], lr=lr, momentum=momentum or 0.0),
             "momentum": lambda: torch.optim.SGD([W, b], lr=lr, momentum=0.9),
             "nesterov": lambda: torch.optim.SGD([W, b], lr=lr, momentum=0.9, nesterov=True),
             "adagrad": lambda: torch.optim.Adagrad([W, b], lr=lr),
             "rmsprop": lambda: torch.optim.RMSprop([W, b], lr=lr, momentum=momentum or 0.0),
             "adam": lambda: torch.optim.Adam([W, b], lr=lr)}[name]()
    Phi_t, y_t = torch.tensor(Phi), torch.tensor(y)
    rng, order, batch = np.random.default_rng(doc["seed"]), [], optimizer.get("batch_size")
    for entry in result["trajectory"]:
        np.testing.assert_allclose(entry["W"][0], W.detach().numpy(), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(entry["b"], b.detach().numpy(), rtol=1e-10, atol=1e-13)
        rows = slice(None)
        if batch is not None:
            if not order:
                order = list(rng.permutation(len(y)))
            rows, order = order[:batch], order[batch:]
        optim.zero_grad()
        loss = 0.5 * ((Phi_t[rows] @ W + b - y_t[rows]) ** 2).mean() + 0.5 * l2 * (W @ W)
        loss.backward()
        optim.step()


# ---------------------------------------------------------------- fit's columns

def test_fit_csv_has_the_same_columns_as_json(tmp_path, capsys):
    doc = sine_doc(degree=3, l2=0.1, steps=20)
    result = json.loads(lossviz_fit(tmp_path, capsys, doc))
    rows = list(csv.reader(io.StringIO(lossviz_fit(tmp_path, capsys, doc, "csv"))))
    assert rows[0] == ["step", "loss", "data_loss", "test_loss", "W[0,0]", "W[0,1]", "W[0,2]", "b[0]", "grad_norm"]
    for entry, row in zip(result["trajectory"], rows[1:], strict=True):
        assert [float(v) for v in row] == [entry["step"], entry["loss"], entry["data_loss"], entry["test_loss"],
                                           *entry["W"][0], *entry["b"], entry["grad_norm"]]


@pytest.mark.parametrize("l2, split, columns", [
    (0.0, None, []), (0.1, None, ["data_loss"]), (0.0, {"test_fraction": 0.3}, ["test_loss"]),
    (0.1, {"test_fraction": 0.3}, ["data_loss", "test_loss"]),
])
def test_fit_adds_a_column_only_where_it_says_something(l2, split, columns, tmp_path, capsys):
    doc = sine_doc(degree=2, l2=l2, steps=5)
    doc.pop("split")
    if split is not None:
        doc["split"] = split
    result = json.loads(lossviz_fit(tmp_path, capsys, doc))
    assert all(list(entry) == ["step", "loss", *columns, "W", "b", "grad_norm"] for entry in result["trajectory"])
    header = lossviz_fit(tmp_path, capsys, doc, "csv").splitlines()[0]
    assert header.startswith(",".join(["step", "loss", *columns]) + ",")
    scene = read_scene(tmp_path / "scene.json")
    for entry in result["trajectory"]:
        theta = np.c_[np.array(entry["W"]), entry["b"]]
        assert entry["loss"] == scene.objective().value(theta)
        if "data_loss" in entry:
            assert entry["data_loss"] == pytest.approx(scene.objective().data_value(theta), rel=1e-13)
        if "test_loss" in entry:
            assert entry["test_loss"] == pytest.approx(scene.test_objective().data_value(theta), rel=1e-13)


def test_a_test_loss_that_overflows_is_null_in_json_and_inf_in_csv(tmp_path, capsys):
    """A test point far outside the training points (x = 1e150, the largest lossviz takes): its loss overflows once
    a diverging descent doubles w (φ(1e150)·w ≈ 1.2e154 at the start, its square just below the largest float; then
    w ≈ −2e4), the training's does not; no warnings."""
    doc = {"lossviz": 1, "task": "regression", "data": {"x": [[0.0], [1.0], [1e150], [2.0]], "y": [0.0, 1.0, 0.0, 2.0]},
           "split": {"test_fraction": 0.25, "seed": 0}, "features": {"degree": 1}, "steps": 3,
           "init": {"W": [[1e4]], "b": [0.0]}, "optimizer": {"name": "gd", "lr": 3.0}}
    assert reference_split(4, 0.25, 0)[1] == [2]  # the far point is the test set
    result = json.loads(lossviz_fit(tmp_path, capsys, doc))
    assert result["status"] == "max_steps"
    assert math.isfinite(result["trajectory"][0]["test_loss"]) and result["trajectory"][-1]["test_loss"] is None
    rows = list(csv.reader(io.StringIO(lossviz_fit(tmp_path, capsys, doc, "csv"))))
    assert rows[0][2] == "test_loss" and rows[-1][2] == "inf"


# ---------------------------------------------------------------- split and features

@pytest.mark.parametrize("n, fraction, seed", [(15, 0.3, 2), (15, 0.3, 0), (10, 0.25, 7), (7, 0.5, 1), (3, 0.0, 0),
                                               (200, 0.9, 12345), (11, 0.15, 3)])
def test_split_follows_the_definition(n, fraction, seed):
    train, test = Split(fraction, seed).indices(n)
    assert (train.tolist(), test.tolist()) == reference_split(n, fraction, seed)
    assert len(test) == round(fraction * n)  # Python's round: 0.3 · 15 = 4.5 gives 4 test points


def test_the_scene_trains_on_its_training_rows_in_their_order():
    scene = load_preset("sine-overfit")
    design = scene.design()
    train, test = reference_split(15, 0.3, 2)
    assert (design.train.tolist(), design.test.tolist()) == (train, test)
    assert scene.objective().size == 11 and scene.test_objective().size == 4
    np.testing.assert_array_equal(scene.objective().data.y, scene.data.y[train])


def test_exponent_features_are_polynomial_features():
    pytest.importorskip("sklearn")
    from sklearn.preprocessing import PolynomialFeatures

    X = np.random.default_rng(0).uniform(-1.5, 1.5, size=(9, 2))
    for dims in (1, 2):
        for degree in range(1, MAX_DEGREE + 1):
            np.testing.assert_allclose(exponent_features(X[:, :dims], degree),
                                       PolynomialFeatures(degree, include_bias=False).fit_transform(X[:, :dims]),
                                       rtol=1e-14)


def sklearn_name_to_ours(name: str, dims: int) -> str:
    """scikit-learn's "x0^2 x1" as lossviz names it: x₁²x₂ (2-D) or x² (1-D)."""
    sub, sup = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"), str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    parts = []
    for factor in name.split(" "):
        variable, _, power = factor.partition("^")
        index = int(variable[1:]) + 1
        parts.append(("x" if dims == 1 else "x" + str(index).translate(sub)) + (power.translate(sup) if power else ""))
    return "".join(parts)


@pytest.mark.parametrize("dims", [1, 2])
def test_feature_order_and_names_are_polynomial_features(dims):
    pytest.importorskip("sklearn")
    from sklearn.preprocessing import PolynomialFeatures

    X = np.random.default_rng(dims).uniform(-1.2, 1.2, size=(13, dims))
    for degree in range(1, MAX_DEGREE + 1):
        reference = PolynomialFeatures(degree, include_bias=False).fit(X)
        np.testing.assert_allclose(polynomial(X, degree), reference.transform(X), rtol=1e-14)
        names = [sklearn_name_to_ours(name, dims) for name in reference.get_feature_names_out()]
        assert feature_names(dims, degree) == names
    assert feature_names(2, 2) == ["x₁", "x₂", "x₁²", "x₁x₂", "x₂²"] and len(feature_names(2, 12)) == 90


def test_features_are_standardised_on_the_training_rows():
    doc = blobs_doc(degree=4)
    scene = read_scene_from(doc)
    design = reference_design(doc)
    np.testing.assert_allclose(scene.objective().data.X, design["train"][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(scene.test_objective().data.X, design["test"][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(design["train"][0].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(design["train"][0].std(axis=0), 1, rtol=1e-12)


def test_folding_theta_over_the_raw_monomials_gives_the_models_logits():
    """FeatureMap.fold (the data view's boundary over a grid): logits(fold(θ), m(x)) = Wφ(x) + b."""
    from lossviz.core.model import logits

    scene = read_scene_from(blobs_doc(degree=4))
    features = scene.design().features
    X = np.random.default_rng(2).normal(size=(50, 2))
    theta = np.random.default_rng(3).normal(size=scene.shape.zeros().shape)
    np.testing.assert_allclose(logits(features.fold(theta), features.raw(X)), logits(theta, features(X)), rtol=1e-10)
    doc = blobs_doc()
    doc.pop("features")
    plain = read_scene_from(doc).design().features  # without a degree: θ and x as they are
    assert plain.degree is None and plain.fold(theta) is theta and plain.raw(X) is X


def test_a_constant_feature_is_only_centred():
    doc = {"lossviz": 1, "task": "regression", "data": {"x": [[1.0], [1.0], [1.0], [1.0]], "y": [0.0, 1.0, 2.0, 3.0]},
           "features": {"degree": 3}}
    np.testing.assert_array_equal(read_scene_from(doc).objective().data.X, np.zeros((4, 3)))


def read_scene_from(doc: dict):
    from lossviz.core.scene import scene_from_dict

    return scene_from_dict(copy.deepcopy(doc))


# ---------------------------------------------------------------- sweep = fit, and the closed form

def fit_doc_for(doc: dict, degree: int, lam: float) -> dict:
    """The scene document ``lossviz fit`` is given for one point of the sweep, written from the sweep's definition:
    the scene's features degree and λ replaced, its init kept only where it fits (its own degree)."""
    out = copy.deepcopy(doc)
    if degree != doc.get("features", {}).get("degree"):
        out.pop("init", None)
    out["features"] = {"degree": degree}
    out["regularization"] = {"l2": lam}
    out.get("surface", {}).pop("center", None)
    return out


def test_each_sweep_point_is_lossviz_fit_at_that_degree_and_lambda(tmp_path, capsys):
    doc = json.loads(preset_path("sine-overfit").read_text(encoding="utf-8"))
    doc["steps"] = 400
    doc["init"] = {"W": [[0.3, -0.2, 0.1]], "b": [0.5]}  # kept at degree 3 only
    scene = read_scene_from(doc)
    points = sweep(scene, range(1, MAX_DEGREE + 1), [0.0, 0.01])
    assert [(p.l2, p.degree) for p in points] == [(lam, d) for lam in (0.0, 0.01) for d in range(1, MAX_DEGREE + 1)]
    for point in points:
        last = json.loads(lossviz_fit(tmp_path, capsys, fit_doc_for(doc, point.degree, point.l2)))["trajectory"][-1]
        assert point == SweepPoint(point.degree, point.l2, last["loss"], last.get("data_loss", last["loss"]),
                                   last["test_loss"])
        # and sweep_scene written to a file is that same scene
        write_scene(sweep_scene(scene, point.degree, point.l2), tmp_path / "written.json")
        assert read_scene(tmp_path / "written.json") == read_scene_from(fit_doc_for(doc, point.degree, point.l2))


def test_sweep_of_the_bundled_scene_is_its_fit(tmp_path, capsys):
    doc = json.loads(preset_path("sine-overfit").read_text(encoding="utf-8"))
    point, = sweep(load_preset("sine-overfit"), [doc["features"]["degree"]])
    code = main(["fit", "sine-overfit"])
    last = json.loads(capsys.readouterr().out)["trajectory"][-1]
    assert code == 0 and (point.loss, point.data_loss, point.test_loss) == (last["loss"], last["loss"], last["test_loss"])


def ridge(Phi: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """The minimiser (w, b) of ½ mean (Φw + b − y)² + (λ/2)‖w‖², b unpenalised: the normal equations."""
    A = np.c_[Phi, np.ones(len(y))]
    penalty = l2 * np.diag(np.r_[np.ones(Phi.shape[1]), 0.0])
    return np.linalg.solve(A.T @ A / len(y) + penalty, A.T @ y / len(y))


@pytest.mark.parametrize("l2", [0.01, 0.1])
def test_l2_sweep_with_enough_steps_reaches_the_ridge_solution(l2):
    doc = sine_doc(degree=1, l2=l2, optimizer={"name": "nesterov", "lr": 0.05}, steps=20_000)
    degrees = [1, 2, 3, 4, 5]
    points = sweep(read_scene_from(doc), degrees, [l2])
    for point in points:
        design = reference_design({**doc, "features": {"degree": point.degree}})
        (Phi, y), (Phi_test, y_test) = design["train"], design["test"]
        theta = ridge(Phi, y, l2)
        assert point.data_loss == pytest.approx(data_loss("regression", theta, Phi, y), rel=1e-9)
        assert point.loss == pytest.approx(data_loss("regression", theta, Phi, y) + 0.5 * l2 * theta[:-1] @ theta[:-1],
                                           rel=1e-9)
        assert point.test_loss == pytest.approx(data_loss("regression", theta, Phi_test, y_test), rel=1e-7)


def test_the_bundled_scene_shows_under_and_overfitting():
    """sine-overfit's sweep: the training loss falls at every degree, the test loss is lowest at a middle degree and
    rises from there on (the numbers the README quotes)."""
    points = sweep(load_preset("sine-overfit"), range(1, MAX_DEGREE + 1))
    train = np.array([p.data_loss for p in points])
    test = np.array([p.test_loss for p in points])
    best = int(np.argmin(test))
    assert np.all(np.diff(train) < 0)
    assert 2 <= best <= 6 and np.all(np.diff(test[best:]) > 0)
    assert test[0] > 5 * test[best] and test[-1] > 5 * test[best]


# ---------------------------------------------------------------- surfaces with λ and features

@pytest.mark.parametrize("doc, axes", [
    (sine_doc(degree=3, l2=0.2), ("W[0,1]", "b[0]")),  # L2: the sufficient statistics' path
    (sine_doc(degree=4, l2=0.5), ("W[0,0]", "W[0,3]")),
    ({**sine_doc(degree=3, l2=0.2), "loss": "l1"}, ("W[0,2]", "b[0]")),  # the generic path, penalty added on the grid
    (blobs_doc(degree=2, l2=0.3), ("W[0,1]", "W[0,4]")),  # BCE's factored path
    (blobs_doc(degree=2, l2=0.3), ("W[0,3]", "b[0]")),
], ids=["l2-w2-b", "l2-w1-w4", "l1-w3-b", "bce-w2-w5", "bce-w4-b"])
def test_surfaces_with_features_and_lambda_equal_the_objective_evaluated_directly(doc, axes, tmp_path, capsys):
    doc = {**doc, "surface": {"x": axes[0], "y": axes[1], "x_range": [-1.5, 2.0], "y_range": [-1.0, 1.5], "resolution": 9,
                              "center": {"W": [list(np.linspace(0.4, -0.3, 5 if doc["task"] == "binary" else
                                                                doc["features"]["degree"]))], "b": [0.2]}}}
    path = tmp_path / "scene.json"
    path.write_text(json.dumps(doc))
    assert main(["surface", str(path), "-o", str(tmp_path / "s.npz")]) == 0
    assert capsys.readouterr().err == ""
    with np.load(tmp_path / "s.npz") as data:
        x, y, loss = data["x"], data["y"], data["loss"]
    design = reference_design(doc)
    Phi, target = design["train"]
    center = np.r_[doc["surface"]["center"]["W"][0], doc["surface"]["center"]["b"]]
    index = {name: i for i, name in enumerate([f"W[0,{j}]" for j in range(len(center) - 1)] + ["b[0]"])}
    for i, j in [(0, 0), (2, 7), (8, 8), (5, 1), (4, 4)]:
        theta = center.copy()
        theta[index[axes[0]]], theta[index[axes[1]]] = x[j], y[i]
        if doc.get("loss") == "l1":
            expected = float(np.mean(np.abs(Phi @ theta[:-1] + theta[-1] - target)))
        else:
            expected = data_loss(design["task"], theta, Phi, target)
        expected += 0.5 * design["l2"] * float(theta[:-1] @ theta[:-1])
        assert loss[i, j] == pytest.approx(expected, rel=1e-9)


def surface_file(tmp_path, capsys, doc: dict, *options: str) -> dict:
    path = tmp_path / "scene.json"
    path.write_text(json.dumps(doc))
    assert main(["surface", str(path), "--resolution", "6", *options, "-o", str(tmp_path / "s.npz")]) == 0
    assert capsys.readouterr().err == ""
    with np.load(tmp_path / "s.npz") as data:
        return {key: data[key] for key in ("x", "y", "loss")}


def test_the_population_and_sample_surfaces_go_through_phi(tmp_path, capsys):
    """--of population: L(θ|P) over the fixed Monte-Carlo sample of P put through the scene's φ (standardised on the
    training rows); --of sample:I: sample I of the scene's data, a test sample too; neither with the penalty."""
    from lossviz.core.population import population_sample

    doc = {**sine_doc(degree=3, l2=0.3), "surface": {"x": "W[0,2]", "y": "b[0]", "x_range": [-1, 1], "y_range": [-1, 1],
                                                    "center": {"W": [[0.5, -0.2, 0.1]], "b": [0.0]}}}
    design = reference_design(doc)
    X = np.array(doc["data"]["x"])
    train, test = reference_split(15, 0.3, 2)
    raw = raw_features(X[train], 3)
    mean, std = raw.mean(axis=0), raw.std(axis=0)
    drawn = population_sample(read_scene_from(doc).distribution)
    Phi_p = (raw_features(drawn.X, 3) - mean) / std
    population = surface_file(tmp_path, capsys, doc, "--of", "population")
    sample = surface_file(tmp_path, capsys, doc, "--of", f"sample:{test[0]}")
    phi_test, y_test = design["test"][0][0], design["test"][1][0]
    for i, j in [(0, 0), (3, 5), (5, 2)]:
        theta = np.array([0.5, -0.2, population["x"][j], population["y"][i]])
        assert population["loss"][i, j] == pytest.approx(data_loss("regression", theta, Phi_p, drawn.y), rel=1e-9)
        assert sample["loss"][i, j] == pytest.approx(0.5 * (phi_test @ theta[:-1] + theta[-1] - y_test) ** 2, rel=1e-9)


def test_sweep_refuses_a_degree_that_overflows_phi_on_the_inputs(tmp_path, capsys):
    """Inputs up to 1e20: degrees up to 7 keep |x|^d within 1e150 and are swept; degree 8 is refused by name (exit 2,
    nothing written), as a scene file asking for it is."""
    doc = {"lossviz": 1, "task": "regression", "data": {"x": [[0.0], [1.0], [2.0], [1e20]], "y": [0.0, 1.0, 2.0, 3.0]},
           "steps": 3}
    path = tmp_path / "far.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["sweep", str(path), "--degree", "1:7"]) == 0
    assert len(json.loads(capsys.readouterr().out)["points"]) == 7
    assert main(["sweep", str(path), "--degree", "7:8", "-o", str(tmp_path / "out.csv")]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"lossviz: error: {path}: data.x[3]: 1e+20 overflows φ of degree 8") and error.count("\n") == 1
    assert not (tmp_path / "out.csv").exists()

"""Data-generating distributions P(X, Y): a dataset D is a sample from one.

A scene may name the distribution its data came from (key ``"distribution"``):

    {"name": "line", "n": 30, "seed": 0, "params": {"slope": 0.8, "intercept": 0.3, "noise": 0.5,
                                                    "x_range": [-3, 3]}}

Families (parameters and their defaults in ``FAMILIES``):

- ``line`` (regression, 1-D): x ∼ U(x_range), y = slope·x + intercept + ε, ε ∼ N(0, noise²).
- ``sine`` (regression, 1-D): x ∼ U(x_range), y = amplitude·sin(2π·frequency·x) + ε.
- ``blobs`` (binary with 2 classes, multiclass with more; 1-D or 2-D): equal class priors,
  x | y=c ∼ N(means[c], std²·I).
- ``xor`` (binary, 2-D): x ∼ U([−r, r]²), y = [x₁·x₂ > 0], each label flipped with probability ``flip``.

The sample of size n with seed s is drawn with ``numpy.random.default_rng(s)``: reproducible.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from lossviz.core.dataset import Dataset, make_dataset
from lossviz.core.errors import LossvizError
from lossviz.core.limits import MAX_CLASSES, MAX_DIMS, SEED_BOUND, VALUE_BOUND
from lossviz.core.model import ModelShape
from lossviz.core.validate import as_object, check_keys, integer, number, show_value

MAX_SAMPLE = 1_000_000
NOISE_REACH = 40.0  # standard deviations a normal draw never reaches (P < 1e-300)
MIN_FREQUENCY = 1e-12  # a smaller positive sine frequency is refused: its moments would divide by ω² ≈ 0
FAMILIES: dict[str, dict[str, Any]] = {
    "line": {"slope": 1.0, "intercept": 0.0, "noise": 0.5, "x_range": [-3.0, 3.0]},
    "sine": {"amplitude": 1.0, "frequency": 0.25, "noise": 0.2, "x_range": [-3.0, 3.0]},
    "blobs": {"means": [[-1.2, -1.2], [1.2, 1.2]], "std": 0.8},
    "xor": {"r": 1.5, "flip": 0.1},
}


@dataclass(frozen=True, eq=False)
class Distribution:
    """P(X, Y): a family ``name`` with its parameters (validated, defaults filled), N and the seed."""

    name: str
    params: dict = field(default_factory=dict)
    n: int = 30
    seed: int = 0

    @property
    def task(self) -> str:
        """regression, binary or multiclass."""
        if self.name in ("line", "sine"):
            return "regression"
        if self.name == "blobs" and len(self.params["means"]) > 2:
            return "multiclass"
        return "binary"

    @property
    def dims(self) -> int:
        """The number of inputs."""
        return len(self.params["means"][0]) if self.name == "blobs" else (2 if self.name == "xor" else 1)

    @property
    def classes(self) -> int:
        """The number of classes (1 for regression)."""
        return len(self.params["means"]) if self.name == "blobs" else (1 if self.task == "regression" else 2)

    def draw(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n draws (x, y) from P: X (n, d), y (n,)."""
        p = self.params
        if self.name in ("line", "sine"):
            low, high = p["x_range"]
            x = rng.uniform(low, high, n)
            return x[:, None], self.regression_mean(x[:, None]) + p["noise"] * rng.normal(size=n)
        if self.name == "blobs":
            means = np.asarray(p["means"], dtype=np.float64)
            y = rng.integers(0, len(means), n)
            return means[y] + p["std"] * rng.normal(size=(n, means.shape[1])), y
        X = rng.uniform(-p["r"], p["r"], (n, 2))
        y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
        flipped = rng.random(n) < p["flip"]
        return X, np.where(flipped, 1 - y, y)

    def sample(self, n: int | None = None, seed: int | None = None) -> Dataset:
        """A dataset D ∼ P of size ``n`` (default N) from ``seed`` (default the distribution's)."""
        rng = np.random.default_rng(self.seed if seed is None else seed)
        X, y = self.draw(self.n if n is None else n, rng)
        return make_dataset(X, y, self.task, self.dims, self.classes if self.task == "multiclass" else None)

    def regression_mean(self, X: np.ndarray) -> np.ndarray:
        """E[y | x] for regression families, (n,) from X (n, 1)."""
        p, x = self.params, X[:, 0]
        if self.name == "line":
            return p["slope"] * x + p["intercept"]
        return p["amplitude"] * np.sin(2 * np.pi * p["frequency"] * x)

    def class_probabilities(self, X: np.ndarray) -> np.ndarray:
        """P(y = c | x) for classification families, (n, C): the Bayes posterior."""
        p = self.params
        if self.name == "xor":
            agree = X[:, 0] * X[:, 1] > 0
            one = np.where(agree, 1.0 - p["flip"], p["flip"])
            return np.column_stack([1.0 - one, one])
        means = np.asarray(p["means"], dtype=np.float64)
        distances = ((X[:, None, :] - means[None]) ** 2).sum(axis=2)
        distances -= distances.min(axis=1, keepdims=True)  # the nearest mean at 0: its weight is 1
        spread = 2 * p["std"] ** 2
        if spread > 0:
            with np.errstate(over="ignore"):  # far means: −inf, a weight of 0
                weights = np.exp(-(distances / spread))
        else:  # std = 0 (or its square below the smallest float): all of P(y | x) on the nearest means
            weights = (distances == 0).astype(np.float64)
        return weights / weights.sum(axis=1, keepdims=True)

    def to_dict(self) -> dict:
        """The scene key's value."""
        return {"name": self.name, "n": self.n, "seed": self.seed, "params": self.params}


def check_compatible(distribution: Distribution, shape: ModelShape, where: str = "distribution") -> None:
    """Refuse a distribution whose task, inputs or classes differ from the scene's model (blobs give a multiclass scene
    of C classes with C means, 2 included: softmax over two classes)."""
    blobs_for_classes = distribution.name == "blobs" and shape.task == "multiclass"
    if distribution.task != shape.task and not blobs_for_classes:
        raise LossvizError(f"{where}: {distribution.name} gives {distribution.task} data; this scene is {shape.task}")
    if distribution.dims != shape.dims:
        raise LossvizError(f"{where}: {distribution.name} has {distribution.dims} input(s); the scene has {shape.dims}")
    if shape.task == "multiclass" and distribution.classes != shape.classes:
        raise LossvizError(f"{where}: {distribution.classes} classes in P, {shape.classes} in the scene")


def parse_distribution(value: Any, where: str = "distribution") -> Distribution:
    """A Distribution from a scene's ``"distribution"`` value; LossvizError naming the key otherwise."""
    obj = as_object(value, where)
    check_keys(obj, ("name", "n", "seed", "params"), where)
    name = obj.get("name")
    if not isinstance(name, str) or name not in FAMILIES:
        raise LossvizError(f"{where}.name: unknown distribution {show_value(name)} (choose {', '.join(FAMILIES)})")
    n = integer(obj.get("n", 30), f"{where}.n", 1, MAX_SAMPLE)
    seed = integer(obj.get("seed", 0), f"{where}.seed", 0, SEED_BOUND)
    given = as_object(obj.get("params", {}), f"{where}.params")
    check_keys(given, FAMILIES[name], f"{where}.params")
    params = {key: _parameter(name, key, given.get(key, default), f"{where}.params.{key}")
              for key, default in FAMILIES[name].items()}
    if name == "blobs":
        params["means"] = _means(params["means"], f"{where}.params.means")
    check_bounds(name, params, f"{where}.params")
    return Distribution(name, params, n, seed)


def check_bounds(name: str, params: dict[str, Any], where: str = "distribution.params") -> None:
    """Refuse parameters whose draws could overflow float64: every x and y P draws stays within VALUE_BOUND, so that
    their squares (L2, the moments E[x²], E[xy], E[y²]) and sums of a few squares are finite. A normal draw never
    exceeds NOISE_REACH standard deviations (the chance is below 1e-300), so ``noise`` and ``std`` count that many
    times. The error names the parameter that contributes most."""
    p = params
    if name in ("line", "sine"):
        reach = max(abs(p["x_range"][0]), abs(p["x_range"][1]))
        _within("max|x|", where, x_range=(reach, p["x_range"]))
        if name == "line":
            _within("|slope|·max|x| + |intercept| + 40·noise", where, slope=(abs(p["slope"]) * reach, p["slope"]),
                    intercept=(abs(p["intercept"]), p["intercept"]), noise=(NOISE_REACH * p["noise"], p["noise"]))
        else:
            _within("|amplitude| + 40·noise", where, amplitude=(abs(p["amplitude"]), p["amplitude"]),
                    noise=(NOISE_REACH * p["noise"], p["noise"]))
            _within("frequency·max|x|", where, frequency=(p["frequency"] * reach, p["frequency"]))
            if 0 < p["frequency"] < MIN_FREQUENCY:
                raise LossvizError(f"{where}.frequency: must be 0 or at least {MIN_FREQUENCY:g}, "
                                   f"got {p['frequency']:g}")
    elif name == "blobs":
        for i, mean in enumerate(p["means"]):
            for j, value in enumerate(mean):
                _within("|mean| + 40·std", where, **{f"means[{i}][{j}]": (abs(value), value)},
                        std=(NOISE_REACH * p["std"], p["std"]))
    elif name == "xor":
        _within("r", where, r=(p["r"], p["r"]))


def input_reach(distribution: Distribution) -> tuple[float, str]:
    """The largest |x| P can draw (a normal draw never beyond NOISE_REACH standard deviations), and the parameter
    that contributes most to it."""
    p = distribution.params
    if distribution.name in ("line", "sine"):
        return max(abs(p["x_range"][0]), abs(p["x_range"][1])), "x_range"
    if distribution.name == "xor":
        return p["r"], "r"
    largest_mean = max(abs(v) for mean in p["means"] for v in mean)
    spread = NOISE_REACH * p["std"]
    return largest_mean + spread, ("std" if spread >= largest_mean else "means")


def check_feature_reach(distribution: Distribution, degree: int | None, where: str = "distribution.params") -> None:
    """Refuse a P whose draws would overflow φ of ``degree`` (|x|^degree beyond VALUE_BOUND, as for data), naming
    the parameter that reaches that far."""
    if degree is None:
        return
    reach, key = input_reach(distribution)
    if reach > 1 and degree * math.log10(reach) > math.log10(VALUE_BOUND):
        raise LossvizError(f"{where}.{key}: P draws |x| up to {reach:g}, which overflows φ of degree {degree} "
                           f"(|x|^{degree} must stay at most {VALUE_BOUND:g}); choose a smaller degree or spread")


def _within(what: str, where: str, **terms: tuple[float, Any]) -> None:
    """Refuse when the terms (each: what it adds to |x| or |y|, the parameter's value) add up beyond VALUE_BOUND,
    naming the largest term's parameter and its value."""
    if sum(added for added, _ in terms.values()) <= VALUE_BOUND:
        return
    key = max(terms, key=lambda name: terms[name][0])
    value = terms[key][1]
    shown = f"[{value[0]:g}, {value[1]:g}]" if isinstance(value, list) else f"{value:g}"
    raise LossvizError(f"{where}.{key}: {what} must be at most {VALUE_BOUND:g} (larger values overflow float64 "
                       f"when squared), got {shown}")


def _parameter(family: str, key: str, value: Any, where: str) -> Any:
    """One parameter, checked: ranges [lo, hi] with lo < hi, non-negative scales, probabilities."""
    if key == "x_range":
        if not isinstance(value, list) or len(value) != 2:
            raise LossvizError(f"{where}: expected [lo, hi], got {show_value(value)}")
        lo, hi = number(value[0], f"{where}[0]"), number(value[1], f"{where}[1]")
        if not lo < hi:
            raise LossvizError(f"{where}: lo must be below hi, got [{lo:g}, {hi:g}]")
        return [lo, hi]
    if key == "means":
        return value
    result = number(value, where)
    if key in ("noise", "std", "r", "frequency") and result < 0:
        raise LossvizError(f"{where}: must be >= 0, got {result:g}")
    if key in ("std", "r") and result == 0:
        raise LossvizError(f"{where}: must be > 0, got 0")
    if key == "flip" and not 0.0 <= result <= 0.5:
        raise LossvizError(f"{where}: a probability between 0 and 0.5, got {result:g}")
    return result


def _means(value: Any, where: str) -> list[list[float]]:
    if not isinstance(value, list):
        raise LossvizError(f"{where}: expected a list of 2 to {MAX_CLASSES} class means, got {show_value(value)}")
    if not 2 <= len(value) <= MAX_CLASSES:
        raise LossvizError(f"{where}: expected 2 to {MAX_CLASSES} class means, got {len(value)}")
    rows = []
    for i, mean in enumerate(value):
        if not isinstance(mean, list) or not 1 <= len(mean) <= MAX_DIMS:
            raise LossvizError(f"{where}[{i}]: expected a mean of 1 to {MAX_DIMS} inputs [x1, x2, …], got "
                               f"{show_value(mean)}")
        rows.append([number(v, f"{where}[{i}][{j}]") for j, v in enumerate(mean)])
    if len({len(row) for row in rows}) != 1:
        raise LossvizError(f"{where}: every mean needs the same number of inputs")
    return rows


def uniform_moments(low: float, high: float) -> tuple[float, float]:
    """E[x] and E[x²] for x ∼ U(low, high)."""
    return 0.5 * (low + high), (low * low + low * high + high * high) / 3.0


def sine_moments(low: float, high: float, omega: float) -> tuple[float, float, float]:
    """E[sin ωx], E[x sin ωx] and E[sin² ωx] for x ∼ U(low, high) (ω = 0: all 0)."""
    if omega == 0:
        return 0.0, 0.0, 0.0
    width = high - low
    e_sin = (math.cos(omega * low) - math.cos(omega * high)) / (omega * width)

    def x_sin(x: float) -> float:  # an antiderivative of x·sin(ωx)
        return math.sin(omega * x) / omega ** 2 - x * math.cos(omega * x) / omega

    e_x_sin = (x_sin(high) - x_sin(low)) / width
    e_sin2 = 0.5 - (math.sin(2 * omega * high) - math.sin(2 * omega * low)) / (4 * omega * width)
    return e_sin, e_x_sin, e_sin2


def regression_moments(distribution: Distribution) -> tuple[np.ndarray, np.ndarray, float]:
    """S = E[xa xaᵀ], c = E[xa y] and E[y²] of a ``line`` or ``sine`` (xa = [x, 1]): L2's exact population."""
    p = distribution.params
    low, high = p["x_range"]
    ex, ex2 = uniform_moments(low, high)
    if distribution.name == "line":
        slope, intercept = p["slope"], p["intercept"]
        exf, ef = slope * ex2 + intercept * ex, slope * ex + intercept
        ef2 = slope ** 2 * ex2 + 2 * slope * intercept * ex + intercept ** 2
    else:
        amplitude = p["amplitude"]
        e_sin, e_x_sin, e_sin2 = sine_moments(low, high, 2 * math.pi * p["frequency"])
        exf, ef, ef2 = amplitude * e_x_sin, amplitude * e_sin, amplitude ** 2 * e_sin2
    S = np.array([[ex2, ex], [ex, 1.0]])
    return S, np.array([exf, ef]), ef2 + p["noise"] ** 2


def families_for(task: str, dims: int) -> list[str]:
    """The families that give data of ``task`` with ``dims`` inputs."""
    if task == "regression":
        return ["line", "sine"] if dims == 1 else []
    return ["blobs", "xor"] if task == "binary" and dims == 2 else ["blobs"]


def default_distribution(name: str, task: str, dims: int, classes: int, n: int = 30, seed: int = 0) -> Distribution:
    """Family ``name`` with its default parameters, fitted to a scene's task, inputs and classes (blobs: one mean
    per class, on a line in 1-D, on a circle of radius 1.8 in 2-D, along the axes beyond; two classes at (−1.2, −1.2, …)
    and (1.2, 1.2, …))."""
    params = dict(FAMILIES[name])
    if name == "blobs":
        count = classes if task == "multiclass" else 2
        if dims == 1:
            params["means"] = [[float(v)] for v in np.linspace(-1.2 * (count - 1), 1.2 * (count - 1), count)]
        elif dims > 2:  # 2 classes at ±1.2 in every input; more along the axes, 1.8 out (one class an axis)
            params["means"] = [[sign * 1.2] * dims for sign in (-1, 1)] if count == 2 else \
                [[1.8 * float(j == c % dims) * (1 if c < dims else -1) for j in range(dims)] for c in range(count)]
        elif count > 2:
            angles = 2 * np.pi * np.arange(count) / count + np.pi / 2
            params["means"] = [[round(1.8 * math.cos(a), 6), round(1.8 * math.sin(a), 6)] for a in angles]
    return parse_distribution({"name": name, "n": n, "seed": seed, "params": params})


PROVENANCE_ATOL = 5e-4  # how far a stored value may be from the draw it is (rounded to 3 decimals)
_drawn: dict[str, Dataset] = {}  # the last samples provenance() drew, by their distribution


def _sample_of(distribution: Distribution) -> Dataset:
    """``distribution.sample()``, kept for the next question about the same P (a few are kept)."""
    key = json.dumps(distribution.to_dict(), sort_keys=True)
    if key not in _drawn:
        if len(_drawn) >= 4:
            _drawn.pop(next(iter(_drawn)))
        _drawn[key] = distribution.sample()
    return _drawn[key]


def _draws_matching(drawn: Dataset, data: Dataset) -> int:
    """How many of ``data``'s first samples are ``drawn``'s, row by row (a value rounded to 3 decimals still is)."""
    shared = min(drawn.size, data.size)
    same = (np.all(np.isclose(data.X[:shared], drawn.X[:shared], rtol=1e-6, atol=PROVENANCE_ATOL), axis=1)
            & np.isclose(data.y[:shared], drawn.y[:shared], rtol=1e-6, atol=PROVENANCE_ATOL))
    return int(np.count_nonzero(same))


def provenance(distribution: Distribution | None, data: Dataset) -> str:
    """Where D came from, in words that stay true: N draws from P, those plus points by hand, draws of P with
    another N (N changed since), not drawn from this P (its family or parameters changed since, or it was chosen for
    data of another origin), or partly hand-made."""
    if distribution is None:
        return ""
    drawn, seed = _sample_of(distribution), distribution.seed
    matching = _draws_matching(drawn, data)
    if matching == drawn.size == data.size:
        return f"D: N = {drawn.size} draws from P (seed {seed})."
    if matching == drawn.size:
        extra = data.size - drawn.size
        return f"D: {drawn.size} draws from P (seed {seed}) + {extra} point{'s' if extra > 1 else ''} by hand."
    if 0 < data.size <= MAX_SAMPLE and data.size != distribution.n:
        if _draws_matching(_sample_of(replace(distribution, n=data.size)), data) == data.size:
            return f"D: {data.size} draws from P (seed {seed}); N is now {distribution.n} — press New sample."
    if matching == 0:
        return "D was not drawn from this P — press New sample to draw N from it. L(θ|P) refers to P."
    return (f"D is partly hand-made: {matching} of its {data.size} samples are draws from P (seed {seed}). "
            "L(θ|P) still refers to P.")

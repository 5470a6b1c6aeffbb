"""Richer inputs for the same linear model, and held-out data: f_θ(x) = W φ(x) + b, a train/test split, λ.

- **Split** (``Split``): with N samples the test set is the first round(test_fraction·N) indices of
  ``numpy.random.default_rng(seed).permutation(N)`` — but at most N − 2, so that at least 2 samples train (a
  scene with too few samples for its fraction holds fewer out; it is never refused for it); the training set is
  the rest, in their original order.
- **Features** (``FeatureMap``): φ(x) = the columns of scikit-learn's ``PolynomialFeatures(degree,
  include_bias=False)`` — the monomials of total degree 1 … degree, each degree's in the order of
  ``itertools.combinations_with_replacement`` over the inputs (1-D: x, x², …; 2-D: x₁, x₂, x₁², x₁x₂, x₂², …)
  — standardised with the training rows' mean and standard deviation (ddof = 0; a column whose deviation
  is 0 is only centred). Without a ``features`` key φ(x) = x, untouched.
- **L2 regularisation** lives in ``Objective`` (``l2``): L(θ|D_train) + (λ/2)·‖W‖²_F, b not penalised.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from lossviz.core.errors import LossvizError
from lossviz.core.limits import SEED_BOUND, VALUE_BOUND, available_memory
from lossviz.core.validate import as_object, check_keys, integer, number

MAX_DEGREE = 12
MAX_TEST_FRACTION = 0.9
MIN_TRAINING = 2  # samples a split always leaves to train on (when there are that many)
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class Split:
    """The scene's ``"split"``: a fraction of the samples held out as the test set, chosen by ``seed``."""

    test_fraction: float = 0.3
    seed: int = 0

    def test_count(self, n: int) -> int:
        """How many of ``n`` samples are held out: round(test_fraction·n), but never so many that fewer than
        MIN_TRAINING samples are left to train on (a split degrades with the data instead of refusing them)."""
        return max(0, min(round(self.test_fraction * n), n - MIN_TRAINING))

    def capped(self, n: int) -> bool:
        """True when ``n`` samples are too few for the fraction: fewer are held out than it asks."""
        return self.test_count(n) < round(self.test_fraction * n)

    def indices(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(training rows in their original order, test rows in the permutation's order) of N = ``n`` samples."""
        test = np.random.default_rng(self.seed).permutation(n)[:self.test_count(n)]
        train = np.setdiff1d(np.arange(n), test, assume_unique=True)
        return train, test

    def to_dict(self) -> dict:
        """The scene key's value."""
        return {"test_fraction": self.test_fraction, "seed": self.seed}


def split_rows(split: Split | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and test rows of ``n`` samples (no split: every row trains, none tests)."""
    if split is None:
        return np.arange(n), np.empty(0, dtype=np.int64)
    return split.indices(n)


def monomials(dims: int, degree: int) -> list[tuple[int, ...]]:
    """The inputs multiplied in each polynomial feature, in PolynomialFeatures' order: (0,), (1,), (0, 0), …"""
    return [combo for k in range(1, degree + 1) for combo in itertools.combinations_with_replacement(range(dims), k)]


def polynomial(X: np.ndarray, degree: int) -> np.ndarray:
    """PolynomialFeatures(degree, include_bias=False) of X (N, d): (N, p)."""
    combos = monomials(X.shape[1], degree)
    out = np.empty((len(X), len(combos)), dtype=np.result_type(X.dtype, np.float64))
    column_of: dict[tuple[int, ...], int] = {}
    for j, combo in enumerate(combos):  # each monomial is a shorter one (already made) times one input
        if len(combo) == 1:
            out[:, j] = X[:, combo[0]]
        else:
            np.multiply(out[:, column_of[combo[:-1]]], X[:, combo[-1]], out=out[:, j])
        column_of[combo] = j
    return out


def feature_names(dims: int, degree: int | None) -> list[str]:
    """Readable names of the features: x, x², … (1-D) or x₁, x₂, x₁², x₁x₂, … (2-D); φ(x) = x without a degree."""
    def name(combo: tuple[int, ...]) -> str:
        if dims == 1:
            return "x" + (str(len(combo)).translate(SUPERSCRIPTS) if len(combo) > 1 else "")
        parts = []
        for i in sorted(set(combo)):
            power = combo.count(i)
            parts.append(f"x{str(i + 1).translate(SUBSCRIPTS)}" + (str(power).translate(SUPERSCRIPTS) if power > 1 else ""))
        return "".join(parts)
    return [name(combo) for combo in monomials(dims, degree or 1)]


@dataclass(frozen=True, eq=False)
class FeatureMap:
    """φ: raw inputs (N, dims) → features (N, count). ``degree`` None: the identity (φ(x) = x)."""

    dims: int
    degree: int | None = None
    mean: np.ndarray | None = None
    std: np.ndarray | None = None

    @classmethod
    def from_monomials(cls, dims: int, degree: int, raw: np.ndarray) -> FeatureMap:
        """φ for ``degree``, standardised on ``raw``: the training rows' monomials, already computed."""
        if len(raw):
            return cls(dims, degree, *standardizer(raw))
        return cls(dims, degree, np.zeros(raw.shape[1]), np.ones(raw.shape[1]))

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """φ(X): (N, count)."""
        if self.degree is None:
            return X
        assert self.mean is not None and self.std is not None
        return (polynomial(X, self.degree) - self.mean) / self.std

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The monomials m(X) before standardisation (X itself without a degree): ``fold`` takes θ to them."""
        return X if self.degree is None else polynomial(X, self.degree)

    def fold(self, theta: np.ndarray) -> np.ndarray:
        """θ' with logits(θ', m(x)) = Wφ(x) + b: the standardisation folded into W and b, W' = W/σ and
        b' = b − (W/σ)·μ (θ itself without a degree). Many points' logits for one θ then cost one product."""
        if self.degree is None:
            return theta
        assert self.mean is not None and self.std is not None
        weights = theta[:, :-1] / self.std
        return np.column_stack([weights, theta[:, -1] - weights @ self.mean])


@dataclass(frozen=True, eq=False)
class Design:
    """How a scene's data meet its model: training rows, test rows, and φ fitted on the training rows."""

    train: np.ndarray
    test: np.ndarray
    features: FeatureMap
    phi: np.ndarray  # φ of every sample, (N, features): the objectives take their rows


def standardizer(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, std) of each column of X (ddof 0), a std of 0 taken as 1 (such a column is only centred)."""
    std = X.std(axis=0)
    return X.mean(axis=0), np.where(std > 0, std, 1.0)


def feature_count(dims: int, degree: int | None) -> int:
    """The number of features of ``degree`` over ``dims`` inputs (``dims`` without a degree)."""
    return dims if degree is None else len(monomials(dims, degree))


# ---------------------------------------------------------------- the scene keys

def parse_split(value: object) -> Split:
    """The ``"split"`` key: {"test_fraction": f in [0, 0.9], "seed": s}."""
    obj = as_object(value, "split")
    check_keys(obj, ("test_fraction", "seed"), "split")
    fraction = number(obj.get("test_fraction", 0.3), "split.test_fraction")
    if not 0 <= fraction <= MAX_TEST_FRACTION:
        raise LossvizError(f"split.test_fraction: must be between 0 and {MAX_TEST_FRACTION}, got {fraction:g}")
    return Split(float(fraction), integer(obj.get("seed", 0), "split.seed", 0, SEED_BOUND))


def parse_degree(value: object) -> int:
    """The ``"features"`` key: {"degree": 1 … 12}."""
    obj = as_object(value, "features")
    check_keys(obj, ("degree",), "features")
    degree = integer(obj.get("degree", 1), "features.degree")
    if not 1 <= degree <= MAX_DEGREE:
        raise LossvizError(f"features.degree: must be 1 … {MAX_DEGREE}, got {degree}")
    return degree


def parse_l2(value: object) -> float:
    """The ``"regularization"`` key: {"l2": λ ≥ 0}."""
    obj = as_object(value, "regularization")
    check_keys(obj, ("l2",), "regularization")
    lam = number(obj.get("l2", 0.0), "regularization.l2")
    if not 0 <= lam <= VALUE_BOUND:
        raise LossvizError(f"regularization.l2: must be between 0 and {VALUE_BOUND:g}, got {lam:g}")
    return float(lam)


def check_feature_range(X: np.ndarray, degree: int | None, where: str = "data.x") -> None:
    """Refuse inputs whose polynomial features of ``degree`` would overflow: every monomial (at most max|x|^degree)
    must stay within VALUE_BOUND, so that its square (the standardisation) is finite. Names the sample to blame."""
    if degree is None or not X.size:
        return
    largest = np.abs(X).max(axis=1)
    row = int(np.argmax(largest))
    peak = float(largest[row])
    if peak > 1 and degree * np.log10(peak) > np.log10(VALUE_BOUND):
        raise LossvizError(f"{where}[{row}]: {peak:g} overflows φ of degree {degree} (|x|^{degree} must stay at most "
                           f"{VALUE_BOUND:g}); choose a smaller degree, or scale the inputs")


def largest_degree(X: np.ndarray) -> int:
    """The highest degree of φ (at most MAX_DEGREE) whose monomials of the inputs ``X`` stay within VALUE_BOUND (the
    degrees ``check_feature_range`` accepts); at least 1."""
    peak = float(np.abs(X).max()) if X.size else 0.0
    if peak <= 1:
        return MAX_DEGREE
    return max(1, min(MAX_DEGREE, int(np.log10(VALUE_BOUND) // np.log10(peak))))


FEATURE_COPIES = 12  # float64 arrays of N × (p + 1) the window holds for φ (raw, standardised, its objectives, work)


def check_feature_memory(n: int, dims: int, degree: int | None) -> None:
    """Refuse features that would not fit in memory: φ of ``degree`` on ``n`` samples of ``dims`` inputs, held
    FEATURE_COPIES times, against what the machine has available now (nothing is refused where that is unknown)."""
    if degree is None or not n:
        return
    columns = feature_count(dims, degree) + 1
    need, have = FEATURE_COPIES * 8 * n * columns, available_memory()
    if have is not None and need > have:
        raise LossvizError(f"features.degree: φ of degree {degree} on {n:,} samples ({columns - 1} features) needs "
                           f"about {need / 1e9:.1f} GB of memory, more than the {have / 1e9:.1f} GB available; "
                           "choose a smaller degree or fewer samples")


def split_note(split: Split | None, n: int) -> str:
    """What a split does to ``n`` samples when it cannot hold out its fraction ('' when it can)."""
    if split is None or not split.capped(n):
        return ""
    held = split.test_count(n)
    return (f"Test fraction {split.test_fraction:g} of {n} points: {held} held out, so that "
            f"{min(n, MIN_TRAINING)} or more train")

"""Synthetic datasets for the lecture's cases; every generator is seeded and takes a noise amount."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lossviz.core.dataset import Dataset, make_dataset


def linear_1d(n: int = 30, noise: float = 0.5, seed: int = 0, slope: float = 1.5,
              intercept: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """y = slope·x + intercept + noise, x in [-2, 2]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, n)
    return x[:, None], slope * x + intercept + noise * rng.normal(size=n)


def linear_outliers(n: int = 30, noise: float = 0.3, seed: int = 0, outliers: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """A clean line plus a few points far below it: L2 bends towards them, L1 and Huber do not."""
    X, y = linear_1d(n, noise, seed, slope=1.0, intercept=0.0)
    rng = np.random.default_rng(seed + 1)
    idx = rng.choice(n, outliers, replace=False)
    X[idx, 0] = rng.uniform(1.0, 2.0, outliers)
    y[idx] = -3.0 - rng.uniform(0, 1, outliers)
    return X, y


def binary_1d(n: int = 40, noise: float = 0.6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping 1-D groups around -1 (label 0) and +1 (label 1)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = np.where(y == 1, 1.0, -1.0) + (0.3 + noise) * rng.normal(size=n)
    return x[:, None], y


def blobs(n: int = 60, noise: float = 0.6, seed: int = 0, classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` Gaussian blobs on a circle of radius 1.8 (2-D)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    # two classes: label 0 lower left, label 1 upper right, so that the best W points up and right
    angle = 2 * np.pi * y / classes + (5 * np.pi / 4 if classes == 2 else np.pi / 2)
    centers = 1.6 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return centers + (0.2 + noise) * rng.normal(size=(n, 2)), y


def xor(n: int = 60, noise: float = 0.3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Four clusters at (±1, ±1), label 1 where the signs differ: no line separates them."""
    rng = np.random.default_rng(seed)
    corner = rng.integers(0, 4, n)
    signs = np.stack([np.where(corner & 1, 1.0, -1.0), np.where(corner & 2, 1.0, -1.0)], axis=1)
    y = (signs[:, 0] != signs[:, 1]).astype(np.int64)
    return signs + (0.1 + noise) * rng.normal(size=(n, 2)), y


# name -> (task, generator, its keyword defaults) for the app's "Generate data" menu
GENERATORS: dict[str, tuple[str, Callable[..., tuple[np.ndarray, np.ndarray]]]] = {
    "line": ("regression", linear_1d),
    "line with outliers": ("regression", linear_outliers),
    "1-D two groups": ("binary", binary_1d),
    "2-D blobs": ("binary", blobs),
    "3 blobs": ("multiclass", lambda n=90, noise=0.6, seed=0: blobs(n, noise, seed, classes=3)),
    "XOR": ("binary", xor),
}

GENERATOR_INPUTS = {"line": 1, "line with outliers": 1, "1-D two groups": 1, "2-D blobs": 2, "3 blobs": 2, "XOR": 2}


def generators_for(task: str, dims: int) -> tuple[list[str], list[str]]:
    """The generators that keep a scene's task and inputs, and those that would change them (the task follows
    the generator)."""
    fitting = [name for name, (kind, _) in GENERATORS.items() if (kind, GENERATOR_INPUTS[name]) == (task, dims)]
    return fitting, [name for name in GENERATORS if name not in fitting]


# the example each task (and input dimension) gets when its data must be replaced
EXAMPLES = {("regression", 1): "line", ("binary", 1): "1-D two groups", ("binary", 2): "2-D blobs",
            ("multiclass", 2): "3 blobs"}


def generate(name: str, noise: float, seed: int, classes: int = 3) -> Dataset:
    """The dataset of generator ``name`` (rounded to 3 decimals, as if typed); a multiclass generator
    makes ``classes`` blobs of 30 points each."""
    task, generator = GENERATORS[name]
    if task == "multiclass":
        X, y = blobs(30 * classes, noise, seed, classes=classes)
    else:
        X, y = generator(noise=noise, seed=seed)
    y = np.round(y, 3) if task == "regression" else y
    return make_dataset(np.round(X, 3), y, task, X.shape[1], classes if task == "multiclass" else None)

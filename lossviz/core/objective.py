"""The training objective L(θ|D) = mean_i l(θ|x_i, y_i) for one dataset, model and loss."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from lossviz.core.dataset import Dataset
from lossviz.core.losses import Loss
from lossviz.core.model import ModelShape, augment, class_first_view, predict
from lossviz.core.quadratic import QuadraticStatistics

VALUES_CHUNK = 1 << 20  # logits held at once by data_values (float64 elements: 8 MiB)
PASS_LOGITS = 1 << 16  # logits per piece of a pass for L and ∇L over many samples (512 KiB: they stay in the cache)


class DataArrays:
    """Xa = [X | 1] and the loss's target of one dataset, made on first use — by whichever thread first needs them
    (a worker, mostly: a window that edits 1,000,000 samples does not build them on its own thread with each move) —
    and shared by the objectives that differ only in λ."""

    def __init__(self, data: Dataset, loss: Loss, outputs: int):
        self.data, self.loss, self.outputs = data, loss, outputs
        self._Xa: np.ndarray | None = None
        self._target: np.ndarray | None = None

    @property
    def Xa(self) -> np.ndarray:
        """[X | 1], (N, d+1)."""
        if self._Xa is None:
            self._Xa = augment(self.data.X)
        return self._Xa

    @property
    def target(self) -> np.ndarray:
        """The loss's target, (N, k)."""
        if self._target is None:
            self._target = self.loss.encode(self.data.y, self.outputs)
        return self._target

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """Xa[rows]: from Xa where it is made, else from those rows of X alone (the same numbers)."""
        return self._Xa[rows] if self._Xa is not None else augment(self.data.X[rows])

    def target_rows(self, rows: np.ndarray) -> np.ndarray:
        """target[rows], likewise."""
        return self._target[rows] if self._target is not None else self.loss.encode(self.data.y[rows], self.outputs)


class Objective:
    """L(θ|D) + (λ/2)‖W‖²_F and its gradient for θ as a (k, d+1) array (λ = ``l2``, 0 by default; b is not
    penalised); Xa = [X | 1] and the target are made on first use (``DataArrays``). ``data`` holds the model's
    inputs (the features φ(x))."""

    def __init__(self, shape: ModelShape, loss: Loss, data: Dataset, l2: float = 0.0):
        self.shape = shape
        self.loss = loss
        self.data = data
        self.l2 = l2
        self._arrays = DataArrays(data, loss, shape.outputs)
        self._quadratic_statistics: QuadraticStatistics | None = None  # made once, for L2 surfaces
        self._last_value: tuple[tuple, float, np.ndarray] | None = None  # (θ's bytes, shape, dtype), L, ∇L: one
        #                                                                  tuple, replaced whole, read by any thread

    def with_l2(self, l2: float) -> Objective:
        """The same data term with the penalty λ = ``l2``, sharing this objective's Xa and target (no pass over the
        data: at 1,000,000 samples a second Xa cost ~0.2 s of the window's time with every edit)."""
        if l2 == self.l2:
            return self
        assert type(self) is Objective, "a population's objective has statistics of its own"
        other = copy.copy(self)  # the same DataArrays
        other.l2, other._quadratic_statistics, other._last_value = l2, None, None
        return other

    @property
    def Xa(self) -> np.ndarray:
        """[X | 1], (N, d+1), made on first use."""
        return self._arrays.Xa

    @property
    def target(self) -> np.ndarray:
        """The loss's target for the labels, (N, k), made on first use."""
        return self._arrays.target

    @property
    def size(self) -> int:
        """The number of samples N."""
        return self.data.X.shape[0]

    def logits(self, theta: np.ndarray) -> np.ndarray:
        """The logits z = Wx + b of every sample for θ (k, d+1): (N, k)."""
        return self.Xa @ theta.T

    def value(self, theta: np.ndarray) -> float:
        """The objective at θ, bit for bit the value that training reports."""
        return self.value_and_grad(theta)[0]

    def data_value(self, theta: np.ndarray) -> float:
        """L(θ|D) alone, without the penalty (in pieces, as ``value_and_grad``)."""
        return _data_value_and_grad(self.loss, theta, self.Xa, self.target)[0]

    def data_values(self, thetas: np.ndarray) -> np.ndarray:
        """L(θ|D) without the penalty at each of ``thetas`` (M, k, d+1): (M,), in chunks of bounded memory; inf or nan,
        without warnings, where it overflows (data that descent never saw, e.g. a test point far out)."""
        values = np.empty(len(thetas))
        per_chunk = max(1, VALUES_CHUNK // max(1, self.size * self.shape.outputs))
        with np.errstate(all="ignore"):
            for start in range(0, len(thetas), per_chunk):
                chunk = thetas[start:start + per_chunk]
                logits = self.Xa @ chunk.transpose(0, 2, 1)
                values[start:start + len(chunk)] = self.loss.per_sample(logits, self.target).mean(axis=1)
        return values

    def penalty(self, theta: np.ndarray) -> float:
        """(λ/2)‖W‖²_F."""
        W = theta[:, :-1]
        return 0.5 * self.l2 * float(np.vdot(W, W)) if self.l2 else 0.0

    def per_sample(self, theta: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """l(θ|x_i, y_i) for every sample, (N,), or for the samples ``rows`` only."""
        if rows is None:
            return self.loss.per_sample(self.logits(theta), self.target)
        return self.loss.per_sample(self._arrays.rows(rows) @ theta.T, self._arrays.target_rows(rows))

    def value_and_grad(self, theta: np.ndarray, rows: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """The objective and its gradient (k, d+1) over all samples, or over the minibatch ``rows`` (with the
        whole penalty). Over all samples, the last θ's are kept: a window shown asks for them at the start θ two or
        three times (the start's check, the status bar, the worker's first step; ~0.1 s each at 1,000,000 samples)."""
        if rows is None:
            key, last = (theta.tobytes(), theta.shape, theta.dtype.str), self._last_value
            if last is not None and last[0] == key:
                return last[1], last[2].copy()
            value, grad = self._value_and_grad(theta, None)
            self._last_value = (key, value, grad.copy())
            return value, grad
        return self._value_and_grad(theta, rows)

    def _value_and_grad(self, theta: np.ndarray, rows: np.ndarray | None) -> tuple[float, np.ndarray]:
        Xa, target = (self.Xa, self.target) if rows is None else (self.Xa[rows], self.target[rows])
        value, grad = _data_value_and_grad(self.loss, theta, Xa, target)
        if self.l2:
            grad[:, :-1] += self.l2 * theta[:, :-1]
            value += self.penalty(theta)
        return value, grad

    def subsample(self, count: int, seed: int = 0) -> tuple[Objective, np.ndarray]:
        """The same objective over ``count`` samples drawn without replacement (``default_rng(seed).choice``, in their
        order), and those rows — for a quick estimate of a surface over many samples."""
        rows = np.sort(np.random.default_rng(seed).choice(self.size, size=min(count, self.size), replace=False))
        data = Dataset(self.data.X[rows], self.data.y[rows])
        return Objective(self.shape, self.loss, data, l2=self.l2), rows

    def sampling_error(self, theta: np.ndarray, total: int) -> float:
        """The standard error of this objective's data loss at θ as an estimate of the mean over ``total`` samples of
        which its own are a simple random sample: s/√m · √(1 − m/N), s the samples' standard deviation (ddof 1)."""
        values = self.per_sample(theta)
        m = len(values)
        if m < 2 or total <= m:
            return 0.0
        return float(np.std(values, ddof=1) / np.sqrt(m) * np.sqrt(1.0 - m / total))

    def quadratic_statistics(self) -> QuadraticStatistics:
        """L2's sufficient statistics of this objective (made on first use, then kept)."""
        if self._quadratic_statistics is None:
            self._quadratic_statistics = QuadraticStatistics.of(self.Xa, self.target[:, 0]).regularized(self.l2)
        return self._quadratic_statistics

    def outputs(self, theta: np.ndarray) -> np.ndarray:
        """The model's output ŷ for every sample, (N, k): Wx + b, σ(Wx + b) or softmax(Wx + b)."""
        return predict(self.shape, theta, self.data.X)

    def quality(self, theta: np.ndarray) -> tuple[str, float]:
        """A number a person reads at a glance: ("RMSE", √mean (ŷ − y)²) for regression, ("accuracy", the
        fraction of samples whose most probable class is their label, ties at 0.5 counted as class 1); over many
        samples PASS_LOGITS logits at a time (no array of them all: see ``_data_value_and_grad``)."""
        total = sum(self._quality_sum(theta, part) for part in _pieces(self.size, self.shape.outputs))
        mean = total / self.size if self.size else float("nan")  # no samples: nan, as np.mean of none
        return ("RMSE", float(np.sqrt(mean))) if self.shape.task == "regression" else ("accuracy", float(mean))

    def _quality_sum(self, theta: np.ndarray, part: slice) -> float:
        """``quality``'s sum over the samples ``part``: squared residuals, or correctly predicted samples."""
        y = self.data.y[part]
        if self.shape.task == "multiclass":
            return int(np.count_nonzero(first_largest_is(self.Xa[part] @ theta.T, y)))
        outputs = predict(self.shape, theta, self.data.X[part])[:, 0]
        if self.shape.task == "regression":
            return float(np.dot(outputs - y, outputs - y))
        return int(np.count_nonzero((outputs >= 0.5) == y))

    def predicted_classes(self, theta: np.ndarray) -> np.ndarray:
        """The class the model predicts for every sample, (N,): the first most probable one (multiclass), or 1 where
        σ(z) ≥ 0.5 (binary) — the prediction ``quality``'s accuracy counts."""
        if self.shape.task == "multiclass":
            return self.logits(theta).argmax(axis=1)
        return (self.outputs(theta)[:, 0] >= 0.5).astype(np.int64)

    def confusion(self, theta: np.ndarray) -> np.ndarray:
        """The confusion matrix at θ, (K, K) counts: row = true class, column = predicted class (K = 2 for binary)."""
        return confusion_matrix(self.data.y, self.predicted_classes(theta), max(2, self.shape.classes))

    def r_squared(self, theta: np.ndarray) -> float | None:
        """R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)² of a regression (None where undefined: no samples, or y constant)."""
        return r_squared(self.data.y, self.outputs(theta)[:, 0])


def r_squared(y: np.ndarray, y_hat: np.ndarray) -> float | None:
    """The coefficient of determination 1 − Σ(ŷ − y)² / Σ(y − ȳ)² (None without samples or when all y are equal)."""
    y, y_hat = np.asarray(y, dtype=np.float64), np.asarray(y_hat, dtype=np.float64)
    if not len(y):
        return None
    total = float(np.sum((y - y.mean()) ** 2))
    if not total > 0:
        return None
    with np.errstate(all="ignore"):
        return 1.0 - float(np.sum((y_hat - y) ** 2)) / total


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """Counts (classes, classes) of (true label, predicted class) pairs: row = true class, column = predicted."""
    pairs = np.asarray(labels, dtype=np.int64) * classes + np.asarray(predicted, dtype=np.int64)
    return np.bincount(pairs, minlength=classes * classes).reshape(classes, classes)


def first_largest_is(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Whether class y_i is the first largest of logits z_i (N, k), as z.argmax(axis=1) == y has it (the most
    probable class: softmax keeps the order), class by class (numpy reduces a short axis slowly)."""
    zk = class_first_view(np.asarray(z))
    zy = z[np.arange(len(y)), np.asarray(y, dtype=np.intp)]
    correct = np.ones(len(y), dtype=bool)
    for k in range(len(zk)):
        # every class before y below z_y, every class after it at most z_y (y itself passes)
        correct &= (zk[k] < zy) | ((zk[k] == zy) & (y <= k))
    return correct


@dataclass(frozen=True)
class Quality:
    """What the status bar reads at a glance at one θ: the accuracy (classification) or the RMSE and R² (regression,
    R² None where undefined) on the training data, and on the test data where there is a test set."""

    name: str  # "accuracy" or "RMSE"
    value: float
    test: float | None = None
    r2: float | None = None
    test_r2: float | None = None


def quality_at(objective: Objective, test: Objective | None, theta: np.ndarray) -> Quality:
    """``Objective.quality`` (and R²) of the training and the test objective at θ (a pass over every sample: the
    training worker computes it with each report, so that the window does not)."""
    with np.errstate(all="ignore"):
        name, value = objective.quality(theta)
        tested = None if test is None else test.quality(theta)[1]
        if name == "accuracy":
            return Quality(name, value, tested)
        return Quality(name, value, tested, objective.r_squared(theta), None if test is None else test.r_squared(theta))


def _data_value_and_grad(loss: Loss, theta: np.ndarray, Xa: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """mean_i l(θ|x_i, y_i) and its gradient (k, d+1), PASS_LOGITS logits at a time, each piece's mean and gradient
    weighted by its share of the samples: the temporaries of a piece stay in the cache, and a pass needs no fresh
    memory (at 1,000,000 samples a pass in one piece spent most of its time faulting in ~100 MB of new pages)."""
    n, pieces = len(Xa), _pieces(len(Xa), len(theta))
    if len(pieces) <= 1:
        value, dz = loss.value_and_grad(Xa @ theta.T, target)
        return value, dz.T @ Xa
    value, grad = 0.0, np.zeros(theta.shape)
    for part in pieces:
        piece_value, dz = loss.value_and_grad(Xa[part] @ theta.T, target[part])
        weight = (part.stop - part.start) / n
        value += weight * piece_value
        grad += weight * (dz.T @ Xa[part])
    return value, grad


def _piece_rows(outputs: int) -> int:
    """Samples per piece of a pass over many: PASS_LOGITS logits."""
    return max(1, PASS_LOGITS // max(1, outputs))


def _pieces(n: int, outputs: int) -> list[slice]:
    """The rows of a pass over ``n`` samples of ``outputs`` logits each, a piece at a time."""
    step = _piece_rows(outputs)
    return [slice(start, min(n, start + step)) for start in range(0, n, step)]

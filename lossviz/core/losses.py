"""Per-sample losses l(θ|x, y) as functions of the logits z, their mean L and dL/dz.

Every loss works on logits ``z`` of shape (..., N, k): leading axes batch many θ at
once (loss surfaces). ``encode`` turns labels y (N,) into the target the loss wants,
once per dataset.
"""

from __future__ import annotations

import numpy as np

from lossviz.core.errors import LossvizError
from lossviz.core.model import class_first, class_first_view


def _softplus(u: np.ndarray) -> np.ndarray:
    """log(1 + e^u) without overflow or loss of precision for any finite u."""
    out = np.abs(u)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(u, 0.0)
    return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


class Loss:
    """One loss: ``per_sample`` (..., N), and ``value_and_grad`` for a single θ."""

    name = ""
    task = ""
    title = ""
    formula = ""  # l(θ|x, y) in the lecture's notation, ŷ being the model output

    def encode(self, y: np.ndarray, outputs: int) -> np.ndarray:
        """The target this loss wants for labels ``y`` (N,), made once per dataset: (N, k)."""
        return np.asarray(y, dtype=np.float64).reshape(-1, 1)

    def per_sample(self, z: np.ndarray, target: np.ndarray) -> np.ndarray:
        """l for every sample: z (..., N, k) -> (..., N)."""
        raise NotImplementedError

    def value_and_grad(self, z: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
        """L = mean_i l_i and dL/dz (N, k) for logits z (N, k)."""
        raise NotImplementedError


class L2(Loss):
    """½(ŷ − y)² on the raw output."""
    name, task, title = "l2", "regression", "L2 (squared error)"
    formula = "l(θ|x, y) = ½ (ŷ − y)²"

    def per_sample(self, z: np.ndarray, target: np.ndarray) -> np.ndarray:
        """l for every sample: z (..., N, k) -> (..., N)."""
        r = z[..., 0] - target[:, 0]
        return 0.5 * r * r

    def value_and_grad(self, z: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
        """L = mean_i l_i and dL/dz (N, k) for logits z (N, k)."""
        r = z - target
        n = len(r)
        return 0.5 * float(np.vdot(r, r)) / n, r / n


class L1(Loss):
    """|ŷ − y| on the raw output."""
    name, task, title = "l1", "regression", "L1 (absolute error)"
    formula = "l(θ|x, y) = |ŷ − y|"

    def per_sample(self, z: np.ndarray, target: np.ndarray) -> np.ndarray:
        """l for every sample: z (..., N, k) -> (..., N)."""
        return np.abs(z[..., 0] - target[:, 0])

    def value_and_grad(self, z: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
        """L = mean_i l_i and dL/dz (N, k) for logits z (N, k)."""
        r = z - target
        n = len(r)
        return float(np.abs(r).sum()) / n, np.sign(r) / n


class Huber(Loss):
    """The Huber loss (δ = 1): quadratic near 0, linear beyond, as torch's HuberLoss."""
    name, task, title = "huber", "regression", "Huber (δ = 1)"
    formula = "l(θ|x, y) = ½ r² if |r| ≤ 1 else |r| − ½,  r = ŷ − y"

    def per_sample(self, z: np.ndarray, target: np.ndarray) -> np.ndarray:
        """l for every sample: z (..., N, k) -> (..., N)."""
        a = np.abs(z[..., 0] - target[:, 0])
        return np.where(a <= 1.0, 0.5 * a * a, a - 0.5)

    def value_and_grad(self, z: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
        """L = mean_i l_i and dL/dz (N, k) for logits z (N, k)."""
        r = z - target
        n = len(r)
        a = np.abs(r)
        value = np.where(a <= 1.0, 0.5 * a * a, a - 0.5).sum()
        return float(value) / n, np.clip(r, -1.0, 1.0) / n


class BinaryCrossEntropy(Loss):
    """−y log σ(z) − (1 − y) log(1 − σ(z)) = softplus(s z) with s = 1 − 2y."""

    name, task, title = "bce", "binary", "binary cross-entropy"
    formula = "l(θ|x, y) = −y log ŷ − (1 − y) log(1 − ŷ)"

    def encode(self, y: np.ndarray, outputs: int) -> np.ndarray:
        """The target this loss wants for labels ``y`` (N,), made once per dataset: (N, k)."""
        return 1.0 - 2.0 * np.asarray(y, dtype=np.float64).reshape(-1, 1)

    def per_sample(self, z: np.ndarray, target: np.ndarray) -> np.ndarray:
        """l for every sample: z (..., N, k) -> (..., N)."""
        return _softplus(z[..., 0] * target[:, 0])

    def value_and_grad(self, z: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
        """L = mean_i l_i and dL/dz (N, k) for logits z (N, k)."""
        u = z * target
        n = len(u)
        e = np.abs(u)
        np.negative(e, out=e)
        np.exp(e, out=e)  # e = exp(-|u|) in (0, 1]
        value = np.log1p(e).sum() + np.maximum(u, 0.0).sum()
        # dl/dz = s σ(u), σ(u) = 1/(1+e) for u >= 0 and e/(1+e) otherwise
        numerator = np.where(u >= 0.0, 1.0, e)
        e += 1.0
        numerator /= e
        numerator *= target
        numerator /= n
        return float(value) / n, numerator


class BinarySquaredError(Loss):
    """½(σ(z) − y)² for binary labels."""
    name, task, title = "mse", "binary", "squared error on σ (MSE)"
    formula = "l(θ|x, y) = ½ (ŷ − y)²"

    def per_sample(self, z: np.ndarray, target: np.ndarray) -> np.ndarray:
        """l for every sample: z (..., N, k) -> (..., N)."""
        r = _sigmoid(z[..., 0]) - target[:, 0]
        return 0.5 * r * r

    def value_and_grad(self, z: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
        """L = mean_i l_i and dL/dz (N, k) for logits z (N, k)."""
        p = _sigmoid(z)
        r = p - target
        n = len(r)
        return 0.5 * float(np.vdot(r, r)) / n, r * p * _sigmoid(-z) / n


class CrossEntropy(Loss):
    """−log softmax(z)_y = (m − z_y) + log1p(Σ_{k≠k*} e^{z_k − m}), m = z_{k*} the largest logit.

    Leaving the largest term out of the sum keeps tiny losses (a confident, correct
    prediction) exact, where log(1 + s) would round them to 0.
    """

    name, task, title = "ce", "multiclass", "cross-entropy"
    formula = "l(θ|x, y) = −log ŷ_y"

    def encode(self, y: np.ndarray, outputs: int) -> np.ndarray:
        """The target this loss wants for labels ``y`` (N,), made once per dataset: (N, k) one-hot booleans, which
        numpy multiplies and subtracts as 0.0 and 1.0 (an eighth of the memory of floats: at 1,000,000 samples of
        3 classes 3 MB, not 24 MB of new pages when a window opens)."""
        y = np.asarray(y, dtype=np.int64)
        onehot = np.empty((len(y), outputs), dtype=bool, order="F")  # each class's column contiguous (see _parts)
        for k in range(outputs):  # column by column: no (N,) index array, no scattered writes
            np.equal(y, k, out=onehot[:, k])
        return onehot

    @staticmethod
    def _parts(zk: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For class-first logits zk (k, ...): m (...), the first largest logit; e = e^{z − m} (k, ...); and
        s = Σ_{k≠k*} e (...). Class by class over whole arrays: numpy reduces a short last axis slowly."""
        m = zk.max(axis=0)
        e = zk - m
        np.exp(e, out=e)
        s = np.zeros_like(m)
        found = np.zeros(m.shape, dtype=bool)  # k* found: the first of equal largest logits, as argmax has it
        term = np.empty_like(m)  # one buffer for every class's term: fresh memory costs page faults at 1,000,000
        for k in range(len(zk)):
            top = zk[k] == m
            top &= ~found
            found |= top
            np.invert(top, out=top)
            s += np.multiply(e[k], top, out=term)  # times 1 or 0: exact
        return m, e, s

    @staticmethod
    def _data_term(zk: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(m − z_y) + log1p(s) for class-first logits zk (k, ...) and one-hot ``target`` (N, k)."""
        m, e, s = CrossEntropy._parts(zk)
        tk = class_first_view(target)  # (k, N): each class's column of the one-hot target
        zy = zk[0] * tk[0]
        term = np.empty_like(zy)
        for k in range(1, len(zk)):
            zy += np.multiply(zk[k], tk[k], out=term)  # broadcast over any leading axes of zk (grids of θ)
        value = np.subtract(m, zy, out=m)
        value += np.log1p(s, out=term)
        return value, e, s

    def per_sample(self, z: np.ndarray, target: np.ndarray) -> np.ndarray:
        """l for every sample: z (..., N, k) -> (..., N)."""
        return self.data_term(class_first(z), target)

    def data_term(self, zk: np.ndarray, target: np.ndarray) -> np.ndarray:
        """``per_sample`` of logits given class-first: zk (k, ..., N) -> (..., N)."""
        return self._data_term(zk, target)[0]

    def value_and_grad(self, z: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
        """L = mean_i l_i and dL/dz (N, k) for logits z (N, k)."""
        n = len(z)
        value, e, s = self._data_term(class_first(z), target)
        s += 1.0
        e /= s
        e -= class_first_view(target)
        e /= n
        return float(value.sum()) / n, e.T  # dL/dz (N, k), a view of the class-first array


def log_sum_exp(zk: np.ndarray) -> np.ndarray:
    """log Σ_k e^{zk[k]} over the first axis (class-first values, −inf for a left-out term), as CrossEntropy computes
    it: m + log1p(Σ_{k≠k*} e^{z_k − m}), exact when the sum beside the largest term is tiny."""
    m, _, s = CrossEntropy._parts(zk)
    np.log1p(s, out=s)
    s += m
    return s


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (
    L2(), L1(), Huber(), BinaryCrossEntropy(), BinarySquaredError(), CrossEntropy())}
TASK_LOSSES = {
    "regression": ("l2", "l1", "huber"),
    "binary": ("bce", "mse"),
    "multiclass": ("ce",),
}
DEFAULT_LOSS = {task: names[0] for task, names in TASK_LOSSES.items()}


def get_loss(name: str, task: str) -> Loss:
    """The loss called ``name``, checked to fit ``task``."""
    allowed = TASK_LOSSES[task]
    if name not in allowed:
        raise LossvizError(f"loss: {name!r} is not a {task} loss (choose {', '.join(allowed)})")
    return LOSSES[name]

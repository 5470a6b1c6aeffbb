"""Optimizers with exactly the update rules and defaults of ``torch.optim``.

Each works in place on a float64 parameter array of any shape; state is per element,
so the layout of θ does not matter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lossviz.core.errors import LossvizError

OPTIMIZERS = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
TITLES = {
    "gd": "gradient descent",
    "momentum": "momentum",
    "nesterov": "Nesterov momentum",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}
# optimizers that take a momentum, and its default (torch's, or 0.9 for the momentum variants)
MOMENTUM_DEFAULTS = {"gd": 0.0, "momentum": 0.9, "nesterov": 0.9, "rmsprop": 0.0}


@dataclass(frozen=True)
class OptimizerConfig:
    """Which optimizer, its learning rate, momentum (None: its default) and batch size (None: full batch)."""

    name: str = "gd"
    lr: float = 0.1
    momentum: float | None = None
    batch_size: int | None = None

    def __post_init__(self) -> None:
        if self.name not in OPTIMIZERS:
            raise LossvizError(
                f"optimizer.name: unknown optimizer {self.name!r} (choose {', '.join(OPTIMIZERS)})")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            raise LossvizError(f"optimizer.lr: learning rate must be a number > 0, got {self.lr!r}")
        if self.momentum is not None:
            if self.name not in MOMENTUM_DEFAULTS:
                raise LossvizError(f"optimizer.momentum: {self.name!r} takes no momentum")
            if not (0.0 <= self.momentum < 1.0):
                raise LossvizError(f"optimizer.momentum: must be in [0, 1), got {self.momentum!r}")
            if self.name == "nesterov" and self.momentum == 0.0:
                raise LossvizError("optimizer.momentum: Nesterov momentum needs a momentum > 0")
        if self.batch_size is not None and self.batch_size < 1:
            raise LossvizError(f"optimizer.batch_size: must be an integer >= 1, got {self.batch_size!r}")

    @property
    def effective_momentum(self) -> float:
        """The momentum in use: the given one, else the optimizer's default (0 without)."""
        if self.momentum is not None:
            return self.momentum
        return MOMENTUM_DEFAULTS.get(self.name, 0.0)


class SGD:
    """torch.optim.SGD (dampening 0, no weight decay), with optional (Nesterov) momentum."""

    def __init__(self, lr: float, momentum: float = 0.0, nesterov: bool = False):
        self.lr, self.momentum, self.nesterov = lr, momentum, nesterov
        self.buffer: np.ndarray | None = None

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """One update of ``theta`` in place from its gradient ``grad``, as ``torch.optim``'s SGD makes it."""
        if self.momentum:
            buffer = self.buffer
            if buffer is None:
                buffer = self.buffer = grad.copy()
            else:
                buffer *= self.momentum
                buffer += grad
            grad = grad + self.momentum * buffer if self.nesterov else buffer
        theta -= self.lr * grad


class Adagrad:
    """torch.optim.Adagrad (lr_decay 0, initial accumulator 0, eps 1e-10)."""

    def __init__(self, lr: float, eps: float = 1e-10):
        self.lr, self.eps = lr, eps
        self.sum: np.ndarray | None = None

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """One update of ``theta`` in place from its gradient ``grad``, as ``torch.optim``'s Adagrad makes it."""
        if self.sum is None:
            self.sum = np.zeros_like(theta)
        self.sum += grad * grad
        theta += (-self.lr * grad) / (np.sqrt(self.sum) + self.eps)  # torch addcdiv order


class RMSprop:
    """torch.optim.RMSprop (alpha 0.99, eps 1e-8, not centered), with optional momentum."""

    def __init__(self, lr: float, alpha: float = 0.99, eps: float = 1e-8, momentum: float = 0.0):
        self.lr, self.alpha, self.eps, self.momentum = lr, alpha, eps, momentum
        self.square_avg: np.ndarray | None = None
        self.buffer: np.ndarray | None = None

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """One update of ``theta`` in place from its gradient ``grad``, as ``torch.optim``'s RMSprop makes it."""
        if self.square_avg is None or self.buffer is None:  # both are made on the first step
            self.square_avg = np.zeros_like(theta)
            self.buffer = np.zeros_like(theta)
        square_avg, buffer = self.square_avg, self.buffer
        square_avg *= self.alpha
        square_avg += (1 - self.alpha) * grad * grad
        avg = np.sqrt(square_avg) + self.eps
        if self.momentum > 0:
            buffer *= self.momentum
            buffer += grad / avg
            theta -= self.lr * buffer
        else:
            theta += (-self.lr * grad) / avg


class Adam:
    """torch.optim.Adam (betas 0.9/0.999, eps 1e-8, no amsgrad)."""

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.steps = 0
        self.m: np.ndarray | None = None
        self.v: np.ndarray | None = None

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """One update of ``theta`` in place from its gradient ``grad``, as ``torch.optim``'s Adam makes it."""
        if self.m is None or self.v is None:  # both are made on the first step
            self.m = np.zeros_like(theta)
            self.v = np.zeros_like(theta)
        self.steps += 1
        m, v = self.m, self.v
        m += (1 - self.beta1) * (grad - m)  # torch: exp_avg.lerp_(grad, 1 - beta1)
        v *= self.beta2
        v += (1 - self.beta2) * grad * grad
        bias_correction1 = 1 - self.beta1 ** self.steps
        bias_correction2_sqrt = math.sqrt(1 - self.beta2 ** self.steps)
        step_size = self.lr / bias_correction1
        denom = np.sqrt(v) / bias_correction2_sqrt + self.eps
        theta += (-step_size * m) / denom  # addcdiv: (value * m) / denom


Optimizer = SGD | Adagrad | RMSprop | Adam


def make_optimizer(config: OptimizerConfig) -> Optimizer:
    """A fresh optimizer (no state) for ``config``."""
    name, lr = config.name, config.lr
    if name in ("gd", "momentum", "nesterov"):
        return SGD(lr, config.effective_momentum, nesterov=name == "nesterov")
    if name == "adagrad":
        return Adagrad(lr)
    if name == "rmsprop":
        return RMSprop(lr, momentum=config.effective_momentum)
    return Adam(lr)

"""Gradient descent on L(θ|D): one update at a time (``Trainer``) or a whole run (``fit``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lossviz.core.errors import Cancelled
from lossviz.core.objective import Objective
from lossviz.core.optimizers import OptimizerConfig, make_optimizer

CHECK_EVERY = 256  # updates between two looks at fit()'s should_stop


def norm(grad: np.ndarray) -> float:
    """‖grad‖: sqrt(Σ g²) as numpy sums it — or, where the squares overflow but every g is finite (gradients near
    1e200 from data near the largest values lossviz takes), the same norm computed on g scaled to at most 1."""
    value = math.sqrt(float(np.vdot(grad, grad)))
    if math.isinf(value) and np.isfinite(grad).all():
        largest = float(np.abs(grad).max())
        value = largest * math.sqrt(float(np.vdot(grad / largest, grad / largest)))
    return value


class Trainer:
    """θ, L(θ|D), ∇L(θ|D) and the optimizer state after ``steps`` updates.

    Full-batch by default; with ``config.batch_size`` each update uses the next minibatch
    of a permutation drawn from ``seed`` and redrawn every epoch. ``loss``, ``grad`` and
    ``grad_norm`` are always over the whole dataset.
    """

    def __init__(self, objective: Objective, theta0: np.ndarray, config: OptimizerConfig, seed: int = 0):
        self.objective = objective
        self.config = config
        self.optimizer = make_optimizer(config)
        self.theta = np.array(theta0, dtype=np.float64)
        self.steps = 0
        self.rng = np.random.default_rng(seed)
        self.order = np.empty(0, dtype=np.int64)
        self.cursor = 0
        self.loss, self.grad = objective.value_and_grad(self.theta)
        self.grad_norm = norm(self.grad)

    def use_objective(self, objective: Objective) -> None:
        """Go on with the same θ and optimizer state on new data: L, ∇L and the minibatch order anew."""
        self.objective = objective
        self.order, self.cursor = np.empty(0, dtype=np.int64), 0
        self.loss, self.grad = objective.value_and_grad(self.theta)
        self.grad_norm = norm(self.grad)

    @property
    def finite(self) -> bool:
        """True while L, ‖∇L‖ and θ are all finite."""
        return math.isfinite(self.loss) and math.isfinite(self.grad_norm) and bool(np.isfinite(self.theta).all())

    def next_batch(self) -> np.ndarray:
        """Row indices of the next minibatch (a new permutation each epoch); only with a batch size."""
        size = self.config.batch_size
        assert size is not None, "next_batch() needs config.batch_size (full batch has no minibatches)"
        if self.cursor >= len(self.order):
            self.order = self.rng.permutation(self.objective.size)
            self.cursor = 0
        rows = self.order[self.cursor:self.cursor + size]
        self.cursor += size
        return rows

    def step(self) -> bool:
        """Make one update. Returns False, and keeps θ, if it would make L, ∇L or θ non-finite (a diverging step
        is found by looking, not by numpy's overflow warnings, which it silences)."""
        with np.errstate(all="ignore"):
            if self.config.batch_size is None or self.config.batch_size >= self.objective.size:
                update_grad = self.grad
            else:
                update_grad = self.objective.value_and_grad(self.theta, self.next_batch())[1]
            theta = self.theta.copy()
            self.optimizer.step(theta, update_grad)
            loss, grad = self.objective.value_and_grad(theta)
            grad_norm = norm(grad)
        if not (math.isfinite(loss) and math.isfinite(grad_norm) and np.isfinite(theta).all()):
            return False
        self.theta, self.loss, self.grad, self.grad_norm = theta, loss, grad, grad_norm
        self.steps += 1
        return True


@dataclass
class FitResult:
    """Entry k: θ after k updates (thetas[k], (k_out, d+1)), L(θ|D) and ‖∇L(θ|D)‖ there."""

    status: str  # "max_steps" | "converged" | "diverged"
    thetas: np.ndarray  # (n+1, k, d+1)
    losses: np.ndarray  # (n+1,)
    grad_norms: np.ndarray  # (n+1,)
    step_numbers: np.ndarray | None = None  # when entries are a subset (the app's decimated history)
    stretches: np.ndarray | None = None  # (n+1,) int: entries of one stretch share a dataset; it changed between

    @property
    def steps(self) -> int:
        """Index of the last entry (= number of updates for a full run)."""
        return len(self.losses) - 1

    @property
    def step_axis(self) -> np.ndarray:
        """The update count of every entry."""
        return np.arange(len(self.losses)) if self.step_numbers is None else self.step_numbers


def fit(objective: Objective, theta0: np.ndarray, config: OptimizerConfig, steps: int,
        tol: float = 0.0, seed: int = 0, should_stop: Callable[[], bool] | None = None,
        progress: Callable[[int, int], None] | None = None) -> FitResult:
    """Run up to ``steps`` updates; stop early once ‖∇L‖ <= tol (tol > 0) or on divergence.
    ``should_stop`` is asked every CHECK_EVERY updates; when it says True, Cancelled is raised. ``progress(done,
    steps)`` is told the updates done at the same moments, and (steps, steps) at the end."""
    trainer = Trainer(objective, theta0, config, seed)
    thetas = np.empty((steps + 1,) + trainer.theta.shape)
    losses = np.empty(steps + 1)
    grad_norms = np.empty(steps + 1)
    status = "max_steps"
    count = 0
    if not trainer.finite:
        status = "diverged"
    else:
        while True:
            thetas[count], losses[count], grad_norms[count] = trainer.theta, trainer.loss, trainer.grad_norm
            count += 1
            if tol > 0 and trainer.grad_norm <= tol:
                status = "converged"
                break
            if count > steps:
                break
            if count % CHECK_EVERY == 0:
                if should_stop is not None and should_stop():
                    raise Cancelled()
                if progress is not None:
                    progress(count - 1, steps)
            if not trainer.step():
                status = "diverged"
                break
    if progress is not None:
        progress(steps, steps)  # finished (also when it converged or diverged early)
    return FitResult(status, thetas[:count], losses[:count], grad_norms[:count])

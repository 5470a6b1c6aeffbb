"""The trajectory of one live run, as the window keeps it for drawing and exports."""

from __future__ import annotations

import numpy as np

from lossviz.core.training import FitResult

MAX_ENTRIES = 20000  # kept for drawing; halved (every other one, the last kept) beyond


class History:
    """Entries (step, L, ‖∇L‖, θ) of one run in step order, and the stretch each belongs to.

    A stretch ends where the data changed under the run (L is then of another dataset, so the
    loss curve breaks there); ``edit_steps[s - 1]`` is the step at which stretch s began.
    """

    def __init__(self, theta_shape: tuple[int, ...]) -> None:
        self.steps = np.empty(0, dtype=np.int64)
        self.losses = np.empty(0)
        self.grad_norms = np.empty(0)
        self.thetas = np.empty((0, *theta_shape))
        self.stretches = np.empty(0, dtype=np.int64)
        self.test_losses = np.empty(0)  # L(θ|D_test) of each entry (NaN where there was no test set)
        self.edit_steps: list[int] = []

    def __len__(self) -> int:
        return len(self.steps)

    def extend(self, steps: np.ndarray, losses: np.ndarray, grad_norms: np.ndarray, thetas: np.ndarray,
               test_losses: np.ndarray | None = None) -> None:
        """Append entries (m,), (m,), (m,), (m, k, d+1) and their test losses (m,) to the current stretch."""
        if not len(steps):
            return
        tests = np.full(len(steps), np.nan) if test_losses is None else test_losses
        self.test_losses = np.concatenate([self.test_losses, tests])
        stretch = np.full(len(steps), len(self.edit_steps), dtype=np.int64)
        self.steps = np.concatenate([self.steps, steps])
        self.losses = np.concatenate([self.losses, losses])
        self.grad_norms = np.concatenate([self.grad_norms, grad_norms])
        self.thetas = np.concatenate([self.thetas, thetas])
        self.stretches = np.concatenate([self.stretches, stretch])
        if len(self.steps) > MAX_ENTRIES:
            keep = np.r_[0:len(self.steps) - 1:2, len(self.steps) - 1]
            self._keep(keep)

    def data_changed(self, step: int) -> None:
        """The data changed at ``step``: later entries begin a new stretch. If no update was made since
        the current stretch began (all its entries are at ``step``), its entries are dropped instead:
        they are values on data that is gone, and there is nothing to break."""
        current = self.stretches == len(self.edit_steps)
        if np.all(self.steps[current] == step):
            self._keep(np.flatnonzero(~current))
        else:
            self.edit_steps.append(step)

    def _keep(self, keep: np.ndarray) -> None:
        self.steps, self.losses = self.steps[keep], self.losses[keep]
        self.grad_norms, self.thetas, self.stretches = self.grad_norms[keep], self.thetas[keep], self.stretches[keep]
        self.test_losses = self.test_losses[keep]

    def current_stretch_start(self) -> int:
        """Index of the first entry since the data last changed."""
        if not len(self.stretches):
            return 0
        return int(np.searchsorted(self.stretches, self.stretches[-1]))

    def upto_step(self, step: int) -> int:
        """Index of the last entry at or before ``step`` (-1 if none)."""
        return int(np.searchsorted(self.steps, step, side="right")) - 1

    def as_fit_result(self) -> FitResult:
        """The entries as a FitResult (step numbers kept, stretches as its ``stretches``)."""
        return FitResult("max_steps", self.thetas.copy(), self.losses.copy(), self.grad_norms.copy(),
                         step_numbers=self.steps.copy(), stretches=self.stretches.copy())

"""The trajectory of one live run, as the window keeps it for drawing and exports.

A ``History`` grows as the training worker reports; what it holds at any moment is a frozen ``Trajectory`` whose
arrays are never written again (each report makes new ones), so a view or a test may keep one while the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from lossviz.core.training import FitResult

MAX_ENTRIES = 20000  # kept for drawing; halved (every other one, the last kept) beyond


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class Trajectory:
    """Entries (step, L, ‖∇L‖, θ) of one run in step order, and the stretch each belongs to.

    A stretch ends where the data changed under the run (L is then of another dataset, so the
    loss curve breaks there); ``edit_steps[s - 1]`` is the step at which stretch s began.
    """

    steps: np.ndarray  # (m,) int
    losses: np.ndarray  # (m,)
    grad_norms: np.ndarray  # (m,)
    thetas: np.ndarray  # (m, k, d+1)
    stretches: np.ndarray  # (m,) int
    test_losses: np.ndarray  # (m,) L(θ|D_test) of each entry (NaN where there was no test set)
    population_losses: np.ndarray  # (m,) L(θ|P) of each entry (NaN where there is no P, or it was not valued)
    edit_steps: tuple[int, ...] = ()

    @classmethod
    def empty(cls, theta_shape: tuple[int, ...]) -> Trajectory:
        """No entries yet, for θ of ``theta_shape``."""
        return cls(_frozen(np.empty(0, dtype=np.int64)), _frozen(np.empty(0)), _frozen(np.empty(0)),
                   _frozen(np.empty((0, *theta_shape))), _frozen(np.empty(0, dtype=np.int64)), _frozen(np.empty(0)),
                   _frozen(np.empty(0)))

    def __len__(self) -> int:
        return len(self.steps)

    def kept(self, keep: np.ndarray) -> Trajectory:
        """Only the entries ``keep`` (indices, in order)."""
        return Trajectory(_frozen(self.steps[keep]), _frozen(self.losses[keep]), _frozen(self.grad_norms[keep]),
                          _frozen(self.thetas[keep]), _frozen(self.stretches[keep]), _frozen(self.test_losses[keep]),
                          _frozen(self.population_losses[keep]), self.edit_steps)

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


class History:
    """The growing trajectory of one run: ``trajectory`` is replaced, never changed, as entries come in."""

    def __init__(self, theta_shape: tuple[int, ...]) -> None:
        self.trajectory = Trajectory.empty(theta_shape)

    def __len__(self) -> int:
        return len(self.trajectory)

    def extend(self, steps: np.ndarray, losses: np.ndarray, grad_norms: np.ndarray, thetas: np.ndarray,
               test_losses: np.ndarray | None = None, population_losses: np.ndarray | None = None) -> None:
        """Append entries (m,), (m,), (m,), (m, k, d+1), their test losses (m,) and L(θ|P) (m,) to the current
        stretch."""
        if not len(steps):
            return
        old = self.trajectory
        tests = np.full(len(steps), np.nan) if test_losses is None else test_losses
        population = np.full(len(steps), np.nan) if population_losses is None else population_losses
        stretch = np.full(len(steps), len(old.edit_steps), dtype=np.int64)
        def join(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return _frozen(np.concatenate([a, b]))

        new = Trajectory(join(old.steps, steps), join(old.losses, losses), join(old.grad_norms, grad_norms),
                         join(old.thetas, thetas), join(old.stretches, stretch), join(old.test_losses, tests),
                         join(old.population_losses, population), old.edit_steps)
        if len(new) > MAX_ENTRIES:
            new = new.kept(np.r_[0:len(new) - 1:2, len(new) - 1])
        self.trajectory = new

    def value_population(self, theta: np.ndarray, value: float, index: int = -1) -> None:
        """L(θ|P) = ``value`` valued at ``theta`` after the entry ``index`` was recorded (when paused, or at a step
        back): kept with that entry if it is of that θ and has none yet."""
        old = self.trajectory
        if not len(old) or not np.isnan(old.population_losses[index]) or not np.array_equal(old.thetas[index], theta):
            return
        values = old.population_losses.copy()
        values[index] = value
        self.trajectory = replace(old, population_losses=_frozen(values))

    def data_changed(self, step: int) -> None:
        """The data changed at ``step``: later entries begin a new stretch. If no update was made since
        the current stretch began (all its entries are at ``step``), its entries are dropped instead:
        they are values on data that is gone, and there is nothing to break."""
        old = self.trajectory
        current = old.stretches == len(old.edit_steps)
        if np.all(old.steps[current] == step):
            self.trajectory = old.kept(np.flatnonzero(~current))
        else:
            self.trajectory = replace(old, edit_steps=(*old.edit_steps, step))

"""Selected samples: the points whose own loss l(θ|xᵢ, yᵢ) the surface view shows (their gradients:
``core.decomposition.sample_gradients``).

One selected sample: the surface is l(θ|xᵢ, yᵢ) and an arrow at θ points along −∇l(θ|xᵢ, yᵢ). Several:
the surface is the mean of their losses, an arrow per sample and, bold, their mean. All of them: the
mean arrow is −∇L(θ|D), the direction gradient descent takes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Selection(QObject):
    """The selected samples' indices, sorted (none: the surface shows L(θ|D) or L(θ|P))."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.indices: tuple[int, ...] = ()
        self.size = 0  # of the dataset the indices are of

    def __bool__(self) -> bool:
        return bool(self.indices)

    def __len__(self) -> int:
        return len(self.indices)

    def toggle(self, index: int, size: int) -> None:
        """Select sample ``index`` of a dataset of ``size``, or unselect it if it is selected."""
        self._set(set(self.indices) ^ {index}, size)

    def select_all(self, size: int) -> None:
        """Select every sample of a dataset of ``size``: their mean loss is L(θ|D), their mean arrow −∇L(θ|D)."""
        self._set(range(size), size)

    def clear(self) -> None:
        """Select nothing."""
        self._set((), self.size)

    def _set(self, indices, size: int) -> None:
        chosen = tuple(sorted(indices))
        if (chosen, size) != (self.indices, self.size):
            self.indices, self.size = chosen, size
            self.changed.emit()

    def valid_for(self, size: int) -> bool:
        """True when the selection still means the same samples of a dataset of ``size`` (none were added or
        deleted: a moved sample stays selected)."""
        return not self.indices or size == self.size

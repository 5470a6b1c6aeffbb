"""The plane a loss surface is drawn on: two parameters of θ on its axes, the others held at a centre θ.

One place says how θ maps to the surface's coordinates (``coordinates``), which θ a point of the surface is
(``theta_at``) and which parameters are held there, and at what values (``held_text``): the window, its exports and
the lecture figures all ask it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lossviz.core.model import ModelShape
from lossviz.core.notation import parameter_label

if TYPE_CHECKING:
    from lossviz.core.scene import Scene

HELD_SHOWN = 6  # held parameters named in a text; more are "…"


@dataclass(frozen=True)
class AxisPlane:
    """The surface over parameters ``x_param`` and ``y_param`` of a model of ``shape``."""

    shape: ModelShape
    x_param: str
    y_param: str

    @classmethod
    def of(cls, scene: Scene) -> AxisPlane:
        """The plane of ``scene``'s surface (its axes, defaults filled in)."""
        return cls(scene.shape, *scene.surface_axes)

    @property
    def indices(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """Where the two parameters sit in θ (k, d+1): ((i, j) of x, (i, j) of y)."""
        return self.shape.param_index(self.x_param), self.shape.param_index(self.y_param)

    def coordinates(self, thetas: np.ndarray) -> np.ndarray:
        """The surface coordinates of each θ: (M, 2) from (M, k, d+1)."""
        thetas = np.asarray(thetas)
        if not len(thetas):
            return np.empty((0, 2))
        (xi, xj), (yi, yj) = self.indices
        return np.column_stack([thetas[:, xi, xj], thetas[:, yi, yj]])

    def point(self, theta: np.ndarray) -> np.ndarray:
        """The surface coordinates of one θ, (2,)."""
        return self.coordinates(np.asarray(theta)[None])[0]

    def theta_at(self, center: np.ndarray, x: float, y: float) -> np.ndarray:
        """θ with the two parameters set to (x, y), the others those of ``center``."""
        (xi, xj), (yi, yj) = self.indices
        theta = np.array(center, dtype=np.float64, copy=True)
        theta[xi, xj], theta[yi, yj] = x, y
        return theta

    def held(self) -> list[str]:
        """The parameters off the axes (held at the centre θ), in ``param_names`` order."""
        return [name for name in self.shape.param_names() if name not in (self.x_param, self.y_param)]

    def held_values(self, theta: np.ndarray) -> list[float]:
        """The values of the held parameters in ``theta``."""
        return [float(theta[self.shape.param_index(name)]) for name in self.held()]

    def held_text(self, theta: np.ndarray, number: Callable[[float], str] = "{:.3g}".format) -> str:
        """"W₁₂ = 0.3, b₁ = −0.2" (at most HELD_SHOWN, then "…"); '' when every parameter is on an axis."""
        held = self.held()
        values = ", ".join(f"{parameter_label(name)} = {number(value)}"
                           for name, value in zip(held[:HELD_SHOWN], self.held_values(theta)))
        return f"{values}{' …' if len(held) > HELD_SHOWN else ''}"

"""What a loss is, as a frozen value a worker can own: the model's shape, the loss, private copies of the inputs and
labels and λ — or, with a distribution, the population loss L(θ|P)."""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field

import numpy as np

from lossviz.core.dataset import Dataset
from lossviz.core.distributions import Distribution
from lossviz.core.features import FeatureMap
from lossviz.core.losses import get_loss
from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective
from lossviz.core.population import population_objective

_MADE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # objective → its Problem (see Problem.of)


def private(array: np.ndarray) -> np.ndarray:
    """``array`` itself where nothing can write to it (read-only, and so is every array whose memory it views), else a
    read-only copy: a worker's inputs must not change under it, and a scene's data (``core.dataset.Dataset``) is
    already frozen, so that copying it again cost ~90 ms at 100,000 × 50 inputs when a scene was shown."""
    owner: object = array
    while isinstance(owner, np.ndarray):
        if owner.flags.writeable:
            break
        if owner.base is None:
            return array
        owner = owner.base
    copy = array.copy()
    copy.flags.writeable = False
    return copy


@dataclass(frozen=True)
class Problem:
    """What the loss is: the model shape, the loss, a private copy of the model's inputs φ(x) and labels, and λ
    — or, with a ``distribution``, the population loss L(θ|P) under it (through ``features``)."""

    shape: ModelShape
    loss: str
    X: np.ndarray
    y: np.ndarray
    distribution: Distribution | None = None
    l2: float = 0.0
    features: FeatureMap | None = None
    # the objective over X, y, if any, held weakly: _MADE maps that objective to this Problem, and a strong reference
    # back would keep both alive for ever (a drag over 1,000,000 samples kept every frame's 24 MB objective)
    source: weakref.ref[Objective] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, objective: Objective) -> Problem:
        """A Problem holding ``objective``'s inputs, labels and λ, arrays no one can change (see ``private``) — made
        once per objective (at 100,000 × 50 inputs a copy per surface request cost the window ~40 ms each time)."""
        made = _MADE.get(objective)
        if made is None:
            X, y = private(objective.data.X), private(objective.data.y)
            shared = X is objective.data.X and y is objective.data.y
            made = _MADE[objective] = cls(objective.shape, objective.loss.name, X, y, l2=objective.l2,
                                          source=weakref.ref(objective) if shared else None)
        return made

    @classmethod
    def rows(cls, objective: Objective, rows: np.ndarray) -> Problem:
        """The loss of some samples of ``objective`` alone (their mean loss), without λ."""
        return cls(objective.shape, objective.loss.name, objective.data.X[rows], objective.data.y[rows])

    @classmethod
    def population(cls, shape: ModelShape, loss: str, distribution: Distribution, features: FeatureMap | None = None,
                   l2: float = 0.0) -> Problem:
        """The population loss L(θ|P) of ``distribution`` for the model with φ = ``features`` and λ."""
        return cls(shape, loss, np.empty((0, shape.dims)), np.empty(0), distribution, l2, features)

    def population_key(self) -> tuple | None:
        """What L(θ|P) of this problem depends on (P's family and parameters, the model, the loss, λ and φ; not N nor
        the seed): equal keys, the same function of θ. None for a loss over data."""
        dist, phi = self.distribution, self.features
        if dist is None:
            return None
        phi_key = None if phi is None else (phi.degree, *(a.tobytes() for a in (phi.mean, phi.std) if a is not None))
        return self.shape, self.loss, dist.name, json.dumps(dist.params, sort_keys=True), self.l2, phi_key

    def objective(self) -> Objective:
        """The objective over the problem's data (arrays never changed), or L(θ|P); the objective the problem was
        made of, while it lives, where it holds the same arrays (its Xa = [X | 1] is not made again: ~40 ms at
        100,000 × 50)."""
        if self.distribution is not None:
            return population_objective(self.distribution, self.shape, self.loss, self.features, self.l2)
        source = None if self.source is None else self.source()
        if source is not None:
            return source
        return Objective(self.shape, get_loss(self.loss, self.shape.task), Dataset(self.X, self.y), l2=self.l2)

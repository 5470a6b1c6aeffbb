"""L(θ|D) taken apart: one sample's objective, the samples a figure shows, the surface ``--of`` asks for."""

import numpy as np
import pytest

from lossviz.core.decomposition import sample_objective, spread_samples, surface_objective
from lossviz.core.errors import LossvizError
from lossviz.core.population import exact
from lossviz.core.presets import load_preset


def test_spread_samples_takes_evenly_spaced_ranks_from_the_smallest_loss_to_the_largest():
    losses = np.array([5.0, 0.1, 3.0, 9.0, 0.5, 7.0, 1.0])  # from the smallest: samples 1, 4, 6, 2, 0, 5, 3
    assert spread_samples(losses).tolist() == [1, 6, 0, 3]  # ranks 0, 2, 4, 6, in that order (the footer's)
    assert spread_samples(losses, 2).tolist() == [1, 3]
    assert spread_samples(losses[:3], 4).tolist() == [1, 2, 0]  # N ≤ count: every sample, by its loss
    assert spread_samples(np.zeros(10)).tolist() == [0, 3, 6, 9]  # ties: in index order, still 4 different samples


def test_a_sample_objective_is_that_sample_alone():
    scene = load_preset("binary-2d-blobs")
    objective = scene.objective()
    theta = np.array([[0.3, -1.2, 0.4]])
    values = [sample_objective(objective, i).value(theta) for i in range(objective.size)]
    np.testing.assert_allclose(values, objective.per_sample(theta), rtol=1e-14)
    assert np.mean(values) == pytest.approx(objective.value(theta), rel=1e-14)
    with pytest.raises(IndexError):
        sample_objective(objective, objective.size)


def test_surface_objective_names_what_is_missing():
    scene = load_preset("sine-samples")
    assert exact(surface_objective(scene, "population"))
    assert surface_objective(scene, "data").size == scene.data.size
    assert surface_objective(scene, "sample", 19).size == 1
    with pytest.raises(LossvizError, match=r"sample:20: the scene has 20 samples \(sample:0 to sample:19\)"):
        surface_objective(scene, "sample", 20)
    with pytest.raises(LossvizError, match=r"^distribution: the scene names no distribution"):
        surface_objective(load_preset("linear-regression"), "population")

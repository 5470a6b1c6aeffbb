"""Optimizers: the first three updates by hand, and torch.optim as an optional oracle."""

import math

import numpy as np
import pytest

from lossviz.core.errors import LossvizError
from lossviz.core.optimizers import OPTIMIZERS, OptimizerConfig, make_optimizer

GRADS = [1.0, 0.5, -2.0]  # a fixed gradient sequence fed to each optimizer from θ = 1, lr = 0.1


def _hand_adam():
    p, m, v, out = 1.0, 0.0, 0.0, []
    for t, g in enumerate(GRADS, start=1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        p -= (0.1 / (1 - 0.9**t)) * m / (math.sqrt(v) / math.sqrt(1 - 0.999**t) + 1e-8)
        out.append(p)
    return out


HAND = {
    "gd": [0.9, 0.85, 1.05],
    # buf: 1, 0.9·1 + 0.5 = 1.4, 0.9·1.4 − 2 = −0.74
    "momentum": [0.9, 0.76, 0.834],
    # step uses g + 0.9·buf: 1.9, 0.5 + 1.26 = 1.76, −2 − 0.666 = −2.666
    "nesterov": [0.81, 0.634, 0.9006],
    # sum of squares 1, 1.25, 5.25
    "adagrad": [1 - 0.1 / (1 + 1e-10),
                1 - 0.1 / (1 + 1e-10) - 0.05 / (math.sqrt(1.25) + 1e-10),
                1 - 0.1 / (1 + 1e-10) - 0.05 / (math.sqrt(1.25) + 1e-10) + 0.2 / (math.sqrt(5.25) + 1e-10)],
    # square averages 0.01, 0.0124, 0.052276
    "rmsprop": [1 - 0.1 / (0.1 + 1e-8),
                1 - 0.1 / (0.1 + 1e-8) - 0.05 / (math.sqrt(0.0124) + 1e-8),
                1 - 0.1 / (0.1 + 1e-8) - 0.05 / (math.sqrt(0.0124) + 1e-8) + 0.2 / (math.sqrt(0.052276) + 1e-8)],
    "adam": _hand_adam(),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_first_three_steps_by_hand(name):
    optimizer = make_optimizer(OptimizerConfig(name, 0.1))
    theta = np.array([1.0])
    seen = []
    for g in GRADS:
        optimizer.step(theta, np.array([g]))
        seen.append(theta[0])
    assert seen == pytest.approx(HAND[name], rel=1e-12, abs=1e-15)


def test_adam_first_step_is_lr_times_sign():
    optimizer = make_optimizer(OptimizerConfig("adam", 0.05))
    theta = np.array([0.0, 0.0])
    optimizer.step(theta, np.array([3.0, -1e-3]))
    np.testing.assert_allclose(theta, [-0.05, 0.05], rtol=1e-4)  # eps/|g| = 1e-5


def test_defaults_follow_torch():
    assert OptimizerConfig("momentum").effective_momentum == 0.9
    assert OptimizerConfig("nesterov").effective_momentum == 0.9
    assert OptimizerConfig("gd").effective_momentum == 0.0
    assert OptimizerConfig("rmsprop").effective_momentum == 0.0
    assert make_optimizer(OptimizerConfig("adagrad")).eps == 1e-10
    rms = make_optimizer(OptimizerConfig("rmsprop"))
    assert (rms.alpha, rms.eps) == (0.99, 1e-8)
    adam = make_optimizer(OptimizerConfig("adam"))
    assert (adam.beta1, adam.beta2, adam.eps) == (0.9, 0.999, 1e-8)


@pytest.mark.parametrize("config", [
    dict(name="sgd"), dict(lr=0.0), dict(lr=-1.0), dict(lr=float("nan")), dict(name="adam", momentum=0.5),
    dict(name="momentum", momentum=1.0), dict(name="momentum", momentum=-0.1),
    dict(name="nesterov", momentum=0.0), dict(batch_size=0),
])
def test_bad_configs_are_refused(config):
    with pytest.raises(LossvizError):
        OptimizerConfig(**config)


def _torch_optimizer(torch, name, params, lr, momentum):
    optim = torch.optim
    if name == "gd":
        return optim.SGD(params, lr=lr, momentum=momentum or 0.0)
    if name == "momentum":
        return optim.SGD(params, lr=lr, momentum=0.9 if momentum is None else momentum)
    if name == "nesterov":
        return optim.SGD(params, lr=lr, momentum=0.9 if momentum is None else momentum, nesterov=True)
    if name == "adagrad":
        return optim.Adagrad(params, lr=lr)
    if name == "rmsprop":
        return optim.RMSprop(params, lr=lr, momentum=momentum or 0.0)
    return optim.Adam(params, lr=lr)


@pytest.mark.parametrize("name,momentum", [(name, None) for name in OPTIMIZERS]
                         + [("gd", 0.5), ("momentum", 0.3), ("rmsprop", 0.7)])
def test_matches_torch_on_a_real_objective(name, momentum):
    torch = pytest.importorskip("torch")
    from lossviz.core.dataset import make_dataset
    from lossviz.core.losses import get_loss
    from lossviz.core.model import ModelShape
    from lossviz.core.objective import Objective
    from lossviz.core.training import fit

    rng = np.random.default_rng(7)
    X = rng.normal(size=(50, 2))
    y = rng.integers(0, 3, 50)
    shape = ModelShape("multiclass", 2, 3)
    objective = Objective(shape, get_loss("ce", "multiclass"), make_dataset(X, y, "multiclass", 2, 3))
    theta0 = rng.normal(size=(3, 3))
    config = OptimizerConfig(name, 0.05, momentum)
    ours = fit(objective, theta0, config, steps=40)

    W = torch.tensor(theta0[:, :-1], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(theta0[:, -1], dtype=torch.float64, requires_grad=True)
    opt = _torch_optimizer(torch, name, [W, b], 0.05, momentum)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    for step in range(41):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(Xt @ W.T + b, yt)
        loss.backward()
        assert ours.losses[step] == pytest.approx(loss.item(), rel=1e-12)
        np.testing.assert_allclose(ours.thetas[step, :, :-1], W.detach().numpy(), rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(ours.thetas[step, :, -1], b.detach().numpy(), rtol=1e-11, atol=1e-14)
        opt.step()

"""A user's script over lossviz's public API, type-checked strictly in CI (``python -m mypy``): the names, arguments
and results a notebook or a script uses are typed as documented in docs/python.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import lossviz as lv


def fitted_slopes(samples: int = 40, seed: int = 0) -> tuple[float, np.ndarray]:
    """A line fitted to noisy samples: the final loss and the slopes W (1, 1)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, (samples, 1))
    y = 1.5 * X[:, 0] - 0.5 + rng.normal(0, 0.3, samples)
    scene: lv.Scene = lv.Scene.from_data(X, y, task="regression", lr=0.1, steps=200)
    run: lv.Run = scene.replace(optimizer=lv.Optimizer("momentum", lr=0.05, momentum=0.9)).fit()
    W, b = run.theta
    return float(run.loss[-1]), W


def slides(folder: Path) -> list[Path]:
    """The figures and the animation of a preset, written to ``folder``."""
    scene = lv.preset("xor")
    grid: lv.SurfaceGrid = scene.surface(resolution=32, plane="pca")
    assert grid.loss.shape == (32, 32)
    points: list[float] = [point.data_loss for point in scene.sweep(degrees=[1, 2, 3]).points]
    assert len(points) == 3
    figure: lv.Figure = lv.render(scene, layout="surface", size=(800, 450))
    written = [figure.save(folder / "xor.png")]
    animation = lv.animate(scene, folder / "xor.gif", fps=12)
    assert isinstance(animation, Path)
    return [*written, animation]


if __name__ == "__main__":
    print(fitted_slopes())

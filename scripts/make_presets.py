"""Regenerate lossviz/resources/scenes/*.json from lossviz.core.generators (run from the repo root)."""

import numpy as np

from lossviz.core import generators
from lossviz.core.dataset import make_dataset
from lossviz.core.distributions import parse_distribution
from lossviz.core.features import Split, feature_count
from lossviz.core.model import ModelShape
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.runs import parse_runs
from lossviz.core.scene import Scene, SurfaceConfig, write_scene

DEFAULT_OPTIMIZER = OptimizerConfig("gd", 0.1)
DEFAULT_SURFACE = SurfaceConfig()


def scene(name, title, task, X, y, loss, dims, classes=2, optimizer=DEFAULT_OPTIMIZER,
          steps=100, init=None, surface=DEFAULT_SURFACE, notes="", runs=None, distribution=None,
          split=None, degree=None, l2=0.0):
    X = np.round(X, 3)
    y = np.round(y, 3) if task == "regression" else y
    shape = ModelShape(task, feature_count(dims, degree), classes)
    theta = shape.zeros() if init is None else np.array(init, dtype=float)
    s = Scene(task=task, dims=dims, loss=loss, data=make_dataset(X, y, task, dims, classes),
              init=theta, classes=classes, optimizer=optimizer, steps=steps, surface=surface,
              title=title, notes=notes, runs=parse_runs(runs, optimizer) if runs else (),
              distribution=distribution, split=split, degree=degree, l2=l2)
    write_scene(s, f"lossviz/resources/scenes/{name}.json")


def drawn(distribution):
    """A scene's data drawn from its distribution (``lossviz sample`` draws the same): X, y."""
    data = distribution.sample()
    return data.X, data.y


scene("linear-regression", "1-D linear regression, ŷ = Wx + b with the L2 loss", "regression",
      *generators.linear_1d(30, 0.5, 1), "l2", 1, init=[[-1.5, 2.5]], steps=60,
      notes="The L2 surface is a bowl: gradient descent rolls to the least-squares line.")
scene("regression-outliers", "Regression with outliers: compare L2, L1 and Huber", "regression",
      *generators.linear_outliers(30, 0.3, 2), "l2", 1, steps=200,
      notes="Switch the loss to l1 or huber: the outliers stop dragging the line.")
scene("binary-1d", "1-D binary classification, ŷ = σ(Wx + b) with BCE", "binary",
      *generators.binary_1d(40, 0.5, 3), "bce", 1, optimizer=OptimizerConfig("gd", 0.5), steps=150,
      init=[[-2.0, 1.5]])
scene("binary-2d-blobs", "2-D binary classification: two blobs, sigmoid + BCE", "binary",
      *generators.blobs(60, 0.5, 4), "bce", 2, optimizer=OptimizerConfig("gd", 0.5), steps=150,
      init=[[-2.0, 3.0, 0.0]])
scene("multiclass-3", "3-class classification: softmax + cross-entropy", "multiclass",
      *generators.blobs(90, 0.5, 5, classes=3), "ce", 2, classes=3,
      optimizer=OptimizerConfig("gd", 0.5), steps=150)
scene("xor", "XOR: what a linear model cannot do", "binary",
      *generators.xor(60, 0.25, 6), "bce", 2, optimizer=OptimizerConfig("gd", 0.5), steps=150,
      init=[[1.5, 1.5, 0.0]],
      notes="Every linear boundary misclassifies about half the points; the best θ is near 0. Give φ degree 2 "
            "(Capacity section): with the feature x₁x₂ a linear model in φ separates them.")
scene("optimizer-race", "Optimizer race on two blobs: gradient descent, momentum and Adam", "binary",
      *generators.blobs(60, 0.5, 4), "bce", 2, optimizer=OptimizerConfig("gd", 0.5), steps=60,
      init=[[-2.0, 3.0, 0.0]], surface=SurfaceConfig(x_range=(-3.0, 4.0), y_range=(-0.5, 6.5)),
      runs=[{"label": "gradient descent (lr 0.5)", "optimizer": {"name": "gd", "lr": 0.5}},
            {"label": "momentum 0.9 (lr 0.1)", "optimizer": {"name": "momentum", "lr": 0.1}},
            {"label": "Adam (lr 0.1)", "optimizer": {"name": "adam", "lr": 0.1}}],
      notes="Same start, same data, same surface: which optimizer gets down first?")

LINE = parse_distribution({"name": "line", "n": 10, "seed": 7,
                           "params": {"slope": 0.8, "intercept": 0.5, "noise": 0.6, "x_range": [-3, 3]}})
scene("population-line", "From P(X, Y) to D: samples of a noisy line, L(θ|D) against L(θ|P)", "regression",
      *drawn(LINE), "l2", 1, init=[[-1.5, 2.5]], steps=60, distribution=LINE,
      notes="D is one draw of 10 samples from P: its minimum θ*_D (+) misses θ*_P (×). "
            "Resample ×20 shows the θ*_D of 20 other draws; set N = 200 and resample again.")
SINE = parse_distribution({"name": "sine", "n": 20, "seed": 3,
                           "params": {"amplitude": 1.0, "frequency": 0.15, "noise": 0.25, "x_range": [-3, 3]}})
scene("sine-samples", "Each sample's own loss: a line fitted to 20 samples of a sine", "regression",
      *drawn(SINE), "l2", 1, init=[[-1.0, 1.5]], steps=60, distribution=SINE,
      notes="L(θ|D) is the mean of the samples' losses l(θ|x_i, y_i), each a valley of its own: "
            "lossviz render sine-samples --layout decomposition.")
# Overfitting: 15 samples of the default sine, 4 held out (round(0.3 · 15) = round(4.5) = 4, Python's
# round); the seeds were chosen, among the first ones tried, for a test set inside the training points' x range and a
# clean capacity curve of 5,000 Adam steps per degree: training loss falling at every degree, test loss lowest at 5
SINE_15 = parse_distribution({"name": "sine", "n": 15, "seed": 6})
scene("sine-overfit", "Under- and overfitting: polynomial features on 15 samples of a sine, 4 held out", "regression",
      *drawn(SINE_15), "l2", 1, optimizer=OptimizerConfig("adam", 0.05), steps=5000, distribution=SINE_15,
      split=Split(0.3, 2), degree=3,
      notes="ŷ = W φ(x) + b, φ(x) = (x, x², x³) standardised; the 4 hollow points are the test set, never trained on. "
            "Raise the degree: the training loss keeps falling, the test loss rises past degree 5 "
            "(lossviz sweep sine-overfit draws the U-curve); λ > 0 tames the high degrees.")

"""The numerical core of lossviz: numpy only, never Qt.

Datasets, the linear model, losses with analytic gradients, torch-exact
optimizers, training loops, loss surfaces and scene files.
"""

"""lossviz: datasets, losses and gradient descent you can touch."""

__version__ = "0.1.0"

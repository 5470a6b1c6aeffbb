"""lossviz from Python: scenes from arrays, their fits and their figures — the numbers and pixels of the command line.

Every computation here is the one ``lossviz fit`` and ``lossviz render`` run on the same scene (``lossviz.core`` and
``lossviz.figures``), so that a notebook, the CLI and the window agree bit for bit. Bad input raises
``LossvizError`` (a ``ValueError``) with the message the CLI prints. Qt is imported only when a figure is drawn.

    >>> import lossviz as lv
    >>> scene = lv.preset("linear-regression").replace(steps=20)
    >>> run = scene.fit()
    >>> run.status, run.steps
    ('max_steps', 20)
"""

from __future__ import annotations

from lossviz.api.figure import Animation, Figure, set_inline_format
from lossviz.api.functions import animate, load, preset, presets, render
from lossviz.api.scene import Optimizer, Run, Scene, SurfaceGrid, Sweep
from lossviz.api.window import Window, run, show
from lossviz.core.errors import LossvizError

__all__ = ["LossvizError", "Optimizer", "Scene", "Run", "SurfaceGrid", "Sweep", "Figure", "Animation", "Window", "load",
           "preset", "presets", "render", "animate", "set_inline_format", "show", "run"]


"""lossviz: datasets, losses and gradient descent you can touch.

From Python (``lossviz.api``; ``import lossviz`` itself loads nothing but this file, the API on first use):

    >>> import lossviz as lv
    >>> run = lv.preset("linear-regression").fit(steps=10)
    >>> run.status
    'max_steps'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["LossvizError", "Optimizer", "Scene", "Run", "SurfaceGrid", "Sweep", "Figure", "Animation", "Window", "load",
           "preset", "presets", "render", "animate", "set_inline_format", "show", "run"]

if TYPE_CHECKING:
    from lossviz.api import (
        Animation,
        Figure,
        LossvizError,
        Optimizer,
        Run,
        Scene,
        SurfaceGrid,
        Sweep,
        Window,
        animate,
        load,
        preset,
        presets,
        render,
        run,
        set_inline_format,
        show,
    )


def __getattr__(name: str) -> Any:
    """The public API, imported when first asked for (``import lossviz`` stays light: no numpy, no Qt)."""
    if name in __all__:
        from lossviz import api

        return getattr(api, name)
    raise AttributeError(f"module 'lossviz' has no attribute {name!r}")

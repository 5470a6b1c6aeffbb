"""The API's window: ``show`` opens lossviz on a scene and reads its state back while it is open."""

from __future__ import annotations

from typing import Any

import numpy as np

from lossviz.api.scene import Run, Scene
from lossviz.core.errors import LossvizError


class Window:
    """The lossviz window ``show`` opened: ``scene`` is its current scene (the points a student clicked, at any
    time), ``run`` its live run so far, ``theta`` the live (W, b); ``set_scene`` shows another, ``close`` closes it.
    ``window`` is the Qt main window itself.

        >>> win = show(preset("xor"))           # doctest: +SKIP
        >>> X, y = win.scene.data_as_X_y        # doctest: +SKIP
    """

    def __init__(self, window: Any):
        self.window = window

    @property
    def scene(self) -> Scene:
        """The window's scene now."""
        return Scene(self.window.document.scene)

    @property
    def run(self) -> Run:
        """The live run's entries so far, as a Run: ``run.step`` numbers them (they may skip: a long run's path is
        thinned), ``run.steps`` is the last one."""
        from lossviz.core.experiment import fit_columns

        histories = self.window.live.state().histories
        if self.window.live.stopped() or not histories or not len(histories[0]):
            raise LossvizError("the window is closed: its run is gone (Window.scene still gives its scene)")
        result = histories[0].as_fit_result()
        return Run(self.scene, result, fit_columns(self.window.document.scene, result.thetas))

    @property
    def theta(self) -> tuple[np.ndarray, np.ndarray]:
        """The live θ as (W (k, d), b (k,))."""
        theta = self.window.live.state().theta
        return theta[:, :-1].copy(), theta[:, -1].copy()

    def set_scene(self, scene: Scene) -> None:
        """Show ``scene`` (untitled, a fresh undo history)."""
        self.window.document.load(scene.core, None)

    def close(self) -> None:
        """Stop the window's workers and close it."""
        self.window.shutdown()
        self.window.close()


def show(scene: Scene | None = None, block: bool | None = None) -> Window:
    """Open the lossviz window on ``scene`` (default: the app's default scene). In IPython or Jupyter it returns at
    once and the window stays live while further cells run; in a script it blocks until the window closes, unless
    ``block=False`` (then ``lv.run()`` runs the windows). Without a display: LossvizError, naming what to use.

        >>> win = show(preset("xor"))           # doctest: +SKIP
    """
    from lossviz.gui.notebook import in_ipython, open_window, run_event_loop

    window = Window(open_window(None if scene is None else scene.core))
    if block if block is not None else not in_ipython():
        run_event_loop()
    return window


def run() -> int:
    """Run the windows opened with ``show(block=False)`` until the last one closes (a script's event loop)."""
    from lossviz.gui.notebook import run_event_loop

    return run_event_loop()



"""The API's functions: scenes by file or name, and the figures and animations of ``lossviz render`` and
``animate``."""

from __future__ import annotations

from pathlib import Path

from lossviz.api.figure import DEFAULT_SIZE, Animation, Figure
from lossviz.api.scene import Scene
from lossviz.core.errors import LossvizError
from lossviz.process import one_blas_thread_meanwhile


def load(path: str | Path) -> Scene:
    """The scene file ``path`` (errors name the file and the key, as the CLI's).

        >>> load("mine.json").task  # doctest: +SKIP
        'binary'
    """
    from lossviz.core.scene import read_scene

    return Scene(read_scene(path))


def preset(name: str) -> Scene:
    """A bundled scene by name (``presets()`` lists them).

        >>> preset("xor").task
        'binary'
    """
    from lossviz.core.presets import load_preset, preset_names

    if name not in preset_names():
        raise LossvizError(f"{name!r}: no such preset (choose {', '.join(preset_names())})")
    return Scene(load_preset(name))


def presets() -> list[str]:
    """The bundled scenes' names.

        >>> "xor" in presets()
        True
    """
    from lossviz.core.presets import preset_names

    return list(preset_names())


def render(scene: Scene, layout: str = "full", size: tuple[int, int] = DEFAULT_SIZE, theme: str = "light",
           steps: int | None = None, scale: float = 1.0, formula: bool = True, plane: str | None = None) -> Figure:
    """``lossviz render``'s figure of ``scene`` (fitted for ``steps``, default its own), of ``size`` pixels (default
    1920 × 1080, as the command's): ``layout`` full, data, surface, curve, decomposition, population or
    interpolation; ``plane`` a plane through θ-space for the surface (default: the scene's). Drawn when it is saved
    or shown; without a display Qt's offscreen platform is chosen. Arguments are checked as the command's options.

        >>> render(preset("xor"), size=(640, 360)).save("xor.png")  # doctest: +SKIP
    """
    from lossviz.api.figure import checked_figure

    return checked_figure(scene.core, layout, size, theme, steps, scale, formula, plane)


def animate(scene: Scene, path: str | Path | None = None, fps: int = 12, size: tuple[int, int] = (800, 450),
            steps: int | None = None, theme: str = "light", layout: str = "full") -> Path | Animation:
    """``lossviz animate``: the descent as a GIF (or MP4) written to ``path``, which is returned; with no path an
    ``Animation`` that a notebook plays inline. Arguments are checked as the command's options.

        >>> animate(preset("xor"), "descent.gif", fps=12)  # doctest: +SKIP
    """
    import tempfile

    from lossviz.api import arguments
    from lossviz.core.limits import MAX_FPS, VIEW_LAYOUTS
    from lossviz.core.scene import MAX_STEPS

    _check_data(scene)
    if layout not in VIEW_LAYOUTS:
        raise LossvizError(f"layout {layout!r}: an animation draws {', '.join(VIEW_LAYOUTS)}")
    drawn = (arguments.figure_size(size), arguments.whole(fps, 1, MAX_FPS, "fps"),
             arguments.optional_whole(steps, 0, MAX_STEPS, "steps"), arguments.theme(theme), layout)
    from lossviz.figures.animation import animate_scene, check_animation_format  # Qt: only once the arguments hold
    from lossviz.figures.canvas import use_offscreen_if_headless

    if path is not None:
        check_animation_format(Path(path))
    use_offscreen_if_headless()
    with one_blas_thread_meanwhile():
        if path is not None:
            animate_scene(scene.core, path, *drawn)
            return Path(path)
        with tempfile.TemporaryDirectory(prefix="lossviz-") as folder:
            target = Path(folder) / "descent.gif"
            animate_scene(scene.core, target, *drawn)
            return Animation(target.read_bytes())


def _check_data(scene: Scene) -> None:
    """A LossvizError where the scene has no data to fit."""
    if scene.core.data.size == 0:
        raise LossvizError("data: the scene has no data points; add some before fitting")

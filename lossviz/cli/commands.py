"""The ``lossviz`` commands, one function each with typed parameters (the parser's options by name).

``fit``, ``surface``, ``sample``, ``presets``, ``import`` and ``sweep`` (but for its figure) are headless and never
import Qt; ``render``, ``animate`` and ``sweep -o FIGURE`` import the figures only when they draw. Bad input raises
LossvizError naming the file, key or option; nothing is written then.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from lossviz.cli.outputs import check_writable, emit, output_format
from lossviz.cli.terminal import LONG_WORK_SECONDS, check_memory, progress_bar, write_stdout
from lossviz.core.errors import LossvizError
from lossviz.core.limits import LECTURE_LAYOUTS
from lossviz.core.limits import MAX_FIGURE_PIXELS as MAX_PIXELS
from lossviz.core.reports import SURFACE_FORMATS, TABLE_FORMATS
from lossviz.core.scene import Scene
from lossviz.core.training import FitResult

if TYPE_CHECKING:
    from numpy.typing import NDArray

SWEEP_FIGURES = ("png", "svg", "pdf")
IMAGE_SUFFIXES = (".png", ".svg", ".pdf")
ANIMATION_SUFFIXES = (".gif", ".mp4")
DEFAULT_FPS, RESAMPLE_FPS = 12, 2


def _scene(name: str, needs_data: bool = True) -> Scene:
    """The scene of a file or preset ``name``; with ``needs_data``, an error naming the file if it has no data."""
    from lossviz.core.presets import resolve_scene

    scene = resolve_scene(name)
    if needs_data and scene.data.size == 0:
        raise LossvizError(f"{name}: data: the scene has no data points; add some before fitting")
    return scene


def _fit(scene: Scene, name: str, steps: int | None = None) -> FitResult:
    """The scene's fit (a progress bar on a terminal when it takes long); its errors name the scene file."""
    from lossviz.core.experiment import fit_scene

    try:
        return fit_scene(scene, steps, progress=progress_bar("steps", after=LONG_WORK_SECONDS))
    except LossvizError as error:
        raise LossvizError(f"{name}: {error}") from None


def _needs_distribution(scene: Scene, name: str, what: str) -> None:
    """An error naming the scene file and its missing ``distribution`` key."""
    from lossviz.core.decomposition import needs_distribution

    try:
        needs_distribution(scene, what)
    except LossvizError as error:
        raise LossvizError(f"{name}: {error}") from None


def fit(scene: str, steps: int | None, format: str | None, output: str | None, units: str = "scene") -> None:
    """``lossviz fit``: the trajectory of the scene's optimizer as JSON or CSV (W and b in the table's original units
    with ``units`` "original")."""
    from lossviz.core.experiment import fit_columns
    from lossviz.core.reports import trajectory_csv, trajectory_json

    check_writable(output)
    fmt = output_format(output, format, TABLE_FORMATS)
    loaded = _scene(scene)
    if units == "original":
        from lossviz.core.units import in_original_units

        try:
            in_original_units(loaded.init[None], loaded.standardization, loaded.degree)
        except LossvizError as error:
            raise LossvizError(f"{scene}: {error}") from None
    result = _fit(loaded, scene, steps)
    columns = fit_columns(loaded, result.thetas)
    curvature = None if units == "original" else _curvature_at(loaded, result.thetas[-1])
    if units == "original":
        result = replace(result, thetas=in_original_units(result.thetas, loaded.standardization, loaded.degree))
    if fmt == "csv":
        emit(trajectory_csv(result, loaded.shape, columns), output)
        return
    emit(trajectory_json(result, columns, curvature), output)


def _curvature_at(scene: Scene, theta: NDArray) -> dict | None:
    """The curvature at θ for ``fit``'s JSON: λ_max, λ_min, κ, the stable learning rate 2/λ_max (None where θ is
    not finite: a diverged run)."""
    import numpy as np

    from lossviz.core.curvature import curvature

    if not np.all(np.isfinite(theta)):
        return None
    with np.errstate(all="ignore"):
        summary = curvature(scene.objective(), theta).summary()
    summary["at"] = "the last θ"
    return summary


def surface(scene: str, resolution: int | None, of: tuple[str, int | None], output: str | None,
            plane: tuple[str, int] | None = None) -> None:
    """``lossviz surface``: L(θ|D), L(θ|P) or one sample's loss on the grid framed from the data (on a plane through
    θ-space with ``plane``)."""
    from lossviz.core.decomposition import surface_objective
    from lossviz.core.experiment import fit_scene, scene_surface
    from lossviz.core.reports import plane_output, surface_output

    check_writable(output)
    fmt = output_format(output, None, SURFACE_FORMATS)
    loaded = _scene(scene)
    what, index = of
    if what == "population":
        _needs_distribution(loaded, scene, "--of population")
    try:
        objective = surface_objective(loaded, what, index)
    except LossvizError as error:
        raise LossvizError(f"{scene}: {'--of ' if what == 'sample' else ''}{error}") from None
    try:
        grid = scene_surface(loaded, objective, lambda: fit_scene(loaded, progress=progress_bar(
            "steps", after=LONG_WORK_SECONDS)).thetas, resolution, plane, progress_bar("samples", after=LONG_WORK_SECONDS))
    except LossvizError as error:
        raise LossvizError(f"{scene}: {error}") from None
    if grid.plane is None:
        emit(surface_output(grid.surface, fmt), output)
        return
    assert grid.path is not None
    surface_ = grid.surface
    emit(plane_output(grid.plane, surface_.x, surface_.y, surface_.loss, grid.path, fmt,
                      (surface_.x_param, surface_.y_param)), output)


def sample(scene: str, n: int | None, seed: int | None, output: str) -> None:
    """``lossviz sample``: N draws from the scene's P, as the scene with these data or as CSV."""
    from lossviz.core.csvdata import dataset_csv_text
    from lossviz.core.scene import write_scene

    check_writable(output)
    fmt = output_format(output, None, TABLE_FORMATS)
    loaded = _scene(scene, needs_data=False)
    _needs_distribution(loaded, scene, "lossviz sample")
    distribution = loaded.distribution
    assert distribution is not None
    n = distribution.n if n is None else n
    seed = distribution.seed if seed is None else seed
    data = distribution.sample(n, seed)
    if fmt == "csv":
        emit(dataset_csv_text(data), output)
    else:
        write_scene(loaded.replace(data=data, distribution=replace(distribution, n=n, seed=seed)), output)


def sweep(scene: str, degree: list[int], l2: list[float] | None, output: str | None, size: tuple[int, int],
          theme: str) -> None:
    """``lossviz sweep``: the final losses per degree of φ (and λ), as data or as the capacity figure."""
    from lossviz.core.reports import sweep_csv, sweep_json
    from lossviz.core.sweep import sweep as sweep_scene

    check_writable(output)
    fmt = output_format(output, None, ("csv", "json", *SWEEP_FIGURES))
    loaded = _scene(scene)
    if fmt in SWEEP_FIGURES:
        from lossviz.figures.canvas import use_offscreen_if_headless

        use_offscreen_if_headless()
    try:
        points = sweep_scene(loaded, degree, l2, progress_bar("fits"))
    except LossvizError as error:
        raise LossvizError(f"{scene}: {error}") from None
    if fmt in SWEEP_FIGURES:
        from lossviz.figures.sweep import render_sweep

        assert output is not None
        render_sweep(loaded, points, output, size, theme)
    else:
        emit(sweep_csv(points) if fmt == "csv" else sweep_json(points), output)


def _drawing_scene(scene: str, output: str, suffixes: tuple[str, ...], size: tuple[int, int], scale: float,
                   needs: str | None) -> Scene:
    """Checks shared by render and animate: the output, the scene (with a P where ``needs`` says so), the pixels;
    then Qt, offscreen when headless."""
    check_writable(output)
    if Path(output).suffix.lower() not in suffixes:
        raise LossvizError(f"{output}: cannot tell the format from the file name (use {', '.join(suffixes)})")
    loaded = _scene(scene)
    if needs is not None:
        _needs_distribution(loaded, scene, needs)
    from lossviz.figures.canvas import use_offscreen_if_headless

    use_offscreen_if_headless()
    if size[0] * scale > MAX_PIXELS or size[1] * scale > MAX_PIXELS:
        raise LossvizError(f"--size × --scale is larger than {MAX_PIXELS} pixels")
    return loaded


def render(scene: str, output: str, size: tuple[int, int], steps: int | None, theme: str, layout: str, scale: float,
           formula: bool, plane: tuple[str, int] | None = None) -> None:
    """``lossviz render``: the fitted scene as a slide image (PNG, SVG, PDF); a lecture, one image per slide."""
    from lossviz.core.slides import BUNDLED_LECTURE, is_lecture_file

    if scene == BUNDLED_LECTURE or is_lecture_file(scene):
        if plane is not None:
            raise LossvizError("--plane: not with a lecture (its slides are drawn as the window shows them)")
        render_slides(scene, output, size, steps, theme, layout, scale, formula)
        return
    if plane is not None and layout not in ("full", "surface"):
        raise LossvizError(f"--plane: draws the surface; not with --layout {layout}")
    loaded = _drawing_scene(scene, output, IMAGE_SUFFIXES, size, scale,
                            "--layout population" if layout == "population" else None)
    check_memory(size, scale, 1)
    _fit(loaded, scene, 0)  # a non-finite start is reported with the scene's name
    if plane is None and loaded.surface.plane != "coords" and layout in ("full", "surface"):
        plane = (loaded.surface.plane, loaded.surface.seed)  # the scene's own plane, as the window draws it
    if plane is not None:
        from lossviz.core.planes import plane_of

        try:  # refused here, in one line, before anything is drawn (a path too short for pca, …)
            plane_of(plane[0], loaded.objective(), _fit(loaded, scene, steps).thetas, axes=loaded.surface_axes,
                     center=loaded.surface_center, seed=plane[1])
        except LossvizError as error:
            raise LossvizError(f"{scene}: {error}") from None
    if layout in LECTURE_LAYOUTS:
        from lossviz.figures.lecture import render_lecture

        render_lecture(loaded, output, layout, size, scale, theme, steps, formula)
        return
    from lossviz.figures.figure import render_scene

    render_scene(loaded, output, size, scale, theme, steps, layout, formula, plane)


def render_slides(lecture: str, output: str, size: tuple[int, int], steps: int | None, theme: str, layout: str,
                  scale: float, formula: bool) -> None:
    """``lossviz render LECTURE -o FOLDER/``: each slide as its window shows it (its scene after its steps, or
    ``steps`` for all), written as FOLDER/01-name.png … (the suffix of ``-o FOLDER/*.svg`` chooses the format)."""
    from lossviz.core.slides import BUNDLED_LECTURE, bundled_lecture, read_lecture, slide_file_name

    folder, suffix = Path(output), ".png"
    if folder.name.startswith("*.") and folder.suffix.lower() in IMAGE_SUFFIXES:
        folder, suffix = folder.parent, folder.suffix.lower()
    elif folder.exists() and not folder.is_dir() or not (output.endswith(("/", "\\")) or folder.is_dir()):
        raise LossvizError(f"{output}: a lecture renders to a folder, one image a slide: end -o with / "
                           "(or FOLDER/*.svg, FOLDER/*.pdf)")
    if layout in LECTURE_LAYOUTS:
        raise LossvizError(f"--layout {layout}: not with a lecture (its slides are drawn as the window shows them)")
    if size[0] * scale > MAX_PIXELS or size[1] * scale > MAX_PIXELS:
        raise LossvizError(f"--size × --scale is larger than {MAX_PIXELS} pixels")
    loaded = bundled_lecture() if lecture == BUNDLED_LECTURE and not Path(lecture).exists() else read_lecture(lecture)
    for index, slide in enumerate(loaded.slides):  # every slide checked before a file is written
        _fit(slide.scene, f"{lecture}: slide {index + 1}", 0)
    folder.mkdir(exist_ok=True)
    check_memory(size, scale, 1)
    from lossviz.figures.canvas import use_offscreen_if_headless
    from lossviz.figures.figure import render_scene

    use_offscreen_if_headless()
    progress = progress_bar("slides")
    for index, slide in enumerate(loaded.slides):
        target = folder / slide_file_name(index, len(loaded.slides), slide, suffix)
        render_scene(slide.scene, str(target), size, scale, theme, slide.steps if steps is None else steps, layout,
                     formula)
        progress(index + 1, len(loaded.slides))
        write_stdout(f"{target}\n")


def animate(scene: str, output: str, size: tuple[int, int], steps: int | None, theme: str, layout: str | None,
            fps: int | None, resample: bool) -> None:
    """``lossviz animate``: the descent (or, with ``resample``, datasets drawn from P) as a GIF or MP4."""
    if resample and layout is not None:
        raise LossvizError("--layout: not with --resample (its frames show the data and the surface side by side)")
    loaded = _drawing_scene(scene, output, ANIMATION_SUFFIXES, size, 1.0, "--resample" if resample else None)
    from lossviz.figures.animation import MAX_FRAMES, animate_scene

    check_memory(size, 1.0, min(MAX_FRAMES, (loaded.steps if steps is None else steps) + 1))
    _fit(loaded, scene, 0)
    progress = progress_bar("frames")
    if resample:
        from lossviz.figures.lecture import animate_resample

        animate_resample(loaded, output, size, fps or RESAMPLE_FPS, steps, theme, progress)
        return
    animate_scene(loaded, output, size, fps or DEFAULT_FPS, steps, theme, layout or "full", progress)


def import_table(table: str, x: tuple[str, ...], y: str, task: str | None, standardize: bool, output: str) -> None:
    """``lossviz import``: a scene from a CSV table's columns."""
    from lossviz.core.scene import write_scene
    from lossviz.core.table import ImportChoice, read_table, skipped_text, table_scene

    check_writable(output)
    if Path(output).suffix.lower() != ".json":
        raise LossvizError(f"{output}: a scene is written as JSON: give a file name ending in .json")
    read = read_table(table)
    made, imported = table_scene(read, ImportChoice(x, y, task, standardize))
    write_scene(made, output)
    if imported.skipped:
        print(skipped_text(imported), file=sys.stderr)


def presets() -> None:
    """``lossviz presets``: the bundled scenes and their titles."""
    from lossviz.core.presets import preset_names, preset_title

    names = preset_names()
    width = max(map(len, names))
    write_stdout("".join(f"{name:<{width}}  {preset_title(name)}\n" for name in names))


COMMANDS: dict[str, Callable[..., None]] = {
    "fit": fit, "surface": surface, "sample": sample, "sweep": sweep, "presets": presets, "render": render,
    "animate": animate, "import": import_table}

"""The ``lossviz`` command.

``lossviz [SCENE]`` opens the app; ``fit``, ``surface``, ``sample``, ``presets``, ``import`` and ``sweep`` (but for
its figure) are headless and never import Qt. Bad input exits 2 with one ``lossviz: error: …`` line and writes nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
from pathlib import Path

from lossviz import __version__
from lossviz.core.errors import LossvizError
from lossviz.process import tune_process
from lossviz.terminal import (
    LONG_WORK_SECONDS,
    check_memory,
    printable,
    progress_bar,
    quiet_stdout_at_exit,
    write_stdout,
)

SUBCOMMANDS = ("fit", "surface", "sample", "sweep", "presets", "render", "animate", "import")
LECTURE_LAYOUTS = ("decomposition", "population")
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one ``lossviz: error:`` line."""

    def error(self, message):
        raise LossvizError(f"{message} (see '{self.prog} --help')")


def _int_in(low, high):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return value
    return parse


def _surface_of(text):
    """--of: ("data", None), ("population", None) or ("sample", I)."""
    if text in ("data", "population"):
        return text, None
    index = text[len("sample:"):] if text.startswith("sample:") else ""
    if index.isascii() and index.isdigit():
        return "sample", int(index)
    raise argparse.ArgumentTypeError(f"expected data, population or sample:I (I a sample's index, from 0), got {text!r}")


def build_parser() -> argparse.ArgumentParser:
    from lossviz.core.distributions import MAX_SAMPLE
    from lossviz.core.scene import MAX_RESOLUTION, MAX_STEPS

    parser = _Parser(prog="lossviz",
                     description="lossviz [SCENE] opens the app on a scene file or preset (default: binary-2d-blobs). "
                                 "The commands below run without a window; see 'lossviz presets'.")
    parser.add_argument("--version", action="version", version=f"lossviz {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    fit = commands.add_parser("fit", help="run the scene's optimizer and print or write the trajectory")
    fit.add_argument("scene", metavar="SCENE", help="a scene file or a preset name")
    fit.add_argument("--steps", type=_int_in(0, MAX_STEPS), help="number of updates (default: the scene's)")
    fit.add_argument("--format", choices=("json", "csv"), help="output format (default: from -o's extension, else json)")
    fit.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout (.json or .csv)")

    surface = commands.add_parser("surface", help="compute the scene's loss surface")
    surface.add_argument("scene", metavar="SCENE", help="a scene file or a preset name")
    surface.add_argument("--resolution", type=_int_in(2, MAX_RESOLUTION), help="grid points per axis (default: the scene's)")
    surface.add_argument("--of", type=_surface_of, default=("data", None), metavar="data|population|sample:I",
                         help="L(θ|D) of the data (default), L(θ|P) of the scene's distribution, or l(θ|x_i, y_i) of "
                              "sample I alone (0-based); all three on the grid framed from the data")
    surface.add_argument("-o", "--output", metavar="FILE", help="write .npz, .json or .csv (default: JSON on stdout)")

    sample = commands.add_parser("sample", help="draw a dataset from the scene's distribution P(X, Y)")
    sample.add_argument("scene", metavar="SCENE", help="a scene file or a preset name (with a \"distribution\" key)")
    sample.add_argument("-n", type=_int_in(1, MAX_SAMPLE), metavar="N", help="sample size (default: the distribution's n)")
    sample.add_argument("--seed", type=_int_in(0, 2**63 - 1), help="random seed (default: the distribution's seed)")
    sample.add_argument("-o", "--output", metavar="OUT", required=True,
                        help="the scene with the new data (.json; its distribution's n and seed updated) or the data (.csv)")

    _add_sweep(commands)
    _add_import(commands)

    for name, help_text, suffixes, size in (
            ("render", "draw the fitted scene to a slide image (.png, .svg, .pdf)", ".png, .svg or .pdf", "1920x1080"),
            ("animate", "draw the descent as an animation (.gif, .mp4)", ".gif or .mp4", "800x450")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("scene", metavar="SCENE", help="a scene file or a preset name")
        command.add_argument("-o", "--output", metavar="OUT", required=True, help=f"the file to write ({suffixes})")
        command.add_argument("--size", type=_size, default=_size(size), metavar="WxH",
                             help=f"pixel size (default {size})")
        command.add_argument("--steps", type=_int_in(0, MAX_STEPS), help="number of updates (default: the scene's)")
        command.add_argument("--theme", choices=("light", "dark"), default="light", help="colours (default light)")
        if name == "render":
            command.add_argument("--layout", choices=("full", "data", "surface", "curve", *LECTURE_LAYOUTS), default="full",
                                 help="the whole figure, one view, the samples' losses adding up to L(θ|D) "
                                      "(decomposition) or L(θ|D) against L(θ|P) (population); default full")
            command.add_argument("--scale", type=_scale, default=1.0, metavar="S",
                                 help="multiply the pixel size, fonts and line widths (e.g. 2 for a 2× image)")
            command.add_argument("--no-formula", dest="formula", action="store_false",
                                 help="leave out the model and loss formulas")
        else:
            command.add_argument("--layout", choices=("full", "data", "surface", "curve"),
                                 help="the whole figure or one view (default full)")
            command.add_argument("--fps", type=_int_in(1, 60), help="frames per second (default 12; 2 with --resample)")
            command.add_argument("--resample", action="store_true",
                                 help="one frame per dataset drawn from the scene's distribution (20 of its N): "
                                      "θ*_D of each over the contours of L(θ|P)")
    return parser


def _add_sweep(commands) -> None:
    """The ``sweep`` command's arguments."""
    from lossviz.core.features import MAX_DEGREE

    sweep = commands.add_parser("sweep", help="fit the scene once per degree of its features (and λ): the final "
                                              "training and test losses, as data or as the U-shaped figure")
    sweep.add_argument("scene", metavar="SCENE", help="a scene file or a preset name")
    sweep.add_argument("--degree", type=_degrees, default=list(range(1, MAX_DEGREE + 1)), metavar="DEGREES",
                       help="degrees of φ: a range 1:12 (the default), a list 1,3,5, or both (1:4,8)")
    sweep.add_argument("--l2", type=_l2s, metavar="LAMBDAS",
                       help="values of λ, e.g. 0,1e-3,1e-2,0.1,1 (default: the scene's λ)")
    sweep.add_argument("-o", "--output", metavar="OUT",
                       help="the points (.csv, .json) or the figure (.png, .svg, .pdf); default: JSON on stdout")
    sweep.add_argument("--size", type=_size, default=_size("1920x1080"), metavar="WxH",
                       help="the figure's pixel size (default 1920x1080)")
    sweep.add_argument("--theme", choices=("light", "dark"), default="light", help="the figure's colours (default light)")


def _add_import(commands) -> None:
    """The ``presets`` and ``import`` commands' arguments."""
    from lossviz.core.dataset import TASKS

    commands.add_parser("presets", help="list the bundled scenes")
    table = commands.add_parser("import", help="make a scene from a table (CSV): one or two feature columns and a label")
    table.add_argument("table", metavar="TABLE", help="a CSV file: header or not, comma, semicolon or tab")
    table.add_argument("--x", required=True, type=_columns, metavar="COL[,COL]",
                       help="the feature column(s): header names or 0-based indices")
    table.add_argument("--y", required=True, type=_column, metavar="COL", help="the label column: a header name or an index")
    table.add_argument("--task", choices=TASKS, help="default: suggested by the labels (numbers → regression, "
                                                     "two values → binary, a few → multiclass)")
    table.add_argument("--standardize", action="store_true", help="scale each feature to mean 0, std 1")
    table.add_argument("-o", "--output", metavar="SCENE", required=True, help="the scene file to write (.json)")


def _column(text):
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a column name or index, got an empty string")
    return text


def _columns(text):
    columns = [_column(part) for part in text.split(",")]
    if len(columns) > 2:
        raise argparse.ArgumentTypeError(f"one or two feature columns (lossviz shows 1 or 2 inputs), got {len(columns)}")
    return tuple(columns)


def _degrees(text):
    from lossviz.core.sweep import parse_degrees

    try:
        return parse_degrees(text)
    except LossvizError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _l2s(text):
    from lossviz.core.sweep import parse_l2s

    try:
        return parse_l2s(text)
    except LossvizError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _size(text):
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1920x1080, got {text!r}") from None
    if not (16 <= width <= 8192 and 16 <= height <= 8192):
        raise argparse.ArgumentTypeError(f"width and height must be between 16 and 8192, got {text!r}")
    return width, height


def _scale(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.25 <= value <= 8:
        raise argparse.ArgumentTypeError(f"must be between 0.25 and 8, got {text!r}")
    return value


def _output_format(path: str | None, requested: str | None, allowed: tuple[str, ...]) -> str:
    if path is None:
        return requested or "json"
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in allowed:
        if requested and requested != suffix:
            raise LossvizError(f"--format {requested} does not match the file name {path!r}")
        return suffix
    if requested:
        return requested
    raise LossvizError(f"{path}: cannot tell the format from the file name (use {', '.join('.' + a for a in allowed)})")


def _check_writable(path: str) -> None:
    """Fail before any work if ``path`` cannot be written."""
    from lossviz.core.files import check_target

    if not path:
        raise LossvizError("-o/--output: expected a file name, got an empty string")
    check_target(path)


def _nonempty(scene, name: str):
    """``scene``, or an error naming the file if it has no data to fit."""
    if scene.data.size == 0:
        raise LossvizError(f"{name}: data: the scene has no data points; add some before fitting")
    return scene


def _fit(scene, name: str, steps=None):
    """The scene's fit; its errors name the scene file."""
    from lossviz.core.experiment import fit_scene
    try:
        return fit_scene(scene, steps, progress=progress_bar("steps", after=LONG_WORK_SECONDS))
    except LossvizError as error:
        raise LossvizError(f"{name}: {error}") from None


def _emit(text: str | bytes, path: str | None) -> None:
    from lossviz.core.files import write_atomic

    if path is None:
        write_stdout(text if isinstance(text, str) else text.decode())
    else:
        write_atomic(path, text)


def _number(value: float) -> float | None:
    """A loss for JSON: None (null) where it is not finite (a test loss can overflow where the training loss does not)."""
    return value if math.isfinite(value) else None


def trajectory_json(result, shape, columns: dict | None = None) -> str:
    """``lossviz fit``'s JSON: the status and one entry per step; ``columns`` (``fit_columns``) go after "loss"."""
    W = result.thetas[:, :, :-1].tolist()
    b = result.thetas[:, :, -1].tolist()
    extra = {name: values.tolist() for name, values in (columns or {}).items()}
    entries = []
    for k, (loss, w, bb, g) in enumerate(zip(result.losses.tolist(), W, b, result.grad_norms.tolist())):
        entry = {"step": k, "loss": loss}
        entry.update((name, _number(values[k])) for name, values in extra.items())
        entry.update(W=w, b=bb, grad_norm=g)
        entries.append(entry)
    return json.dumps({"status": result.status, "trajectory": entries}) + "\n"


def trajectory_csv(result, shape, columns: dict | None = None) -> str:
    """``lossviz fit``'s CSV: step, loss, the ``columns`` (``fit_columns``), the parameters and ‖∇L‖, one row per step."""
    columns = columns or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["step", "loss", *columns, *shape.param_names(), "grad_norm"])
    flat = result.thetas[:, :, :-1].reshape(len(result.thetas), -1)
    extra = list(zip(*(values.tolist() for values in columns.values()))) or [()] * len(result.losses)
    for k, (loss, more, w, b, g) in enumerate(zip(result.losses.tolist(), extra, flat.tolist(),
                                                  result.thetas[:, :, -1].tolist(), result.grad_norms.tolist())):
        writer.writerow([k, loss, *more, *w, *b, g])
    return buffer.getvalue()


def _command_fit(args) -> None:
    from lossviz.core.experiment import fit_columns
    from lossviz.core.presets import resolve_scene

    if args.output is not None:
        _check_writable(args.output)
    fmt = _output_format(args.output, args.format, ("json", "csv"))
    scene = _nonempty(resolve_scene(args.scene), args.scene)
    result = _fit(scene, args.scene, args.steps)
    render = trajectory_csv if fmt == "csv" else trajectory_json
    _emit(render(result, scene.shape, fit_columns(scene, result.thetas)), args.output)


def _command_surface(args) -> None:
    import numpy as np

    from lossviz.core.decomposition import surface_objective
    from lossviz.core.experiment import surface_spec
    from lossviz.core.presets import resolve_scene
    from lossviz.core.surface import loss_surface

    if args.output is not None:
        _check_writable(args.output)
    fmt = _output_format(args.output, None, ("npz", "json", "csv"))
    scene = _nonempty(resolve_scene(args.scene), args.scene)
    of, index = args.of
    if of == "population":
        _needs_distribution(scene, args.scene, "--of population")
    try:
        objective = surface_objective(scene, of, index)
    except LossvizError as error:
        raise LossvizError(f"{args.scene}: {'--of ' if of == 'sample' else ''}{error}") from None
    path = None
    if scene.surface.x_range is None or scene.surface.y_range is None:
        path = _fit(scene, args.scene).thetas
    # framed from the data (its fit and, for L2, its minimum) whatever is shown: one grid for all three surfaces
    spec = surface_spec(scene, scene.objective(), path, args.resolution)
    with np.errstate(all="ignore"):  # an overflowing loss shows as inf (null in JSON), not as warnings
        surface = loss_surface(objective, spec, progress=progress_bar("samples", after=LONG_WORK_SECONDS))
    _emit(_surface_text(surface, fmt), args.output)


def _surface_text(surface, fmt: str) -> str | bytes:
    """The surface as .npz bytes, JSON or CSV text."""
    import numpy as np

    if fmt == "npz":
        archive = io.BytesIO()
        np.savez(archive, x=surface.x, y=surface.y, loss=surface.loss,
                 x_param=np.array(surface.x_param), y_param=np.array(surface.y_param))
        return archive.getvalue()
    if fmt == "json":
        loss = [[value if np.isfinite(value) else None for value in row] for row in surface.loss.tolist()]
        return json.dumps({"x_param": surface.x_param, "y_param": surface.y_param, "x": surface.x.tolist(),
                           "y": surface.y.tolist(), "loss": loss}) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([surface.x_param, surface.y_param, "loss"])
    xs, ys = surface.x.tolist(), surface.y.tolist()
    for i, row in enumerate(surface.loss.tolist()):
        writer.writerows([x, ys[i], value] for x, value in zip(xs, row))
    return buffer.getvalue()


def _needs_distribution(scene, name: str, what: str) -> None:
    """An error naming the scene file and its missing ``distribution`` key."""
    from lossviz.core.decomposition import needs_distribution

    try:
        needs_distribution(scene, what)
    except LossvizError as error:
        raise LossvizError(f"{name}: {error}") from None


def _command_sample(args) -> None:
    from dataclasses import replace

    from lossviz.core.csvdata import dataset_csv_text
    from lossviz.core.presets import resolve_scene
    from lossviz.core.scene import scene_to_text

    _check_writable(args.output)
    fmt = _output_format(args.output, None, ("json", "csv"))
    scene = resolve_scene(args.scene)
    _needs_distribution(scene, args.scene, "lossviz sample")
    distribution = scene.distribution
    assert distribution is not None
    n = distribution.n if args.n is None else args.n
    seed = distribution.seed if args.seed is None else args.seed
    data = distribution.sample(n, seed)
    if fmt == "csv":
        _emit(dataset_csv_text(data), args.output)
    else:
        _emit(scene_to_text(scene.replace(data=data, distribution=replace(distribution, n=n, seed=seed))), args.output)


SWEEP_FIGURES = ("png", "svg", "pdf")


def _command_sweep(args) -> None:
    from lossviz.core.presets import resolve_scene
    from lossviz.core.sweep import sweep

    if args.output is not None:
        _check_writable(args.output)
    fmt = _output_format(args.output, None, ("csv", "json", *SWEEP_FIGURES))
    scene = _nonempty(resolve_scene(args.scene), args.scene)
    if fmt in SWEEP_FIGURES:
        from lossviz.gui.render import use_offscreen_if_headless

        use_offscreen_if_headless()
    try:
        points = sweep(scene, args.degree, args.l2, progress_bar("fits"))
    except LossvizError as error:
        raise LossvizError(f"{args.scene}: {error}") from None
    if fmt in SWEEP_FIGURES:
        from lossviz.gui.render_sweep import render_sweep

        render_sweep(scene, points, args.output, args.size, args.theme)
    else:
        _emit(sweep_csv(points) if fmt == "csv" else sweep_json(points), args.output)


def _sweep_columns(points) -> list[str]:
    tested = any(point.test_loss is not None for point in points)
    return ["degree", "l2", "loss", "data_loss", *(["test_loss"] if tested else [])]


def sweep_json(points) -> str:
    """``lossviz sweep``'s JSON: {"points": [{"degree", "l2", "loss", "data_loss", "test_loss"}, …]} ("test_loss"
    only with a test set; null where it is not finite)."""
    columns = _sweep_columns(points)
    rows = [{name: getattr(point, name) for name in columns} for point in points]
    for row in rows:
        row.update((name, _number(row[name])) for name in ("loss", "data_loss", "test_loss") if name in row)
    return json.dumps({"points": rows}) + "\n"


def sweep_csv(points) -> str:
    """``lossviz sweep``'s CSV: one row of degree, l2, loss, data_loss (and test_loss) per point."""
    columns = _sweep_columns(points)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([getattr(point, name) for name in columns] for point in points)
    return buffer.getvalue()


def _drawing_scene(args, suffixes):
    """Checks shared by render and animate: output, scene; then Qt, offscreen when headless."""
    if args.output is not None:
        _check_writable(args.output)
    if Path(args.output).suffix.lower() not in suffixes:
        raise LossvizError(f"{args.output}: cannot tell the format from the file name (use {', '.join(suffixes)})")
    from lossviz.core.presets import resolve_scene

    scene = _nonempty(resolve_scene(args.scene), args.scene)
    if getattr(args, "layout", None) == "population" or getattr(args, "resample", False):
        _needs_distribution(scene, args.scene, "--resample" if getattr(args, "resample", False) else "--layout population")
    from lossviz.core.experiment import scene_runs

    try:
        scene_runs(scene)
    except LossvizError as error:
        raise LossvizError(f"{args.scene}: {error}") from None
    from lossviz.gui.render import use_offscreen_if_headless

    use_offscreen_if_headless()
    if args.size[0] * getattr(args, "scale", 1.0) > 16384 or args.size[1] * getattr(args, "scale", 1.0) > 16384:
        raise LossvizError("--size × --scale is larger than 16384 pixels")
    return scene


def _command_render(args) -> None:
    scene = _drawing_scene(args, (".png", ".svg", ".pdf"))
    check_memory(args, 1)
    _fit(scene, args.scene, 0)  # a non-finite start is reported with the scene's name
    if args.layout in LECTURE_LAYOUTS:
        from lossviz.gui.render_lecture import render_lecture

        render_lecture(scene, args.output, args.layout, args.size, args.scale, args.theme, args.steps, args.formula)
        return
    from lossviz.gui.render import render_scene

    render_scene(scene, args.output, args.size, args.scale, args.theme, args.steps, args.layout, args.formula)


def _command_animate(args) -> None:
    if args.resample and args.layout is not None:
        raise LossvizError("--layout: not with --resample (its frames show the data and the surface side by side)")
    scene = _drawing_scene(args, (".gif", ".mp4"))
    from lossviz.gui.render import MAX_FRAMES

    check_memory(args, min(MAX_FRAMES, (scene.steps if args.steps is None else args.steps) + 1))
    _fit(scene, args.scene, 0)
    progress = progress_bar("frames")
    if args.resample:
        from lossviz.gui.render_lecture import animate_resample

        animate_resample(scene, args.output, args.size, args.fps or 2, args.steps, args.theme, progress)
        return
    from lossviz.gui.render import animate_scene

    animate_scene(scene, args.output, args.size, args.fps or 12, args.steps, args.theme, args.layout or "full", progress)


def _command_import(args) -> None:
    from lossviz.core.scene import scene_to_text
    from lossviz.core.table import ImportChoice, read_table, skipped_text, table_scene

    _check_writable(args.output)
    table = read_table(args.table)
    scene, imported = table_scene(table, ImportChoice(args.x, args.y, args.task, args.standardize))
    _emit(scene_to_text(scene), args.output)
    if imported.skipped:
        print(skipped_text(imported), file=sys.stderr)


def _command_presets(args) -> None:
    from lossviz.core.presets import preset_names, preset_title

    names = preset_names()
    width = max(map(len, names))
    write_stdout("".join(f"{name:<{width}}  {preset_title(name)}\n" for name in names))


def _open_app(argv: list[str]) -> int:
    parser = _Parser(prog="lossviz", usage="lossviz [SCENE] | lossviz {" + ",".join(SUBCOMMANDS) + "} ...",
                     description="Open the lossviz app on SCENE (a scene file or preset name), "
                                 "or on the default scene.")
    parser.add_argument("scene", nargs="?", metavar="SCENE")
    args = parser.parse_args(argv)
    from lossviz.gui.app import run_app

    return run_app(args.scene)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    tune_process()  # numpy's temporaries reused and one BLAS thread (process.py)
    if sys.stderr is not None and hasattr(sys.stderr, "reconfigure"):
        sys.stderr.reconfigure(errors="backslashreplace")  # an error line never fails for want of an encoding
    try:
        if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
            return _open_app(argv)
        args = build_parser().parse_args(argv)
        {"fit": _command_fit, "surface": _command_surface, "sample": _command_sample, "sweep": _command_sweep,
         "presets": _command_presets, "render": _command_render, "animate": _command_animate,
         "import": _command_import}[args.command](args)
        return 0
    except LossvizError as error:
        print(f"lossviz: error: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # stdout closed early (e.g. piped into head): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    finally:
        quiet_stdout_at_exit()

"""The ``lossviz`` command's arguments: one argparse parser, whose errors are one ``lossviz: error:`` line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn, TypeVar

from lossviz import __version__
from lossviz.core.errors import LossvizError
from lossviz.core.limits import (
    FIGURE_SCALES,
    FIGURE_SIDES,
    LECTURE_LAYOUTS,
    MAX_FPS,
    SEED_BOUND,
    SLIDE_SIZE,
    THEMES,
    VIEW_LAYOUTS,
)
from lossviz.core.validate import quoted

SUBCOMMANDS = ("fit", "surface", "sample", "sweep", "presets", "render", "animate", "import")
MIN_SIDE, MAX_SIDE = FIGURE_SIDES  # pixels of --size
MIN_SCALE, MAX_SCALE = FIGURE_SCALES
MAX_INDEX_DIGITS = 18  # digits of an integer option (larger ones are out of every range)
RENDER_SIZE = "{}x{}".format(*SLIDE_SIZE)
ANIMATION_SIZE = "800x450"

T = TypeVar("T")


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one ``lossviz: error:`` line."""

    def error(self, message: str) -> NoReturn:
        """Raise the usage error (``lossviz.cli.main`` prints it and exits 2)."""
        raise LossvizError(f"{message} (see '{self.prog} --help')")


def int_in(low: int, high: int) -> Callable[[str], int]:
    """An argument type: an integer in [low, high]."""
    def parse(text: str) -> int:
        try:
            value = int(text) if len(text.strip()) <= MAX_INDEX_DIGITS else None
            if value is None:
                raise ValueError(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {quoted(text)}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return value
    return parse


def plane_choice(text: str) -> tuple[str, int]:
    """--plane: (kind, seed): coords, trajectory, pca, hessian, random or random:SEED."""
    from lossviz.core.planes import parse_plane

    try:
        return parse_plane(text)
    except LossvizError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def surface_of(text: str) -> tuple[str, int | None]:
    """--of: ("data", None), ("population", None) or ("sample", I)."""
    from lossviz.core.decomposition import parse_surface_of

    try:
        return parse_surface_of(text)
    except LossvizError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def size(text: str) -> tuple[int, int]:
    """--size WxH in pixels."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1920x1080, got {quoted(text)}") from None
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise argparse.ArgumentTypeError(f"width and height must be between {MIN_SIDE} and {MAX_SIDE}, got {quoted(text)}")
    return width, height


def scale(text: str) -> float:
    """--scale S."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {quoted(text)}") from None
    if not MIN_SCALE <= value <= MAX_SCALE:
        raise argparse.ArgumentTypeError(f"must be between {MIN_SCALE} and {MAX_SCALE:g}, got {quoted(text)}")
    return value


def column(text: str) -> str:
    """A table's column: a header name or a 0-based index."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a column name or index, got an empty string")
    return text


def columns(text: str) -> tuple[str, ...]:
    """--x: 1 to MAX_DIMS feature columns, or "all" (every numeric column but the label)."""
    from lossviz.core.limits import MAX_DIMS

    chosen = [column(part) for part in text.split(",")]
    if len(chosen) > MAX_DIMS:
        raise argparse.ArgumentTypeError(f"1 to {MAX_DIMS} feature columns, got {len(chosen)}")
    return tuple(chosen)


def _from_core(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argument type from a core parser that raises LossvizError."""
    def convert(text: str) -> T:
        try:
            return parse(text)
        except LossvizError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return convert


def build_parser() -> argparse.ArgumentParser:
    """Every command and its options."""
    from lossviz.core.distributions import MAX_SAMPLE
    from lossviz.core.scene import MAX_RESOLUTION, MAX_STEPS

    parser = Parser(prog="lossviz",
                    description="lossviz [SCENE] opens the app on a scene file or preset (default: binary-2d-blobs). "
                                "The commands below run without a window; see 'lossviz presets'.")
    parser.add_argument("--version", action="version", version=f"lossviz {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    fit = commands.add_parser("fit", help="run the scene's optimizer and print or write the trajectory")
    fit.add_argument("scene", metavar="SCENE", help="a scene file or a preset name")
    fit.add_argument("--steps", type=int_in(0, MAX_STEPS), help="number of updates (default: the scene's)")
    fit.add_argument("--format", choices=("json", "csv"), help="output format (default: from -o's extension, else json)")
    fit.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout (.json or .csv)")
    fit.add_argument("--units", choices=("scene", "original"), default="scene",
                     help="W and b over the scene's inputs (default), or, for a table imported with --standardize, "
                          "over the table's original units (the same model: W/std, b − Σ W·mean/std)")

    surface = commands.add_parser("surface", help="compute the scene's loss surface")
    surface.add_argument("scene", metavar="SCENE", help="a scene file or a preset name")
    surface.add_argument("--resolution", type=int_in(2, MAX_RESOLUTION), help="grid points per axis (default: the scene's)")
    surface.add_argument("--of", type=surface_of, default=("data", None), metavar="data|population|sample:I",
                         help="L(θ|D) of the data (default), L(θ|P) of the scene's distribution, or l(θ|x_i, y_i) of "
                              "sample I alone (0-based); all three on the grid framed from the data")
    surface.add_argument("--plane", type=plane_choice, metavar="coords|trajectory|pca|hessian|random[:SEED]",
                         help="a plane through θ-space: the two axis parameters (coords), or through the fit's end the "
                              "start and the path's farthest point (trajectory), the path's two principal axes (pca), "
                              "the Hessian's largest and smallest curvature (hessian), two random directions (random); "
                              "the output gains the plane, the projected path and its distance off the plane "
                              "(default: the scene's surface.plane)")
    surface.add_argument("-o", "--output", metavar="FILE", help="write .npz, .json or .csv (default: JSON on stdout)")

    sample = commands.add_parser("sample", help="draw a dataset from the scene's distribution P(X, Y)")
    sample.add_argument("scene", metavar="SCENE", help="a scene file or a preset name (with a \"distribution\" key)")
    sample.add_argument("-n", type=int_in(1, MAX_SAMPLE), metavar="N", help="sample size (default: the distribution's n)")
    sample.add_argument("--seed", type=int_in(0, SEED_BOUND), help="random seed (default: the distribution's seed)")
    sample.add_argument("-o", "--output", metavar="OUT", required=True,
                        help="the scene with the new data (.json; its distribution's n and seed updated) or the data (.csv)")
    _add_sweep(commands)
    _add_import(commands)
    _add_drawing(commands)
    return parser


def _add_drawing(commands: argparse._SubParsersAction[Parser]) -> None:
    """The ``render`` and ``animate`` commands' arguments."""
    from lossviz.core.scene import MAX_STEPS

    for name, help_text, suffixes, default_size in (
            ("render", "draw the fitted scene to a slide image (.png, .svg, .pdf)", ".png, .svg or .pdf", RENDER_SIZE),
            ("animate", "draw the descent as an animation (.gif, .mp4)", ".gif or .mp4", ANIMATION_SIZE)):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("scene", metavar="SCENE", help="a scene file or a preset name")
        command.add_argument("-o", "--output", metavar="OUT", required=True, help=f"the file to write ({suffixes})")
        command.add_argument("--size", type=size, default=size(default_size), metavar="WxH",
                             help=f"pixel size (default {default_size})")
        command.add_argument("--steps", type=int_in(0, MAX_STEPS), help="number of updates (default: the scene's)")
        command.add_argument("--theme", choices=THEMES, default="light", help="colours (default light)")
        if name == "render":
            command.add_argument("--layout", choices=(*VIEW_LAYOUTS, *LECTURE_LAYOUTS), default="full",
                                 help="the whole figure, one view, the samples' losses adding up to L(θ|D) "
                                      "(decomposition), L(θ|D) against L(θ|P) (population) or L on the line from "
                                      "the start to the fit's end (interpolation); default full")
            command.add_argument("--plane", type=plane_choice, metavar="coords|trajectory|pca|hessian|random[:SEED]",
                                 help="draw the surface on a plane through θ-space (as lossviz surface --plane; "
                                      "default: the scene's surface.plane)")
            command.add_argument("--scale", type=scale, default=1.0, metavar="S",
                                 help="multiply the pixel size, fonts and line widths (e.g. 2 for a 2× image)")
            command.add_argument("--no-formula", dest="formula", action="store_false",
                                 help="leave out the model and loss formulas")
        else:
            command.add_argument("--layout", choices=VIEW_LAYOUTS, help="the whole figure or one view (default full)")
            command.add_argument("--fps", type=int_in(1, MAX_FPS), help="frames per second (default 12; 2 with --resample)")
            command.add_argument("--resample", action="store_true",
                                 help="one frame per dataset drawn from the scene's distribution (20 of its N): "
                                      "θ*_D of each over the contours of L(θ|P)")


def _add_sweep(commands: argparse._SubParsersAction[Parser]) -> None:
    """The ``sweep`` command's arguments."""
    from lossviz.core.features import MAX_DEGREE
    from lossviz.core.sweep import parse_degrees, parse_l2s

    sweep = commands.add_parser("sweep", help="fit the scene once per degree of its features (and λ): the final "
                                              "training and test losses, as data or as the U-shaped figure")
    sweep.add_argument("scene", metavar="SCENE", help="a scene file or a preset name")
    sweep.add_argument("--degree", type=_from_core(parse_degrees), default=list(range(1, MAX_DEGREE + 1)),
                       metavar="DEGREES", help="degrees of φ: a range 1:12 (the default), a list 1,3,5, or both (1:4,8)")
    sweep.add_argument("--l2", type=_from_core(parse_l2s), metavar="LAMBDAS",
                       help="values of λ, e.g. 0,1e-3,1e-2,0.1,1 (default: the scene's λ)")
    sweep.add_argument("-o", "--output", metavar="OUT",
                       help="the points (.csv, .json) or the figure (.png, .svg, .pdf); default: JSON on stdout")
    sweep.add_argument("--size", type=size, default=size(RENDER_SIZE), metavar="WxH",
                       help=f"the figure's pixel size (default {RENDER_SIZE})")
    sweep.add_argument("--theme", choices=THEMES, default="light", help="the figure's colours (default light)")


def _add_import(commands: argparse._SubParsersAction[Parser]) -> None:
    """The ``presets`` and ``import`` commands' arguments."""
    from lossviz.core.dataset import TASKS

    commands.add_parser("presets", help="list the bundled scenes")
    table = commands.add_parser("import", help="make a scene from a table (CSV): feature columns and a label")
    table.add_argument("table", metavar="TABLE", help="a CSV file: header or not, comma, semicolon or tab")
    table.add_argument("--x", required=True, type=columns, metavar="COL[,COL…]|all",
                       help="the feature columns (1 to 50): header names or 0-based indices, or all (every column but "
                            "the label holding numbers in at least 90 %% of the rows)")
    table.add_argument("--y", required=True, type=column, metavar="COL", help="the label column: a header name or an index")
    table.add_argument("--task", choices=TASKS, help="default: suggested by the labels (numbers → regression, "
                                                     "two values → binary, a few → multiclass)")
    table.add_argument("--standardize", action="store_true", help="scale each feature to mean 0, std 1")
    table.add_argument("-o", "--output", metavar="SCENE", required=True, help="the scene file to write (.json)")


def window_parser() -> Parser:
    """``lossviz [SCENE]``: the window's own arguments."""
    parser = Parser(prog="lossviz", usage="lossviz [SCENE] | lossviz {" + ",".join(SUBCOMMANDS) + "} ...",
                    description="Open the lossviz app on SCENE (a scene file or preset name), or on the default scene.")
    parser.add_argument("scene", nargs="?", metavar="SCENE")
    return parser

"""Optimizers and races: the scene's ``"optimizer"`` key and its ``"runs"`` key, parsed by one parser.

A race is listed under ``"runs"``: ``[{"label": "Adam (lr 0.1)", "optimizer": {...}}, …]``, each run starting from
the scene's ``init`` on the same data; a run's optimizer takes what it does not say from the scene's optimizer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lossviz.core.errors import LossvizError
from lossviz.core.limits import SEED_BOUND, VALUE_BOUND
from lossviz.core.optimizers import OPTIMIZERS, TITLES, OptimizerConfig
from lossviz.core.validate import as_object, check_keys, integer, number, show_value

MAX_RUNS = 8
MAX_LABEL = 60  # characters of a racer's label that are kept
OPTIMIZER_KEYS = ("name", "lr", "momentum", "batch_size")


@dataclass(frozen=True)
class Run:
    """One contender of a race: a label and an optimizer."""

    label: str
    optimizer: OptimizerConfig


def parse_optimizer(value: object, where: str = "optimizer", base: OptimizerConfig | None = None) -> OptimizerConfig:
    """An optimizer object at key ``where``, checked; what it leaves out comes from ``base`` (default: gradient
    descent at lr 0.1). Raises LossvizError naming ``<where>.<key>``."""
    base = base or OptimizerConfig()
    opt = as_object(value, where)
    check_keys(opt, OPTIMIZER_KEYS, where)
    name = opt.get("name", base.name)
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise LossvizError(f"{where}.name: unknown optimizer {show_value(name)} (choose {', '.join(OPTIMIZERS)})")
    lr = number(opt.get("lr", base.lr), f"{where}.lr")
    if lr > VALUE_BOUND:
        raise LossvizError(f"{where}.lr: must be at most {VALUE_BOUND:g}, got {lr:g}")
    momentum = opt.get("momentum")
    batch = opt.get("batch_size")
    try:
        return OptimizerConfig(name, lr, None if momentum is None else number(momentum, f"{where}.momentum"),
                               None if batch is None else integer(batch, f"{where}.batch_size", 1, SEED_BOUND))
    except LossvizError as error:  # OptimizerConfig names "optimizer.<key>"
        text = str(error)
        raise LossvizError(f"{where}{text[len('optimizer'):]}" if text.startswith("optimizer.") else text) from None


def optimizer_to_dict(config: OptimizerConfig, full: bool = True) -> dict[str, Any]:
    """The optimizer as a scene file writes it (``full``: ``batch_size`` written even when it is null)."""
    doc: dict[str, Any] = {"name": config.name, "lr": config.lr}
    if config.momentum is not None:
        doc["momentum"] = config.momentum
    if full or config.batch_size is not None:
        doc["batch_size"] = config.batch_size
    return doc


def parse_runs(value: object, base: OptimizerConfig) -> tuple[Run, ...]:
    """The ``"runs"`` key: 1 to MAX_RUNS racers, each with a label (default: its optimizer and lr) and an
    optimizer (what it leaves out is ``base``'s). Raises LossvizError naming ``runs[i].<key>``."""
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_RUNS:
        raise LossvizError(f"runs: expected a list of 1 to {MAX_RUNS} runs, got "
                           f"{f'{len(value)} runs' if isinstance(value, list) else show_value(value)}")
    runs = []
    for i, item in enumerate(value):
        where = f"runs[{i}]"
        run = as_object(item, where)
        check_keys(run, ("label", "optimizer"), where)
        config = parse_optimizer(run.get("optimizer", {}), f"{where}.optimizer", base)
        label = run.get("label", default_label(config))
        if not isinstance(label, str) or not label.strip():
            raise LossvizError(f"{where}.label: expected text, got {show_value(label)}")
        runs.append(Run(" ".join(label.split())[:MAX_LABEL], config))
    return tuple(runs)


def default_label(config: OptimizerConfig) -> str:
    """A racer's label where a scene file gives none: its optimizer's name and learning rate ("adam (lr 0.1)")."""
    return f"{config.name} (lr {config.lr:g})"


def runs_to_list(runs: tuple[Run, ...]) -> list[dict[str, Any]]:
    """The ``"runs"`` key as a scene file writes it."""
    return [{"label": run.label, "optimizer": optimizer_to_dict(run.optimizer, full=False)} for run in runs]


def racer(name: str, lr: float, momentum: float | None = None) -> Run:
    """One racer labelled the lecture's way ("Adam (lr 0.1)", "momentum (lr 0.1, momentum 0.8)")."""
    shown = "" if momentum is None else f", momentum {momentum:g}"
    return Run(f"{TITLES[name]} (lr {lr:g}{shown})", OptimizerConfig(name, lr, momentum))


def legend_texts(runs: tuple[Run, ...]) -> tuple[list[str], str]:
    """What a race's legend says of each racer, and what it says once for all. Labels made by ``racer`` (or the
    file format's default) say only what sets a racer apart: ("gradient descent", "momentum 0.9", "Adam") and
    "lr 0.5 for all" when the learning rates agree; labels a lecturer wrote are kept as they are."""
    made = all(run.label in (racer(run.optimizer.name, run.optimizer.lr, run.optimizer.momentum).label,
                             default_label(run.optimizer)) for run in runs)
    if not made:
        return [run.label for run in runs], ""
    shared = len({run.optimizer.lr for run in runs}) == 1
    texts = []
    for run in runs:
        config = run.optimizer
        text, extras = TITLES[config.name], [] if shared else [f"lr {config.lr:g}"]
        if config.momentum is not None:
            if text.endswith("momentum"):
                text = f"{text} {config.momentum:g}"
            else:
                extras.append(f"momentum {config.momentum:g}")
        texts.append(f"{text} ({', '.join(extras)})" if extras else text)
    return texts, f"lr {runs[0].optimizer.lr:g} for all" if shared and len(runs) > 1 else ""


def default_race(lr: float) -> tuple[Run, ...]:
    """Gradient descent, momentum and Adam, all at the learning rate ``lr`` (the panel's)."""
    return racer("gd", lr), racer("momentum", lr), racer("adam", lr)

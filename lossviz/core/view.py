"""How a scene is shown: its ``"view"`` key (theme, speed, log scales, what the surface's colours show).

Checked at read time like every other key (a wrong value names its key); keys of ``"view"`` this version does not
know are kept and written back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from lossviz.core.errors import LossvizError
from lossviz.core.projection import parse_choice
from lossviz.core.validate import as_object, number, show_value

THEME_NAMES = ("light", "dark")
SURFACE_OF = ("data", "population", "both")  # L(θ|D), L(θ|P), or L(θ|D) with L(θ|P)'s contours
MAX_SPEED = 1e6  # updates per second; 0 means as fast as possible
DEFAULT_SPEED = 30.0


@dataclass(frozen=True)
class ViewOptions:
    """How the scene is shown; ``other``: keys of ``"view"`` this version does not know, kept for the file;
    ``named``: the options the file named (written back even where they are the defaults)."""

    theme: str = "light"
    speed: float = DEFAULT_SPEED  # updates per second, 0: as fast as possible
    log_surface: bool = False
    log_loss: bool = False
    surface_of: str = "data"  # the surface's heat map: L(θ|D) ("data"), L(θ|P) ("population"), or both
    curvature_directions: bool = False  # the Hessian's top and bottom eigen-directions through θ on the surface
    data_view: str = "auto"  # more inputs than a plane shows: "auto" (the exact view), "feature:J" or "pair:J,K"
    other: dict[str, Any] = field(default_factory=dict)
    named: frozenset[str] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        if self.theme not in THEME_NAMES:
            raise LossvizError(f"view.theme: expected one of {', '.join(THEME_NAMES)}, got {show_value(self.theme)}")
        if not 0 <= self.speed <= MAX_SPEED:
            raise LossvizError(f"view.speed: must be between 0 and {MAX_SPEED:g} updates per second, "
                               f"got {show_value(self.speed)}")
        try:
            parse_choice(self.data_view)
        except ValueError:
            raise LossvizError(f"view.data_view: expected auto, feature:J or pair:J,K (inputs from 1), got "
                               f"{show_value(self.data_view)}") from None
        if self.surface_of not in SURFACE_OF:
            raise LossvizError(f"view.surface_of: expected one of {', '.join(SURFACE_OF)}, "
                               f"got {show_value(self.surface_of)}")

    def to_dict(self) -> dict[str, Any]:
        """The ``"view"`` key: the options that differ from the defaults or that the file named, then the unknown
        keys."""
        default = ViewOptions()
        known = {name: getattr(self, name) for name in OPTION_NAMES
                 if name in self.named or getattr(self, name) != getattr(default, name)}
        return {**known, **self.other}


OPTION_NAMES = tuple(f.name for f in fields(ViewOptions) if f.name not in ("other", "named"))


def parse_view(value: object) -> ViewOptions:
    """The ``"view"`` key, checked (raises LossvizError naming ``view.<key>``)."""
    stored = as_object(value, "view")
    values: dict[str, Any] = {}
    for key in ("theme", "surface_of", "data_view"):
        if key in stored:
            if not isinstance(stored[key], str):
                raise LossvizError(f"view.{key}: expected a name, got {show_value(stored[key])}")
            values[key] = stored[key]
    if "speed" in stored:
        values["speed"] = number(stored["speed"], "view.speed")
    for key in ("log_surface", "log_loss", "curvature_directions"):
        if key in stored:
            if not isinstance(stored[key], bool):
                raise LossvizError(f"view.{key}: expected true or false, got {show_value(stored[key])}")
            values[key] = stored[key]
    other = {key: item for key, item in stored.items() if key not in OPTION_NAMES}
    return ViewOptions(**values, other=other, named=frozenset(values))

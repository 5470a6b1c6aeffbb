"""The bundled scenes in ``lossviz/resources/scenes`` (the package ``lossviz.resources``)."""

from __future__ import annotations

import json
import os
import sys
from importlib import resources
from pathlib import Path

from lossviz.core.errors import LossvizError
from lossviz.core.files import input_exists, shown
from lossviz.core.scene import Scene, parse_scene_text, read_scene

if sys.version_info >= (3, 11):  # what resources.files() returns; importlib.abc.Traversable is deprecated from 3.12
    from importlib.resources.abc import Traversable
else:
    from importlib.abc import Traversable

DEFAULT_PRESET = "binary-2d-blobs"


def _folder() -> Traversable:
    """The folder of the bundled scenes, inside the package (``lossviz/resources/scenes``)."""
    return resources.files("lossviz.resources") / "scenes"


def preset_names() -> list[str]:
    """Names of the bundled scenes, sorted."""
    return sorted(entry.name[:-5] for entry in _folder().iterdir() if entry.name.endswith(".json"))


def preset_path(name: str) -> Path:
    """Where the bundled scene ``name`` lives on disk."""
    return Path(str(_folder() / f"{name}.json"))


def is_bundled(path: str | Path) -> bool:
    """True if ``path`` lies in the bundled scenes' folder: an installed file, which is never written
    (an app opens it as an untitled copy)."""
    try:
        return Path(path).resolve().is_relative_to(Path(str(_folder())).resolve())
    except (OSError, RuntimeError):  # an unreadable path or a symlink loop is no bundled scene
        return False


def preset_text(name: str) -> str:
    """The JSON text of the bundled scene ``name``."""
    return preset_path(name).read_text(encoding="utf-8")


def preset_title(name: str) -> str:
    """The one-line description stored under the scene's ``"title"`` key."""
    return json.loads(preset_text(name)).get("title", "")


def load_preset(name: str) -> Scene:
    """The bundled scene ``name``, checked like any scene file."""
    return parse_scene_text(preset_text(name), f"preset {name}")


def resolve_scene(argument: str) -> Scene:
    """A scene from a file path, or else from a preset of that name."""
    if argument in preset_names() and not input_exists(argument):
        return load_preset(argument)
    if input_exists(argument) or os.path.islink(argument):  # a dangling link: read_scene says what is wrong
        return read_scene(Path(argument))
    raise LossvizError(f"{shown(argument)}: no such file, and no preset of that name "
                       f"(presets: {', '.join(preset_names())})")

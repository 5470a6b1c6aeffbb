"""The bundled scenes in ``resources/scenes`` (shipped as ``lossviz.resources``)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from lossviz.core.errors import LossvizError
from lossviz.core.scene import Scene, parse_scene_text, read_scene

DEFAULT_PRESET = "binary-2d-blobs"


def _folder():
    tree = Path(__file__).resolve().parents[2]  # the checkout, when this code runs from one
    try:
        folder = resources.files("lossviz.resources") / "scenes"
    except ModuleNotFoundError:
        # running from a source tree on sys.path while the install put lossviz.resources elsewhere
        return tree / "resources" / "scenes"
    # an editable install of another checkout maps lossviz.resources into that checkout: this checkout's code
    # (run with PYTHONPATH, e.g. from a git worktree) goes with its own scenes
    checkout = Path(str(folder)).resolve().parents[1]
    if checkout != tree and (checkout / "pyproject.toml").is_file() and (tree / "resources" / "scenes").is_dir():
        return tree / "resources" / "scenes"
    return folder


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
    return preset_path(name).read_text(encoding="utf-8")


def preset_title(name: str) -> str:
    """The one-line description stored under the scene's ``"title"`` key."""
    return json.loads(preset_text(name)).get("title", "")


def load_preset(name: str) -> Scene:
    return parse_scene_text(preset_text(name), f"preset {name}")


def resolve_scene(argument: str) -> Scene:
    """A scene from a file path, or else from a preset of that name."""
    path = Path(argument)
    if path.exists():
        return read_scene(path)
    if argument in preset_names():
        return load_preset(argument)
    raise LossvizError(f"{argument}: no such file, and no preset of that name "
                       f"(presets: {', '.join(preset_names())})")

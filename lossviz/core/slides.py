"""Lecture files: an ordered list of slides, each a scene and the state it should show (issue 20, item 20).

A lecture file is JSON::

    {"lossviz_lecture": 1,
     "title": "Datasets and Losses",
     "slides": [{"scene": "population-line", "steps": 0, "notes": "P → D"},
                {"scene": "mine.json", "steps": 40},
                {"scene": {"lossviz": 1, …a whole scene…}, "steps": 12}]}

``scene`` is a bundled example's name, a scene file's path (relative to the lecture file) or a whole scene written
in place (what File → Save to lecture writes, so that a lecture is one file that cannot lose a slide). A slide shows
its scene as a fresh open of it does, after ``steps`` updates of the scene's descent (0: at the start θ): its
θ is that of ``lossviz fit SCENE --steps STEPS``, so the window, ``render`` and a fresh open agree. The scene keeps
its view (what the surface shows, the theme of renders) as every scene file does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from lossviz.core.errors import LossvizError
from lossviz.core.files import check_readable_size, read_input_text, shown, write_atomic
from lossviz.core.scene import Scene, scene_from_dict, scene_to_dict

LECTURE_VERSION = 1
MAX_SLIDES = 500
MAX_SLIDE_STEPS = 1_000_000
BUNDLED_LECTURE = "datasets-and-losses"
SLIDE_KEYS = ("scene", "steps", "notes")


@dataclass(frozen=True, eq=False)
class Slide:
    """One slide: the scene, the updates made before it is shown, and the lecturer's notes."""

    scene: Scene
    steps: int = 0
    notes: str = ""
    source: str | None = None  # the example's name or file it was read from (None: written in place)


@dataclass(frozen=True, eq=False)
class Lecture:
    """A title and its slides, in order."""

    title: str
    slides: tuple[Slide, ...]

    def with_slide(self, slide: Slide, at: int) -> Lecture:
        """The lecture with ``slide`` inserted at index ``at`` (the next slide after the one shown)."""
        slides = list(self.slides)
        slides.insert(max(0, min(at, len(slides))), slide)
        return Lecture(self.title, tuple(slides))


def is_lecture_text(text: str) -> bool:
    """True when ``text`` is a lecture file's JSON (it has the ``lossviz_lecture`` key), not a scene's."""
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(obj, dict) and "lossviz_lecture" in obj


def is_lecture_file(path: str | Path) -> bool:
    """True when ``path`` is a readable lecture file."""
    try:
        return is_lecture_text(read_input_text(path, "lecture file"))
    except LossvizError:
        return False


def read_lecture(path: str | Path) -> Lecture:
    """Read and check a lecture file; errors name the file and the slide ("l.json: slides[2].steps: …")."""
    path = Path(path)
    text = read_input_text(path, "lecture file")
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise LossvizError(f"{shown(path)}: not valid JSON ({error})") from None
    return lecture_from_dict(obj, shown(path), path.parent)


def lecture_from_dict(obj: object, source: str, folder: Path | None = None) -> Lecture:
    """A lecture from its parsed JSON; scene files are read relative to ``folder``."""
    if not isinstance(obj, dict) or obj.get("lossviz_lecture") != LECTURE_VERSION:
        raise LossvizError(f"{source}: not a lecture file (it needs \"lossviz_lecture\": {LECTURE_VERSION})")
    unknown = sorted(set(obj) - {"lossviz_lecture", "title", "slides"})
    if unknown:
        raise LossvizError(f"{source}: unknown key {unknown[0]!r} (keys: lossviz_lecture, title, slides)")
    title, slides = obj.get("title", ""), obj.get("slides")
    if not isinstance(title, str):
        raise LossvizError(f"{source}: title: expected text")
    if not isinstance(slides, list) or not slides:
        raise LossvizError(f"{source}: slides: expected a list of at least one slide")
    if len(slides) > MAX_SLIDES:
        raise LossvizError(f"{source}: slides: {len(slides)} slides; at most {MAX_SLIDES}")
    return Lecture(title, tuple(_slide(item, f"{source}: slides[{index}]", folder)
                                for index, item in enumerate(slides)))


def _slide(item: object, where: str, folder: Path | None) -> Slide:
    if not isinstance(item, dict):
        raise LossvizError(f"{where}: expected an object with \"scene\", \"steps\" and \"notes\"")
    unknown = sorted(set(item) - set(SLIDE_KEYS))
    if unknown:
        raise LossvizError(f"{where}: unknown key {unknown[0]!r} (keys: {', '.join(SLIDE_KEYS)})")
    steps, notes = item.get("steps", 0), item.get("notes", "")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps <= MAX_SLIDE_STEPS:
        raise LossvizError(f"{where}.steps: expected a whole number 0 … {MAX_SLIDE_STEPS:,}, got {steps!r}")
    if not isinstance(notes, str):
        raise LossvizError(f"{where}.notes: expected text")
    scene, source = _slide_scene(item.get("scene"), f"{where}.scene", folder)
    return Slide(scene, steps, notes, source)


def _slide_scene(value: object, where: str, folder: Path | None) -> tuple[Scene, str | None]:
    from lossviz.core.presets import load_preset, preset_names
    from lossviz.core.scene import read_scene

    if isinstance(value, dict):
        return scene_from_dict(value, where), None
    if not isinstance(value, str) or not value:
        raise LossvizError(f"{where}: expected an example's name, a scene file or a whole scene")
    path = Path(value) if folder is None or Path(value).is_absolute() else folder / value
    if value in preset_names() and not path.exists():
        return load_preset(value), value
    try:
        return read_scene(path), value
    except LossvizError as error:
        raise LossvizError(f"{where}: {error}") from None


def lecture_to_dict(lecture: Lecture) -> dict:
    """The lecture as JSON: slides read from an example or a file keep pointing there, the others in place."""
    slides = []
    for slide in lecture.slides:
        entry: dict = {"scene": slide.source if slide.source is not None else scene_to_dict(slide.scene)}
        if slide.steps:
            entry["steps"] = slide.steps
        if slide.notes:
            entry["notes"] = slide.notes
        slides.append(entry)
    return {"lossviz_lecture": LECTURE_VERSION, "title": lecture.title, "slides": slides}


def write_lecture(lecture: Lecture, path: str | Path) -> None:
    """Write ``lecture`` to ``path`` atomically (the old file stays whole if writing fails)."""
    text = json.dumps(lecture_to_dict(lecture), indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    check_readable_size(text, path, "lecture file")
    write_atomic(path, text)


def bundled_lecture() -> Lecture:
    """The bundled examples as one lecture, in the lecture's order (P → D, l → L, the three pairings, descent,
    optimizers, overfitting)."""
    from importlib import resources

    text = (resources.files("lossviz.resources") / "lectures" / f"{BUNDLED_LECTURE}.json").read_text("utf-8")
    return lecture_from_dict(json.loads(text), f"bundled lecture {BUNDLED_LECTURE}")


def slide_file_name(index: int, count: int, slide: Slide, suffix: str) -> str:
    """The file ``render LECTURE -o FOLDER/`` writes for slide ``index`` (0-based): "03-population-line.png"."""
    digits = max(2, len(str(count)))
    name = Path(slide.source).stem if slide.source else slide.scene.title or "slide"
    words = "".join(c if c.isalnum() or c in "-_" else " " for c in name.lower()).split()
    stem = "-".join(words)
    if len(stem) > 40:  # cut between words, never in one
        stem = stem[:41].rsplit("-", 1)[0] if "-" in stem[:41] else stem[:40]
    stem = stem or "slide"
    return f"{index + 1:0{digits}d}-{stem}{suffix}"

"""Lecture files: reading, writing, refusing, and the bundled lecture's order."""

import json

import pytest

from lossviz.core.errors import LossvizError
from lossviz.core.presets import load_preset
from lossviz.core.scene import scene_to_dict
from lossviz.core.slides import (
    Lecture,
    Slide,
    bundled_lecture,
    is_lecture_file,
    read_lecture,
    slide_file_name,
    write_lecture,
)


def test_the_bundled_lecture_is_every_example_in_the_lectures_order():
    from lossviz.core.presets import preset_names

    lecture = bundled_lecture()
    order = [slide.source for slide in lecture.slides]
    assert sorted(order) == preset_names()  # every example, once
    assert order[0] == "population-line" and order[1] == "sine-samples"  # P → D, then l → L
    assert order.index("linear-regression") < order.index("binary-1d") < order.index("multiclass-3")  # the pairings
    assert order[-2:] == ["optimizer-race", "sine-overfit"]  # descent's optimizers, then overfitting
    assert all(slide.notes for slide in lecture.slides)


def test_a_lecture_reads_back_as_written_names_files_and_scenes_in_place(tmp_path):
    own = load_preset("xor").replace(title="my own")
    (tmp_path / "mine.json").write_text(json.dumps(scene_to_dict(load_preset("binary-1d"))))
    (tmp_path / "l.json").write_text(json.dumps({"lossviz_lecture": 1, "title": "T", "slides": [
        {"scene": "population-line", "notes": "first"}, {"scene": "mine.json", "steps": 7},
        {"scene": scene_to_dict(own), "steps": 3}]}))
    lecture = read_lecture(tmp_path / "l.json")
    assert is_lecture_file(tmp_path / "l.json") and not is_lecture_file(tmp_path / "mine.json")
    assert [s.steps for s in lecture.slides] == [0, 7, 3] and lecture.slides[0].notes == "first"
    assert lecture.slides[1].scene == load_preset("binary-1d") and lecture.slides[2].scene == own
    write_lecture(lecture, tmp_path / "again.json")
    again = read_lecture(tmp_path / "again.json")
    assert [(s.scene, s.steps, s.notes, s.source) for s in again.slides] == \
        [(s.scene, s.steps, s.notes, s.source) for s in lecture.slides]


@pytest.mark.parametrize("slides, message", [
    ([], "slides: expected a list of at least one slide"),
    ([{"scene": "xor", "steps": -1}], "slides[0].steps: expected a whole number"),
    ([{"scene": "xor", "step": 3}], "slides[0]: unknown key 'step'"),
    ([{"scene": "xor"}, {"scene": "gone.json"}], "slides[1].scene: "),
    ([{"scene": {"lossviz": 1, "task": "nope"}}], "slides[0].scene: "),
])
def test_a_bad_lecture_names_the_slide_and_the_problem(tmp_path, slides, message):
    path = tmp_path / "l.json"
    path.write_text(json.dumps({"lossviz_lecture": 1, "slides": slides}))
    with pytest.raises(LossvizError, match="l.json: " + message.replace("[", r"\[").replace("]", r"\]")):
        read_lecture(path)


def test_a_scene_file_is_not_a_lecture(tmp_path):
    path = tmp_path / "scene.json"
    path.write_text(json.dumps(scene_to_dict(load_preset("xor"))))
    with pytest.raises(LossvizError, match="not a lecture file"):
        read_lecture(path)


def test_slides_are_named_in_order_with_whole_words():
    slide = Slide(load_preset("xor"), source="xor")
    assert slide_file_name(2, 12, slide, ".png") == "03-xor.png"
    assert slide_file_name(0, 1, Slide(load_preset("xor").replace(title="A/B: x²")), ".svg").startswith("01-a-b")
    assert Lecture("t", (slide,)).with_slide(Slide(load_preset("binary-1d")), 1).slides[1].scene.task == "binary"

"""`lossviz render LECTURE -o folder/`: one image per slide, each the image `render` draws of that slide's scene at its
step; a lecture that cannot be drawn writes nothing."""

import json

import numpy as np
from PIL import Image

from lossviz.core.presets import preset_names

from .test_figure import run_headless


def test_the_bundled_lecture_renders_one_image_a_slide_in_the_lectures_order(tmp_path):
    result = run_headless("render", "datasets-and-losses", "-o", "slides/", "--size", "640x360", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = sorted(path.name for path in (tmp_path / "slides").iterdir())
    assert len(names) == len(preset_names()) and names[0] == "01-population-line.png"
    assert names[2] == "03-linear-regression.png" and names[-1] == "10-sine-overfit.png"
    alone = run_headless("render", "linear-regression", "--steps", "20", "-o", "alone.png", "--size", "640x360",
                         cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    slide = np.asarray(Image.open(tmp_path / "slides" / names[2]).convert("RGB"))
    assert np.array_equal(slide, np.asarray(Image.open(tmp_path / "alone.png").convert("RGB")))  # its step: 20


def test_a_lecture_file_renders_svg_slides_where_asked(tmp_path):
    (tmp_path / "l.json").write_text(json.dumps({"lossviz_lecture": 1, "slides": [
        {"scene": "xor"}, {"scene": "binary-1d", "steps": 5}]}))
    result = run_headless("render", "l.json", "-o", "out/*.svg", "--size", "640x360", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["01-xor.svg", "02-binary-1d.svg"]


def test_a_lecture_with_a_bad_slide_or_a_file_for_a_folder_writes_nothing(tmp_path):
    (tmp_path / "l.json").write_text(json.dumps({"lossviz_lecture": 1, "slides": [
        {"scene": "xor"}, {"scene": "nowhere.json"}]}))
    for args, fragment in ((["l.json", "-o", "out/"], "slides[1].scene"),
                           (["datasets-and-losses", "-o", "one.png"], "renders to a folder")):
        result = run_headless("render", *args, cwd=tmp_path)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("lossviz: error:"), result.stderr
        assert fragment in lines[0]
        assert sorted(path.name for path in tmp_path.iterdir()) == ["l.json"]

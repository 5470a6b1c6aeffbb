"""``lv.render(scene).save`` is ``lossviz render`` pixel for pixel (issue 22)."""

import re

import numpy as np
import pytest
from PIL import Image

import lossviz as lv
from tests.cli.test_import_cli import run


def test_render_saves_the_clis_png(tmp_path):
    scene = lv.preset("binary-2d-blobs").replace(steps=30)
    scene.save(tmp_path / "s.json")
    result = run(["render", "s.json", "-o", "cli.png", "--size", "800x450", "--steps", "10"], tmp_path)
    assert result.returncode == 0, result.stderr
    figure = lv.render(scene, size=(800, 450), steps=10)
    figure.save(tmp_path / "api.png")
    cli = np.asarray(Image.open(tmp_path / "cli.png").convert("RGBA"))
    api = np.asarray(Image.open(tmp_path / "api.png").convert("RGBA"))
    assert cli.shape == (450, 800, 4)
    np.testing.assert_array_equal(api, cli)
    np.testing.assert_array_equal(figure.to_numpy(), cli)
    assert figure.to_png()[:8] == b"\x89PNG\r\n\x1a\n"


def read_rgba(path):
    return np.asarray(Image.open(path).convert("RGBA"))


@pytest.mark.parametrize(("name", "argv", "kwargs"), [
    ("population-line", ["--layout", "population"], {"layout": "population"}),
    ("binary-2d-blobs", ["--layout", "interpolation"], {"layout": "interpolation"}),
    ("multiclass-3", ["--plane", "pca"], {"plane": "pca"}),
    ("xor", ["--layout", "surface", "--plane", "random:7", "--theme", "dark"],
     {"layout": "surface", "plane": "random:7", "theme": "dark"}),
])
def test_render_draws_the_lecture_layouts_and_planes_as_the_cli(tmp_path, name, argv, kwargs):
    scene = lv.preset(name).replace(steps=30)
    scene.save(tmp_path / "s.json")
    result = run(["render", "s.json", "-o", "cli.png", "--size", "640x360", *argv], tmp_path)
    assert result.returncode == 0, result.stderr
    lv.render(scene, size=(640, 360), **kwargs).save(tmp_path / "api.png")
    np.testing.assert_array_equal(read_rgba(tmp_path / "api.png"), read_rgba(tmp_path / "cli.png"))


def test_render_refuses_what_the_cli_refuses():
    with pytest.raises(lv.LossvizError, match="distribution"):
        lv.render(lv.preset("xor"), layout="population")
    with pytest.raises(lv.LossvizError, match="layout 'corner'"):
        lv.render(lv.preset("xor"), layout="corner")
    with pytest.raises(lv.LossvizError, match="plane: expected one of"):
        lv.render(lv.preset("xor"), plane="diagonal")
    with pytest.raises(lv.LossvizError, match="cannot tell the format"):
        lv.render(lv.preset("xor")).save("x.bmp")


def test_animate_writes_the_clis_gif_and_plays_inline_without_a_path(tmp_path):
    scene = lv.preset("binary-1d").replace(steps=8)
    scene.save(tmp_path / "s.json")
    result = run(["animate", "s.json", "-o", "cli.gif", "--size", "320x180", "--fps", "5"], tmp_path)
    assert result.returncode == 0, result.stderr
    written = lv.animate(scene, tmp_path / "api.gif", fps=5, size=(320, 180))
    assert written == tmp_path / "api.gif"
    assert written.read_bytes() == (tmp_path / "cli.gif").read_bytes()
    inline = lv.animate(scene, fps=5, size=(320, 180))
    assert inline.data == written.read_bytes()
    assert shown(inline)["text/html"].startswith('<img src="data:image/gif;base64,R0lG')  # what a notebook shows
    with pytest.raises(lv.LossvizError, match="cannot tell the format"):
        lv.animate(scene, tmp_path / "a.avi")


def shown(thing):
    """What a notebook shows of ``thing``: IPython's display formats, by MIME type."""
    from IPython.core.formatters import DisplayFormatter

    formats, _ = DisplayFormatter().format(thing)
    return formats


def test_the_inline_format_chooses_png_or_svg_with_ids_of_its_own(tmp_path):
    figure = lv.render(lv.preset("xor").replace(steps=5), size=(400, 300))
    run_ = lv.preset("xor").fit(steps=5)
    try:
        assert shown(figure)["image/png"][:4] == b"\x89PNG" and "image/svg+xml" not in shown(figure)
        lv.set_inline_format("svg")
        assert "image/png" not in shown(figure) and "image/png" not in shown(run_)
        first, second = shown(figure)["image/svg+xml"], shown(figure)["image/svg+xml"]
        ids = [set(re.findall(r'id="([^"]+)"', text)) for text in (first, second)]
        assert ids[0] and not ids[0] & ids[1]  # two figures on one page do not share a clip path
        assert set(re.findall(r"url\(#([^)]+)\)", first)) <= ids[0]
        assert "<svg" in shown(run_)["image/svg+xml"]
        with pytest.raises(lv.LossvizError, match="inline format"):
            lv.set_inline_format("jpeg")
    finally:
        lv.set_inline_format("png")

"""``lv.render(scene).save`` is ``lossviz render`` pixel for pixel (issue 22)."""

import numpy as np
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

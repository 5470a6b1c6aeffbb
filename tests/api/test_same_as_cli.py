"""Issue 22's acceptance: for six scenes — each task, a race, a split with λ and φ, a distribution — the API's fit,
surface and sweep are ``lossviz fit``/``surface``/``sweep`` of the same file bit for bit (the same float64 numbers),
and ``lv.render(...).save`` is ``lossviz render`` pixel for pixel."""

import json

import numpy as np
import pytest
from PIL import Image

import lossviz as lv
from tests.cli.test_import_cli import run

SIX = {"regression": ("linear-regression", {}), "binary": ("binary-2d-blobs", {}),
       "multiclass": ("multiclass-3", {}), "race": ("optimizer-race", {}),
       "split, λ and φ": ("sine-overfit", {"l2": 0.01, "degree": 5}), "distribution": ("population-line", {})}


@pytest.fixture(params=list(SIX), scope="module")
def scene_file(request, tmp_path_factory):
    """One of the six scenes, saved where the command line reads it."""
    name, changes = SIX[request.param]
    scene = lv.preset(name).replace(steps=40, **changes)
    folder = tmp_path_factory.mktemp(request.param.replace(" ", "").replace(",", "-"))
    scene.save(folder / "s.json")
    return scene, folder


def cli_json(argv, folder):
    """The JSON a command writes to ``out.json``."""
    result = run([*argv, "-o", "out.json"], folder)
    assert result.returncode == 0, result.stderr
    return json.loads((folder / "out.json").read_text())


def test_fit_is_lossviz_fit(scene_file):
    scene, folder = scene_file
    entries = cli_json(["fit", "s.json"], folder)["trajectory"]
    fitted = lv.load(folder / "s.json").fit()
    assert fitted.loss.tolist() == [entry["loss"] for entry in entries]
    assert fitted.grad_norm.tolist() == [entry["grad_norm"] for entry in entries]
    assert fitted.W.tolist() == [entry["W"] for entry in entries]
    assert fitted.b.tolist() == [entry["b"] for entry in entries]
    for column in ("data_loss", "test_loss"):
        values = getattr(fitted, column)
        assert (None if values is None else values.tolist()) == (
            [entry[column] for entry in entries] if column in entries[0] else None)


def test_surface_is_lossviz_surface(scene_file):
    scene, folder = scene_file
    expected = cli_json(["surface", "s.json", "--resolution", "20"], folder)
    grid = scene.surface(resolution=20)
    assert (grid.x.tolist(), grid.y.tolist(), grid.loss.tolist()) == (expected["x"], expected["y"], expected["loss"])


def test_sweep_is_lossviz_sweep(scene_file):
    scene, folder = scene_file
    expected = cli_json(["sweep", "s.json", "--degree", "1,2,3"], folder)["points"]
    points = scene.sweep([1, 2, 3]).points
    assert [(p.degree, p.l2, p.loss, p.data_loss, p.test_loss) for p in points] == [
        (e["degree"], e["l2"], e["loss"], e["data_loss"], e.get("test_loss")) for e in expected]


@pytest.mark.gui  # it draws in this process: Qt
def test_render_is_lossviz_render(scene_file):
    scene, folder = scene_file
    result = run(["render", "s.json", "-o", "cli.png", "--size", "640x360", "--steps", "12"], folder)
    assert result.returncode == 0, result.stderr
    lv.render(scene, size=(640, 360), steps=12).save(folder / "api.png")
    cli = np.asarray(Image.open(folder / "cli.png").convert("RGBA"))
    np.testing.assert_array_equal(np.asarray(Image.open(folder / "api.png").convert("RGBA")), cli)

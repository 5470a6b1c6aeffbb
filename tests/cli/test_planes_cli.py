"""`lossviz import --x all` of a 4-feature table, `fit` over d = 4 (with its curvature) and `surface --plane …`
(issue 21, parts 1–3, on the command line)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from lossviz.core.curvature import unflat
from lossviz.core.scene import read_scene

from .test_import_cli import SPECIES, iris_like_csv, run


@pytest.fixture(scope="module")
def iris4(tmp_path_factory):
    folder = tmp_path_factory.mktemp("iris")
    iris_like_csv(folder / "iris.csv")
    result = run(["import", "iris.csv", "--x", "all", "--y", "species", "-o", "iris.json"], folder)
    assert result.returncode == 0, result.stderr
    return folder


def test_import_all_columns_gives_four_named_inputs_and_three_named_classes(iris4):
    scene = read_scene(iris4 / "iris.json")
    assert scene.dims == 4 and scene.classes == 3 and scene.class_names == SPECIES
    assert scene.input_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")


def test_fit_over_four_inputs_equals_a_float64_torch_loop(iris4):
    torch = pytest.importorskip("torch")
    scene = read_scene(iris4 / "iris.json")
    result = run(["fit", "iris.json", "--steps", "25"], iris4)
    assert result.returncode == 0, result.stderr
    trajectory = json.loads(result.stdout)["trajectory"]
    W = torch.zeros((3, 4), dtype=torch.float64, requires_grad=True)
    b = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([W, b], lr=scene.optimizer.lr)
    X, y = torch.tensor(scene.data.X), torch.tensor(scene.data.y.astype(np.int64))
    for entry in trajectory:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(X @ W.T + b, y)
        loss.backward()
        assert entry["loss"] == pytest.approx(loss.item(), rel=1e-10)
        np.testing.assert_allclose(entry["W"], W.detach().numpy(), rtol=1e-10, atol=1e-13)
        opt.step()


def surface_json(folder, *args):
    result = run(["surface", "iris.json", "--resolution", "6", *args], folder)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("plane", ["trajectory", "pca", "hessian", "random:5"])
def test_a_plane_surface_is_l_at_each_grid_point_and_carries_the_plane_and_the_path(iris4, plane):
    scene = read_scene(iris4 / "iris.json")
    out = surface_json(iris4, "--plane", plane)
    assert out["plane"] == plane.split(":")[0] and len(out["center"]) == len(out["u"]) == 15
    assert len(out["path_x"]) == len(out["off_plane"]) == scene.steps + 1
    objective = scene.objective()
    center, u, v = (unflat(scene.shape, np.array(out[key])) for key in ("center", "u", "v"))
    for i, beta in enumerate(out["y"]):
        for j, alpha in enumerate(out["x"]):
            assert out["loss"][i][j] == pytest.approx(objective.value(center + alpha * u + beta * v), rel=1e-12)
    if plane == "pca":
        assert len(out["explained"]) == 2 and out["x_label"].startswith("PC1 — ")
    if plane == "hessian":
        assert len(out["eigenvalues"]) == 15 - 5  # softmax: the (d + 1) directions it ignores left out
        assert out["eigenvalues"] == sorted(out["eigenvalues"])


def test_random_planes_follow_their_seed_and_coords_is_todays_surface(iris4):
    assert surface_json(iris4, "--plane", "random:5")["u"] == surface_json(iris4, "--plane", "random:5")["u"]
    assert surface_json(iris4, "--plane", "random:5")["u"] != surface_json(iris4, "--plane", "random:6")["u"]
    today, coords = surface_json(iris4), surface_json(iris4, "--plane", "coords")
    assert (coords["x"], coords["y"], coords["x_param"]) == (today["x"], today["y"], today["x_param"])
    np.testing.assert_allclose(coords["loss"], today["loss"], rtol=1e-12)


def test_npz_holds_the_plane_arrays(iris4):
    result = run(["surface", "iris.json", "--resolution", "4", "--plane", "pca", "-o", "p.npz"], iris4)
    assert result.returncode == 0, result.stderr
    archive = np.load(io.BytesIO((iris4 / "p.npz").read_bytes()))
    assert {"x", "y", "loss", "center", "u", "v", "path_x", "path_y", "off_plane", "explained"} <= set(archive.files)
    assert str(archive["plane"]) == "pca"


@pytest.mark.parametrize("args, fragment", [
    (["surface", "short.json", "--plane", "pca"], "--plane pca: the trajectory has 2 distinct point"),
    (["surface", "short.json", "--plane", "trajectory"], "--plane trajectory: the trajectory has 2 distinct point"),
    (["surface", "iris.json", "--plane", "sideways"], "--plane: expected one of coords"),
])
def test_what_cannot_be_done_is_one_line(iris4, args, fragment):
    scene = json.loads((iris4 / "iris.json").read_text())
    (iris4 / "short.json").write_text(json.dumps({**scene, "steps": 1}))
    result = run(args, iris4)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("lossviz: error:"), result.stderr
    assert fragment in lines[0]
    assert not (iris4 / "x.png").exists()

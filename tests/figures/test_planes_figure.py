"""`render --plane …` and `render --layout interpolation` (issue 21): the figure's surface is the plane's L and its
footer says how far the path lies off the plane; the interpolation curve is L on the line θ₀ → θ_T."""

import json

import numpy as np
import pytest
from PIL import Image

from lossviz.core.experiment import fit_scene
from lossviz.core.presets import load_preset

from .test_figure import run_headless


def test_a_plane_figure_draws_l_on_the_plane_and_says_how_far_the_path_is_off_it():
    from lossviz.core.planes import plane_losses
    from lossviz.figures.figure import draw_scene

    scene = load_preset("multiclass-3")
    figure = draw_scene(scene, (960, 540), plane=("pca", 0))
    try:
        plane, shown = figure.plane, figure.surface_plot.surface
        assert plane is not None and plane.kind == "pca"
        np.testing.assert_allclose(shown.loss, plane_losses(scene.objective(), plane, shown.x, shown.y), rtol=1e-12)
        path = fit_scene(scene).thetas
        x, y = figure.surface_plot.trajectory.getData()
        np.testing.assert_allclose(np.column_stack([x, y]), plane.coordinates(path), atol=1e-12)
        footer = figure.footer.text
        assert "pca plane" in footer and f"{plane.off_plane(path).max():.3g} off it" in footer
        assert figure.surface_plot.plot.getAxis("bottom").labelText.startswith("PC1 — ")
    finally:
        figure.close()


def test_the_interpolation_curve_is_l_on_the_line_and_a_parabola_for_l2():
    from lossviz.figures.interpolation import interpolation_losses

    for name in ("linear-regression", "multiclass-3"):
        scene = load_preset(name).replace(l2=0.05)
        objective, path = scene.objective(), fit_scene(scene).thetas
        alphas = np.linspace(-0.5, 1.5, 9)
        curve = interpolation_losses(objective, path[0], path[-1], alphas)
        direct = [objective.value((1 - a) * path[0] + a * path[-1]) for a in alphas]
        np.testing.assert_allclose(curve, direct, rtol=1e-12)
        if name == "linear-regression":
            np.testing.assert_allclose(np.polyval(np.polyfit(alphas, curve, 2), alphas), curve, rtol=1e-10)


def test_render_writes_plane_and_interpolation_figures(tmp_path):
    for args in (["--plane", "hessian"], ["--plane", "random:3", "--layout", "surface"], ["--layout", "interpolation"]):
        result = run_headless("render", "binary-2d-blobs", "-o", "fig.png", "--size", "800x450", *args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert Image.open(tmp_path / "fig.png").size == (800, 450)


@pytest.mark.parametrize("args, fragment", [
    (["short.json", "--plane", "pca"], "--plane pca: the trajectory has 2 distinct point"),
    (["xor", "--plane", "pca", "--layout", "data"], "--plane: draws the surface; not with --layout data"),
    (["datasets-and-losses", "--plane", "pca"], "--plane: not with a lecture"),
])
def test_a_plane_that_cannot_be_drawn_is_one_line_and_writes_nothing(tmp_path, args, fragment):
    from lossviz.core.scene import scene_to_dict

    (tmp_path / "short.json").write_text(json.dumps(scene_to_dict(load_preset("xor").replace(steps=1))))
    output = "out/" if args[0] == "datasets-and-losses" else "x.png"
    result = run_headless("render", *args, "-o", output, cwd=tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and fragment in lines[0], result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["short.json"]

"""The figures of issue 10: ``render --layout decomposition|population`` and ``animate --resample``."""

import numpy as np
import pytest
from PIL import Image

from lossviz.core.decomposition import sample_objective, spread_samples
from lossviz.core.experiment import fit_scene
from lossviz.core.presets import load_preset
from tests.figures.test_figure import run_headless


def colours(path) -> int:
    return len(np.unique(np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3), axis=0))


def test_both_layouts_render_at_the_exact_size_with_real_content(tmp_path):
    for layout, scene, size in (("population", "population-line", "1280x720"), ("decomposition", "sine-samples", "1600x900")):
        result = run_headless("render", scene, "--layout", layout, "-o", f"{layout}.png", "--size", size, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert Image.open(tmp_path / f"{layout}.png").size == tuple(int(v) for v in size.split("x"))
        assert colours(tmp_path / f"{layout}.png") > 500  # heat maps, contours, text
    result = run_headless("render", "population-line", "--layout", "population", "-o", "p.svg", "--scale", "0.5",
                          cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "<text" in (tmp_path / "p.svg").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decomposition.png", "p.svg", "population.png"]


def test_the_decomposition_shows_four_samples_and_their_mean_on_one_colour_scale():
    from lossviz.figures.lecture import draw_decomposition

    scene = load_preset("sine-samples")
    result = fit_scene(scene)
    theta = result.thetas[-1]
    figure = draw_decomposition(scene, theta, "light", (1600, 900), path=result.thetas)
    try:
        objective = scene.objective()
        per_sample = objective.per_sample(theta)
        assert len(figure.sample_plots) == 4 and figure.mean_plot is not None
        np.testing.assert_array_equal(figure.samples, spread_samples(per_sample))
        shown = per_sample[figure.samples]
        assert shown.min() == per_sample.min() and shown.max() == per_sample.max()  # spread in loss at θ
        assert len(set(shown.tolist())) == 4
        plots = [*figure.sample_plots, figure.mean_plot]
        levels = [tuple(plot.image.getLevels()) for plot in plots]
        assert len(set(levels)) == 1 and levels[0] == pytest.approx(figure.levels)  # one colour scale
        lo, hi = figure.levels
        assert lo == pytest.approx(min(float(plot.surface.loss.min()) for plot in plots))
        assert hi == pytest.approx(float(figure.mean_plot.surface.loss.max()))
        assert figure.mean_plot.colorbar is not None and tuple(figure.mean_plot.colorbar.levels()) == pytest.approx((lo, hi))
        assert all(plot.colorbar is None for plot in figure.sample_plots)
        assert len(figure.contour_levels) > 3
        for plot in plots:  # one grid
            np.testing.assert_array_equal(plot.surface.x, figure.mean_plot.surface.x)
            np.testing.assert_array_equal(plot.surface.y, figure.mean_plot.surface.y)
            assert plot.current.data["x"].tolist() == [theta[0, 0]]  # ★ at θ on each
        for plot, index in zip(figure.sample_plots, figure.samples):  # each is that sample's l(θ|x_i, y_i)
            one = sample_objective(objective, int(index))
            theta_grid = np.array([[plot.surface.x[5], plot.surface.y[9]]])
            assert plot.surface.loss[9, 5] == pytest.approx(one.value(theta_grid), rel=1e-9, abs=1e-12)
        mean = np.mean([sample_objective(objective, i).value(theta) for i in range(scene.data.size)])
        assert mean == pytest.approx(objective.value(theta), rel=1e-12)
        assert figure.operator_texts[0].startswith("¹⁄₂₀ (") and figure.operator_texts[-1].endswith(") =")
        image = figure.image()
        assert (image.width(), image.height()) == (1600, 900)
    finally:
        figure.close()


def test_a_small_dataset_shows_every_sample():
    from lossviz.core.dataset import make_dataset
    from lossviz.figures.lecture import draw_decomposition

    scene = load_preset("population-line")
    scene = scene.replace(data=make_dataset(scene.data.X[:3], scene.data.y[:3], "regression", 1))
    figure = draw_decomposition(scene, scene.init, "dark", (960, 540))
    try:
        assert sorted(figure.samples.tolist()) == [0, 1, 2] and len(figure.sample_plots) == 3
        assert figure.operator_texts == ["¹⁄₃ (", "+", "+", ") ="]
    finally:
        figure.close()


def test_the_population_figure_shows_p_the_cloud_and_both_minima():
    from lossviz.core.population import population_objective
    from lossviz.figures.lecture import draw_population

    scene = load_preset("population-line")
    figure = draw_population(scene, "light", (1280, 720))
    try:
        surface_plot, data_plot = figure.surface_plot, figure.data_plot
        assert len(surface_plot.cloud.data) == 20  # θ*_D of 20 resampled datasets
        assert len(surface_plot.population.getData()[0]) > 0  # L(θ|P)'s dashed contours
        star_p = population_objective(scene.distribution, scene.shape, "l2").quadratic_statistics().theta_star
        assert surface_plot.population_minimum.data["x"].tolist() == pytest.approx([star_p[0]])
        assert star_p == pytest.approx([0.8, 0.5])  # the true line
        assert len(data_plot.truth.getData()[0]) > 0  # E[y|x] under P
        assert "N = 10" in figure.header.text and "line" in figure.header.text
        assert "L(θ|D) =" in figure.footer.text and "L(θ|P) =" in figure.footer.text
    finally:
        figure.close()


def test_animate_resample_draws_one_frame_per_dataset(tmp_path):
    result = run_headless("animate", "population-line", "--resample", "-o", "cloud.gif", "--size", "640x360",
                          cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    gif = Image.open(tmp_path / "cloud.gif")
    assert gif.size == (640, 360) and gif.n_frames == 20
    assert gif.info["duration"] == 500  # 2 frames a second by default
    frames = []
    for k in (0, 19):
        gif.seek(k)
        frames.append(np.asarray(gif.convert("RGB")))
    assert (frames[0] != frames[1]).any(axis=2).mean() > 0.01


def test_the_population_figures_use_the_scenes_features_and_penalty():
    """L(θ|P), θ*_P and the resampled fits of the lecture figures are those of the model the scene has (φ of degree 3,
    λ), as the window's are; they used to ignore φ and fail on it."""
    from lossviz.core.population import population_objective
    from lossviz.figures.lecture import PopulationPicture

    scene = load_preset("population-line").replace(degree=3, l2=0.01)
    scene = scene.replace(init=np.zeros(scene.shape.zeros().shape))
    picture = PopulationPicture(scene, scene.init[None], 50, scene.init, count=2)
    expected = population_objective(scene.distribution, scene.shape, scene.loss, scene.design().features, scene.l2)
    theta = np.full(scene.shape.zeros().shape, 0.3)
    assert picture.population.value(theta) == pytest.approx(expected.value(theta), rel=1e-12)
    assert picture.minima.shape == (2, *scene.shape.zeros().shape)


def test_a_tiny_figure_of_a_large_model_says_nothing_on_stderr(tmp_path):
    """xor with φ of degree 12 (90 weights) drawn at 160 × 90: its texts shrink to fit, never to a font of 0 points
    (Qt printed "QFont::setPointSize: Point size <= 0" about a hundred times)."""
    import json
    import subprocess
    import sys

    from lossviz.core.presets import preset_text

    document = json.loads(preset_text("xor"))
    document["features"] = {"degree": 12}
    for key in ("init", "surface"):
        document.pop(key, None)
    (tmp_path / "xor12.json").write_text(json.dumps(document), encoding="utf-8")
    for layout in ("full", "decomposition"):
        result = subprocess.run([sys.executable, "-m", "lossviz", "render", str(tmp_path / "xor12.json"), "--layout",
                                 layout, "--size", "160x90", "-o", str(tmp_path / f"{layout}.png")],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0 and result.stderr == "", result.stderr[:500]

"""lossviz render / animate: headless figures of exact size, real vectors, animations, scaling."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from lossviz.core.optimizers import TITLES
from lossviz.core.presets import load_preset


def run_headless(*args, cwd):
    """The CLI in a fresh process with neither QT_QPA_PLATFORM nor DISPLAY set."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run([sys.executable, "-m", "lossviz", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=240)


def test_render_png_svg_and_gif_without_a_display(tmp_path):
    result = run_headless("render", "binary-2d-blobs", "-o", "fig.png", "--size", "1600x900", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    image = Image.open(tmp_path / "fig.png")
    assert image.size == (1600, 900)
    colors = np.asarray(image.convert("RGB")).reshape(-1, 3)
    assert len(np.unique(colors, axis=0)) > 500  # heatmap, shading, text: real content

    result = run_headless("render", "binary-2d-blobs", "-o", "fig.svg", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = ET.parse(tmp_path / "fig.svg").getroot()
    tags = {element.tag.split("}")[-1] for element in root.iter()}
    assert "path" in tags and "text" in tags  # lines and text as vectors

    result = run_headless("animate", "linear-regression", "-o", "run.gif", "--size", "800x450", "--steps", "40",
                          cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    gif = Image.open(tmp_path / "run.gif")
    assert gif.size == (800, 450) and gif.n_frames == 41
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.png", "fig.svg", "run.gif"]


def _curve_alpha(path):
    """How much of each pixel the orange loss curve covers (0..1), from R − B: 0 for white and greys."""
    rgb = np.asarray(Image.open(path).convert("RGB")).astype(float)
    return np.clip((rgb[..., 0] - rgb[..., 2]) / (0xD5 - 0x00), 0.0, 1.0)


def _ink(path):
    """Dark ink (text, axes), antialiasing counted by coverage; light grid lines do not count."""
    grey = np.asarray(Image.open(path).convert("L")).astype(float)
    return float(np.clip((128.0 - grey) / 128.0, 0.0, 1.0).sum())


@pytest.fixture(scope="module")
def curve_renders(tmp_path_factory):
    from lossviz.figures.figure import render_scene

    folder = tmp_path_factory.mktemp("scales")
    scene = load_preset("linear-regression")
    paths = {}
    for scale in (1, 2, 4):
        paths[scale] = folder / f"curve{scale}.png"
        render_scene(scene, paths[scale], size=(480, 270), scale=scale, layout="curve")
    return paths


def test_bigger_scales_draw_proportionally_thicker_lines_and_larger_text(curve_renders):
    for scale, path in curve_renders.items():
        assert Image.open(path).size == (480 * scale, 270 * scale)
    line1, ink1 = _curve_alpha(curve_renders[1]).sum(), _ink(curve_renders[1])
    for scale in (2, 4):
        # area grows with scale²; a hairline would grow with the length only (scale¹)
        assert _curve_alpha(curve_renders[scale]).sum() / line1 > 0.75 * scale**2
        assert _ink(curve_renders[scale]) / ink1 > 0.6 * scale**2


def test_line_width_in_pixels_scales(curve_renders):
    widths = {}
    for scale, path in curve_renders.items():
        alpha = _curve_alpha(path)
        # the curve is flat near its end: its width is the coverage summed down a column
        columns = alpha[:, int(0.7 * alpha.shape[1]):int(0.8 * alpha.shape[1])].sum(axis=0)
        widths[scale] = float(np.median(columns))
    assert widths[1] >= 1.5  # no hairlines at 1×
    assert widths[2] >= 1.7 * widths[1] and widths[4] >= 3.4 * widths[1]


def test_the_optimizer_race_renders_one_image_with_a_legend(tmp_path):
    from lossviz.core.experiment import fit_runs
    from lossviz.core.runs import legend_texts
    from lossviz.figures.figure import Figure, render_scene
    from lossviz.plots.theme import LIGHT

    scene = load_preset("optimizer-race")
    runs = fit_runs(scene)
    assert [run.optimizer.name for run, _ in runs] == ["gd", "momentum", "adam"]
    figure = Figure(scene, LIGHT, (960, 540))
    try:
        objective = scene.objective()
        figure.draw(objective, runs, 60, figure.compute_surface(objective, runs, 60))
        assert figure.surface_plot.legend_labels() == legend_texts(tuple(run for run, _ in runs))[0]
        assert len(figure.loss_plot.race_items) == 3
    finally:
        figure.close()
    render_scene(scene, tmp_path / "race.png", size=(960, 540))
    assert Image.open(tmp_path / "race.png").size == (960, 540)


@pytest.mark.parametrize("args,fragment", [
    (["render", "xor", "-o", "x.txt"], "cannot tell the format"),
    (["render", "xor", "-o", "x.png", "--size", "10x10"], "between 16 and 8192"),
    (["render", "xor", "-o", "x.png", "--size", "big"], "WIDTHxHEIGHT"),
    (["render", "xor", "-o", "x.png", "--scale", "0"], "--scale"),
    (["render", "xor", "-o", "missing/x.png"], "does not exist"),
    (["render", "nope", "-o", "x.png"], "no such file"),
    (["animate", "xor", "-o", "x.png"], "use .gif, .mp4"),
    (["animate", "xor", "-o", "x.gif", "--fps", "0"], "--fps"),
])
def test_drawing_errors_are_one_line_and_write_nothing(args, fragment, tmp_path):
    result = run_headless(*args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lossviz: error:") and fragment in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_mp4_without_the_extra_names_it(tmp_path, monkeypatch):
    import builtins

    from lossviz.core.errors import LossvizError
    from lossviz.figures.animation import animate_scene

    real_import = builtins.__import__

    def no_ffmpeg(name, *args, **kwargs):
        if name.startswith("imageio_ffmpeg"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ffmpeg)
    with pytest.raises(LossvizError, match=r"lossviz\[mp4\]"):
        animate_scene(load_preset("xor"), tmp_path / "x.mp4")
    assert list(tmp_path.iterdir()) == []


def test_a_scene_with_a_test_set_renders_the_test_loss_curve_and_both_losses():
    from lossviz.core.experiment import fit_columns, fit_runs
    from lossviz.figures.figure import Figure
    from lossviz.plots.theme import LIGHT

    scene = load_preset("sine-overfit").replace(steps=200)
    runs = fit_runs(scene)
    figure = Figure(scene, LIGHT, (960, 540))
    try:
        objective = scene.objective()
        figure.draw(objective, runs, 120, figure.compute_surface(objective, runs, 120))
        x, y = figure.loss_plot.test_curve.getData()
        expected = fit_columns(scene, runs[0][1].thetas[:121])["test_loss"]
        assert len(x) > 0 and np.nanmax(y) <= expected.max() * (1 + 1e-12) and np.nanmin(y) >= expected.min() * (1 - 1e-12)
        footer = figure.footer.text
        assert f"L(θ|D<sub>test</sub>) = {expected[120]:.4g}" in footer and "D<sub>train</sub>" in footer
        assert "φ(x) = (x, x², x³), standardised" in figure.header.text
        assert footer.startswith(f"{TITLES[scene.optimizer.name]}, η = {scene.optimizer.lr:g}")  # how it descends
    finally:
        figure.close()


def test_an_imported_scene_with_named_classes_renders_their_legend():
    """Exports name the classes as the window does (the scene's class_names)."""
    from lossviz.core.experiment import fit_runs
    from lossviz.figures.figure import Figure
    from lossviz.plots.theme import LIGHT

    scene = load_preset("multiclass-3").replace(steps=20, class_names=("setosa", "versicolor", "virginica"))
    runs = fit_runs(scene)
    figure = Figure(scene, LIGHT, (960, 540))
    try:
        objective = scene.objective()
        figure.draw(objective, runs, 10, figure.compute_surface(objective, runs, 10))
        assert figure.data_plot.legend_names() == ["setosa", "versicolor", "virginica"]
    finally:
        figure.close()
    plain = Figure(load_preset("multiclass-3").replace(steps=20), LIGHT, (960, 540))
    try:
        plain.draw(objective, runs, 10, plain.compute_surface(objective, runs, 10))
        assert plain.data_plot.legend_names() == []
    finally:
        plain.close()

"""PDF and SVG as poppler and librsvg draw them, at full size, against the PNG: nothing moved by more than 3 px."""

from __future__ import annotations

import shutil

import pytest

from lossviz.core.presets import load_preset
from tests.figures.pixels import assert_drawn_alike, librsvg_drawing, poppler_drawing

SIZE = (1920, 1080)
CASES = [("linear-regression", "full", "light"), ("binary-2d-blobs", "full", "dark"), ("multiclass-3", "full", "light"),
         ("optimizer-race", "full", "light"), ("binary-2d-blobs", "decomposition", "light"),
         ("population-line", "population", "dark"), ("sine-overfit", "curve", "light")]


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is not installed")
@pytest.mark.parametrize("preset, layout, theme", CASES)
def test_poppler_draws_the_pdf_like_the_png(preset, layout, theme, tmp_path):
    from lossviz.figures.figure import render_scene

    scene = load_preset(preset)
    for suffix in ("png", "pdf"):
        render_scene(scene, tmp_path / f"fig.{suffix}", size=SIZE, theme_name=theme, layout=layout)
    assert_drawn_alike(tmp_path / "fig.png", poppler_drawing(tmp_path / "fig.pdf", SIZE))


@pytest.mark.skipif(not shutil.which("rsvg-convert"), reason="librsvg2-bin (rsvg-convert) is not installed")
@pytest.mark.parametrize("preset, layout, theme", CASES)
def test_librsvg_draws_the_svg_like_the_png(preset, layout, theme, tmp_path):
    from lossviz.figures.figure import render_scene

    scene = load_preset(preset)
    for suffix in ("png", "svg"):
        render_scene(scene, tmp_path / f"fig.{suffix}", size=SIZE, theme_name=theme, layout=layout)
    assert_drawn_alike(tmp_path / "fig.png", librsvg_drawing(tmp_path / "fig.svg", SIZE))

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


DRAWERS = [pytest.param("pdf", poppler_drawing, id="poppler-pdf",
                         marks=pytest.mark.skipif(not shutil.which("pdftoppm"),
                                                  reason="poppler-utils (pdftoppm) is not installed")),
           pytest.param("svg", librsvg_drawing, id="librsvg-svg",
                         marks=pytest.mark.skipif(not shutil.which("rsvg-convert"),
                                                  reason="librsvg2-bin (rsvg-convert) is not installed"))]


@pytest.mark.parametrize("suffix, drawing", DRAWERS)
@pytest.mark.parametrize("preset, layout, theme", CASES)
def test_the_vector_export_is_drawn_like_the_png(preset, layout, theme, suffix, drawing, tmp_path):
    """poppler draws the PDF, librsvg the SVG, each at full size, like the PNG of the same figure."""
    from lossviz.figures.figure import render_scene

    scene = load_preset(preset)
    for kind in ("png", suffix):
        render_scene(scene, tmp_path / f"fig.{kind}", size=SIZE, theme_name=theme, layout=layout)
    assert_drawn_alike(tmp_path / "fig.png", drawing(tmp_path / f"fig.{suffix}", SIZE))


@pytest.mark.parametrize("suffix, drawing", DRAWERS)
def test_a_plane_with_curvature_arrows_is_drawn_like_the_png(suffix, drawing, tmp_path):
    """The scene's Hessian plane (issue 21) with View → Curvature directions' arrows: the same in every format."""
    from dataclasses import replace

    from lossviz.figures.figure import render_scene

    scene = load_preset("binary-2d-blobs")
    scene = scene.replace(view=replace(scene.view, curvature_directions=True),
                          surface=replace(scene.surface, plane="hessian"))
    for kind in ("png", suffix):
        render_scene(scene, tmp_path / f"fig.{kind}", size=SIZE, theme_name="light")
    assert_drawn_alike(tmp_path / "fig.png", drawing(tmp_path / f"fig.{suffix}", SIZE))

"""SVG that opens everywhere: CairoSVG (as librsvg, Inkscape, LibreOffice and LaTeX) draws lossviz's SVG like its PNG."""

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from lossviz.core.presets import load_preset

cairosvg = pytest.importorskip("cairosvg")

SVG = "{http://www.w3.org/2000/svg}"
SIZE = (1920, 1080)
SCENES = [(preset, theme) for preset in ("linear-regression", "binary-2d-blobs", "multiclass-3", "optimizer-race")
          for theme in ("light", "dark")]


def grey_eighth(image):
    """``image`` in grey, 0..1, at ⅛ of its size (box filter)."""
    grey = image.convert("L")
    return np.asarray(grey.resize((grey.width // 8, grey.height // 8), Image.Resampling.BOX), dtype=float) / 255


def cairo_drawing(path, size):
    """The SVG at ``path`` as CairoSVG draws it at ``size`` pixels, over white."""
    png = cairosvg.svg2png(url=str(path), output_width=size[0], output_height=size[1])
    drawn = Image.open(io.BytesIO(png)).convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", drawn.size, "white"), drawn).convert("RGB")


@pytest.mark.parametrize("preset,theme", SCENES)
def test_cairosvg_draws_the_svg_like_the_png(preset, theme, tmp_path):
    from lossviz.figures.figure import render_scene

    scene = load_preset(preset)
    render_scene(scene, tmp_path / "fig.png", size=SIZE, theme_name=theme)
    render_scene(scene, tmp_path / "fig.svg", size=SIZE, theme_name=theme)

    root = ET.parse(tmp_path / "fig.svg").getroot()
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("1920px", "1080px", "0 0 1920 1080")
    images = len(root.findall(f".//{SVG}image"))
    assert images <= 3  # the heat maps (surface, colour bar, data shading); markers are paths
    assert len(root.findall(f".//{SVG}text")) > 20  # ticks, labels, header and footer stay text
    assert not [e.tag for e in root.iter() if e.get("vector-effect") == "non-scaling-stroke"]

    png = Image.open(tmp_path / "fig.png")
    drawing = cairo_drawing(tmp_path / "fig.svg", png.size)
    difference = float(np.abs(grey_eighth(drawing) - grey_eighth(png)).mean())
    print(f"{preset} {theme}: mean |grey difference| {difference:.4f}, {images} <image> elements")
    assert difference <= 0.04


@pytest.mark.parametrize("theme, l2s", [("light", None), ("dark", [0.0, 0.01, 1.0])])
def test_cairosvg_draws_the_sweep_figure_like_the_png(theme, l2s, tmp_path):
    from lossviz.core.sweep import sweep
    from lossviz.figures.sweep import render_sweep

    scene = load_preset("sine-overfit").replace(steps=300)
    points = sweep(scene, range(1, 13), l2s)
    render_sweep(scene, points, tmp_path / "fig.png", SIZE, theme)
    render_sweep(scene, points, tmp_path / "fig.svg", SIZE, theme)

    root = ET.parse(tmp_path / "fig.svg").getroot()
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("1920px", "1080px", "0 0 1920 1080")
    assert not root.findall(f".//{SVG}image")  # lines, markers and text only
    assert len(root.findall(f".//{SVG}text")) > 20
    assert not [e.tag for e in root.iter() if e.get("vector-effect") == "non-scaling-stroke"]
    png = Image.open(tmp_path / "fig.png")
    difference = float(np.abs(grey_eighth(cairo_drawing(tmp_path / "fig.svg", png.size)) - grey_eighth(png)).mean())
    print(f"sweep {theme}: mean |grey difference| {difference:.4f}")
    assert difference <= 0.04


def test_tidy_draws_non_scaling_strokes_in_page_pixels_and_states_the_page_in_pixels():
    from lossviz.figures.svg import tidy

    qt = ('<svg xmlns="http://www.w3.org/2000/svg" width="677.333mm" height="381mm" viewBox="0 0 1920 1080">'
          '<g stroke-width="2.6" transform="matrix(100,0,0,-200,50,400)">'
          '<path vector-effect="non-scaling-stroke" d="M0,0 L1,0.5 C1,1 2,1 2,0.5 Z"/>'
          '<polyline vector-effect="non-scaling-stroke" points="0,1 1,1 "/>'
          '<rect vector-effect="non-scaling-stroke" x="0" y="0" width="1" height="1"/>'
          '<circle vector-effect="non-scaling-stroke" cx="1" cy="1" r="0.01"/>'
          '<text x="0" y="0">kept</text></g><g/></svg>')
    root = ET.fromstring(tidy(qt, (1920, 1080)))
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("1920px", "1080px", "0 0 1920 1080")
    group = root.find(f"{SVG}g")
    assert group.get("transform") is None and group.get("stroke-width") == "2.6"
    path, polyline, rect, circle, kept = list(group)
    assert path.get("d") == "M50,400 L150,300 C150,200 250,200 250,300 Z"
    assert polyline.get("points") == "50,200 150,200 "
    assert rect.tag == f"{SVG}path" and rect.get("d") == "M50,400 L150,400 L150,200 L50,200 Z"
    assert circle.tag == f"{SVG}ellipse" and [circle.get(k) for k in ("cx", "cy", "rx", "ry")] == ["150", "200", "1", "2"]
    assert all(e.get("vector-effect") is None for e in (path, polyline, rect, circle))
    assert kept.get("transform") == "matrix(100,0,0,-200,50,400)" and kept.find(f"{SVG}text").text == "kept"
    assert len(root.findall(f"{SVG}g")) == 1  # the empty group is gone


class TenPixelFont:
    """Fonts for ``tidy``: every character advances 10 px; sizes are drawn rounded, in "Drawn Sans"."""

    def drawn(self, family, size):
        return "Drawn Sans", round(size)

    def advance(self, family, size, bold, italic, text):
        return 10.0 * len(text)


def test_tidy_joins_runs_set_edge_to_edge_and_writes_the_fonts_drawn():
    from lossviz.figures.svg import tidy

    style = 'y="20" font-family="Sans Serif" font-size="17.3333" font-weight="400"'
    qt = (f'<svg xmlns="http://www.w3.org/2000/svg" width="1mm" height="1mm" viewBox="0 0 100 50"><g>'
          f'<text x="4" {style}>L(</text><text x="24" {style}>θ|</text><text x="44" {style}>D)</text>'
          f'<text x="90" {style}>-3</text>'  # a tick label further on: not part of the line
          f'<text x="110" y="20" font-family="Sans Serif" font-size="17.3333" font-weight="700">Adam</text>'
          f'</g></svg>')
    texts = ET.fromstring(tidy(qt, (100, 50), TenPixelFont())).findall(f".//{SVG}text")
    assert [(t.get("x"), t.text) for t in texts] == [("4", "L(θ|D)"), ("90", "-3"), ("110", "Adam")]
    assert {(t.get("font-family"), t.get("font-size")) for t in texts} == {("'Drawn Sans', sans-serif", "17")}

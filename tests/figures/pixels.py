"""Compare a figure as another program draws it with lossviz's PNG, at full size: what moved, and by how much.

A figure drawn by poppler (PDF) or librsvg (SVG) must put every axis, tick, label, marker and curve where the PNG
has it. Each tile of 24 × 24 pixels that has something in it (not one flat colour) is matched against the other
drawing shifted by up to ``SEARCH`` pixels either way; a tile *moved* if it matches far better shifted by more
than ``REACH`` pixels than by at most ``REACH`` — nearest-pixel differences, not a blurred mean, so that one tick
label out of place is found.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

TILE = 24
REACH = 3  # pixels a feature may move (anti-aliasing, hinting)
SEARCH = 8  # the farthest shift looked for


def grey(image: Image.Image) -> np.ndarray:
    """``image`` over white, in grey levels 0..255 as float32."""
    if image.mode in ("RGBA", "LA"):
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image.convert("RGBA"))
    return np.asarray(image.convert("L"), dtype=np.float32)


def _tile_means(values: np.ndarray, rows: int, columns: int) -> np.ndarray:
    return values[: rows * TILE, : columns * TILE].reshape(rows, TILE, columns, TILE).mean(axis=(1, 3))


def moved_tiles(reference: Image.Image, drawing: Image.Image) -> list[tuple[int, int, int, int]]:
    """Tiles of ``reference`` (x, y in pixels) that ``drawing`` shows moved by more than REACH pixels, with the
    shift (dx, dy) at which they match best."""
    a, b = grey(reference), grey(drawing)
    assert a.shape == b.shape, (a.shape, b.shape)
    rows, columns = a.shape[0] // TILE, a.shape[1] // TILE
    padded = np.pad(b, SEARCH, mode="edge")
    shifts = [(dx, dy) for dy in range(-SEARCH, SEARCH + 1) for dx in range(-SEARCH, SEARCH + 1)]
    errors = np.empty((len(shifts), rows, columns), dtype=np.float32)
    for index, (dx, dy) in enumerate(shifts):
        shifted = padded[SEARCH + dy: SEARCH + dy + a.shape[0], SEARCH + dx: SEARCH + dx + a.shape[1]]
        errors[index] = _tile_means(np.abs(a - shifted), rows, columns)
    near = np.array([max(abs(dx), abs(dy)) <= REACH for dx, dy in shifts])
    best_near, best = errors[near].min(axis=0), errors.min(axis=0)
    textured = _tile_means(a * a, rows, columns) - _tile_means(a, rows, columns) ** 2 > 12.0**2
    moved = textured & (best_near > 2.0) & (best < 0.5 * best_near)
    where = errors.argmin(axis=0)
    return [(int(x) * TILE, int(y) * TILE, *shifts[where[y, x]]) for y, x in zip(*np.nonzero(moved), strict=True)]


def assert_drawn_alike(reference: Path, drawing: Image.Image) -> None:
    """Nothing of the PNG at ``reference`` moved by more than REACH pixels in ``drawing``, either way round."""
    png = Image.open(reference)
    assert drawing.size == png.size, (drawing.size, png.size)
    moved = moved_tiles(png, drawing) + moved_tiles(drawing, png)
    assert moved == [], f"{reference.name}: tiles (x, y, dx, dy) moved by more than {REACH} px: {moved[:12]}"


def poppler_drawing(pdf: Path, size: tuple[int, int]) -> Image.Image:
    """The PDF's one page as poppler's pdftoppm draws it at ``size`` pixels."""
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm (poppler-utils) is needed"
    stem = pdf.with_name(pdf.stem + "-poppler")  # never the PNG beside it
    subprocess.run([tool, "-png", "-singlefile", "-scale-to-x", str(size[0]), "-scale-to-y", str(size[1]), str(pdf),
                    str(stem)], check=True, timeout=120)
    return Image.open(f"{stem}.png").convert("RGB")


def librsvg_drawing(svg: Path, size: tuple[int, int]) -> Image.Image:
    """The SVG as librsvg's rsvg-convert draws it at ``size`` pixels, over white."""
    tool = shutil.which("rsvg-convert")
    assert tool, "rsvg-convert (librsvg2-bin) is needed"
    out = svg.with_name(svg.stem + "-rsvg.png")
    subprocess.run([tool, "-w", str(size[0]), "-h", str(size[1]), "-b", "white", str(svg), "-o", str(out)],
                   check=True, timeout=120)
    return Image.open(out).convert("RGB")

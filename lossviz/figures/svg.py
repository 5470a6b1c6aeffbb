"""SVG that librsvg, CairoSVG, Inkscape, LibreOffice and LaTeX draw like the PNG.

QSvgGenerator writes what QPainter did; these renderers misread it in five ways, fixed here:

- a cosmetic pen (a width in pixels at any zoom, as every lossviz line has) becomes
  ``vector-effect="non-scaling-stroke"`` on a path in the plot's data coordinates, inside a
  group whose transform scales by hundreds; renderers that ignore the vector-effect widen the
  stroke by that scale, into polygons across the figure. A non-cosmetic pen cannot stand in for
  it (under unequal x and y scales its width would depend on the line's slope), so ``tidy``
  maps such shapes into page pixels, where the written stroke width is right, as pyqtgraph's
  own SVG exporter does;
- pyqtgraph's scatter items paint their markers from a pixmap atlas, one ``<image>`` per
  marker; in export mode (the mode pyqtgraph's exporters use) they draw each as a path;
- without clip paths (SVG Tiny, the default) lines run past the plots' edges; with them (SVG
  1.1), the generator names a stale clip path after a nested clip is restored (the grid vanished
  under a title's clip). Painting into a QPicture first and replaying it turns every restore
  into explicit clip changes, which the generator writes correctly;
- font sizes are the requested point sizes, but Qt draws with the font it matched (whole
  pixels here: 13 pt at 96 dpi is drawn at 17 px, not 17.33); ``tidy`` writes the matched size
  and family (with ``sans-serif`` after it);
- a line of text is cut into runs (at every change of script: "L(", "θ|", "D)"), each placed
  at Qt's hinted advances, which other renderers' unhinted glyphs overrun ("L(" over "θ");
  ``tidy`` joins runs of one style that Qt set edge to edge into one ``<text>``;
- the page size is in millimetres at the generator's resolution; ``tidy`` states it in pixels
  (``width="1920px"``), which 96-dpi renderers show at the figure's pixel size.

Text stays ``<text>``; the heat maps stay one ``<image>`` each.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Protocol

from PySide6 import QtCore, QtGui
from PySide6.QtSvg import QSvgGenerator

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
NON_SCALING = "non-scaling-stroke"
MATRIX = re.compile(r"matrix\(([^)]*)\)")
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
JOIN_TOLERANCE = 0.5  # pixels between where one run of text ends and the next begins, to join them


class Fonts(Protocol):
    """What Qt draws for a font asked for by family and size in pixels (as QSvgGenerator writes them)."""

    def drawn(self, family: str, size: float) -> tuple[str, float]:
        """The family and pixel size Qt draws with."""

    def advance(self, family: str, size: float, bold: bool, italic: bool, text: str) -> float:
        """How far Qt advances over ``text``, in pixels."""


def svg_text(widget: Any, pixels: tuple[int, int], title: str) -> str:
    """``widget`` (a pyqtgraph GraphicsLayoutWidget) painted as an SVG page of ``pixels``."""
    items = [item for item in widget.scene().items() if hasattr(item, "setExportMode")]
    for item in items:
        item.setExportMode(True, {"antialias": True})
    try:
        picture = QtGui.QPicture()
        painter = QtGui.QPainter(picture)
        widget.render(painter)
        painter.end()
    finally:
        for item in items:
            item.setExportMode(False)
    dpi = picture.logicalDpiY()
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    generator.setOutputDevice(buffer)
    generator.setSize(QtCore.QSize(*pixels))
    generator.setViewBox(QtCore.QRect(0, 0, *pixels))
    generator.setResolution(dpi)  # font sizes in pixels as the figure lays them out
    generator.setTitle(title)
    painter = QtGui.QPainter(generator)
    picture.play(painter)
    painter.end()
    buffer.close()
    svg = bytes(buffer.data().data()).decode("utf-8")
    return tidy(svg, pixels, QtFonts(dpi))


class QtFonts:
    """``Fonts`` answered by Qt's font matching at ``dpi`` (the figure's, at which sizes were converted to pixels)."""

    def __init__(self, dpi: float):
        self.dpi = dpi

    def _font(self, family: str, size: float) -> QtGui.QFont:
        font = QtGui.QFont(family)
        font.setPointSizeF(size * 72 / self.dpi)
        return font

    def drawn(self, family: str, size: float) -> tuple[str, float]:
        """The family and pixel size Qt draws with."""
        info = QtGui.QFontInfo(self._font(family, size))
        return info.family(), round(info.pointSizeF() * self.dpi / 72, 3)

    def advance(self, family: str, size: float, bold: bool, italic: bool, text: str) -> float:
        """How far Qt advances over ``text``, in pixels."""
        font = self._font(family, size)
        font.setBold(bold)
        font.setItalic(italic)
        return float(QtGui.QFontMetricsF(font).horizontalAdvance(text))


def tidy(svg: str, pixels: tuple[int, int], fonts: Fonts | None = None) -> str:
    """QSvgGenerator's ``svg`` with non-scaling strokes drawn in page pixels, the page ``pixels`` in size,
    (given ``fonts``) runs of text joined and fonts as drawn, and no empty groups."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg)
    root.set("width", f"{pixels[0]}px")
    root.set("height", f"{pixels[1]}px")
    root.set("viewBox", f"0 0 {pixels[0]} {pixels[1]}")
    for group in list(root.iter(f"{{{SVG_NS}}}g")):
        _flatten_group(group)
    for clip in root.iter(f"{{{SVG_NS}}}clipPath"):  # written in page pixels already; a clip has no stroke
        for shape in clip:
            shape.attrib.pop("vector-effect", None)
    if fonts is not None:
        for parent in list(root.iter()):
            _join_runs(parent, fonts)
        _state_lengths(root, fonts)
        _match_fonts(root, fonts)
    _drop_empty_groups(root)
    return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _flatten_group(group: ET.Element) -> None:
    """Map the group's non-scaling shapes through its transform; the other children keep it, in groups of their own."""
    children = list(group)
    if not any(child.get("vector-effect") == NON_SCALING for child in children):
        return
    transform = group.attrib.pop("transform", "").strip()
    found = MATRIX.fullmatch(transform)
    values = [float(v) for v in NUMBER.findall(found.group(1))] if found else []
    if transform and len(values) != 6:  # not what QSvgGenerator writes: leave the group as it is
        group.set("transform", transform)
        return
    matrix: Matrix = (values[0], values[1], values[2], values[3], values[4], values[5]) if values else IDENTITY
    for child in children:
        group.remove(child)
    kept: ET.Element | None = None
    for child in children:
        if child.get("vector-effect") == NON_SCALING and _map_shape(child, matrix):
            group.append(child)
            kept = None
        elif not transform:
            group.append(child)
        else:
            if kept is None:
                kept = ET.SubElement(group, f"{{{SVG_NS}}}g", transform=transform)
            kept.append(child)


def _map_points(text: str, matrix: Matrix) -> str:
    """Every x,y pair in ``text`` (a path's ``d`` of absolute M/L/C/Z, or a polyline's points) mapped by ``matrix``."""
    a, b, c, d, e, f = matrix
    pairs = iter(NUMBER.finditer(text))
    out, last = [], 0
    for x_match in pairs:
        y_match = next(pairs, None)
        if y_match is None:
            break
        x, y = float(x_match.group()), float(y_match.group())
        out.append(text[last:x_match.start()])
        out.append(f"{a * x + c * y + e:.6g},{b * x + d * y + f:.6g}")
        last = y_match.end()
    out.append(text[last:])
    return "".join(out)


def _map_shape(element: ET.Element, matrix: Matrix) -> bool:
    """Put ``element`` in page pixels (a rect becomes a path); False for shapes this does not know."""
    tag = element.tag.rsplit("}", 1)[-1]
    if tag == "path" and re.fullmatch(r"[MLCZ\d\s,.eE+-]*", element.get("d", "")):
        element.set("d", _map_points(element.get("d", ""), matrix))
    elif tag in ("polyline", "polygon"):
        element.set("points", _map_points(element.get("points", ""), matrix))
    elif tag == "rect" and not element.get("rx") and not element.get("ry"):
        x, y = float(element.get("x", 0)), float(element.get("y", 0))
        w, h = float(element.get("width", 0)), float(element.get("height", 0))
        for name in ("x", "y", "width", "height"):
            element.attrib.pop(name, None)
        element.tag = f"{{{SVG_NS}}}path"
        element.set("d", _map_points(f"M{x},{y} L{x + w},{y} L{x + w},{y + h} L{x},{y + h} Z", matrix))
    elif tag in ("circle", "ellipse") and matrix[1] == matrix[2] == 0:
        a, _, _, d, e, f = matrix
        rx, ry = float(element.get("rx", element.get("r", 0))), float(element.get("ry", element.get("r", 0)))
        element.set("cx", f"{a * float(element.get('cx', 0)) + e:.6g}")
        element.set("cy", f"{d * float(element.get('cy', 0)) + f:.6g}")
        element.attrib.pop("r", None)
        element.tag = f"{{{SVG_NS}}}ellipse"
        element.set("rx", f"{abs(a) * rx:.6g}")
        element.set("ry", f"{abs(d) * ry:.6g}")
    else:
        return False
    element.attrib.pop("vector-effect")
    return True


def _join_runs(parent: ET.Element, fonts: Fonts) -> None:
    """Join each ``<text>`` child to the one before it if both have one style and baseline and Qt set them edge to edge."""
    text_tag = f"{{{SVG_NS}}}text"
    previous: ET.Element | None = None
    for element in list(parent):
        if element.tag != text_tag or len(element):
            previous = None
            continue
        if previous is not None and _adjacent(previous, element, fonts):
            previous.text = (previous.text or "") + (element.text or "")
            parent.remove(element)
        else:
            previous = element


def _adjacent(first: ET.Element, second: ET.Element, fonts: Fonts) -> bool:
    """Whether ``second`` is ``first``'s line going on in the same style, where Qt's advance over ``first`` ends."""
    same = {k: v for k, v in first.attrib.items() if k != "x"} == {k: v for k, v in second.attrib.items() if k != "x"}
    size = first.get("font-size", "")
    if not same or not NUMBER.fullmatch(size) or not NUMBER.fullmatch(first.get("x", "")) \
            or not NUMBER.fullmatch(second.get("x", "")):
        return False
    weight = first.get("font-weight", "400")
    bold = weight == "bold" or (weight.isdigit() and int(weight) >= 600)
    advance = fonts.advance(first.get("font-family", "").strip("'\""), float(size), bold,
                            first.get("font-style") == "italic", first.text or "")
    return abs(float(first.get("x", "")) + advance - float(second.get("x", ""))) <= JOIN_TOLERANCE


def _state_lengths(root: ET.Element, fonts: Fonts) -> None:
    """Each line of text its length as Qt set it (``textLength``, spacing adjusted): other renderers' glyph advances
    differ from Qt's hinted ones by a fraction of a pixel a letter, and along a title that added up to 5 pixels."""
    for element in root.iter(f"{{{SVG_NS}}}text"):
        size, text = element.get("font-size", ""), element.text or ""
        if len(element) or len(text) < 2 or not NUMBER.fullmatch(size) or not NUMBER.fullmatch(element.get("x", "")):
            continue
        weight = element.get("font-weight", "400")
        bold = weight == "bold" or (weight.isdigit() and int(weight) >= 600)
        advance = fonts.advance(element.get("font-family", "").strip("'\""), float(size), bold,
                                element.get("font-style") == "italic", text)
        element.set("textLength", f"{advance:.6g}")
        element.set("lengthAdjust", "spacing")


def _match_fonts(root: ET.Element, fonts: Fonts) -> None:
    """Font families and sizes as drawn; the family first, then the generic ``sans-serif``."""
    matched: dict[tuple[str, str], tuple[str, float]] = {}
    for element in root.iter():
        family, size = element.get("font-family"), element.get("font-size")
        if family is None or size is None or not NUMBER.fullmatch(size):
            continue
        key = (family, size)
        if key not in matched:
            matched[key] = fonts.drawn(family.strip("'\""), float(size))
        name, pixels = matched[key]
        element.set("font-family", f"'{name}', sans-serif" if name else "sans-serif")
        element.set("font-size", f"{pixels:g}")


def _drop_empty_groups(parent: ET.Element) -> None:
    """Remove groups that draw nothing (the generator starts one on every change of state)."""
    for child in list(parent):
        if child.tag == f"{{{SVG_NS}}}g":
            _drop_empty_groups(child)
            if len(child) == 0:
                parent.remove(child)

"""Pictures in a dossier as vectors: a scene (:mod:`exports.scene`) drawn with
reportlab's graphics shapes, its words as text in the embedded font (selectable,
searchable, sharp at any zoom), scaled down only when taller than its room."""

from __future__ import annotations

from reportlab.graphics.shapes import Circle as RLCircle
from reportlab.graphics.shapes import Drawing, Group, PolyLine, String
from reportlab.graphics.shapes import Polygon as RLPolygon
from reportlab.graphics.shapes import Rect as RLRect
from reportlab.lib import colors

from exports.fonts import font_name
from exports.scene import Circle, Line, Polygon, Rect, Scene, Text


def _colour(value: str | None) -> colors.Color | None:
    return colors.HexColor(value) if value else None


def _flat(points: tuple[tuple[float, float], ...]) -> list[float]:
    return [c for point in points for c in point]


def drawing(scene: Scene, max_width: float, max_height: float) -> Drawing:
    """``scene`` as a reportlab drawing (a flowable), at its own size or smaller to fit
    ``max_width`` × ``max_height`` points."""
    scale = min(1.0, max_width / scene.width, max_height / scene.height)
    group = Group(transform=(scale, 0, 0, scale, 0, 0))
    for shape in scene.shapes:
        if isinstance(shape, Line):
            group.add(PolyLine(_flat(shape.points), strokeColor=_colour(shape.colour),
                               strokeWidth=shape.width,
                               strokeDashArray=[3, 2] if shape.dashed else None))
        elif isinstance(shape, Polygon):
            group.add(RLPolygon(_flat(shape.points), fillColor=_colour(shape.fill),
                                strokeColor=None, strokeWidth=0))
        elif isinstance(shape, Circle):
            group.add(RLCircle(shape.x, shape.y, shape.radius, fillColor=_colour(shape.fill),
                               strokeColor=None, strokeWidth=0))
        elif isinstance(shape, Rect):
            group.add(RLRect(shape.x, shape.y, shape.width, shape.height,
                             fillColor=_colour(shape.fill), strokeColor=_colour(shape.stroke),
                             strokeWidth=shape.stroke_width if shape.stroke else 0))
        else:
            _text(group, shape)
    result = Drawing(scene.width * scale, scene.height * scale)
    # the embedded font from the start (reportlab's default would add Helvetica, a
    # font the PDF does not embed)
    result.initialFontName = font_name()
    result.add(group)
    return result


def _text(group: Group, text: Text) -> None:
    if text.backdrop:
        box = text.box().padded(0.6)
        group.add(RLRect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0,
                         fillColor=colors.white, strokeColor=None, strokeWidth=0))
    for index, line in enumerate(text.lines):
        group.add(String(text.x, text.y - index * text.leading, line,
                         fontName=font_name(text.bold), fontSize=text.size,
                         fillColor=_colour(text.colour), textAnchor=text.anchor))

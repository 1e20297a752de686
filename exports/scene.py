"""A picture as plain shapes, in points: what the evidence map and the timeline
(:mod:`exports.pictures`) are laid out into, and what is written from it — SVG here, a
reportlab drawing in the PDFs (:mod:`dossier.pdf.drawing`), the same shapes at the same
places in both.

Coordinates are in points with the origin at the bottom left (as in a PDF); text is
measured with the font the PDF embeds (:mod:`exports.fonts`), so every text's box is
known exactly where the PDF prints it, and a layout can be checked for overlaps from the
scene alone (:meth:`Scene.problems`). Output is deterministic: no dates, no random ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from exports.fonts import SVG_FAMILY, ascent_descent, text_width

#: the space between the lines of a text, as a multiple of its size
LINE_SPACING = 1.25

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle: left, bottom, right, top."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        """Whether the two share more than an edge."""
        return self.x0 < other.x1 and other.x0 < self.x1 and \
            self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, other: Box, slack: float = 0.01) -> bool:
        return self.x0 >= other.x0 - slack and self.x1 <= other.x1 + slack and \
            self.y0 >= other.y0 - slack and self.y1 <= other.y1 + slack

    def padded(self, by: float) -> Box:
        return Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def crossed_by(self, a: Point, b: Point) -> bool:
        """Whether the segment from ``a`` to ``b`` passes through the box (more than
        touching its edge): the segment clipped to the box (Liang–Barsky) is not empty."""
        low, high = 0.0, 1.0
        dx, dy = b[0] - a[0], b[1] - a[1]
        for step, room in ((-dx, a[0] - self.x0), (dx, self.x1 - a[0]),
                           (-dy, a[1] - self.y0), (dy, self.y1 - a[1])):
            if step == 0:
                if room <= 0:
                    return False
                continue
            t = room / step
            if step < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low >= high:
                return False
        return True


@dataclass(frozen=True)
class Text:
    """Lines of text anchored at ``x`` (``start``, ``middle`` or ``end`` of each line),
    the first line's baseline at ``y``, each further line ``size × LINE_SPACING`` lower.
    ``backdrop``: a white box behind it (over the lines it would otherwise cross)."""

    x: float
    y: float
    lines: tuple[str, ...]
    size: float
    anchor: str = "middle"
    bold: bool = False
    colour: str = "#000000"
    backdrop: bool = False
    role: str = "label"

    @property
    def leading(self) -> float:
        return self.size * LINE_SPACING

    def line_x(self, line: str) -> float:
        """Where ``line`` starts."""
        width = text_width(line, self.size, self.bold)
        return {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[
            self.anchor]

    def box(self) -> Box:
        """The ink box of every line (ascent of the first to descent of the last)."""
        ascent, descent = ascent_descent(self.size, self.bold)
        starts = [self.line_x(line) for line in self.lines]
        ends = [s + text_width(line, self.size, self.bold)
                for s, line in zip(starts, self.lines, strict=True)]
        bottom = self.y - (len(self.lines) - 1) * self.leading + descent
        return Box(min(starts), bottom, max(ends), self.y + ascent)


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    radius: float
    fill: str
    role: str = "node"

    def box(self) -> Box:
        return Box(self.x - self.radius, self.y - self.radius, self.x + self.radius,
                   self.y + self.radius)


@dataclass(frozen=True)
class Line:
    """A polyline; ``dashed`` draws it in short dashes."""

    points: tuple[Point, ...]
    colour: str
    width: float = 0.8
    dashed: bool = False
    role: str = "edge"


@dataclass(frozen=True)
class Polygon:
    """A closed filled shape (arrow heads, markers)."""

    points: tuple[Point, ...]
    fill: str
    role: str = "mark"

    def box(self) -> Box:
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return Box(min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.6
    role: str = "bar"

    def box(self) -> Box:
        return Box(self.x, self.y, self.x + self.width, self.y + self.height)


Shape = Text | Circle | Line | Polygon | Rect


@dataclass
class Scene:
    """A picture: its size in points and its shapes, drawn in order."""

    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)

    def add(self, *shapes: Shape) -> None:
        self.shapes.extend(shapes)

    def texts(self) -> Iterator[Text]:
        return (s for s in self.shapes if isinstance(s, Text))

    def problems(self, minimum_size: float) -> list[str]:
        """What a reader would stumble on: a text that meets another text or a node, or
        runs off the picture, or is smaller than ``minimum_size``; an edge that runs
        through a label (hidden under its backdrop, or across its words)."""
        frame = Box(0, 0, self.width, self.height)
        texts = [(t, t.box()) for t in self.texts() if any(line.strip() for line in t.lines)]
        nodes = [s.box() for s in self.shapes if isinstance(s, Circle | Polygon)
                 and s.role in ("node", "marker")]
        out = []
        labels = [(t, box) for t, box in texts if t.role == "label"]
        for edge in (s for s in self.shapes if isinstance(s, Line) and s.role == "edge"):
            for a, b in zip(edge.points, edge.points[1:], strict=False):
                out += [f"an edge runs through {' / '.join(t.lines)!r}"
                        for t, box in labels if box.crossed_by(a, b)]
        for i, (text, box) in enumerate(texts):
            words = " / ".join(text.lines)
            if not box.inside(frame):
                out.append(f"off the picture: {words!r}")
            for other, other_box in texts[i + 1:]:
                if box.overlaps(other_box):
                    out.append(f"{words!r} overlaps {' / '.join(other.lines)!r}")
            out += [f"{words!r} overlaps a node" for node in nodes if box.overlaps(node)]
            if text.size < minimum_size:
                out.append(f"{words!r} at {text.size} pt")
        return out

    def svg(self, title: str = "") -> bytes:
        """The scene as a standalone SVG document (words as text, searchable)."""
        return svg(self, title)


def _n(value: float) -> str:
    """A coordinate, to a hundredth of a point (stable text)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def svg(scene: Scene, title: str = "") -> bytes:
    """The SVG document of ``scene`` (y flipped: SVG counts down from the top)."""
    height = scene.height

    def pt(point: Point) -> str:
        return f"{_n(point[0])},{_n(height - point[1])}"

    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(scene.width)}pt" '
           f'height="{_n(height)}pt" viewBox="0 0 {_n(scene.width)} {_n(height)}">']
    if title:
        out.append(f"<title>{escape(title)}</title>")
    out.append(f'<rect width="{_n(scene.width)}" height="{_n(height)}" fill="#ffffff"/>')
    for shape in scene.shapes:
        if isinstance(shape, Line):
            dash = ' stroke-dasharray="3,2"' if shape.dashed else ""
            out.append(f'<polyline points="{" ".join(pt(p) for p in shape.points)}" '
                       f'fill="none" stroke="{shape.colour}" '
                       f'stroke-width="{_n(shape.width)}"{dash}/>')
        elif isinstance(shape, Polygon):
            out.append(f'<polygon points="{" ".join(pt(p) for p in shape.points)}" '
                       f'fill="{shape.fill}"/>')
        elif isinstance(shape, Circle):
            out.append(f'<circle cx="{_n(shape.x)}" cy="{_n(height - shape.y)}" '
                       f'r="{_n(shape.radius)}" fill="{shape.fill}"/>')
        elif isinstance(shape, Rect):
            fill = shape.fill or "none"
            stroke = f' stroke="{shape.stroke}" stroke-width="{_n(shape.stroke_width)}"' \
                if shape.stroke else ""
            out.append(f'<rect x="{_n(shape.x)}" y="{_n(height - shape.y - shape.height)}" '
                       f'width="{_n(shape.width)}" height="{_n(shape.height)}" '
                       f'fill="{fill}"{stroke}/>')
        else:
            out += _svg_text(shape, height)
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _svg_text(text: Text, height: float) -> list[str]:
    out = []
    if text.backdrop:
        box = text.box().padded(0.6)
        out.append(f'<rect x="{_n(box.x0)}" y="{_n(height - box.y1)}" '
                   f'width="{_n(box.x1 - box.x0)}" height="{_n(box.y1 - box.y0)}" '
                   'fill="#ffffff"/>')
    weight = ' font-weight="bold"' if text.bold else ""
    for index, line in enumerate(text.lines):
        y = text.y - index * text.leading
        out.append(f'<text x="{_n(text.x)}" y="{_n(height - y)}" '
                   f'font-family={quoteattr(SVG_FAMILY)} font-size="{_n(text.size)}"'
                   f'{weight} text-anchor="{text.anchor}" fill="{text.colour}">'
                   f"{escape(line)}</text>")
    return out

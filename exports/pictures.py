"""Evidence maps and timelines, laid out as vector scenes (:mod:`exports.scene`) in the
output's language and written as SVG; the dossiers draw the same scenes as vectors.

Both are laid out at the width they are printed in a dossier (:data:`WIDTH`, the text
width of an A4 page less 2 × 18 mm), with no text under :data:`MIN_FONT` points, every
text measured with the font the PDF embeds. The evidence map lays its nodes out in
columns (target, posts, organisations, incidents, sources), each node's words below it
and the space for them reserved, so no label meets another label or a node; the edges
carry no words (what an edge stands for is in the label of the node it leads to) and
are routed round the words, never through them. The timeline draws posts and dated
ranges as bars, a partial date as the span it can mean, a day as a point; it ticks its
whole axis in days, months or years as the span needs, no tick's words meeting the
next, and stacks incident labels so that none overlaps another.

Everything is laid out once, with no rendering engine: a picture costs a few
milliseconds. Output is deterministic (no dates, no random ids).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from entities.case import vocab
from entities.case.model import Actor, Incident, Position, Source
from entities.files import atomic_file
from entities.i18n import text
from entities.i18n.words import day_words, human_date
from evidence_maps.analysis import TargetView
from evidence_maps.dates import earliest, latest
from evidence_maps.graph import COLUMNS, target_graph
from evidence_maps.view import CaseView
from exports.fonts import ascent_descent, text_width, wrap_words
from exports.scene import LINE_SPACING, Box, Circle, Line, Point, Polygon, Rect, Scene, Text

#: The width pictures are laid out at: the dossier's text width, in points.
WIDTH = 6.8 * 72
#: The smallest text in a picture, and the titles', in points.
MIN_FONT = 7.0
TITLE_FONT = 10.0

COLOURS = {"target": "#c0392b", "post": "#8e44ad", "organisation": "#2c3e50",
           "incident": "#d35400", "source": "#16a085"}
EVIDENCED, INFERRED = "#555555", "#999999"
#: the bars of posts and the spans of incidents (their colours over white, as at 60 and
#: 55 % opacity: a picture needs no transparency)
_POST_BAR, _SPAN_FILL = "#bb8fce", "#e7a173"


def _x(message: str, lang: str, **values: object) -> str:
    return text(f"x.{message}", lang, **values)


@dataclass(frozen=True)
class Pictures:
    """A target's evidence map and timeline (``None``: nothing is dated)."""

    map: Scene
    timeline: Scene | None


def target_pictures(view: CaseView, target: TargetView, lang: str = "en") -> Pictures:
    """Both pictures of ``target``, laid out in ``lang``."""
    return Pictures(evidence_map(view, target, lang), timeline(view, target, lang))


def write_target_pictures(out: Path, view: CaseView, target: TargetView,
                          lang: str = "en", pictures: Pictures | None = None) -> list[Path]:
    """``OUT/STEM-map.svg`` and, when anything is dated, ``OUT/STEM-timeline.svg``
    (``STEM``: the target's file name), in ``lang``; ``pictures`` if already laid out."""
    drawn = pictures or target_pictures(view, target, lang)
    stem = view.target_stem(target.id)
    paths = []
    for kind, scene, title in (("map", drawn.map, "map_title"),
                               ("timeline", drawn.timeline, "timeline_title")):
        if scene is None:
            continue
        path = out / f"{stem}-{kind}.svg"
        with atomic_file(path) as fh:
            fh.write(scene.svg(_x(title, lang, name=target.name)))
        paths.append(path)
    return paths


def _title(scene: Scene, words: str, top: float) -> float:
    """A centred title whose first line's top is at ``top``; returns its bottom."""
    lines = wrap_words(words, TITLE_FONT, scene.width - 8)
    ascent, descent = ascent_descent(TITLE_FONT)
    scene.add(Text(scene.width / 2, top - ascent, tuple(lines), TITLE_FONT, role="title"))
    return top - ascent - (len(lines) - 1) * TITLE_FONT * LINE_SPACING + descent


# -- the evidence map ----------------------------------------------------------------
#: the line height of labels, the node marker's radius and the room around columns
_LINE = MIN_FONT * LINE_SPACING
_RADIUS = 5.5
_GAP = 7.0
_MARGIN = 52.0
_STEP = (WIDTH - 2 * _MARGIN) / (len(COLUMNS) - 1)
#: the widest a label may be: its column's width, less a gap to the next
_LABEL = _STEP - 8.0
_ARROW = (5.0, 2.1)  # an arrow head's length and half width


def _name(record: object) -> str:
    if isinstance(record, Actor):
        return next((n.name for n in record.names if n.type == "name"), record.names[0].name)
    return str(getattr(record, "id", record))


def _wrap(words: str) -> list[str]:
    return wrap_words(words, MIN_FONT, _LABEL)


def _node_lines(view: CaseView, graph: nx.DiGraph, node: str, lang: str) -> list[str]:
    """The words under a node: what it is, and what the edge into it stands for."""
    case = view.case
    record = case.index[node]
    kind = graph.nodes[node]["kind"]
    lines: list[str] = []
    if kind in ("target", "organisation"):
        lines = _wrap(_name(record))
    elif kind == "post" and isinstance(record, Position):
        lines = _wrap(record.title[0].name)
        for _, _, data in graph.in_edges(node, data=True):
            tenure = case.index.get(data.get("tenure", ""))
            start = human_date(getattr(tenure, "start", None), lang, short=True) or "?"
            end = human_date(getattr(tenure, "end", None), lang, short=True)
            lines += _wrap(f"{start} – {end}")
    elif kind == "incident" and isinstance(record, Incident):
        when = human_date(record.date, lang, short=True) or text("pdf.undated", lang)
        lines = _wrap(f"{record.title} ({when})")
        for _, _, data in graph.in_edges(node, data=True):
            for att in data.get("attributions", []):
                bits = [vocab.label("modes_of_responsibility", att.mode, lang),
                        text(f"em.grade_{att.grade.level}", lang)]
                if att.inferred:
                    bits.append(_x("inferred", lang))
                if att.status != "reviewed":
                    bits.append(_x("draft", lang))
                lines += _wrap(" · ".join(bits))
    elif kind == "source" and isinstance(record, Source):
        words = record.title + (f" — {record.publisher}" if record.publisher else "")
        if record.published:
            words += f" ({human_date(record.published, lang, short=True)})"
        lines = _wrap(words)
        cited = list(dict.fromkeys(e for _, _, d in graph.in_edges(node, data=True)
                                   for e in d.get("evidence", [])))
        if cited:
            lines += _wrap(f"{_x('legend_evidence', lang)}: {', '.join(cited)}")
    return lines or [node]


def _block(lines: list[str]) -> float:
    """The height a node takes in its column: marker, gap, its lines, spacing."""
    return 2 * _RADIUS + 3 + len(lines) * _LINE + _GAP


def evidence_map(view: CaseView, target: TargetView, lang: str = "en") -> Scene:
    """The diagram: columns target → posts → organisations → incidents → sources, each
    node's words below it in the room its column keeps for them; the edges routed round
    the words (:class:`_Routes`), above the columns where nothing else is clear."""
    graph = target_graph(view, target)
    labels = {n: _node_lines(view, graph, n, lang) for n in graph.nodes}
    columns: dict[int, list[str]] = {}
    for node, data in graph.nodes(data=True):
        columns.setdefault(int(data["layer"]), []).append(node)
    tallest = max(sum(_block(labels[n]) for n in nodes) for nodes in columns.values())
    legend = _legend_rows(lang)
    title_lines = len(wrap_words(_x("map_title", lang, name=target.name), TITLE_FONT,
                                 WIDTH - 8))
    top = 12 + title_lines * TITLE_FONT * LINE_SPACING + 4
    bottom = 12 + len(legend) * 12.0
    ascent, _ = ascent_descent(MIN_FONT)

    def place(lanes: int) -> tuple[Scene, _Routes, dict[str, Text]]:
        """The nodes and their words with room for ``lanes`` above the columns."""
        room = lanes * _LANE + (_LANE if lanes else 0)
        scene = Scene(WIDTH, top + room + tallest + bottom)
        position: dict[str, Point] = {}
        for layer, nodes in columns.items():
            used = sum(_block(labels[n]) for n in nodes)
            y = scene.height - top - room - (tallest - used) / 2
            for node in nodes:
                position[node] = (_MARGIN + layer * _STEP, y - _RADIUS)
                y -= _block(labels[node])
        texts = {node: Text(x, y - _RADIUS - 3 - ascent, tuple(labels[node]), MIN_FONT,
                            backdrop=True) for node, (x, y) in position.items()}
        lane_top = scene.height - top - _LANE
        return scene, _Routes(position, [t.box() for t in texts.values()], lane_top), texts

    edges = [(a, b, data.get("kind") == "derived_from", bool(data.get("inferred")))
             for a, b, data in graph.edges(data=True)]
    scene, routes, texts = place(0)
    for a, b, same_column, _ in edges:  # which edges need a lane above the columns
        routes.route(a, b, same_column)
    if routes.lanes:
        scene, routes, texts = place(len(routes.lanes))
    _title(scene, _x("map_title", lang, name=target.name), scene.height - 6)
    for a, b, same_column, inferred in edges:
        _edge(scene, routes.route(a, b, same_column), inferred)
    for node, (x, y) in routes.position.items():
        scene.add(Circle(x, y, _RADIUS, COLOURS[graph.nodes[node]["kind"]],
                         role="node"))
    scene.add(*texts.values())
    _draw_legend(scene, legend, 10.0, lang)
    return scene


#: the space between two lanes above the columns, in points
_LANE = 4.0


class _Routes:
    """Where each edge runs: straight from rim to rim where that crosses no label and no
    other node; else square, leaving and reaching its nodes level with them (a node's
    words hang below it) and turning in the free channel between two columns (a label is
    at most :data:`_LABEL` wide, so the middle of a channel is clear) — the edges of one
    node along one line there, other nodes' a little apart; else, over the columns in
    the way, along a lane above them all (one lane for each node edges leave from, its
    edges branching off it), below the title. Two nodes of one column (a source derived
    from another) are joined in the channel to the right of their column."""

    def __init__(self, position: dict[str, Point], labels: list[Box], lane_top: float):
        self.position = position
        self.labels = labels
        self.lane_top = lane_top
        self.nodes = {n: Box(x - _RADIUS, y - _RADIUS, x + _RADIUS, y + _RADIUS)
                      for n, (x, y) in position.items()}
        self.used: dict[float, list[str]] = {}  # channel → nodes whose edges use it
        self.lanes: dict[str, float] = {}  # node → its lane's y

    def _clear(self, points: list[Point], ends: tuple[str, str]) -> bool:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        near = Box(min(xs), min(ys), max(xs), max(ys)).padded(1)
        boxes = [box for box in [*self.labels, *(box for n, box in self.nodes.items()
                                                 if n not in ends)] if box.overlaps(near)]
        return not any(box.crossed_by(a, b) for a, b in zip(points, points[1:], strict=False)
                       for box in boxes)

    def _channel(self, x: float, start: str) -> float:
        """The x in the channel at ``x`` of the edges from ``start``: the same for all of
        them (they branch off one line), a little apart from other nodes' (at most
        3 points either side of the middle, which keeps clear of every label)."""
        taken = self.used.setdefault(x, [])
        if start not in taken:
            taken.append(start)
        index = taken.index(start)
        return x + min((index + 1) // 2, 2) * (1.5 if index % 2 else -1.5)

    def route(self, a: str, b: str, same_column: bool) -> list[Point]:
        (xa, ya), (xb, yb) = self.position[a], self.position[b]
        rim = _RADIUS + 1
        straight = [_toward((xa, ya), (xb, yb), rim), _toward((xb, yb), (xa, ya), rim)]
        sign = 1 if xb >= xa else -1
        if same_column:
            candidates = [xa + _STEP / 2]
        elif self._clear(straight, (a, b)):
            return straight
        else:
            candidates = list(dict.fromkeys([xb - sign * _STEP / 2, xa + sign * _STEP / 2]))
        for channel in candidates:
            x = self._channel(channel, a)
            out, into = (1 if x > xa else -1), (1 if x > xb else -1)
            points = [(xa + out * rim, ya), (x, ya), (x, yb), (xb + into * rim, yb)]
            if self._clear(points, (a, b)):
                return points
        # over the columns in between, along the lane of the node it leaves
        lane = self.lanes.setdefault(a, self.lane_top - len(self.lanes) * _LANE)
        leave = self._channel(xa + sign * _STEP / 2, a)
        reach = self._channel(xb - sign * _STEP / 2, a)
        points = [(xa + sign * rim, ya), (leave, ya), (leave, lane), (reach, lane),
                  (reach, yb), (xb - sign * rim, yb)]
        return points if self._clear(points, (a, b)) else straight


def _edge(scene: Scene, points: list[Point], inferred: bool) -> None:
    """An edge along ``points`` (rim to rim) with an arrow head: solid where evidenced,
    dashed where inferred."""
    colour = INFERRED if inferred else EVIDENCED
    if sum(math.dist(p, q) for p, q in zip(points, points[1:], strict=False)) \
            <= _ARROW[0] + 1:
        return
    head, base = _arrow(points[-2], points[-1])
    scene.add(Line((*points[:-1], base), colour, dashed=inferred), Polygon(head, colour))


def _toward(origin: Point, other: Point, by: float) -> Point:
    """The point ``by`` away from ``origin`` in the direction of ``other``."""
    length = max(math.dist(origin, other), 1e-9)
    return (origin[0] + (other[0] - origin[0]) * by / length,
            origin[1] + (other[1] - origin[1]) * by / length)


def _arrow(before: Point, tip: Point) -> tuple[tuple[Point, ...], Point]:
    """An arrow head pointing at ``tip`` from the direction of ``before``, and where
    the line should end (the middle of the head's base)."""
    length, half = _ARROW
    base = _toward(tip, before, length)
    dx, dy = tip[0] - base[0], tip[1] - base[1]
    norm = max(math.hypot(dx, dy), 1e-9)
    nx_, ny = -dy / norm * half, dx / norm * half
    return ((tip, (base[0] + nx_, base[1] + ny), (base[0] - nx_, base[1] - ny)), base)


_LEGEND_KEYS = [*COLOURS, "evidenced", "inferred"]


def _legend_item_width(key: str, lang: str) -> float:
    return 14.0 + text_width(_x(f"legend_{key}", lang), MIN_FONT) + 12.0


def _legend_rows(lang: str) -> list[list[str]]:
    """The legend's entries in rows that fit the width."""
    rows: list[list[str]] = [[]]
    used = 0.0
    for key in _LEGEND_KEYS:
        width = _legend_item_width(key, lang)
        if rows[-1] and used + width > WIDTH - 8:
            rows.append([])
            used = 0.0
        rows[-1].append(key)
        used += width
    return rows


def _draw_legend(scene: Scene, rows: list[list[str]], bottom: float, lang: str) -> None:
    """The legend's rows, centred, the last row's baseline at ``bottom``."""
    ascent, descent = ascent_descent(MIN_FONT)
    middle = (ascent + descent) / 2
    for index, keys in enumerate(rows):
        y = bottom + (len(rows) - 1 - index) * 12.0
        x = (scene.width - sum(_legend_item_width(k, lang) for k in keys) + 12) / 2
        for key in keys:
            if key in COLOURS:
                scene.add(Circle(x + 4, y + middle, 3.5, COLOURS[key], role="legend"))
            else:
                scene.add(Line(((x, y + middle), (x + 10, y + middle)),
                               INFERRED if key == "inferred" else EVIDENCED, 1.2,
                               dashed=key == "inferred", role="legend"))
            scene.add(Text(x + 14, y, (_x(f"legend_{key}", lang),), MIN_FONT,
                           anchor="start", role="legend"))
            x += _legend_item_width(key, lang)


# -- the timeline -------------------------------------------------------------------
def time_ticks(first: dt.date, last: dt.date, lang: str) -> tuple[list[dt.date], list[str]]:
    """At most eight distinct ticks in days, months or years, as the span needs."""
    span = (last - first).days
    if span <= 62:
        every = max(1, math.ceil(span / 7))
        days = [first + dt.timedelta(days=d) for d in range(0, span + 1, every)]
        return days, [day_words(d, lang, "dMMM") for d in days]
    if span <= 3 * 366:
        months = (last.year - first.year) * 12 + last.month - first.month
        every = next(m for m in (1, 2, 3, 4, 6, 12) if months / m <= 7)
        out, year, month = [], first.year, first.month
        while (year, month) <= (last.year, last.month):
            if (month - 1) % every == 0:
                out.append(dt.date(year, month, 1))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        out = [d for d in out if first <= d <= last] or [dt.date(first.year, first.month, 1)]
        return out, [day_words(d, lang, "yMMM") for d in out]
    every = max(1, math.ceil((last.year - first.year) / 7))
    years = [dt.date(y, 1, 1) for y in range(first.year, last.year + 1)
             if (y - first.year) % every == 0]
    years = [d for d in years if first <= d <= last] or [dt.date(last.year, 1, 1)]
    return years, [str(d.year) for d in years]


#: points per timeline row; the room below the rows (ticks); an incident label's gap
#: above the row and the step between label levels
_ROW = 24.0
_BELOW = 30.0
_LIFT = 8.0
_LEVEL = 2.6 * MIN_FONT
_ROW_LABEL = 120.0
_EVENT_LABEL = 150.0
_FRAME = "#333333"
_MAX_LEVELS = 40

Span = tuple[dt.date, dt.date, str]


def timeline_marks(view: CaseView, target: TargetView) -> tuple[list[Span], list[Span]]:
    """The posts (as bars: start, end, title) and attributed incidents (start, end,
    title; a day has start = end) that a timeline draws, in that order."""
    case = view.case
    fallback = case.meta.date or "2000"
    bars = []
    for post in view.posts(target.id):
        tenure = post.tenure
        if tenure.start is None:
            continue
        bars.append((earliest(tenure.start), latest(tenure.end or fallback), post.title))
    events = []
    for incident_id in dict.fromkeys(a.incident for a in target.attributions):
        incident = case.index[incident_id]
        assert isinstance(incident, Incident)
        if incident.date is None:
            continue
        events.append((earliest(incident.date), latest(incident.end_date or incident.date),
                       incident.title))
    return bars, sorted(events)


def timeline(view: CaseView, target: TargetView, lang: str = "en") -> Scene | None:
    """Tenures as bars, attributed incidents as diamonds (a day) or hatched bars (a
    range, or a partial date's span) on one time axis, each incident's title above it
    on the lowest level where it meets no other; ``None`` when nothing is dated."""
    bars, events = timeline_marks(view, target)
    if not bars and not events:
        return None
    days = [d for s, e, _ in [*bars, *events] for d in (s, e)]
    first, last = min(days), max(days)
    pad = dt.timedelta(days=max(10, (last - first).days // 12))
    low, high = first - pad, last + pad + dt.timedelta(days=1)
    rows = [wrap_words(title, MIN_FONT, _ROW_LABEL) for _, _, title in bars]
    rows.append(wrap_words(_x("incidents", lang), MIN_FONT, _ROW_LABEL))
    widest = max(text_width(line, MIN_FONT) for lines in rows for line in lines)
    x0 = min(max(widest + 12, 48.0), WIDTH * 0.4)
    x1 = WIDTH - 12

    def at(day: dt.date) -> float:
        return x0 + (x1 - x0) * (day - low).days / max(1, (high - low).days)

    ascent, descent = ascent_descent(MIN_FONT)
    # label levels, measured above the incidents row (at height 0 for now)
    placed: list[Box] = []
    labels: list[Text] = []
    for start, end, title in events:
        lines = tuple(wrap_words(title, MIN_FONT, _EVENT_LABEL))
        width = max(text_width(line, MIN_FONT) for line in lines)
        centre = (at(start) + at(end + dt.timedelta(days=1))) / 2
        centre = min(max(centre, 2 + width / 2), WIDTH - 2 - width / 2)
        for level in range(_MAX_LEVELS):
            base = _LIFT + level * _LEVEL - descent  # the last line's baseline
            label = Text(centre, base + (len(lines) - 1) * MIN_FONT * LINE_SPACING, lines,
                         MIN_FONT, role="event")
            box = label.box()
            if not any(box.padded(1).overlaps(other) for other in placed):
                break
        placed.append(box)
        labels.append(label)
    room = max((b.y1 for b in placed), default=0.0) + 6 if events else 0.3 * _ROW
    # each row as tall as its label needs, at least _ROW
    pitches = [max(_ROW, len(lines) * MIN_FONT * LINE_SPACING + 6) for lines in rows]
    centres = [_BELOW + 0.2 * _ROW + sum(pitches[:i]) + pitches[i] / 2
               for i in range(len(rows))]
    top_row = len(rows) - 1
    plot_top = centres[top_row] + room
    title_lines = len(wrap_words(_x("timeline_title", lang, name=target.name), TITLE_FONT,
                                 WIDTH - 8))
    scene = Scene(WIDTH, plot_top + 14 + title_lines * TITLE_FONT * LINE_SPACING)
    _title(scene, _x("timeline_title", lang, name=target.name), scene.height - 6)

    def row_y(row: int) -> float:
        return centres[row]

    scene.add(Rect(x0, _BELOW, x1 - x0, plot_top - _BELOW, stroke=_FRAME, role="frame"))
    for row, (start, end, _) in enumerate(bars):
        left, right = at(start), at(end + dt.timedelta(days=1))
        scene.add(Rect(left, row_y(row) - 6, max(right - left, 0.8), 12, _POST_BAR,
                       role="post"))
    events_y = row_y(top_row)
    for start, end, _ in events:
        if start == end:
            x = (at(start) + at(start + dt.timedelta(days=1))) / 2
            scene.add(Polygon(((x, events_y + 3.6), (x + 3.6, events_y),
                               (x, events_y - 3.6), (x - 3.6, events_y)),
                              COLOURS["incident"], role="marker"))
        else:  # a range, or the span a partial date can mean
            left, right = at(start), at(end + dt.timedelta(days=1))
            _hatched(scene, Rect(left, events_y - 3.6, right - left, 7.2, _SPAN_FILL,
                                 COLOURS["incident"], 0.5, role="span"))
    for label in labels:
        scene.add(Text(label.x, label.y + events_y, label.lines, MIN_FONT, role="event"))
    for row, words in enumerate(rows):
        y = row_y(row)
        first_base = y + (len(words) - 1) * MIN_FONT * LINE_SPACING / 2 \
            - (ascent + descent) / 2
        scene.add(Line(((x0 - 3, y), (x0, y)), _FRAME, 0.6, role="tick"))
        scene.add(Text(x0 - 5, first_base, tuple(words), MIN_FONT, anchor="end",
                       role="row"))
    # ticks over the whole axis (the padding too: a span of a few days is drawn on an
    # axis of weeks), none closer to the last than its words allow
    ticks, words = time_ticks(low, high - dt.timedelta(days=1), lang)
    kept = -math.inf
    for day, word in zip(ticks, words, strict=True):
        x = at(day)
        half = text_width(word, MIN_FONT) / 2
        if x - half < kept + 4:
            continue
        kept = x + half
        scene.add(Line(((x, _BELOW), (x, _BELOW - 3)), _FRAME, 0.6, role="tick"))
        scene.add(Text(x, _BELOW - 5 - ascent, (word,), MIN_FONT, role="tick"))
    return scene


def _hatched(scene: Scene, bar: Rect) -> None:
    """``bar`` with diagonal hatching (///) inside it, every 3 points."""
    scene.add(bar)
    colour = bar.stroke or _FRAME
    x0, y0, x1, y1 = bar.x, bar.y, bar.x + bar.width, bar.y + bar.height
    step = 3.0
    offset = x0 - (y1 - y0)
    while offset < x1:
        # the line x - y = offset - y0, clipped to the bar
        a = (max(x0, offset), y0 + max(x0, offset) - offset)
        b = (min(x1, offset + (y1 - y0)), y0 + min(x1, offset + (y1 - y0)) - offset)
        if b[0] > a[0]:
            scene.add(Line((a, b), colour, 0.4, role="hatch"))
        offset += step

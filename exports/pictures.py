"""Evidence-map diagrams and timelines as SVG and PNG (matplotlib, from pip alone), in
the output's language.

Both are drawn at the width they are printed in a dossier (:data:`WIDTH_INCHES`, placed
at one point per point by :data:`POINTS_PER_PIXEL`), with no text under
:data:`MIN_FONT` points. The evidence map lays its nodes out in columns (target, posts,
organisations, incidents, sources), each node's words below it and the space for them
reserved, so no label meets another label or a node; the edges carry no words (what an
edge stands for is in the label of the node it leads to). The timeline draws posts and
dated ranges as bars, a partial date as the span it can mean, a day as a point; it ticks
its axis in days, months or years as the span needs, and stacks incident labels so that
none overlaps another (measured with the text extents matplotlib reports).

The font is matplotlib's bundled DejaVu Sans, which covers Russian and Kazakh Cyrillic.
Outputs are deterministic: no dates in the metadata, a fixed SVG id salt.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
from pathlib import Path
from typing import Any

import matplotlib
import networkx as nx
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import NullLocator
from PIL import Image as PILImage

from entities.case import vocab
from entities.case.model import Actor, Incident, Position, Source
from entities.files import atomic_file
from entities.i18n import text
from entities.i18n.words import day_words, human_date
from evidence_maps.analysis import TargetView
from evidence_maps.dates import earliest, latest
from evidence_maps.graph import COLUMNS, target_graph
from evidence_maps.view import CaseView

matplotlib.rcParams.update({"font.family": "DejaVu Sans", "svg.hashsalt": "dossier",
                            "svg.fonttype": "none", "text.hinting": "none"})

#: Resolution of the PNG files, and the PDF's scale that prints them point for point.
_DPI = 150
POINTS_PER_PIXEL = 72 / _DPI
#: The width pictures are drawn at: the dossier's text width (A4 less 2 × 18 mm, 493 pt).
WIDTH_INCHES = 6.8
#: The smallest text in a picture, in points as printed.
MIN_FONT = 7.0
TITLE_FONT = 10.0

_COLOURS = {"target": "#c0392b", "post": "#8e44ad", "organisation": "#2c3e50",
            "incident": "#d35400", "source": "#16a085"}


def _x(message: str, lang: str, **values: object) -> str:
    return text(f"x.{message}", lang, **values)


class _Canvas(FigureCanvasAgg):
    """matplotlib's Agg canvas, writing PNG as opaque RGB (smaller files; the PDF then
    embeds it without a separate transparency mask)."""

    def print_png(self, filename_or_obj: Any, **ignored: Any) -> None:
        FigureCanvasAgg.draw(self)  # type: ignore[no-untyped-call]
        rgb = np.asarray(self.buffer_rgba())[..., :3]  # type: ignore[no-untyped-call]
        dpi = round(self.figure.dpi)
        PILImage.fromarray(rgb).save(filename_or_obj, format="png", compress_level=1,
                                     dpi=(dpi, dpi))


def _figure(width: float, height: float) -> Figure:
    """A figure at the output resolution (text is laid out once for crop and PNG)."""
    figure = Figure(figsize=(width, height), dpi=_DPI)
    _Canvas(figure)
    return figure


def _save(figure: Figure, stem: Path, crop: bool = True) -> list[Path]:
    """SVG and PNG of ``figure``; ``crop``: cut to what is drawn (measured once for
    both; the evidence map's own layout leaves no margin to cut and is saved whole)."""
    bbox = figure.get_tightbbox().padded(0.08) if crop else None
    written = []
    for suffix in (".svg", ".png"):
        buffer = io.BytesIO()
        figure.savefig(buffer, format=suffix[1:], dpi=_DPI, bbox_inches=bbox,
                       facecolor="white", metadata={"Date": None, "Creator": None}
                       if suffix == ".svg" else None)
        path = stem.with_suffix(suffix)
        with atomic_file(path) as fh:
            fh.write(buffer.getvalue())
        written.append(path)
    return written


# -- the evidence map ----------------------------------------------------------------
#: characters per label line, the line height and the node marker's radius (points)
_WRAP = 22
_LINE = MIN_FONT * 1.25
_RADIUS = 5.5
_GAP = 7.0
_MARGIN = 52.0
_TOP = 26.0
_LEGEND = 30.0


def _name(record: object) -> str:
    if isinstance(record, Actor):
        return next((n.name for n in record.names if n.type == "name"), record.names[0].name)
    return str(getattr(record, "id", record))


def _node_lines(view: CaseView, graph: nx.DiGraph, node: str, lang: str) -> list[str]:
    """The words under a node: what it is, and what the edge into it stands for."""
    case = view.case
    record = case.index[node]
    kind = graph.nodes[node]["kind"]
    lines: list[str] = []
    if kind in ("target", "organisation"):
        lines = textwrap.wrap(_name(record), _WRAP)
    elif kind == "post" and isinstance(record, Position):
        lines = textwrap.wrap(record.title[0].name, _WRAP)
        for _, _, data in graph.in_edges(node, data=True):
            tenure = case.index.get(data.get("tenure", ""))
            start = human_date(getattr(tenure, "start", None), lang, short=True) or "?"
            end = human_date(getattr(tenure, "end", None), lang, short=True)
            lines += textwrap.wrap(f"{start} – {end}", _WRAP)
    elif kind == "incident" and isinstance(record, Incident):
        when = human_date(record.date, lang, short=True) or text("pdf.undated", lang)
        lines = textwrap.wrap(f"{record.title} ({when})", _WRAP)
        for _, _, data in graph.in_edges(node, data=True):
            for att in data.get("attributions", []):
                bits = [vocab.label("modes_of_responsibility", att.mode, lang),
                        text(f"em.grade_{att.grade.level}", lang)]
                if att.inferred:
                    bits.append(_x("inferred", lang))
                if att.status != "reviewed":
                    bits.append(_x("draft", lang))
                lines += textwrap.wrap(" · ".join(bits), _WRAP)
    elif kind == "source" and isinstance(record, Source):
        words = record.title + (f" — {record.publisher}" if record.publisher else "")
        if record.published:
            words += f" ({human_date(record.published, lang, short=True)})"
        lines = textwrap.wrap(words, _WRAP)
        cited = list(dict.fromkeys(e for _, _, d in graph.in_edges(node, data=True)
                                   for e in d.get("evidence", [])))
        if cited:
            lines += textwrap.wrap(f"{_x('legend_evidence', lang)}: {', '.join(cited)}", _WRAP)
    return lines or [node]


def _block(lines: list[str]) -> float:
    """The height a node takes in its column: marker, gap, its lines, spacing."""
    return 2 * _RADIUS + 3 + len(lines) * _LINE + _GAP


def evidence_map_figure(view: CaseView, target: TargetView, lang: str = "en") -> Figure:
    """The diagram: columns target → posts → organisations → incidents → sources; the
    axes are in points, so that the layout reserves each label's place."""
    graph = target_graph(view, target)
    labels = {n: _node_lines(view, graph, n, lang) for n in graph.nodes}
    columns: dict[int, list[str]] = {}
    for node, data in graph.nodes(data=True):
        columns.setdefault(int(data["layer"]), []).append(node)
    tallest = max(sum(_block(labels[n]) for n in nodes) for nodes in columns.values())
    width = WIDTH_INCHES * 72
    height = _TOP + tallest + _LEGEND
    figure = _figure(WIDTH_INCHES, height / 72)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.set_xlim(0, width)
    axes.set_ylim(0, height)
    step = (width - 2 * _MARGIN) / (len(COLUMNS) - 1)
    position: dict[str, tuple[float, float]] = {}
    for layer, nodes in columns.items():
        used = sum(_block(labels[n]) for n in nodes)
        y = height - _TOP - (tallest - used) / 2
        for node in nodes:
            position[node] = (_MARGIN + layer * step, y - _RADIUS)
            y -= _block(labels[node])
    _draw_edges(axes, graph, position)
    for kind, colour in _COLOURS.items():
        points = [position[n] for n, d in graph.nodes(data=True) if d["kind"] == kind]
        if points:
            axes.scatter([x for x, _ in points], [y for _, y in points],
                         s=(2 * _RADIUS) ** 2, c=colour, zorder=3, gid=f"nodes-{kind}")
    for node, (x, y) in position.items():
        axes.text(x, y - _RADIUS - 3, "\n".join(labels[node]), fontsize=MIN_FONT,
                  linespacing=1.1, ha="center", va="top", zorder=4, gid="label",
                  bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none",
                        "alpha": 0.9})
    axes.text(width / 2, height - 6, _x("map_title", lang, name=target.name),
              fontsize=TITLE_FONT, ha="center", va="top", gid="title")
    handles = [Line2D([], [], marker="o", linestyle="none", color=colour,
                      label=_x(f"legend_{kind}", lang))
               for kind, colour in _COLOURS.items()]
    handles += [Line2D([], [], color="#555555", label=_x("legend_evidenced", lang)),
                Line2D([], [], color="#999999", linestyle="dashed",
                       label=_x("legend_inferred", lang))]
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=MIN_FONT,
                  frameon=False, handlelength=1.6, columnspacing=1.0,
                  bbox_to_anchor=(0.5, 0.0))
    return figure


def _draw_edges(axes: Any, graph: nx.DiGraph, position: dict[str, tuple[float, float]]
                ) -> None:
    """Edges with an arrow head at the node's rim: solid where evidenced, dashed where
    inferred; a source's derivation as an arc beside its column."""
    for a, b, data in graph.edges(data=True):
        inferred = bool(data.get("inferred"))
        colour = "#999999" if inferred else "#555555"
        (xa, ya), (xb, yb) = position[a], position[b]
        style = "arc3,rad=0.0"
        if data.get("kind") == "derived_from":
            distance = max(1.0, abs(ya - yb))
            bulge = min(0.35 * distance, _MARGIN - 12)
            style = f"arc3,rad={-bulge / distance if ya > yb else bulge / distance:.3f}"
        axes.annotate("", xy=(xb, yb), xytext=(xa, ya), zorder=1,
                      arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 0.8,
                                  "linestyle": "dashed" if inferred else "solid",
                                  "shrinkA": _RADIUS + 1, "shrinkB": _RADIUS + 1,
                                  "connectionstyle": style, "mutation_scale": 7})


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


def _num(day: dt.date) -> float:
    return float(day.toordinal())


#: points per timeline row, and the room below and above the axes (ticks; title)
_ROW = 24.0
_BELOW = 30.0
_ABOVE = 26.0
_LEVEL = 2.6 * MIN_FONT


def timeline_figure(view: CaseView, target: TargetView, lang: str = "en") -> Figure | None:
    """Tenures as bars, attributed incidents as points (a day) or bars (a range, or a
    partial date's span), on one time axis; ``None`` when nothing is dated. Laid out
    twice: once to find how many label levels the incidents need, then to size."""
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
    if not bars and not events:
        return None
    events.sort()
    _, used = _timeline(target, bars, events, lang, 12)
    figure, _ = _timeline(target, bars, events, lang, used)
    return figure


def _timeline(target: TargetView, bars: list[tuple[dt.date, dt.date, str]],
              events: list[tuple[dt.date, dt.date, str]], lang: str, levels: int
              ) -> tuple[Figure, int]:
    days = [d for s, e, _ in [*bars, *events] for d in (s, e)]
    first, last = min(days), max(days)
    pad = dt.timedelta(days=max(10, (last - first).days // 12))
    low, high = first - pad, last + pad
    rows = [textwrap.fill(title, 26) for _, _, title in bars]
    top = len(rows)
    room = (8 + levels * _LEVEL + 3 * MIN_FONT) / _ROW if events else 0.3
    span = (top + 0.5 + room) - (-0.7)
    height = _BELOW + span * _ROW + _ABOVE
    figure = _figure(WIDTH_INCHES, height / 72)
    axes = figure.add_axes((0.26, _BELOW / height, 0.71, span * _ROW / height))
    for row, (start, end, _) in enumerate(bars):
        axes.barh(row, _num(end) - _num(start) + 1, left=_num(start), height=0.5,
                  color="#8e44ad", alpha=0.6)
    for start, end, _ in events:
        if start == end:
            axes.plot([_num(start) + 0.5], [top], marker="D", markersize=5, color="#d35400")
        else:  # a range, or the span a partial date can mean
            axes.barh(top, _num(end) - _num(start) + 1, left=_num(start), height=0.3,
                      color="#d35400", alpha=0.55, hatch="///", edgecolor="#d35400")
    axes.set_xlim(_num(low), _num(high) + 1)
    ticks, words = time_ticks(first, last, lang)
    axes.set_xticks([_num(d) for d in ticks], words, fontsize=MIN_FONT)
    axes.xaxis.set_minor_locator(NullLocator())
    axes.set_yticks(range(len(rows) + 1), [*rows, _x("incidents", lang)], fontsize=MIN_FONT)
    axes.set_ylim(-0.7, top + 0.5 + room)
    figure.text(0.5, 1 - 6 / height, _x("timeline_title", lang, name=target.name),
                fontsize=TITLE_FONT, ha="center", va="top")
    used = _place_event_labels(figure, axes, events, top)
    return figure, used


def _place_event_labels(figure: Figure, axes: Any, events: list[tuple[dt.date, dt.date, str]],
                        top: int) -> int:
    """Each incident's title above its mark, on the lowest level where it meets no other
    label and stays inside the figure (measured with matplotlib's text extents); returns
    the number of levels used."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    placed: list[Any] = []
    used = 0
    frame = figure.bbox
    for start, end, title in events:
        x = (_num(start) + _num(end) + 1) / 2
        label = axes.annotate(textwrap.fill(title, 30), (x, top), fontsize=MIN_FONT,
                              xytext=(0, 8), textcoords="offset points", ha="center",
                              va="bottom", annotation_clip=False)
        for level in range(12):
            offset = 8 + level * _LEVEL
            label.set_position((0, offset))
            box = label.get_window_extent(renderer)
            shift = max(0.0, frame.x0 + 2 - box.x0) or min(0.0, frame.x1 - 2 - box.x1)
            if shift:
                label.set_position((shift * 72 / figure.dpi, offset))
                box = label.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed):
                used = max(used, level + 1)
                break
        placed.append(label.get_window_extent(renderer))
    return max(used, 1)


def write_target_pictures(out: Path, view: CaseView, target: TargetView,
                          lang: str = "en") -> list[Path]:
    """``OUT/STEM-map.svg|png`` and, when anything is dated, ``OUT/STEM-timeline.svg|png``
    (``STEM``: the target's file name), in ``lang``."""
    stem = view.target_stem(target.id)
    paths = _save(evidence_map_figure(view, target, lang), out / f"{stem}-map", crop=False)
    timeline = timeline_figure(view, target, lang)
    if timeline is not None:
        paths += _save(timeline, out / f"{stem}-timeline")
    return paths

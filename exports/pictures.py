"""Evidence-map diagrams and timelines as SVG and PNG (matplotlib, from pip alone).

The font is matplotlib's bundled DejaVu Sans, which covers Russian and Kazakh Cyrillic.
Outputs are deterministic: no dates in the metadata, a fixed SVG id salt.
"""

from __future__ import annotations

import io
import math
import textwrap
from pathlib import Path
from typing import Any

import matplotlib
import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.dates import DateFormatter, MonthLocator, YearLocator
from matplotlib.dates import date2num as _date2num
from matplotlib.figure import Figure
from matplotlib.transforms import offset_copy
from PIL import Image as PILImage

from entities.case.model import Incident
from entities.files import atomic_file
from evidence_maps.analysis import TargetView
from evidence_maps.dates import earliest, latest
from evidence_maps.graph import COLUMNS, target_graph
from evidence_maps.view import CaseView

matplotlib.rcParams.update({"font.family": "DejaVu Sans", "svg.hashsalt": "dossier",
                            "svg.fonttype": "none", "text.hinting": "none"})


def date2num(value: object) -> float:
    """matplotlib's day number of a date."""
    return float(_date2num(value))  # type: ignore[no-untyped-call]


_COLOURS = {"target": "#c0392b", "post": "#8e44ad", "organisation": "#2c3e50",
            "incident": "#d35400", "source": "#16a085"}
#: How far an arrow head stops short of its node's centre, in points.
_HEAD = 11.0
#: Resolution of the PNG files.
_DPI = 150


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


def _layered_layout(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Columns by node kind, nodes in insertion order (networkx's multipartite layout
    orders a column through a set, which changes from run to run)."""
    columns: dict[int, list[str]] = {}
    for node, data in graph.nodes(data=True):
        columns.setdefault(int(data["layer"]), []).append(node)
    position = {}
    for layer, nodes in columns.items():
        for index, node in enumerate(nodes):
            position[node] = (float(layer), (len(nodes) - 1) / 2.0 - index)
    return position


def _angle(axes: Axes, a: tuple[float, float], b: tuple[float, float]) -> float:
    """The on-screen direction from ``a`` to ``b``, in degrees."""
    (x0, y0), (x1, y1) = axes.transData.transform([a, b])
    return math.degrees(math.atan2(y1 - y0, x1 - x0))


def _draw_edges(figure: Figure, axes: Axes, graph: nx.DiGraph,
                position: dict[str, tuple[float, float]]) -> None:
    """Edges as two line collections (solid: evidenced, dashed: inferred), one arrow
    head per edge stopping at the node's rim, and the edge labels along the lines."""
    for inferred, colour, style in ((False, "#555555", "solid"), (True, "#999999", "dashed")):
        edges = [(a, b, d) for a, b, d in graph.edges(data=True)
                 if bool(d.get("inferred")) is inferred]
        axes.add_collection(LineCollection([(position[a], position[b]) for a, b, _ in edges],
                                           colors=colour, linestyles=style, linewidths=1.0,
                                           zorder=1))
        for a, b, data in edges:
            angle = _angle(axes, position[a], position[b])
            back = offset_copy(axes.transData, figure, x=-_HEAD * math.cos(math.radians(angle)),
                               y=-_HEAD * math.sin(math.radians(angle)), units="points")
            axes.plot(*position[b], marker=(3, 0, angle - 90), markersize=6, color=colour,
                      transform=back, zorder=1)
            (xa, ya), (xb, yb) = position[a], position[b]
            # long edges fan out from one node: label them near their far end
            share = 0.5 if xb - xa <= 1 else 1 - 0.5 / (xb - xa)
            upright = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
            axes.text(xa + (xb - xa) * share, ya + (yb - ya) * share,
                      "\n".join(textwrap.wrap(data.get("label", ""), 30)), fontsize=6,
                      ha="center", va="center", rotation=upright, rotation_mode="anchor",
                      zorder=3, bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                                      "ec": "none", "alpha": 0.85})


def evidence_map_figure(view: CaseView, target: TargetView) -> Figure:
    """The diagram: columns target → posts → organisations → incidents → sources."""
    graph = target_graph(view, target)
    position = _layered_layout(graph)
    rows = max(sum(1 for _, d in graph.nodes(data=True) if d["layer"] == c) for c in range(5))
    figure = _figure(13, max(3.0, 0.9 * rows + 1.0))
    axes = figure.add_axes((0.02, 0.02, 0.96, 0.9))
    axes.set_axis_off()
    half = (rows - 1) / 2.0
    axes.set_xlim(-0.3, max(COLUMNS.values()) + 0.3)
    axes.set_ylim(-half - 0.6, half + 0.35)
    _draw_edges(figure, axes, graph, position)
    for kind, colour in _COLOURS.items():
        points = [position[n] for n, d in graph.nodes(data=True) if d["kind"] == kind]
        if points:
            axes.scatter([x for x, _ in points], [y for _, y in points], s=260, c=colour,
                         zorder=2)
    for node, data in graph.nodes(data=True):
        x, y = position[node]
        axes.annotate("\n".join(textwrap.wrap(data["label"], 26)), (x, y), fontsize=7,
                      xytext=(0, -10), textcoords="offset points", ha="center", va="top",
                      zorder=4)
    axes.set_title(f"Evidence map: {target.name}", fontsize=11)
    return figure


def _date_ticks(axes: Axes, first: float, last: float) -> None:
    """About ten ticks: years, or months for a span under two years (a fixed locator
    is much cheaper to draw than matplotlib's automatic date locator)."""
    span = (last - first) / 365.25
    axes.xaxis_date()
    if span >= 2:
        every = max(1, math.ceil(span / 10))
        axes.xaxis.set_major_locator(YearLocator(base=every))  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_formatter(DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    else:
        every = max(1, math.ceil(span * 1.2))
        axes.xaxis.set_major_locator(MonthLocator(interval=every))  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_formatter(DateFormatter("%Y-%m"))  # type: ignore[no-untyped-call]


def timeline_figure(view: CaseView, target: TargetView) -> Figure | None:
    """Tenures as bars and attributed incidents as points, on one time axis; ``None``
    when the target has neither a dated post nor a dated incident."""
    case = view.case
    fallback = case.meta.date or "2000"
    bars = []
    for post in view.posts(target.id):
        tenure = post.tenure
        if tenure.start is None:
            continue
        bars.append((date2num(earliest(tenure.start)),
                     date2num(latest(tenure.end or fallback)), post.title))
    points = []
    for att in target.attributions:
        incident = case.index[att.incident]
        assert isinstance(incident, Incident)
        if incident.date is not None:
            points.append((date2num(earliest(incident.date)), incident.title, att.inferred))
    if not bars and not points:
        return None
    figure = _figure(11, 3.2)
    axes = figure.add_subplot()
    rows = [textwrap.fill(title, 30) for _, _, title in bars]
    for row, (start, end, _) in enumerate(bars):
        axes.barh(row, end - start, left=start, color="#8e44ad", alpha=0.6)
    for number, (x, title, inferred) in enumerate(sorted(points, key=lambda p: p[0])):
        axes.plot([x], [len(rows)], marker="o" if inferred else "D", color="#d35400")
        # neighbouring labels on three heights, so that close dates stay legible
        axes.annotate(textwrap.fill(title, 28), (x, len(rows)), fontsize=6,
                      xytext=(3, 5 + 12 * (number % 3)), textcoords="offset points")
    axes.set_ylim(-0.6, len(rows) + 1.2)
    axes.set_yticks(range(len(rows) + 1), [*rows, "incidents"], fontsize=7)
    days = [day for start, end, _ in bars for day in (start, end)] + [x for x, _, _ in points]
    _date_ticks(axes, min(days), max(days))
    axes.set_title(f"Timeline: {target.name}", fontsize=11)
    return figure


def write_target_pictures(out: Path, view: CaseView, target: TargetView) -> list[Path]:
    """``OUT/STEM-map.svg|png`` and, when anything is dated, ``OUT/STEM-timeline.svg|png``
    (``STEM``: the target's hashed file name)."""
    stem = view.target_stem(target.id)
    paths = _save(evidence_map_figure(view, target), out / f"{stem}-map", crop=False)
    timeline = timeline_figure(view, target)
    if timeline is not None:
        paths += _save(timeline, out / f"{stem}-timeline")
    return paths

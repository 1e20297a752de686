"""Evidence-map diagrams and timelines as SVG and PNG (matplotlib, from pip alone).

The font is matplotlib's bundled DejaVu Sans, which covers Russian and Kazakh Cyrillic.
Outputs are deterministic: no dates in the metadata, a fixed SVG id salt.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
from matplotlib.dates import date2num as _date2num  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from entities.case import Case  # noqa: E402
from entities.model import Incident, Position  # noqa: E402
from evidence_maps.analysis import TargetView  # noqa: E402
from evidence_maps.dates import earliest, latest  # noqa: E402
from evidence_maps.graph import target_graph  # noqa: E402
from exports.atomic import atomic_file  # noqa: E402

plt.rcParams.update({"font.family": "DejaVu Sans", "svg.hashsalt": "dossier",
                     "svg.fonttype": "path"})


def date2num(value: object) -> float:
    """matplotlib's day number of a date."""
    return float(_date2num(value))  # type: ignore[no-untyped-call]


_COLOURS = {"target": "#c0392b", "post": "#8e44ad", "organisation": "#2c3e50",
            "incident": "#d35400", "source": "#16a085"}


def _save(figure: Figure, stem: Path) -> list[Path]:
    written = []
    for suffix, metadata in ((".svg", {"Date": None, "Creator": None}),
                             (".png", {"Software": None})):
        buffer = io.BytesIO()
        figure.savefig(buffer, format=suffix[1:], metadata=metadata, dpi=150,
                       bbox_inches="tight")
        path = stem.with_suffix(suffix)
        with atomic_file(path) as fh:
            fh.write(buffer.getvalue())
        written.append(path)
    plt.close(figure)
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


def evidence_map_figure(case: Case, target: TargetView, shown: set[str]) -> Figure:
    """The diagram: columns target → posts → organisations → incidents → sources."""
    graph = target_graph(case, target, shown)
    position = _layered_layout(graph)
    rows = max(sum(1 for _, d in graph.nodes(data=True) if d["layer"] == c) for c in range(5))
    figure = plt.figure(figsize=(13, max(3.0, 1.1 * rows)))
    axes = figure.add_subplot()
    axes.set_axis_off()
    for kind, colour in _COLOURS.items():
        nodes = [n for n, d in graph.nodes(data=True) if d["kind"] == kind]
        nx.draw_networkx_nodes(graph, position, nodelist=nodes, node_color=colour,
                               node_size=260, ax=axes)
    dashed = [(a, b) for a, b, d in graph.edges(data=True) if d.get("inferred")]
    solid = [e for e in graph.edges() if e not in dashed]
    nx.draw_networkx_edges(graph, position, edgelist=solid, ax=axes, arrows=True,
                           edge_color="#555555")
    nx.draw_networkx_edges(graph, position, edgelist=dashed, ax=axes, arrows=True,
                           style="dashed", edge_color="#999999")
    labels = {n: "\n".join(textwrap.wrap(d["label"], 26)) for n, d in graph.nodes(data=True)}
    nx.draw_networkx_labels(graph, {n: (x, y - 0.06) for n, (x, y) in position.items()},
                            labels=labels, font_size=7, ax=axes, verticalalignment="top")
    edge_labels = {(a, b): "\n".join(textwrap.wrap(d.get("label", ""), 30))
                   for a, b, d in graph.edges(data=True)}
    nx.draw_networkx_edge_labels(graph, position, edge_labels=edge_labels, font_size=6,
                                 ax=axes)
    axes.margins(0.08, 0.4)
    axes.set_title(f"Evidence map: {target.name}", fontsize=11)
    return figure


def timeline_figure(case: Case, target: TargetView, shown: set[str]) -> Figure | None:
    """Tenures as bars and attributed incidents as points, on one time axis; ``None``
    when the target has neither a dated post nor a dated incident."""
    dated_posts = [t for t in case.tenures if t.person == target.id and t.id in shown
                   and t.start is not None]
    dated_incidents = [a for a in target.attributions
                       if getattr(case.index[a.incident], "date", None)]
    if not dated_posts and not dated_incidents:
        return None
    figure = plt.figure(figsize=(11, 3.2))
    axes = figure.add_subplot()
    rows: list[str] = []
    fallback = case.meta.date or "2000"
    for tenure in case.tenures:
        if tenure.person != target.id or tenure.id not in shown or tenure.start is None:
            continue
        start = date2num(earliest(tenure.start))
        end = date2num(latest(tenure.end or fallback))
        position = case.index[tenure.position]
        assert isinstance(position, Position)
        rows.append("\n".join(textwrap.wrap(position.title[0].name, 30)))
        axes.barh(len(rows) - 1, end - start, left=start, color="#8e44ad", alpha=0.6)
    for att in target.attributions:
        incident = case.index[att.incident]
        assert isinstance(incident, Incident)
        when = incident.date
        if when is None:
            continue
        x = date2num(earliest(when))
        axes.plot([x], [len(rows)], marker="D" if not att.inferred else "o",
                  color="#d35400")
        axes.annotate("\n".join(textwrap.wrap(incident.title, 28)), (x, len(rows)),
                      fontsize=6, xytext=(3, 6), textcoords="offset points")
    axes.set_yticks(range(len(rows) + 1), [*rows, "incidents"], fontsize=7)
    axes.xaxis_date()
    axes.set_title(f"Timeline: {target.name}", fontsize=11)
    return figure


def write_target_pictures(out: Path, stem: str, case: Case, target: TargetView,
                          shown: set[str]) -> list[Path]:
    """``OUT/STEM-map.svg|png`` and, when anything is dated, ``OUT/STEM-timeline.svg|png``."""
    paths = _save(evidence_map_figure(case, target, shown), out / f"{stem}-map")
    timeline = timeline_figure(case, target, shown)
    if timeline is not None:
        paths += _save(timeline, out / f"{stem}-timeline")
    return paths

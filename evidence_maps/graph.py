"""The attribution graph of one target, as a networkx graph.

target → posts held → organisations → incidents (attributed, directly or through the
organisation) → sources of the cited evidence.
"""

from __future__ import annotations

import networkx as nx

from entities.case.case import Case
from entities.case.model import Actor, Evidence, Incident, Position, Source
from evidence_maps.analysis import TargetView
from evidence_maps.view import CaseView

#: Column of each node kind in the diagram, left to right.
COLUMNS = {"target": 0, "post": 1, "organisation": 2, "incident": 3, "source": 4}


def _label(case: Case, local_id: str) -> str:
    record = case.index[local_id]
    if isinstance(record, Actor):
        return next((n.name for n in record.names if n.type == "name"), record.names[0].name)
    if isinstance(record, Position):
        return record.title[0].name
    if isinstance(record, Incident):
        return f"{record.title} ({record.date or 'undated'})"
    if isinstance(record, Source):
        return f"{record.publisher or record.title} ({record.published or 'n.d.'})"
    return local_id


def target_graph(view: CaseView, target: TargetView) -> nx.DiGraph:
    """The graph of ``target`` as ``view``'s audience may see it."""
    case = view.case
    graph = nx.DiGraph()

    def node(local_id: str, kind: str) -> str:
        if local_id not in graph:
            graph.add_node(local_id, kind=kind, layer=COLUMNS[kind],
                           label=_label(case, local_id))
        return local_id

    node(target.id, "target")
    for post in view.posts(target.id):
        position = node(post.position.id, "post")
        graph.add_edge(target.id, position, label=post.period)
        if post.organisation is not None:
            graph.add_edge(position, node(post.organisation.id, "organisation"), label="in")
    for att in target.attributions:
        incident = node(att.incident, "incident")
        label = ("inferred: " if att.inferred else "") + f"{att.mode_label} [{att.grade.level}]"
        graph.add_edge(target.id, incident, label=label, inferred=att.inferred)
        for evidence_id in att.evidence:
            item = case.index[evidence_id]
            if isinstance(item, Evidence) and item.source in view.shown:
                graph.add_edge(incident, node(item.source, "source"), label=evidence_id)
    return graph

"""The attribution graph of one target, as a networkx graph.

target → posts held → organisations → incidents (attributed, directly or through the
organisation) → sources of the cited evidence, and source → the source it is derived
from (``derived_from``). Nodes carry their record id and kind, edges what they stand for
(the attributions with mode, grade and status; the evidence ids; the tenure): the
pictures (:mod:`exports.pictures`) put them into words in the output's language.
"""

from __future__ import annotations

import networkx as nx

from entities.case.model import Evidence, Source
from evidence_maps.analysis import TargetView
from evidence_maps.view import CaseView

#: Column of each node kind in the diagram, left to right.
COLUMNS = {"target": 0, "post": 1, "organisation": 2, "incident": 3, "source": 4}


def target_graph(view: CaseView, target: TargetView) -> nx.DiGraph:
    """The graph of ``target`` as ``view``'s audience may see it."""
    case = view.case
    graph = nx.DiGraph()

    def node(local_id: str, kind: str) -> str:
        if local_id not in graph:
            graph.add_node(local_id, kind=kind, layer=COLUMNS[kind])
        return local_id

    node(target.id, "target")
    for post in view.posts(target.id):
        position = node(post.position.id, "post")
        graph.add_edge(target.id, position, kind="holds", tenure=post.tenure.id)
        if post.organisation is not None:
            graph.add_edge(position, node(post.organisation.id, "organisation"), kind="in")
    for att in target.attributions:
        incident = node(att.incident, "incident")
        if graph.has_edge(target.id, incident):
            graph.edges[target.id, incident]["attributions"].append(att)
        else:
            graph.add_edge(target.id, incident, kind="attributed", attributions=[att],
                           inferred=att.inferred)
        graph.edges[target.id, incident]["inferred"] &= att.inferred
        for evidence_id in att.evidence:
            item = case.index[evidence_id]
            if not (isinstance(item, Evidence) and item.source in view.shown):
                continue
            source = node(item.source, "source")
            if graph.has_edge(incident, source):
                graph.edges[incident, source]["evidence"].append(evidence_id)
            else:
                graph.add_edge(incident, source, kind="cites", evidence=[evidence_id])
    for source_id in [n for n, d in graph.nodes(data=True) if d["kind"] == "source"]:
        record = case.index[source_id]
        assert isinstance(record, Source)
        for original in record.derived_from:
            if original in view.shown:
                graph.add_edge(source_id, node(original, "source"), kind="derived_from")
    return graph

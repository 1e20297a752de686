"""``evidence_map.json``: graded attributions, the person × incident matrix and the
regime findings per target, for the audience of the view.

The file is written as it is made, one attribution, matrix row and target at a time (a
case of 10,000 targets is never held as one JSON text); its bytes are those of
``json.dumps(evidence_map_data(view), ensure_ascii=False, indent=1, sort_keys=True)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from entities.files import atomic_file

if TYPE_CHECKING:
    from evidence_maps.analysis import AttributionView, CaseAnalysis, TargetView
    from evidence_maps.view import CaseView


def _attribution(a: AttributionView) -> dict[str, Any]:
    return {
        "id": a.id, "actor": a.actor, "incident": a.incident, "mode": a.mode,
        "inferred": a.inferred, "explanation": a.explanation, "status": a.status,
        "evidence": list(a.evidence), "contrary_evidence": list(a.contrary),
        "grade": a.grade.level, "reasons": a.grade.reasons,
        "independent_sources": a.grade.independent_sources,
    }


def _target(t: TargetView) -> dict[str, Any]:
    return {
        "id": t.id, "kind": t.kind, "name": t.name, "strongest_grade": t.strongest,
        "regimes": [{"regime": f.regime.key, "program": f.regime.program,
                     "outcome": f.outcome, "verified": f.regime.verified,
                     "grounds": [{"attribution": g.attribution, "incident": g.incident,
                                  "violation": g.violation, "mode": g.mode,
                                  "outcome": g.outcome, "reason": g.reason,
                                  "provisions": list(g.provisions),
                                  "missing": list(g.missing)} for g in f.grounds],
                     "missing": list(f.missing), "measures": f.measures,
                     "alternatives": f.alternatives} for f in t.findings],
    }


def evidence_map_data(view: CaseView) -> dict[str, Any]:
    """The JSON-ready evidence map, whole (for reading in Python; :func:`write` streams
    the same)."""
    analysis = view.analysis
    return {"attributions": [_attribution(a) for a in analysis.attributions],
            "matrix": analysis.matrix(),
            "targets": [_target(t) for t in analysis.targets]}


def _dumped(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(indent=1)`` prints it ``depth`` levels down (its first
    line not indented: the caller places it)."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("\n", "\n" + " " * depth) if depth else text


def _array(items: Iterable[Any], depth: int) -> Iterator[str]:
    """The pieces of a JSON array at ``depth``, one item at a time."""
    inner = "\n" + " " * (depth + 1)
    first = True
    for item in items:
        yield ("[" if first else ",") + inner + _dumped(item, depth + 1)
        first = False
    yield "[]" if first else "\n" + " " * depth + "]"


def _object(pairs: Iterable[tuple[str, Any]], depth: int) -> Iterator[str]:
    """The pieces of a JSON object at ``depth`` from its (key, value) pairs in key order."""
    inner = "\n" + " " * (depth + 1)
    first = True
    for key, value in pairs:
        yield (("{" if first else ",") + inner + json.dumps(key, ensure_ascii=False)
               + ": " + _dumped(value, depth + 1))
        first = False
    yield "{}" if first else "\n" + " " * depth + "}"


def _pieces(analysis: CaseAnalysis) -> Iterator[str]:
    matrix = analysis.matrix()
    yield '{\n "attributions": '
    yield from _array(map(_attribution, analysis.attributions), 1)
    yield ',\n "matrix": '
    yield from _object(((actor, matrix[actor]) for actor in sorted(matrix)), 1)
    yield ',\n "targets": '
    yield from _array(map(_target, analysis.targets), 1)
    yield "\n}\n"


def write(view: CaseView, path: Path, lang: str = "en") -> int:
    """The exporter ``evidence-map``, atomically with stable key order; returns the number
    of attributions."""
    with atomic_file(path) as fh:
        for piece in _pieces(view.analysis):
            fh.write(piece.encode("utf-8"))
    return len(view.analysis.attributions)

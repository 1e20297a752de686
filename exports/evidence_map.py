"""``evidence_map.json``: graded attributions, the person × incident matrix and the
regime findings per target, for the audience of the view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from entities.files import atomic_file

if TYPE_CHECKING:
    from evidence_maps.view import CaseView


def evidence_map_data(view: CaseView) -> dict[str, Any]:
    """The JSON-ready evidence map."""
    analysis = view.analysis
    return {
        "attributions": [{
            "id": a.id, "actor": a.actor, "incident": a.incident, "mode": a.mode,
            "inferred": a.inferred, "explanation": a.explanation, "status": a.status,
            "evidence": list(a.evidence), "contrary_evidence": list(a.contrary),
            "grade": a.grade.level, "reasons": a.grade.reasons,
            "independent_sources": a.grade.independent_sources,
        } for a in analysis.attributions],
        "matrix": analysis.matrix(),
        "targets": [{
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
        } for t in analysis.targets],
    }


def write(view: CaseView, path: Path, lang: str = "en") -> int:
    """The exporter ``evidence-map``, atomically with stable key order; returns the number
    of attributions."""
    text = json.dumps(evidence_map_data(view), ensure_ascii=False, indent=1, sort_keys=True)
    with atomic_file(path) as fh:
        fh.write(text.encode("utf-8") + b"\n")
    return len(view.analysis.attributions)

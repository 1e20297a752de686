"""``evidence_map.json``: graded attributions, the person × incident matrix and the
regime findings per target, for the audience of the build."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from entities.files import atomic_file
from evidence_maps.analysis import CaseAnalysis


def evidence_map_data(analysis: CaseAnalysis) -> dict[str, Any]:
    """The JSON-ready evidence map."""
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
                         "outcome": f.outcome,
                         "grounds": [g.reason for g in f.grounds],
                         "alternatives": f.alternatives} for f in t.findings],
        } for t in analysis.targets],
        "held_back": [{"attribution": a, "reason": r} for a, r in analysis.held_back],
    }


def write_evidence_map(path: Path, analysis: CaseAnalysis) -> Path:
    """Write the evidence map atomically with stable key order."""
    text = json.dumps(evidence_map_data(analysis), ensure_ascii=False, indent=1,
                      sort_keys=True)
    with atomic_file(path) as fh:
        fh.write(text.encode("utf-8") + b"\n")
    return path

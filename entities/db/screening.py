"""Screening results kept in the case database (SQLite or PostgreSQL).

Three tables:

- ``screening_run``: one row per list screened for a case (list name, SHA-256 or server,
  threshold, when, how many entries, which countries' designations the list holds, and
  which targets were screened). Screening the same list again replaces its run.
- ``screening_match``: each match of a run (target id, match as JSON).
- ``screening_decision``: a person's confirmation or rejection of a match (kept across
  re-screening; rejected matches are left out of the dossier and the gap analysis).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from entities.db.audit import AuditLog
from entities.db.database import SCREENING_DECISIONS as DECISIONS
from entities.db.database import SCREENING_MATCHES as MATCHES
from entities.db.database import SCREENING_RUNS as RUNS
from entities.screening.model import Match

if TYPE_CHECKING:
    from entities.db.database import CaseDatabase

DECISION_VALUES = ("confirmed", "rejected")


@dataclass
class ScreeningRun:
    """One list screened for a case, with its matches by target."""

    list_name: str
    list_sha256: str
    mode: str
    entries: int
    countries: list[str]
    threshold: float
    screened_at: str
    targets: list[str]
    matches: dict[str, list[Match]] = field(default_factory=dict)
    #: the date of the list's contents (YYYY-MM-DD; "" when unknown)
    list_date: str = ""

    @property
    def as_of(self) -> str:
        """``us_ofac_sdn.ftm.json as of 2021-06-01`` (or "of unknown date")."""
        return f"{self.list_name} as of {self.list_date}" if self.list_date else \
            f"{self.list_name} (date of the list unknown; screened {self.screened_at[:10]})"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ScreeningStore:
    """Screening runs and decisions of the cases in one :class:`CaseDatabase`."""

    def __init__(self, db: CaseDatabase):
        self.db = db
        self.audit = AuditLog(db)

    def save_run(self, case_id: str, run: ScreeningRun) -> None:
        """Store ``run``, replacing an earlier run of the same list (one transaction)."""
        with self.db.transaction("write the screening results", write=True) as conn:
            old = [r for (r,) in conn.execute(select(RUNS.c.id).where(
                RUNS.c.case_id == case_id, RUNS.c.list_name == run.list_name))]
            if old:
                conn.execute(delete(MATCHES).where(MATCHES.c.run_id.in_(old)))
                conn.execute(delete(RUNS).where(RUNS.c.id.in_(old)))
            result = conn.execute(RUNS.insert().values(
                case_id=case_id, list_name=run.list_name, list_sha256=run.list_sha256,
                mode=run.mode, entries=run.entries, countries=json.dumps(run.countries),
                threshold=run.threshold, screened_at=run.screened_at,
                targets=json.dumps(run.targets), list_date=run.list_date))
            key = result.inserted_primary_key
            assert key is not None
            run_id = key[0]
            rows = [{"run_id": run_id, "target": target, "match_id": m.id, "score": m.score,
                     "data": json.dumps(m.to_json(), ensure_ascii=False, sort_keys=True)}
                    for target, matches in run.matches.items() for m in matches]
            if rows:
                conn.execute(MATCHES.insert(), rows)
            self.audit.append("screen", run.list_name, {"previous_runs": len(old)}, {
                "sha256": run.list_sha256, "mode": run.mode, "threshold": run.threshold,
                "list_date": run.list_date,
                "targets": len(run.targets),
                "matches": {t: [m.id for m in ms] for t, ms in run.matches.items() if ms}})

    def runs(self, case_id: str) -> list[ScreeningRun]:
        """Every stored run of the case, in list-name order."""
        out = []
        with self.db.transaction("read the screening results") as conn:
            runs = conn.execute(select(RUNS).where(RUNS.c.case_id == case_id)
                                .order_by(RUNS.c.list_name)).mappings().all()
            for row in runs:
                run = ScreeningRun(row["list_name"], row["list_sha256"], row["mode"],
                                   row["entries"], json.loads(row["countries"]),
                                   row["threshold"], row["screened_at"],
                                   json.loads(row["targets"]), list_date=row["list_date"])
                matches = conn.execute(select(MATCHES.c.target, MATCHES.c.data).where(
                    MATCHES.c.run_id == row["id"]).order_by(
                    MATCHES.c.target, MATCHES.c.score.desc(), MATCHES.c.match_id))
                for target, data in matches:
                    run.matches.setdefault(target, []).append(Match.from_json(json.loads(data)))
                out.append(run)
        return out

    def decide(self, case_id: str, target: str, match_id: str, decision: str,
               user: str) -> None:
        """Record that ``user`` confirmed or rejected a match (replacing an earlier call;
        audit-logged)."""
        if decision not in DECISION_VALUES:
            raise ValueError(f"unknown decision {decision!r}")
        before = self.decisions(case_id).get((target, match_id))
        with self.db.transaction("write the screening decision", write=True) as conn:
            self.audit.append("screening-decision", f"{target} = {match_id}",
                              {"decision": before["decision"]} if before else None,
                              {"decision": decision}, actor=user)
            conn.execute(delete(DECISIONS).where(
                DECISIONS.c.case_id == case_id, DECISIONS.c.target == target,
                DECISIONS.c.match_id == match_id))
            conn.execute(DECISIONS.insert().values(
                case_id=case_id, target=target, match_id=match_id, decision=decision,
                decided_by=user, decided_at=now()))

    def decisions(self, case_id: str) -> dict[tuple[str, str], dict[str, Any]]:
        """(target, match id) → {decision, user, decided_at}."""
        with self.db.transaction("read the screening decisions") as conn:
            rows = conn.execute(select(DECISIONS).where(
                DECISIONS.c.case_id == case_id)).mappings().all()
        return {(r["target"], r["match_id"]): {"decision": r["decision"], "user": r["decided_by"],
                                              "decided_at": r["decided_at"]} for r in rows}

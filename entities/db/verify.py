"""``dossier verify``: are the case's evidence files and its audit log as recorded?

Re-hashes every registered evidence file (missing, modified, not yet registered) and
recomputes the audit log's hash chain; the result says what it found in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from entities.case.loader import read_case
from entities.db.audit import AuditLog
from entities.db.database import CaseDatabase
from entities.db.evidence_files import FileRegistry, FileReport
from entities.exc import Problem


@dataclass
class Verification:
    """What ``dossier verify`` found."""

    #: mistakes in the case itself (then nothing else is checked)
    case_problems: list[Problem] = field(default_factory=list)
    files: FileReport | None = None
    #: breaks in the audit log's hash chain
    chain: list[str] = field(default_factory=list)
    entries: int = 0

    @property
    def clean(self) -> bool:
        return not self.case_problems and self.files is not None and self.files.clean \
            and not self.chain

    def lines(self) -> list[str]:
        """The report, one finding per line, then a summary line."""
        out = [f"case: {p}" for p in self.case_problems]
        if self.files is None:
            return out
        report = self.files
        out += [f"missing: {e.path} (registered {e.registered_at[:10]})" for e in report.missing]
        out += [f"modified: {e.path} (registered SHA-256 {e.sha256}, now {digest})"
                for e, digest in report.modified]
        out += [f"unregistered: {p} (run dossier build to register it)"
                for p in report.unregistered]
        out += [f"audit log: {broken}" for broken in self.chain]
        out.append(f"{len(report.ok)} evidence files intact; audit log: {self.entries} "
                   f"entries, {'chain intact' if not self.chain else 'CHAIN BROKEN'}")
        return out


def verify_case(root: Path) -> Verification:
    """Check the evidence files and the audit log of the case at ``root``.

    A case with mistakes is reported as such (its files and log are not checked).
    """
    case, problems = read_case(root)
    result = Verification(case_problems=problems)
    if case is None:
        return result
    with CaseDatabase.for_case(case.root) as db:
        result.files = FileRegistry(db, case).verify()
        log = AuditLog(db)
        result.chain = log.verify()
        result.entries = len(log.entries())
    return result

"""``dossier verify``: are the case's evidence files and its audit log as recorded?

Re-hashes every registered evidence file (missing, modified, not yet registered) and
recomputes the audit log's hash chain; the result says what it found in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from entities.case.loader import read_case
from entities.db.audit import AuditLog, Entry
from entities.db.changes import Settled, case_files_lock, settle_changes
from entities.db.database import CaseDatabase
from entities.db.evidence_files import FileRegistry, FileReport, links_outside
from entities.db.timestamps import Checked
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
    #: the hash of the newest entry (``None``: the log is empty)
    head: str | None = None
    #: what was wrong with the head the caller expected (``--expect-head``)
    head_problem: str | None = None
    #: screening decisions the audit log did not record as they are
    decisions: list[str] = field(default_factory=list)
    #: interrupted changes (imports, reviews) finished or undone before checking
    settled: list[Settled] = field(default_factory=list)
    #: links under sources/ to files outside the case folder (never registered)
    outside: list[str] = field(default_factory=list)
    #: trusted timestamps checked against the authority's certificate (``--tsa-ca``)
    stamps: list[Checked] = field(default_factory=list)
    #: timestamps kept but not checked (no certificate given)
    stamps_unchecked: int = 0
    #: timestamps of a hash the subject never had
    stamp_problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.case_problems and self.files is not None and self.files.clean \
            and not self.chain and self.head_problem is None and not self.decisions \
            and not self.outside and all(c.ok for c in self.stamps) \
            and not self.stamp_problems

    def lines(self) -> list[str]:
        """The report, one finding per line, then a summary line."""
        out = [f"settled: {s.describe()}" for s in self.settled]
        out += [f"case: {p}" for p in self.case_problems]
        if self.files is None:
            return out
        report = self.files
        out += [f"missing: {e.path} (registered {e.registered_at[:10]})" for e in report.missing]
        out += [f"modified: {e.path} (registered SHA-256 {e.sha256}, now {digest})"
                for e, digest in report.modified]
        out += [f"unregistered: {p} (run dossier build to register it)"
                for p in report.unregistered]
        out += [f"altered register: {e.path} (registered SHA-256 {e.sha256}, but audit log "
                f"entry {logged.seq} recorded {logged.sha256})" for e, logged in report.altered]
        out += [f"register row removed: {path} (audit log entry {logged.seq} registered "
                f"SHA-256 {logged.sha256} on {logged.at[:10]})" for path, logged in
                report.dropped]
        out += [f"register row without its audit entry: {e.path} (SHA-256 {e.sha256}): it "
                "was written into the database, not registered by a build" for e in
                report.unlogged]
        out += [f"original missing: {e.path} (its evidentiary copy, SHA-256 {e.sha256}, "
                "is gone from .dossier/originals)" for e in report.originals_missing]
        out += [f"original modified: {e.path} (its evidentiary copy should have SHA-256 "
                f"{e.sha256}, now {digest})" for e, digest in report.originals_modified]
        out += [f"original known by its hash only: {e.path} (SHA-256 {e.sha256}; registered "
                "before originals were kept, its first bytes are not held)"
                for e in report.originals_unkept]
        out += [f"not checked: {p} is a link to a file outside the case folder; copy the "
                "file into the case instead" for p in self.outside]
        out += [f"screening decision without its audit entry: {d}" for d in self.decisions]
        out += [f"timestamp does not verify: {c.token.subject} (SHA-256 {c.token.sha256}, "
                f"{c.token.stamped_at} by {c.token.tsa}): {c.why}"
                for c in self.stamps if not c.ok]
        out += [f"timestamp: {p}" for p in self.stamp_problems]
        if self.stamps:
            good = sum(c.ok for c in self.stamps)
            out.append(f"{good} of {len(self.stamps)} trusted timestamps verify")
        if self.stamps_unchecked:
            out.append(f"{self.stamps_unchecked} trusted timestamps not checked: give the "
                       "authority's CA certificate with --tsa-ca (or give it to dossier "
                       "timestamp --tsa-ca, which keeps it)")
        out += [f"audit log: {broken}" for broken in self.chain]
        if self.head_problem:
            out.append(f"audit log: {self.head_problem}")
        out.append(f"{len(report.ok)} evidence files intact, {len(report.originals_ok)} "
                   f"evidentiary originals intact; audit log: {self.entries} "
                   f"entries, {'chain intact' if not self.chain else 'CHAIN BROKEN'}")
        if self.head:
            out.append(f"audit log head: {self.head} — keep this somewhere else (it is also "
                       "in every build's overview): if entries are ever removed from the end, "
                       "dossier verify --expect-head with it will say so")
        return out


def verify_case(root: Path, expect_head: str | None = None,
                tsa_ca: Path | None = None) -> Verification:
    """Check the evidence files and the audit log of the case at ``root``; with
    ``expect_head`` (a head hash printed earlier), check that the log still holds that
    entry — removing the newest entries leaves an intact chain, but not that entry; with
    ``tsa_ca`` (the timestamping authority's CA certificate; without it, the ones kept
    by ``dossier timestamp --tsa-ca``), check every trusted timestamp offline, and that
    each stamps a hash its file (or the log) had.

    A case with mistakes is reported as such (its files and log are not checked).
    """
    with case_files_lock(root, create=False):
        settled = settle_changes(root)
        case, problems = read_case(root)
    result = Verification(case_problems=problems, settled=settled)
    if case is None:
        return result
    with CaseDatabase.for_case(case.root) as db:
        result.files = FileRegistry(db, case).verify()
        result.outside = links_outside(case)
        log = AuditLog(db)
        result.chain = log.verify()
        entries = log.entries()
        result.decisions = _unlogged_decisions(db, case.meta.id, entries)
        result.entries = len(entries)
        result.head = entries[-1].hash if entries else None
        _check_stamps(result, db, case.meta.id, case.root, entries, tsa_ca)
        if expect_head:
            hashes = [e.hash for e in entries]
            if expect_head not in hashes:
                result.head_problem = (f"the entry {expect_head[:16]}… you expected is not in "
                                       "the log: entries were removed (or the log was "
                                       "replaced) since that head was taken")
            elif hashes[-1] != expect_head:
                later = len(hashes) - 1 - hashes.index(expect_head)
                result.head = f"{result.head} ({later} entries after the one you expected)"
    return result


def _unlogged_decisions(db: CaseDatabase, case_id: str, entries: list[Entry]) -> list[str]:
    """Screening decisions whose audit entry is missing or says otherwise."""
    logged: dict[str, object] = {}
    for entry in entries:
        if entry.action == "screening-decision" and isinstance(entry.after, dict):
            logged[entry.subject] = entry.after.get("decision")
    out = []
    for (target, match_id), decision in sorted(db.screening.decisions(case_id).items()):
        subject = f"{target} = {match_id}"
        if logged.get(subject) != decision["decision"]:
            out.append(f"{subject} ({decision['decision']} by {decision['user']})")
    return out


def _check_stamps(result: Verification, db: CaseDatabase, case_id: str, root: Path,
                  entries: list[Entry], tsa_ca: Path | None) -> None:
    from entities.db.timestamps import AUDIT_HEAD, TimestampStore, kept_cas, verify_against

    tokens = TimestampStore(db, case_id).tokens()
    known: dict[str, set[str]] = {}
    for entry in entries:  # every hash a file had, by the log, and every head it had
        known.setdefault(AUDIT_HEAD, set()).add(entry.hash)
        if entry.action == "timestamp":
            continue  # a token's own entry proves nothing about the hash it stamps
        if isinstance(entry.after, dict) and isinstance(entry.after.get("sha256"), str):
            known.setdefault(entry.subject, set()).add(entry.after["sha256"])
    for token in tokens:
        if token.sha256 not in known.get(token.subject, set()):
            result.stamp_problems.append(
                f"{token.subject}: the token stamps SHA-256 {token.sha256}, which the audit "
                "log never recorded for it")
    cas = [tsa_ca] if tsa_ca is not None else kept_cas(root)
    if not cas:
        result.stamps_unchecked = len(tokens)
        return
    result.stamps = [verify_against(t, cas) for t in tokens]

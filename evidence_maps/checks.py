"""``dossier check``: what an advocate should fix or know before submitting.

Each finding is ``{"level", "code", "record", "message"}``; level ``error`` makes the
command exit 1, ``warning`` and ``info`` do not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from entities.case.case import Case
from entities.case.model import Evidence, OrganisationRecord, Person
from entities.i18n import Joined, Msg, text
from evidence_maps.corroboration import corroboration, group_reasons
from evidence_maps.inference import Gap, Inferred

if TYPE_CHECKING:
    from entities.db.custody import FileProblem

#: code → level. The codes and what they mean are listed in the README.
LEVELS = {
    "attribution_without_evidence": "error",
    "single_source": "warning",
    "inference_outside_tenure": "warning",
    "post_not_leadership": "warning",
    "incident_without_actor": "warning",
    "target_missing_identifiers": "warning",
    "contrary_evidence": "warning",
    "unconfirmed_credibility": "warning",
    "independence_group": "info",
    "draft_attribution": "info",
    "evidence_without_collection": "warning",
    "archive_is_live_url": "warning",
    "file_without_original": "warning",
    "timestamp_does_not_verify": "warning",
}


@dataclass(frozen=True)
class Finding:
    level: str
    code: str
    record: str
    #: what it says, as a catalogue message (``message``: in English)
    msg: Msg

    @property
    def message(self) -> str:
        return str(self.msg)

    def words(self) -> set[str]:
        """Every word of the values its message holds (what could be a record's id; the
        catalogue's own words name no record)."""
        return {w for value in self.msg.strings() for w in _WORD.findall(value)}

    def as_dict(self) -> dict[str, str]:
        return {"level": self.level, "code": self.code, "record": self.record,
                "message": self.message}

    def render(self, lang: str) -> str:
        """The finding in ``lang``: its level, code (as the README lists it), record and
        message."""
        return (f"{text('em.level_' + self.level, lang)}: {self.code}: {self.record}: "
                f"{self.msg.render(lang)}")

    def __str__(self) -> str:
        return f"{self.level}: {self.code}: {self.record}: {self.message}"


_WORD = re.compile(r"[\w.\-]+")


def _finding(code: str, record: str, key: str, **values: object) -> Finding:
    return Finding(LEVELS[code], code, record, Msg.of(f"em.chk_{key}", **values))


def run_checks(case: Case, groups: dict[str, str], inferred: list[Inferred],
               gaps: list[Gap], shown: frozenset[str] | None = None) -> list[Finding]:
    """Every finding for a valid case, in a stable order (``groups``, ``inferred`` and
    ``gaps`` as computed once for the case by :class:`evidence_maps.view.CaseView`).

    With ``shown`` (the records an audience may see), sources are counted among the
    evidence that audience sees: a version that shows one source says "single source"
    even when the whole case has more (else its reader could infer hidden corroboration).
    """
    def visible(ids: list[str]) -> list[str]:
        return ids if shown is None else [i for i in ids if i in shown]

    found: list[Finding] = []
    attributed = {a.incident for a in case.attributions}
    for att in case.attributions:
        if not att.evidence:
            found.append(_finding("attribution_without_evidence", att.id, "no_evidence",
                                  actor=att.actor, incident=att.incident))
        elif corroboration(case, visible(att.evidence), groups).independent == 1:
            found.append(_finding("single_source", att.id, "single"))
        if att.contrary_evidence:
            listed = visible(att.contrary_evidence)
            what: object = ", ".join(listed) if listed else Msg.of("em.chk_withheld")
            found.append(_finding("contrary_evidence", att.id, "contrary", what=what))
        if att.status == "draft":
            found.append(_finding("draft_attribution", att.id, "draft"))
    found += _credibility_findings(case, groups, visible)
    found += _custody_findings(case)
    for group, (members, why) in group_reasons(case, groups).items():
        if shown is None or all(m in shown for m in members):
            found.append(_finding("independence_group", group, "group",
                                  members=", ".join(members), why=why))
    inferred_incidents = {i.incident for i in inferred}
    for incident in case.incidents:
        if incident.evidence and corroboration(case, visible(incident.evidence), groups
                                               ).independent == 1:
            found.append(_finding("single_source", incident.id, "incident_single"))
        if incident.id not in attributed and incident.id not in inferred_incidents:
            found.append(_finding("incident_without_actor", incident.id, "no_actor"))
    for gap in gaps:
        found.append(_finding(gap.code, gap.tenure, "post_gap", person=gap.person,
                              attribution=gap.attribution, why=gap.why))
    for target in _targets(case, inferred):
        missing = _missing_identifiers(case, target)
        if missing:
            found.append(_finding("target_missing_identifiers", target, "identifiers",
                                  missing=Joined(tuple(missing), ", ")))
    return sorted(found, key=lambda f: (f.code, f.record))


def _same_address(one: str, other: str) -> bool:
    def bare(url: str) -> str:
        url = url.strip().lower().split("#", 1)[0].rstrip("/")
        return url.split("://", 1)[-1].removeprefix("www.")
    return bare(one) == bare(other)


def _custody_findings(case: Case) -> list[Finding]:
    """An item a reviewed attribution relies on with no collection record (neither its
    own nor its source's), and an "archive" that is the live page itself."""
    from entities.case.model import Source

    found = []
    relied = {e for a in case.attributions if a.status == "reviewed" for e in a.evidence}
    for item in case.evidence:
        if item.id not in relied:
            continue
        source = case.index.get(item.source)
        if item.collection is None and not (isinstance(source, Source) and source.collection):
            found.append(_finding("evidence_without_collection", item.id, "no_collection",
                                  source=item.source))
    for source in case.sources:
        if source.archive_url and source.url and _same_address(source.archive_url,
                                                               source.url):
            found.append(_finding("archive_is_live_url", source.id, "live_archive"))
    return found


def file_findings(case: Case, problems: list[FileProblem]) -> list[Finding]:
    """A finding on each source that names a file with a problem of its keeping
    (:func:`entities.db.custody.file_problems`)."""
    found = []
    for problem in problems:
        for source in case.sources:
            if source.file != problem.path:
                continue
            if problem.kind == "no_original":
                found.append(_finding("file_without_original", source.id, "no_original",
                                      file=problem.path, sha256=problem.sha256[:12]))
            else:
                found.append(_finding("timestamp_does_not_verify", source.id,
                                      "bad_timestamp", file=problem.path, why=problem.why))
    return sorted(found, key=lambda f: (f.code, f.record))


def _credibility_findings(case: Case, groups: dict[str, str],
                          visible: Callable[[list[str]], list[str]]) -> list[Finding]:
    """Credibility 1 ("confirmed by other sources") on an item cited where no other
    independent source stands beside it: a warning, and grading counts it as 2."""
    flagged: dict[str, str] = {}
    claims = [(a.id, a.evidence) for a in case.attributions] + \
        [(i.id, i.evidence) for i in case.incidents]
    for claim, evidence in claims:
        ids = visible(list(evidence))
        if corroboration(case, ids, groups).independent != 1:
            continue
        for evidence_id in ids:
            item = case.index.get(evidence_id)
            if isinstance(item, Evidence) and item.credibility == 1:
                flagged.setdefault(evidence_id, claim)
    return [_finding("unconfirmed_credibility", evidence_id, "unconfirmed", claim=claim)
            for evidence_id, claim in flagged.items()]


def _targets(case: Case, inferred: list[Inferred]) -> list[str]:
    """Every actor the case could make a dossier of: attributed on evidence (drafts
    included), inferred through a post, or marked as a target."""
    linked = {a.actor for a in case.attributions if a.evidence} | {i.actor for i in inferred}
    return [a.id for a in [*case.people, *case.organisations] if a.id in linked or a.target]


def _missing_identifiers(case: Case, local_id: str) -> list[Msg]:
    record = case.index[local_id]
    missing = []
    if isinstance(record, Person):
        if not record.birth_date:
            missing.append("birth_date")
        if not record.nationality:
            missing.append("nationality")
        if local_id not in case.tenures_of:
            missing.append("position")
    elif isinstance(record, OrganisationRecord):
        if not record.country:
            missing.append("country")
        if not record.identifiers:
            missing.append("registration")
    return [Msg.of(f"em.missing_{m}") for m in missing]


def findings_for(case: Case, findings: list[Finding], shown: frozenset[str]) -> list[Finding]:
    """The findings about records in ``shown`` that name no record outside it."""
    hidden = {r.id for r in case.records()} - shown
    return [f for f in findings if f.record in shown and not f.words() & hidden]

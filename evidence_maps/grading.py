"""Confidence of an attribution: a grade and the reasons for it, in words.

The rules (also in the README), easy to change here:

1. Each evidence item is **good**, **fair** or **poor**:
   poor if it is hearsay, its credibility is 4–6 (doubtful, improbable, cannot be judged)
   or its source's reliability is D or E; good if the source is A or B and the credibility
   1 or 2; fair otherwise (e.g. a C source, or credibility 3, or an F source).
2. Items from one source, or from sources that repeat each other (``derived_from``), are
   one **independent source**; it counts with its best item.
3. Grade: **strong** — two or more independent sources with fair-or-better items, at least
   one good, and at least one *primary* item (testimony, official or court document,
   financial record, photo/video); **moderate** — two or more independent fair-or-better
   sources, or one good primary item; **weak** — one fair-or-better source;
   **insufficient** — no evidence, or only poor items.
4. Contrary evidence lowers the grade one step (also when it is withheld from the
   audience of an output: a version for a wider audience never claims more confidence).
5. An inferred attribution takes the lower of the organisation's attribution grade and
   the grade of the tenure's evidence, lowered one step: it is an inference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from entities.case.case import Case
from entities.case.model import Evidence, Source

GRADES = ("insufficient", "weak", "moderate", "strong")
PRIMARY = {"direct_testimony", "official_document", "court_record", "financial_record",
           "photo_video"}
STRENGTH_ORDER = {"poor": 0, "fair": 1, "good": 2}


def item_strength(reliability: str, credibility: int, evidence_type: str) -> str:
    """Rule 1: ``good``, ``fair`` or ``poor``."""
    if evidence_type == "hearsay" or credibility >= 4 or reliability in ("D", "E"):
        return "poor"
    if reliability in ("A", "B") and credibility <= 2:
        return "good"
    return "fair"


def lower(level: str, steps: int = 1) -> str:
    """A grade ``steps`` below ``level`` (not below insufficient)."""
    return GRADES[max(0, GRADES.index(level) - steps)]


@dataclass
class Grade:
    """A grade with the reasons that produced it."""

    level: str
    reasons: list[str] = field(default_factory=list)
    independent_sources: int = 0

    @property
    def single_source(self) -> bool:
        return self.independent_sources == 1


def grade_evidence(case: Case, evidence_ids: Iterable[str], groups: dict[str, str]) -> Grade:
    """Rules 1–3 for a set of evidence items (``groups``: :func:`source_groups`)."""
    index = case.index
    best: dict[str, str] = {}
    primary = False
    notes = []
    items = [i for e in evidence_ids if isinstance(i := index.get(e), Evidence)]
    alone = len({groups[i.source] for i in items}) == 1
    for item in items:
        source = index[item.source]
        assert isinstance(source, Source)
        # "confirmed by other sources" that no other independent source here confirms
        credibility = 2 if item.credibility == 1 and alone else item.credibility
        strength = item_strength(source.reliability, credibility, item.type)
        counted = " counted as 2: no other independent source confirms it" \
            if credibility != item.credibility else ""
        notes.append(f"{item.id} is {strength} ({source.reliability}{item.credibility}"
                     f"{counted}, {item.type.replace('_', ' ')})")
        group = groups[item.source]
        if STRENGTH_ORDER[strength] >= STRENGTH_ORDER.get(best.get(group, "poor"), 0):
            best[group] = strength
        primary = primary or (item.type in PRIMARY and strength != "poor")
    fair_plus = sum(1 for s in best.values() if s != "poor")
    good = sum(1 for s in best.values() if s == "good")
    count = len(best)
    if not notes:
        return Grade("insufficient", ["no evidence is cited"], 0)
    if fair_plus >= 2 and good >= 1 and primary:
        level, why = "strong", "two or more independent sources, one good, with primary evidence"
    elif fair_plus >= 2:
        level, why = "moderate", "two or more independent sources of fair or better quality"
    elif good >= 1 and primary:
        level, why = "moderate", "a single source, but a good primary item"
    elif fair_plus >= 1:
        level, why = "weak", "a single independent source"
    else:
        level, why = "insufficient", "only poor evidence (hearsay, doubtful or unreliable)"
    sources = "1 independent source" if count == 1 else f"{count} independent sources"
    return Grade(level, [f"{level}: {why}", sources, *notes], count)


def grade_attribution(case: Case, evidence: Iterable[str], contrary: Iterable[str],
                      groups: dict[str, str], withheld_contrary: Iterable[str] = (),
                      silent: bool = False) -> Grade:
    """Rules 1–4 for a direct attribution; ``withheld_contrary`` (contrary evidence the
    audience may not see) lowers the grade all the same, and the reason says so without
    naming or counting it — ``silent`` (public outputs) without saying it is withheld."""
    grade = grade_evidence(case, evidence, groups)
    contrary = [c for c in contrary if isinstance(case.index.get(c), Evidence)]
    hidden = bool(list(withheld_contrary))
    if contrary or hidden:
        grade.level = lower(grade.level)
        what = [f"contrary evidence ({', '.join(contrary)})"] if contrary else []
        if hidden:
            what.append("the case's contrary information" if silent else
                        "contrary evidence withheld from this version")
        grade.reasons.insert(1, f"lowered one step: {' and '.join(what)}")
    return grade


def grade_inferred(organisation: Grade, tenure: Grade) -> Grade:
    """Rule 5 for an inferred attribution."""
    base = min(organisation.level, tenure.level, key=GRADES.index)
    return Grade(lower(base), [
        f"{lower(base)}: inferred from a post held (one step below the weaker of the "
        f"organisation's attribution, {organisation.level}, and the tenure's evidence, "
        f"{tenure.level})"], min(organisation.independent_sources,
                                 tenure.independent_sources))

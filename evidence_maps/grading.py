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
from entities.i18n import Joined, Msg

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


def _m(key: str, **values: object) -> Msg:
    return Msg.of(f"em.{key}", **values)


def lower(level: str, steps: int = 1) -> str:
    """A grade ``steps`` below ``level`` (not below insufficient)."""
    return GRADES[max(0, GRADES.index(level) - steps)]


@dataclass
class Grade:
    """A grade with the reasons that produced it."""

    level: str
    #: why, as catalogue messages (rendered in each output's language)
    why: list[Msg] = field(default_factory=list)
    independent_sources: int = 0

    @property
    def reasons(self) -> list[str]:
        """The reasons in English."""
        return [str(m) for m in self.why]

    @property
    def single_source(self) -> bool:
        return self.independent_sources == 1


def grade_evidence(case: Case, evidence_ids: Iterable[str], groups: dict[str, str]) -> Grade:
    """Rules 1–3 for a set of evidence items (``groups``: :func:`source_groups`)."""
    index = case.index
    best: dict[str, str] = {}
    primary = False
    notes: list[Msg] = []
    items = [i for e in evidence_ids if isinstance(i := index.get(e), Evidence)]
    alone = len({groups[i.source] for i in items}) == 1
    for item in items:
        source = index[item.source]
        assert isinstance(source, Source)
        # "confirmed by other sources" that no other independent source here confirms
        credibility = 2 if item.credibility == 1 and alone else item.credibility
        strength = item_strength(source.reliability, credibility, item.type)
        key = "item_counted" if credibility != item.credibility else "item_strength"
        notes.append(_m(key, id=item.id, strength=_m(f"strength_{strength}"),
                        grade=f"{source.reliability}{item.credibility}",
                        type=Msg.of(f"vocab.evidence_types.{item.type}")))
        group = groups[item.source]
        if STRENGTH_ORDER[strength] >= STRENGTH_ORDER.get(best.get(group, "poor"), 0):
            best[group] = strength
        primary = primary or (item.type in PRIMARY and strength != "poor")
    fair_plus = sum(1 for s in best.values() if s != "poor")
    good = sum(1 for s in best.values() if s == "good")
    count = len(best)
    if not notes:
        return Grade("insufficient", [_m("why_no_evidence")], 0)
    if fair_plus >= 2 and good >= 1 and primary:
        level, why = "strong", "why_strong"
    elif fair_plus >= 2:
        level, why = "moderate", "why_moderate"
    elif good >= 1 and primary:
        level, why = "moderate", "why_good_primary"
    elif fair_plus >= 1:
        level, why = "weak", "why_single"
    else:
        level, why = "insufficient", "why_poor"
    reason = _m("graded", grade=_m(f"grade_{level}"), why=_m(why))
    return Grade(level, [reason, _m("sources_count", count=count), *notes], count)


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
        what: list[Msg] = [_m("contrary_cited", ids=", ".join(contrary))] if contrary else []
        if hidden:
            what.append(_m("contrary_silent" if silent else "contrary_withheld"))
        grade.why.insert(1, _m("lowered", what=Joined(tuple(what), "; ")))
    return grade


def grade_inferred(organisation: Grade, tenure: Grade) -> Grade:
    """Rule 5 for an inferred attribution."""
    base = min(organisation.level, tenure.level, key=GRADES.index)
    return Grade(lower(base), [
        _m("graded_inferred", grade=_m(f"grade_{lower(base)}"),
           organisation=_m(f"grade_{organisation.level}"), tenure=_m(f"grade_{tenure.level}"))],
        min(organisation.independent_sources, tenure.independent_sources))

"""Submission packs as data: how each regime is addressed and argued
(``submissions.yml``), the analyst's arguments from ``case.yml`` (``submissions:``), and
what a pack for one target and regime holds (:class:`Pack`). The PDF is
:mod:`dossier.pdf.pack`'s business.

A pack exists only where the target meets the regime's criteria or meets them subject
to conditions; it carries the analyst's text for every field the regime asks for, and
lists the fields nobody wrote (never inventing them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, ConfigDict, Field

from entities.case.case import Case
from entities.case.levels import LEVELS
from entities.case.model import Actor, Evidence, Incident, Person
from entities.exc import Problem
from evidence_maps.analysis import TargetView
from evidence_maps.regimes import RegimeFinding

if TYPE_CHECKING:
    from evidence_maps.view import CaseView

#: outcomes for which a pack is written (and, with ``arguable``, also "by interpretation")
PACK_OUTCOMES = ("met", "conditional")
ARGUABLE = "interpretation"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Guidance(_Strict):
    """The guidance a regime's pack follows, and whether (and what of it) we read."""

    title: str
    url: str | None = None
    read: bool
    what: str


class ArgumentField(_Strict):
    """An argument the analyst writes for a regime (national interest, sponsor…)."""

    title: str
    guidance: str


class SubmissionRule(_Strict):
    """How one regime's submissions are addressed and what they argue."""

    address: str
    request: str
    guidance: Guidance
    fields: dict[str, ArgumentField] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list)
    #: the pack states the victims' status (the regime weighs who the victims were)
    victims: bool = False
    #: the pack shows, item by item, whether the evidence may be disclosed to the person
    disclosure: bool = False
    #: the pack states where the conduct took place, against this country code
    outside: str | None = None


@cache
def rules() -> dict[str, SubmissionRule]:
    """Every regime's submission rule, by regime key."""
    text = resources.files("evidence_maps").joinpath("submissions.yml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return {key: SubmissionRule.model_validate(value) for key, value in raw.items()}


def submission_problems(case: Case) -> list[Problem]:
    """Mistakes in ``case.yml``'s ``submissions:``: a key that is no target of the case
    (an actor with an attribution or ``target: true``), no regime, or no field of that
    regime."""
    meta, known = case.meta, rules()
    target_ids = {a.actor for a in case.attributions}
    target_ids |= {a.id for a in [*case.people, *case.organisations] if a.target}
    out: list[Problem] = []
    for target, regimes in meta.submissions.items():
        if target not in target_ids:
            record = case.index.get(target)
            what = ("is a person or organisation, but not a target (no attribution and "
                    "no target: true)" if isinstance(record, Actor)
                    else "is not the id of a person or organisation of the case")
            out.append(meta.problem(f"'{target}' {what}", "submissions", target))
            continue
        for regime, fields in regimes.items():
            rule = known.get(regime)
            if rule is None:
                out.append(meta.problem(f"'{regime}' is not a regime; use one of: "
                                        f"{', '.join(known)}", "submissions", target, regime))
                continue
            for key in fields:
                if key not in rule.fields:
                    out.append(meta.problem(
                        f"'{key}' is not an argument of {regime}; its arguments are: "
                        f"{', '.join(rule.fields)}", "submissions", target, regime, key))
    return out


@dataclass(frozen=True)
class Disclosure:
    """One evidence item a pack relies on, and whether it may be shown to the person."""

    evidence: str
    source: str
    level: str

    @property
    def disclosable(self) -> bool:
        return self.level == "public"


@dataclass
class Pack:
    """What one target's submission under one regime holds beyond the general dossier."""

    target: TargetView
    finding: RegimeFinding
    rule: SubmissionRule
    #: the analyst's text, by field key (only fields the regime asks for)
    arguments: dict[str, str]
    #: fields the regime asks for that the case does not give
    missing: list[str]
    #: status keys of the victims this audience may see or knows by pseudonym, by incident
    victims: dict[str, list[str]] = field(default_factory=dict)
    #: the incidents' country codes (empty string for an incident with none)
    countries: dict[str, str] = field(default_factory=dict)
    disclosure: list[Disclosure] = field(default_factory=list)

    @property
    def regime(self) -> str:
        return self.finding.regime.key

    @property
    def conduct_outside(self) -> bool | None:
        """Whether some conduct took place outside the regime's country (None: unknown)."""
        if self.rule.outside is None or not self.countries:
            return None
        known = [c for c in self.countries.values() if c]
        if any(c != self.rule.outside for c in known):
            return True
        return False if len(known) == len(self.countries) else None


def _victims(view: CaseView, incidents: list[Incident]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for incident in incidents:
        statuses: list[str] = []
        for victim in incident.victims:
            record = view.case.index.get(victim)
            if not isinstance(record, Person):
                continue
            if victim in view.shown or victim in view.pseudonyms:
                statuses += [s for s in record.statuses if s not in statuses]
        out[incident.id] = statuses
    return out


def _disclosure(view: CaseView, target: TargetView) -> list[Disclosure]:
    case = view.case
    out: list[Disclosure] = []
    for evidence_id in dict.fromkeys(e for a in target.attributions for e in a.evidence):
        item = case.index.get(evidence_id)
        if not isinstance(item, Evidence) or evidence_id not in view.shown:
            continue
        source = case.index[item.source]
        levels = [case.sensitivity(item), case.sensitivity(source)]
        level = max(levels, key=LEVELS.__getitem__)
        out.append(Disclosure(evidence_id, item.source, level))
    return out


def pack_for(view: CaseView, target: TargetView, finding: RegimeFinding) -> Pack:
    """The pack of ``target`` under ``finding``'s regime (whatever its outcome)."""
    rule = rules()[finding.regime.key]
    given = view.case.meta.submissions.get(target.id, {}).get(finding.regime.key, {})
    arguments = {k: given[k] for k in rule.fields if k in given}
    incidents = [view.case.index[i] for i in dict.fromkeys(a.incident
                                                             for a in target.attributions)]
    shown = [i for i in incidents if isinstance(i, Incident)]
    return Pack(target, finding, rule, arguments,
                [k for k in rule.fields if k not in given],
                _victims(view, shown) if rule.victims else {},
                {i.id: i.country or "" for i in shown},
                _disclosure(view, target) if rule.disclosure else [])


def packs(view: CaseView, regimes: list[str] | None = None, arguable: bool = False
          ) -> list[Pack]:
    """A pack for every target and regime (of ``regimes``, default all) whose outcome is
    met or conditional (with ``arguable``, also "by interpretation": the pack then argues
    the reading instead of asserting it), in the order of the targets and regimes."""
    wanted = (*PACK_OUTCOMES, ARGUABLE) if arguable else PACK_OUTCOMES
    out = []
    for target in view.targets:
        for finding in target.findings:
            if finding.outcome not in wanted:
                continue
            if regimes is not None and finding.regime.key not in regimes:
                continue
            out.append(pack_for(view, target, finding))
    return out

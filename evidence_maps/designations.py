"""Who has already designated each target, and who has not: the designation gap.

From the stored screening runs (``dossier screen``) and the reviewers' decisions. For
each target and each jurisdiction (always the US, UK, EU, Canada and Australia, plus any
other jurisdiction whose designations appear in the screened lists):

- ``designated``: a match of the target (not rejected by a reviewer) has a designation
  of that jurisdiction; the programs, listing dates and whether a reviewer confirmed the
  match are kept;
- ``not_found``: a screened list holds that jurisdiction's designations, and none of
  them matched the target;
- ``not_screened``: no screened list holds that jurisdiction's designations, so nothing
  can be said.

Matches are automated: until a reviewer confirms one it is a candidate, and every output
says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from entities.db.screening import ScreeningRun
from entities.i18n import text
from entities.i18n.words import territory_name
from entities.screening.model import Designation, Match

STATUSES = ("designated", "not_found", "not_screened")


@dataclass(frozen=True)
class _Rules:
    core: tuple[str, ...]
    labels: dict[str, str]
    authorities: tuple[tuple[re.Pattern[str], str], ...]
    prefixes: dict[str, str]
    human_rights: tuple[re.Pattern[str], ...]


@cache
def rules() -> _Rules:
    text = resources.files("evidence_maps").joinpath("jurisdictions.yml").read_text("utf-8")
    raw: dict[str, Any] = yaml.safe_load(text)
    return _Rules(tuple(raw["core"]), dict(raw["labels"]),
                  tuple((re.compile(a["pattern"], re.I), a["jurisdiction"])
                        for a in raw["authorities"]),
                  dict(raw["dataset_prefixes"]),
                  tuple(re.compile(p, re.I) for p in raw["human_rights_programs"]))


def label(code: str) -> str:
    """A jurisdiction's name (``gb`` → United Kingdom)."""
    known = rules().labels.get(code)
    if known:
        return known
    from followthemoney import registry

    return str(registry.country.caption(code) or code.upper())


def unlisted_caveat(code: str, lang: str = "en") -> str | None:
    """Why a list check cannot settle a jurisdiction's designations (US §7031(c) visa
    designations are mostly private), from the regimes data; ``None`` when it can."""
    from evidence_maps.regime_data import regimes

    notes = [f"{r.short}: {r.say('unpublished', lang)}" for r in regimes().values()
             if r.jurisdiction == code and r.unpublished]
    return " ".join(notes) or None


def jurisdiction_name(code: str, lang: str = "en") -> str:
    """A jurisdiction's name in ``lang`` (CLDR territory names: ``eu`` → European Union,
    Европейский союз); English falls back on ``jurisdictions.yml`` and FtM's names."""
    return territory_name(code, lang) or label(code)


def _t(key: str, lang: str, **values: object) -> str:
    return text(f"em.{key}", lang, **values)


def jurisdiction_of(designation: Designation) -> str:
    """The jurisdiction of a designation: its country, else its authority, else its
    dataset name; ``unknown`` when none tells."""
    if designation.country:
        return designation.country.lower()
    for pattern, code in rules().authorities:
        if designation.authority and pattern.search(designation.authority):
            return code
    return jurisdiction_of_dataset(designation.datasets) or "unknown"


def jurisdiction_of_dataset(datasets: Iterable[str]) -> str | None:
    for name in datasets:
        code = rules().prefixes.get(name.split("_", 1)[0].lower())
        if code:
            return code
    return None


def is_human_rights_program(program: str) -> bool:
    return any(p.search(program) for p in rules().human_rights)


@dataclass
class Listing:
    """One designation of a target found by screening."""

    jurisdiction: str
    designation: Designation
    match: Match
    confirmed: bool

    @property
    def human_rights(self) -> bool:
        return is_human_rights_program(self.designation.program)


@dataclass
class JurisdictionStatus:
    code: str
    status: str
    listings: list[Listing] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return label(self.code)

    @property
    def programs(self) -> list[str]:
        return sorted({p.strip() for item in self.listings
                       for p in item.designation.program.split(";") if p.strip()})

    def name(self, lang: str = "en") -> str:
        """The jurisdiction's name in ``lang``."""
        return jurisdiction_name(self.code, lang)

    def describe(self, lang: str = "en") -> str:
        """One cell of text: ``designated: GLOMAG, MAGNIT (listed 2017-12-20; match 0.97,
        unconfirmed)``, ``no listing found`` or ``not screened``, in ``lang``."""
        if self.status == "not_screened":
            return _t("j_not_screened", lang)
        if self.status == "not_found":
            caveat = unlisted_caveat(self.code, lang)
            found = _t("j_not_found_in", lang, lists=", ".join(self.lists)) if self.lists \
                else _t("j_not_found", lang)
            return found + (f" ({caveat})" if caveat else "")
        dates = sorted({i.designation.listing_date for i in self.listings
                        if i.designation.listing_date})
        best = max(self.listings, key=lambda i: i.match.score)
        state = _t("j_confirmed" if any(i.confirmed for i in self.listings)
                   else "j_unconfirmed", lang)
        when = _t("j_listed", lang, dates=", ".join(dates)) if dates else ""
        return _t("j_designated", lang,
                  programs=", ".join(self.programs) or _t("j_no_program", lang),
                  when=when, score=f"{best.match.score:.2f}", state=state)


@dataclass
class TargetDesignations:
    """The screening outcome of one target."""

    target: str
    name: str
    screened_lists: list[str]
    matches: list[tuple[Match, bool]]
    rejected: int
    jurisdictions: list[JurisdictionStatus]

    @property
    def screened(self) -> bool:
        return bool(self.screened_lists)

    def by_status(self, status: str) -> list[JurisdictionStatus]:
        return [j for j in self.jurisdictions if j.status == status]

    def gap_sentence(self, lang: str = "en") -> str:
        """``Designated by the United States (GLOMAG); no listing found for the United
        Kingdom, …; not screened for …``, in ``lang``."""
        if not self.screened:
            return _t("gap_unscreened", lang)
        parts = []
        done = self.by_status("designated")
        if done:
            items = [_t("gap_item", lang, jurisdiction=j.name(lang),
                        programs=", ".join(j.programs) or _t("j_no_program", lang))
                     for j in done]
            parts.append(_t("gap_designated", lang, items=", ".join(items)))
        missing = self.by_status("not_found")
        if missing:
            lists = sorted({name for j in missing for name in j.lists})
            names = ", ".join(j.name(lang) for j in missing)
            parts.append(_t("gap_not_found_in", lang, jurisdictions=names,
                            lists="; ".join(lists)) if lists
                         else _t("gap_not_found", lang, jurisdictions=names))
            parts += [c.rstrip(".") for j in missing if (c := unlisted_caveat(j.code, lang))]
        unknown = self.by_status("not_screened")
        if unknown:
            parts.append(_t("gap_not_screened", lang,
                            jurisdictions=", ".join(j.name(lang) for j in unknown)))
        sentence = "; ".join(parts)
        return sentence[0].upper() + sentence[1:] + "."


@dataclass
class DesignationReport:
    """The gap analysis of a case: the lists screened and every target's outcome."""

    runs: list[ScreeningRun]
    targets: dict[str, TargetDesignations]
    jurisdictions: list[str]

    @property
    def screened(self) -> bool:
        return bool(self.runs)

    def summary(self) -> dict[str, dict[str, int]]:
        """jurisdiction → {designated, not_found, not_screened: number of targets}."""
        out = {code: dict.fromkeys(STATUSES, 0) for code in self.jurisdictions}
        for target in self.targets.values():
            for j in target.jurisdictions:
                out[j.code][j.status] += 1
        return out


def _by_score(item: tuple[Match, bool]) -> tuple[float, str]:
    return -item[0].score, item[0].id


def designation_gaps(targets: Iterable[tuple[str, str]], runs: list[ScreeningRun],
                     decisions: dict[tuple[str, str], dict[str, Any]]) -> DesignationReport:
    """The gap analysis for ``targets`` (id, name) from stored runs and decisions."""
    targets = list(targets)
    seen: set[str] = set()
    for run in runs:
        seen.update(c.lower() for c in run.countries if c != "unknown")
    listings: dict[str, list[Listing]] = {}
    kept: dict[str, list[tuple[Match, bool]]] = {}
    rejected: dict[str, int] = {}
    for run in runs:
        for target, matches in run.matches.items():
            for match in matches:
                decision = decisions.get((target, match.id), {}).get("decision")
                if decision == "rejected":
                    rejected[target] = rejected.get(target, 0) + 1
                    continue
                confirmed = decision == "confirmed"
                kept.setdefault(target, []).append((match, confirmed))
                for designation in match.sanctions:
                    code = jurisdiction_of(designation)
                    seen.add(code)
                    listings.setdefault(target, []).append(
                        Listing(code, designation, match, confirmed))
    core = list(rules().core)
    order = core + sorted(seen - set(core) - {"unknown"}) + (["unknown"] if "unknown" in seen
                                                               else [])
    out = {}
    screened = [(run, set(run.targets)) for run in runs]
    by_target: dict[str, list[Listing]] = {}
    for target_id, items in listings.items():
        by_target[target_id] = items
    for target_id, name in targets:
        lists = [run for run, ids in screened if target_id in ids]
        covered: dict[str, list[str]] = {}
        for run in lists:
            for code in run.countries:
                covered.setdefault(code.lower(), []).append(run.as_of)
        states = []
        for code in order:
            found = [item for item in by_target.get(target_id, ()) if item.jurisdiction == code]
            if found:
                status = "designated"
            elif code in covered:
                status = "not_found"
            else:
                status = "not_screened"
            if status == "not_screened" and code not in core and not found:
                continue
            states.append(JurisdictionStatus(code, status, found, covered.get(code, [])))
        ranked = sorted(kept.get(target_id, []), key=_by_score)
        out[target_id] = TargetDesignations(target_id, name, [r.list_name for r in lists],
                                            ranked, rejected.get(target_id, 0), states)
    return DesignationReport(runs, out, order)

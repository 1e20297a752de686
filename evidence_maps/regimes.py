"""Which regimes an actor's attributed violations meet, and why — from ``regimes.yml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from entities.case import vocab

LEVEL = {"no": 0, "interpretation": 1, "yes": 2}
LEVEL_NAME = {0: "no", 1: "interpretation", 2: "yes"}


@dataclass(frozen=True)
class Regime:
    key: str
    name: str
    short: str
    program: str
    jurisdiction: str
    targets: tuple[str, ...]
    measures: tuple[str, ...]
    criterion: str
    modes: dict[str, str]
    violations: dict[str, str]

    def covers(self, violation: str) -> str:
        return self.violations.get(violation, "no")

    def accepts(self, mode: str) -> str:
        return self.modes.get(mode, "no")


def _level(value: Any) -> str:
    """``yes`` / ``interpretation`` / ``no`` (YAML reads a bare yes as true)."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    text = str(value)
    if text not in LEVEL:
        raise ValueError(f"regimes.yml: '{text}' must be yes, interpretation or no")
    return text


@cache
def regimes() -> dict[str, Regime]:
    """Every regime, in file order."""
    text = resources.files("evidence_maps").joinpath("regimes.yml").read_text("utf-8")
    raw: dict[str, dict[str, Any]] = yaml.safe_load(text)["regimes"]
    out = {}
    for key, data in raw.items():
        out[key] = Regime(key, data["name"], data["short"], data["program"],
                          data["jurisdiction"], tuple(data["targets"]),
                          tuple(data["measures"]), " ".join(data["criterion"].split()),
                          {k: _level(v) for k, v in data["modes"].items()},
                          {k: _level(v) for k, v in data["violations"].items()})
    return out


@dataclass(frozen=True)
class Ground:
    """One attributed incident, as seen from one regime."""

    incident: str
    violation: str
    mode: str
    outcome: str          # yes / interpretation / no
    reason: str


@dataclass
class RegimeFinding:
    """Whether a target meets a regime's criteria, and why."""

    regime: Regime
    outcome: str                              # yes / interpretation / no / not applicable
    grounds: list[Ground] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        label = {"yes": "criteria met", "interpretation": "met only by interpretation",
                 "no": "not met", "not applicable": "not applicable"}[self.outcome]
        return f"{self.regime.short}: {label}"


def _ground(regime: Regime, incident: str, violation: str, mode: str) -> Ground:
    cover, accept = regime.covers(violation), regime.accepts(mode)
    outcome = LEVEL_NAME[min(LEVEL[cover], LEVEL[accept])]
    v_label = vocab.label("violation_types", violation)
    m_label = vocab.label("modes_of_responsibility", mode)
    if cover == "no":
        reason = f"{regime.short} does not reach '{v_label}'"
    elif accept == "no":
        reason = f"{regime.short} does not list the mode '{m_label}'"
    elif outcome == "interpretation":
        which = "the violation" if cover == "interpretation" else "the mode"
        reason = f"'{v_label}' as '{m_label}': {which} is covered only by interpretation"
    else:
        reason = f"'{v_label}' as '{m_label}' is covered"
    return Ground(incident, violation, mode, outcome, reason)


def assess(kind: str, claims: list[tuple[str, str, list[str]]]) -> list[RegimeFinding]:
    """Findings for every regime.

    Args:
        kind: ``person`` or ``organisation``.
        claims: (incident id, mode, violation types) for each attribution of the target.
    """
    findings = []
    for regime in regimes().values():
        if kind not in regime.targets:
            findings.append(RegimeFinding(regime, "not applicable", alternatives=[
                f"{regime.short} designates only {' and '.join(regime.targets)}s"]))
            continue
        grounds = [_ground(regime, incident, violation, mode)
                   for incident, mode, violations in claims for violation in violations]
        best = max((LEVEL[g.outcome] for g in grounds), default=0)
        finding = RegimeFinding(regime, LEVEL_NAME[best], grounds)
        if best == 0:
            finding.alternatives = _alternatives(kind, claims, regime)
        findings.append(finding)
    return findings


def _alternatives(kind: str, claims: list[tuple[str, str, list[str]]], missing: Regime
                  ) -> list[str]:
    """Where a regime does not reach the conduct, which other regimes could."""
    out = []
    for regime in regimes().values():
        if regime.key == missing.key or kind not in regime.targets:
            continue
        for _, mode, violations in claims:
            hits = [v for v in violations if regime.covers(v) != "no"
                    and regime.accepts(mode) != "no"]
            if hits:
                how = "by interpretation" if any(
                    regime.covers(v) == "interpretation" or regime.accepts(mode) ==
                    "interpretation" for v in hits) else "directly"
                mode_label = vocab.label("modes_of_responsibility", mode)
                out.append(f"{regime.short} could apply {how} "
                           f"({', '.join(hits)} as '{mode_label}')")
                break
    return out

"""The sanctions regimes as legal data: the pydantic models of ``regimes.yml`` and its
loading. Which instrument and provision reaches which violation type and mode of
responsibility, at which level, under which condition, on what standard, and the
measures for each kind of target. :mod:`evidence_maps.regimes` applies them to a case.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from entities.case import vocab
from entities.exc import DossierError
from entities.i18n import text

Level = Literal["yes", "conditional", "interpretation"]
Kind = Literal["person", "organisation"]
ConditionKey = Literal["official", "official_or_agent", "official_or_associate",
                       "family_of_official", "defender_victims", "pattern", "principal_listed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """A condition a cell is subject to: what it asks (``en``) and how it is decided."""

    en: str
    how: str


class Standard(_Strict):
    """The standard of proof, in the instrument's words, and where it is written."""

    words: str
    provision: str
    verified: bool


class TargetRule(_Strict):
    """Who of a kind can be designated, and the measures for them."""

    label: str
    measures: list[str] = Field(min_length=1)


class Criterion(_Strict):
    """One designation criterion: its provision, its content in our words, and whether
    the instrument's own text for it was read (``verified``)."""

    provision: str
    text: str
    verified: bool


class Cell(_Strict):
    """How a regime reaches one violation type or mode of responsibility."""

    level: Level
    cite: str
    condition: ConditionKey | None = None
    note: str | None = None

    @field_validator("level", mode="before")
    @classmethod
    def _yaml_yes(cls, value: Any) -> Any:
        return "yes" if value is True else value

    @model_validator(mode="after")
    def _condition_for_conditional(self) -> Cell:
        if (self.level == "conditional") != (self.condition is not None):
            raise ValueError("a conditional cell names its condition, and only it does")
        return self


class Regime(_Strict):
    key: str = ""
    name: str
    short: str
    program: str
    jurisdiction: str
    instrument: str
    decision_maker: str
    submit_to: str
    standard: Standard
    targets: dict[Kind, TargetRule] = Field(min_length=1)
    criteria: dict[str, Criterion] = Field(min_length=1)
    read: list[str] = Field(min_length=1)
    not_read: str | None = None
    #: why a list check cannot settle whether this regime has designated someone
    unpublished: str | None = None
    modes: dict[str, Cell]
    violations: dict[str, Cell]

    def __repr__(self) -> str:
        # a regime is known by its key (its text is the program's own data, which
        # changes only with the program): findings that name it print it short
        return f"Regime({self.key!r})"

    @model_validator(mode="after")
    def _cells_cite_criteria(self) -> Regime:
        for group, cells in (("modes", self.modes), ("violations", self.violations)):
            for key, cell in cells.items():
                if cell.cite not in self.criteria:
                    raise ValueError(f"{group}.{key} cites '{cell.cite}', which is not one of "
                                     f"this regime's criteria ({', '.join(self.criteria)})")
        return self

    def say(self, field: str, lang: str) -> str:
        """A text of this regime in ``lang`` from the message catalogue: ``name``,
        ``decision_maker``, ``submit_to``, ``standard``, ``unpublished`` or
        ``criterion.<key>``."""
        return text(f"regime.{self.key}.{field}", lang)

    @property
    def verified(self) -> bool:
        """Whether the instrument's text was read for every criterion."""
        return all(c.verified for c in self.criteria.values())

    def covers(self, violation: str) -> Cell | None:
        return self.violations.get(violation)

    def accepts(self, mode: str) -> Cell | None:
        return self.modes.get(mode)

    def who(self, kind: str) -> TargetRule | None:
        return next((rule for k, rule in self.targets.items() if k == kind), None)

    def measures(self, kind: str) -> list[str]:
        rule = self.who(kind)
        return list(rule.measures) if rule else []

    @property
    def designates(self) -> str:
        """``individuals`` or ``individuals and entities``."""
        return " and ".join(rule.label for rule in self.targets.values())


class RegimeFile(_Strict):
    conditions: dict[ConditionKey, Condition]
    regimes: dict[str, Regime]

    @model_validator(mode="after")
    def _keys_in_vocabulary(self) -> RegimeFile:
        violations = set(vocab.terms("violation_types"))
        modes = set(vocab.terms("modes_of_responsibility"))
        for key, regime in self.regimes.items():
            unknown = (set(regime.violations) - violations) | (set(regime.modes) - modes)
            if unknown:
                raise ValueError(f"{key}: not in the case vocabulary: {sorted(unknown)}")
        return self


class RegimeDataError(DossierError):
    """``regimes.yml`` does not hold what the tool needs."""


def parse(text: str) -> RegimeFile:
    """Validate the text of a regimes file; regime keys fill ``Regime.key``."""
    raw = yaml.safe_load(text)
    try:
        data = RegimeFile.model_validate(raw)
    except ValidationError as exc:
        raise RegimeDataError(f"evidence_maps/regimes.yml is not valid: {exc}") from exc
    regimes = {k: r.model_copy(update={"key": k}) for k, r in data.regimes.items()}
    return data.model_copy(update={"regimes": regimes})


@cache
def regime_file() -> RegimeFile:
    return parse(resources.files("evidence_maps").joinpath("regimes.yml").read_text("utf-8"))


def regimes() -> dict[str, Regime]:
    """Every regime, in file order."""
    return regime_file().regimes


def condition(key: str) -> Condition:
    return next(c for k, c in regime_file().conditions.items() if k == key)

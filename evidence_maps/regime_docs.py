"""The regime pages (``docs/regimes/*.md``), generated from ``regimes.yml``.

One page per regime: the instrument, who decides and where to submit, the standard of
proof, who can be designated and the measures for each, the criteria with their
provisions, what was and was not read, and the table of violation types and modes with
their levels, conditions and notes. Regenerate after editing the data:
``python -m evidence_maps.regime_docs``; a test checks the pages are current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from entities.case import vocab
from evidence_maps.regime_data import Cell, Regime, condition, regime_file

LEVEL_WORDS = {"yes": "yes", "conditional": "conditional", "interpretation": "interpretation"}
HOW = """\
## How the tool decides

For each attribution of a target the audience may see, and each violation type of its
incident, the tool combines this regime's cell for the violation type and its cell for the
attribution's mode of responsibility (tables below):

- a violation type or mode not in the tables: **not met** for that ground;
- `interpretation`, or a criterion whose text was not read (*verified: no*): at most
  **by interpretation**;
- `conditional`: the condition decides — met, failed (**not met**), or open (**met
  subject to conditions**, saying what is missing); an open `pattern` condition gives
  **by interpretation** instead;
- a ground the law reaches is **criteria met** only if the attribution is reviewed, its
  grade is at least the case's `minimum_grade` (default `moderate`), and the target is
  identifiable (a person: full name and a birth date, nationality or dated post; an
  organisation: a country; never one marked `unidentified: true`); otherwise it is **met
  subject to conditions**, with the further work needed.

The regime's outcome is its best ground's. Measures are recommended only for **criteria
met**, and only those listed below for the target's kind. A kind of target the regime
cannot designate gives **not applicable**.
"""


def _cell(cell: Cell, regime: Regime) -> str:
    parts = [f"`{LEVEL_WORDS[cell.level]}`", regime.criteria[cell.cite].provision]
    if cell.condition:
        parts.append(f"condition: *{condition(cell.condition).en}*")
    if cell.note:
        parts.append(cell.note.replace("|", "/"))
    return " — ".join(parts)


def page(regime: Regime) -> str:
    """The Markdown page of one regime."""
    yes_no = {True: "yes", False: "**no**"}
    lines = [f"# {regime.name}", "", "Generated from `evidence_maps/regimes.yml` by "
             "`python -m evidence_maps.regime_docs`; do not edit by hand.", ""]
    if not regime.verified:
        lines += ["> **Not verified.** The instrument's own text was not read for every "
                  "criterion below (*verified: no*). No outcome under this regime is ever "
                  "*criteria met*: at most *by interpretation*. Not read: "
                  f"{regime.not_read}.", ""]
    lines += [f"- **Instrument:** {regime.instrument}",
              f"- **Decides:** {regime.decision_maker}",
              f"- **Submit to:** {regime.submit_to}",
              f"- **Standard:** {regime.standard.words} ({regime.standard.provision}; "
              f"wording verified: {yes_no[regime.standard.verified]})",
              f"- **Program code in our outputs:** `{regime.program}`"]
    if regime.unpublished:
        lines.append(f"- **Lists:** {regime.unpublished}")
    lines += ["", "## Who can be designated, and the measures", "",
              "| Kind | Who | Measures |", "|---|---|---|"]
    for kind in ("person", "organisation"):
        rule = regime.who(kind)
        lines.append(f"| {kind} | {rule.label} | {', '.join(rule.measures)} |" if rule
                     else f"| {kind} | — not designated by this regime | — |")
    lines += ["", "## Criteria", "", "| Key | Provision | Content (our words) | Text read |",
              "|---|---|---|---|"]
    lines += [f"| `{key}` | {c.provision} | {c.text} | {yes_no[c.verified]} |"
              for key, c in regime.criteria.items()]
    lines += ["", HOW, "## Violation types", "", "| Violation type | Level — provision — "
              "condition — note |", "|---|---|"]
    for key in vocab.terms("violation_types"):
        cell = regime.covers(key)
        lines.append(f"| {vocab.label('violation_types', key)} (`{key}`) | "
                     f"{_cell(cell, regime) if cell else 'not covered'} |")
    lines += ["", "## Modes of responsibility", "", "| Mode | Level — provision — condition "
              "— note |", "|---|---|"]
    for key in vocab.terms("modes_of_responsibility"):
        cell = regime.accepts(key)
        lines.append(f"| {vocab.label('modes_of_responsibility', key)} (`{key}`) | "
                     f"{_cell(cell, regime) if cell else 'not covered'} |")
    lines += ["", "## What we read", ""] + [f"- {item}" for item in regime.read]
    lines += ["", "This page is not legal advice: check every outcome against the instrument "
              "before a submission relies on it.", ""]
    return "\n".join(lines)


def index() -> str:
    """``docs/regimes/README.md``: the regimes, their conditions, and what each condition
    reads from a case."""
    data = regime_file()
    lines = ["# Regimes", "", "Generated from `evidence_maps/regimes.yml` by "
             "`python -m evidence_maps.regime_docs`; do not edit by hand. The overview of "
             "how regimes are used is in [../regimes.md](../regimes.md).", "",
             "| Regime | Instrument | Designates | Text read |", "|---|---|---|---|"]
    for key, regime in data.regimes.items():
        lines.append(f"| [{regime.short}]({key}.md) | {regime.instrument} | "
                     f"{regime.designates} | {'yes' if regime.verified else '**no**'} |")
    lines += ["", "## Conditions", "", "| Condition | What it asks | How it is decided |",
              "|---|---|---|"]
    lines += [f"| `{key}` | {c.en} | {c.how} |" for key, c in data.conditions.items()]
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """File name → text of every generated page."""
    out = {"README.md": index()}
    out.update({f"{key}.md": page(r) for key, r in regime_file().regimes.items()})
    return out


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        Path(__file__).resolve().parents[1] / "docs" / "regimes"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (folder / name).write_text(text, "utf-8")


if __name__ == "__main__":
    main()

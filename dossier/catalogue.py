"""Collect every message of the project into the catalogue template and merge it into
the translations: ``python -m dossier.catalogue`` (run it after changing any English
text; tests fail while the template is stale or a translation is missing).

The English texts come from the YAML files that own them:

==========================================  ======================================
``dossier/pdf/strings.yml``                 ``pdf.<key>`` (PDF fixed text, prose)
``entities/case/vocabulary.yml``            ``vocab.<vocabulary>.<key>`` (labels)
``evidence_maps/regimes.yml``               ``regime.<key>.…``, ``condition.<key>``,
                                            ``measure.<slug>``
``evidence_maps/submissions.yml``           ``submission.<regime>.…``
``evidence_maps/messages.yml``              ``em.<key>`` (reasons, gaps, checks)
``exports/messages.yml``                    ``x.<key>`` (workbook, pictures)
``dossier/web/messages.yml``                ``web.<key>`` (the local web app)
``entities/intake/tabular.py``              ``tab.<sheet>.<field>`` (column help)
==========================================  ======================================

The template goes to ``entities/i18n/messages.pot``; each ``entities/i18n/<lang>.po`` is
updated from it with Babel (new messages untranslated, changed ones marked fuzzy,
vanished ones dropped), so translators only ever edit the ``.po`` files.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from entities.i18n import LANGUAGES
from evidence_maps.regimes import slug

Entry = tuple[str, str | tuple[str, str]]


def _yaml(package: str, name: str) -> Any:
    return yaml.safe_load(resources.files(package).joinpath(name).read_text("utf-8"))


def _flat(prefix: str, data: dict[str, Any]) -> Iterator[Entry]:
    for key, value in data.items():
        if isinstance(value, dict) and set(value) == {"one", "other"}:
            yield f"{prefix}.{key}", (str(value["one"]), str(value["other"]))
        else:
            yield f"{prefix}.{key}", str(value)


def _regimes() -> Iterator[Entry]:
    data = _yaml("evidence_maps", "regimes.yml")
    for key, condition in data["conditions"].items():
        yield f"condition.{key}", " ".join(condition["en"].split())
    measures: dict[str, str] = {}
    for key, regime in data["regimes"].items():
        base = f"regime.{key}"
        yield f"{base}.name", regime["name"]
        yield f"{base}.decision_maker", " ".join(regime["decision_maker"].split())
        yield f"{base}.submit_to", " ".join(regime["submit_to"].split())
        yield f"{base}.standard", " ".join(regime["standard"]["words"].split())
        if regime.get("unpublished"):
            yield f"{base}.unpublished", " ".join(regime["unpublished"].split())
        for kind, rule in regime["targets"].items():
            yield f"{base}.targets.{kind}", rule["label"]
            for measure in rule["measures"]:
                measures[slug(measure)] = measure
        for name, criterion in regime["criteria"].items():
            yield f"{base}.criterion.{name}", " ".join(criterion["text"].split())
        for group in ("modes", "violations"):
            for cell_key, cell in regime[group].items():
                if isinstance(cell, dict) and cell.get("note"):
                    yield f"{base}.{group}.{cell_key}", " ".join(str(cell["note"]).split())
    for key, measure in sorted(measures.items()):
        yield f"measure.{key}", measure


def _submissions() -> Iterator[Entry]:
    for key, rule in _yaml("evidence_maps", "submissions.yml").items():
        base = f"submission.{key}"
        yield f"{base}.address", " ".join(rule["address"].split())
        yield f"{base}.request", " ".join(rule["request"].split())
        yield f"{base}.guidance", " ".join(rule["guidance"]["what"].split())
        for name, spec in rule["fields"].items():
            yield f"{base}.field.{name}.title", spec["title"]
            yield f"{base}.field.{name}.guidance", " ".join(spec["guidance"].split())
        for index, note in enumerate(rule.get("notes") or []):
            yield f"{base}.note.{index}", " ".join(note.split())


def _vocabulary() -> Iterator[Entry]:
    for name, terms in _yaml("entities.case", "vocabulary.yml").items():
        for key, term in terms.items():
            yield f"vocab.{name}.{key}", term["en"]


def _columns() -> list[Entry]:
    """The help of every authoring-workbook column (the record forms show it)."""
    from entities.intake.tabular import SHEETS

    return [(f"tab.{sheet}.{column.field}", column.help)
            for sheet, columns in SHEETS.items() for column in columns]


def entries() -> list[Entry]:
    """Every message: (context, English text or its plural forms)."""
    out: list[Entry] = []
    out += _flat("pdf", _yaml("dossier.pdf", "strings.yml"))
    out += _vocabulary()
    out += _regimes()
    out += _submissions()
    out += _flat("em", _yaml("evidence_maps", "messages.yml"))
    out += _flat("x", _yaml("exports", "messages.yml"))
    out += _flat("web", _yaml("dossier.web", "messages.yml"))
    out += _columns()
    seen: set[str] = set()
    for context, _ in out:
        if context in seen:
            raise ValueError(f"message {context} is defined twice")
        seen.add(context)
    return out


def template() -> Catalog:
    catalog = Catalog(project="sanctions-dossier", version="1", charset="utf-8",
                      fuzzy=False, header_comment="# Messages of the sanctions dossier "
                      "builder (generated by python -m dossier.catalogue: do not edit).")
    for context, english in entries():
        flags = ("python-brace-format",) if "{" in "".join(english) else ()
        catalog.add(english, context=context, flags=flags)
    return catalog


def _dump(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False, no_location=True,
             ignore_obsolete=True, sort_output=False)
    text = buffer.getvalue().decode("utf-8")
    # the dates Babel stamps in the header would change the files on every run
    text = re.sub(r'"(POT-Creation-Date|PO-Revision-Date): [^"]*"\n', "", text)
    return text.encode("utf-8")


def folder() -> Path:
    return Path(str(resources.files("entities.i18n")))


def updated() -> dict[str, bytes]:
    """The template and every translation as they should be, by file name."""
    pot = template()
    files = {"messages.pot": _dump(pot)}
    for lang in LANGUAGES:
        if lang == "en":
            continue
        path = folder() / f"{lang}.po"
        if path.is_file():
            catalog = read_po(io.BytesIO(path.read_bytes()), locale=lang)
        else:
            catalog = Catalog(locale=lang)
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        catalog.project, catalog.version = "sanctions-dossier", "1"
        catalog.header_comment = (
            f"# {Locale.parse(lang).english_name} translation of the sanctions dossier "
            "builder's messages.\n# Translators edit msgstr only; python -m "
            "dossier.catalogue keeps this file in step with messages.pot.")
        files[f"{lang}.po"] = _dump(catalog)
    return files


def main() -> int:
    for name, data in updated().items():
        path = folder() / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

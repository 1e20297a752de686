"""Spreadsheet columns of each record kind, and how cells map to fields.

One sheet per kind; the header of each column is the YAML field name. Cells that
hold several values use one value per line (names, identifiers, addresses) or
``;``-separated values (codes and ids). The same specification drives the
authoring template, the import and the round-trip export.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

from entities.case import vocab
from entities.case.fields import normalise_text
from entities.case.model import (
    SECTIONS,
    Identifier,
    Name,
    NameType,
    Record,
)

_BRACKET = re.compile(r"^(.*?)\s*\[([^\[\]]*)\]\s*$")
_SPLIT = re.compile(r"[;\n]+|,(?=\s*[^\s])")
NAME_TYPES: tuple[NameType, ...] = ("name", "alias", "weak_alias", "previous", "transliteration")


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    Attributes:
        field: the record field (and the column header).
        codec: how cells are read and written: ``text``, ``date``, ``bool``, ``int``,
            ``codes`` (several ``;``-separated values), ``lines`` (one value per line),
            ``names``, ``identifiers`` or ``record`` (a group of fields as YAML lines).
        help: what the column means, shown as the header's comment.
        example: an example value.
        vocab: the vocabulary offered as a drop-down list, if any.
        required: whether the field is required.
    """

    field: str
    codec: str
    help: str
    example: str
    vocab: str | None = None
    required: bool = False


def _c(field: str, codec: str, help: str, example: str, vocab: str | None = None,
       required: bool = False) -> Column:
    return Column(field, codec, help, example, vocab, required)


_COLLECTION = _c(
    "collection", "record", "How it was collected, as YAML lines: by, at (UTC, e.g. "
    "2024-01-15T10:00Z), method, tool, location; verification and custody as lists "
    "(see the case format).", "by: A. Analyst\nat: 2024-01-15T10:00Z\nmethod: download")
_NAMES_HELP = ("One name per line. Add [language] or [language, type] after a name; types: "
               "name, alias, weak_alias, previous, transliteration.")
_COMMON = [
    _c("sensitivity", "text", "public, restricted or confidential (default: the case's).",
       "restricted", "sensitivities"),
    _c("notes", "text", "Internal notes; never exported.", "Check spelling with partner"),
]
_ACTOR = [
    _c("identifiers", "identifiers", "One per line: type: number [country]. Types: passport, "
       "national_id, tax, registration, swift, other.", "passport: N1234567 [KZ]"),
    _c("addresses", "lines", "One address per line.", "Abay Ave 1, Astana"),
    _c("evidence", "codes", "Ids of evidence items supporting the identification, "
       "separated by ;", "ev-1; ev-2"),
    _c("target", "bool", "yes to make a dossier even without attributions.", "yes"),
    _c("unidentified", "bool", "yes when the sources name no one in particular (\"special "
       "services\"): never \"criteria met\".", "no"),
]

SHEETS: dict[str, list[Column]] = {
    "People": [
        _c("id", "text", "Unique id of the record, used by other sheets.", "official-1",
           required=True),
        _c("names", "names", _NAMES_HELP, "Марат Бекетаев [ru]\nMarat Beketayev [en]",
           required=True),
        _c("gender", "text", "male, female or other.", "male"),
        _c("birth_date", "date", "YYYY-MM-DD, YYYY-MM or YYYY (type partial dates as text).",
           "1970-05"),
        _c("birth_place", "text", "Town and country of birth.", "Almaty, Kazakhstan"),
        _c("death_date", "date", "YYYY-MM-DD, YYYY-MM or YYYY.", "2021"),
        _c("nationality", "codes", "Country codes or names, separated by ;", "KZ",
           "countries"),
        _c("citizenship", "codes", "Countries of citizenship (codes or names), separated "
           "by ;", "KZ", "countries"),
        *_ACTOR,
        _c("statuses", "codes", "Statuses separated by ; (victim status matters for some "
           "regimes).", "journalist", "person_statuses"),
        _c("photo", "text", "Path of a photo inside the case folder.", "sources/photo.jpg"),
        _c("official", "bool", "yes or no: a current or former government official (empty: "
           "the posts held decide).", "yes"),
        *_COMMON,
    ],
    "Organisations": [
        _c("id", "text", "Unique id of the record.", "knb", required=True),
        _c("names", "names", _NAMES_HELP, "Комитет национальной безопасности [ru]",
           required=True),
        _c("type", "text", "public_body, company, bank or organisation.", "public_body",
           "organisation_kinds"),
        _c("country", "text", "Country code or name.", "KZ", "countries"),
        _c("parent", "text", "Id of the parent organisation.", "government"),
        _c("website", "text", "Web address.", "https://example.kz"),
        *_ACTOR,
        *_COMMON,
    ],
    "Positions": [
        _c("id", "text", "Unique id of the post.", "knb-chair", required=True),
        _c("title", "names", _NAMES_HELP, "Chairman of the KNB [en]", required=True),
        _c("organisation", "text", "Id of the organisation the post belongs to.", "knb"),
        _c("country", "text", "Country code or name.", "KZ", "countries"),
        _c("leadership", "bool", "yes for a head, deputy head, commander or board member: "
           "only they are inferred responsible for what the organisation did.", "yes"),
        *_COMMON,
    ],
    "Tenures": [
        _c("id", "text", "Unique id of the tenure.", "ten-1", required=True),
        _c("person", "text", "Id of the person.", "official-1", required=True),
        _c("position", "text", "Id of the post.", "knb-chair", required=True),
        _c("start", "date", "When the person took the post.", "2019-09"),
        _c("end", "date", "When the person left it (empty if still in post).", "2022-01-06"),
        _c("evidence", "codes", "Ids of evidence items, separated by ; (at least one).",
           "ev-3", required=True),
        *_COMMON,
    ],
    "Relations": [
        _c("id", "text", "Unique id of the relation.", "rel-1", required=True),
        _c("type", "text", "ownership, directorship or employment.", "ownership",
           required=True),
        _c("subject", "text", "Id of the owner, director or employee.", "official-1",
           required=True),
        _c("organisation", "text", "Id of the organisation owned, directed or employing.",
           "company-1", required=True),
        _c("role", "text", "The role as the source states it.", "beneficial owner"),
        _c("share", "text", "For ownership: the share held.", "51%"),
        _c("start", "date", "When it began.", "2018"),
        _c("end", "date", "When it ended (empty if it continues).", ""),
        _c("evidence", "codes", "Ids of evidence items, separated by ; (at least one).",
           "ev-4", required=True),
        *_COMMON,
    ],
    "Sources": [
        _c("id", "text", "Unique id of the source.", "src-report", required=True),
        _c("title", "text", "Title of the document.", "Annual report 2021", required=True),
        _c("reliability", "text", "Admiralty source reliability: A (completely reliable) … "
           "F (cannot be judged).", "B", "reliability", required=True),
        _c("publisher", "text", "Who published it.", "Example NGO"),
        _c("co_publishers", "lines", "Other organisations that co-signed or co-published it, "
           "one per line (a joint statement).", "Partner NGO"),
        _c("independent", "bool", "yes if it is independent of other sources by the same "
           "publisher or author (otherwise they count as one source).", ""),
        _c("author", "text", "Author.", "A. Author"),
        _c("url", "text", "Web address.", "https://example.org/report"),
        _c("archive_url", "text", "Archived copy.", "https://web.archive.org/…"),
        _c("published", "date", "Publication date.", "2021-07-13"),
        _c("accessed", "date", "Date you accessed it.", "2024-01-15"),
        _c("language", "text", "Language code.", "ru"),
        _c("file", "text", "Copy under sources/ in the case folder.", "sources/report.pdf"),
        _c("sha256", "text", "SHA-256 of the file.", ""),
        _c("redacted_file", "text", "A copy of the file made for publication (faces "
           "blurred, names or metadata cut), under sources/: what parliament and public "
           "outputs name; the file stays the evidentiary copy.", "sources/report-redacted.pdf"),
        _c("redaction", "text", "What was changed in the redacted copy.",
           "witnesses' faces blurred"),
        _c("derived_from", "codes", "Ids of sources this one repeats (not independent).",
           "src-original"),
        _c("addressees", "codes", "Ids of people or organisations the document is "
           "addressed to.", "president"),
        _COLLECTION,
        *_COMMON,
    ],
    "Evidence": [
        _c("id", "text", "Unique id of the evidence item.", "ev-1", required=True),
        _c("source", "text", "Id of the source.", "src-report", required=True),
        _c("locator", "text", "Where in the source: page, paragraph, timestamp.", "p. 4, para. 2",
           required=True),
        _c("excerpt", "text", "Short quote in the original language.", "Сотрудники КНБ …",
           required=True),
        _c("excerpt_lang", "text", "Language of the excerpt.", "ru"),
        _c("translation", "text", "Translation of the excerpt.", "KNB officers …"),
        _c("translation_lang", "text", "Language of the translation (default en).", "en"),
        _c("credibility", "int", "Information credibility: 1 (confirmed) … 6 (cannot be "
           "judged).", "2", "credibility", required=True),
        _c("type", "text", "Type of evidence.", "ngo_report", "evidence_types", required=True),
        _c("date", "date", "Date of the evidence.", "2021-07-13"),
        _COLLECTION,
        *_COMMON,
    ],
    "Incidents": [
        _c("id", "text", "Unique id of the incident.", "inc-1", required=True),
        _c("title", "text", "Short title.", "Detention of a journalist", required=True),
        _c("description", "text", "What happened.", "The journalist was detained …",
           required=True),
        _c("violations", "codes", "Violation types separated by ;", "arbitrary_detention",
           "violation_types", required=True),
        _c("date", "date", "Date (or start date).", "2020-04-18"),
        _c("end_date", "date", "End date, for incidents over a period.", "2020-05-02"),
        _c("place", "text", "Place.", "Karaganda"),
        _c("country", "text", "Country code or name.", "KZ", "countries"),
        _c("victims", "codes", "Ids of victims (people or organisations).", "journalist-1"),
        _c("evidence", "codes", "Ids of evidence items.", "ev-1; ev-2"),
        _c("pattern", "text", "widespread, systematic or serious_concern: your assessment, "
           "for the EU's art. 1(1)(d) and Canada's SEMA.", "systematic"),
        _c("pattern_evidence", "codes", "Ids of the evidence for that assessment.", "ev-7"),
        *_COMMON,
    ],
    "Attributions": [
        _c("id", "text", "Unique id of the attribution.", "att-1", required=True),
        _c("actor", "text", "Id of the person or organisation responsible.", "knb",
           required=True),
        _c("incident", "text", "Id of the incident.", "inc-1", required=True),
        _c("mode", "text", "Mode of responsibility.", "ordering", "modes_of_responsibility",
           required=True),
        _c("evidence", "codes", "Ids of supporting evidence.", "ev-1; ev-2"),
        _c("contrary_evidence", "codes", "Ids of contrary evidence.", "ev-9"),
        _c("principal", "text", "For immediate_family, profiting, agent_of, "
           "owned_controlled: id of whose family member, beneficiary or agent the actor is.",
           "official-1"),
        _c("status", "text", "draft or reviewed (reviewed needs evidence).", "draft",
           "attribution_statuses"),
        _c("reviewed_by", "text", "Who reviewed it.", "Analyst"),
        _c("reviewed_on", "date", "When.", "2024-02-01"),
        _c("review_reason", "text", "Why it was rejected or reopened.", ""),
        _c("entered_by", "text", "Who entered it (set by the import; four-eyes review).", ""),
        _c("note", "text", "Analyst note.", "Single source so far"),
        *_COMMON,
    ],
}

#: Sheet name → case section.
SECTION_OF = dict(zip(SHEETS, SECTIONS, strict=True))


def sheet_for(name: str) -> str | None:
    """The sheet matching ``name`` (case-insensitive; section names work too)."""
    wanted = name.strip().lower()
    for sheet, section in SECTION_OF.items():
        if wanted in (sheet.lower(), section):
            return sheet
    return None


# -- reading cells ------------------------------------------------------------------
def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(normalise_text(str(value)))


def _split(text: str, lines_only: bool = False) -> list[str]:
    parts = text.splitlines() if lines_only else _SPLIT.split(text)
    return [p for p in (normalise_text(p) for p in parts) if p]


def _bracket(text: str) -> tuple[str, list[str]]:
    match = _BRACKET.match(text)
    if match is None:
        return text, []
    return match.group(1), [t.strip() for t in match.group(2).split(",") if t.strip()]


def _decode_name(text: str) -> dict[str, Any]:
    name, tokens = _bracket(text)
    out: dict[str, Any] = {"name": name}
    for token in tokens:
        if token in NAME_TYPES:
            out["type"] = token
        else:
            out["lang"] = token
    return out


def _decode_identifier(text: str) -> dict[str, Any]:
    body, tokens = _bracket(text)
    kind, sep, number = body.partition(":")
    out: dict[str, Any] = {"type": kind.strip(), "number": number.strip()} if sep else \
        {"number": body.strip()}
    for token in tokens:
        key, eq, value = token.partition("=")
        out[key.strip() if eq else "country"] = value.strip() if eq else key.strip()
    return out


#: between a code and its label in a drop-down list value (``torture — Torture or …``)
LABEL_SEPARATOR = " — "


def _code(column: Column, text: str) -> str:
    """A vocabulary cell's code: what comes before the label of a drop-down value."""
    if column.vocab is None:
        return text
    return text.split(LABEL_SEPARATOR, 1)[0].strip()


def labelled(vocab_name: str, code: str) -> str:
    """A drop-down value: the code, then its English label (``B — Usually reliable``);
    a code outside the controlled vocabularies (a country) stays as it is."""
    if vocab_name not in vocab.VOCABULARIES:
        return code
    return f"{code}{LABEL_SEPARATOR}{vocab.label(vocab_name, code)}"


def decode(column: Column, value: Any) -> Any:
    """The field value for a cell (``None`` for an empty cell)."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)) and column.codec == "date":
        return _text(value)
    text = _text(value)
    if text == "":
        return None
    if column.codec == "bool":
        lowered = text.lower()
        if lowered in ("yes", "y", "true", "1", "x", "да"):
            return True
        if lowered in ("no", "n", "false", "0", "нет"):
            return False
        return text  # let validation explain
    if column.codec == "codes":
        return [_code(column, part) for part in _split(text)]
    if column.vocab is not None:
        text = _code(column, text)
    if column.codec == "lines":
        return _split(text, lines_only=True)
    if column.codec == "names":
        return [_decode_name(line) for line in _split(text, lines_only=True)]
    if column.codec == "identifiers":
        return [_decode_identifier(line) for line in _split(text, lines_only=True)]
    if column.codec == "record":
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            return text  # let validation explain ("must be a group of fields")
    return text


# -- writing cells ------------------------------------------------------------------
def _encode_name(name: Name) -> str:
    tokens = [t for t in (name.lang, name.type if name.type != "name" else None) if t]
    return f"{name.name} [{', '.join(tokens)}]" if tokens else name.name


def _encode_identifier(ident: Identifier) -> str:
    tokens = [f"country={ident.country.upper()}" if ident.country else None,
              f"authority={ident.authority}" if ident.authority else None,
              f"issued={ident.issued}" if ident.issued else None,
              f"expires={ident.expires}" if ident.expires else None]
    extra = [t for t in tokens if t]
    text = f"{ident.type}: {ident.number}"
    return f"{text} [{', '.join(extra)}]" if extra else text


def encode(column: Column, record: Record) -> Any:
    """The cell value for a field of ``record`` (``None`` when empty)."""
    value = getattr(record, column.field, None)
    if value is None or value == []:
        return None
    if column.codec == "date":
        return str(value)  # text, as the template's date columns are: partial stays partial
    if column.codec == "bool":
        if value:
            return "yes"
        # "no" is written only where it says more than an empty cell (official: false)
        unset = type(record).model_fields[column.field].default is None
        return "no" if unset else None
    if column.codec == "codes":
        return "; ".join(str(v).upper() if column.vocab == "countries" else str(v)
                         for v in value)
    if column.codec == "lines":
        return "\n".join(value)
    if column.codec == "names":
        return "\n".join(_encode_name(n) for n in value)
    if column.codec == "identifiers":
        return "\n".join(_encode_identifier(i) for i in value)
    if column.codec == "record":
        data = value.model_dump(mode="json", by_alias=True, exclude_none=True,
                                exclude_defaults=True)
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200).strip()
    if column.vocab == "countries":
        return str(value).upper()
    if column.vocab is not None:
        return labelled(column.vocab, str(value))
    return value

"""Validated field types shared by the case models.

Each validator raises ``ValueError`` with a message written for an advocate;
the loader turns those into ``file:line: field: message``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any

from followthemoney.types import registry
from normality import squash_spaces
from pydantic import AfterValidator, BeforeValidator, Field

from entities.case import vocab

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")


#: Control characters no output can hold (a PDF, a workbook or a CSV would break or
#: hide them): every C0 and C1 code but tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Bidirectional embeddings, overrides and isolates: they make text display otherwise than
#: it reads ("Trojan Source"), so a name could show one way and be searched another.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def normalise_text(value: Any) -> Any:
    """Strip outer spaces and turn non-breaking and zero-width spaces into plain ones."""
    if isinstance(value, str):
        value = value.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
        value = unicodedata.normalize("NFC", value).strip()
    return value


def clean_text(value: Any) -> Any:
    """:func:`normalise_text`, and refuse control characters (``"\\a"``, ``"\\x1b"``
    written as YAML escapes, or pasted into a spreadsheet cell)."""
    value = normalise_text(value)
    if isinstance(value, str):
        found = _CONTROL.search(value)
        if found:
            raise ValueError(f"contains a control character (U+{ord(found.group()):04X}), "
                             "which no output can hold; remove it")
        found = _BIDI.search(value)
        if found:
            raise ValueError(f"contains an invisible direction control (U+"
                             f"{ord(found.group()):04X}) that makes text display otherwise "
                             "than it reads; remove it (marks such as U+200F are fine)")
    return value


def clean_line(value: Any) -> Any:
    """Like :func:`clean_text`, and collapse runs of spaces (for names and titles)."""
    value = clean_text(value)
    if isinstance(value, str):
        value = squash_spaces(value)
    return value


def parse_partial_date(value: Any) -> Any:
    """Accept ``2020``, ``2020-04``, ``2020-04-18`` (text, number or YAML date)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    match = _DATE.match(text)
    if match is None:
        raise ValueError(
            f'"{text}" is not a date; write it as YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2020-04-18)'
        )
    year = match.group(1)
    # FollowTheMoney's date type decides what a date is (its cleaner refuses 2020-02-30);
    # the pattern above and the messages are ours, in words an advocate reads
    if registry.date.clean(text) != text:
        raise ValueError(f'"{text}" is not a date that exists in the calendar')
    if not 1800 <= int(year) <= 2100:
        raise ValueError(f'"{text}" has an implausible year')
    return text


def parse_utc_time(value: Any) -> Any:
    """A moment in UTC, as ``2021-07-14T09:30:00Z``, from a time with its zone
    (``2021-07-14T15:30+06:00``, ``…Z``, or a YAML timestamp with one); a date alone
    (``2021-07-14``, ``2021-07``) stays a date when the hour is not known."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        return value.isoformat()
    elif isinstance(value, str) and "T" not in value.strip() and " " not in value.strip():
        return parse_partial_date(value)
    elif isinstance(value, str):
        text = clean_text(value).replace(" ", "T", 1)
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f'"{value}" is not a time; write it as 2021-07-14T09:30Z (UTC) '
                             "or with its zone, 2021-07-14T15:30+06:00") from None
    else:
        return value
    if moment.tzinfo is None:
        raise ValueError(f'"{value}" has no time zone; add Z for UTC, or the zone '
                         "(+06:00 for Almaty)")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_country(value: Any) -> Any:
    """A country name or ISO code, stored as FollowTheMoney's code (``kz``)."""
    if not isinstance(value, str):
        return value
    code = registry.country.clean(clean_text(value))
    if code is None:
        raise ValueError(f"'{value}' is not a country; use an ISO code such as KZ or a full name")
    return code


def parse_language(value: Any) -> Any:
    """A language as ISO 639 code (``ru``, ``rus``, ``kk``) stored as three letters."""
    if not isinstance(value, str):
        return value
    code = registry.language.clean(clean_text(value).lower())
    if code is None:
        raise ValueError(f"'{value}' is not a language code; use e.g. en, ru or kk")
    return code


def check_local_id(value: str) -> str:
    """A record id: letters, digits, ``_ . -``; at most 100 characters."""
    if not _ID.match(value):
        raise ValueError(
            f"'{value}' is not a valid id; use letters, digits, '-', '_' or '.', "
            "starting with a letter or digit (e.g. knb-chair)"
        )
    return value


def as_list(value: Any) -> Any:
    """Let a single value stand where a list is expected."""
    if value is None:
        return []
    if isinstance(value, str | int | dict | dt.date):
        return [value]
    return value


def vocab_term(name: str) -> AfterValidator:
    """A validator that checks a value against one vocabulary."""
    return AfterValidator(lambda value: vocab.check(name, value))


Text = Annotated[str, BeforeValidator(clean_text), Field(min_length=1, max_length=20_000)]
Line = Annotated[str, BeforeValidator(clean_line), Field(min_length=1, max_length=500)]
PartialDate = Annotated[str, BeforeValidator(parse_partial_date)]
Country = Annotated[str, BeforeValidator(parse_country)]
Language = Annotated[str, BeforeValidator(parse_language)]
LocalId = Annotated[str, BeforeValidator(clean_line), AfterValidator(check_local_id)]
Ref = LocalId
Refs = Annotated[list[LocalId], BeforeValidator(as_list)]
Countries = Annotated[list[Country], BeforeValidator(as_list)]
ViolationType = Annotated[str, vocab_term("violation_types")]
Mode = Annotated[str, vocab_term("modes_of_responsibility")]
EvidenceType = Annotated[str, vocab_term("evidence_types")]
UtcTime = Annotated[str, BeforeValidator(parse_utc_time)]
CollectionMethod = Annotated[str, vocab_term("collection_methods")]
VerificationKind = Annotated[str, vocab_term("verification_steps")]
Sensitivity = Annotated[str, vocab_term("sensitivities")]
PersonStatus = Annotated[str, vocab_term("person_statuses")]
OrganisationKind = Annotated[str, vocab_term("organisation_kinds")]
AttributionStatus = Annotated[str, vocab_term("attribution_statuses")]
IdentifierType = Annotated[str, vocab_term("identifier_types")]

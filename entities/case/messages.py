"""Turn pydantic validation errors into plain-language messages."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_PATTERNS = {
    "url": "must be a web address starting with http:// or https://",
    "archive_url": "must be a web address starting with http:// or https://",
    "website": "must be a web address starting with http:// or https://",
    "sha256": "must be a SHA-256 checksum: 64 characters 0-9 and a-f",
    "id": "must be lower-case letters, digits and '_', starting with a letter (e.g. kz_2021)",
    "prefix": "must be 2 to 16 lower-case letters or digits, starting with a letter",
}
_NUMBER_ERRORS = {"int_parsing", "int_type", "int_from_float", "greater_than_equal",
                  "less_than_equal"}


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe(error: ErrorDetails, fields: list[str] | None = None) -> str:
    """One pydantic error in words an advocate understands."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    last = next((p for p in reversed(error["loc"]) if isinstance(p, str)), "")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        known = f"; the known fields are: {', '.join(fields)}" if fields else ""
        return f"is not a known field (check the spelling){known}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        return f"'{_shown(value)}' is not allowed; use one of: {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return f"'{_shown(value)}' " + _PATTERNS.get(last, "is not in the expected form")
    text = isinstance(value, str)
    if kind == "string_too_short" or (kind == "too_short" and text):
        return "must not be empty"
    if kind == "string_too_long" or (kind == "too_long" and text):
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} entry"
    if kind in _NUMBER_ERRORS:
        if last == "credibility":
            return (f"'{_shown(value)}' must be a whole number from 1 (confirmed) "
                    "to 6 (cannot be judged)")
        return f"'{_shown(value)}' must be a whole number"
    if kind in ("bool_parsing", "bool_type"):
        return f"'{_shown(value)}' must be true or false"
    if kind == "string_type":
        return f"'{_shown(value)}' must be text"
    if kind == "list_type":
        return "must be a list (one '- item' per line)"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a group of fields ('field: value' lines)"
    return str(error["msg"])


def error_paths(exc: ValidationError) -> list[tuple[tuple[str | int, ...], ErrorDetails]]:
    """Each error with its location, minus pydantic's internal tags."""
    out = []
    for error in exc.errors(include_url=False):
        loc = tuple(p for p in error["loc"] if isinstance(p, int) or "[" not in str(p))
        out.append((loc, error))
    return out

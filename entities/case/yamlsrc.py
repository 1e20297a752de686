"""Read YAML while remembering the line of every field.

``parse_yaml`` returns plain Python data plus a map from each field's path
(``("people", 2, "birth_date")``) to its 1-based line, which error messages and
statement provenance (``origin = file:line``) use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from entities.exc import InvalidCase, Problem

Path = tuple[str | int, ...]


@dataclass
class LocatedData:
    """Parsed YAML and the line of every path in it."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Iterable[str | int]) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)


def format_path(path: Iterable[str | int]) -> str:
    """``("people", 2, "names", 0)`` → ``people[2].names[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


#: libyaml's parser when PyYAML was built with it (about ten times faster), else PyYAML's.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: The most values one file may hold once YAML aliases (``*name``) are expanded: the
#: "billion laughs" (aliases of aliases of aliases…) is refused before it is expanded.
MAX_VALUES = 10_000_000


class _TooLarge(Exception):
    pass


def _expanded_size(node: Node, memo: dict[int, int]) -> int:
    """How many values ``node`` stands for with every alias expanded (each distinct node
    is counted once, so this costs no more than reading the file)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = 1  # a node that contains itself counts once, not forever
    size = 1
    if isinstance(node, MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, SequenceNode):
        size += sum(_expanded_size(item, memo) for item in node.value)
    if size > MAX_VALUES:
        raise _TooLarge
    memo[id(node)] = size
    return size


class _Reader:
    def __init__(self, file: str, text: str):
        self.file = file
        self.loader = _LOADER(text)
        self.lines: dict[Path, int] = {}
        self.problems: list[Problem] = []

    def read(self) -> Any:
        node = self.loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {})
        self.lines[()] = node.start_mark.line + 1
        return self.convert(node, ())

    def convert(self, node: Node, path: Path) -> Any:
        if isinstance(node, MappingNode):
            self.loader.flatten_mapping(node)
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int) or isinstance(key, bool):
                    message = f"'{key}' is not a valid field name"
                    self.problems.append(Problem(self.file, line, format_path(path), message))
                    continue
                key = str(key)
                if key in out:
                    first = self.lines.get((*path, key), line)
                    self.problems.append(
                        Problem(
                            self.file,
                            line,
                            format_path((*path, key)),
                            f"is written twice (first on line {first}); keep only one",
                        )
                    )
                    continue
                self.lines[(*path, key)] = line
                out[key] = self.convert(value_node, (*path, key))
            return out
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = item.start_mark.line + 1
                items.append(self.convert(item, (*path, index)))
            return items
        if isinstance(node, ScalarNode):
            try:
                return self.loader.construct_object(node, deep=True)
            except (ValueError, OverflowError):
                # e.g. 2021-02-30 looks like a date to YAML but is none: keep the text,
                # so validation can say what is wrong with it and where
                return str(node.value)
        return None  # pragma: no cover - PyYAML has only three node kinds


def parse_yaml(file: str, raw: bytes) -> LocatedData:
    """Parse one YAML document; raise :class:`InvalidCase` with located problems.

    Args:
        file: the file's name as it should appear in messages.
        raw: the file's bytes (UTF-8, with or without BOM).
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidCase(
            [Problem(file, line, "", "is not UTF-8 text; save the file as UTF-8 and try again")]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InvalidCase([Problem(file, line, "", "contains binary data, not YAML text")])
    reader = None
    try:
        reader = _Reader(file, text)
        data = reader.read()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        what = exc.problem or exc.context or "invalid YAML"
        raise InvalidCase(
            [Problem(file, line, "", f"YAML syntax error: {what} (check indentation and quotes)")]
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise InvalidCase([Problem(file, line, "", f"contains a character YAML does not "
                                   f"allow (code {exc.character:#x}); remove it")]) from None
    except yaml.YAMLError as exc:
        raise InvalidCase([Problem(file, 0, "", f"YAML error: {exc}")]) from None
    except RecursionError:
        message = "is nested too deeply to be a case file"
        raise InvalidCase([Problem(file, 0, "", message)]) from None
    except _TooLarge:
        message = (f"expands to more than {MAX_VALUES:,} values through YAML aliases "
                   "(*name); write the values out instead of repeating them by alias")
        raise InvalidCase([Problem(file, 0, "", message)]) from None
    finally:
        if reader is not None:
            reader.loader.dispose()
    if reader.problems:
        raise InvalidCase(reader.problems)
    return LocatedData(file, data, reader.lines)

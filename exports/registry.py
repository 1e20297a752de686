"""The registry of output formats: one entry per format, the one seam for adding one.

Each :class:`Exporter` names its format (``dossier export --format NAME``), says what it
is and where a build puts it, and points to its writer, a function
``write(view, path, lang) -> int`` that writes the output for the view's audience and
returns how many items it holds. ``dossier build`` writes every exporter marked
``in_build``; ``dossier export --format`` offers every one. Writers are named as
``module:function`` and imported only when used, so reading the registry costs nothing
(``dossier --help`` lists the formats without loading openpyxl or followthemoney).

To add a format: write ``exports/<format>.py`` with a ``write(view, path, lang)``
function, add one entry to :data:`EXPORTERS`, and document it (see CONTRIBUTING.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from evidence_maps.view import CaseView


class Writer(Protocol):
    def __call__(self, view: CaseView, path: Path, lang: str = "en") -> int: ...


@dataclass(frozen=True)
class Exporter:
    """One output format."""

    #: the format's name (``--format``)
    name: str
    #: what it is, in a few words
    title: str
    #: where ``dossier build`` writes it, relative to the output folder
    path: str
    #: the writer, as ``module:function``
    writer: str
    #: what the writer's count counts (``entities``), for the build's summary
    unit: str = ""
    #: written by ``dossier build`` (else only by ``dossier export``)
    in_build: bool = True
    #: a folder rather than a file
    folder: bool = False
    #: written for an audience (False: the whole case, for its editors)
    audience: bool = True
    #: made of the view's FollowTheMoney entities (a build writes these in one job that
    #: compiles them once: :mod:`dossier.statements_job`)
    entities: bool = False

    def load(self) -> Writer:
        """The writer function."""
        module, _, name = self.writer.partition(":")
        writer: Writer = getattr(import_module(module), name)
        return writer

    def write(self, view: CaseView, path: Path, lang: str = "en") -> int:
        """Write this output of ``view`` at ``path``; return its count."""
        return self.load()(view, path, lang)


EXPORTERS: tuple[Exporter, ...] = (
    Exporter("ftm", "FollowTheMoney JSON lines of the case", "entities.ftm.json",
             "exports.ftm_json:write", "entities", entities=True),
    Exporter("evidence-map", "graded attributions, person × incident matrix and regime "
             "findings (JSON)", "evidence_map.json", "exports.evidence_map:write",
             "attributions"),
    Exporter("xlsx", "the parliamentary workbook", "workbook.xlsx",
             "exports.workbook:write"),
    Exporter("opensanctions", "an OpenSanctions-compatible dataset folder", "opensanctions",
             "exports.opensanctions.dataset:write", "entities", folder=True, entities=True),
    Exporter("gexf", "a graph for Gephi", "graph.gexf", "exports.gexf:write",
             in_build=False, entities=True),
    Exporter("authoring-xlsx", "the whole case in the template's shape, to edit and "
             "re-import", "case.xlsx", "exports.authoring:write", in_build=False,
             audience=False),
)


def exporter(name: str) -> Exporter:
    """The exporter called ``name`` (``KeyError`` if there is none)."""
    for item in EXPORTERS:
        if item.name == name:
            return item
    raise KeyError(name)


def names() -> list[str]:
    """Every format name, in registry order (the choices of ``--format``)."""
    return [item.name for item in EXPORTERS]


def in_build() -> list[Exporter]:
    """The exporters ``dossier build`` writes."""
    return [item for item in EXPORTERS if item.in_build]

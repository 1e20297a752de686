"""The house rules that keep the code easy to change, checked: layers, import cycles,
public surfaces, a light command line, and the data files' keys."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType

import networkx as nx
import pytest
import yaml

from tests.conftest import ROOT

PACKAGES = ["entities", "evidence_maps", "exports", "dossier"]
#: Libraries the command line must not load before a command runs (they cost seconds).
HEAVY = {"followthemoney", "nomenklatura", "rigour", "reportlab", "matplotlib", "pandas",
         "openpyxl", "numpy", "networkx", "sqlalchemy", "pydantic", "httpx"}


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def _runtime_imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules imported when ``path`` is imported (module level, not under
    ``if TYPE_CHECKING``, not inside functions)."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.If | ast.Try):
                visit(node.body)

    visit(tree.body)
    return {m for m in found if m in modules}


def test_layers_import_only_downwards() -> None:
    order = {package: level for level, package in enumerate(PACKAGES)}
    for path in [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]:
        own = order[path.relative_to(ROOT).parts[0]]
        text = path.read_text(encoding="utf-8")
        for higher in PACKAGES[own + 1:]:
            assert not re.search(rf"^\s*(from|import) {higher}\b", text, re.M), (path, higher)


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        for imported in _runtime_imports(path, modules):
            if imported != name and not name.startswith(imported + "."):
                graph.add_edge(name, imported)
    assert list(nx.simple_cycles(graph)) == []


def _public(module: ModuleType) -> list[str]:
    return sorted(name for name, value in vars(module).items()
                  if not name.startswith("_") and not isinstance(value, ModuleType)
                  and name != "annotations")


@pytest.mark.parametrize("package", sorted(
    [*PACKAGES, *(f"{p}.{m.name}" for p in PACKAGES
                  for m in pkgutil.iter_modules([str(ROOT / p)]) if m.ispkg)]))
def test_all_lists_every_public_name_sorted(package: str) -> None:
    module = importlib.import_module(package)
    names = list(getattr(module, "__all__", []))
    assert names == sorted(names)
    assert names == _public(module) or (not names and not _public(module))


def test_packages_say_what_they_own() -> None:
    for name, path in _modules().items():
        doc = ast.get_docstring(ast.parse(path.read_text("utf-8")))
        assert doc and len(doc) > 20, f"{name} has no docstring saying what it owns"


def test_the_command_line_starts_without_heavy_libraries() -> None:
    code = ("import sys; from dossier.cli import cli; "
            "print(sorted({m.split('.')[0] for m in sys.modules}))")
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True).stdout
    assert not set(ast.literal_eval(loaded)) & HEAVY


def test_cli_default_threshold_is_the_screening_default() -> None:
    from dossier.cli.screening import DEFAULT_THRESHOLD
    from entities.screening.model import DEFAULT_THRESHOLD as MODEL

    assert DEFAULT_THRESHOLD == MODEL


class _UniqueKeys(yaml.SafeLoader):
    """A YAML loader that refuses a mapping with the same key twice (plain YAML keeps the
    last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
        assert not duplicates, f"line {node.start_mark.line + 1}: repeated keys {duplicates}"
        return super().construct_mapping(node, deep=deep)


def _data(package: str, name: str) -> dict:
    text = resources.files(package).joinpath(name).read_text("utf-8")
    return yaml.load(text, Loader=_UniqueKeys)  # noqa: S506 - a SafeLoader subclass


@pytest.mark.parametrize(("package", "name"), [
    ("entities.case", "vocabulary.yml"), ("evidence_maps", "regimes.yml"),
    ("evidence_maps", "jurisdictions.yml"), ("entities.resolution", "org_aliases.yml"),
    ("dossier.pdf", "strings.yml")])
def test_data_files_repeat_no_key(package: str, name: str) -> None:
    assert _data(package, name)


def test_every_regime_key_is_in_the_vocabulary() -> None:
    vocabulary = _data("entities.case", "vocabulary.yml")
    modes = set(vocabulary["modes_of_responsibility"])
    violations = set(vocabulary["violation_types"])
    for key, regime in _data("evidence_maps", "regimes.yml")["regimes"].items():
        assert set(regime["modes"]) <= modes, (key, set(regime["modes"]) - modes)
        assert set(regime["violations"]) <= violations, (key, set(regime["violations"]) -
                                                         violations)
        assert set(regime["targets"]) <= {"person", "organisation"}, key


def test_every_section_is_a_field_of_the_case() -> None:
    from dataclasses import fields

    from entities.case.case import Case
    from entities.case.model import SECTIONS

    assert list(SECTIONS) == [f.name for f in fields(Case)][2:]

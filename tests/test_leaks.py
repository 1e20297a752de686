"""Nothing above an audience's level reaches its outputs (record-level protection).

A fictional case puts a unique canary string in every confidential and restricted
record, and in internal notes; every audience is built and every output byte is
searched: raw files, PDF text, XLSX XML parts, JSON, CSV, SVG, and file names.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from dossier.build import build_case
from tests.conftest import FIXTURES

CONFIDENTIAL = ["CANARYWITNESS", "CANARYSOURCETITLE", "canaryurl", "canaryfile",
                "CANARYEXCERPT", "CANARYLOCATOR", "CANARYSECRETINCIDENT",
                # record ids of confidential records (ids are often name-like slugs)
                "w-canarywitid", "e-canaryevid", "i-canaryincid", "s-canarysrcid",
                "CANARYSUSPECT", "t-canarysuspect"]
NOT_ALWAYS_SHOWN = {"canaryfile", "w-canarywitid", "s-canarysrcid"}
RESTRICTED = ["CANARYRESTRICTEDINCIDENT", "CANARYRESTRICTEDDESC"]
INTERNAL = ["CANARYNOTE", "CANARYRECORDNOTE"]
VISIBLE_TO = {"public": [], "parliament": RESTRICTED, "government": RESTRICTED + CONFIDENTIAL}


def _case(tmp_path: Path) -> Path:
    import shutil

    case = tmp_path / "leaky"
    shutil.copytree(FIXTURES / "fictional", case, ignore=shutil.ignore_patterns(".dossier"))
    secret_file = case / "sources" / "canaryfile.txt"
    secret_file.write_text("fictional confidential file\n", encoding="utf-8")
    sha = hashlib.sha256(secret_file.read_bytes()).hexdigest()
    (case / "data" / "leaky.yml").write_text(f"""\
people:
  - id: w-canarywitid
    names: [CANARYWITNESS Testova]
    statuses: [witness]
    sensitivity: confidential
  - id: p-public
    names: [Public Person]
    notes: CANARYRECORDNOTE
  - id: t-canarysuspect
    names: [CANARYSUSPECT Fictionov]
    target: true
    sensitivity: confidential
sources:
  - id: s-canarysrcid
    title: CANARYSOURCETITLE
    url: https://canaryurl.example.org/x
    file: sources/canaryfile.txt
    sha256: {sha}
    reliability: B
    sensitivity: confidential
evidence:
  - id: e-canaryevid
    source: s-canarysrcid
    locator: CANARYLOCATOR
    excerpt: CANARYEXCERPT said the directorate ordered it
    type: direct_testimony
    credibility: 2
    sensitivity: confidential
incidents:
  - id: i-restricted
    title: CANARYRESTRICTEDINCIDENT
    date: 2021-05-02
    description: CANARYRESTRICTEDDESC
    violations: [torture]
    victims: [w-canarywitid]
    evidence: [ev-memo]
    sensitivity: restricted
  - id: i-canaryincid
    title: CANARYSECRETINCIDENT
    date: 2021-06-02
    description: fictional
    violations: [torture]
    evidence: [e-canaryevid]
    sensitivity: confidential
attributions:
  - id: a-restricted
    actor: directorate
    incident: i-restricted
    mode: ordering
    evidence: [ev-memo, e-canaryevid]
    status: reviewed
    note: CANARYNOTE
  - id: a-secret
    actor: directorate
    incident: i-canaryincid
    mode: ordering
    evidence: [e-canaryevid]
    status: reviewed
""", encoding="utf-8")
    return case


def _texts(out: Path) -> dict[str, str]:
    """Every output as searchable text, by file."""
    found: dict[str, str] = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        rel = str(path.relative_to(out))
        data = path.read_bytes()
        parts = [rel, data.decode("latin-1")]
        if path.suffix == ".pdf":
            reader = PdfReader(path)
            parts += [page.extract_text() or "" for page in reader.pages]
            parts.append(str(reader.metadata))
            parts += [str(item.title) for item in reader.outline if not isinstance(item, list)]
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                parts += [book.read(name).decode("utf-8") for name in book.namelist()]
        if path.suffix in (".json", ".csv", ".txt", ".svg", ".gexf"):
            parts.append(data.decode("utf-8"))
        found[rel] = "\n".join(parts)
    return found


def _command_outputs(case: Path, out: Path, audience: str, tmp_path: Path) -> None:
    """The JSON of ``check`` and ``screen`` for the audience, saved beside the build."""
    from click.testing import CliRunner
    from screening_helpers import write_list

    from dossier.cli import cli

    runner = CliRunner()
    listfile = write_list(tmp_path / "list.ftm.json")
    env = {"DOSSIER_CACHE_DIR": str(tmp_path / "cache")}
    for name, args in (("check.json", ["check", str(case), "--json"]),
                       ("screen.json", ["screen", str(case), "--against", str(listfile),
                                        "--json"])):
        result = runner.invoke(cli, [*args, "--audience", audience], env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        (out / name).write_text(result.output, encoding="utf-8")


@pytest.mark.parametrize("audience", ["public", "parliament", "government"])
def test_no_canary_above_the_audience_leaks(tmp_path: Path, audience: str) -> None:
    case = _case(tmp_path)
    out = tmp_path / f"out-{audience}"
    build_case(case, out, audience, include_drafts=True)
    _command_outputs(case, out, audience, tmp_path)
    texts = _texts(out)
    allowed = set(VISIBLE_TO[audience])
    leaks = [(canary, name) for name, text in texts.items()
             for canary in CONFIDENTIAL + RESTRICTED + INTERNAL
             if canary not in allowed and canary.lower() in text.lower()]
    assert leaks == []
    # and the material the audience may see is really there (the test can fail)
    everything = "\n".join(texts.values())
    for canary in allowed:
        if canary not in NOT_ALWAYS_SHOWN:
            assert canary in everything, canary


def test_protected_people_and_evidence_appear_as_placeholders(tmp_path: Path) -> None:
    case = _case(tmp_path)
    out = tmp_path / "out"
    build_case(case, out, "parliament", include_drafts=True)
    texts = _texts(out)
    pdfs = "\n".join(t for name, t in texts.items() if name.endswith(".pdf"))
    assert "Witness A" in pdfs  # the confidential witness, victim of a restricted incident
    assert "Witness B" not in pdfs  # the other confidential witness is named nowhere
    assert "Withheld item 1" in pdfs
    assert "[withheld: confidential source]" in pdfs
    assert "B2" in pdfs  # the withheld item's Admiralty grade is kept
    out_gov = tmp_path / "out-gov"
    build_case(case, out_gov, "government", include_drafts=True)
    gov = "\n".join(t for name, t in _texts(out_gov).items() if name.endswith(".pdf"))
    assert "Witness A" not in gov and "Withheld item" not in gov


@pytest.mark.parametrize("audience", ["public", "parliament"])
def test_no_dangling_references_to_withheld_records(tmp_path: Path, audience: str) -> None:
    import csv
    import json

    from followthemoney import model, registry

    case = _case(tmp_path)
    out = tmp_path / "out"
    build_case(case, out, audience, include_drafts=True)
    for path in (out / "entities.ftm.json", out / "opensanctions" / "entities.ftm.json"):
        entities = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        ids = {e["id"] for e in entities}
        for entity in entities:
            schema = model[entity["schema"]]
            for prop, values in entity["properties"].items():
                if schema.properties[prop].type == registry.entity:
                    assert set(values) <= ids, (path.name, entity["id"], prop)
    with (out / "opensanctions" / "statements.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids = {r["canonical_id"] for r in rows}
    dangling = {r["value"] for r in rows if r["prop_type"] == "entity"} - ids
    assert dangling == set()

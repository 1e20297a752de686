"""Chain of custody: collection records (who collected an item, when in UTC, how, with
what, from where, its verification and custody), validated, shown to each audience only
as far as it may see, checked, and kept through the workbook. Every name is fictional."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from entities.case.loader import load_case
from entities.exc import InvalidCase

COLLECTION = """    collection:
      by: Canary Collector
      at: 2024-01-05T15:30+06:00
      method: received
      tool: Signal
      location: Canary Device of a witness
      verification:
        - {step: metadata_check, by: Canary Analyst, date: 2024-01-06, result: made 2023-12-30}
      custody:
        - {from: Canary Collector, to: Canary Analyst, at: 2024-01-06T10:00Z, how: drive}
"""


def _dossier_texts(case: Path, tmp_path: Path, audiences: tuple[str, ...]) -> dict[str, str]:
    """The text of the case's target dossiers, built for each audience into
    ``tmp_path/<audience>``."""
    from pypdf import PdfReader

    from dossier.build import build_case

    texts = {}
    for audience in audiences:
        out = tmp_path / audience
        build_case(case, out, audience)
        texts[audience] = "\n".join(
            page.extract_text() for pdf in sorted((out / "dossiers").glob("*.pdf"))
            if pdf.name != "overview.pdf" for page in PdfReader(pdf).pages)
    return texts


def _with_collection(root: Path, text: str = COLLECTION) -> Path:
    data = root / "data" / "evidence.yml"
    data.write_text(data.read_text("utf-8").replace(
        "    file: sources/memo.txt\n", "    file: sources/memo.txt\n" + text, 1), "utf-8")
    return data


def test_a_collection_record_is_read_in_utc_and_its_mistakes_are_located(fictional: Path
                                                                         ) -> None:
    _with_collection(fictional)
    collection = load_case(fictional).index["src-memo"].collection
    assert collection is not None
    assert collection.at == "2024-01-05T09:30:00Z"  # Almaty time, kept in UTC
    assert collection.custody[0].giver == "Canary Collector"
    assert collection.verification[0].step == "metadata_check"
    data = fictional / "data" / "evidence.yml"
    data.write_text(data.read_text("utf-8").replace("2024-01-05T15:30+06:00",
                                                    "2024-01-05T15:30")
                    .replace("method: received", "method: telepathy")
                    .replace("{from: Canary", "{frm: Canary"), "utf-8")
    with pytest.raises(InvalidCase) as error:
        load_case(fictional)
    said = [str(p) for p in error.value.problems]
    assert any("collection.at" in s and "has no time zone" in s for s in said), said
    assert any("collection.method" in s and "telepathy" in s for s in said), said
    assert any("custody[0].frm" in s and "known fields are: from, to, at, how" in s
               for s in said), said
    assert all(s.startswith("data/evidence.yml:") for s in said)


def test_the_register_shows_each_audience_only_what_it_may(fictional: Path,
                                                          tmp_path: Path) -> None:
    _with_collection(fictional)
    texts = _dossier_texts(fictional, tmp_path, ("government", "public"))
    government, public = texts["government"], texts["public"]
    assert "Canary Collector" in government and "Signal" in government
    assert "2024-01-05T09:30:00Z" in government and "Canary Analyst" in government
    assert "Collected" in public and "2024-01-05" in public  # when and how only
    assert "Canary" not in public and "Signal" not in public


def test_a_reviewed_attribution_on_items_without_collection_is_a_finding(
        fictional: Path) -> None:
    from evidence_maps.view import CaseView

    data = fictional / "data" / "evidence.yml"
    data.write_text(data.read_text("utf-8").replace(
        "    archive_url: https://archive.example.org/story\n",
        "    archive_url: https://www.news.example.org/story/\n", 1), "utf-8")
    _with_collection(fictional)
    case = load_case(fictional)
    findings = {(f.code, f.record) for f in CaseView.build(case, "government").checks}
    assert ("evidence_without_collection", "ev-news") in findings  # its source has none
    assert ("evidence_without_collection", "ev-memo") not in findings  # its source has one
    assert ("archive_is_live_url", "src-news") in findings


def test_the_workbook_keeps_a_collection_record(fictional: Path, tmp_path: Path) -> None:
    from dossier.build import export_case
    from entities.intake.importer import import_table

    _with_collection(fictional)
    book = export_case(fictional, "authoring-xlsx", tmp_path / "case.xlsx")
    report = import_table(fictional, book, dry_run=True)
    assert report.changed == [] and report.added == []  # the round trip changes nothing


def test_a_changed_file_keeps_its_original_as_the_evidentiary_copy(fictional: Path,
                                                                   tmp_path: Path) -> None:
    import os
    import stat

    from dossier.build import build_case
    from entities.db.audit import read_log
    from entities.db.evidence_files import original_path
    from entities.db.verify import verify_case
    from entities.files import file_digest

    memo = fictional / "sources" / "memo.txt"
    first = file_digest(memo)
    build_case(fictional, tmp_path / "one", "government")
    kept = original_path(fictional, first)
    assert kept.read_bytes() == memo.read_bytes()  # the bytes, not only the hash
    assert not os.stat(kept).st_mode & stat.S_IWUSR  # read-only
    clean = verify_case(fictional)
    assert clean.clean and "evidentiary originals intact" in clean.lines()[-2]

    original_bytes = memo.read_bytes()
    memo.write_bytes(original_bytes + b"\nA redacted working copy.\n")
    data = fictional / "data" / "evidence.yml"
    data.write_text(data.read_text("utf-8").replace(f"    sha256: {first}\n", ""), "utf-8")
    with pytest.raises(InvalidCase) as refused:
        build_case(fictional, tmp_path / "two", "government")
    assert "changed since" in str(refused.value.problems[0])
    with pytest.raises(InvalidCase) as no_reason:  # accepted, but not without a reason
        build_case(fictional, tmp_path / "two", "government", accept_changes=True)
    assert "say why it changed (--reason" in str(no_reason.value.problems[0])
    build_case(fictional, tmp_path / "two", "government", accept_changes=True,
               change_reason="working notes added")
    entry = [e for e in read_log(fictional) if e.action == "accept-change"][-1]
    assert entry.after["working_copy_of"] == first and entry.after["sha256"] != first
    assert entry.after["reason"] == "working notes added"
    assert kept.read_bytes() == original_bytes  # the original stays as it was
    assert verify_case(fictional).clean

    os.chmod(kept, stat.S_IRUSR | stat.S_IWUSR)
    kept.write_bytes(b"tampered")
    report = verify_case(fictional)
    assert not report.clean
    assert any(line.startswith("original modified: sources/memo.txt") for line in
               report.lines())
    kept.unlink()
    assert any(line.startswith("original missing: sources/memo.txt") for line in
               verify_case(fictional).lines())


def test_files_registered_before_originals_were_kept_get_them_when_unchanged(
        fictional: Path, tmp_path: Path) -> None:
    """A case registered by an older version: register rows, no originals. The next build
    keeps the bytes of each file that still has its first hash; a changed one stays known
    by its hash only."""
    from sqlalchemy import delete

    from dossier.build import build_case
    from entities.db.database import EVIDENCE_ORIGINALS, CaseDatabase
    from entities.db.evidence_files import original_path
    from entities.db.verify import verify_case
    from entities.files import file_digest

    build_case(fictional, tmp_path / "one", "government")
    with CaseDatabase.for_case(fictional) as db, \
            db.transaction("as before originals", write=True) as conn:
        conn.execute(delete(EVIDENCE_ORIGINALS))
    for kept in (fictional / ".dossier" / "originals").iterdir():
        os.chmod(kept, stat.S_IRUSR | stat.S_IWUSR)
        kept.unlink()
    memo = fictional / "sources" / "memo.txt"
    first = file_digest(memo)
    build_case(fictional, tmp_path / "two", "government")
    assert original_path(fictional, first).read_bytes() == memo.read_bytes()
    lines = verify_case(fictional).lines()
    assert not any(line.startswith("original known by its hash only") for line in lines)
    assert verify_case(fictional).clean


def _warc(software: str = "ArchiveWeb.page 0.11.3") -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record(
        "capture.warc.gz", {"software": software, "format": "WARC File Format 1.1"}))
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                            protocol="HTTP/1.1")
    page = b"<html><title>Fictional ministry statement</title><p>Nothing real.</p></html>"
    record = writer.create_warc_record(
        "https://ministry.example.org/statement", "response", payload=io.BytesIO(page),
        length=len(page),
        http_headers=http, warc_headers_dict={"WARC-Date": "2024-02-03T10:20:30Z"})
    writer.write_record(record)
    return out.getvalue()


def test_a_web_capture_becomes_a_source_with_its_collection_record(fictional: Path,
                                                                  tmp_path: Path) -> None:
    import hashlib
    import json
    import zipfile

    from click.testing import CliRunner

    from dossier.cli import cli

    wacz = tmp_path / "ministry-statement.wacz"
    with zipfile.ZipFile(wacz, "w") as archive:
        archive.writestr("archive/data.warc.gz", _warc())
        archive.writestr("pages/pages.jsonl", "\n".join([
            json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}),
            json.dumps({"url": "https://ministry.example.org/statement",
                        "ts": "2024-02-03T10:20:30Z",
                        "title": "Fictional ministry statement"})]))
        archive.writestr("datapackage.json", json.dumps(
            {"profile": "data-package", "software": "ArchiveWeb.page 0.11.3",
             "resources": []}))
    runner = CliRunner()
    checked = runner.invoke(cli, ["import", str(fictional), str(wacz), "--dry-run"])
    assert checked.exit_code == 0 and "captured 2024-02-03T10:20:30Z" in checked.output
    assert not (fictional / "sources" / wacz.name).exists()  # a dry run writes nothing
    done = runner.invoke(cli, ["import", str(fictional), str(wacz), "--by", "A. Capturer"])
    assert done.exit_code == 0, done.output
    source = load_case(fictional).index["src-ministry-statement"]
    assert source.url == "https://ministry.example.org/statement"
    assert source.title == "Fictional ministry statement"
    assert source.file == "sources/ministry-statement.wacz"
    assert source.sha256 == hashlib.sha256(wacz.read_bytes()).hexdigest()
    assert source.reliability == "F"  # until someone judges it
    assert source.collection is not None
    assert (source.collection.at, source.collection.method, source.collection.tool,
            source.collection.by) == ("2024-02-03T10:20:30Z", "web_capture",
                                      "ArchiveWeb.page 0.11.3", "A. Capturer")

    warc = tmp_path / "plain.warc.gz"
    warc.write_bytes(_warc("Browsertrix 1.0"))
    alone = runner.invoke(cli, ["import", str(fictional), str(warc), "--source-id",
                                "src-plain"])
    assert alone.exit_code == 0, alone.output
    plain = load_case(fictional).index["src-plain"]
    assert plain.collection is not None and plain.collection.tool == "Browsertrix 1.0"
    assert plain.title == "https://ministry.example.org/statement"  # no title: its address

    broken = tmp_path / "broken.wacz"
    broken.write_bytes(b"not a zip at all")
    refused = runner.invoke(cli, ["import", str(fictional), str(broken)])
    assert refused.exit_code != 0 and "broken.wacz" in refused.output
    assert "Traceback" not in refused.output
    assert not (fictional / "sources" / "broken.wacz").exists()


TSA_CONFIG = """[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = Fictional test TSA
[ tsa_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = {serial}
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@pytest.fixture
def local_tsa(tmp_path: Path) -> Any:
    """A timestamping authority on this machine: a CA and a TSA certificate made with
    OpenSSL, and a small HTTP server answering RFC 3161 requests with ``openssl ts
    -reply``. Yields (its URL, the CA certificate)."""
    import http.server
    import subprocess
    import threading

    from tests.conftest import require_tool

    require_tool("openssl", "openssl")
    folder = tmp_path / "tsa"
    folder.mkdir()
    (folder / "serial").write_text("01\n")
    config = folder / "tsa.cnf"
    config.write_text(TSA_CONFIG.format(serial=folder / "serial"))

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
            "ca.pem", "-days", "2", "-subj", "/CN=Fictional test CA", "-extensions",
            "ca_ext", "-config", str(config))
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
            "-subj", "/CN=Fictional test TSA", "-config", str(config))
    openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "tsa.pem", "-days", "2", "-extfile", str(config),
            "-extensions", "tsa_ext")

    class Authority(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            query = folder / "q.tsq"
            query.write_bytes(self.rfile.read(int(self.headers["Content-Length"])))
            openssl("ts", "-reply", "-queryfile", "q.tsq", "-config", str(config),
                    "-inkey", "tsa.key", "-signer", "tsa.pem", "-out", "r.tsr")
            body = (folder / "r.tsr").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Authority)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsr", folder / "ca.pem"
    server.shutdown()
    server.server_close()


def test_trusted_timestamps_verify_offline_and_catch_tampering(
        fictional: Path, tmp_path: Path, local_tsa: Any) -> None:
    import base64

    from click.testing import CliRunner

    from dossier.build import build_case
    from dossier.cli import cli
    from entities.db.database import TIMESTAMPS, CaseDatabase

    url, ca = local_tsa
    build_case(fictional, tmp_path / "out", "government")  # registers the files
    runner = CliRunner()
    stamped = runner.invoke(cli, ["timestamp", str(fictional), "--tsa", url, "--by",
                                  "A. Analyst"])
    assert stamped.exit_code == 0, stamped.output
    assert "stamped sources/memo.txt" in stamped.output and "stamped audit-log" in \
        stamped.output
    again = runner.invoke(cli, ["timestamp", str(fictional), "--tsa", url])
    assert "were stamped already" in again.output
    checked = runner.invoke(cli, ["verify", str(fictional), "--tsa-ca", str(ca)])
    assert checked.exit_code == 0, checked.output
    assert "trusted timestamps verify" in checked.output
    unchecked = runner.invoke(cli, ["verify", str(fictional)])
    assert "not checked: give the authority's CA certificate" in unchecked.output

    other_ca = tmp_path / "other"
    other_ca.mkdir()
    import subprocess

    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(other_ca / "k"), "-out", str(other_ca / "ca.pem"), "-days", "2",
                    "-subj", "/CN=Another CA"], check=True, capture_output=True)
    foreign = runner.invoke(cli, ["verify", str(fictional), "--tsa-ca",
                                  str(other_ca / "ca.pem")])
    assert foreign.exit_code == 1 and "signature does not verify" in foreign.output

    with CaseDatabase.for_case(fictional) as db, db.transaction(write=True) as conn:
        row = conn.execute(TIMESTAMPS.select()).first()
        token = bytearray(base64.b64decode(row.token))
        token[len(token) // 2] ^= 0xFF  # one byte of the signed token changed
        conn.execute(TIMESTAMPS.update().where(TIMESTAMPS.c.subject == row.subject)
                     .values(token=base64.b64encode(bytes(token)).decode()))
    tampered = runner.invoke(cli, ["verify", str(fictional), "--tsa-ca", str(ca)])
    assert tampered.exit_code == 1 and "timestamp does not verify" in tampered.output

    memo = fictional / "sources" / "memo.txt"
    memo.write_bytes(memo.read_bytes() + b" changed")
    changed = runner.invoke(cli, ["verify", str(fictional), "--tsa-ca", str(ca)])
    assert changed.exit_code == 1 and "modified: sources/memo.txt" in changed.output


def _checks(fictional: Path) -> set[tuple[str, str]]:
    from entities.db.database import CaseDatabase
    from evidence_maps.view import CaseView

    with CaseDatabase.for_case(fictional) as db:
        view = CaseView.build(load_case(fictional), "government", db=db)
    return {(f.code, f.record) for f in view.checks}


def test_a_kept_authority_certificate_checks_tokens_in_verify_and_check(
        fictional: Path, tmp_path: Path, local_tsa: Any) -> None:
    import base64
    import subprocess

    from click.testing import CliRunner

    from dossier.build import build_case
    from dossier.cli import cli
    from entities.db.database import TIMESTAMPS, CaseDatabase

    url, ca = local_tsa
    build_case(fictional, tmp_path / "out", "government")
    runner = CliRunner()
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(other / "k"), "-out", str(other / "ca.pem"), "-days", "2",
                    "-subj", "/CN=Another CA"], check=True, capture_output=True)
    refused = runner.invoke(cli, ["timestamp", str(fictional), "--tsa", url, "--tsa-ca",
                                  str(other / "ca.pem")])
    assert refused.exit_code == 1 and "does not verify against ca.pem" in refused.output
    assert "Traceback" not in refused.output
    stamped = runner.invoke(cli, ["timestamp", str(fictional), "--tsa", url, "--tsa-ca",
                                  str(ca)])
    assert stamped.exit_code == 0, stamped.output
    assert "kept ca.pem to check the tokens" in stamped.output
    assert len(list((fictional / ".dossier" / "tsa-ca").glob("*.pem"))) == 1  # not the other
    wrong = runner.invoke(cli, ["timestamp", str(fictional), "--tsa", url, "--tsa-ca",
                                str(other / "ca.pem")])
    assert wrong.exit_code == 1 and "does not verify against ca.pem" in wrong.output
    assert len(list((fictional / ".dossier" / "tsa-ca").glob("*.pem"))) == 1  # not kept
    verified = runner.invoke(cli, ["verify", str(fictional)])  # no --tsa-ca: the kept one
    assert verified.exit_code == 0 and "trusted timestamps verify" in verified.output, \
        verified.output
    assert ("timestamp_does_not_verify", "src-memo") not in _checks(fictional)

    with CaseDatabase.for_case(fictional) as db, db.transaction(write=True) as conn:
        row = conn.execute(TIMESTAMPS.select().where(
            TIMESTAMPS.c.subject == "sources/memo.txt")).first()
        token = bytearray(base64.b64decode(row.token))
        token[len(token) // 2] ^= 0xFF
        conn.execute(TIMESTAMPS.update().where(TIMESTAMPS.c.subject == row.subject)
                     .values(token=base64.b64encode(bytes(token)).decode()))
    assert ("timestamp_does_not_verify", "src-memo") in _checks(fictional)
    assert runner.invoke(cli, ["verify", str(fictional)]).exit_code == 1


def test_an_unreachable_authority_is_a_message_and_keeps_nothing(fictional: Path,
                                                                 tmp_path: Path) -> None:
    import socket

    from click.testing import CliRunner

    from dossier.build import build_case
    from dossier.cli import cli
    from entities.db.database import CaseDatabase
    from entities.db.timestamps import TimestampStore

    build_case(fictional, tmp_path / "out", "government")
    with socket.socket() as free:  # a port nobody listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = CliRunner().invoke(cli, ["timestamp", str(fictional), "--tsa",
                                      f"http://127.0.0.1:{port}/tsr"])
    assert result.exit_code == 1
    assert f"the timestamping authority http://127.0.0.1:{port}/tsr cannot be reached" in \
        result.output and "Traceback" not in result.output
    with CaseDatabase.for_case(fictional) as db:
        assert TimestampStore(db, load_case(fictional).meta.id).tokens() == []


def test_a_file_without_its_evidentiary_copy_is_a_finding(fictional: Path,
                                                          tmp_path: Path) -> None:
    from dossier.build import build_case

    build_case(fictional, tmp_path / "one", "government")
    assert ("file_without_original", "src-memo") not in _checks(fictional)
    for kept in (fictional / ".dossier" / "originals").iterdir():
        os.chmod(kept, stat.S_IRUSR | stat.S_IWUSR)
        kept.unlink()
    assert ("file_without_original", "src-memo") not in _checks(fictional)  # file as it was
    memo = fictional / "sources" / "memo.txt"
    memo.write_bytes(memo.read_bytes() + b"\nchanged, and the first bytes are gone\n")
    data = fictional / "data" / "evidence.yml"
    data.write_text(data.read_text("utf-8").replace(
        "    sha256: c8259ae73b83015d8229c1800425b12d98215d0e0ae5f13fb0d18b68a3a7e10f\n", ""),
        "utf-8")
    build_case(fictional, tmp_path / "two", "government", accept_changes=True,
               change_reason="a test")
    assert ("file_without_original", "src-memo") in _checks(fictional)


def test_collection_records_reach_ftm_as_far_as_each_audience_may(fictional: Path,
                                                                  tmp_path: Path) -> None:
    import json

    from dossier.build import build_case

    _with_collection(fictional)
    found = {}
    for audience in ("government", "public"):
        build_case(fictional, tmp_path / audience, audience)
        lines = (tmp_path / audience / "entities.ftm.json").read_text("utf-8")
        found[audience] = lines
        memo = next(json.loads(line) for line in lines.splitlines()
                    if "Internal memo" in line)
        assert "2024-01-05T09:30:00" in memo["properties"]["retrievedAt"]
        if audience == "government":
            assert memo["properties"]["crawler"] == ["Signal"]
            notes = memo["properties"]["notes"][0]
            assert "by Canary Collector" in notes and "with Signal" in notes
            assert "Canary Collector → Canary Analyst" in notes
    assert "Canary" not in found["public"] and "Signal" not in found["public"]


REDACTED = """    redacted_file: sources/memo-redacted.txt
    redaction: names of witnesses cut
"""


def test_a_redacted_copy_is_what_lower_audiences_see_and_the_original_stays(
        fictional: Path, tmp_path: Path) -> None:
    import json

    from entities.db.audit import read_log
    from entities.db.verify import verify_case
    from entities.files import file_digest

    memo = fictional / "sources" / "memo.txt"
    redacted = fictional / "sources" / "memo-redacted.txt"
    redacted.write_text("The memo with the witnesses' names cut.\n", "utf-8")
    _with_collection(fictional, REDACTED)
    texts = _dossier_texts(fictional, tmp_path, ("government", "parliament"))
    for audience in ("government", "parliament"):
        texts[audience + "-ftm"] = (tmp_path / audience / "entities.ftm.json").read_text(
            "utf-8")
    original, copy = file_digest(memo), file_digest(redacted)
    flat = {k: v.replace("\n", "") for k, v in texts.items()}
    assert original in flat["government"] and "sources/memo.txt" in flat["government"]
    assert copy in flat["parliament"] and original not in flat["parliament"]
    assert "sources/memo.txt" not in flat["parliament"]
    names = {a: [json.loads(line)["properties"].get("fileName") for line in
                 texts[a + "-ftm"].splitlines() if "Internal memo" in line][0]
             for a in ("government", "parliament")}
    assert names == {"government": ["memo.txt"], "parliament": ["memo-redacted.txt"]}
    entry = next(e for e in read_log(fictional) if e.subject == "sources/memo-redacted.txt")
    assert entry.after["working_copy_of"] == original
    assert entry.after["reason"] == "names of witnesses cut"
    assert verify_case(fictional).clean

    data = fictional / "data" / "evidence.yml"  # a redacted copy that is the file itself
    data.write_text(data.read_text("utf-8").replace(
        "redacted_file: sources/memo-redacted.txt", "redacted_file: sources/memo.txt"),
        "utf-8")
    with pytest.raises(InvalidCase) as error:
        load_case(fictional)
    assert any("redacted_file" in str(p) and "is the file itself" in str(p)
               for p in error.value.problems)

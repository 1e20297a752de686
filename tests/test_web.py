"""The local web app (dossier serve) through Starlette's test client: access, sessions,
CSRF, Host, headers, escaping, downloads, the review queue and a build — in process, no
browser (the browser tests are to come)."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from dossier.web.app import create_app
from dossier.web.security import COOKIE, Sessions, allowed_hosts
from entities.db.audit import read_log
from entities.db.changes import open_case
from evidence_maps.review import drafts

BASE = "http://127.0.0.1:8765"


def _client(root: Path, outputs: Path, user: str = "Web Tester"
            ) -> tuple[TestClient, Sessions]:
    """A test client of the app for the case at ``root`` (not signed in yet)."""
    sessions = Sessions(allowed_hosts("127.0.0.1", 8765))
    app = create_app(root, user, sessions, outputs)
    return TestClient(app, base_url=BASE, follow_redirects=False), sessions


def _legal(tmp_path: Path) -> tuple[TestClient, Path]:
    """A signed-in client on a copy of the legal fixture (targets, submissions)."""
    import shutil

    from tests.conftest import FIXTURES

    root = tmp_path / "legal"
    shutil.copytree(FIXTURES / "legal", root, ignore=shutil.ignore_patterns(".dossier"))
    client, sessions = _client(root, tmp_path / "outputs")
    _login(client, sessions)
    return client, root


@pytest.fixture
def app_case(fictional: Path) -> tuple[TestClient, Sessions, Path]:
    client, sessions = _client(fictional, fictional.parent / "outputs")
    return client, sessions, fictional


def _login(client: TestClient, sessions: Sessions) -> None:
    response = client.get(f"/login?token={sessions.token}")
    assert response.status_code == 303 and response.headers["location"] == "/"


def _wait_for_the_build(client: TestClient, seconds: float = 240) -> None:
    """Until the app's background build (or packs) has ended, one way or the other."""
    deadline = time.monotonic() + seconds
    while client.get("/build/status").json()["state"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.5)


def _csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def test_nothing_opens_without_the_one_time_link(app_case: tuple) -> None:
    client, sessions, _ = app_case
    assert client.get("/").status_code == 403
    assert client.get("/login?token=wrong").status_code == 403
    first = client.get(f"/login?token={sessions.token}")
    cookie = first.headers["set-cookie"]
    assert first.status_code == 303 and f"{COOKIE}=" in cookie
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert client.get("/").status_code == 200
    other = TestClient(client.app, base_url=BASE, follow_redirects=False)
    assert other.get(f"/login?token={sessions.token}").status_code == 403  # used once
    assert other.get("/").status_code == 403


def test_a_foreign_host_is_refused(app_case: tuple) -> None:
    client, sessions, _ = app_case
    _login(client, sessions)
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200


def test_pages_send_strict_headers_and_keep_names_out_of_titles(app_case: tuple) -> None:
    client, sessions, _ = app_case
    _login(client, sessions)
    for path in ("/", "/checks", "/review", "/audit", "/build"):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-frame-options"] == "DENY"
        title = re.search(r"<title>(.*?)</title>", response.text, re.S)
        assert title is not None and "Oydanov" not in title.group(1)
    assert "Serik Oydanov" in client.get("/").text  # the body names the target


def test_a_post_without_the_csrf_token_or_from_elsewhere_changes_nothing(
        app_case: tuple) -> None:
    client, sessions, root = app_case
    _login(client, sessions)
    before = (root / "data" / "incidents.yml").read_bytes()
    form = {"attribution": "att-chief", "action": "approve"}
    assert client.post("/review", data=form).status_code == 403
    token = _csrf(client, "/review")
    assert client.post("/review", data={**form, "csrf": "forged"}).status_code == 403
    assert client.post("/review", data={**form, "csrf": token},
                       headers={"origin": "http://evil.example"}).status_code == 403
    assert (root / "data" / "incidents.yml").read_bytes() == before


def test_approving_in_the_app_writes_the_yaml_and_the_audit_log(app_case: tuple) -> None:
    client, sessions, root = app_case
    _login(client, sessions)
    assert "att-chief" in client.get("/review").text
    token = _csrf(client, "/review")
    response = client.post("/review", data={"csrf": token, "attribution": "att-chief",
                                            "action": "approve"})
    assert response.status_code == 200 and "att-chief" in response.text
    assert "att-chief" not in [d.id for d in drafts(open_case(root))]
    assert 'reviewed_by: "Web Tester"' in (root / "data" / "incidents.yml").read_text("utf-8")
    assert any(e.actor == "Web Tester" for e in read_log(root))
    refused = client.post("/review", data={"csrf": token, "attribution": "att-nobody",
                                           "action": "approve"})
    assert refused.status_code == 400  # a located error, not a traceback


def test_a_script_in_a_record_name_is_shown_as_text(app_case: tuple) -> None:
    client, sessions, root = app_case
    actors = root / "data" / "actors.yml"
    actors.write_text(actors.read_text("utf-8").replace(
        "{name: Serik Oydanov, lang: en}", '{name: "<script>alert(1)</script>Oydanov", lang: en}'),
        "utf-8")
    sessions_client = client
    _login(sessions_client, sessions)
    page = sessions_client.get("/").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Oydanov" in page


def test_downloads_are_by_key_only(app_case: tuple) -> None:
    client, sessions, _ = app_case
    _login(client, sessions)
    for path in ("/download/..%2F..%2Fcase.yml", "/download/0123456789abcdef01234567",
                 "/static/../case.yml"):
        assert client.get(path).status_code == 404, path


def test_a_build_runs_in_the_background_and_its_pdf_downloads(app_case: tuple) -> None:
    client, sessions, _ = app_case
    _login(client, sessions)
    token = _csrf(client, "/build")
    started = client.post("/build", data={"csrf": token, "audience": "public", "lang": "en"})
    assert started.status_code == 303
    assert client.get("/").status_code == 200  # the app answers while it builds
    _wait_for_the_build(client)
    assert client.get("/build/status").json()["state"] == "done", client.get("/build").text[-1500:]
    page = client.get("/build").text
    links = re.findall(r'<a href="/download/([0-9a-f]{24})">([^<]+\.pdf)</a>', page)
    assert links
    pdf = client.get(f"/download/{links[0][0]}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    maps = client.get("/maps").text
    pictures = re.findall(r'<img src="/download/([0-9a-f]{24})"', maps)
    assert pictures and "From the Public build (en)." in maps
    svg = client.get(f"/download/{pictures[0]}")
    assert svg.status_code == 200 and b"<svg" in svg.content[:300]
    assert svg.headers["content-type"].startswith("image/svg+xml")


def test_the_interface_speaks_russian(app_case: tuple) -> None:
    client, sessions, _ = app_case
    _login(client, sessions)
    assert client.get("/language/ru").status_code == 303
    page = client.get("/review").text
    assert "Рецензирование" in page and 'lang="ru"' in page
    form = client.get("/new/people").text  # the record forms' labels and help too
    assert "Дата рождения" in form and "ГГГГ-ММ-ДД" in form and "birth_date" in form


def _form_values(html: str) -> dict[str, str]:
    """The inputs, selects and textareas of a record form, as a browser would send them."""
    import html as html_lib

    values = {m.group(1): html_lib.unescape(m.group(2)) for m in re.finditer(
        r'<input id="f-[^"]+" name="([^"]+)" type="[a-z]+" value="([^"]*)"', html)}
    values.update({m.group(1): html_lib.unescape(m.group(2)) for m in re.finditer(
        r'<textarea id="f-[^"]+" name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S)})
    for name, body in re.findall(r'<select id="f-[^"]+" name="([^"]+)"[^>]*>(.*?)</select>',
                                 html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    for name in ("csrf", "seen"):
        found = re.search(rf'name="{name}" value="([^"]*)"', html)
        assert found is not None
        values[name] = found.group(1)
    return values


def _edit_link(client: TestClient, caption: str) -> str:
    page = client.get("/records").text
    row = next(r for r in page.split("<tr>") if caption in r)
    found = re.search(r'href="(/record/[0-9a-f]{16})"', row)
    assert found is not None
    return found.group(1)


def test_a_record_is_edited_through_its_form(app_case: tuple) -> None:
    client, sessions, root = app_case
    _login(client, sessions)
    link = _edit_link(client, "Serik Oydanov")
    assert "chief" not in link  # the URL holds a key, not the record's id
    form = _form_values(client.get(link).text)
    assert "Serik Oydanov [eng]" in form["names"]
    form["birth_place"] = "Exampleville"
    response = client.post(link, data=form)
    assert response.status_code == 303 and response.headers["location"] == "/records"
    assert "chief saved." in client.get("/records").text
    assert open_case(root).index["chief"].birth_place == "Exampleville"
    assert read_log(root)[-1].actor == "Web Tester"


def test_a_mistake_is_shown_next_to_its_field_and_nothing_is_written(app_case: tuple) -> None:
    client, sessions, root = app_case
    _login(client, sessions)
    link = _edit_link(client, "Serik Oydanov")
    before = (root / "data" / "actors.yml").read_bytes()
    form = _form_values(client.get(link).text)
    form["birth_date"] = "sometime in 1968"
    response = client.post(link, data=form)
    assert response.status_code == 400
    field = re.search(r'<div class="field invalid">\s*<label for="f-birth_date">.*?</div>',
                      response.text, re.S)
    assert field is not None and 'id="e-birth_date"' in field.group(0)
    assert "sometime in 1968" in field.group(0)  # what was typed is kept
    assert (root / "data" / "actors.yml").read_bytes() == before


def test_two_tabs_editing_one_record_the_second_is_told(app_case: tuple) -> None:
    client, sessions, root = app_case
    _login(client, sessions)
    link = _edit_link(client, "Serik Oydanov")
    first, second = _form_values(client.get(link).text), _form_values(client.get(link).text)
    first["birth_place"] = "Firsttown"
    assert client.post(link, data=first).status_code == 303
    second["birth_place"] = "Secondtown"
    refused = client.post(link, data=second)
    assert refused.status_code == 409
    assert "changed since you opened this form" in refused.text
    assert "+    birth_place: Firsttown" in refused.text  # the change, shown
    assert open_case(root).index["chief"].birth_place == "Firsttown"


def test_a_new_record_is_added_through_a_form(app_case: tuple) -> None:
    client, sessions, root = app_case
    _login(client, sessions)
    form = _form_values(client.get("/new/organisations").text)
    form.update({"id": "ministry", "names": "Ministry of Examples [en]\nМинистерство примеров [ru]",
                 "type": "public_body", "country": "KZ"})
    assert client.post("/new/organisations", data=form).status_code == 303
    added = open_case(root).index["ministry"]
    assert [n.name for n in added.names] == ["Ministry of Examples", "Министерство примеров"]
    assert client.post("/new/people", data={**form, "csrf": "x"}).status_code == 403


def test_a_source_file_is_uploaded_into_sources_with_its_hash(app_case: tuple) -> None:
    import hashlib

    client, sessions, root = app_case
    _login(client, sessions)
    token = _csrf(client, "/upload")
    body = b"%PDF-1.4 a fictional report\n"
    sent = client.post("/upload", data={"csrf": token},
                       files={"file": ("../../Report 2021 (draft).pdf", body, "application/pdf")})
    assert sent.status_code == 200
    digest = hashlib.sha256(body).hexdigest()
    kept = root / "sources" / "Report-2021-draft.pdf"
    assert kept.read_bytes() == body  # inside sources/, whatever the name said
    assert digest in sent.text and "sources/Report-2021-draft.pdf" in sent.text
    assert read_log(root)[-1].action == "upload"
    again = client.post("/upload", data={"csrf": token},
                        files={"file": ("Report 2021 (draft).pdf", b"other", "application/pdf")})
    assert again.status_code == 400 and "exists already" in again.text
    assert kept.read_bytes() == body  # never overwritten
    script = client.post("/upload", data={"csrf": token},
                         files={"file": ("run.sh", b"#!/bin/sh", "text/x-sh")})
    assert script.status_code == 400 and not (root / "sources" / "run.sh").exists()
    forged = client.post("/upload", data={"csrf": "x"},
                         files={"file": ("a.pdf", body, "application/pdf")})
    assert forged.status_code == 403 and not (root / "sources" / "a.pdf").exists()


def test_an_upload_too_large_is_refused(app_case: tuple, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    from entities.intake import uploads

    client, sessions, root = app_case
    _login(client, sessions)
    monkeypatch.setattr(uploads, "MAX_BYTES", 1000)
    token = _csrf(client, "/upload")
    sent = client.post("/upload", data={"csrf": token},
                       files={"file": ("big.pdf", b"x" * 70_000, "application/pdf")})
    assert sent.status_code in (400, 413) and not (root / "sources" / "big.pdf").exists()


def test_a_change_made_outside_the_app_shows_on_the_next_page(app_case: tuple) -> None:
    client, sessions, root = app_case
    _login(client, sessions)
    assert "Serik Oydanov" in client.get("/").text  # the case is now loaded and kept
    actors = root / "data" / "actors.yml"
    actors.write_text(actors.read_text("utf-8").replace("{name: Serik Oydanov, lang: en}",
                                                        "{name: Serik Oidanov, lang: en}"),
                      "utf-8")  # an editor, or dossier import, changes the file
    page = client.get("/").text
    assert "Serik Oidanov" in page and "Serik Oydanov" not in page


def test_a_workbook_referring_to_yaml_records_is_checked_then_imported(
        app_case: tuple, tmp_path: Path) -> None:
    from tests.sheet_helpers import fill_template

    client, sessions, root = app_case
    _login(client, sessions)
    workbook = fill_template(tmp_path / "partner.xlsx", {
        "Attributions": [{"id": "a-partner", "actor": "chief", "incident": "inc-detention",
                          "mode": "ordering", "evidence": "ev-memo"}]})
    token = _csrf(client, "/import")
    files = {"file": ("partner.xlsx", workbook.read_bytes(),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    checked = client.post("/import", data={"csrf": token, "action": "check"}, files=files)
    assert checked.status_code == 200 and "would add 1" in checked.text
    assert "a-partner" not in open_case(root).index  # a check writes nothing
    done = client.post("/import", data={"csrf": token, "action": "import"}, files=files)
    assert done.status_code == 200 and "added 1" in done.text
    added = open_case(root).index["a-partner"]
    assert added.status == "draft" and added.entered_by == "Web Tester"
    bad = client.post("/import", data={"csrf": token, "action": "check"},
                      files={"file": ("notes.txt", b"hello", "text/plain")})
    assert bad.status_code == 400


def test_identity_review_side_by_side_records_a_judgement(app_case: tuple) -> None:
    from entities.db.database import CaseDatabase
    from entities.db.judgements import Judgements

    client, sessions, root = app_case
    (root / "data" / "duplicate.yml").write_text(
        "people:\n  - id: chief-again\n    names: [{name: Серик Ойданов, lang: ru}]\n",
        "utf-8")  # the same name, no birth date: for a person to judge
    _login(client, sessions)
    assert "have not been looked for" in client.get("/identity").text
    token = _csrf(client, "/identity")
    assert client.post("/identity/run", data={"csrf": token}).status_code == 303
    page = client.get("/identity").text
    assert "Pairs to judge: 1" in page and "<table class=\"compare\">" in page
    left = re.search(r'name="left" value="([^"]+)"', page)
    right = re.search(r'name="right" value="([^"]+)"', page)
    assert left is not None and right is not None
    pair = {"csrf": token, "left": left.group(1), "right": right.group(1)}
    assert client.post("/identity/judge", data={**pair, "verdict": "maybe"}).status_code == 400
    assert client.post("/identity/judge", data={**pair, "csrf": "x",
                                                "verdict": "different"}).status_code == 403
    assert client.post("/identity/judge", data={**pair, "verdict": "different"}
                       ).status_code == 303
    assert "Recorded: Different." in client.get("/identity").text
    with CaseDatabase.for_case(root) as db:
        assert Judgements(db).judgement_of(left.group(1), right.group(1)) == "negative"
    assert "judgement" in [e.action for e in read_log(root)]


def test_screening_review_confirms_a_match(app_case: tuple, tmp_path: Path) -> None:
    from click.testing import CliRunner
    from screening_helpers import write_list

    from dossier.cli import cli

    client, sessions, root = app_case
    listed = write_list(tmp_path / "list.ftm.json")
    result = CliRunner().invoke(cli, ["screen", str(root), "--against", str(listed)],
                                env={"DOSSIER_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 0, result.output
    _login(client, sessions)
    page = client.get("/screening").text
    assert "Serik Oydanov → " in page and "fic-1" in page and "Office of Foreign" in page
    pair = re.search(r'name="pair" value="([^"]+=fic-1)"', page)
    assert pair is not None
    token = _csrf(client, "/screening")
    done = client.post("/screening", data={"csrf": token, "pair": pair.group(1),
                                           "decision": "confirmed"})
    assert done.status_code == 303
    assert "confirmed (Web Tester" in client.get("/screening").text
    bad = client.post("/screening", data={"csrf": token, "pair": "nobody=fic-1",
                                          "decision": "confirmed"})
    assert bad.status_code == 400


def test_a_new_case_from_nothing_to_a_downloaded_dossier(tmp_path: Path) -> None:
    """As dossier serve --new: the scaffold's case, its settings and a record changed in
    the app, a build, a PDF downloaded — no YAML written by hand."""
    from dossier.scaffold import init_case

    root = tmp_path / "new-case"
    init_case(root)
    client, sessions = _client(root, tmp_path / "outputs", "New Advocate")
    _login(client, sessions)
    case_yml = (root / "case.yml").read_text("utf-8")
    page = client.get("/settings").text
    settings = _form_values(page)
    settings.update({"title": "Reprisals in Fictionland, 2025",
                     "organisation.name": "Fictionland Rights Watch", "date": "2025-02-30"})
    refused = client.post("/settings", data=settings)
    assert refused.status_code == 400 and 'id="e-date"' in refused.text
    assert (root / "case.yml").read_text("utf-8") == case_yml  # nothing written
    settings["date"] = "2025-03-01"
    assert client.post("/settings", data=settings).status_code == 303
    written = (root / "case.yml").read_text("utf-8")
    assert '"Reprisals in Fictionland, 2025"' in written
    assert written.startswith("# case.yml — the header of a case.")  # comments kept
    form = _form_values(client.get("/new/organisations").text)
    form.update({"id": "fict-police", "names": "Fictionland Police [en]",
                 "type": "public_body", "country": "KZ"})
    assert client.post("/new/organisations", data=form).status_code == 303
    token = _csrf(client, "/build")
    assert client.post("/build", data={"csrf": token, "audience": "public",
                                       "lang": "en"}).status_code == 303
    _wait_for_the_build(client)
    built = client.get("/build").text
    assert client.get("/build/status").json()["state"] == "done", built[-800:]
    key = re.search(r'<a href="/download/([0-9a-f]{24})">dossiers/overview\.pdf</a>', built)
    assert key is not None
    pdf = client.get(f"/download/{key.group(1)}")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Reprisals in Fictionland, 2025" in text
    assert '  name: "Fictionland Rights Watch"' in written


def test_the_person_by_incident_matrix(app_case: tuple) -> None:
    client, sessions, _ = app_case
    _login(client, sessions)
    page = client.get("/matrix").text
    assert "Detention of a journalist" in page and "Serik Oydanov" in page
    assert "Command responsibility" in page or "command" in page.lower()
    assert "draft" in page  # att-chief is a draft, and says so
    client.get("/language/ru")
    assert "черновик" in client.get("/matrix").text


def test_targets_are_screened_against_an_uploaded_list(app_case: tuple, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from screening_helpers import write_list

    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "cache"))
    client, sessions, _ = app_case
    _login(client, sessions)
    listed = write_list(tmp_path / "fictional_list.ftm.json")
    token = _csrf(client, "/screening")
    sent = client.post("/screening/run", data={"csrf": token},
                       files={"file": ("fictional_list.ftm.json", listed.read_bytes(),
                                       "application/json")})
    assert sent.status_code == 303
    page = client.get("/screening").text
    assert "against fictional_list.ftm.json" in page and "fic-1" in page
    bad = client.post("/screening/run", data={"csrf": token},
                      files={"file": ("list.txt", b"x", "text/plain")})
    assert bad.status_code == 400


def test_submission_packs_are_made_and_downloaded(tmp_path: Path) -> None:
    client, root = _legal(tmp_path)
    token = _csrf(client, "/build")
    assert client.post("/build", data={"csrf": token, "kind": "packs", "lang": "en",
                                       "arguable": "on"}).status_code == 303
    _wait_for_the_build(client)
    page = client.get("/build").text
    assert "Packs made (en)." in page, page[-1500:]
    links = re.findall(r'<a href="/download/([0-9a-f]{24})">([a-z_]+/[^<]+\.pdf)</a>', page)
    assert links
    pack = client.get(f"/download/{links[0][0]}")
    assert pack.status_code == 200 and pack.content.startswith(b"%PDF")


def test_submission_texts_are_written_to_case_yml(tmp_path: Path) -> None:
    import yaml

    client, root = _legal(tmp_path)
    page = client.get("/submissions").text
    assert "Yerzhan Kulakov" in page and "The protection of human rights defenders." in page
    form = _form_values(page)
    form["s|p-thug|us_glomag|national_interest"] = "Freezing the assets he holds abroad."
    form["s|p-thug|uk_ghr|priority_theme"] = ""  # emptied: left out
    assert client.post("/submissions", data=form).status_code == 303
    written = yaml.safe_load((root / "case.yml").read_text("utf-8"))["submissions"]
    assert written["p-thug"]["us_glomag"]["national_interest"] == \
        "Freezing the assets he holds abroad."
    assert "uk_ghr" not in written["p-thug"]
    assert "member_state" in written["p-thug"]["eu_ghr"]  # kept
    assert read_log(root)[-1].action == "submissions"


def test_exports_are_made_for_the_audience_and_the_workbook_comes_back(
        app_case: tuple, tmp_path: Path) -> None:
    import tempfile
    import zipfile

    client, sessions, root = app_case
    _login(client, sessions)
    sent_before = set(Path(tempfile.gettempdir()).glob("dossier-send-*"))
    token = _csrf(client, "/import")
    entities = client.post("/export", data={"csrf": token, "format": "ftm",
                                            "audience": "public", "lang": "en"})
    assert entities.status_code == 200
    assert 'filename="public-en-entities.ftm.json"' in entities.headers["content-disposition"]
    assert "Serik Oydanov" in entities.text and "Quiet Witness" not in entities.text
    government = client.post("/export", data={"csrf": token, "format": "ftm",
                                              "audience": "government", "lang": "en"})
    assert "Quiet Witness" in government.text  # the audience chosen is the one written

    dataset = client.post("/export", data={"csrf": token, "format": "opensanctions",
                                           "audience": "public", "lang": "en"})
    assert dataset.status_code == 200
    with zipfile.ZipFile(io.BytesIO(dataset.content)) as archive:
        names = archive.namelist()
        assert "index.json" in names and "entities.ftm.json" in names
        assert not any(n.startswith(".") for n in names)  # no bookkeeping files
        assert b"Quiet Witness" not in b"".join(archive.read(n) for n in names)

    workbook = client.post("/export", data={"csrf": token, "format": "authoring-xlsx",
                                            "audience": "public", "lang": "en"})
    assert workbook.status_code == 200 and workbook.content.startswith(b"PK")
    files = {"file": ("case.xlsx", workbook.content,
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    checked = client.post("/import", data={"csrf": token, "action": "check"}, files=files)
    assert "would add 0, change 0, remove 0" in checked.text  # the round trip is exact
    # what was made to be sent is gone once sent
    assert set(Path(tempfile.gettempdir()).glob("dossier-send-*")) <= sent_before

    unknown = client.post("/export", data={"csrf": token, "format": "../../etc",
                                           "audience": "public"})
    assert unknown.status_code == 400


def test_an_export_of_a_broken_case_says_why_on_the_page(app_case: tuple) -> None:
    client, sessions, root = app_case
    _login(client, sessions)
    token = _csrf(client, "/import")
    actors = root / "data" / "actors.yml"
    actors.write_text(actors.read_text("utf-8").replace("birth_date: 1968-03-02",
                                                        "birth_date: the seventies"), "utf-8")
    broken = client.post("/export", data={"csrf": token, "format": "xlsx",
                                          "audience": "public", "lang": "en"})
    assert broken.status_code == 400
    assert "The export could not be made" in broken.text and "actors.yml" in broken.text


def test_a_builds_folders_download_as_zip_archives(app_case: tuple) -> None:
    import zipfile

    client, sessions, _ = app_case
    _login(client, sessions)
    token = _csrf(client, "/build")
    client.post("/build", data={"csrf": token, "audience": "parliament", "lang": "en"})
    _wait_for_the_build(client)
    page = client.get("/build").text
    zips = dict((name, key) for key, name in
                re.findall(r'<a href="/download/([0-9a-f]{24})">([^<]+\.zip)</a>', page))
    assert {"parliament-en.zip", "opensanctions.zip", "dossiers.zip"} <= set(zips)
    dataset = client.get(f"/download/{zips['opensanctions.zip']}")
    assert dataset.status_code == 200
    assert 'filename="opensanctions.zip"' in dataset.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(dataset.content)) as archive:
        assert "index.json" in archive.namelist()
    everything = client.get(f"/download/{zips['parliament-en.zip']}")
    with zipfile.ZipFile(io.BytesIO(everything.content)) as archive:
        names = archive.namelist()
    assert any(n.startswith("dossiers/") and n.endswith(".pdf") for n in names)
    assert "workbook.xlsx" in names and not any(n.startswith(".") for n in names)


def test_every_case_setting_is_edited_in_the_app(app_case: tuple) -> None:
    """Languages, the review rule, the contact (written as a flow mapping in the fixture)
    and the partners: changed through the form, validated, located when wrong."""
    import yaml

    client, sessions, root = app_case
    _login(client, sessions)
    before = (root / "case.yml").read_text("utf-8")
    settings = _form_values(client.get("/settings").text)
    assert settings["languages"] == "eng, rus, kaz"  # as the loader reads them
    assert settings["organisation.contact.email"] == "test@example.org"
    assert settings["review"] == "single" and settings["pseudonymise_free_text"] == "false"
    settings.update({"languages": "en, ru, xx1", "organisation.partners":
                     "Partner Fund | not-a-site"})
    refused = client.post("/settings", data=settings)
    assert refused.status_code == 400
    assert 'id="e-languages"' in refused.text and 'id="e-organisation.partners"' in refused.text
    assert (root / "case.yml").read_text("utf-8") == before
    settings.update({"languages": "en, ru", "review": "four_eyes", "minimum_grade": "strong",
                     "pseudonymise_free_text": "true",
                     "organisation.contact.phone": "+7 700 000 0000",
                     "organisation.partners": "Partner Fund | https://partner.example | "
                     "Documented the detentions\nSecond Group"})
    assert client.post("/settings", data=settings).status_code == 303
    written = (root / "case.yml").read_text("utf-8")
    assert written.startswith("# Fictional case used by the tests.")  # comments kept
    meta = yaml.safe_load(written)
    assert meta["languages"] == ["en", "ru"] and meta["review"] == "four_eyes"
    assert meta["minimum_grade"] == "strong" and meta["pseudonymise_free_text"] is True
    assert meta["organisation"]["contact"] == {"name": "Test Contact",
                                               "email": "test@example.org",
                                               "phone": "+7 700 000 0000"}
    assert meta["organisation"]["partners"] == [
        {"name": "Partner Fund", "website": "https://partner.example",
         "description": "Documented the detentions"}, {"name": "Second Group"}]
    assert meta["organisation"]["name"] == "Fictional Rights Centre"
    again = _form_values(client.get("/settings").text)
    assert again["organisation.partners"].splitlines()[1] == "Second Group"
    assert client.post("/settings", data=again).status_code == 303  # nothing changed
    assert (root / "case.yml").read_text("utf-8") == written
    entry = read_log(root)[-1]
    assert entry.action == "settings" and entry.actor == "Web Tester"


def test_a_record_is_deleted_once_confirmed_and_nothing_refers_to_it(app_case: tuple) -> None:
    client, sessions, root = app_case
    _login(client, sessions)
    chief = _edit_link(client, "chief")
    form = _form_values(client.get(chief).text)
    deletion = {"csrf": form["csrf"], "seen": form["seen"]}
    unconfirmed = client.post(f"{chief}/delete", data=deletion)
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.text
    refused = client.post(f"{chief}/delete", data={**deletion, "confirm": "on"})
    assert refused.status_code == 400 and "Not deleted" in refused.text
    assert "att-chief" in refused.text  # what still refers to it
    assert "chief" in open_case(root).index
    witness = _edit_link(client, "witness")
    form = _form_values(client.get(witness).text)
    done = client.post(f"{witness}/delete", data={"csrf": form["csrf"], "seen": form["seen"],
                                                  "confirm": "on"})
    assert done.status_code == 303
    assert "witness deleted." in client.get("/records").text
    assert "witness" not in open_case(root).index
    assert read_log(root)[-1].action == "delete"
    assert client.post(f"{witness}/delete", data={"csrf": form["csrf"],
                                                  "confirm": "on"}).status_code == 404


def test_long_lists_come_page_by_page_with_nothing_but_kind_and_page_in_the_address(
        app_case: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    from dossier.web.pages import case

    client, sessions, root = app_case
    _login(client, sessions)
    monkeypatch.setattr(case, "PREVIEW_ROWS", 1)
    monkeypatch.setattr(case, "PAGE_ROWS", 2)
    people = [r.id for r in open_case(root).people]
    assert len(people) >= 3
    overview = client.get("/records").text
    assert people[0] in overview and people[1] not in overview
    assert 'href="/records?kind=people"' in overview
    first = client.get("/records?kind=people").text
    assert people[0] in first and people[1] in first and people[2] not in first
    assert f"1–2 of {len(people)}" in first and 'rel="next"' in first
    second = client.get("/records?kind=people&page=2").text
    assert people[2] in second and people[0] not in second and 'rel="prev"' in second
    for odd in ("page=0", "page=x", "page=999", "kind=nothing"):
        assert client.get(f"/records?kind=people&{odd}").status_code == 200
    monkeypatch.setattr(case, "MATRIX_ROWS", 1)
    matrix = client.get("/matrix").text
    assert "Page 1 of" in matrix and 'href="/matrix?page=2"' in matrix


def test_a_source_form_takes_its_file_and_fills_in_the_hash(app_case: tuple) -> None:
    import hashlib

    client, sessions, root = app_case
    _login(client, sessions)
    form = _form_values(client.get("/new/sources").text)
    assert 'enctype="multipart/form-data"' in client.get("/new/sources").text
    form.update({"id": "src-scan", "title": "Scan of the court ruling", "reliability": "B"})
    body = b"%PDF-1.4 a fictional ruling\n"
    wrong = client.post("/new/sources", data=form,
                        files={"upload": ("ruling.exe", b"MZ", "application/octet-stream")})
    assert wrong.status_code == 400 and 'id="e-file"' in wrong.text
    assert "src-scan" not in open_case(root).index
    done = client.post("/new/sources", data=form,
                       files={"upload": ("ruling.pdf", body, "application/pdf")})
    assert done.status_code == 303, done.text[-800:]
    source = open_case(root).index["src-scan"]
    assert source.file == "sources/ruling.pdf"
    assert source.sha256 == hashlib.sha256(body).hexdigest()
    assert (root / "sources" / "ruling.pdf").read_bytes() == body
    assert [e.action for e in read_log(root)[-2:]] == ["upload", "add"]


def test_a_decided_attribution_is_reopened_with_a_reason(app_case: tuple) -> None:
    client, sessions, root = app_case
    _login(client, sessions)
    token = _csrf(client, "/review")
    assert client.post("/review", data={"csrf": token, "attribution": "att-chief",
                                        "action": "approve"}).status_code == 200
    page = client.get("/review").text
    assert "Reviewed and rejected" in page and 'value="reopen"' in page
    silent = client.post("/review", data={"csrf": token, "attribution": "att-chief",
                                          "action": "reopen"})
    assert silent.status_code == 400  # a reopening says why
    done = client.post("/review", data={"csrf": token, "attribution": "att-chief",
                                        "action": "reopen", "reason": "a new source"})
    assert done.status_code == 200
    assert open_case(root).index["att-chief"].status == "draft"
    assert read_log(root)[-1].after["reason"] == "a new source"


def test_a_web_capture_is_imported_in_the_app(app_case: tuple, tmp_path: Path) -> None:
    from tests.test_custody import _warc

    client, sessions, root = app_case
    _login(client, sessions)
    token = _csrf(client, "/import")
    files = {"file": ("statement.warc.gz", _warc(), "application/warc")}
    checked = client.post("/import", data={"csrf": token, "action": "check"}, files=files)
    assert checked.status_code == 200
    assert "a capture of https://ministry.example.org" in checked.text
    done = client.post("/import", data={"csrf": token, "action": "import"}, files=files)
    assert done.status_code == 200 and "src-statement" in done.text, done.text[-500:]
    source = open_case(root).index["src-statement"]
    assert source.file == "sources/statement.warc.gz" and source.collection is not None
    assert source.collection.by == "Web Tester"

"""Teams (``dossier serve --team``): accounts, sign-in, sessions, lock-out, roles per
endpoint, audience ceilings, four eyes, and several people at once on PostgreSQL.
Every person here is fictional."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from dossier.cli import cli
from dossier.web.app import ROUTES, create_app
from dossier.web.security import Sessions, allowed_hosts
from entities.db.accounts import MAX_FAILURES, AccountError, AccountStore
from entities.db.audit import read_log
from entities.db.changes import open_case
from entities.db.database import CaseDatabase

BASE = "http://127.0.0.1:8765"
PASSWORD = "correct horse battery"
#: name → (role, audience of the grant; None: the role's highest)
TEAM = {"ada": ("admin", None), "eli": ("editor", None), "rui": ("reviewer", None),
        "vic": ("viewer", "public"), "pam": ("viewer", None)}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _team(root: Path) -> None:
    case_id = open_case(root).meta.id
    with CaseDatabase.for_case(root) as db:
        store = AccountStore(db)
        for name, (role, audience) in TEAM.items():
            store.add(name, PASSWORD, "setup")
            store.grant(case_id, name, role, audience, "setup")


def _app(root: Path, clock: Clock | None = None) -> tuple[Any, Sessions]:
    sessions = Sessions(allowed_hosts("127.0.0.1", 8765), team=True, idle=1800,
                        longest=36000, clock=clock or Clock())
    return create_app(root, "nobody", sessions, root.parent / "outputs"), sessions


def _client(app: Any) -> TestClient:
    return TestClient(app, base_url=BASE, follow_redirects=False)


def _sign_in(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    token = re.search(r'name="signin" value="([^"]+)"', page.text)
    assert token is not None, page.text[:500]
    return client.post("/login", data={"signin": token.group(1), "username": name,
                                       "password": password})


def _csrf(client: TestClient, path: str = "/") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


@pytest.fixture
def team_case(fictional: Path) -> Path:
    _team(fictional)
    return fictional


def test_accounts_keep_only_a_hash_and_every_change_is_logged(fictional: Path) -> None:
    with CaseDatabase.for_case(fictional) as db:
        store = AccountStore(db)
        store.add("nadia", PASSWORD, "A. Admin")
        with pytest.raises(AccountError, match="at least 12"):
            store.add("short", "too short", "A. Admin")
        with pytest.raises(AccountError, match="already"):
            store.add("nadia", PASSWORD, "A. Admin")
        with pytest.raises(AccountError, match="at most the parliament"):
            store.grant("fictional_case", "nadia", "reviewer", "government", "A. Admin")
        store.grant("fictional_case", "nadia", "reviewer", None, "A. Admin")
        grant = store.sign_in("fictional_case", "nadia", PASSWORD)
        assert grant is not None and (grant.role, grant.audience) == ("reviewer", "parliament")
        assert store.sign_in("another_case", "nadia", PASSWORD) is None  # no role there
        stored = db.reflect("account")
        with db.transaction() as conn:
            hashed = conn.execute(stored.select()).first().password_hash
    assert hashed.startswith("$argon2") and PASSWORD not in hashed
    log = read_log(fictional)
    assert [e.action for e in log[-2:]] == ["account-add", "account-grant"]
    assert all(PASSWORD not in str(e.after) and "$argon2" not in str(e.after) for e in log)


def test_the_command_line_makes_accounts(fictional: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["accounts", "add", str(fictional), "lena", "--role", "editor",
                               "--password-stdin", "--by", "A. Admin"], input=PASSWORD + "\n")
    assert made.exit_code == 0, made.output
    assert "lena: editor in fictional_case, up to the parliament audience" in made.output
    listed = runner.invoke(cli, ["accounts", "list", str(fictional)])
    assert "lena: editor, up to parliament" in listed.output
    bad = runner.invoke(cli, ["accounts", "add", str(fictional), "tom", "--role", "viewer",
                              "--password-stdin"], input="short\n")
    assert bad.exit_code != 0 and "at least 12" in bad.output and "Traceback" not in bad.output
    served = runner.invoke(cli, ["serve", str(fictional), "--team", "--no-browser"])
    assert served.exit_code != 0 and "no account is an admin" in served.output


def test_a_wrong_name_and_a_wrong_password_look_the_same_and_lock_out(team_case: Path
                                                                     ) -> None:
    app, _ = _app(team_case)
    client = _client(app)
    unknown = _sign_in(client, "nobody-here", PASSWORD)
    wrong = _sign_in(client, "eli", "not the password at all")
    assert unknown.status_code == wrong.status_code == 401
    message = "That account name and password do not open this case."
    assert message in unknown.text and message in wrong.text
    for _ in range(MAX_FAILURES - 1):
        _sign_in(client, "eli", "not the password at all")
    locked = _sign_in(client, "eli", PASSWORD)  # the right one, but locked now
    assert locked.status_code == 401 and message in locked.text
    locked_entry = read_log(team_case)[-1]
    assert locked_entry.action == "account-locked" and locked_entry.actor == "failed sign-ins"
    with CaseDatabase.for_case(team_case) as db:
        AccountStore(db).set_password("eli", PASSWORD, "ada")  # an admin lifts it
    assert _sign_in(client, "eli", PASSWORD).status_code == 303


def test_sign_in_needs_its_own_form_and_sessions_end(team_case: Path) -> None:
    clock = Clock()
    app, sessions = _app(team_case, clock)
    client = _client(app)
    assert client.get("/").headers["location"] == "/login"  # nobody signed in
    forged = client.post("/login", data={"signin": "x", "username": "ada",
                                         "password": PASSWORD})
    assert forged.status_code == 403
    assert client.get("/login?token=" + sessions.token).status_code == 200  # no link here
    assert _sign_in(client, "ada").status_code == 303
    assert client.get("/").status_code == 200
    clock.now += 1801  # idle longer than a session lasts
    assert client.get("/").headers["location"] == "/login"
    assert _sign_in(client, "ada").status_code == 303
    for _ in range(25):  # in use, but older than the longest a session lasts
        clock.now += 1500
        client.get("/")
    assert client.get("/").headers["location"] == "/login"
    _sign_in(client, "ada")
    out = client.post("/logout", data={"csrf": _csrf(client)})
    assert out.status_code == 303 and client.get("/").headers["location"] == "/login"


#: every endpoint and the roles that may use it (a new endpoint must be added here)
ALLOWED = {
    ("GET", "/language/{code:str}"): "admin editor reviewer viewer",
    ("GET", "/"): "admin editor reviewer viewer",
    ("GET", "/matrix"): "admin editor reviewer viewer",
    ("GET", "/maps"): "admin editor reviewer viewer",
    ("GET", "/build"): "admin editor reviewer viewer",
    ("GET", "/build/status"): "admin editor reviewer viewer",
    ("GET", "/download/{key:str}"): "admin editor reviewer viewer",
    ("GET", "/settings"): "admin editor reviewer",
    ("GET", "/records"): "admin editor reviewer",
    ("GET", "/record/{key:str}"): "admin editor reviewer",
    ("GET", "/new/{section:str}"): "admin editor reviewer",
    ("GET", "/submissions"): "admin editor reviewer",
    ("GET", "/checks"): "admin editor reviewer",
    ("GET", "/review"): "admin editor reviewer",
    ("GET", "/identity"): "admin editor reviewer",
    ("GET", "/screening"): "admin editor reviewer",
    ("GET", "/audit"): "admin editor reviewer",
    ("GET", "/upload"): "admin editor reviewer",
    ("GET", "/import"): "admin editor reviewer",
    ("POST", "/settings"): "admin editor",
    ("POST", "/record/{key:str}"): "admin editor",
    ("POST", "/record/{key:str}/delete"): "admin editor",
    ("POST", "/new/{section:str}"): "admin editor",
    ("POST", "/submissions"): "admin editor",
    ("POST", "/upload"): "admin editor",
    ("POST", "/import"): "admin editor",
    ("POST", "/review"): "admin reviewer",
    ("POST", "/identity/run"): "admin reviewer",
    ("POST", "/identity/judge"): "admin reviewer",
    ("POST", "/screening"): "admin reviewer",
    ("POST", "/screening/run"): "admin reviewer",
    ("POST", "/build"): "admin editor reviewer",
    ("POST", "/export"): "admin editor reviewer",
    ("GET", "/password"): "admin editor reviewer viewer",
    ("POST", "/password"): "admin editor reviewer viewer",
    ("GET", "/accounts"): "admin",
    ("POST", "/accounts"): "admin",
}
OPEN = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout")}


def test_every_endpoint_refuses_the_roles_that_may_not_use_it(team_case: Path) -> None:
    _try_every_endpoint(team_case)


def test_every_endpoint_refuses_them_on_postgresql_too(fictional: Path, pg_url: str,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.setenv("DOSSIER_DATABASE_URL", pg_url)
    _team(fictional)
    with CaseDatabase.for_case(fictional) as db:
        assert db.dialect == "postgresql"
    _try_every_endpoint(fictional)


def _try_every_endpoint(root: Path) -> None:
    app, _ = _app(root)
    routes = {(m, r.path) for r in ROUTES if hasattr(r, "methods")
              for m in (r.methods or []) if m != "HEAD"}
    assert routes == set(ALLOWED) | OPEN  # every endpoint has its rule in this test
    clients = {}
    for name, (role, _) in TEAM.items():
        clients[role if name != "vic" else "viewer"] = client = _client(app)
        assert _sign_in(client, name).status_code == 303
    for (method, path), roles in ALLOWED.items():
        url = re.sub(r"\{(\w+):str\}", lambda m: {"code": "en", "key": "0" * 16,
                                                 "section": "people"}[m.group(1)], path)
        for role, client in clients.items():
            if method == "GET":
                response = client.get(url)
            else:  # harmless data: an allowed role gets past the guard and fails later
                response = client.post(url, data={"csrf": _csrf(client), "audience": "public",
                                                  "format": "ftm", "action": "nothing"})
            refused = response.status_code == 403 and \
                "Your role in this case does not allow this." in response.text
            assert refused == (role not in roles.split()), (method, path, role,
                                                          response.status_code)


def test_a_viewer_sees_only_what_its_audience_may(team_case: Path) -> None:
    app, _ = _app(team_case)
    admin, viewer = _client(app), _client(app)
    _sign_in(admin, "ada")
    _sign_in(viewer, "vic")  # public only
    assert "Quiet Witness" in admin.get("/records").text
    page = viewer.get("/").text
    assert "Quiet Witness" not in page and "People" not in page  # no counts either
    assert 'href="/records"' not in page and 'href="/audit"' not in page
    assert "Quiet Witness" not in viewer.get("/matrix").text
    assert viewer.get("/audit").status_code == 403
    token = _csrf(admin, "/build")
    admin.post("/build", data={"csrf": token, "audience": "government", "lang": "en"})
    while admin.get("/build/status").json()["state"] == "running":
        pass
    built = admin.get("/build").text
    keys = re.findall(r'href="/download/([0-9a-f]{24})"', built)
    assert keys
    assert viewer.get("/build/status").json()["state"] == "none"
    assert "/download/" not in viewer.get("/build").text
    assert all(viewer.get(f"/download/{k}").status_code == 404 for k in keys[:5])
    refused = viewer.post("/build", data={"csrf": _csrf(viewer), "audience": "public"})
    assert refused.status_code == 403  # a viewer does not build at all
    editor = _client(app)
    _sign_in(editor, "eli")
    too_high = editor.post("/build", data={"csrf": _csrf(editor), "audience": "government"})
    assert too_high.status_code == 403
    whole = editor.post("/export", data={"csrf": _csrf(editor), "format": "authoring-xlsx",
                                         "audience": "public"})
    assert whole.status_code == 403  # the whole case is the government's audience


def test_four_eyes_a_reviewer_never_approves_what_they_entered_or_last_changed(
        team_case: Path) -> None:
    app, _ = _app(team_case)
    admin, reviewer = _client(app), _client(app)
    _sign_in(admin, "ada")
    _sign_in(reviewer, "rui")
    new = admin.get("/new/attributions").text
    token = re.search(r'name="csrf" value="([^"]+)"', new)
    seen = re.search(r'name="seen" value="([^"]+)"', new)
    assert token is not None and seen is not None
    made = admin.post("/new/attributions", data={
        "csrf": token.group(1), "seen": seen.group(1), "id": "att-team", "actor": "chief",
        "incident": "inc-detention", "mode": "ordering", "evidence": "ev-memo"})
    assert made.status_code == 303, made.text[-600:]
    assert open_case(team_case).index["att-team"].entered_by == "ada"
    own = admin.post("/review", data={"csrf": _csrf(admin), "attribution": "att-team",
                                      "action": "approve"})
    assert own.status_code == 400 and "was entered by ada" in own.text
    ok = reviewer.post("/review", data={"csrf": _csrf(reviewer), "attribution": "att-team",
                                        "action": "approve"})
    assert ok.status_code == 200 and "att-team is now reviewed" in ok.text
    entry = read_log(team_case)[-1]
    assert entry.action == "review" and entry.actor == "rui"
    # entered by the editor, then changed by the admin: the admin may not approve it
    from entities.intake.edit import last_changed_by
    from entities.intake.records import digest, form_fields, save_record

    editor = _client(app)
    _sign_in(editor, "eli")
    form = editor.get("/new/attributions").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    seen = re.search(r'name="seen" value="([^"]+)"', form)
    assert token is not None and seen is not None
    assert editor.post("/new/attributions", data={
        "csrf": token.group(1), "seen": seen.group(1), "id": "att-second", "actor": "chief",
        "incident": "inc-detention", "mode": "aiding_abetting",
        "evidence": "ev-memo"}).status_code == 303
    record = open_case(team_case).index["att-second"]
    values = {f.column.field: f.text for f in form_fields("attributions", record)}
    values["note"] = "Checked against the memo."
    save_record(team_case, "attributions", "att-second", values,
                digest(team_case / record.defined_in), "ada")
    assert last_changed_by(team_case, "att-second") == "ada"
    changed = admin.post("/review", data={"csrf": _csrf(admin), "attribution": "att-second",
                                          "action": "approve"})
    assert changed.status_code == 400 and "was last changed by ada" in changed.text
    assert reviewer.post("/review", data={"csrf": _csrf(reviewer),
                                          "attribution": "att-second",
                                          "action": "approve"}).status_code == 200


def test_several_people_at_once_on_postgresql(fictional: Path, pg_url: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor adding records, a reviewer approving, an admin building, a viewer
    reading, all at the same time, on one PostgreSQL database: nothing is lost, the case
    stays valid, the audit log holds each change with its author."""
    monkeypatch.setenv("DOSSIER_DATABASE_URL", pg_url)
    _team(fictional)
    app, _ = _app(fictional)
    errors: list[str] = []

    def editor() -> None:
        client = _client(app)
        _sign_in(client, "eli")
        for n in range(6):
            form = client.get("/new/organisations").text
            token = re.search(r'name="csrf" value="([^"]+)"', form)
            seen = re.search(r'name="seen" value="([^"]+)"', form)
            assert token and seen
            for _ in range(5):  # a conflict (another's change) is told, then retried
                done = client.post("/new/organisations", data={
                    "csrf": token.group(1), "seen": seen.group(1), "id": f"org-{n}",
                    "names": f"Fictional Office {n} [en]", "type": "public_body",
                    "country": "KZ"})
                if done.status_code == 303:
                    break
                form = client.get("/new/organisations").text
                seen = re.search(r'name="seen" value="([^"]+)"', form)
                assert seen
            else:
                errors.append(f"org-{n} not saved: {done.status_code}")

    def reviewer() -> None:
        client = _client(app)
        _sign_in(client, "rui")
        done = client.post("/review", data={"csrf": _csrf(client), "attribution": "att-chief",
                                            "action": "reject", "reason": "one source only"})
        if done.status_code != 200:
            errors.append(f"review: {done.status_code} {done.text[-300:]}")

    def admin() -> None:
        client = _client(app)
        _sign_in(client, "ada")
        client.post("/build", data={"csrf": _csrf(client, "/build"),
                                    "audience": "parliament", "lang": "en"})
        sheet = (b"id,actor,incident,mode,evidence\n"
                 b"att-imported,chief,inc-detention,aiding_abetting,ev-memo\n")
        done = client.post("/import", data={"csrf": _csrf(client, "/import"),
                                            "action": "import"},
                           files={"file": ("attributions.csv", sheet, "text/csv")})
        if "added 1" not in done.text:
            errors.append(f"import: {done.status_code} {done.text[-300:]}")

    def viewer() -> None:
        client = _client(app)
        _sign_in(client, "pam")
        for _ in range(10):
            if client.get("/matrix").status_code != 200:
                errors.append("the viewer's page failed")

    threads = [threading.Thread(target=f) for f in (editor, reviewer, admin, viewer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    client = _client(app)
    _sign_in(client, "ada")
    while client.get("/build/status").json()["state"] == "running":
        pass
    assert client.get("/build/status").json()["state"] == "done"
    assert errors == []
    case = open_case(fictional)
    assert {f"org-{n}" for n in range(6)} <= set(case.index)
    assert case.index["att-chief"].status == "rejected"
    assert case.index["att-imported"].entered_by == "ada"
    log = read_log(fictional)
    assert {(e.actor, e.subject) for e in log if e.action == "add"} >= {
        ("eli", f"org-{n}") for n in range(6)}
    assert any(e.action == "review" and e.actor == "rui" for e in log)


def test_behind_a_proxy_the_name_it_serves_is_allowed_and_cookies_are_secure(
        team_case: Path) -> None:
    sessions = Sessions(allowed_hosts("127.0.0.1", 8765) | {"dossier.example.org"},
                        team=True, secure=True)
    app = create_app(team_case, "nobody", sessions, team_case.parent / "outputs")
    proxied = TestClient(app, base_url="https://dossier.example.org",
                         follow_redirects=False)
    page = proxied.get("/login")
    assert page.status_code == 200
    assert "secure" in page.headers["set-cookie"].lower()
    assert "httponly" in page.headers["set-cookie"].lower()
    elsewhere = TestClient(app, base_url="https://evil.example.net", follow_redirects=False)
    assert elsewhere.get("/login").status_code == 400  # a foreign Host


def test_the_browsers_other_requests_do_not_spoil_the_sign_in_form(team_case: Path) -> None:
    """A browser asks for its icon beside the page; that request, sent to the sign-in
    page too, must not replace the token of the form on screen."""
    app, _ = _app(team_case)
    client = _client(app)
    page = client.get("/login").text
    assert client.get("/favicon.ico").headers["location"] == "/login"
    client.get("/login")  # what the icon's redirect fetches
    token = re.search(r'name="signin" value="([^"]+)"', page)
    assert token is not None
    signed = client.post("/login", data={"signin": token.group(1), "username": "ada",
                                         "password": PASSWORD})
    assert signed.status_code == 303


def test_two_editors_on_one_record_the_second_is_told_with_the_change(team_case: Path
                                                                      ) -> None:
    app, _ = _app(team_case)
    first, second = _client(app), _client(app)
    _sign_in(first, "eli")
    _sign_in(second, "ada")

    def opened(client: TestClient) -> tuple[str, dict[str, str]]:
        records = client.get("/records").text
        row = next(r for r in records.split("<tr>") if "victim" in r)
        link = re.search(r'href="(/record/[0-9a-f]{16})"', row)
        assert link is not None
        form = client.get(link.group(1)).text
        values = dict(re.findall(r'name="([a-z_]+)" type="text" value="([^"]*)"', form))
        values.update(re.findall(r'<textarea id="f-[^"]+" name="([a-z_]+)"[^>]*>(.*?)</textarea>',
                                 form, re.S))
        for name in ("csrf", "seen"):
            found = re.search(rf'name="{name}" value="([^"]*)"', form)
            assert found is not None
            values[name] = found.group(1)
        return link.group(1), values

    link, mine = opened(first)
    _, theirs = opened(second)
    assert first.post(link, data={**mine, "birth_place": "Northtown"}).status_code == 303
    told = second.post(link, data={**theirs, "birth_place": "Southtown"})
    assert told.status_code == 409 and "Northtown" in told.text  # the change, shown
    written = (team_case / "data" / "actors.yml").read_text("utf-8")
    assert "Northtown" in written and "Southtown" not in written
    entry = [e for e in read_log(team_case) if e.action == "edit"][-1]
    assert entry.actor == "eli" and entry.subject == "victim"


def test_an_admin_manages_accounts_in_the_app(team_case: Path) -> None:
    app, sessions = _app(team_case)
    admin, viewer = _client(app), _client(app)
    _sign_in(admin, "ada")
    _sign_in(viewer, "pam")
    page = admin.get("/accounts").text
    assert all(name in page for name in TEAM)
    token = _csrf(admin, "/accounts")
    made = admin.post("/accounts", data={"csrf": token, "action": "add", "username": "zoe",
                                         "password": PASSWORD, "role": "editor",
                                         "audience": "public"})
    assert made.status_code == 303
    assert "zoe: saved." in admin.get("/accounts").text
    newcomer = _client(app)
    assert _sign_in(newcomer, "zoe").status_code == 303
    half = admin.post("/accounts", data={"csrf": token, "action": "add", "username": "yan",
                                         "password": PASSWORD, "role": "viewer",
                                         "audience": "government"})
    assert half.status_code == 400 and "yan" not in admin.get("/accounts").text  # or neither
    too_high = admin.post("/accounts", data={"csrf": token, "action": "grant",
                                             "username": "zoe", "role": "viewer",
                                             "audience": "government"})
    assert too_high.status_code == 400 and "only an admin sees the government" in too_high.text
    assert admin.post("/accounts", data={"csrf": token, "action": "revoke",
                                         "username": "pam"}).status_code == 303
    assert viewer.get("/").headers["location"] == "/login"  # signed out at once
    assert _sign_in(viewer, "pam").status_code == 401  # no role here any more
    own = admin.post("/accounts", data={"csrf": token, "action": "revoke",
                                        "username": "ada"})
    assert own.status_code == 400
    actions = [e.action for e in read_log(team_case) if e.actor == "ada"]
    assert actions[-3:] == ["account-add", "account-grant", "account-revoke"]


def test_a_member_changes_their_own_password(team_case: Path) -> None:
    app, _ = _app(team_case)
    here, elsewhere = _client(app), _client(app)
    _sign_in(here, "rui")
    _sign_in(elsewhere, "rui")
    token = _csrf(here, "/password")
    new = "a brand new long password"
    wrong = here.post("/password", data={"csrf": token, "current": "not it at all",
                                         "new": new, "repeat": new})
    assert wrong.status_code == 400 and "current password is not right" in wrong.text
    differ = here.post("/password", data={"csrf": token, "current": PASSWORD,
                                          "new": new, "repeat": new + "!"})
    assert differ.status_code == 400
    done = here.post("/password", data={"csrf": token, "current": PASSWORD, "new": new,
                                        "repeat": new})
    assert done.status_code == 303
    assert here.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").headers["location"] == "/login"  # the others end
    assert _sign_in(_client(app), "rui", PASSWORD).status_code == 401
    assert _sign_in(_client(app), "rui", new).status_code == 303
    assert read_log(team_case)[-1].action == "account-password"

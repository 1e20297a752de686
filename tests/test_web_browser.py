"""The local web app in a real browser: Debian's Chromium, headless, driven by Selenium
through Debian's chromedriver (nothing is downloaded). The server is the real app under
uvicorn on a free port. Screenshots of the main pages go to ``DOSSIER_SCREENSHOTS`` when
that is set (the README's picture is made so)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from dossier.web.app import create_app
from dossier.web.security import COOKIE, Sessions, allowed_hosts
from tests.conftest import require_tool

pytestmark = pytest.mark.slow
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _serving(root: Path, outputs: Path, team: bool = False) -> Iterator[dict[str, Any]]:
    """The real app for the case at ``root`` under uvicorn on a free port (``team``: with
    accounts, as ``dossier serve --team``)."""
    import uvicorn

    port = _port()
    sessions = Sessions(allowed_hosts("127.0.0.1", port), team=team)
    app = create_app(root, "Browser Tester", sessions, outputs)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           access_log=False, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    try:
        yield {"url": f"http://127.0.0.1:{port}", "sessions": sessions, "root": root}
    finally:
        server.should_exit = True
        thread.join(timeout=10)


TEAM_PASSWORD = "a long fictional password"


@pytest.fixture(params=["alone", "team"])
def served(fictional: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """The app on the fictional case, as one person runs it (the one-time link) and as a
    team runs it (an admin signing in; the draft attribution entered by someone else, so
    that four eyes allow the admin to approve it)."""
    team = request.param == "team"
    if team:
        from entities.db.accounts import AccountStore
        from entities.db.database import CaseDatabase

        with CaseDatabase.for_case(fictional) as db:
            AccountStore(db).add("ada", TEAM_PASSWORD, "setup")
            AccountStore(db).grant("fictional_case", "ada", "admin", None, "setup")
        data = fictional / "data" / "incidents.yml"
        data.write_text(data.read_text("utf-8").replace(
            "  - id: att-chief\n", "  - id: att-chief\n    entered_by: Eli Editor\n"), "utf-8")
    with _serving(fictional, fictional.parent / "outputs", team=team) as found:
        found["team"] = team
        yield found


@pytest.fixture
def browser() -> Iterator[Any]:
    require_tool(CHROMIUM, "chromium")
    require_tool(DRIVER, "chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                 "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    yield driver
    driver.quit()


def _wait_for(driver: Any, text: str, seconds: float = 20) -> None:
    """Until the page's main part shows ``text``.

    While a page is being replaced Chromium may answer a lookup with a stale element, no
    element, or an inspector error about a node of the old document; each means "not yet".
    """
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, seconds, ignored_exceptions=[WebDriverException]).until(
            lambda d: text in d.find_element(By.TAG_NAME, "main").text)
    except TimeoutException:
        shown = driver.find_element(By.TAG_NAME, "body").text
        raise AssertionError(f"{text!r} is not on the page, which says:\n{shown}") from None


def _click_to(driver: Any, by: str, selector: str, text: str, seconds: float = 20) -> None:
    """Click an element and wait until the *next* page is there and shows ``text``."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, selector).click()

    def replaced(_: Any) -> bool:
        try:
            page.is_enabled()  # any call on an element of a page that is gone fails:
        except WebDriverException:  # stale, or Chromium's "does not belong to the
            return True  # document", depending on how far the swap has got
        return False

    WebDriverWait(driver, seconds).until(replaced)
    _wait_for(driver, text, seconds)


def _wait_for_the_build(driver: Any) -> None:
    """Until the build page, following the build by itself (its script reloads it once
    the build has ended), says the build is done; fail at once if it stopped."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def ended(d: Any) -> bool:
        shown = d.find_element(By.TAG_NAME, "main").text
        assert "The build stopped" not in shown, shown
        return "Built for the" in shown or "Packs made" in shown

    WebDriverWait(driver, 300, ignored_exceptions=[WebDriverException]).until(ended)


def _shot(driver: Any, name: str) -> None:
    folder = os.environ.get("DOSSIER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def test_an_advocate_reviews_builds_and_downloads_in_the_browser(
        served: dict[str, Any], browser: Any) -> None:
    from pypdf import PdfReader
    from selenium.webdriver.common.by import By

    _sign_in(browser, served)
    assert "token" not in browser.current_url  # the token leaves the address bar
    assert "Serik Oydanov" in browser.find_element(By.TAG_NAME, "main").text
    _shot(browser, "overview")
    _click_to(browser, By.LINK_TEXT, "Review", "att-chief")
    _shot(browser, "review")
    _click_to(browser, By.CSS_SELECTOR, "button[value=approve]", "att-chief is now reviewed")
    _click_to(browser, By.LINK_TEXT, "Build and download", "Build the outputs")
    _click_to(browser, By.CSS_SELECTOR, "main form button[type=submit]", "Build")
    _wait_for_the_build(browser)
    _shot(browser, "build")
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "a[href^='/download/']")
                if a.text.endswith(".pdf"))
    cookie = {c["name"]: c["value"] for c in browser.get_cookies()}[COOKIE]
    pdf = httpx.get(link.get_attribute("href"), cookies={COOKIE: cookie}, timeout=30)
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Oydanov" in text


def test_a_script_in_a_name_stays_text_in_the_dom(served: dict[str, Any],
                                                  browser: Any) -> None:
    from selenium.webdriver.common.by import By

    actors = served["root"] / "data" / "actors.yml"
    actors.write_text(actors.read_text("utf-8").replace(
        "{name: Serik Oydanov, lang: en}",
        '{name: "<img src=x onerror=document.title=1>Oydanov", lang: en}'), "utf-8")
    _sign_in(browser, served)
    main = browser.find_element(By.TAG_NAME, "main")
    assert "<img src=x onerror=document.title=1>Oydanov" in main.text  # shown as text
    assert main.find_elements(By.TAG_NAME, "img") == []
    assert browser.title != "1"


def test_without_the_link_the_browser_sees_nothing(served: dict[str, Any],
                                                   browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(served["url"] + "/")
    shown = browser.find_element(By.TAG_NAME, "body").text
    assert ("Sign in" if served["team"] else "Open the access link") in shown
    assert "Oydanov" not in browser.page_source


def test_records_are_added_and_mistakes_shown_next_to_the_field(served: dict[str, Any],
                                                                 browser: Any) -> None:
    from selenium.webdriver.common.by import By

    _sign_in(browser, served)
    _click_to(browser, By.LINK_TEXT, "Records", "The case's records")
    _click_to(browser, By.CSS_SELECTOR, "a[href='/new/people']", "New record")
    browser.find_element(By.ID, "f-id").send_keys("deputy")
    browser.find_element(By.ID, "f-names").send_keys("Aigerim Fictionova [en]\n"
                                                     "Айгерим Фиктионова [ru]")
    browser.find_element(By.ID, "f-birth_date").send_keys("in the seventies")
    browser.find_element(By.ID, "f-gender").send_keys("female")
    _click_to(browser, By.CSS_SELECTOR, "form.record button[type=submit]", "Not saved")
    error = browser.find_element(By.ID, "e-birth_date")
    assert error.is_displayed() and "date" in error.text
    assert browser.find_element(By.ID, "f-birth_date").get_attribute(
        "aria-describedby").endswith("e-birth_date")
    _shot(browser, "record-error")
    field = browser.find_element(By.ID, "f-birth_date")
    field.clear()
    field.send_keys("1975-04")
    _click_to(browser, By.CSS_SELECTOR, "form.record button[type=submit]", "deputy saved.")
    assert "Aigerim Fictionova" in browser.find_element(By.TAG_NAME, "main").text


def _sign_in(driver: Any, served: dict[str, Any], name: str = "ada",
             password: str = TEAM_PASSWORD) -> None:
    """Open the app: with the one-time link, or (a team) through the sign-in form."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    if not served.get("team"):
        driver.get(f"{served['url']}/login?token={served['sessions'].token}")
        return
    driver.get(served["url"] + "/login")
    _fill(driver, {"username": name, "password": password})
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "form.record button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: _gone(page))


def _fill(driver: Any, values: dict[str, str]) -> None:
    """Type ``values`` into the fields of that id (``f-<name>``), replacing what is there."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for name, value in values.items():
        field = driver.find_element(By.ID, f"f-{name}")
        if field.tag_name == "select":
            Select(field).select_by_value(value)
        else:
            field.clear()
            field.send_keys(value)


def _build_and_read_the_pdf(driver: Any, name: Callable[[str], bool]) -> str:
    """Build for the public audience in the browser, download the PDF whose name
    ``name`` accepts, and return its text."""
    from pypdf import PdfReader
    from selenium.webdriver.common.by import By

    _click_to(driver, By.LINK_TEXT, "Build and download", "Build the outputs")
    _click_to(driver, By.CSS_SELECTOR, "main form button[type=submit]", "Build")
    _wait_for_the_build(driver)
    link = next(a for a in driver.find_elements(By.CSS_SELECTOR, "a[href^='/download/']")
                if a.text.endswith(".pdf") and name(a.text))
    cookie = {c["name"]: c["value"] for c in driver.get_cookies()}[COOKIE]
    pdf = httpx.get(link.get_attribute("href"), cookies={COOKIE: cookie}, timeout=30)
    assert pdf.status_code == 200
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)


def test_a_new_case_from_nothing_to_a_dossier_in_the_browser_alone(
        tmp_path: Path, browser: Any) -> None:
    """As ``dossier serve --new``: settings, a source file uploaded (its hash shown) and
    cited, a workbook that refers to the case's records imported, the attribution it adds
    approved, a build, and the dossier downloaded and read."""
    from selenium.webdriver.common.by import By

    from dossier.scaffold import init_case
    from tests.sheet_helpers import fill_template

    root = tmp_path / "new-case"
    init_case(root)
    with _serving(root, tmp_path / "outputs") as served:
        _sign_in(browser, served)
        _click_to(browser, By.LINK_TEXT, "Case settings", "The case's settings")
        _fill(browser, {"title": "Fictionland detentions, 2025",
                        "organisation.name": "Fictionland Rights Watch",
                        "review": "single", "default_sensitivity": "public"})
        _click_to(browser, By.CSS_SELECTOR, "form.record button[type=submit]",
                  "Settings saved.")
        _shot(browser, "settings")

        letter = tmp_path / "letter.pdf"
        letter.write_bytes(b"%PDF-1.4\n% a fictional letter from the prosecutor\n%%EOF\n")
        _click_to(browser, By.LINK_TEXT, "Upload a source file", "Upload a source file")
        browser.find_element(By.ID, "file").send_keys(str(letter))
        _click_to(browser, By.CSS_SELECTOR, "main form button[type=submit]", "Kept as")
        shown = browser.find_element(By.CSS_SELECTOR, "p.uploaded").text
        assert hashlib.sha256(letter.read_bytes()).hexdigest() in shown
        _click_to(browser, By.LINK_TEXT, "Records", "The case's records")
        _click_to(browser, By.CSS_SELECTOR, "a[href='/new/sources']", "New record")
        _fill(browser, {"id": "src-letter", "title": "Letter of the Fictionland prosecutor",
                        "reliability": "B", "published": "2025-01-10",
                        "file": "sources/letter.pdf"})
        _click_to(browser, By.CSS_SELECTOR, "form.record button[type=submit]",
                  "src-letter saved.")

        workbook = fill_template(tmp_path / "partner.xlsx", {
            "Evidence": [{"id": "ev-letter", "source": "src-letter", "locator": "p. 1",
                          "type": "official_document", "credibility": 2,
                          "excerpt": "The journalist was detained on the order of the "
                                     "head of the service."}],
            "Attributions": [{"id": "att-letter", "actor": "official-1",
                              "incident": "inc-1", "mode": "ordering",
                              "evidence": "ev-letter"}]})
        _click_to(browser, By.LINK_TEXT, "Import and export", "Import a workbook")
        browser.find_element(By.ID, "file").send_keys(str(workbook))
        _click_to(browser, By.CSS_SELECTOR, "button[value=import]", "added 2")
        _shot(browser, "import-export")

        _click_to(browser, By.LINK_TEXT, "Review", "att-letter")
        card = next(c for c in browser.find_elements(By.CSS_SELECTOR, "section.card")
                    if "att-letter" in c.text)
        card.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
        _wait_for(browser, "att-letter is now reviewed")

        _click_to(browser, By.LINK_TEXT, "Records", "The case's records")
        row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "tr")
                   if "official-1" in r.text)
        browser.get(row.find_element(By.CSS_SELECTOR, "a[href^='/record/']")
                    .get_attribute("href"))
        _fill(browser, {"target": "yes"})
        _click_to(browser, By.CSS_SELECTOR, "form.record button[type=submit]",
                  "official-1 saved.")

        text = _build_and_read_the_pdf(
            browser, lambda n: n.startswith("dossiers/") and "overview" not in n)
        assert "Fictionland detentions, 2025" in text  # the settings
        assert "Fictionland Rights Watch" in text
        assert "head of the service" in text  # the evidence of the imported workbook


def test_two_tabs_editing_one_record_the_second_save_is_refused_with_the_change(
        served: dict[str, Any], browser: Any) -> None:
    from selenium.webdriver.common.by import By

    _sign_in(browser, served)
    _click_to(browser, By.LINK_TEXT, "Records", "The case's records")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "tr") if "victim" in r.text)
    address = row.find_element(By.CSS_SELECTOR, "a[href^='/record/']").get_attribute("href")
    browser.get(address)
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(address)
    _fill(browser, {"birth_place": "Northtown"})
    _click_to(browser, By.CSS_SELECTOR, "form.record button[type=submit]", "victim saved.")
    browser.switch_to.window(first)
    _fill(browser, {"birth_place": "Southtown"})
    _click_to(browser, By.CSS_SELECTOR, "form.record button[type=submit]",
              "the file changed since you opened this form")
    assert "Northtown" in browser.find_element(By.CSS_SELECTOR, "pre.diff").text
    written = (served["root"] / "data" / "actors.yml").read_text("utf-8")
    assert "Northtown" in written and "Southtown" not in written


def test_a_team_signs_in_and_each_role_sees_and_does_its_own(
        fictional: Path, browser: Any) -> None:
    """In team mode: a viewer signs in and sees outputs only; an editor adds a record; a
    reviewer cannot approve what they entered themselves, and signs out."""
    from selenium.webdriver.common.by import By

    from entities.db.accounts import AccountStore
    from entities.db.changes import open_case
    from entities.db.database import CaseDatabase

    with CaseDatabase.for_case(fictional) as db:
        store = AccountStore(db)
        for name, role in (("vera", "viewer"), ("emil", "editor"), ("rita", "reviewer")):
            store.add(name, TEAM_PASSWORD, "setup")
            store.grant("fictional_case", name, role, None, "setup")

    def sign_in(name: str, password: str = TEAM_PASSWORD) -> None:
        _sign_in(browser, served, name, password)

    def sign_out() -> None:
        _click_to(browser, By.CSS_SELECTOR, "form.inline button[type=submit]", "Sign in")

    with _serving(fictional, fictional.parent / "outputs", team=True) as served:
        served["team"] = True
        browser.get(served["url"] + "/")
        _wait_for(browser, "Sign in")  # sent to the sign-in page
        sign_in("vera", "not her password at all")
        _wait_for(browser, "do not open this case")
        _shot(browser, "team-sign-in")
        sign_in("vera")
        _wait_for(browser, "You see what the outputs for the Parliament audience show")
        _shot(browser, "team-viewer")
        links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "header nav a")]
        assert "Records" not in links and "Audit log" not in links and "Overview" in links
        assert "Quiet Witness" not in browser.page_source
        browser.get(served["url"] + "/records")
        _wait_for(browser, "Your role in this case does not allow this.")
        sign_out()

        sign_in("emil")
        _click_to(browser, By.LINK_TEXT, "Records", "The case's records")
        _click_to(browser, By.CSS_SELECTOR, "a[href='/new/attributions']", "New record")
        _fill(browser, {"id": "att-team", "actor": "chief", "incident": "inc-detention",
                        "mode": "ordering", "evidence": "ev-memo"})
        _click_to(browser, By.CSS_SELECTOR, "form.record button[type=submit]",
                  "att-team saved.")
        _shot(browser, "team-editor")
        sign_out()

        sign_in("rita")
        _click_to(browser, By.LINK_TEXT, "Review", "att-team")
        card = next(c for c in browser.find_elements(By.CSS_SELECTOR, "section.card")
                    if "att-team" in c.text)
        card.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
        _wait_for(browser, "att-team is now reviewed")
        sign_out()
    assert open_case(fictional).index["att-team"].reviewed_by == "rita"


def _gone(element: Any) -> bool:
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False

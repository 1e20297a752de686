"""The local web app in a real browser: Debian's Chromium, headless, driven by Selenium
through Debian's chromedriver (nothing is downloaded). The server is the real app under
uvicorn on a free port. Screenshots of the main pages go to ``DOSSIER_SCREENSHOTS`` when
that is set (the README's picture is made so)."""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from collections.abc import Iterator
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


@pytest.fixture
def served(fictional: Path) -> Iterator[dict[str, Any]]:
    import uvicorn

    port = _port()
    sessions = Sessions(allowed_hosts("127.0.0.1", port))
    app = create_app(fictional, "Browser Tester", sessions, fictional.parent / "outputs")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           access_log=False, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "sessions": sessions, "root": fictional}
    server.should_exit = True
    thread.join(timeout=10)


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
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, seconds, ignored_exceptions=[WebDriverException]).until(
        lambda d: text in d.find_element(By.TAG_NAME, "main").text)


def _click_to(driver: Any, by: str, selector: str, text: str, seconds: float = 20) -> None:
    """Click an element and wait until the *next* page is there and shows ``text``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, selector).click()
    WebDriverWait(driver, seconds).until(expected_conditions.staleness_of(page))
    _wait_for(driver, text, seconds)


def _shot(driver: Any, name: str) -> None:
    folder = os.environ.get("DOSSIER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def test_an_advocate_reviews_builds_and_downloads_in_the_browser(
        served: dict[str, Any], browser: Any) -> None:
    from pypdf import PdfReader
    from selenium.webdriver.common.by import By

    browser.get(f"{served['url']}/login?token={served['sessions'].token}")
    assert "token" not in browser.current_url  # the token leaves the address bar
    assert "Serik Oydanov" in browser.find_element(By.TAG_NAME, "main").text
    _shot(browser, "overview")
    _click_to(browser, By.LINK_TEXT, "Review", "att-chief")
    _shot(browser, "review")
    _click_to(browser, By.CSS_SELECTOR, "button[value=approve]", "att-chief is now reviewed")
    _click_to(browser, By.LINK_TEXT, "Build and download", "Build the outputs")
    _click_to(browser, By.CSS_SELECTOR, "form button[type=submit]", "Build")
    deadline = time.monotonic() + 300
    while "/download/" not in browser.page_source:  # the page follows the build
        assert "The build stopped" not in browser.page_source
        assert time.monotonic() < deadline, "the build did not finish"
        time.sleep(1)
        browser.refresh()
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
    browser.get(f"{served['url']}/login?token={served['sessions'].token}")
    main = browser.find_element(By.TAG_NAME, "main")
    assert "<img src=x onerror=document.title=1>Oydanov" in main.text  # shown as text
    assert main.find_elements(By.TAG_NAME, "img") == []
    assert browser.title != "1"


def test_without_the_link_the_browser_sees_nothing(served: dict[str, Any],
                                                   browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(served["url"] + "/")
    assert "Open the access link" in browser.find_element(By.TAG_NAME, "body").text
    assert "Oydanov" not in browser.page_source


def test_records_are_added_and_mistakes_shown_next_to_the_field(served: dict[str, Any],
                                                                 browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{served['url']}/login?token={served['sessions'].token}")
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

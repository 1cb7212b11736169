"""The Dasbor in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by Selenium.

A person asks for a sign-in link, opens it from the mail, reads the Status page and signs out. Screenshots go
to the folder named by SOP_KONTEN_SCREENSHOTS when it is set (docs/dasbor.md shows them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from automation.config import load_config
from automation.domain.texts import dasbor as dasbor_text
from tests.e2e.dasbor_support import LAST_CYCLE, MovableClock, newest_link, office_workspace, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS_ENV = "SOP_KONTEN_SCREENSHOTS"
PHONE = (390, 844)  # a common phone's viewport: the pages must be usable there


@pytest.fixture
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(f"the browser tests need {CHROMIUM} and {CHROMEDRIVER} (Debian: apt-get install chromium "
                    "chromium-driver; .ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--lang=id"):
        options.add_argument(argument)
    # the driver given explicitly: Selenium Manager would otherwise look for one on the internet
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def sent_page(driver):
    """The answer to the sign-in form, once the browser has it (a click does not wait for the next page)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "p.message")))


def arrived_at(driver, url: str) -> bool:
    """Whether the browser reaches `url` after a click: a form's submit returns before the next page loads."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return bool(WebDriverWait(driver, 30).until(expected_conditions.url_to_be(url)))
    except TimeoutException:
        return False


def screenshot(driver, name: str) -> None:
    folder = os.environ.get(SCREENSHOTS_ENV, "").strip()
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


@pytest.mark.slow
def test_a_person_signs_in_with_the_mailed_link_and_reads_the_status_page(tmp_path, browser):
    from selenium.webdriver.common.by import By

    office = office_workspace(tmp_path)
    clock = MovableClock(LAST_CYCLE)
    opened, serving = serve(office, clock)
    try:
        browser.set_window_size(*PHONE)
        browser.get(f"{serving.url}/status")
        assert browser.current_url == f"{serving.url}/masuk"  # sent to sign in first
        assert browser.find_element(By.TAG_NAME, "h1").text == dasbor_text.SIGN_IN_TITLE
        screenshot(browser, "masuk")
        browser.find_element(By.ID, "email").send_keys("sari@ikp.example")
        browser.find_element(By.CSS_SELECTOR, "form.sign-in button[type=submit]").click()
        assert sent_page(browser).text == dasbor_text.SIGN_IN_LINK_SENT

        link = newest_link(office, "sari@ikp.example")  # what she clicks in her mail
        browser.get(serving.url + link)
        assert browser.current_url == f"{serving.url}/"
        browser.get(f"{serving.url}/status")
        assert browser.find_element(By.TAG_NAME, "h1").text == dasbor_text.STATUS_TITLE
        header = browser.find_element(By.CSS_SELECTOR, "header form.who").text
        assert "Sari Tim Konten" in header
        daemon = browser.find_element(By.ID, "daemon").text
        assert dasbor_text.STATUS_RUNNING in daemon
        assert "1 perpindahan langkah" in daemon  # the last cycle's summary line
        current = browser.find_element(By.CSS_SELECTOR, "nav a[aria-current=page]")
        assert current.text == dasbor_text.NAV["/status"]
        screenshot(browser, "status")

        browser.find_element(By.CSS_SELECTOR, "header form.who button").click()
        assert arrived_at(browser, f"{serving.url}/masuk"), browser.current_url
        browser.get(f"{serving.url}/status")
        assert browser.current_url == f"{serving.url}/masuk"  # signed out: the session is gone
    finally:
        serving.stop()
        opened.close()



def _sign_in(browser, serving, office, address: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{serving.url}/masuk")
    browser.find_element(By.ID, "email").send_keys(address)
    browser.find_element(By.CSS_SELECTOR, "form.sign-in button[type=submit]").click()
    assert sent_page(browser).text == dasbor_text.SIGN_IN_LINK_SENT
    browser.get(serving.url + newest_link(office, address))


def _fits_the_screen(browser) -> bool:
    """Nothing wider than the viewport: no sideways scrolling on a phone."""
    return browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.slow
def test_every_page_shows_an_office_with_items_in_every_state(tmp_path, browser):
    """Papan, Kalender, Item, Publikasi, Kinerja and Status on a workspace whose journal holds items in every
    state the SOP knows (open at each step, late, Perlu Dicek, published, rejected), on a phone and a desktop."""
    from selenium.webdriver.common.by import By

    from automation.service.journal import Journal
    from tests.dasbor_items import KINDS, ItemWriter

    office = office_workspace(tmp_path)
    config = load_config(office.config)
    journal = Journal(config.journal)
    writer = ItemWriter(journal, feed=config.publish_path)
    built = {kind: writer.item(100 + n, kind) for n, kind in enumerate(KINDS, start=1)}
    writer.flush()
    journal.close()
    opened, serving = serve(office, MovableClock(LAST_CYCLE))
    try:
        browser.set_window_size(*PHONE)
        _sign_in(browser, serving, office, "sari@ikp.example")

        # Papan: every open item by step, the late ones first in their step and marked
        browser.get(f"{serving.url}/")
        assert browser.find_element(By.TAG_NAME, "h1").text == dasbor_text.PAPAN_HEADING
        shown = {row.get_attribute("data-id") for row in browser.find_elements(By.CSS_SELECTOR, "tr.task")}
        open_ids = {b.item_id for kind, b in built.items() if not kind.startswith(("published", "rejected"))}
        assert open_ids <= shown
        assert built["published"].item_id not in shown and built["rejected-2"].item_id not in shown
        for section in browser.find_elements(By.CSS_SELECTOR, "section.step"):
            late = ["overdue" in row.get_attribute("class").split()
                    for row in section.find_elements(By.CSS_SELECTOR, "tr.task")]
            assert late == sorted(late, reverse=True), section.get_attribute("id")  # overdue first
        assert browser.find_elements(By.CSS_SELECTOR, f"tr.task.overdue[data-id='{built['late-3'].item_id}']")
        assert _fits_the_screen(browser)
        screenshot(browser, "papan-ponsel")

        browser.set_window_size(1280, 900)
        screenshot(browser, "papan")

        # Kalender: the month's schedules and publications
        browser.get(f"{serving.url}/kalender?bulan=2026-11")
        assert browser.find_element(By.TAG_NAME, "h1").text.startswith(dasbor_text.KALENDER_TITLE)
        assert browser.find_elements(By.CSS_SELECTOR, "table.calendar a.entry")
        screenshot(browser, "kalender")

        # Item: a published item's story, previews and links; an unconfirmed one explained
        browser.get(f"{serving.url}/item/{built['published'].item_id}")
        assert built["published"].item_id in browser.find_element(By.TAG_NAME, "h1").text
        assert len(browser.find_elements(By.CSS_SELECTOR, "table.story tr.event")) >= 7  # every step's decision
        assert browser.find_elements(By.CSS_SELECTOR, "article.preview")
        screenshot(browser, "item")
        browser.get(f"{serving.url}/item/{built['check-7'].item_id}")
        assert browser.find_element(By.ID, "perlu-dicek").text.startswith(dasbor_text.NEEDS_CHECK)

        # Publikasi: the feed, newest first
        browser.get(f"{serving.url}/publikasi")
        assert browser.find_element(By.TAG_NAME, "h1").text == dasbor_text.PUBLIKASI_TITLE
        assert browser.find_elements(By.CSS_SELECTOR, "div.feed article.preview")
        screenshot(browser, "publikasi")

        # Kinerja: the month's figures against the time standards, and the report's chart drawn
        browser.get(f"{serving.url}/kinerja?bulan=2026-11")
        assert browser.find_elements(By.CSS_SELECTOR, "table.figures tr[data-step]")
        chart = browser.find_element(By.CSS_SELECTOR, "figure.chart img")
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", chart)
        screenshot(browser, "kinerja")

        browser.get(f"{serving.url}/status")
        assert browser.find_element(By.TAG_NAME, "h1").text == dasbor_text.STATUS_TITLE
        screenshot(browser, "status-desktop")
    finally:
        serving.stop()
        opened.close()

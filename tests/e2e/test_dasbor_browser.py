"""The Dasbor in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by Selenium.

A person asks for a sign-in link, opens it from the mail, reads the Status page and signs out. Screenshots go
to the folder named by SOP_KONTEN_SCREENSHOTS when it is set (docs/dasbor.md shows them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
        assert browser.find_element(By.CSS_SELECTOR, "p.message").text == dasbor_text.SIGN_IN_LINK_SENT

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
        assert browser.current_url == f"{serving.url}/masuk"
        browser.get(f"{serving.url}/status")
        assert browser.current_url == f"{serving.url}/masuk"  # signed out: the session is gone
    finally:
        serving.stop()
        opened.close()


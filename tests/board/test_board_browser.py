"""The board's Mini App in a real headless Chromium: it loads, shows the rows, sorts, and shows
nothing without a valid initData. Telegram hands initData to the page in the URL fragment
(#tgWebAppData=…) or as window.Telegram.WebApp.initData; both are done here as Telegram does.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from gelbot.clock import ManualClock
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeTelegram
from tests.board.test_board_web import HIDDEN, board_server, init_data_for
from tests.support.board_world import make_department

__all__ = ["board_server"]  # the fixture, shared with the HTTP tests

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="Chromium and its driver are not installed (apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """One headless Chromium with a fresh profile, phone-sized, for the module's tests."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=390,844",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


async def _in_browser(function: Any, *args: Any) -> Any:
    # Selenium blocks; the board's server answers on this event loop meanwhile.
    return await asyncio.to_thread(function, *args)


def _wait_for(driver: webdriver.Chrome, css: str) -> None:
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))


def _names(driver: webdriver.Chrome) -> list[str]:
    return [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#tablero td.nombre")]


def _open_with_fragment(driver: webdriver.Chrome, url: str, init_data: str) -> None:
    driver.get("about:blank")  # a new document, not only a new fragment
    driver.get(f"{url}#tgWebAppData={quote(init_data, safe='')}&tgWebAppVersion=8.0")


async def test_the_mini_app_loads_shows_the_rows_and_sorts(
    browser: webdriver.Chrome, board_server: str, services: Services,
    telegram: FakeTelegram, clock: ManualClock,
) -> None:  # fmt: skip
    dept = await make_department(services, telegram, clock)
    await _in_browser(_open_with_fragment, browser, board_server, init_data_for(dept, services))
    await _in_browser(_wait_for, browser, "#tablero tbody tr")
    assert _names(browser) == [
        "Alcaldía de Villagarzón", "Alcaldía de Puerto Asís", "Alcaldía de Mocoa",
    ]  # fmt: skip
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Nunca se ha reunido (2 reuniones esperadas este periodo)" in text
    assert "3 venc. de 4" in text
    assert not any(word in browser.page_source for word in HIDDEN)
    assert browser.find_element(By.CSS_SELECTOR, "img.grafico").get_attribute("naturalWidth")
    # Readable on a phone: the page itself never scrolls sideways (the table may, inside it).
    assert browser.execute_script("return document.body.scrollWidth <= window.innerWidth + 1")

    by_name = browser.find_element(By.XPATH, "//th[normalize-space()='Comité']")
    by_name.click()
    assert _names(browser) == [
        "Alcaldía de Mocoa", "Alcaldía de Puerto Asís", "Alcaldía de Villagarzón",
    ]  # fmt: skip
    assert by_name.get_attribute("aria-sort") == "ascending"
    by_name.click()
    assert _names(browser)[0] == "Alcaldía de Villagarzón"
    assert by_name.get_attribute("aria-sort") == "descending"
    browser.find_element(By.XPATH, "//th[normalize-space()='Compromisos']").click()
    assert _names(browser)[-1] == "Alcaldía de Puerto Asís"  # green cells before the red one
    browser.find_element(By.XPATH, "//th[normalize-space()='#']").click()
    assert _names(browser)[0] == "Alcaldía de Villagarzón"  # back to attention order


async def test_init_data_from_telegram_web_app_object(
    browser: webdriver.Chrome, board_server: str, services: Services,
    telegram: FakeTelegram, clock: ManualClock,
) -> None:  # fmt: skip
    dept = await make_department(services, telegram, clock)
    init_data = init_data_for(dept, services)
    script = f"window.Telegram = {{WebApp: {{initData: {json.dumps(init_data)}}}}};"
    added = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})
    try:
        await _in_browser(browser.get, "about:blank")
        await _in_browser(browser.get, board_server)
        await _in_browser(_wait_for, browser, "#tablero tbody tr")
        assert len(_names(browser)) == 3
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
        )


@pytest.mark.parametrize("case", ["sin datos", "firma falsa", "vencidos"])
async def test_without_a_valid_init_data_the_page_shows_nothing(
    case: str, browser: webdriver.Chrome, board_server: str, services: Services,
    telegram: FakeTelegram, clock: ManualClock,
) -> None:  # fmt: skip
    dept = await make_department(services, telegram, clock)
    if case == "sin datos":
        await _in_browser(browser.get, "about:blank")
        await _in_browser(browser.get, board_server)
        expected = "Abra este tablero desde el botón «Ver el tablero»"
    else:
        token = {"token": "654321:OTHER"} if case == "firma falsa" else {}
        init_data = init_data_for(dept, services, **token)
        if case == "vencidos":
            clock.advance(hours=2)
        await _in_browser(_open_with_fragment, browser, board_server, init_data)
        expected = "No pude comprobar que usted abrió este tablero desde Telegram"
    await _in_browser(_wait_for, browser, "#estado:not(:empty)")
    WebDriverWait(browser, 20).until(
        lambda d: "Cargando" not in d.find_element(By.ID, "estado").text
    )
    assert expected in browser.find_element(By.ID, "estado").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#tablero")
    assert "Alcaldía" not in browser.page_source

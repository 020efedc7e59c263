"""The board's web server: the Mini App page carries no data; the board needs a valid initData."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from gelbot.board import web
from gelbot.clock import ManualClock
from gelbot.models import Committee
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeTelegram
from tests.board.test_board_initdata import TOKEN, fields, telegram_signed
from tests.support.board_world import Department, make_department

NAMES = ("Alcaldía de Mocoa", "Alcaldía de Villagarzón", "Alcaldía de Puerto Asís")
HIDDEN = ("Sibundoy", "Colón", "Secreto")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def board_server(services: Services) -> AsyncIterator[str]:
    """gelbot's board server on 127.0.0.1, as `gelbot run` starts it; yields its page's URL."""
    port = free_port()
    server = web.start(services, TOKEN, listen="127.0.0.1", port=port, max_age=timedelta(hours=1))
    yield f"http://127.0.0.1:{port}/tablero"
    server.stop()
    await server.close_all_connections()


def init_data_for(dept: Department, services: Services, **kwargs: object) -> str:
    assert dept.delegada is not None
    moment = services.clock.now() - timedelta(minutes=1)
    return telegram_signed(fields(dept.delegada.id, at=moment), **kwargs)  # type: ignore[arg-type]


async def _post(url: str, body: object) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as client,
        client.post(url + "/datos", data=json.dumps(body)) as answer,
    ):
        return answer.status, await answer.text()


async def test_the_page_holds_no_data_and_no_token(
    board_server: str, services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    await make_department(services, telegram, clock)
    async with aiohttp.ClientSession() as client, client.get(board_server) as answer:
        assert answer.status == 200
        assert answer.headers["Cache-Control"] == "no-store"
        page = await answer.text()
    assert "<title>Tablero de comités</title>" in page
    assert TOKEN not in page and TOKEN.split(":")[1] not in page
    assert not any(name in page for name in (*NAMES, *HIDDEN))


async def test_the_board_goes_only_to_a_valid_init_data_and_shows_only_what_accepted_them(
    board_server: str, services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    dept = await make_department(services, telegram, clock)
    status, body = await _post(board_server, {"initData": init_data_for(dept, services)})
    assert status == 200
    html = json.loads(body)["html"]
    assert all(name in html for name in NAMES)
    assert not any(word in html for word in HIDDEN)
    assert "Nunca se ha reunido (2 reuniones esperadas este periodo)" in html

    forged = init_data_for(dept, services, token="654321:OTHER")
    clock.advance(hours=2)
    expired = init_data_for(dept, services)
    clock.advance(hours=1, seconds=1)
    for refused in ({"initData": forged}, {"initData": expired}, {}, [], "x"):
        status, body = await _post(board_server, refused)
        assert (status, json.loads(body)) == (401, {"error": "no autorizado"})
    async with (
        aiohttp.ClientSession() as client,
        client.post(board_server + "/datos", data=b"{" * 10_000) as answer,
    ):
        assert answer.status == 400  # larger than any initData: refused before reading


async def test_someone_who_follows_nothing_gets_an_empty_board(
    board_server: str, services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    dept = await make_department(services, telegram, clock)
    ana = dept.worlds["Mocoa"].users["Ana"]  # Mocoa's coordinadora follows no committee
    init_data = telegram_signed(fields(ana.id, at=clock.now()))
    status, body = await _post(board_server, {"initData": init_data})
    assert status == 200
    html = json.loads(body)["html"]
    assert "Ningún comité lo ha aceptado como delegado todavía." in html
    assert not any(word in html for word in (*NAMES, *HIDDEN))


async def test_names_are_escaped_and_the_page_runs_only_its_own_script(
    board_server: str, services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    dept = await make_department(services, telegram, clock)
    async with services.transaction() as session:
        committee = await session.get(Committee, dept.committee_id("Villagarzón"))
        assert committee is not None
        committee.entity_name = 'Alcaldía <img src=x onerror="alert(1)"><script>alert(2)</script>'
    status, body = await _post(board_server, {"initData": init_data_for(dept, services)})
    html = json.loads(body)["html"]
    assert status == 200
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&lt;script&gt;alert(2)" in html
    assert "<img src=x" not in html and "<script" not in html
    async with aiohttp.ClientSession() as client, client.get(board_server) as answer:
        policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy

"""`gelbot run` serves the board's Mini App when GELBOT_TABLERO_URL is set, with the bot's token."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime

import aiohttp

from gelbot.board.initdata import sign
from tests.support.botapi_server import BotApiServer
from tests.test_e2e import (
    STARTUP_SECONDS,
    TOKEN,
    GelbotProcess,
    assert_no_secrets,
    e2e_database_url,
    free_port,
    launch,
    server,
)

__all__ = ["e2e_database_url", "launch", "server"]  # fixtures this module uses


async def _get_when_up(client: aiohttp.ClientSession, url: str, process: GelbotProcess) -> str:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_SECONDS
    while True:
        process.assert_running()
        try:
            async with client.get(url) as answer:
                assert answer.status == 200
                return await answer.text()
        except aiohttp.ClientConnectionError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.1)


async def test_gelbot_run_serves_the_board(
    server: BotApiServer, launch: Callable[..., GelbotProcess]
) -> None:
    port = free_port()
    process = launch(
        GELBOT_TABLERO_URL="https://gelbot.example.gov.co/tablero",
        GELBOT_TABLERO_LISTEN="127.0.0.1",
        GELBOT_TABLERO_PORT=str(port),
    )
    base = f"http://127.0.0.1:{port}/tablero"
    user = json.dumps({"id": 4242, "first_name": "Delia"})
    now = str(int(datetime.now(UTC).timestamp()))
    async with aiohttp.ClientSession() as client:
        page = await _get_when_up(client, base, process)
        assert "Cargando el tablero…" in page
        signed = sign({"auth_date": now, "user": user}, TOKEN)  # signed with gelbot's token
        async with client.post(base + "/datos", json={"initData": signed}) as answer:
            assert answer.status == 200
            assert "Ningún comité lo ha aceptado" in (await answer.json())["html"]
        forged = sign({"auth_date": now, "user": user}, "123456:not-the-token")
        async with client.post(base + "/datos", json={"initData": forged}) as answer:
            assert answer.status == 401
    assert await process.stop() == 0
    output = process.output()
    assert "tablero: serving https://gelbot.example.gov.co/tablero" in output
    assert "Traceback" not in output
    assert_no_secrets(output)

"""`gelbot run` as a real process, talking HTTP to a Bot API server on 127.0.0.1.

These are the only tests that wait on real I/O: the bot is a subprocess, so the test awaits the
server's transcript (never the wall clock for behaviour). Each process is killed in teardown.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from gelbot.telegram.fake_api import FakeChat, FakeUser
from tests.support.botapi_server import SECRET_HEADER, BotApiServer

TOKEN = "123456:ABC-secretvalue"
TOKEN_KEY = TOKEN.partition(":")[2]
WEBHOOK_SECRET = "e2e-Webhook_secret-42"
STARTUP_SECONDS = 30.0
POSTGRES_URL = os.environ.get("GELBOT_TEST_DATABASE_URL")


def gelbot_env(**values: str) -> dict[str, str]:
    """The test's environment without any GELBOT_ variable of the developer's, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GELBOT_")}
    env.update(values)
    return env


def gelbot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `gelbot <args>` to completion (for the runs that must stop at once)."""
    return subprocess.run(
        [sys.executable, "-m", "gelbot", *args],
        env=gelbot_env(**env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=STARTUP_SECONDS,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class GelbotProcess:
    """`gelbot run` in the background; its output goes to files (DEBUG logs fill any pipe)."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.stdout_path, self.stderr_path = cwd / "gelbot.out", cwd / "gelbot.err"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "gelbot", *args], env=env, cwd=cwd, stdout=out, stderr=err
            )

    def output(self) -> str:
        return self.stdout_path.read_text("utf-8") + self.stderr_path.read_text("utf-8")

    def assert_running(self) -> None:
        code = self.popen.poll()
        if code is not None:
            raise AssertionError(f"gelbot exited with {code}:\n{self.output()[-4000:]}")

    async def exit_status(self) -> int:
        """Wait for the process to end, keeping the loop (and the Bot API server) running."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP_SECONDS
        while self.popen.poll() is None:
            if loop.time() > deadline:
                raise AssertionError(f"gelbot did not stop:\n{self.output()[-4000:]}")
            await asyncio.sleep(0.05)
        return self.popen.returncode

    async def stop(self) -> int:
        """SIGTERM, as systemd and `docker stop` send, and the exit status."""
        self.popen.send_signal(signal.SIGTERM)
        return await self.exit_status()

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait(timeout=STARTUP_SECONDS)


@pytest.fixture
def e2e_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database `gelbot run` has never seen: it must migrate it on start."""
    if POSTGRES_URL:
        # The shared PostgreSQL test database, emptied after the test by its fixture.
        return str(request.getfixturevalue("database_url"))
    return f"sqlite:///{tmp_path / 'gelbot-e2e.sqlite3'}"


@pytest.fixture
async def server() -> AsyncIterator[BotApiServer]:
    async with BotApiServer(TOKEN) as running:
        yield running


@pytest.fixture
def launch(
    tmp_path: Path, e2e_database_url: str, server: BotApiServer
) -> Iterator[Callable[..., GelbotProcess]]:
    """Start `gelbot run` against `server`; whatever is still running is killed afterwards."""
    started: list[GelbotProcess] = []

    def start(*args: str, **env: str) -> GelbotProcess:
        values = {
            "GELBOT_TOKEN": TOKEN,
            "GELBOT_BOT_API_URL": server.url,
            "GELBOT_BOT_API_FILE_URL": server.file_url,
            "GELBOT_DATABASE_URL": e2e_database_url,
            "GELBOT_LOG_LEVEL": "DEBUG",
            **env,
        }
        process = GelbotProcess(["run", *args], gelbot_env(**values), tmp_path)
        started.append(process)
        server.check = process.assert_running
        return process

    yield start
    for process in started:
        process.kill()


async def onboard(server: BotApiServer) -> tuple[FakeUser, FakeUser, FakeChat]:
    """The first day of a committee, as its people would live it in Telegram."""
    tg = server.tg
    ana, beto = tg.add_user("Ana", "ana"), tg.add_user("Beto", "beto")
    group = tg.add_group("Comité GEL Mocoa", admins=[ana])

    tg.send_text(ana, group, "/comite Alcaldía de Mocoa")
    question = await server.wait_for(lambda m: "¿La entidad es del orden" in m.plain, 30)
    assert question.chat_id == group.id
    assert [b["text"] for b in question.buttons()] == ["Territorial", "Nacional"]
    tg.press(ana, question, 1)
    await server.wait_for(lambda m: m is question and "municipal" in m.plain)
    assert [b["text"] for b in question.buttons()] == ["Municipal", "Departamental"]
    tg.press(ana, question, 1)
    await server.wait_for(lambda m: m is question and "Próximos pasos" in m.plain)
    assert "entidad territorial, municipal" in question.plain

    tg.send_text(beto, group, "/unirme Secretario de Planeación")
    joined = await server.wait_for(lambda m: "Bienvenido(a) al comité" in m.plain)
    assert "Beto: Secretario de Planeación" in joined.plain
    assert joined.buttons()[0]["url"].endswith("?start=c1")

    tg.send_text(ana, group, "/rol @beto editor_web")
    await server.wait_for(lambda m: "Beto ahora es editor(a) del sitio web del comité" in m.plain)

    tg.send_text(beto, group, "/miembros")
    listing = await server.wait_for(lambda m: "Comité de la Alcaldía de Mocoa — 2" in m.plain)
    assert "Beto — editor(a) del sitio web, Secretario de Planeación" in listing.plain
    assert "Ana — coordinador(a)" in listing.plain

    private = tg.private_chat(beto)
    tg.send_text(beto, private, "/start c1")
    hello = await server.wait_for(lambda m: m.chat_id == private.id)
    assert "Quedó conectado(a) con el comité de la Alcaldía de Mocoa" in hello.plain
    return ana, beto, group


def assert_no_secrets(output: str) -> None:
    assert TOKEN not in output
    assert TOKEN_KEY not in output
    assert WEBHOOK_SECRET not in output


# -- (a) long polling -----------------------------------------------------------------------------
async def test_onboarding_over_long_polling(
    server: BotApiServer, launch: Callable[..., GelbotProcess]
) -> None:
    process = launch()
    await onboard(server)

    default_menu = {c["command"] for c in server.tg.commands["default"]}
    assert {"comite", "unirme", "miembros", "ayuda"} <= default_menu
    assert "rol" in {c["command"] for c in server.tg.commands["all_chat_administrators"]}
    assert server.calls_of("getUpdates"), "the bot should have long-polled"
    assert server.tg.webhook is None

    assert await process.stop() == 0
    output = process.output()
    assert "DEBUG" in output, "GELBOT_LOG_LEVEL=DEBUG should log, or this check proves nothing"
    assert "Traceback" not in output
    assert " ERROR " not in output and " CRITICAL " not in output
    assert_no_secrets(output)


# -- (b) webhook ----------------------------------------------------------------------------------
def _forged_update(update_id: int, user: FakeUser, chat: FakeChat, text: str) -> dict[str, Any]:
    """An update that did not come from Telegram (so the server does not deliver it itself)."""
    entity = {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
    message = {
        "message_id": 90_000 + update_id,
        "date": 1_236_000_000,
        "chat": chat.to_dict(),
        "from": user.to_dict(),
        "text": text,
        "entities": [entity],
    }
    return {"update_id": update_id, "message": message}


async def test_onboarding_over_webhook_rejects_unsigned_posts(
    server: BotApiServer, launch: Callable[..., GelbotProcess]
) -> None:
    port = free_port()
    webhook_url = f"http://127.0.0.1:{port}/telegram"
    process = launch(
        "--webhook",
        GELBOT_WEBHOOK_URL=webhook_url,
        GELBOT_WEBHOOK_LISTEN="127.0.0.1",
        GELBOT_WEBHOOK_PORT=str(port),
        GELBOT_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )
    await server.wait_until(lambda: server.tg.webhook is not None, 30, "setWebhook")
    assert server.tg.webhook == {"url": webhook_url, "secret_token": WEBHOOK_SECRET}

    _ana, beto, group = await onboard(server)
    assert server.deliveries and all(status == 200 for _, status in server.deliveries)
    assert not server.calls_of("getUpdates"), "a webhook bot must not poll"

    mallory = server.tg.add_user("Mallory", "mallory")
    async with aiohttp.ClientSession() as client:
        for number, headers in enumerate(({}, {SECRET_HEADER: "not-the-secret"}), start=1):
            update = _forged_update(50_000 + number, mallory, group, "/unirme Intruso")
            async with client.post(webhook_url, json=update, headers=headers) as response:
                assert response.status == 403

    # Telegram's next update is processed; the forged ones before it never were.
    last = server.tg.sent[-1].message_id
    server.tg.send_text(beto, group, "/miembros")
    listing = await server.wait_for(lambda m: m.message_id > last and "Comité de" in m.plain)
    assert "Mallory" not in listing.plain
    assert not [m for m in server.tg.sent if "Intruso" in m.plain]

    assert await process.stop() == 0
    output = process.output()
    # At DEBUG, PTB logs each refused request with its (harmless) HTTPError traceback.
    assert output.count("HTTP 403: Request did not include the secret token") == 1
    assert output.count("HTTP 403: Request had the wrong secret token") == 1
    assert " ERROR " not in output and " CRITICAL " not in output
    assert_no_secrets(output)


# -- (c, d, e) what stops `gelbot run` before it starts -----------------------------------------
def test_run_without_token_explains_botfather(tmp_path: Path) -> None:
    result = gelbot("run", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "@BotFather" in lines[0] and "GELBOT_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GELBOT_TIMEZONE", "Marte/Base"),
        ("GELBOT_WEBHOOK_PORT", "99999"),
        ("GELBOT_DATABASE_URL", "mysql://x"),
    ],
)
def test_run_with_invalid_setting_names_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = gelbot("run", cwd=tmp_path, GELBOT_TOKEN=TOKEN, **{variable: value})
    assert result.returncode == 2
    assert variable in result.stderr
    assert "Traceback" not in result.stderr
    assert_no_secrets(result.stdout + result.stderr)


def test_webhook_without_url_says_what_is_missing(tmp_path: Path) -> None:
    result = gelbot(
        "run", "--webhook", cwd=tmp_path, GELBOT_TOKEN=TOKEN, GELBOT_WEBHOOK_SECRET=WEBHOOK_SECRET
    )
    assert result.returncode == 2
    assert result.stderr.startswith("El modo webhook necesita GELBOT_WEBHOOK_URL")
    assert "GELBOT_WEBHOOK_SECRET" not in result.stderr  # that one is set
    assert "Traceback" not in result.stderr


async def test_rejected_token_is_explained_without_printing_it(
    tmp_path: Path, e2e_database_url: str
) -> None:
    async with BotApiServer("654321:another-bots-token") as other:
        process = GelbotProcess(
            ["run"],
            gelbot_env(
                GELBOT_TOKEN=TOKEN,
                GELBOT_BOT_API_URL=other.url,
                GELBOT_DATABASE_URL=e2e_database_url,
            ),
            tmp_path,
        )
        try:
            assert await process.exit_status() == 2
        finally:
            process.kill()
    output = process.output()
    assert "Telegram rechazó GELBOT_TOKEN" in output.splitlines()[-1]
    # PTB's InvalidToken quotes the token; the log line about it must show the placeholder.
    assert "[TOKEN]" in output
    assert_no_secrets(output)


async def test_webhook_port_in_use_is_explained(
    server: BotApiServer, launch: Callable[..., GelbotProcess]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        process = launch(
            "--webhook",
            GELBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            GELBOT_WEBHOOK_PORT=str(port),
            GELBOT_WEBHOOK_SECRET=WEBHOOK_SECRET,
            GELBOT_LOG_LEVEL="INFO",
        )
        assert await process.exit_status() == 1
    last_line = process.output().splitlines()[-1]
    assert last_line.startswith(f"No pude escuchar en 127.0.0.1:{port} (GELBOT_WEBHOOK_")
    assert "Traceback" not in process.output()

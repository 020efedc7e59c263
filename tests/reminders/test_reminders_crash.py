"""The delivery rule, proven: `gelbot tick` is killed between claim and send, and between send and
record (also after a nag's question is stored); after a restart every reminder was delivered, at
most once more than it should.

The dispatcher runs as a real subprocess (`python -m gelbot tick --at …`) against a Bot API
server on 127.0.0.1; GELBOT_TEST_CRASH_AT makes it exit abruptly (os._exit) at the named point.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gelbot.cli import app
from gelbot.clock import ManualClock
from gelbot.domain import pending_prompts
from gelbot.models import Role
from gelbot.reminders.dispatcher import NAG_PROMPT
from gelbot.services import Services
from gelbot.telegram.fake_api import BotApiError, FakeTelegram
from tests.support.botapi_server import BotApiServer
from tests.support.reminders_world import World, add_compromiso, add_person, make_world

TOKEN = "123456:crash-test-token"
CRASH_EXIT = 75
TIMEOUT = 60.0


@pytest.fixture
async def server(clock: ManualClock) -> AsyncIterator[BotApiServer]:
    async with BotApiServer(TOKEN, FakeTelegram(now=clock.now)) as running:
        yield running


async def gelbot_tick(
    server: BotApiServer, database_url: str, cwd: Path, at: str, crash_at: str | None = None
) -> tuple[int, str]:
    """Run `gelbot tick --at AT` to its end (or its crash), the server answering meanwhile."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GELBOT_")}
    env |= {
        "GELBOT_TOKEN": TOKEN,
        "GELBOT_BOT_API_URL": server.url,
        "GELBOT_DATABASE_URL": database_url,
    }
    if crash_at:
        env["GELBOT_TEST_CRASH_AT"] = crash_at
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gelbot", "tick", "--at", at, env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), TIMEOUT)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def three_due(server: BotApiServer, services: Services) -> World:
    """At 2009-03-02 09:00 three private reminders are due: Eva's nag, Beto's and Caro's."""
    world = await make_world(services, server.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await add_person(world, "Beto")
    await add_person(world, "Caro")
    await add_compromiso(world, "Beto", "Publicar el organigrama", date(2009, 3, 5))
    await add_compromiso(world, "Caro", "Publicar el presupuesto", date(2009, 3, 5))
    return world


def deliveries(server: BotApiServer, world: World) -> Counter[str]:
    by_chat = Counter(m.chat_id for m in server.tg.sent)
    return Counter({name: by_chat[world.users[name].id] for name in ("Eva", "Beto", "Caro")})


async def test_crash_between_claim_and_send_delivers_once(
    server: BotApiServer, services: Services, database_url: str, tmp_path: Path
) -> None:
    world = await three_due(server, services)
    code, output = await gelbot_tick(
        server, database_url, tmp_path, "2009-03-02T09:00", crash_at="after_claim"
    )
    assert code == CRASH_EXIT, output
    assert sum(deliveries(server, world).values()) == 0  # claimed, never sent

    # Restarted within the claim's lease: the rows are still held by the dead process.
    code, output = await gelbot_tick(server, database_url, tmp_path, "2009-03-02T09:05")
    assert code == 0, output
    assert sum(deliveries(server, world).values()) == 0

    # Once the lease (10 minutes) is over, the next dispatcher takes them.
    code, output = await gelbot_tick(server, database_url, tmp_path, "2009-03-02T09:11")
    assert code == 0, output
    assert "reclamados tras caída: 3" in output
    assert deliveries(server, world) == Counter({"Eva": 1, "Beto": 1, "Caro": 1})


async def test_crash_between_send_and_record_duplicates_at_most_one(
    server: BotApiServer, services: Services, database_url: str, tmp_path: Path
) -> None:
    world = await three_due(server, services)
    code, output = await gelbot_tick(
        server, database_url, tmp_path, "2009-03-02T09:00", crash_at="after_send"
    )
    assert code == CRASH_EXIT, output
    assert sum(deliveries(server, world).values()) == 1  # sent, not recorded

    code, output = await gelbot_tick(server, database_url, tmp_path, "2009-03-02T09:11")
    assert code == 0, output
    delivered = deliveries(server, world)
    # Every reminder arrived; the one in flight at the crash arrived twice, no other did.
    assert sorted(delivered.values()) == [1, 1, 2]

    code, output = await gelbot_tick(server, database_url, tmp_path, "2009-03-02T09:30")
    assert deliveries(server, world) == delivered  # nothing more, ever


async def test_crash_after_storing_the_nags_question_loses_no_question(
    server: BotApiServer, services: Services, database_url: str, tmp_path: Path
) -> None:
    # Eva's weekly nag is answered by replying with a number, which needs its question stored.
    # It is stored before the send is recorded: a crash between the two resends the nag, and
    # the first copy's question is still there to answer.
    world = await three_due(server, services)
    code, output = await gelbot_tick(
        server, database_url, tmp_path, "2009-03-02T09:00", crash_at="after_question"
    )
    assert code == CRASH_EXIT, output
    assert deliveries(server, world)["Eva"] == 1

    code, output = await gelbot_tick(server, database_url, tmp_path, "2009-03-02T09:11")
    assert code == 0, output
    assert deliveries(server, world) == Counter({"Eva": 2, "Beto": 1, "Caro": 1})
    async with services.transaction() as session:
        for copy in server.tg.messages_to(world.users["Eva"].id):
            question = await pending_prompts.find(session, copy.chat_id, copy.message_id)
            assert question is not None and question.kind == NAG_PROMPT, copy


async def test_crash_between_parts_of_a_long_message_repeats_no_part(
    server: BotApiServer, services: Services, database_url: str, tmp_path: Path
) -> None:
    world = await make_world(services, server.tg)
    await add_person(world, "Beto")
    for n in range(30):  # one reminder of 30 compromisos: two parts
        words = " ".join(f"paso{n}x{k}" for k in range(30))
        await add_compromiso(world, "Beto", f"Tarea {n}: {words}", date(2009, 3, 5))
    code, output = await gelbot_tick(
        server, database_url, tmp_path, "2009-03-02T09:00", crash_at="after_part"
    )
    assert code == CRASH_EXIT, output
    [first] = server.tg.messages_to(world.users["Beto"].id)
    code, output = await gelbot_tick(server, database_url, tmp_path, "2009-03-02T09:11")
    assert code == 0, output
    parts = server.tg.messages_to(world.users["Beto"].id)
    assert len(parts) == 2 and parts[0] is first
    assert "Tarea 0:" in first.plain and "Tarea 0:" not in parts[1].plain
    assert "Tarea 29:" in parts[1].plain


async def test_a_slow_telegram_a_flood_wait_and_a_5xx_duplicate_nothing(
    server: BotApiServer, services: Services, database_url: str, tmp_path: Path
) -> None:
    # No crash, but every fault the adversarial run found: the first answer held 6 s (past
    # PTB's 5 s read timeout), a 429 for Beto, a 502 for Caro.
    world = await three_due(server, services)
    server.answer_delays = [6.0]
    flood = BotApiError(429, "Too Many Requests: retry after 20", retry_after=20)
    server.tg.fail_next("sendMessage", flood, chat_id=world.users["Beto"].id)
    server.tg.fail_next("sendMessage", BotApiError(502, "Bad Gateway"),
                        chat_id=world.users["Caro"].id)  # fmt: skip
    code, output = await gelbot_tick(server, database_url, tmp_path, "2009-03-02T09:00")
    assert code == 0, output
    assert "Traceback" not in output
    assert "enviados: 2 mensajes" in output and "reintentos: 1" in output
    assert deliveries(server, world) == Counter({"Eva": 1, "Caro": 1})
    code, output = await gelbot_tick(server, database_url, tmp_path, "2009-03-02T09:01")
    assert code == 0, output
    assert deliveries(server, world) == Counter({"Eva": 1, "Beto": 1, "Caro": 1})


def test_tick_needs_a_token_and_a_valid_moment(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in [k for k in os.environ if k.startswith("GELBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("GELBOT_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)  # no stray .env
    runner = CliRunner()
    result = runner.invoke(app, ["tick"])
    assert result.exit_code == 2 and "Falta GELBOT_TOKEN" in result.output
    monkeypatch.setenv("GELBOT_TOKEN", TOKEN)
    result = runner.invoke(app, ["tick", "--at", "el lunes"])
    assert result.exit_code == 2 and "--at no es una fecha ISO" in result.output

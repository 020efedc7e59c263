"""The bot's life in a group (added, removed, re-added, turned supergroup); the error handler."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram.error import BadRequest

from gelbot.models import Committee, Membership, Person
from gelbot.models.prompts import PendingPrompt
from gelbot.services import Services
from gelbot.telegram.fake_api import BotApiError, FakeChat, FakeUser
from tests.support.committee_world import register
from tests.support.harness import Harness, texts

GENERIC_ERROR = "Algo salió mal al procesar su mensaje"


async def committee_with_members(bot: Harness) -> tuple[FakeChat, FakeUser, FakeUser]:
    """A set-up committee: Ana coordinates, Beto is editor web."""
    ana, beto = bot.tg.add_user("Ana", "ana"), bot.tg.add_user("Beto", "beto")
    group = bot.tg.add_group("GEL Mocoa", admins=[ana])
    await register(bot, ana, group, "Alcaldía de Mocoa")
    await bot.say(beto, group, "/unirme Encargado del sitio web")
    await bot.say(ana, group, "/rol @beto editor_web")
    return group, ana, beto


async def committee_state(services: Services) -> tuple[Any, ...]:
    """The committee's own data and its memberships — what must survive the group's changes."""
    async with services.transaction() as session:
        committee = await session.scalar(select(Committee))
        assert committee is not None
        members = await session.execute(
            select(Person.telegram_id, Membership.role, Membership.cargo, Membership.active)
            .join(Person)
            .order_by(Person.telegram_id)
        )
        return (
            committee.id, committee.entity_name, committee.orden, committee.nivel,
            tuple(tuple(m) for m in members),
        )  # fmt: skip


def removal(bot: Harness, group: FakeChat, by: FakeUser) -> dict[str, Any]:
    """The bot kicked from `group`, as Telegram reports it."""
    return bot.tg.remove_bot_from(group, by)


async def the_committee(services: Services) -> Committee:
    async with services.transaction() as session:
        committee: Committee | None = await session.scalar(select(Committee))
    assert committee is not None
    return committee


# --- added and removed ---------------------------------------------------------------------------


async def test_added_to_a_group_explains_how_to_start(bot: Harness) -> None:
    ana = bot.tg.add_user("Ana", "ana")
    group = bot.tg.add_group("GEL Mocoa", admins=[ana])
    [welcome] = await bot.deliver(bot.tg.add_bot_to(group, ana))
    assert welcome.chat_id == group.id
    assert "/comite Alcaldía de Mocoa" in welcome.plain
    assert "/unirme" in welcome.plain


async def test_removed_then_readded_keeps_the_committee(bot: Harness, services: Services) -> None:
    group, ana, beto = await committee_with_members(bot)
    before = await committee_state(services)

    assert await bot.deliver(removal(bot, group, ana)) == []  # it cannot write there
    committee = await the_committee(services)
    assert not committee.active
    assert committee.deactivated_at == services.clock.now()
    assert await committee_state(services) == before  # not deleted: memberships intact
    [hello] = await bot.say(beto, bot.tg.private_chat(beto), "/start")
    assert "Alcaldía de Mocoa" in hello.plain and "(inactivo)" in hello.plain

    [welcome] = await bot.deliver(bot.tg.add_bot_to(group, ana))
    assert "Hola de nuevo" in welcome.plain and "Alcaldía de Mocoa" in welcome.plain
    committee = await the_committee(services)
    assert committee.active and committee.deactivated_at is None
    assert await committee_state(services) == before
    listing = texts(await bot.say(beto, group, "/miembros"))
    assert "Ana — coordinador(a)" in listing
    assert "Beto — editor(a) del sitio web, Encargado del sitio web" in listing


async def test_removed_from_a_group_without_committee(
    bot: Harness, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    ana = bot.tg.add_user("Ana", "ana")
    group = bot.tg.add_group("GEL", admins=[ana])
    assert await bot.deliver(removal(bot, group, ana)) == []
    async with services.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Committee)) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# --- group → supergroup --------------------------------------------------------------------------


async def test_committee_follows_the_group_into_a_supergroup(
    bot: Harness, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    group, ana, beto = await committee_with_members(bot)
    before = await committee_state(services)

    # A question still open in the old group must follow it (the next one goes to the new chat).
    async with services.transaction() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == ana.id))
        assert person is not None
        session.add(
            PendingPrompt(chat_id=group.id, message_id=999, person_id=person.id, kind="prueba",
                          created_at=bot.tg.now())
        )  # fmt: skip

    supergroup, migrated = bot.tg.migrate_to_supergroup(group, ana)
    assert await bot.deliver(migrated) == []
    # Telegram also posts the other half of the news in the new chat; it changes nothing.
    from_old = {
        "update_id": migrated["update_id"] + 1,
        "message": {
            "message_id": 1,
            "date": migrated["message"]["date"],
            "chat": supergroup.to_dict(),
            "from": ana.to_dict(),
            "migrate_from_chat_id": group.id,
        },
    }
    assert await bot.deliver(from_old) == []
    assert await bot.deliver(migrated) == []  # a repeated delivery is harmless

    committee = await the_committee(services)
    assert committee.chat_id == supergroup.id
    assert await committee_state(services) == before
    async with services.transaction() as session:
        prompt = await session.scalar(select(PendingPrompt))
        assert prompt is not None and prompt.chat_id == supergroup.id

    # Every command works in the new chat, with the committee's data.
    listing = texts(await bot.say(beto, supergroup, "/miembros"))
    assert "Alcaldía de Mocoa" in listing and "Beto — editor(a) del sitio web" in listing
    carla = bot.tg.add_user("Carla", "carla")
    [joined] = await bot.say(carla, supergroup, "/unirme Secretaria de Planeación")
    assert "Bienvenido(a) al comité de la Alcaldía de Mocoa" in joined.plain
    [role] = await bot.say(ana, supergroup, "/rol @carla control_interno")
    assert "control interno" in role.plain
    [again] = await bot.say(ana, supergroup, "/comite Otra Entidad")
    assert "ya tiene su comité" in again.plain
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_migration_of_a_group_without_committee(bot: Harness, services: Services) -> None:
    ana = bot.tg.add_user("Ana", "ana")
    group = bot.tg.add_group("GEL", admins=[ana])
    supergroup, migrated = bot.tg.migrate_to_supergroup(group, ana)
    assert await bot.deliver(migrated) == []
    [question] = await bot.say(ana, supergroup, "/comite Alcaldía de Mocoa")
    assert "territorial" in question.plain
    committee = await the_committee(services)
    assert committee.chat_id == supergroup.id


# --- the error handler ---------------------------------------------------------------------------


def error_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "gelbot.errors" and r.levelno == logging.ERROR]


async def test_a_failing_handler_answers_in_spanish_and_logs_context(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    group, _, beto = await committee_with_members(bot)
    # Telegram refuses the handler's reply (as it would a message it cannot parse).
    bot.tg.fail_next(
        "sendMessage", BotApiError(400, "Bad Request: can't parse entities"), chat_id=group.id
    )

    [answer] = await bot.say(beto, group, "/miembros")

    assert answer.chat_id == group.id
    assert GENERIC_ERROR in answer.plain
    assert "Bad Request" not in answer.plain and "Traceback" not in answer.plain
    [record] = error_records(caplog)
    assert str(group.id) in record.getMessage() and str(beto.id) in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], BadRequest)


async def test_when_even_the_apology_fails(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    group, _, beto = await committee_with_members(bot)
    for _ in range(2):  # the reply, then the error handler's message
        bot.tg.fail_next(
            "sendMessage", BotApiError(403, "Forbidden: bot was kicked"), chat_id=group.id
        )

    assert await bot.say(beto, group, "/miembros") == []

    assert len(error_records(caplog)) == 1
    assert any(
        r.levelno == logging.WARNING and f"could not tell chat {group.id}" in r.getMessage()
        for r in caplog.records
    )
    # The bot carries on: the next command is answered normally.
    listing = texts(await bot.say(beto, group, "/miembros"))
    assert "Alcaldía de Mocoa" in listing


async def test_failure_without_a_chat_is_logged_with_the_user(
    bot: Harness, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    group, ana, _ = await committee_with_members(bot)
    committee = await the_committee(services)
    # A button under an inline-mode message: the update has a user but no chat.
    press = {
        "update_id": 50_000,
        "callback_query": {
            "id": "1",
            "from": ana.to_dict(),
            "chat_instance": "1",
            "inline_message_id": "AAA",
            "data": f"co:{committee.id}:o:t",
        },
    }
    bot.tg.fail_next("answerCallbackQuery", BotApiError(400, "Bad Request: query is too old"))

    assert await bot.deliver(press) == []

    [record] = error_records(caplog)
    assert "chat None" in record.getMessage() and str(ana.id) in record.getMessage()
    assert bot.tg.messages_to(group)[-1].plain != GENERIC_ERROR

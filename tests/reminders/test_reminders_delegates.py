"""Delegados: /seguir (accepted by the coordinador), /dejar, and the weekly digest they get."""

from __future__ import annotations

from sqlalchemy import select

from gelbot.clock import ManualClock
from gelbot.models import DelegateFollow
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeUser
from tests.support.harness import Harness
from tests.support.reminders_world import Engine, World, local, make_world


async def follows(services: Services) -> list[tuple[int, int, str]]:
    async with services.transaction() as session:
        return sorted(
            (f.person_id, f.committee_id, f.status)
            for f in await session.scalars(select(DelegateFollow))
        )


async def two_committees(bot: Harness, services: Services) -> tuple[World, World, FakeUser]:
    mocoa = await make_world(services, bot.tg)
    villa = await make_world(services, bot.tg, entity="Alcaldía de Villagarzón", coordinador="Caro")
    return mocoa, villa, bot.tg.add_user("Delia", "delia")


async def test_follow_accepted_by_the_coordinador_then_digest(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    mocoa, _, delia = await two_committees(bot, services)
    chat = bot.tg.private_chat(delia)
    sent = await bot.say(delia, chat, "/seguir mocoa")
    request = next(m for m in sent if m.chat_id == mocoa.group.id)
    [pending] = [m for m in sent if m.chat_id == chat.id]
    assert "Delia pide seguir este comité como delegado(a)" in request.plain
    assert "Le pedí al coordinador del comité de la Alcaldía de Mocoa" in pending.plain
    assert [b["text"] for b in request.buttons()] == ["Aceptar", "Rechazar"]

    assert await bot.press(delia, request, 1) == []  # not the coordinador
    assert "Solo el coordinador" in bot.answers()[-1][1]["text"]
    replies = await bot.press(mocoa.users["Ana"], request, 1)
    assert "Ana aceptó que Delia siga este comité" in replies[0].plain
    assert "aceptó su seguimiento" in bot.tg.messages_to(chat)[-1].plain
    [(_, _, status)] = await follows(services)
    assert status == "aceptado"

    engine = Engine(bot, services, clock)
    await engine.tick()
    await engine.at(local(2009, 3, 6, 16))
    digest = bot.tg.messages_to(chat)[-1].plain
    assert "Resumen semanal del comité que usted sigue" in digest
    assert "Alcaldía de Mocoa" in digest and "Villagarzón" not in digest


async def test_follow_rejected(bot: Harness, services: Services) -> None:
    mocoa, _, delia = await two_committees(bot, services)
    sent = await bot.say(delia, bot.tg.private_chat(delia), "/seguir Alcaldía de Mocoa")
    request = next(m for m in sent if m.chat_id == mocoa.group.id)
    accept = request.buttons()[0]["callback_data"]
    [edited, *_] = await bot.press(mocoa.users["Ana"], request, 2)
    assert "no aceptó" in edited.plain
    [(_, _, status)] = await follows(services)
    assert status == "rechazado"  # kept, so it is not asked again at once
    assert "no aceptó su seguimiento" in bot.tg.messages_to(delia.id)[-1].plain
    assert await bot.press_data(mocoa.users["Ana"], request, accept) == []  # it is gone
    assert "Esa solicitud ya no existe" in bot.answers()[-1][1]["text"]


async def test_ambiguous_names_offer_a_choice_to_a_configured_delegado(
    bot: Harness, services: Services
) -> None:
    _, villa, delia = await two_committees(bot, services)
    services.settings.delegados = [delia.id]  # GELBOT_DELEGADOS
    chat = bot.tg.private_chat(delia)
    [choice] = await bot.say(delia, chat, "/seguir alcaldia")
    assert "Encontré 2 comités. Elija uno:" in choice.plain
    assert [b["text"] for b in choice.buttons()] == [
        "Alcaldía de Mocoa", "Alcaldía de Villagarzón"
    ]  # fmt: skip
    sent = await bot.press(delia, choice, 2)
    assert any(m.chat_id == villa.group.id and "pide seguir" in m.plain for m in sent)


async def test_follow_without_a_name(bot: Harness, services: Services) -> None:
    mocoa, _, delia = await two_committees(bot, services)
    [usage] = await bot.say(delia, bot.tg.private_chat(delia), "/seguir")
    assert "/seguir Alcaldía de Mocoa" in usage.plain
    [none] = await bot.say(delia, bot.tg.private_chat(delia), "/seguir Pasto <i>x</i>")
    assert "No encontré ningún comité con «Pasto <i>x</i>»" in none.plain
    # In a committee's group, /seguir alone means this committee.
    dario = bot.tg.add_user("Darío", "dario")  # never wrote to the bot privately
    sent = await bot.say(dario, mocoa.group, "/seguir")
    assert any("Darío pide seguir" in m.plain for m in sent)
    assert any("abra antes el chat privado" in m.plain for m in sent)


async def test_already_following(bot: Harness, services: Services) -> None:
    mocoa, _, delia = await two_committees(bot, services)
    chat = bot.tg.private_chat(delia)
    sent = await bot.say(delia, chat, "/seguir mocoa")
    await bot.press(mocoa.users["Ana"], next(m for m in sent if m.chat_id == mocoa.group.id), 1)
    [already] = await bot.say(delia, chat, "/seguir mocoa")
    assert "Usted ya sigue el comité de la Alcaldía de Mocoa" in already.plain


async def test_leave(bot: Harness, services: Services, clock: ManualClock) -> None:
    _, _, delia = await two_committees(bot, services)
    chat = bot.tg.private_chat(delia)
    [nothing] = await bot.say(delia, chat, "/dejar")
    assert "Usted no sigue ningún comité" in nothing.plain
    await bot.say(delia, chat, "/seguir mocoa")
    clock.advance(minutes=10)  # one new request every 10 minutes
    await bot.say(delia, chat, "/seguir villagarzon")
    [wrong] = await bot.say(delia, chat, "/dejar Pasto")
    assert "No sigue ningún comité con «Pasto»" in wrong.plain
    [done] = await bot.say(delia, chat, "/dejar mocoa")
    assert "ya no sigue el comité de la Alcaldía de Mocoa" in done.plain
    [listing] = await bot.say(delia, chat, "/dejar")
    assert [b["text"] for b in listing.buttons()] == ["Alcaldía de Villagarzón"]
    [left] = await bot.press(delia, listing, 1)
    assert "ya no sigue el comité de la Alcaldía de Villagarzón" in left.plain
    assert await follows(services) == []
    assert await bot.press_data(delia, listing, "dj:999") == []


async def test_a_stranger_sees_no_list_of_committees(bot: Harness, services: Services) -> None:
    mocoa, villa, delia = await two_committees(bot, services)
    chat = bot.tg.private_chat(delia)
    for fishing in ("a", "alcaldia", "de"):
        [answer] = await bot.say(delia, chat, f"/seguir {fishing}")
        assert "Mocoa" not in answer.plain.replace("/seguir Alcaldía de Mocoa", "")
        assert "Villagarzón" not in answer.plain and answer.buttons() == []
    [several] = await bot.say(delia, chat, "/seguir alcaldia")
    assert "Varios comités coinciden con «alcaldia». Escriba el nombre completo" in several.plain
    assert bot.tg.messages_to(mocoa.group) == bot.tg.messages_to(villa.group) == []
    sent = await bot.say(delia, chat, "/seguir villagarzon")  # names one: enough
    assert any(m.chat_id == villa.group.id and "pide seguir" in m.plain for m in sent)


async def test_repeated_requests_post_once_and_wait_between_committees(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    mocoa, villa, delia = await two_committees(bot, services)
    chat = bot.tg.private_chat(delia)
    for _ in range(30):
        await bot.say(delia, chat, "/seguir Alcaldía de Mocoa")
    [request] = bot.tg.messages_to(mocoa.group)  # one post, not thirty
    assert "Delia pide seguir este comité" in request.plain
    assert (
        "Ya le pedí al coordinador del comité de la Alcaldía de Mocoa, el 2 de marzo de 2009"
        in (bot.tg.messages_to(chat)[-1].plain)
    )
    [wait] = await bot.say(delia, chat, "/seguir Alcaldía de Villagarzón")
    assert "puede pedir uno nuevo en 10 minutos" in wait.plain
    assert bot.tg.messages_to(villa.group) == []
    clock.advance(minutes=10)
    await bot.say(delia, chat, "/seguir Alcaldía de Villagarzón")
    assert len(bot.tg.messages_to(villa.group)) == 1


async def test_a_rejected_request_is_not_posted_again_for_a_month(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    mocoa, _, delia = await two_committees(bot, services)
    chat = bot.tg.private_chat(delia)
    [request, _] = await bot.say(delia, chat, "/seguir Alcaldía de Mocoa")
    await bot.press(mocoa.users["Ana"], request, 2)
    clock.advance(days=1)
    [answer] = await bot.say(delia, chat, "/seguir Alcaldía de Mocoa")
    assert "no aceptó su seguimiento. Podrá pedirlo de nuevo desde el 1 de abril de 2009" in (
        answer.plain
    )
    assert len(bot.tg.messages_to(mocoa.group)) == 1
    clock.advance(days=30)
    await bot.say(delia, chat, "/seguir Alcaldía de Mocoa")
    assert len(bot.tg.messages_to(mocoa.group)) == 2

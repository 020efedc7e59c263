"""Registering a committee, joining it, roles, the private chat and help — as dialogs."""

from __future__ import annotations

from sqlalchemy import func, select

from gelbot.models import Committee, Membership, Person
from gelbot.services import Services
from tests.support.harness import Harness, texts


async def test_admin_registers_committee_with_buttons(bot: Harness, services: Services) -> None:
    ana = bot.tg.add_user("Ana", "ana")
    group = bot.tg.add_group("Comité GEL Mocoa", admins=[ana])

    [question] = await bot.say(ana, group, "/comite Alcaldía de Mocoa")
    assert "Alcaldía de Mocoa" in question.plain
    assert "territorial" in question.plain
    assert [b["text"] for b in question.buttons()] == ["Territorial", "Nacional"]

    [edited] = await bot.press(ana, question, 1)
    assert "municipal" in edited.plain
    [done] = await bot.press(ana, edited, 1)
    assert "Próximos pasos" in done.plain
    assert done.buttons()[0]["url"].startswith("https://t.me/gelbot_demo_bot?start=c")

    async with services.transaction() as session:
        committee = await session.scalar(select(Committee))
        assert committee is not None
        assert (committee.entity_name, committee.orden, committee.nivel) == (
            "Alcaldía de Mocoa",
            "territorial",
            "municipal",
        )
        member = await session.scalar(select(Membership))
        assert member is not None and member.role == "coordinador"


async def test_registering_twice_does_not_duplicate(bot: Harness, services: Services) -> None:
    ana = bot.tg.add_user("Ana", "ana")
    group = bot.tg.add_group("GEL", admins=[ana])
    [question] = await bot.say(ana, group, "/comite Alcaldía de Mocoa")
    await bot.press(ana, question, 1)
    await bot.press(ana, bot.tg.last_to(group), 2)

    [again] = await bot.say(ana, group, "/comite Otra Entidad")
    assert "ya tiene su comité" in again.plain
    async with services.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Committee)) == 1
        assert await session.scalar(select(func.count()).select_from(Membership)) == 1


async def test_non_admin_cannot_register(bot: Harness, services: Services) -> None:
    ana, beto = bot.tg.add_user("Ana", "ana"), bot.tg.add_user("Beto", "beto")
    group = bot.tg.add_group("GEL", admins=[ana])
    [answer] = await bot.say(beto, group, "/comite Alcaldía de Mocoa")
    assert "Solo un administrador" in answer.plain
    async with services.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Committee)) == 0


async def test_join_list_and_roles(bot: Harness) -> None:
    ana, beto = bot.tg.add_user("Ana", "ana"), bot.tg.add_user("Beto", None, last_name="Ruiz")
    group = bot.tg.add_group("GEL", admins=[ana])
    await bot.say(ana, group, "/comite Alcaldía de Mocoa")

    [joined] = await bot.say(beto, group, "/unirme Secretario de Planeación")
    assert "Secretario de Planeación" in joined.plain
    assert joined.buttons()[0]["url"].endswith("?start=c1")

    # Beto has no @username: the coordinator names him by Telegram id.
    [answer] = await bot.say(ana, group, f"/rol {beto.id} editor_web")
    assert "editor(a) del sitio web" in answer.plain

    [listing] = await bot.say(beto, group, "/miembros")
    assert "Beto Ruiz — editor(a) del sitio web, Secretario de Planeación" in listing.plain
    assert "Ana — coordinador(a)" in listing.plain


async def test_role_by_text_mention_and_reply(bot: Harness) -> None:
    ana, beto = bot.tg.add_user("Ana", "ana"), bot.tg.add_user("Beto")
    group = bot.tg.add_group("GEL", admins=[ana])
    await bot.say(ana, group, "/comite Alcaldía de Mocoa")
    await bot.say(beto, group, "/unirme Encargado del sitio web")
    mention = {"type": "text_mention", "offset": 5, "length": 4, "user": beto.to_dict()}
    [answer] = await bot.say(ana, group, "/rol Beto control interno", entities=[mention])
    assert "control interno" in answer.plain

    update = bot.tg.send_text(beto, group, "hola")
    replied = update["message"]
    bot.tg.sent.clear()
    msg = bot.tg.send_text(ana, group, "/rol delegado")
    msg["message"]["reply_to_message"] = replied
    [answer] = await bot.deliver(msg)
    assert "delegado(a)" in answer.plain


async def test_non_coordinator_cannot_set_roles(bot: Harness) -> None:
    ana, beto = bot.tg.add_user("Ana", "ana"), bot.tg.add_user("Beto", "beto")
    group = bot.tg.add_group("GEL", admins=[ana])
    await bot.say(ana, group, "/comite Alcaldía de Mocoa")
    await bot.say(beto, group, "/unirme Secretario")
    [answer] = await bot.say(beto, group, "/rol @beto coordinador")
    assert "Solo el coordinador" in answer.plain


async def test_last_coordinator_cannot_step_down(bot: Harness) -> None:
    ana = bot.tg.add_user("Ana", "ana")
    group = bot.tg.add_group("GEL", admins=[ana])
    await bot.say(ana, group, "/comite Alcaldía de Mocoa")
    [answer] = await bot.say(ana, group, "/rol @ana miembro")
    assert "sin coordinador" in answer.plain


async def test_private_start_records_reachability(bot: Harness, services: Services) -> None:
    ana = bot.tg.add_user("Ana", "ana")
    group = bot.tg.add_group("GEL", admins=[ana])
    await bot.say(ana, group, "/comite Alcaldía de Mocoa")
    private = bot.tg.private_chat(ana)
    [hello] = await bot.say(ana, private, "/start c1")
    assert "Quedó conectado(a) con el comité de la Alcaldía de Mocoa" in hello.plain
    assert "coordinador(a)" in hello.plain
    async with services.transaction() as session:
        person = await session.scalar(select(Person))
        assert person is not None and person.private_chat_open


async def test_help_depends_on_role(bot: Harness) -> None:
    ana, beto = bot.tg.add_user("Ana", "ana"), bot.tg.add_user("Beto", "beto")
    group = bot.tg.add_group("GEL", admins=[ana])
    [newcomer] = await bot.say(ana, group, "/ayuda")
    assert "/comite" in newcomer.plain
    await bot.say(ana, group, "/comite Alcaldía de Mocoa")
    await bot.say(beto, group, "/unirme Secretario")
    coordinator, member = (
        texts(await bot.say(ana, group, "/ayuda")),
        texts(await bot.say(beto, group, "/ayuda")),
    )
    assert "/rol @carla editor_web" in coordinator
    assert "/rol" not in member and "/miembros" in member


async def test_commands_registered_with_telegram(bot: Harness) -> None:
    names = {c["command"] for c in bot.tg.commands["default"]}
    assert {"ayuda", "unirme", "miembros", "comite"} <= names
    assert "rol" in {c["command"] for c in bot.tg.commands["all_chat_administrators"]}

"""The plan import shows what it would change and replaces only on the coordinador's yes."""

from __future__ import annotations

from sqlalchemy import select

from gelbot.models import PlanAction, PlanImport
from gelbot.services import Services
from gelbot.telegram.fake_api import SentMessage
from tests.domain.test_plans import seed_file, send_file
from tests.support.committee_world import World, register
from tests.support.harness import Harness


async def chitaga(bot: Harness) -> World:
    ana, beto = bot.tg.add_user("Ana", "ana"), bot.tg.add_user("Beto", "beto")
    carla = bot.tg.add_user("Carla", "carla")
    group = bot.tg.add_group("Comité GEL Chitagá", admins=[ana])
    await register(bot, ana, group, "Alcaldía Municipal de Chitagá")
    await bot.say(beto, group, "/unirme Secretario de Planeación")
    return World(bot, group, ana, beto, carla)


async def actions(services: Services) -> list[str]:
    async with services.transaction() as session:
        found = await session.scalars(select(PlanAction).order_by(PlanAction.position))
        return [a.accion for a in found]


async def imports(services: Services) -> int:
    async with services.transaction() as session:
        return len(list(await session.scalars(select(PlanImport))))


def buttons(message: SentMessage) -> list[str]:
    return [b["text"] for b in message.buttons()]


async def test_another_entitys_plan_is_previewed_and_replaced_only_on_confirmation(
    bot: Harness, services: Services
) -> None:
    world = await chitaga(bot)
    [first] = await send_file(bot, world.ana, world.group, "chitaga.yaml",
                              seed_file("chitaga.yaml"), "/plan", confirm=False)  # fmt: skip
    assert "Plan de acción de la Alcaldía Municipal de Chitagá importado" in first.plain
    own = await actions(services)
    assert len(own) == 7 and await imports(services) == 1

    [preview] = await send_file(bot, world.ana, world.group, "mocoa_2009.yaml",
                                seed_file("mocoa_2009.yaml"), "/plan", confirm=False)  # fmt: skip
    assert "El archivo es el plan de la Alcaldía Municipal de Mocoa." in preview.plain
    assert "⚠️ Este comité es el de la Alcaldía Municipal de Chitagá" in preview.plain
    assert "Acciones que salen del plan (7):" in preview.plain
    assert "• Actualización permanente de la información" in preview.plain
    assert "Acciones nuevas (" in preview.plain
    assert buttons(preview) == ["Reemplazar el plan", "Cancelar"]
    assert await actions(services) == own and await imports(services) == 1  # nothing replaced

    await bot.press(world.beto, preview, 1)  # a member cannot confirm
    assert "Solo el coordinador" in bot.answers()[-1][1]["text"]
    assert await actions(services) == own

    [cancelled] = await bot.press(world.ana, preview, 2)
    assert "no cargué mocoa_2009.yaml" in cancelled.plain and "sigue como estaba" in cancelled.plain
    assert await actions(services) == own

    [again] = await send_file(bot, world.ana, world.group, "mocoa_2009.yaml",
                              seed_file("mocoa_2009.yaml"), "/plan", confirm=False)  # fmt: skip
    done = await bot.press(world.ana, again, 1)
    assert any("Plan de acción de la Alcaldía Municipal de Chitagá importado" in m.plain
               for m in done)  # fmt: skip
    assert await actions(services) != own and await imports(services) == 2


async def test_reimporting_shows_rows_changed_and_kept(bot: Harness, services: Services) -> None:
    world = await chitaga(bot)
    content = seed_file("chitaga.yaml")
    await send_file(bot, world.ana, world.group, "chitaga.yaml", content, "/plan", confirm=False)
    [same] = await send_file(bot, world.ana, world.group, "chitaga.yaml", content, "/plan",
                             confirm=False)  # fmt: skip
    assert "7 acciones quedan igual" in same.plain
    assert "⚠️" not in same.plain and "Acciones nuevas" not in same.plain

    edited = content.replace(b"meta_texto: 12 veces", b"meta_texto: 24 veces", 1)
    assert edited != content
    [changed] = await send_file(bot, world.ana, world.group, "chitaga.yaml", edited, "/plan",
                                confirm=False)  # fmt: skip
    assert "Acciones que cambian (1):" in changed.plain
    assert "6 acciones quedan igual" in changed.plain

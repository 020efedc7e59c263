"""A newcomer is never left in silence: typos, private small talk, mentions, help that fits."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from gelbot.clock import ManualClock
from gelbot.domain import plans
from gelbot.domain.plan_import import parse_plan
from gelbot.models import Committee, IndicatorReading, Role
from gelbot.services import Services
from tests.support.committee_world import World, committee
from tests.support.harness import Harness, texts
from tests.support.reminders_world import Engine, add_person, make_world


async def test_a_typo_of_a_command_gets_the_nearest_real_one(bot: Harness) -> None:
    world = await committee(bot)
    dora = bot.tg.add_user("Dora", "dora")
    [answer] = await world.say(dora, "/unirse Jefe de Control Interno")
    assert "No conozco el comando /unirse." in answer.plain
    assert "¿Quiso decir /unirme Jefe de Control Interno?" in answer.plain
    [group_typo] = await world.say(dora, "/ayda")
    assert "¿Quiso decir /ayuda?" in group_typo.plain
    [private_typo] = await bot.say(dora, bot.tg.private_chat(dora), "/ayda")
    assert "¿Quiso decir /ayuda?" in private_typo.plain
    [nothing_close] = await world.say(dora, "/xyzzy")
    assert "No conozco el comando /xyzzy." in nothing_close.plain
    assert "Quiso decir" not in nothing_close.plain and "/ayuda" in nothing_close.plain


async def test_another_bots_command_and_plain_chatter_get_nothing(bot: Harness) -> None:
    world = await committee(bot)
    assert await world.say(world.beto, "/ayda@otro_bot") == []
    assert await world.say(world.beto, "hola a todos, ¿cómo registro una reunión?") == []
    assert await world.say(world.beto, "@carla ¿viste el acta?") == []


async def test_private_hola_gets_an_orientation(bot: Harness) -> None:
    world = await committee(bot)
    [hello] = await bot.say(world.beto, bot.tg.private_chat(world.beto), "hola")
    assert "Este es su chat privado con gelbot" in hello.plain
    assert "Su comité:" in hello.plain
    assert "Alcaldía de Mocoa — miembro, Secretario de Planeación" in hello.plain
    assert "Lo que puede hacer ahora:" in hello.plain and "/ayuda" in hello.plain

    stranger = bot.tg.add_user("Elsa", "elsa")
    [lost] = await bot.say(stranger, bot.tg.private_chat(stranger), "hola")
    assert "Aún no pertenece a ningún comité" in lost.plain
    assert "/unirme Secretario de Planeación" in lost.plain


async def test_a_mention_in_the_group_is_answered_about_its_topic(bot: Harness) -> None:
    world = await committee(bot)
    [answer] = await world.say(world.beto, "@gelbot_demo_bot hola, ¿cómo registro una reunión?")
    assert "Soy gelbot, el asistente del comité de la Alcaldía de Mocoa" in answer.plain
    assert "Reuniones. /reunion (en el grupo) muestra la próxima y la última" in answer.plain
    assert "/reunion registrar 2009-02-27" in answer.plain


async def test_an_editors_private_answer_to_the_group_question_is_recorded(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Fede", Role.EDITOR_WEB, private=False)
    await Engine(bot, services, clock).tick()  # Monday 2 March 2009: the nag goes to the group
    [in_group] = world.in_group()
    assert in_group.plain.startswith("Fede: ¿Se actualizó")

    fede = world.users["Fede"]
    [answer] = await bot.say(fede, bot.tg.private_chat(fede), "Sí, dos veces")
    assert "Registrado: el sitio web de la Alcaldía de Mocoa se actualizó 2 veces" in answer.plain
    async with services.transaction() as session:
        reading = await session.scalar(select(IndicatorReading))
        assert reading is not None and reading.value == 2
    [again] = await bot.say(fede, bot.tg.private_chat(fede), "hola")
    assert "Este es su chat privado" in again.plain  # answered: no longer a pending question


async def test_an_unanswerable_private_word_reminds_of_the_group_question(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Fede", Role.EDITOR_WEB, private=False)
    await Engine(bot, services, clock).tick()
    fede = world.users["Fede"]
    [answer] = await bot.say(fede, bot.tg.private_chat(fede), "buenos días")
    assert "La pregunta semanal sobre el sitio web de la Alcaldía de Mocoa sigue esperando" in (
        answer.plain
    )


async def _help(world: World, who: str, private: bool = False) -> str:
    user = getattr(world, who)
    chat = world.bot.tg.private_chat(user) if private else world.group
    return texts(await world.bot.say(user, chat, "/ayuda"))


async def test_help_is_grouped_by_task_and_fits_the_role(bot: Harness) -> None:
    world = await committee(bot)
    await world.say(world.ana, "/rol @carla editor_web")
    member, coordinator, editor = (
        await _help(world, "beto"), await _help(world, "ana"), await _help(world, "carla")
    )  # fmt: skip
    for shown in (member, coordinator):
        assert "Reuniones\n" in shown and "Compromisos\n" in shown and "Informe\n" in shown
        assert "Ejemplo: /ayuda" not in shown and "/ayuda —" not in shown
        assert "/seguir" not in shown and "Delegados" not in shown
        assert "mision" not in shown or "/criterio 2 cumple" in shown
    assert "/reunion programar" not in member and "/rol" not in member
    assert "/criterio 12" not in coordinator
    assert "/criterio 2 cumple" in coordinator and "«Misión y visión»" in coordinator
    assert "/reunion programar primer martes 9:00" in coordinator and "/informe" in coordinator
    assert "(como editor(a) del sitio web)" in editor and "editor_web)" not in editor
    assert "/indicadores 3 12" in editor and "/indicadores 3 12" not in member


async def test_private_help_names_what_only_works_in_the_group(bot: Harness) -> None:
    world = await committee(bot)
    shown = await _help(world, "beto", private=True)
    assert "en este chat privado" in shown
    assert "En el grupo del comité" in shown and "/reunion" in shown
    assert "/decision Aprobar" not in shown  # said once, where it works


def test_the_command_line_help_speaks_spanish() -> None:
    from typer.testing import CliRunner

    from gelbot.cli import app

    runner = CliRunner()
    for args in (["--help"], ["console", "--help"], ["flows", "check", "--help"]):
        shown = runner.invoke(app, args, env={"COLUMNS": "120"}).output
        assert "Uso: " in shown and "Opciones" in shown, args
        assert "Muestra esta ayuda y termina." in shown, args
        for english in ("Usage:", "Show this message", "Options", "[default:", "COMMAND"):
            assert english not in shown, (args, english)


# --- what members expect ---------------------------------------------------------------------


async def test_a_member_sees_own_compromisos_privately_and_the_fulfilled_ones(bot: Harness) -> None:
    from tests.support.committee_world import confirmed

    world = await committee(bot)
    await confirmed(world, world.ana, "/compromiso @beto Publicar el acta para el 13 de marzo")
    await confirmed(world, world.ana, "/compromiso @carla Subir el directorio para el 20 de marzo")
    private = bot.tg.private_chat(world.beto)
    [mine] = await bot.say(world.beto, private, "/compromisos")
    assert "Sus compromisos abiertos" in mine.plain and "Alcaldía de Mocoa" in mine.plain
    assert "Publicar el acta — para el 13 de marzo de 2009" in mine.plain
    assert "Subir el directorio" not in mine.plain  # Carla's, not his
    assert "se usa en el grupo" not in mine.plain

    [none_done] = await world.say(world.beto, "/compromisos cumplidos")
    assert "Aún no hay compromisos cumplidos" in none_done.plain
    [listing] = await world.say(world.beto, "/compromisos míos")
    [done_button] = [b for b in listing.buttons() if b["text"].endswith("cumplido")]
    [question] = await bot.press_data(world.beto, listing, done_button["callback_data"])
    await world.answer(world.beto, question, "Acta publicada en el sitio web")
    [done] = await world.say(world.ana, "/compromisos cumplidos")
    assert "Compromisos cumplidos" in done.plain and "Publicar el acta" in done.plain
    assert "Resultado: Acta publicada en el sitio web" in done.plain
    [mine_done] = await bot.say(world.beto, private, "/compromisos mías")
    assert "Sus compromisos abiertos" in mine_done.plain  # «mías» is «míos» too
    [privately_done] = await bot.say(world.beto, private, "/compromisos cumplidos")
    assert "Sus compromisos cumplidos" in privately_done.plain
    assert "Publicar el acta" in privately_done.plain


async def test_a_member_looking_at_reminders_is_not_shown_the_coordinators_switches(
    bot: Harness,
) -> None:
    world = await committee(bot)
    [member_view] = await world.say(world.beto, "/recordatorios")
    assert "Recordatorios del comité de la Alcaldía de Mocoa" in member_view.plain
    assert member_view.buttons() == []
    assert "Solo el coordinador" not in member_view.plain
    assert "/recordatorios sitio martes" not in member_view.plain
    assert "/vacaciones 20 de marzo" in member_view.plain
    [coordinator_view] = await world.say(world.ana, "/recordatorios")
    assert coordinator_view.buttons() and "/recordatorios sitio martes 10:00" in (
        coordinator_view.plain
    )


async def test_start_tells_a_delegado_the_committee_accepted(bot: Harness) -> None:
    world = await committee(bot)
    dora = bot.tg.add_user("Dora", "dora")
    private = bot.tg.private_chat(dora)
    await bot.say(dora, private, "/seguir Alcaldía de Mocoa")
    [pending] = await bot.say(dora, private, "/start")
    assert "Como delegado(a) sigue:" in pending.plain
    assert "Alcaldía de Mocoa — pendiente" in pending.plain
    request = bot.tg.last_to(world.group)
    accept = next(b for b in request.buttons() if b["text"].startswith("Aceptar"))
    await bot.press_data(world.ana, request, accept["callback_data"])
    [accepted] = await bot.say(dora, private, "/start")
    assert "Alcaldía de Mocoa — aceptado: recibe su resumen cada viernes" in accepted.plain
    assert "Aún no pertenece a ningún comité" not in accepted.plain


def _plan_file(name: str) -> bytes:
    return (Path(__file__).resolve().parents[2] / "examples" / "planes" / name).read_bytes()


async def _import(services: Services, committee_id: int, name: str) -> None:
    plan = parse_plan(_plan_file(name), name)
    async with services.transaction() as session:
        found = await session.get(Committee, committee_id)
        assert found is not None
        await plans.import_plan(session, found, plan, now=services.clock.now(), actor=None)


async def test_the_weekly_site_question_states_the_committees_own_meta(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    chitaga = await make_world(services, bot.tg, entity="Alcaldía Municipal de Chitagá")
    await add_person(chitaga, "Eva", Role.EDITOR_WEB)
    await _import(services, chitaga.committee_id, "chitaga.yaml")
    mocoa = await make_world(services, bot.tg, entity="Alcaldía de Mocoa", coordinador="Nora")
    await add_person(mocoa, "Fabio", Role.EDITOR_WEB)  # no plan imported
    await Engine(bot, services, clock).tick()  # Monday 2 March 2009, 09:00

    [asked] = chitaga.to("Eva")
    assert "sitio web de la Alcaldía Municipal de Chitagá" in asked.plain
    assert "La meta de su plan de acción: 1 actualización al mes («12 veces al año»)" in asked.plain
    [no_plan] = mocoa.to("Fabio")
    assert "meta" not in no_plan.plain.lower()

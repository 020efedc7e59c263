"""Plan de acción: the seeds' plans imported by CLI and chat; bad files, permissions, re-import."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import func, select
from typer.testing import CliRunner

from gelbot.cli import app as cli_app
from gelbot.db import make_engine, make_sessionmaker
from gelbot.domain import indicators, plans
from gelbot.domain.committees import PersonInfo, register_committee, upsert_person
from gelbot.domain.plan_import import parse_plan
from gelbot.models import (
    Committee,
    Compromiso,
    Indicator,
    IndicatorReading,
    PendingPrompt,
    PlanAction,
    PlanImport,
)
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeChat, FakeUser, SentMessage
from tests.support.committee_world import committee
from tests.support.harness import Harness, texts
from tests.support.hostile import (
    HYPOTHESIS,
    Hostile,
    arguments,
    assert_clean,
    command_word,
    committee_in_group,
    short_text,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "planes"
NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)
# file -> (acciones, proyectos, indicadores)
SEED_PLANS = {
    "puerto_santander_2008.yaml": (6, 0, 11),
    "chitaga.yaml": (7, 0, 7),
    "chitaga.csv": (7, 0, 7),
    "mocoa_2009.yaml": (7, 9, 35),
}


def seed_file(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


async def send_file(
    bot: Harness,
    user: FakeUser,
    chat: FakeChat,
    name: str,
    content: bytes,
    caption: str = "",
    reply_to: SentMessage | None = None,
    *,
    confirm: bool = True,
) -> list[SentMessage]:
    """Send a file; with `confirm`, press «Reemplazar el plan» if the bot shows a preview."""
    update = bot.tg.send_document(user, chat, name, content, caption, reply_to=reply_to)
    sent = await bot.deliver(update)
    previews = [m for m in sent if any(b["text"] == "Reemplazar el plan" for b in m.buttons())]
    if not confirm or not previews:
        return sent
    [preview] = previews
    return [m for m in await bot.press(user, preview, 1) if m is not preview]


async def the_committee(services: Services) -> Committee:
    async with services.transaction() as session:
        found = await session.scalar(select(Committee).order_by(Committee.id))
        assert found is not None
        return found


async def plan_rows(services: Services) -> tuple[list[PlanAction], dict[str, Indicator]]:
    async with services.transaction() as session:
        actions = list(await session.scalars(select(PlanAction).order_by(PlanAction.position)))
        found = {i.key: i for i in await session.scalars(select(Indicator))}
        return actions, found


# --- the seeds, transcribed --------------------------------------------------------------------


def test_seed_plans_say_what_the_documents_say() -> None:
    santander = parse_plan(seed_file("puerto_santander_2008.yaml"), "puerto_santander_2008.yaml")
    site = santander.acciones[0].indicadores[0]
    assert site.nombre == "Número de veces que se actualiza el sitio Web por semana"
    assert (site.meta, site.frecuencia, site.meta_texto) == (
        1,
        "semanal",
        "Mínimo 1 vez a la semana",
    )
    assert "Editor de contenidos" in santander.acciones[0].responsables
    assert santander.acciones[3].tiempos == "10 al 31 de diciembre del año 2.011."
    assert santander.fecha == date(2008, 11, 18)

    chitaga = parse_plan(seed_file("chitaga.yaml"), "chitaga.yaml")
    # The CSV is the same plan, one row per indicator.
    assert parse_plan(seed_file("chitaga.csv"), "chitaga.csv") == chitaga
    contratacion = chitaga.acciones[1].indicadores[0]
    assert (contratacion.meta, contratacion.frecuencia) == (1, "mensual")
    assert contratacion.meta_texto == "12 veces al año"
    assert chitaga.acciones[2].indicadores[0].frecuencia == "semestral"
    assert chitaga.acciones[1].responsables == ["Oficina de Jurídica", "Secretaria de Planeación"]

    mocoa = parse_plan(seed_file("mocoa_2009.yaml"), "mocoa_2009.yaml")
    assert mocoa.acciones[0].accion == "Reunión del comité GEL en el Orden Territorial"
    assert mocoa.acciones[0].indicadores[0].frecuencia == "mensual"
    assert mocoa.proyectos[0].indicadores[0].formula == "No de técnicas reconocidas /3 x 100"
    assert mocoa.proyectos[0].fase == "interacción"


def test_indicator_keys_are_stable_slugs() -> None:
    chitaga = parse_plan(seed_file("chitaga.yaml"), "chitaga.yaml")
    keys = plans.indicator_keys(chitaga)
    # Two indicators share the name "Actualización mensual": the second gets _2.
    assert keys[:2] == ["actualizacion_mensual", "actualizacion_mensual_2"]
    assert keys == plans.indicator_keys(parse_plan(seed_file("chitaga.csv"), "chitaga.csv"))
    assert len(set(keys)) == len(keys)
    santander = plans.indicator_keys(
        parse_plan(seed_file("puerto_santander_2008.yaml"), "puerto_santander_2008.yaml")
    )
    assert santander[0] == "sitio_web_semanal"
    assert "criterios_fase_informacion" in santander
    assert "criterios_fase_democracia" in santander
    assert plans.slug("¿Número de visitas — año 2009?") == "numero_de_visitas_ano_2009"
    assert plans.slug("2 convenios") == "i_2_convenios"
    assert plans.slug("!!!") == "indicador"
    assert len(plans.slug("palabra " * 40)) <= 60


def test_weekly_site_indicator_gets_its_key_without_clave() -> None:
    csv = (
        b"accion,indicador,meta,frecuencia,responsables\n"
        b"Publicar,Actualizaciones del sitio web,1,semanal,Editor\n"
        b"Publicar,Noticias del sitio web,2,semanal,Editor\n"
    )
    assert plans.indicator_keys(parse_plan(csv, "p.csv")) == [
        "sitio_web_semanal",
        "noticias_del_sitio_web",
    ]


# --- the command line --------------------------------------------------------------------------


async def _new_committee(url: str, name: str) -> int:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            ana = await upsert_person(session, PersonInfo(1, "Ana"), now=NOW)
            found, _ = await register_committee(
                session, chat_id=-100, entity_name=name, founder=ana, now=NOW
            )
            return found.id
    finally:
        await engine.dispose()


async def _stored(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            imports = list(await session.scalars(select(PlanImport)))
            return {
                "actions": await session.scalar(select(func.count()).select_from(PlanAction)),
                "keys": set(await session.scalars(select(Indicator.key))),
                "imports": [(i.source, i.filename, i.imported_by_id) for i in imports],
            }
    finally:
        await engine.dispose()


@pytest.mark.parametrize("name", sorted(SEED_PLANS))
def test_cli_imports_each_seed_plan(database_url: str, name: str) -> None:
    committee_id = asyncio.run(_new_committee(database_url, "Alcaldía de Prueba"))
    env = {"GELBOT_DATABASE_URL": database_url}
    path = str(EXAMPLES / name)
    result = CliRunner().invoke(
        cli_app, ["import-plan", path, "--comite", str(committee_id)], env=env
    )
    assert result.exit_code == 0, result.output
    acciones, proyectos, indicadores = SEED_PLANS[name]
    assert f"{acciones} acciones" in result.output
    assert f"{indicadores} indicadores" in result.output
    stored = asyncio.run(_stored(database_url))
    assert stored["actions"] == acciones + proyectos
    assert len(stored["keys"]) == indicadores
    assert stored["imports"] == [("cli", name, None)]


def test_cli_refuses_bad_file_and_unknown_committee(database_url: str, tmp_path: Path) -> None:
    asyncio.run(_new_committee(database_url, "Alcaldía de Chitagá"))
    env = {"GELBOT_DATABASE_URL": database_url}
    bad = tmp_path / "plan.csv"
    bad.write_text("accion,indicador,meta,frecuencia,responsables\nA,B,1,diariamente,C\n")
    runner = CliRunner()
    result = runner.invoke(cli_app, ["import-plan", str(bad), "--comite", "1"], env=env)
    assert result.exit_code == 1
    assert "Fila 2, campo «frecuencia»" in result.output

    good = str(EXAMPLES / "chitaga.csv")
    result = runner.invoke(cli_app, ["import-plan", good, "--comite", "99"], env=env)
    assert result.exit_code == 2
    assert "No existe el comité 99" in result.output
    assert "1  Alcaldía de Chitagá" in result.output
    result = runner.invoke(cli_app, ["import-plan", good], env=env)
    assert result.exit_code == 2 and "--comite" in result.output
    result = runner.invoke(
        cli_app, ["import-plan", str(tmp_path / "no.csv"), "--comite", "1"], env=env
    )
    assert result.exit_code == 2 and "No pude leer" in result.output
    assert asyncio.run(_stored(database_url))["actions"] == 0


# --- the chat ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEED_PLANS))
async def test_coordinador_imports_seed_plan_answering_the_question(
    bot: Harness, services: Services, name: str
) -> None:
    world = await committee(bot)
    [question] = await world.say(world.ana, "/plan importar")
    assert "responda a este mensaje adjuntando el archivo" in question.plain
    [done] = await send_file(bot, world.ana, world.group, name, seed_file(name), reply_to=question)
    acciones, proyectos, indicadores = SEED_PLANS[name]
    assert f"{acciones} acciones" in done.plain
    assert f"{indicadores} indicadores" in done.plain
    actions, found = await plan_rows(services)
    assert len(actions) == acciones + proyectos
    assert len(found) == indicadores
    async with services.transaction() as session:
        [record] = list(await session.scalars(select(PlanImport)))
        assert (record.source, record.filename, record.imported_at) == ("chat", name, NOW)
        # The question has its answer: it no longer waits.
        assert await session.scalar(select(func.count()).select_from(PendingPrompt)) == 0

    shown = texts(await world.say(world.beto, "/plan"))
    assert f"Cargado por Ana el 2 de marzo de 2009 ({name})" in shown
    assert actions[0].accion[:40] in shown


async def test_mocoa_plan_content_in_database_and_in_plan(bot: Harness, services: Services) -> None:
    world = await committee(bot)
    content = seed_file("mocoa_2009.yaml")
    await send_file(bot, world.ana, world.group, "mocoa_2009.yaml", content, caption="/plan")
    actions, found = await plan_rows(services)
    assert actions[0].accion == "Reunión del comité GEL en el Orden Territorial"
    assert actions[0].responsables == ["Comité GEL en el orden territorial"]
    assert actions[0].tiempos == "4 años"
    assert [a.kind for a in actions].count("proyecto") == 9
    assert actions[7].details == {
        "eje": "Mejores Servicios",
        "linea_estrategica": "eje productivo y competitivo",
        "fase": "interacción",
        "criterios": "participación",
    }
    site = found["sitio_web_semanal"]
    assert (site.name, site.meta, site.frequency) == (
        "Frecuencia de actualización del sitio Web",
        1.0,
        "semanal",
    )
    assert site.plan_action_id == actions[1].id
    assert found["no_de_tecnicas_reconocidas"].formula == "No de técnicas reconocidas /3 x 100"
    assert found["indicador_de_satisfaccion_de_las_entidades_vinculadas"].meta is None
    messages = await world.say(world.carla, "/plan")
    shown = texts(messages)
    assert "Resolución 001143 de 2009" in shown
    assert "Proyectos" in shown
    assert "Frecuencia de actualización del sitio Web — meta 1 actualización por semana" in shown
    assert all(len(m.plain) <= 4096 for m in messages)


async def test_private_import_for_the_one_committee_coordinated(
    bot: Harness, services: Services
) -> None:
    world = await committee(bot)
    private = bot.tg.private_chat(world.ana)
    [done] = await send_file(bot, world.ana, private, "chitaga.csv", seed_file("chitaga.csv"))
    assert "Plan de acción de la Alcaldía de Mocoa importado" in done.plain
    actions, _ = await plan_rows(services)
    assert len(actions) == 7


async def test_private_import_asks_which_committee(bot: Harness, services: Services) -> None:
    world = await committee(bot)
    other = bot.tg.add_group("Comité GEL Chitagá", admins=[world.ana])
    [question] = await bot.say(world.ana, other, "/comite Alcaldía de Chitagá")
    await bot.press(world.ana, question, 1)
    private = bot.tg.private_chat(world.ana)

    [ask] = await send_file(bot, world.ana, private, "chitaga.yaml", seed_file("chitaga.yaml"))
    assert "¿Para qué comité" in ask.plain
    assert [b["text"] for b in ask.buttons()] == ["Alcaldía de Chitagá", "Alcaldía de Mocoa"]
    # Someone else pressing (forged) does nothing.
    await bot.press(world.beto, ask, 1)
    assert "no es para usted" in bot.answers()[-1][1]["text"]
    assert (await plan_rows(services))[0] == []

    sent = await bot.press(world.ana, ask, 1)
    assert "Plan de acción de la Alcaldía de Chitagá importado" in texts(sent)
    async with services.transaction() as session:
        chitaga = await session.scalar(
            select(Committee).where(Committee.entity_name == "Alcaldía de Chitagá")
        )
        assert chitaga is not None
        count = await session.scalar(
            select(func.count())
            .select_from(PlanAction)
            .where(PlanAction.committee_id == chitaga.id)
        )
        assert count == 7
    # The question is answered (its buttons are gone): an old press is refused.
    assert ask.buttons() == []
    await bot.press_data(world.ana, ask, "plc:1")
    assert "ya fue respondida" in bot.answers()[-1][1]["text"]

    # A caption naming the committee skips the question.
    [done] = await send_file(
        bot, world.ana, private, "chitaga.csv", seed_file("chitaga.csv"), caption="Mocoa"
    )
    assert "Plan de acción de la Alcaldía de Mocoa importado" in done.plain


async def test_bad_files_are_answered_with_row_and_field(bot: Harness, services: Services) -> None:
    world = await committee(bot)
    await send_file(bot, world.ana, world.group, "chitaga.csv", seed_file("chitaga.csv"), "/plan")
    bad_csv = (
        "accion,indicador,meta,frecuencia,responsables\n"
        "Actualizar el sitio,Actualizaciones,1,semanal,Editor\n"
        "Publicar contratos,Publicaciones,1,cada rato,Jurídica\n"
    ).encode()
    [answer] = await send_file(bot, world.ana, world.group, "plan.csv", bad_csv, "/plan")
    assert "No importé plan.csv; el plan anterior sigue igual." in answer.plain
    assert "Fila 3, campo «frecuencia»" in answer.plain
    bad_yaml = (
        b"acciones:\n"
        b"  - accion: Actualizar\n"
        b"    indicadores:\n"
        b"      - nombre: Veces\n"
        b"        frecuencia: semanal\n"
        b"    responsables: [Editor]\n"
    )
    [answer] = await send_file(bot, world.ana, world.group, "plan.yaml", bad_yaml, "/plan")
    assert "Acción 1, indicador 1" in answer.plain and "«meta»" in answer.plain
    [answer] = await send_file(bot, world.ana, world.group, "plan.xlsx", b"PK\x03\x04xx", "/plan")
    assert "hoja de cálculo" in answer.plain
    [answer] = await send_file(bot, world.ana, world.group, "acta.pdf", b"%PDF-1.4", "/plan")
    assert "envíe un archivo YAML (.yaml) o CSV (.csv)" in answer.plain
    [answer] = await send_file(
        bot, world.ana, world.group, "plan.csv", b"a" * (1024 * 1024 + 1), "/plan"
    )
    assert "pesa 1.0 MB y el máximo es 1 MB" in answer.plain
    [answer] = await send_file(
        bot, world.ana, world.group, "plan.csv", b"<script>&</script>", "/plan"
    )
    assert "Fila 1" in answer.plain
    # The earlier plan is untouched by every bad file.
    actions, _ = await plan_rows(services)
    assert len(actions) == 7


async def test_only_the_coordinador_imports(bot: Harness, services: Services) -> None:
    world = await committee(bot)
    [answer] = await world.say(world.beto, "/plan importar")
    assert "Solo el coordinador" in answer.plain
    content = seed_file("chitaga.csv")
    [answer] = await send_file(bot, world.beto, world.group, "chitaga.csv", content, "/plan")
    assert "Solo el coordinador" in answer.plain
    private = bot.tg.private_chat(world.beto)
    [answer] = await send_file(bot, world.beto, private, "chitaga.csv", content)
    assert "Solo el coordinador" in answer.plain
    # Beto answering Ana's question with a file is still Beto importing.
    [question] = await world.say(world.ana, "/plan importar")
    [answer] = await send_file(
        bot, world.beto, world.group, "chitaga.csv", content, reply_to=question
    )
    assert "Solo el coordinador" in answer.plain
    assert (await plan_rows(services))[0] == []


async def test_files_not_for_the_plan_are_left_alone(bot: Harness, services: Services) -> None:
    world = await committee(bot)
    content = seed_file("chitaga.csv")
    assert await send_file(bot, world.ana, world.group, "chitaga.csv", content) == []
    assert await send_file(bot, world.ana, world.group, "f.csv", content, "mire esto") == []
    [question] = await world.say(world.ana, "/plan importar")
    [answer] = await world.bot.say(world.ana, world.group, "ya lo envío", reply_to=question)
    assert "Necesito el archivo" in answer.plain
    assert (await plan_rows(services))[0] == []


async def test_plan_usage_and_example_file_round_trip(bot: Harness, services: Services) -> None:
    world = await committee(bot)
    [empty] = await world.say(world.beto, "/plan")
    assert "aún no tiene plan de acción" in empty.plain
    [usage] = await world.say(world.ana, "/plan borrar todo")
    assert "No entiendo «borrar todo»" in usage.plain
    [sample] = await world.say(world.ana, "/plan ejemplo")
    assert sample.kind == "document" and sample.file_name == "chitaga.csv"
    assert sample.file_bytes == seed_file("chitaga.csv")
    # The example imports as it is.
    assert sample.file_bytes is not None
    [done] = await send_file(bot, world.ana, world.group, "chitaga.csv", sample.file_bytes, "/plan")
    assert "7 acciones" in done.plain


async def test_reimport_replaces_actions_and_keeps_indicator_history(
    bot: Harness, services: Services
) -> None:
    world = await committee(bot)
    await send_file(bot, world.ana, world.group, "m.yaml", seed_file("mocoa_2009.yaml"), "/plan")
    actions, found = await plan_rows(services)
    site, quejas = found["sitio_web_semanal"], found["cantidad_de_quejas_recibidas"]
    committee_row = await the_committee(services)
    async with services.transaction() as session:
        reading = await indicators.record_reading(
            session, site, date(2009, 2, 23), 2, None, None, NOW
        )
        await indicators.record_reading(session, quejas, date(2009, 2, 1), 4, None, None, NOW)
        session.add(
            Compromiso(
                committee_id=committee_row.id, description="Publicar el organigrama",
                due_on=date(2009, 3, 20), plan_action_id=actions[1].id, created_at=NOW,
            )
        )  # fmt: skip

    # The new plan keeps the site action, drops the others, renames nothing else.
    smaller = parse_plan(seed_file("mocoa_2009.yaml"), "m.yaml")
    kept = smaller.acciones[1].model_copy(
        update={"indicadores": smaller.acciones[1].indicadores[:1]}
    )
    new_action = smaller.acciones[0].model_copy(
        update={"accion": "Reunión extraordinaria", "indicadores": []}
    )
    plan = smaller.model_copy(update={"acciones": [kept, new_action], "proyectos": []})
    async with services.transaction() as session:
        committee_row = await session.get(Committee, committee_row.id)
        assert committee_row is not None
        summary = await plans.import_plan(
            session, committee_row, plan, now=NOW, actor=None, filename="m2.yaml"
        )
    assert summary.replaced
    assert summary.kept_keys == ["sitio_web_semanal"]
    assert "cantidad_de_quejas_recibidas" in summary.retired_keys
    assert "encuesta_de_opinion_en_el_sitio_web" in summary.deleted_keys

    new_actions, now_found = await plan_rows(services)
    assert [a.accion for a in new_actions] == [kept.accion, "Reunión extraordinaria"]
    # Same text, same row: the compromiso linked to it stays linked.
    assert new_actions[0].id == actions[1].id
    async with services.transaction() as session:
        compromiso = await session.scalar(select(Compromiso))
        assert compromiso is not None and compromiso.plan_action_id == actions[1].id
        assert await session.get(IndicatorReading, reading.id) is not None
        lines = await indicators.overview(session, committee_row, date(2009, 3, 2))
    assert now_found["sitio_web_semanal"].id == site.id
    assert now_found["cantidad_de_quejas_recibidas"].retired_at == NOW
    assert "encuesta_de_opinion_en_el_sitio_web" not in now_found
    # Retired indicators leave /indicadores but keep their readings for the informe.
    assert lines[0].indicator.key == "sitio_web_semanal"
    assert "cantidad_de_quejas_recibidas" not in {line.indicator.key for line in lines}


async def test_import_adopts_the_indicator_the_reminders_created(
    bot: Harness, services: Services
) -> None:
    world = await committee(bot)
    committee_row = await the_committee(services)
    async with services.transaction() as session:
        site = await indicators.ensure_indicator(
            session, committee_row, "sitio_web_semanal", "Actualización del sitio web", 1, "semanal"
        )
        await indicators.record_reading(session, site, date(2009, 2, 23), 1, None, 7, NOW)
        other = await indicators.ensure_indicator(
            session, committee_row, "otro_recordatorio", "Otro", None, "mensual"
        )
    content = seed_file("puerto_santander_2008.yaml")
    await send_file(bot, world.ana, world.group, "ps.yaml", content, "/plan")
    _, found = await plan_rows(services)
    adopted = found["sitio_web_semanal"]
    assert adopted.id == site.id
    assert adopted.name == "Número de veces que se actualiza el sitio Web por semana"
    assert adopted.plan_action_id is not None
    # An indicator outside any plan is not the plan's to retire.
    assert found["otro_recordatorio"].id == other.id
    assert found["otro_recordatorio"].retired_at is None


# --- hostile input -------------------------------------------------------------------------------


@HYPOTHESIS
@given(word=command_word("plan"), arg=arguments("plan"))
@example(word="/plan", arg="{{ 7*7 }} <b>importar</b>")
async def test_plan_arguments_are_answered_cleanly(hostile: Hostile, word: str, arg: str) -> None:
    plain = await hostile.coordinador_says(f"{word} {arg}")
    assert "plan" in plain.lower()


@HYPOTHESIS
@given(
    name=st.text(min_size=1, max_size=80).filter(lambda n: "/" not in n),
    content=st.one_of(st.binary(max_size=300), short_text.map(str.encode)),
)
@example(name="<b>plan</b>.csv", content=b"accion,indicador\n<b>x</b>,{{ 7*7 }}\n")
@example(name="plan.yaml", content=b"acciones: &a [*a]\n")
@example(name="plan.yaml", content=b"acciones:\n  - accion: {{ x }}\n")
async def test_any_file_gets_a_clean_answer(
    bot: Harness, services: Services, caplog: pytest.LogCaptureFixture, name: str, content: bytes
) -> None:
    caplog.clear()
    group, ana, _ = await committee_in_group(bot, services)
    answer = await send_file(bot, ana, group, name, content, "/plan")
    plain = assert_clean(answer, caplog)
    assert "importado" in plain or "No importé" in plain or "No puedo leer" in plain

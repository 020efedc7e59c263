"""`gelbot console`: the simulated Telegram a newcomer runs first, driven line by line."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram import ForceReply

from gelbot.console import Console
from gelbot.console.terminal import OneLineErrors
from gelbot.models import Committee, Person
from gelbot.settings import Settings
from gelbot.telegram.fake_api import BotApiError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "consola-primeros-pasos.txt"
# 2 March 2009, 09:00 in Bogotá.
START = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
async def console(settings: Settings, tmp_path: Path) -> AsyncIterator[Console]:
    opened = Console(settings, start=START, files_dir=tmp_path / "archivos")
    await opened.open()
    yield opened
    await opened.close()


async def run(console: Console, *lines: str) -> str:
    """Type each line; everything the console printed, joined."""
    out: list[str] = []
    for line in lines:
        out += await console.handle(line)
    return "\n".join(out)


async def register(console: Console) -> None:
    await run(console, "/comite Alcaldía de Mocoa", ":boton 1", ":boton 1")


async def test_opens_in_the_group_as_its_admin_with_the_welcome(settings: Settings) -> None:
    console = Console(settings, start=START)
    try:
        intro = "\n".join(await console.open())
        assert "Hora: lunes 2 de marzo de 2009, 09:00 (America/Bogota)" in intro
        assert "administrador(a) del grupo «Comité GEL (simulado)»" in intro
        assert "[grupo] gelbot: Hola. Soy gelbot" in intro
        assert "/comite Alcaldía de Mocoa" in intro
        assert console.prompt == "ana@grupo"
    finally:
        await console.close()


async def test_registration_with_numbered_buttons(console: Console) -> None:
    asked = await run(console, "/comite Alcaldía de Mocoa")
    assert asked.startswith("[grupo] gelbot: Registré el Comité de Gobierno en Línea")
    assert "<b>" not in asked
    assert "    [1] Territorial  [2] Nacional" in asked.splitlines()

    nivel = await run(console, ":boton 1")
    assert "(Ana pulsa «Territorial»)" in nivel
    assert "[grupo] gelbot (editado): Comité de la Alcaldía de Mocoa, orden territorial." in nivel
    assert "[1] Municipal  [2] Departamental" in nivel

    done = await run(console, ":b 2")
    assert "Listo: Alcaldía de Mocoa — entidad territorial, departamental." in done
    assert "[1] Abrir chat privado ↗" in done

    services = console.application.bot_data["services"]
    async with services.transaction() as session:
        committee = await session.scalar(select(Committee))
        assert committee is not None
        assert (committee.orden, committee.nivel) == ("territorial", "departamental")


async def test_button_errors_are_explained(console: Console) -> None:
    assert "No hay mensajes con botones en el grupo." in await run(console, ":boton 1")
    await run(console, "/comite Alcaldía de Mocoa")
    assert "de 1 a 2. Ejemplo: :boton 1" in await run(console, ":boton 3")
    assert "de 1 a 2" in await run(console, ":boton uno")


async def test_switching_users_who_join_with_cargos(console: Console) -> None:
    await register(console)
    switched = await run(console, ":usuario Beto")
    assert "Nuevo usuario: Beto (@beto" in switched and "no administra" in switched
    assert console.prompt == "beto@grupo"

    assert "Solo un administrador" in await run(console, "/comite Otra Entidad")
    joined = await run(console, "/unirme Secretario de Planeación")
    assert "Bienvenido(a) al comité de la Alcaldía de Mocoa, Beto: Secretario de" in joined
    await run(console, ":usuario María José", "/unirme Encargada del sitio web")
    assert console.prompt == "maria_jose@grupo"

    back = await run(console, ":usuario ana")
    assert back.startswith("Ahora habla como Ana (@ana") and "que administra" in back
    role = await run(console, "/rol @maria_jose editor_web")
    assert "María José ahora es editor(a) del sitio web" in role
    listing = await run(console, "/miembros")
    assert "Beto — miembro, Secretario de Planeación" in listing
    assert "María José — editor(a) del sitio web, Encargada del sitio web" in listing
    assert "beto, maria_jose" in await run(console, ":usuario")


async def test_admin_order_lets_another_user_register(console: Console) -> None:
    await run(console, ":usuario Beto", ":admin")
    assert "¿La entidad es del orden" in await run(console, "/comite Alcaldía de Pasto")
    await run(console, ":admin no")
    assert "Solo un administrador" in await run(console, "/comite Otra")
    assert "Use :admin" in await run(console, ":admin quizás")


async def test_private_chat_and_back(console: Console) -> None:
    await register(console)
    assert "chat privado de Ana" in await run(console, ":privado")
    assert console.prompt == "ana@privado"
    hello = await run(console, "/start")
    assert hello.startswith("[privado] gelbot: Hola, Ana.")
    assert "Alcaldía de Mocoa — coordinador(a)" in hello
    assert "se usa en el grupo del comité" in await run(console, "/unirme Secretario")
    await run(console, ":grupo")
    assert console.prompt == "ana@grupo"


async def test_following_a_start_link_opens_the_private_chat(console: Console) -> None:
    await register(console)
    await run(console, ":usuario Beto", "/unirme Secretario de Planeación")
    followed = await run(console, ":boton 1")
    assert "🔗 https://t.me/gelbot_demo_bot?start=c1 abre el chat privado" in followed
    assert "> beto@privado: /start c1" in followed
    assert "[privado] gelbot: Hola, Beto." in followed
    assert "Quedó conectado(a) con el comité de la Alcaldía de Mocoa" in followed
    assert console.prompt == "beto@privado"

    services = console.application.bot_data["services"]
    async with services.transaction() as session:
        beto = await session.scalar(select(Person).where(Person.username == "beto"))
        assert beto is not None and beto.private_chat_open


async def test_privacy_mode_hides_chatter_in_the_group(console: Console) -> None:
    before = len(console.telegram.pending())
    assert "el bot no recibe este mensaje" in await run(console, "hola a todos")
    assert len(console.telegram.pending()) == before
    # A mention reaches the bot, which says what it is for.
    assert "Soy gelbot" in await run(console, "@gelbot_demo_bot hola")
    assert len(console.telegram.pending()) == before + 1


async def test_clock_moves_in_bogota_and_runs_the_hooks(console: Console) -> None:
    seen: list[datetime] = []

    async def tick(now: datetime) -> None:
        seen.append(now)
        await console.application.bot.send_message(console.group.id, f"Recordatorio {len(seen)}")

    console.on_clock_change.append(tick)
    moved = await run(console, ":hora 2009-03-09 08:30")
    assert "🕘 Ahora es lunes 9 de marzo de 2009, 08:30 (America/Bogota)" in moved
    assert "[grupo] gelbot: Recordatorio 1" in moved
    assert console.clock.now() == datetime(2009, 3, 9, 13, 30, tzinfo=UTC)
    assert seen == [console.clock.now()]

    assert "martes 10 de marzo de 2009, 10:45" in await run(console, ":hora +1d2h15m")
    assert "martes 10 de marzo de 2009, 07:00" in await run(console, ":hora 07:00")
    assert "el reloj retrocedió" in await run(console, ":hora 2009-03-02")
    assert console.clock.now() == datetime(2009, 3, 2, 12, 0, tzinfo=UTC)
    assert len(seen) == 4
    assert "No entiendo la hora «mañana»" in await run(console, ":hora mañana")
    assert "va de 1971 a 2100" in await run(console, ":hora 9999-12-31 23:59")
    assert "va de 1971 a 2100" in await run(console, ":hora 1900-01-01 00:00")
    assert len(seen) == 4
    assert "🕘 Es lunes 2 de marzo de 2009, 07:00" in await run(console, ":hora")


async def test_a_failing_hook_does_not_end_the_session(console: Console) -> None:
    async def broken(now: datetime) -> None:
        raise RuntimeError("boom")

    console.on_clock_change.append(broken)
    assert "una tarea programada falló" in await run(console, ":hora +1h")
    assert "Hola, Ana" in await run(console, ":privado", "/start")


async def test_unknown_orders_comments_and_escapes(console: Console) -> None:
    assert "No conozco la orden «:volar». Escriba :ayuda" in await run(console, ":volar")
    assert await run(console, "# solo un comentario", "   ") == ""
    assert ":usuario NOMBRE" in await run(console, ":ayuda")
    assert "Usted es Ana (@ana" in await run(console, ":quien")
    await run(console, ":privado", "::-)")
    assert console.telegram.pending()[-1]["message"]["text"] == ":-)"
    assert await run(console, ":salir") == "Hasta luego."
    assert console.finished


async def test_echo_marks_who_typed_each_line(console: Console) -> None:
    assert console.echo("/miembros\n") == "> ana@grupo: /miembros"
    assert console.echo("# nota") == "# nota"
    await run(console, ":usuario Beto", ":privado")
    assert console.echo("/start") == "> beto@privado: /start"


async def test_callback_answers_are_shown(console: Console) -> None:
    await run(console, "/comite Alcaldía de Mocoa", ":usuario Beto")
    refused = await run(console, ":boton 1")
    assert "[grupo] gelbot (aviso): Solo el coordinador del comité puede elegir esto." in refused


async def test_errors_reach_the_user_in_spanish(console: Console) -> None:
    console.telegram.fail_next(
        "sendMessage", BotApiError(400, "Bad Request: boom"), chat_id=console.group.id
    )
    shown = await run(console, "/ayuda")
    assert "Algo salió mal al procesar su mensaje" in shown
    assert "Traceback" not in shown


async def test_attachments_and_files_from_the_bot(console: Console, tmp_path: Path) -> None:
    assert "No encuentro el archivo" in await run(console, ":adjuntar /no/existe.csv")
    assert "Indique la ruta" in await run(console, ":adjuntar")
    plan = tmp_path / "plan.csv"
    plan.write_bytes(b"Accion;Meta\n")
    in_group = await run(console, f":adjuntar {plan}")
    assert "(Ana envía 📎 plan.csv, 12 bytes)" in in_group
    assert "el bot no recibe este mensaje" in in_group
    captioned = await run(console, f":adjuntar {plan} | /plan")
    assert "el bot no recibe" not in captioned
    assert console.telegram.pending()[-1]["message"]["caption"] == "/plan"
    await run(console, ":privado", f":adjuntar {plan}")
    document = console.telegram.pending()[-1]["message"]["document"]
    assert document["file_name"] == "plan.csv"

    async def informe(now: datetime) -> None:
        await console.application.bot.send_document(
            console.user.id,
            b"# Informe",
            filename="informe.md",
            caption="<b>Informe</b>",
            parse_mode="HTML",
        )

    console.on_clock_change.append(informe)
    sent = await run(console, ":hora +1h")
    saved = tmp_path / "archivos" / "informe.md"
    assert f"[privado] gelbot: 📎 informe.md (9 bytes) → {saved}" in sent
    assert "    Informe" in sent.splitlines()
    assert saved.read_bytes() == b"# Informe"
    await run(console, ":hora +1h")
    assert (tmp_path / "archivos" / "informe-2.md").exists()


async def test_force_reply_makes_the_next_line_an_answer(console: Console) -> None:
    async def ask(now: datetime) -> None:
        await console.application.bot.send_message(
            console.group.id, "¿Cuántas actualizaciones?", reply_markup=ForceReply()
        )

    console.on_clock_change.append(ask)
    assert "(espera respuesta: lo próximo que se escriba aquí" in await run(console, ":hora +1h")
    await run(console, "tres")  # not a command, yet the bot receives it: it is a reply
    message = console.telegram.pending()[-1]["message"]
    assert message["text"] == "tres"
    assert message["reply_to_message"]["text"] == "¿Cuántas actualizaciones?"
    assert "el bot no recibe" in await run(console, "y otra cosa")


async def test_selective_force_reply_waits_for_whom_it_names(console: Console) -> None:
    await run(console, ":usuario Beto", ":usuario ana")
    beto = console.telegram.users[next(i for i, u in console.telegram.users.items()
                                       if u.username == "beto")]  # fmt: skip

    async def ask(now: datetime) -> None:
        await console.application.bot.send_message(
            console.group.id,
            f'<a href="tg://user?id={beto.id}">Beto</a>, ¿qué cargo tiene?',
            parse_mode="HTML",
            reply_markup=ForceReply(selective=True),
        )

    console.on_clock_change.append(ask)
    assert "(espera respuesta de Beto:" in await run(console, ":hora +1h")
    assert "el bot no recibe" in await run(console, "yo no soy Beto")
    await run(console, ":usuario beto", "Secretario")
    message = console.telegram.pending()[-1]["message"]
    assert message["text"] == "Secretario" and message["from"]["id"] == beto.id
    assert "reply_to_message" in message


async def test_colour_only_styles_the_text(settings: Settings) -> None:
    console = Console(settings, start=START, color=True)
    try:
        await console.open()
        shown = await run(console, "/comite Alcaldía de Mocoa")
    finally:
        await console.close()
    assert "\033[1mAlcaldía de Mocoa\033[0m" in shown
    assert "<b>" not in shown


def test_log_errors_are_one_line_without_traceback() -> None:
    try:
        raise ValueError("mal dato")
    except ValueError:
        record = logging.LogRecord("gelbot", logging.ERROR, __file__, 1, "falló", None, None)
        record.exc_info = sys.exc_info()
    text = OneLineErrors("%(levelname)s %(name)s: %(message)s").format(record)
    assert text == "ERROR gelbot: falló\n    ValueError: mal dato"


def test_piped_example_session(tmp_path: Path) -> None:
    """The example a newcomer pipes in runs to the end, reading like a dialogue."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    env = {k: v for k, v in env.items() if not k.startswith("GELBOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "gelbot", "console", "--db", f"sqlite:///{tmp_path}/x.sqlite3"],
        input=EXAMPLE.read_bytes(),
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    out, err = result.stdout.decode(), result.stderr.decode()
    assert result.returncode == 0, err
    assert "Traceback" not in err
    for expected in (
        "> ana@grupo: /comite Alcaldía de Mocoa",
        "[1] Territorial  [2] Nacional",
        "Listo: Alcaldía de Mocoa — entidad territorial, municipal.",
        "> beto@grupo: /unirme Secretario de Planeación",
        "> beto@privado: /start c1",
        "Quedó conectado(a) con el comité de la Alcaldía de Mocoa",
        "Carla ahora es editor(a) del sitio web del comité.",
        "Comité de la Alcaldía de Mocoa — 3 miembros",
        "> ana@privado: /start",
        "[privado] gelbot: Lo que puede hacer en este chat privado (como coordinador(a))",
        "Hasta luego.",
    ):
        assert expected in out, expected
    assert "Algo salió mal" not in out
    assert (tmp_path / "x.sqlite3").exists()


async def test_reply_order_reaches_the_bot_in_the_group(console: Console) -> None:
    await run(console, ":privado")
    assert "El bot aún no ha escrito en el privado." in await run(console, ":responder hola")
    await run(console, ":grupo")
    assert "Ejemplo: :responder sí" in await run(console, ":responder")
    before = len(console.telegram.pending())
    assert "no recibe" not in await run(console, ":responder gracias")
    message = console.telegram.pending()[before]["message"]
    assert message["reply_to_message"]["text"].startswith("Hola. Soy gelbot")


@pytest.mark.parametrize(
    "line",
    [
        ":", "::", ":b", ":boton -1", ":boton 99999999999999999999", ":hora +", ":hora 25:99",
        ":hora 9999-12-31 23:59", ":hora +99999999999d", ":hora 1900-01-01 00:00",
        ":usuario " + "x" * 100, ":usuario 😀", ":adjuntar \0", ":adjuntar /",
        "/comite <b>&amp;</b>", "/unirme " + "ñ" * 5000, "@", "\x00", "/rol @nadie editor_web",
        ":admin sí", ":grupo extra",
    ],
)  # fmt: skip
async def test_odd_input_gets_an_answer_never_an_exception(console: Console, line: str) -> None:
    shown = await run(console, line)
    assert "Traceback" not in shown
    assert "Algo salió mal" not in shown
    assert console.prompt.endswith("@grupo")


async def test_a_clock_jump_runs_every_job_gelbot_run_schedules(
    console: Console, settings: Settings
) -> None:
    """`:hora` lives what a running bot lives: the reminders and the flows' own pass."""
    from gelbot.app import build_application
    from gelbot.flows.semester import TRIGGER
    from gelbot.jobs import jobs
    from gelbot.models.flows import FlowRun, RunStatus

    running = build_application(settings)
    assert running.job_queue is not None
    scheduled = [job.name for job in running.job_queue.jobs()]
    assert scheduled == [job.name for job in jobs(settings)] == ["recordatorios", "flujos"]

    await register(console)
    # The semester closes on 31 July 2009: its questionnaire goes out a working week before.
    asked = await run(console, ":hora 2009-07-24 10:00")
    assert "Se acerca el cierre del informe (1 de febrero de 2009 – 31 de julio de 2009)" in asked

    services = console.application.bot_data["services"]
    async with services.transaction() as session:
        questionnaire = await session.scalar(select(FlowRun).where(FlowRun.trigger == TRIGGER))
        assert questionnaire is not None
        assert questionnaire.status == RunStatus.ESPERANDO.value
    # Nobody answers it: a week later the flows' pass closes it «sin respuesta».
    await run(console, ":hora 2009-08-03 10:00")
    async with services.transaction() as session:
        questionnaire = await session.scalar(select(FlowRun).where(FlowRun.trigger == TRIGGER))
        assert questionnaire is not None
        assert questionnaire.status == RunStatus.SIN_RESPUESTA.value

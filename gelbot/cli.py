"""The `gelbot` command: run the bot, migrate the database, and the offline tools."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from gelbot.cli_spanish import SpanishGroup, in_spanish
from gelbot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from datetime import datetime

    from gelbot.domain.plan_import import PlanDeAccion

app = typer.Typer(
    cls=SpanishGroup,
    subcommand_metavar="COMANDO [ARGUMENTOS]...",
    help="gelbot: el bot del Comité de Gobierno en Línea.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

NO_TOKEN = (
    "Falta GELBOT_TOKEN: cree un bot con @BotFather en Telegram (/newbot), copie el token y "
    "ejecute: GELBOT_TOKEN=<token> gelbot run   (para probar sin token: gelbot console)"
)
REJECTED_TOKEN = (
    "Telegram rechazó GELBOT_TOKEN: revise que esté completo y vigente con @BotFather "
    "(/mybots → API Token), o que GELBOT_BOT_API_URL apunte a la Bot API."
)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


def _moment(at: str | None, settings: Settings) -> datetime | None:
    """The `--at` option as an aware moment (in the settings' zone if it names none), or None."""
    from datetime import datetime

    if at is None:
        return None
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        typer.echo(f"--at no es una fecha ISO: {at!r} (ej. 2009-03-02T09:00)", err=True)
        raise typer.Exit(2) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.zone)


@app.command()
def migrate() -> None:
    """Lleva la base de datos a la última versión del esquema."""
    from gelbot.db import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    typer.echo("Base de datos al día.")


@app.command()
def run(
    webhook: Annotated[bool, typer.Option("--webhook", help="Recibir por webhook")] = False,
) -> None:
    """Atiende Telegram (long polling, o webhook con --webhook)."""
    settings = _settings()
    token = settings.token_value()
    if not token:
        typer.echo(NO_TOKEN, err=True)
        raise typer.Exit(2)
    missing = [
        need
        for need, value in (
            (
                "GELBOT_WEBHOOK_URL (la URL pública https que Telegram llamará)",
                settings.webhook_url,
            ),
            ("GELBOT_WEBHOOK_SECRET (letras, números, _ y -)", settings.webhook_secret),
        )
        if value is None
    ]
    if webhook and missing:
        typer.echo("El modo webhook necesita " + " y ".join(missing) + ".", err=True)
        raise typer.Exit(2)

    from sqlalchemy.engine import make_url
    from telegram.error import InvalidToken, NetworkError

    from gelbot.app import build_application
    from gelbot.db import upgrade
    from gelbot.domain.frameworks import FrameworkError
    from gelbot.logging_setup import configure_logging

    secrets = [
        token,
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else "",
        make_url(settings.database_url).password or "",
    ]
    redact = configure_logging(settings.log_level, secrets)
    upgrade(settings.database_url)
    try:
        application = build_application(settings)
    except FrameworkError as error:
        typer.echo(f"Un marco normativo no es válido: {error}", err=True)
        raise typer.Exit(2) from None
    allowed = ["message", "edited_message", "callback_query", "my_chat_member"]
    try:
        if webhook:
            assert settings.webhook_url is not None and settings.webhook_secret is not None
            # PTB checks X-Telegram-Bot-Api-Secret-Token on every request and answers 403.
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=settings.webhook_path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=allowed,
            )
        else:
            application.run_polling(allowed_updates=allowed)
    # PTB's own messages for these quote the token, and a traceback helps nobody here.
    except InvalidToken:
        typer.echo(REJECTED_TOKEN, err=True)
        raise typer.Exit(2) from None
    except NetworkError as error:
        typer.echo(redact(f"No pude conectar con {settings.bot_api_url}: {error}"), err=True)
        raise typer.Exit(1) from None
    except OSError as error:  # the webhook port is taken or not ours to bind
        if not webhook:
            raise
        where = f"{settings.webhook_listen}:{settings.webhook_port}"
        message = f"No pude escuchar en {where} (GELBOT_WEBHOOK_LISTEN/_PORT): {error}"
        typer.echo(redact(message), err=True)
        raise typer.Exit(1) from None


@app.command()
def console(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Base de datos (por omisión GELBOT_DATABASE_URL: gelbot.sqlite3 aquí)"
        ),
    ] = None,
    hora: Annotated[
        str,
        typer.Option(
            "--hora",
            help="Hora inicial (en GELBOT_TIMEZONE, Bogotá), AAAA-MM-DD HH:MM. Por omisión el "
            "lunes 2009-03-02 09:00, del semestre de los documentos de ejemplo (los plazos del "
            "Decreto 1151 aún vigentes), para que cada sesión cuente la misma historia; «ahora» "
            "usa la hora real.",
        ),
    ] = "2009-03-02 09:00",
    archivos: Annotated[
        str, typer.Option("--archivos", help="Carpeta donde guardar los archivos que envía el bot")
    ] = "gelbot-archivos",
    depurar: Annotated[
        bool, typer.Option("--depurar", help="Registro completo, con trazas, en stderr")
    ] = False,
) -> None:
    """Converse con gelbot en la terminal: Telegram simulado, sin token ni red. Empiece aquí."""
    from datetime import UTC, datetime
    from pathlib import Path

    from gelbot.console import configure_console_logging, parse_moment, run_console
    from gelbot.settings import sqlite_path

    overrides: dict[str, object] = {"token": None}
    if db is not None:
        overrides["database_url"] = db
    try:
        settings = load_settings(**overrides)
        start = parse_moment(hora, settings.zone, now=datetime.now(UTC))
    except (SettingsError, ValueError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    database_file = sqlite_path(settings.database_url)
    if database_file is not None and not database_file.parent.is_dir():
        typer.echo(f"No existe la carpeta {database_file.parent} para la base de datos.", err=True)
        raise typer.Exit(2)
    configure_console_logging(verbose=depurar)
    status = run_console(settings, start=start, files_dir=Path(archivos))
    if status:
        raise typer.Exit(status)


@app.command()
def demo(
    salida: Annotated[
        str, typer.Option("--salida", "-o", help="Carpeta del informe, las actas y la base")
    ] = "informe-demo",
    corto: Annotated[
        bool, typer.Option("--corto", help="Solo febrero de 2009 (una reunión): para las pruebas")
    ] = False,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Base de datos; por omisión, una SQLite nueva en --salida"),
    ] = None,
    silencioso: Annotated[
        bool, typer.Option("--silencioso", "-q", help="Sin la conversación: solo el avance")
    ] = False,
) -> None:
    """Un comité vive un semestre sin token ni red, y escribe su informe (DOCX, PDF, Markdown)."""
    from gelbot.demo import main as run_demo_cli

    raise typer.Exit(run_demo_cli(salida, short=corto, database_url=db, quiet=silencioso))


@app.command("import-plan")
def import_plan(
    archivo: Annotated[str, typer.Argument(help="El plan de acción: un archivo .yaml o .csv")],
    comite: Annotated[
        int | None,
        typer.Option("--comite", help="Número del comité (sin él, se listan los comités)"),
    ] = None,
) -> None:
    """Carga o reemplaza el plan de acción de un comité desde un archivo YAML o CSV."""
    import asyncio
    from pathlib import Path

    from gelbot.domain.plan_import import PlanImportError, parse_plan

    settings = _settings()
    path = Path(archivo)
    try:
        data = path.read_bytes()
    except OSError as error:
        typer.echo(f"No pude leer {archivo}: {error.strerror or error}.", err=True)
        raise typer.Exit(2) from None
    try:
        plan = parse_plan(data, path.name)
    except PlanImportError as error:
        typer.echo(f"{path.name}: no se importó.\n{error.message}", err=True)
        raise typer.Exit(1) from None
    from gelbot.db import upgrade

    upgrade(settings.database_url)
    status, text = asyncio.run(_import_plan(settings, plan, path.name, comite))
    typer.echo(text, err=status != 0)
    if status:
        raise typer.Exit(status)


async def _import_plan(
    settings: Settings, plan: PlanDeAccion, filename: str, committee_id: int | None
) -> tuple[int, str]:
    """Store the plan for the committee; (exit status, what to tell the person)."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from gelbot.db import make_engine, make_sessionmaker
    from gelbot.domain.plans import import_plan as store_plan
    from gelbot.models import Committee

    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            committee = (
                await session.get(Committee, committee_id) if committee_id is not None else None
            )
            if committee is None:
                rows = await session.scalars(select(Committee).order_by(Committee.id))
                listing = "\n".join(f"  {c.id}  {c.entity_name}" for c in rows)
                head = (
                    "Indique el comité con --comite NÚMERO."
                    if committee_id is None
                    else f"No existe el comité {committee_id}."
                )
                known = (
                    f" Comités registrados:\n{listing}"
                    if listing
                    else " Aún no hay comités: regístrelo en su grupo de Telegram con /comite."
                )
                return 2, head + known
            summary = await store_plan(
                session, committee, plan, now=datetime.now(UTC), actor=None,
                filename=filename, source="cli",
            )  # fmt: skip
            parts = [f"{summary.actions} acciones"]
            if summary.proyectos:
                parts.append(f"{summary.proyectos} proyectos")
            parts.append(f"{summary.indicators} indicadores")
            text = (
                f"Plan de acción importado para el comité {committee.id} "
                f"({committee.entity_name}): {', '.join(parts)}."
            )
            if summary.replaced:
                text += (
                    f" Reemplaza el anterior: {len(summary.new_keys)} indicadores nuevos, "
                    f"{len(summary.kept_keys)} conservados con sus lecturas, "
                    f"{len(summary.retired_keys)} retirados."
                )
            return 0, text
    finally:
        await engine.dispose()


@app.command()
def tick(
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Momento ISO en que hacerlo, ej. 2009-03-02T09:00 (hora de Bogotá si no trae "
            "zona); por omisión, ahora.",
        ),
    ] = None,
) -> None:
    """Planifica y envía una vez los recordatorios vencidos (para operadores y pruebas)."""
    import asyncio
    import os

    settings = _settings()
    token = settings.token_value()
    if not token:
        typer.echo(NO_TOKEN, err=True)
        raise typer.Exit(2)
    moment = _moment(at, settings)
    from gelbot.logging_setup import configure_logging

    # Log lines (a flood wait, a send without answer), never a raw traceback or the token.
    configure_logging(settings.log_level, [token])
    # Tests kill the process at a named point to prove the delivery rule (gelbot.reminders).
    crash_at = os.environ.get("GELBOT_TEST_CRASH_AT")
    typer.echo(asyncio.run(_tick(settings, token, moment, crash_at)))


async def _tick(
    settings: Settings, token: str, moment: datetime | None, crash_at: str | None
) -> str:
    import os

    from telegram.error import InvalidToken, NetworkError
    from telegram.ext import ExtBot

    from gelbot.clock import Clock, ManualClock, SystemClock
    from gelbot.reminders.tick import tick as run_tick
    from gelbot.services import Services
    from gelbot.telegram.pacing import Pacing
    from gelbot.telegram.reminder_dispatcher import build_dispatcher

    def crash(point: str) -> None:
        if point == crash_at:
            os._exit(75)

    clock: Clock = ManualClock(moment) if moment is not None else SystemClock()
    bot = ExtBot(
        token,
        base_url=settings.bot_api_url,
        base_file_url=settings.bot_api_file_url or "https://api.telegram.org/file/bot",
        rate_limiter=Pacing(),
    )
    try:
        async with Services.opened(settings, clock) as services, bot:
            dispatcher = build_dispatcher(services, bot, hook=crash)
            return (await run_tick(dispatcher)).summary()
    except InvalidToken:
        typer.echo(REJECTED_TOKEN, err=True)
        raise typer.Exit(2) from None
    except NetworkError as error:
        typer.echo(f"No pude conectar con la Bot API ({settings.bot_api_url}): {error}", err=True)
        raise typer.Exit(1) from None


@app.command()
def informe(
    comite: Annotated[
        int | None, typer.Option("--comite", help="Número del comité (sin él, se listan)")
    ] = None,
    desde: Annotated[
        str | None, typer.Option("--desde", help="Primer día: 2009-02-01 (o el mes, 2009-02)")
    ] = None,
    hasta: Annotated[
        str | None, typer.Option("--hasta", help="Último día: 2009-08-31 (o el mes, 2009-08)")
    ] = None,
    tipo: Annotated[
        str | None,
        typer.Option("--tipo", help="semestral o trimestral (por omisión, el del comité)"),
    ] = None,
    formato: Annotated[str, typer.Option("--formato", help="docx, pdf o md")] = "docx",
    salida: Annotated[
        str | None,
        typer.Option("-o", "--salida", help="Archivo a escribir («-»: la salida estándar)"),
    ] = None,
) -> None:
    """Genera el informe de un comité (sin fechas, su último período), con la revisión del chat."""
    import asyncio
    from datetime import UTC, datetime

    from gelbot.db import upgrade
    from gelbot.informe.command import write_informe

    settings = _settings()
    upgrade(settings.database_url)
    outcome = asyncio.run(
        write_informe(
            settings, committee_id=comite, desde=desde, hasta=hasta, tipo=tipo,
            formato=formato, salida=salida, now=datetime.now(UTC),
        )
    )  # fmt: skip
    if outcome.status:
        typer.echo(outcome.message, err=True)
        raise typer.Exit(outcome.status)
    if outcome.path is None:
        sys.stdout.buffer.write(outcome.content)
        sys.stdout.buffer.flush()
        typer.echo(outcome.message, err=True)
        return
    try:
        outcome.path.write_bytes(outcome.content)
    except OSError as error:
        typer.echo(f"No pude escribir {outcome.path}: {error.strerror or error}.", err=True)
        raise typer.Exit(1) from None
    typer.echo(outcome.message)


@app.command()
def tablero(
    delegado: Annotated[int, typer.Option("--delegado", help="Id de Telegram del delegado")],
    salida: Annotated[str, typer.Option("-o", "--salida", help="Archivo a escribir")],
    formato: Annotated[str, typer.Option("--formato", help="png, xlsx o html")] = "png",
    at: Annotated[
        str | None,
        typer.Option("--at", help="Momento ISO (ej. 2009-03-02T09:00); por omisión, ahora"),
    ] = None,
) -> None:
    """Escribe el tablero de los comités que aceptaron a un delegado (imagen, hoja o página)."""
    import asyncio
    from datetime import UTC, datetime
    from pathlib import Path

    from gelbot.board.command import board_file, write
    from gelbot.db import upgrade

    settings = _settings()
    moment = _moment(at, settings) or datetime.now(UTC)
    upgrade(settings.database_url)
    outcome = asyncio.run(board_file(settings, telegram_id=delegado, formato=formato, now=moment))
    if outcome.status == 0:
        outcome = write(outcome, Path(salida))
    typer.echo(outcome.message, err=outcome.status != 0)
    if outcome.status:
        raise typer.Exit(outcome.status)


flows_app = typer.Typer(
    cls=SpanishGroup,
    subcommand_metavar="COMANDO [ARGUMENTOS]...",
    help="Conversaciones: los flujos de conversations/*.yaml.",
    no_args_is_help=True,
)
app.add_typer(flows_app, name="flows")


@flows_app.command("check")
def flows_check(
    archivos: Annotated[
        list[str] | None,
        typer.Argument(help="Archivos YAML de flujos (por omisión, todos los de conversations/)"),
    ] = None,
) -> None:
    """Revisa flujos: cada error dice el archivo, la pregunta y el campo."""
    from pathlib import Path

    from gelbot.flows.loader import check_files, flow_files

    try:
        paths = [Path(a) for a in archivos] if archivos else flow_files()
    except FileNotFoundError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    failed = 0
    for path, problem in check_files(paths):
        if problem is None:
            typer.echo(f"✓ {path.name}")
        else:
            failed += 1
            typer.echo(f"✗ {problem}", err=True)
    if failed:
        typer.echo(f"{failed} de {len(paths)} flujos con errores.", err=True)
        raise typer.Exit(1)


@app.command()
def matriz(
    comite: Annotated[int, typer.Option("--comite", help="Número del comité")],
    salida: Annotated[str, typer.Option("-o", "--salida", help="Archivo a escribir")],
    marco: Annotated[
        str | None, typer.Option("--marco", help="Clave del marco (por omisión, el primero)")
    ] = None,
    formato: Annotated[str, typer.Option("--formato", help="xlsx o csv")] = "xlsx",
) -> None:
    """Escribe la matriz de cumplimiento de un marco del comité (numeral, ítem, cumple…)."""
    import asyncio
    import re
    from html import unescape
    from pathlib import Path

    from gelbot.db import upgrade
    from gelbot.domain.committees import DomainError
    from gelbot.texts import render

    settings = _settings()
    upgrade(settings.database_url)
    try:
        name, content = asyncio.run(_matrix(settings, comite, marco, formato.lower()))
    except DomainError as error:
        text = render(error.code, **error.details)
        typer.echo(unescape(re.sub(r"<[^>]+>", "", text)).strip(), err=True)
        raise typer.Exit(1) from None
    try:
        Path(salida).write_bytes(content)
    except OSError as error:
        typer.echo(f"No pude escribir {salida}: {error.strerror or error}.", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Matriz de {name} escrita en {salida}.")


async def _matrix(
    settings: Settings, committee_id: int, framework_id: str | None, formato: str
) -> tuple[str, bytes]:
    from gelbot.db import make_engine, make_sessionmaker
    from gelbot.matrix import export_matrix

    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            framework, content = await export_matrix(
                session, committee_id, framework_id, formato, settings.zone
            )
            return framework.name, content
    finally:
        await engine.dispose()


marcos_app = typer.Typer(
    help="Marcos normativos: los archivos de gelbot/data/frameworks/.", no_args_is_help=True
)
app.add_typer(marcos_app, name="marcos")


@marcos_app.command("check")
def marcos_check(
    archivos: Annotated[
        list[str] | None,
        typer.Argument(help="Archivos YAML de marcos (por omisión, todos los que trae gelbot)"),
    ] = None,
) -> None:
    """Revisa marcos: cada error dice el archivo, la fase o sección, el ítem y el campo."""
    from pathlib import Path

    from gelbot.domain.frameworks import check_framework_files, framework_files

    paths = [Path(a) for a in archivos] if archivos else framework_files()
    failed = 0
    for path, problem in check_framework_files(paths):
        if problem is None:
            typer.echo(f"✓ {path.name}")
        else:
            failed += 1
            typer.echo(f"✗ {problem}", err=True)
    if failed:
        typer.echo(f"{failed} de {len(paths)} marcos con errores.", err=True)
        raise typer.Exit(1)


in_spanish(app, flows_app)


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()

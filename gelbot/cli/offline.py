"""`gelbot console` and `gelbot demo`: gelbot without token or network."""

from __future__ import annotations

from typing import Annotated

import typer

from gelbot.settings import SettingsError, load_settings


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

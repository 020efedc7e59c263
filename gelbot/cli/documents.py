"""`gelbot informe` and `gelbot tablero`: a committee's informe, a delegado's board, to a file."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gelbot.cli.common import moment, settings_or_exit, write_file


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

    from gelbot.cli.informe_file import write_informe
    from gelbot.db import upgrade

    settings = settings_or_exit()
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
    write_file(outcome.path, outcome.content)
    typer.echo(outcome.message)


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

    from gelbot.cli.tablero_file import board_file
    from gelbot.db import upgrade

    settings = settings_or_exit()
    now = moment(at, settings) or datetime.now(UTC)
    upgrade(settings.database_url)
    outcome = asyncio.run(board_file(settings, telegram_id=delegado, formato=formato, now=now))
    if outcome.status:
        typer.echo(outcome.message, err=True)
        raise typer.Exit(outcome.status)
    write_file(Path(salida), outcome.content)
    typer.echo(f"Tablero de {outcome.rows} comités escrito en {Path(salida)}.")

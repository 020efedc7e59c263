"""`gelbot matriz`: a committee's compliance matrix for one framework, as XLSX or CSV."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from gelbot.cli.common import plain, settings_or_exit, write_file

if TYPE_CHECKING:
    from gelbot.settings import Settings


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

    from gelbot.db import upgrade
    from gelbot.domain.committees import DomainError

    settings = settings_or_exit()
    upgrade(settings.database_url)
    try:
        name, content = asyncio.run(_matrix(settings, comite, marco, formato.lower()))
    except DomainError as error:
        typer.echo(plain(error.code, **error.details).strip(), err=True)
        raise typer.Exit(1) from None
    write_file(salida, content)
    typer.echo(f"Matriz de {name} escrita en {salida}.")


async def _matrix(
    settings: Settings, committee_id: int, framework_id: str | None, formato: str
) -> tuple[str, bytes]:
    from gelbot.matrix import export_matrix
    from gelbot.services import Services

    async with Services.opened(settings) as services, services.transaction() as session:
        framework, content = await export_matrix(
            session, committee_id, framework_id, formato, settings.zone
        )
        return framework.name, content

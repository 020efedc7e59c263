"""`gelbot import-plan`: load a committee's plan de acción from a YAML or CSV file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from gelbot.cli.common import settings_or_exit

if TYPE_CHECKING:
    from gelbot.domain.plan_import import PlanDeAccion
    from gelbot.settings import Settings


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

    settings = settings_or_exit()
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

    from gelbot.cli.committees import committee_or_listing
    from gelbot.domain.plans import import_plan as store_plan
    from gelbot.services import Services

    async with Services.opened(settings) as services, services.transaction() as session:
        committee, listing = await committee_or_listing(session, committee_id)
        if committee is None:
            return 2, listing
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

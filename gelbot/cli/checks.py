"""`gelbot flows check` and `gelbot marcos check`: data files checked, each error placed."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated

import typer

from gelbot.cli.spanish import SpanishGroup

flows_app = typer.Typer(
    cls=SpanishGroup,
    subcommand_metavar="COMANDO [ARGUMENTOS]...",
    help="Conversaciones: los flujos de conversations/*.yaml.",
    no_args_is_help=True,
)


@flows_app.command("check")
def flows_check(
    archivos: Annotated[
        list[str] | None,
        typer.Argument(help="Archivos YAML de flujos (por omisión, todos los de conversations/)"),
    ] = None,
) -> None:
    """Revisa flujos: cada error dice el archivo, la pregunta y el campo."""
    from gelbot.flows.loader import check_files, flow_files

    try:
        paths = [Path(a) for a in archivos] if archivos else flow_files()
    except FileNotFoundError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    _report(check_files(paths), len(paths), "flujos")


marcos_app = typer.Typer(
    help="Marcos normativos: los archivos de gelbot/data/frameworks/.", no_args_is_help=True
)


@marcos_app.command("check")
def marcos_check(
    archivos: Annotated[
        list[str] | None,
        typer.Argument(help="Archivos YAML de marcos (por omisión, todos los que trae gelbot)"),
    ] = None,
) -> None:
    """Revisa marcos: cada error dice el archivo, la fase o sección, el ítem y el campo."""
    from gelbot.domain.frameworks import check_framework_files, framework_files

    paths = [Path(a) for a in archivos] if archivos else framework_files()
    _report(check_framework_files(paths), len(paths), "marcos")


def _report(results: Iterable[tuple[Traversable, str | None]], total: int, what: str) -> None:
    """A line per file (✓, or ✗ and the problem); exit 1 when any file has one."""
    failed = 0
    for path, problem in results:
        if problem is None:
            typer.echo(f"✓ {path.name}")
        else:
            failed += 1
            typer.echo(f"✗ {problem}", err=True)
    if failed:
        typer.echo(f"{failed} de {total} {what} con errores.", err=True)
        raise typer.Exit(1)

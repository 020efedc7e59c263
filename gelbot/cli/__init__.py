"""The `gelbot` command: run the bot, migrate the database, and the offline tools.

One module per family of commands; here they are put together, in the order `gelbot --help`
lists them.
"""

from __future__ import annotations

import sys

import typer

from gelbot.cli import checks, documents, matriz, offline, plan, running
from gelbot.cli.spanish import SpanishGroup, in_spanish

app = typer.Typer(
    cls=SpanishGroup,
    subcommand_metavar="COMANDO [ARGUMENTOS]...",
    help="gelbot: el bot del Comité de Gobierno en Línea.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(running.migrate)
app.command()(running.run)
app.command()(offline.console)
app.command()(offline.demo)
app.command("import-plan")(plan.import_plan)
app.command()(running.tick)
app.command()(documents.informe)
app.command()(documents.tablero)
app.add_typer(checks.flows_app, name="flows")
app.command()(matriz.matriz)
app.add_typer(checks.marcos_app, name="marcos")
in_spanish(app, checks.flows_app)


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)

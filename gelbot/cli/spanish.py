"""Typer's own words on the `--help` screen («Options», «Show this message…») in Spanish."""

from __future__ import annotations

from typing import Any

import typer
from typer import rich_utils
from typer.core import TyperCommand, TyperGroup

HELP_OPTION = "Muestra esta ayuda y termina."

# rich_utils reads these module constants each time it draws a help screen.
_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "Argumentos",
    "OPTIONS_PANEL_TITLE": "Opciones",
    "COMMANDS_PANEL_TITLE": "Comandos",
    "DEFAULT_STRING": "[por omisión: {}]",
    "ENVVAR_STRING": "[variable de entorno: {}]",
    "REQUIRED_LONG_STRING": "[obligatorio]",
    "ABORTED_TEXT": "Cancelado.",
    "RICH_HELP": "Pruebe [blue]'{command_path} {help_option}'[/] para ver la ayuda.",
}

_USAGE_WORDS = {"[OPTIONS]": "[OPCIONES]", "COMMAND": "COMANDO", "[ARGS]...": "[ARGUMENTOS]..."}


class _SpanishHelp:
    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = [
            _USAGE_WORDS.get(piece, piece)
            for piece in self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        ]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="Uso: ")


class SpanishGroup(_SpanishHelp, TyperGroup):
    """A command group whose --help option speaks Spanish."""


class SpanishCommand(_SpanishHelp, TyperCommand):
    """A command whose --help option speaks Spanish."""


def in_spanish(*apps: typer.Typer) -> None:
    """Make every command of `apps` describe its --help option in Spanish."""
    for name, text in _WORDS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)
    for app in apps:
        for command in app.registered_commands:
            if command.cls in (None, TyperCommand):
                command.cls = SpanishCommand

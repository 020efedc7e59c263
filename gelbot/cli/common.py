"""What the `gelbot` commands share: the settings, the --at option, chat texts for a terminal.

Light on purpose: `gelbot --help` imports every command module, and each command imports what
its work needs only when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from gelbot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from datetime import datetime

NO_TOKEN = (
    "Falta GELBOT_TOKEN: cree un bot con @BotFather en Telegram (/newbot), copie el token y "
    "ejecute: GELBOT_TOKEN=<token> gelbot run   (para probar sin token: gelbot console)"
)
REJECTED_TOKEN = (
    "Telegram rechazó GELBOT_TOKEN: revise que esté completo y vigente con @BotFather "
    "(/mybots → API Token), o que GELBOT_BOT_API_URL apunte a la Bot API."
)


def settings_or_exit() -> Settings:
    """The settings from the environment, or exit 2 saying what is wrong."""
    try:
        return load_settings()
    except SettingsError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


def token_or_exit(settings: Settings) -> str:
    """The bot token, or exit 2 saying how to get one."""
    token = settings.token_value()
    if not token:
        typer.echo(NO_TOKEN, err=True)
        raise typer.Exit(2)
    return token


def moment(at: str | None, settings: Settings) -> datetime | None:
    """The `--at` option as an aware moment (in the settings' zone if it names none), or None."""
    from datetime import datetime

    if at is None:
        return None
    try:
        found = datetime.fromisoformat(at)
    except ValueError:
        typer.echo(f"--at no es una fecha ISO: {at!r} (ej. 2009-03-02T09:00)", err=True)
        raise typer.Exit(2) from None
    return found if found.tzinfo else found.replace(tzinfo=settings.zone)


def plain(template: str, **values: object) -> str:
    """A chat template as terminal text: tags dropped, entities read."""
    import html
    import re

    from gelbot.texts import render

    return html.unescape(re.sub(r"<[^>]+>", "", render(template, **values)))


def write_file(path: Path | str, content: bytes) -> None:
    """Write `content` to `path`, or exit 1 saying why not."""
    try:
        Path(path).write_bytes(content)
    except OSError as error:
        typer.echo(f"No pude escribir {path}: {error.strerror or error}.", err=True)
        raise typer.Exit(1) from None

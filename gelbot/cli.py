"""The `gelbot` command: run the bot, migrate the database, and the offline tools."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gelbot.settings import Settings, SettingsError, load_settings

app = typer.Typer(
    help="gelbot: el bot del Comité de Gobierno en Línea.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

NO_TOKEN = (
    "Falta GELBOT_TOKEN: cree un bot con @BotFather en Telegram (/newbot), copie el token y "
    "ejecute: GELBOT_TOKEN=<token> gelbot run   (para probar sin token: gelbot console)"
)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


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
    if webhook and (not settings.webhook_url or settings.webhook_secret is None):
        typer.echo(
            "El modo webhook necesita GELBOT_WEBHOOK_URL (la URL pública https) y "
            "GELBOT_WEBHOOK_SECRET (letras, números, _ y -).",
            err=True,
        )
        raise typer.Exit(2)

    from gelbot.app import build_application
    from gelbot.db import upgrade
    from gelbot.logging_setup import configure_logging

    secrets = [token, settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""]
    configure_logging(settings.log_level, secrets)
    upgrade(settings.database_url)
    application = build_application(settings)
    allowed = ["message", "edited_message", "callback_query", "my_chat_member"]
    if webhook:
        assert settings.webhook_url is not None and settings.webhook_secret is not None
        # PTB checks X-Telegram-Bot-Api-Secret-Token on every request and answers 403 otherwise.
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


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()

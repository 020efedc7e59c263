"""The commands of a running bot: migrate the database, serve Telegram, one reminders tick."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from gelbot.cli.common import REJECTED_TOKEN, moment, settings_or_exit, token_or_exit

if TYPE_CHECKING:
    from datetime import datetime

    from gelbot.settings import Settings


def migrate() -> None:
    """Lleva la base de datos a la última versión del esquema."""
    from gelbot.db import upgrade

    settings = settings_or_exit()
    upgrade(settings.database_url)
    typer.echo("Base de datos al día.")


def run(
    webhook: Annotated[bool, typer.Option("--webhook", help="Recibir por webhook")] = False,
) -> None:
    """Atiende Telegram (long polling, o webhook con --webhook)."""
    settings = settings_or_exit()
    token = token_or_exit(settings)
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

    settings = settings_or_exit()
    token = token_or_exit(settings)
    when = moment(at, settings)
    from gelbot.logging_setup import configure_logging

    # Log lines (a flood wait, a send without answer), never a raw traceback or the token.
    configure_logging(settings.log_level, [token])
    # Tests kill the process at a named point to prove the delivery rule (gelbot.reminders).
    crash_at = os.environ.get("GELBOT_TEST_CRASH_AT")
    typer.echo(asyncio.run(_tick(settings, token, when, crash_at)))


async def _tick(settings: Settings, token: str, when: datetime | None, crash_at: str | None) -> str:
    import os

    from telegram.error import InvalidToken, NetworkError
    from telegram.ext import ExtBot

    from gelbot.clock import Clock, ManualClock, SystemClock
    from gelbot.reminders.tick import tick as run_tick
    from gelbot.services import Services
    from gelbot.telegram.pacing import Pacing
    from gelbot.telegram.reminder_dispatcher import build_dispatcher, send_budget

    def crash(point: str) -> None:
        if point == crash_at:
            os._exit(75)

    clock: Clock = ManualClock(when) if when is not None else SystemClock()
    try:
        async with Services.opened(settings, clock) as services:
            bot = ExtBot(
                token,
                base_url=settings.bot_api_url,
                base_file_url=settings.bot_api_file_url or "https://api.telegram.org/file/bot",
                rate_limiter=Pacing(send_budget(services)),
            )
            async with bot:
                dispatcher = build_dispatcher(services, bot, hook=crash)
                return (await run_tick(dispatcher)).summary()
    except InvalidToken:
        typer.echo(REJECTED_TOKEN, err=True)
        raise typer.Exit(2) from None
    except NetworkError as error:
        typer.echo(f"No pude conectar con la Bot API ({settings.bot_api_url}): {error}", err=True)
        raise typer.Exit(1) from None

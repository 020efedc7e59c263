"""Start and stop the board's web server with the bot (`gelbot run`), when it is configured."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from gelbot.services import Services

log = logging.getLogger(__name__)

_KEY = "tablero_server"


def start_if_configured(application: Any) -> None:
    """Serve the Mini App when GELBOT_TABLERO_URL and a token are set (not offline, not tests)."""
    services: Services = application.bot_data["services"]
    settings = services.settings
    token = settings.token_value()
    if settings.tablero_url is None or token is None:
        return
    from gelbot.board import web  # Tornado only when there is something to serve

    application.bot_data[_KEY] = web.start(
        services, token, listen=settings.tablero_listen, port=settings.tablero_port,
        max_age=timedelta(seconds=settings.tablero_max_age_seconds),
    )  # fmt: skip
    log.info(
        "tablero: serving %s on %s:%s",
        settings.tablero_url, settings.tablero_listen, settings.tablero_port,
    )  # fmt: skip


def stop(application: Any) -> None:
    server = application.bot_data.pop(_KEY, None)
    if server is not None:
        server.stop()

"""The board's web server: the Mini App page and the board it asks for, over Tornado.

Tornado already comes with python-telegram-bot's webhook extra. `GET /tablero` is the page
(no data in it); `POST /tablero/datos` takes the Mini App's initData in the body, checks its
signature and age (initdata.py), and answers with the board of that user only.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import tornado.web
from sqlalchemy import select
from tornado.httpserver import HTTPServer

from gelbot.board.compile import board_for
from gelbot.board.figures import Board
from gelbot.board.initdata import InitDataError, telegram_user_id
from gelbot.board.page import miniapp_html, table_html
from gelbot.models import Person
from gelbot.services import Services

log = logging.getLogger(__name__)

MAX_BODY = 8192


class _Handler(tornado.web.RequestHandler):
    def initialize(self, services: Services, bot_token: str, max_age: timedelta) -> None:
        self.services = services
        self.bot_token = bot_token
        self.max_age = max_age

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        # Only the page's own inline script and Telegram's SDK run; the board it fetches is
        # escaped HTML with a data: chart, and it talks to this server only.
        self.set_header(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline' https://telegram.org; "
            "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; "
            "form-action 'none'",
        )


class PageHandler(_Handler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.write(miniapp_html())


class DataHandler(_Handler):
    async def post(self) -> None:
        try:
            init_data = self._init_data()
            user_id = telegram_user_id(
                init_data, self.bot_token, now=self.services.clock.now(), max_age=self.max_age
            )
        except InitDataError as error:
            log.info("tablero: initData refused (%s)", error)
            self.set_status(401)
            self.write({"error": "no autorizado"})
            return
        board = await self._board(user_id)
        self.write({"html": table_html(board)})

    def _init_data(self) -> str:
        if len(self.request.body) > MAX_BODY:
            raise InitDataError("cuerpo demasiado largo")
        try:
            body: Any = json.loads(self.request.body or b"{}")
        except ValueError:
            raise InitDataError("cuerpo ilegible") from None
        value = body.get("initData") if isinstance(body, dict) else None
        if not isinstance(value, str):
            raise InitDataError("sin initData")
        return value

    async def _board(self, telegram_id: int) -> Board:
        svc = self.services
        now = svc.clock.now()
        async with svc.transaction() as session:
            person = await session.scalar(select(Person).where(Person.telegram_id == telegram_id))
            if person is None:  # a Telegram user gelbot has never met follows nothing
                return Board(person_name="", today=now.astimezone(svc.settings.zone).date(),
                             generated_at=now)  # fmt: skip
            return await board_for(session, person, now=now, tz=svc.settings.zone)


def make_app(services: Services, bot_token: str, *, max_age: timedelta) -> tornado.web.Application:
    """The routes of the board's web server."""
    options = {"services": services, "bot_token": bot_token, "max_age": max_age}
    return tornado.web.Application(
        [
            (r"/tablero/?", PageHandler, options),
            (r"/tablero/datos", DataHandler, options),
        ]
    )


def start(
    services: Services, bot_token: str, *, listen: str, port: int, max_age: timedelta
) -> HTTPServer:
    """Listen on `listen:port` in the running event loop; the caller stops the server."""
    server = HTTPServer(make_app(services, bot_token, max_age=max_age), max_body_size=MAX_BODY)
    server.listen(port, address=listen)
    return server

"""A Telegram Bot API over real HTTP on 127.0.0.1, for end-to-end tests of `gelbot run`.

It serves a FakeTelegram (whose `call()` and `get_updates()` hold all the Bot API logic) the way
api.telegram.org does: `/bot<token>/<method>` with a JSON, form-urlencoded or multipart body,
401 for a wrong token, long-polled getUpdates, 409 for getUpdates while a webhook is set, and in
webhook mode each update a test causes is POSTed to the registered URL with the secret header.

It runs as an aiohttp server in the test's own event loop: the bot is a subprocess, so the test
only has to await (`wait_for`, `wait_until`) for the server to answer it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from gelbot.telegram.fake_api import BotApiError, FakeTelegram, SentMessage

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}
WEBHOOK_CONFLICT = BotApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first",
)
# Telegram keeps retrying a webhook that does not answer; PTB sets the webhook a moment before
# its HTTP server listens, so the first deliveries may find the port closed (for seconds, on a
# loaded machine).
DELIVERY_PATIENCE_SECONDS = 30.0
DELIVERY_RETRY_SECONDS = 0.1


class BotApiServer:
    """`server.tg` is the world; `server.url` goes in GELBOT_BOT_API_URL."""

    def __init__(self, token: str, telegram: FakeTelegram | None = None) -> None:
        self.token = token
        self.tg = telegram or FakeTelegram()
        self.tg.on_update = self._on_update
        # Every Bot API request that reached the server with the right token, in order.
        self.requests: list[tuple[str, dict[str, Any]]] = []
        # (update_id, HTTP status) of every webhook delivery; status 0 when it never connected.
        self.deliveries: list[tuple[int, int]] = []
        # Seconds each of the next sendMessage answers is held back (the message is sent).
        self.answer_delays: list[float] = []
        # Called on every poll of wait_for/wait_until; raise in it to stop waiting early.
        self.check: Callable[[], None] | None = None
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._deliverer: asyncio.Task[None] | None = None
        self._long_polls: set[asyncio.Task[Any]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._client = aiohttp.ClientSession()
        self._deliverer = asyncio.create_task(self._deliver_forever())

    async def close(self) -> None:
        # A long poll whose client went away would otherwise hold the shutdown for its timeout.
        for task in list(self._long_polls):
            task.cancel()
        if self._deliverer is not None:
            self._deliverer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._deliverer
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> BotApiServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- helpers for tests ------------------------------------------------------------------------
    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.requests if name == method]

    async def wait_until(
        self,
        condition: Callable[[], bool],
        timeout: float = 20.0,  # noqa: ASYNC109 - the API tests were promised
        what: str = "condition",
    ) -> None:
        """Poll until `condition()` holds; the bot answers over real I/O, so this waits for it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if self.check is not None:
                self.check()
            if loop.time() > deadline:
                raise AssertionError(
                    f"{what} did not happen within {timeout} s\n{self.transcript()}"
                )
            await asyncio.sleep(0.02)

    async def wait_for(
        self,
        predicate: Callable[[SentMessage], bool],
        timeout: float = 20.0,  # noqa: ASYNC109 - the API tests were promised
    ) -> SentMessage:
        """The first message in the transcript (as sent or edited) that satisfies `predicate`."""
        found: list[SentMessage] = []

        def matched() -> bool:
            found[:] = [m for m in self.tg.sent if predicate(m)][:1]
            return bool(found)

        await self.wait_until(matched, timeout, "a matching message")
        return found[0]

    def transcript(self) -> str:
        lines = [f"  [{m.chat_id}#{m.message_id}] {m.plain!r}" for m in self.tg.sent]
        return "the bot sent:\n" + ("\n".join(lines) or "  (nothing)")

    # -- the Bot API ------------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(UNAUTHORIZED, status=401)
        method = request.match_info["method"]
        try:
            params, files = await _read_params(request)
        except ValueError:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: invalid body"},
                status=400,
            )
        self.requests.append((method, params))
        try:
            if method == "getUpdates":
                result: Any = await self._get_updates(params)
            else:
                result = await self.tg.call(method, params, files)
        except BotApiError as error:
            return web.json_response(error.payload(), status=error.code)
        if method == "sendMessage" and self.answer_delays:
            await asyncio.sleep(self.answer_delays.pop(0))
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.tg.webhook:
            raise WEBHOOK_CONFLICT
        poll = asyncio.create_task(
            self.tg.get_updates(int(params.get("offset") or 0), float(params.get("timeout") or 0))
        )
        self._long_polls.add(poll)
        poll.add_done_callback(self._long_polls.discard)
        return await poll

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(UNAUTHORIZED, status=401)
        try:
            content = self.tg.file_content(request.match_info["path"])
        except KeyError:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=content, content_type="application/octet-stream")

    # -- webhook mode -----------------------------------------------------------------------------
    def _on_update(self, update: dict[str, Any]) -> None:
        if self.tg.webhook and self.tg.webhook.get("url"):
            self._outbox.put_nowait(update)

    async def _deliver_forever(self) -> None:
        # One at a time and in order, as Telegram does for a bot without max_connections set.
        while True:
            update = await self._outbox.get()
            self.deliveries.append((update["update_id"], await self._deliver(update)))

    async def _deliver(self, update: dict[str, Any]) -> int:
        assert self._client is not None and self.tg.webhook is not None
        url = str(self.tg.webhook["url"])
        secret = self.tg.webhook.get("secret_token")
        headers = {SECRET_HEADER: str(secret)} if secret else {}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DELIVERY_PATIENCE_SECONDS
        while True:
            try:
                async with self._client.post(url, json=update, headers=headers) as response:
                    return response.status
            except aiohttp.ClientConnectionError:
                if loop.time() > deadline:
                    return 0
                await asyncio.sleep(DELIVERY_RETRY_SECONDS)


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Parameters and uploaded files, from the query string and any of the three body kinds."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, tuple[str, bytes]] = {}
    if not request.can_read_body:
        return params, files
    if request.content_type == "application/json":
        body = await request.json(loads=json.loads)
        if not isinstance(body, dict):
            raise ValueError("the JSON body must be an object")
        params.update(body)
        return params, files
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            files[name] = (value.filename or name, value.file.read())
        else:
            params[name] = value
    return params, files

"""A simulated Telegram around the real gelbot: the people, the group, and the console orders.

The real Application (every handler, the error handler, the database) runs in-process behind
FakeTelegram; only the people and the group are simulated. Each typed line becomes an update fed
through `process_update`, the same path long polling takes, so what works here works in Telegram.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from telegram import Update

import gelbot.console.display as display
from gelbot import jobs
from gelbot.app import build_application
from gelbot.clock import ManualClock
from gelbot.console.moments import describe, parse_moment
from gelbot.console.people import People, is_admin, mentions, who_is
from gelbot.db import upgrade_async
from gelbot.settings import Settings, sqlite_path
from gelbot.telegram.fake_api import (
    FakeBotApiRequest,
    FakeChat,
    FakeTelegram,
    SentMessage,
)

log = logging.getLogger(__name__)

GROUP_TITLE = "Comité GEL (simulado)"
FIRST_USER = "ana"
BOT_USERNAME = "gelbot_demo_bot"
MAX_DOWNLOAD = 20 * 1024 * 1024  # Telegram lets bots download files up to 20 MB

# Something to run whenever `:hora` moves the clock (by default, every periodic job of a running
# bot). It receives the new moment (aware, UTC) and reaches the bot and the database through
# `console.application`.
ClockHook = Callable[[datetime], Awaitable[None]]

_DEEP_LINK = re.compile(
    r"^https?://(?:t|telegram)\.me/(?P<bot>\w+)/?(?:\?start=(?P<payload>[\w-]{1,64}))?$"
)

HELP = """Órdenes de la consola (lo demás se envía al bot como un mensaje de Telegram):
  :usuario NOMBRE   hablar como NOMBRE (lo crea si no existe; sin NOMBRE, lista los usuarios)
  :admin [no]       hacer (o dejar de hacer) administrador del grupo al usuario actual
  :privado          ir al chat privado del usuario con el bot
  :grupo            volver al grupo «{group}»
  :boton N, :b N    pulsar el botón N del último mensaje con botones de este chat
                    (los botones con ↗ son enlaces; los de t.me/{bot}?start=… se siguen)
  :responder TEXTO  enviar TEXTO como respuesta al último mensaje del bot en este chat
  :adjuntar RUTA    enviar un archivo como documento; con pie de foto:
                    :adjuntar RUTA | /plan
  :hora [CUÁNDO]    ver o mover el reloj: 2009-03-02 09:00, 2009-03-09 (misma hora),
                    10:30 (mismo día), +1d, +2h, +30m, +1d2h, o «ahora»
  :quien            quién es usted, dónde está y qué hora es
  :ayuda            esta ayuda (la del bot es /ayuda)
  :salir            terminar (también Ctrl-D)
  # texto           comentario: no se envía;  ::texto envía «:texto» tal cual
En los grupos el bot solo recibe comandos, menciones a @{bot} y respuestas a sus mensajes."""


class Console:
    """A simulated Telegram around the real gelbot: one typed line in, readable lines out."""

    def __init__(
        self,
        settings: Settings,
        *,
        start: datetime,
        color: bool = False,
        files_dir: Path | None = None,
    ) -> None:
        self.settings = settings
        self.zone: ZoneInfo = settings.zone
        self.clock = ManualClock(start)
        self.telegram = FakeTelegram(bot_username=BOT_USERNAME, now=self.clock.now)
        # No rate limiter: it waits in real time, and a scripted session sends fast.
        self.application = build_application(
            settings, clock=self.clock, request=FakeBotApiRequest(self.telegram), rate_limit=False
        )
        self.on_clock_change: list[ClockHook] = [self._run_jobs]
        self.color = color
        self.files_dir = files_dir
        self.finished = False
        self._opened = False
        self.people = People(self.telegram)
        self.user = self.people.new(FIRST_USER)
        self.group = self.telegram.add_group(GROUP_TITLE, admins=[self.user])
        self.in_private = False
        self._commands: dict[str, Callable[[str], Awaitable[list[str]]]] = {
            "usuario": self._switch_user, "admin": self._admin, "privado": self._to_private,
            "grupo": self._to_group, "boton": self._press, "botón": self._press, "b": self._press,
            "responder": self._reply, "adjuntar": self._attach, "hora": self._time,
            "quien": self._who, "quién": self._who, "ayuda": self._help, "salir": self._quit,
        }  # fmt: skip

    # -- life ---------------------------------------------------------------------------------
    async def open(self) -> list[str]:
        """Migrate the database, start the application, add the bot to the simulated group."""
        await upgrade_async(self.settings.database_url)
        await self.application.initialize()
        self._opened = True
        if self.application.post_init is not None:
            await self.application.post_init(self.application)
        file = sqlite_path(self.settings.database_url)
        database = (
            f"{file} (SQLite)"
            if file is not None
            else make_url(self.settings.database_url).render_as_string(hide_password=True)
        )
        intro = [
            "gelbot — consola: un Telegram simulado, sin token ni red.",
            f"Base de datos: {database}",
            f"Hora: {self._now_text()}",
            f"Usted es {who_is(self.user)}, administrador(a) del grupo «{GROUP_TITLE}», "
            f"donde acaba de añadir a @{BOT_USERNAME}.",
            "Escriba como en Telegram (ej. /comite Alcaldía de Mocoa). "
            ":ayuda muestra las órdenes de la consola.",
            "",
        ]
        return intro + await self._process(self.telegram.add_bot_to(self.group, self.user))

    async def _run_jobs(self, moment: datetime) -> None:
        """Every periodic job of `gelbot run` (gelbot/jobs.py), as its JobQueue would run them."""
        await jobs.run_once(self.application, self.settings)

    async def close(self) -> None:
        if self._opened:
            await self.application.shutdown()
            self._opened = False
        if self.application.post_shutdown is not None:
            await self.application.post_shutdown(self.application)

    # -- where we are -------------------------------------------------------------------------
    @property
    def chat(self) -> FakeChat:
        return self.telegram.private_chat(self.user) if self.in_private else self.group

    @property
    def prompt(self) -> str:
        return f"{self.user.username or self.user.first_name}@{self._where()}"

    def echo(self, line: str) -> str:
        """How a piped input line appears in the transcript, so it reads as a dialogue."""
        text = line.rstrip("\r\n")
        return (
            text
            if not text.strip() or text.lstrip().startswith("#")
            else f"> {self.prompt}: {text}"
        )

    def _where(self) -> str:
        return "privado" if self.in_private else "grupo"

    def _now_text(self) -> str:
        return describe(self.clock.now(), self.zone)

    # -- one line -----------------------------------------------------------------------------
    async def handle(self, line: str) -> list[str]:
        """Act on one typed line: a console order (`:…`), a comment, or a message to the bot."""
        text = line.strip()
        if not text or text.startswith("#"):
            return []
        if text.startswith("::"):
            return await self._say(text[1:])
        if text.startswith(":"):
            name, _, rest = text[1:].partition(" ")
            action = self._commands.get(name.casefold())
            if action is None:
                return [
                    f"No conozco la orden «:{name}». Escriba :ayuda para ver las de la consola."
                ]
            return await action(rest.strip())
        return await self._say(text)

    async def set_clock(self, moment: datetime) -> list[str]:
        """Move the clock, run every `on_clock_change` hook, and show what the bot sent."""
        backwards = moment < self.clock.now()
        self.clock.set(moment)
        lines = [
            f"🕘 Ahora es {self._now_text()}" + (" (el reloj retrocedió)" if backwards else "")
        ]
        mark = display.mark(self.telegram)
        for hook in list(self.on_clock_change):
            try:
                await hook(self.clock.now())
            except Exception as error:  # a failing task must not end the session
                log.warning("clock hook %r failed: %r", hook, error, exc_info=error)
                lines.append("(una tarea programada falló; el detalle quedó en el registro)")
        return lines + self._collect(mark)

    async def _say(self, text: str, *, reply_to: SentMessage | None = None) -> list[str]:
        chat = self.chat
        if reply_to is None and not text.startswith("/"):
            reply_to = self.people.take_awaited(chat.id, self.user.id)
        if not self._bot_sees(chat, text, reply_to):
            return [_privacy_note()]
        update = self.telegram.send_text(
            self.user, chat, text, reply_to=reply_to, entities=mentions(text)
        )
        self.people.typed(update["message"]["message_id"], self.user.id)
        return await self._process(update)

    def _bot_sees(self, chat: FakeChat, text: str, reply_to: SentMessage | None) -> bool:
        """Privacy mode: in groups the bot gets commands, mentions and replies to it."""
        mentioned = f"@{BOT_USERNAME}".casefold() in text.casefold()
        return chat.type == "private" or text.startswith("/") or mentioned or reply_to is not None

    async def _process(self, update: dict[str, Any]) -> list[str]:
        mark = display.mark(self.telegram)
        await self.application.process_update(Update.de_json(update, self.application.bot))
        return self._collect(mark)

    # -- what the bot did -----------------------------------------------------------------------
    def _collect(self, since: display.Mark) -> list[str]:
        """What the bot sent, edited, deleted or answered since `since`, as readable lines."""
        lines: list[str] = []
        for change in display.changes(self.telegram, since):
            label = self._label(change.chat_id) if change.chat_id is not None else self._where()
            if change.kind == "deleted":
                lines.append(f"[{label}] gelbot borró un mensaje.")
            elif change.kind == "aviso":
                lines.append(f"[{label}] gelbot (aviso): {change.text}")
            elif change.message is not None:
                edited = change.kind == "edited"
                lines += display.message_lines(
                    change.message, label, edited=edited, color=self.color, files_dir=self.files_dir
                )
                if (change.message.reply_markup or {}).get("force_reply") and not edited:
                    lines.append(self._expect_answer(change.message))
        return lines

    def _expect_answer(self, message: SentMessage) -> str:
        """Open the reply box of whom a ForceReply addresses, as their Telegram client would."""
        answerers = self.people.await_answer(message)
        names = ", ".join(self.telegram.users[i].first_name for i in sorted(answerers))
        whom = f" de {names}" if names else ""
        return (
            f"{display.INDENT}(espera respuesta{whom}: lo próximo que se escriba aquí le responde)"
        )

    def _label(self, chat_id: int) -> str:
        if chat_id == self.group.id:
            return "grupo"
        if chat_id == self.user.id:
            return "privado"
        other = self.telegram.users.get(chat_id)
        return f"privado {other.username or other.first_name}" if other else str(chat_id)

    # -- console orders -------------------------------------------------------------------------
    async def _switch_user(self, name: str) -> list[str]:
        if not name:
            names = [f"{u.username or u.first_name}{' (admin)' if is_admin(self.group, u) else ''}"
                     for u in self.people]  # fmt: skip
            return [f"Usuarios: {', '.join(names)}. Usted es {self.user.first_name}."]
        if len(name) > 64:
            return ["Ese nombre es muy largo (máximo 64 caracteres). Ejemplo: :usuario beto"]
        found = self.people.find(name)
        self.user = found or self.people.new(name)
        role = "administra" if is_admin(self.group, self.user) else "no administra"
        verb = "Ahora habla como" if found else "Nuevo usuario:"
        return [f"{verb} {who_is(self.user)}, que {role} el grupo. Está en el {self._where()}."]

    async def _admin(self, arg: str) -> list[str]:
        if arg.casefold() not in {"", "no"}:
            return ["Use :admin (hacer administrador) o :admin no (quitarlo)."]
        if arg:
            self.group.admins.discard(self.user.id)
            if self.group.creator == self.user.id:
                self.group.creator = None
            return [f"{self.user.first_name} ya no es administrador(a) del grupo."]
        self.group.admins.add(self.user.id)
        return [f"{self.user.first_name} ahora es administrador(a) del grupo."]

    async def _to_private(self, arg: str) -> list[str]:
        self.in_private = True
        return [f"Ahora está en el chat privado de {self.user.first_name} con @{BOT_USERNAME}."]

    async def _to_group(self, arg: str) -> list[str]:
        self.in_private = False
        return [f"Ahora está en el grupo «{GROUP_TITLE}»."]

    async def _press(self, arg: str) -> list[str]:
        message = next(
            (m for m in reversed(self.telegram.messages_to(self.chat)) if m.buttons()), None
        )
        if message is None:
            return [f"No hay mensajes con botones en el {self._where()}."]
        buttons = message.buttons()
        if not arg and len(buttons) == 1:
            arg = "1"
        if not arg.isdigit() or not 1 <= int(arg) <= len(buttons):
            return [f"Indique el número del botón, de 1 a {len(buttons)}. Ejemplo: :boton 1"]
        button = buttons[int(arg) - 1]
        if "url" in button:
            return await self._follow(str(button["url"]))
        if "callback_data" not in button:
            return ["Ese botón no hace nada en la consola."]
        pressed = f"({self.user.first_name} pulsa «{button['text']}»)"
        return [pressed, *await self._process(self.telegram.press(self.user, message, int(arg)))]

    async def _follow(self, url: str) -> list[str]:
        """A t.me link to this bot opens its private chat and sends /start, as Telegram does."""
        link = _DEEP_LINK.match(url)
        if link is None or link["bot"].casefold() != BOT_USERNAME.casefold():
            return [f"🔗 {url} (enlace externo: la consola no lo abre)"]
        self.in_private = True
        text = f"/start {link['payload']}" if link["payload"] else "/start"
        opened = f"🔗 {url} abre el chat privado con @{BOT_USERNAME} y pulsa «Iniciar»:"
        return [opened, self.echo(text), *await self._say(text)]

    async def _reply(self, text: str) -> list[str]:
        if not text:
            return ["Escriba el texto después de la orden. Ejemplo: :responder sí"]
        last = next(reversed(self.telegram.messages_to(self.chat)), None)
        if last is None:
            return [f"El bot aún no ha escrito en el {self._where()}."]
        return await self._say(text, reply_to=last)

    async def _attach(self, arg: str) -> list[str]:
        where, _, caption = (part.strip() for part in arg.partition("|"))
        if not where:
            return ["Indique la ruta del archivo. Ejemplo: :adjuntar plan.csv | /plan"]
        path = Path(where)
        content = await asyncio.to_thread(_read_file, path)
        if content is None:
            return [f"No encuentro el archivo «{where}»."]
        if len(content) > MAX_DOWNLOAD:
            return ["El archivo pesa más de 20 MB: Telegram no deja que un bot lo descargue."]
        sent = f"({self.user.first_name} envía 📎 {path.name}, {len(content)} bytes)"
        reply_to = self.people.take_awaited(self.chat.id, self.user.id)
        if not self._bot_sees(self.chat, caption, reply_to):
            return [sent, _privacy_note()]
        update = self.telegram.send_document(
            self.user, self.chat, path.name, content, caption, reply_to=reply_to
        )
        return [sent, *await self._process(update)]

    async def _time(self, arg: str) -> list[str]:
        if not arg:
            return [f"🕘 Es {self._now_text()}"]
        try:
            moment = parse_moment(arg, self.zone, now=self.clock.now())
        except ValueError as error:
            return [str(error)]
        return await self.set_clock(moment)

    async def _who(self, arg: str) -> list[str]:
        role = "administra" if is_admin(self.group, self.user) else "no administra"
        place = "su chat privado con el bot" if self.in_private else f"el grupo «{GROUP_TITLE}»"
        return [
            f"Usted es {who_is(self.user)}, {role} el grupo; está en {place}.",
            f"Hora: {self._now_text()}. Bot: @{BOT_USERNAME}.",
        ]

    async def _help(self, arg: str) -> list[str]:
        return HELP.format(group=GROUP_TITLE, bot=BOT_USERNAME).splitlines()

    async def _quit(self, arg: str) -> list[str]:
        self.finished = True
        return ["Hasta luego."]


def _read_file(path: Path) -> bytes | None:
    path = path.expanduser()
    return path.read_bytes() if path.is_file() else None


def _privacy_note() -> str:
    return (
        "(el bot no recibe este mensaje: en los grupos solo ve comandos, menciones a "
        f"@{BOT_USERNAME} y respuestas a sus mensajes)"
    )

"""Drive the semester through the console: the real application, reminders, flows and clock.

The clock moves the way a running bot experiences time: between two scripted moments it stops at
every moment a reminder falls due (and at least once a week), running the same ticks the JobQueue
runs — the reminder engine and the flows' expiry — so reminders go out on time, not as catch-ups.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from gelbot.console import Console
from gelbot.console.moments import describe
from gelbot.demo.script import Event, Press, Say, Wait, semester
from gelbot.models.reminders import Reminder, ReminderStatus
from gelbot.reminders.planner import HORIZON
from gelbot.resources import resource_dir
from gelbot.services import Services
from gelbot.settings import Settings
from gelbot.telegram.fake_api import SentMessage

Write = Callable[[str], None]
# Between reminders the clock may jump this far: well inside the planner's horizon, so every
# reminder is planned before it falls due and the clock stops at it.
MAX_STEP = HORIZON / 5
INFORME_SUFFIXES = (".docx", ".pdf", ".md")


@dataclass
class DemoResult:
    """What the run produced, for the final line, the tests and the curious."""

    informe_files: list[Path] = field(default_factory=list)
    database: str = ""
    seconds: float = 0.0
    lines_typed: int = 0
    bot_messages: int = 0
    ticks: int = 0
    transcript: list[str] = field(default_factory=list)


class DemoRunner:
    def __init__(
        self, settings: Settings, output: Path, *, short: bool, write: Write, progress: Write
    ) -> None:
        self.output = output
        self.events = semester(short=short)
        start = self.events[0].at.replace(tzinfo=settings.zone).astimezone(UTC)
        # The bot's attachments (actas, charts) land beside the informe, in a folder of their own.
        self.console = Console(settings, start=start, files_dir=output / "adjuntos")
        self.zone = settings.zone
        self.write = write
        self.progress = progress
        self.result = DemoResult(database=settings.database_url)
        self._day: str | None = None

    @property
    def services(self) -> Services:
        services: Services = self.console.application.bot_data["services"]
        return services

    async def run(self) -> DemoResult:
        began = time.monotonic()
        self._out([*await self.console.open(), ""])
        try:
            for event in self.events:
                await self._advance(event.at.replace(tzinfo=self.zone).astimezone(UTC))
                await self._play(event)
        finally:
            await self.console.close()
        self.result.informe_files = self._save_informe()
        self.result.bot_messages = len(self.console.telegram.sent)
        self.result.seconds = time.monotonic() - began
        return self.result

    # -- time -----------------------------------------------------------------------------------
    async def _advance(self, target: datetime) -> None:
        """Move to `target`, stopping wherever a reminder is due (at least weekly)."""
        await self._move(self.console.clock.now())  # plan what the last actions changed
        while self.console.clock.now() < target:
            now = self.console.clock.now()
            step = min(target, now + MAX_STEP)
            due = await self._next_due(now)
            if due is not None and due < step:
                step = due
            await self._move(step)
        if self.console.clock.now() != target:
            await self._move(target)

    async def _move(self, moment: datetime) -> None:
        lines = await self.console.set_clock(moment)
        self.result.ticks += 1
        if len(lines) > 1:  # the first line only says what time it is: show it with news only
            self._header(moment)
            self._out([f"🕘 {describe(moment, self.zone)}", *lines[1:], ""])

    async def _next_due(self, now: datetime) -> datetime | None:
        async with self.services.transaction() as session:
            due: datetime | None = await session.scalar(
                select(func.min(Reminder.due_at)).where(
                    Reminder.status == ReminderStatus.PENDIENTE.value, Reminder.due_at > now
                )
            )
        return due

    # -- what people do -------------------------------------------------------------------------
    async def _play(self, event: Event) -> None:
        if event.progress:
            self.progress(event.progress)
        now = self.console.clock.now()
        self._header(now, title=event.title)
        self._out([f"🕘 {describe(now, self.zone)}"])
        for action in event.actions:
            if isinstance(action, Wait):
                await self._advance(self.console.clock.now() + timedelta(minutes=action.minutes))
                continue
            await self._become(action.user, private=action.private)
            if isinstance(action, Say):
                await self._say(action.text.replace("{examples}", str(resource_dir("examples"))))
            else:
                await self._press(action)

    async def _become(self, user: str, *, private: bool) -> None:
        """Switch person and chat quietly: the transcript names who speaks on every line."""
        if self.console.user.first_name != user:
            await self.console.handle(f":usuario {user}")
        if self.console.in_private != private:
            await self.console.handle(":privado" if private else ":grupo")

    async def _say(self, line: str, *, quiet: bool = False) -> None:
        self.result.lines_typed += 1
        echo = self.console.echo(line)
        lines = await self.console.handle(line)
        self._out([echo, *(lines[:1] if quiet else lines), ""])

    async def _press(self, action: Press) -> None:
        message, number = self._find_button(action.label)
        if message is None:
            self._out([f"({action.user} no encuentra el botón «{action.label}»)", ""])
            return
        number += action.offset
        chat = self.console.chat
        latest = next(m for m in reversed(self.console.telegram.messages_to(chat)) if m.buttons())
        if message is latest:
            await self._say(f":boton {number}", quiet=action.quiet)
            return
        # `:boton` presses the latest message with buttons; people also scroll up (the roll
        # call stays above the review of compromisos), so press that one the same way it does.
        self.result.lines_typed += 1
        text = message.buttons()[number - 1].get("text", "")
        update = self.console.telegram.press(self.console.user, message, number)
        lines = await self.console._process(update)  # the console's own path
        head = f"> {self.console.prompt}: (más arriba) :boton {number}"
        pressed = f"({self.console.user.first_name} pulsa «{text}»)"
        self._out([head, pressed, *([] if action.quiet else lines), ""])

    def _find_button(self, label: str) -> tuple[SentMessage | None, int]:
        """The latest message in the current chat with a button labelled `label` (1-based)."""
        wanted = label.casefold()
        for message in reversed(self.console.telegram.sent):
            if message.chat_id != self.console.chat.id:
                continue
            for number, button in enumerate(message.buttons(), start=1):
                text = str(button.get("text", "")).casefold()
                # «📄 Generar documento», «• Ana: presente» once marked; never «Diana: …».
                if text == wanted or text.startswith(wanted) or text.endswith(f" {wanted}"):
                    return message, number
        return None, 0

    # -- output ---------------------------------------------------------------------------------
    def _header(self, moment: datetime, *, title: str | None = None) -> None:
        day = describe(moment, self.zone).split(",")[0]
        if day != self._day or title:
            self._day = day
            self._out([f"══ {day}{f' — {title}' if title else ''} ══", ""])

    def _out(self, lines: list[str]) -> None:
        for line in lines:
            self.result.transcript.append(line)
            self.write(line)

    def _save_informe(self) -> list[Path]:
        """Write the informe files the bot sent into the group (the last of each name wins)."""
        saved: dict[str, Path] = {}
        for message in self.console.telegram.sent:
            name = Path(message.file_name or "").name
            if name.startswith("informe") and Path(name).suffix in INFORME_SUFFIXES:
                target = self.output / name
                target.write_bytes(message.file_bytes or b"")
                saved[name] = target
        return sorted(saved.values())

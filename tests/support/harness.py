"""A committee's group chat in a test: the real Application, a fake Telegram at the edge."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application

from gelbot.telegram.fake_api import FakeChat, FakeTelegram, FakeUser, SentMessage


class Harness:
    """Feeds updates a person causes through `process_update`, exactly as polling would."""

    def __init__(self, application: Application, telegram: FakeTelegram) -> None:  # type: ignore[type-arg]
        self.app = application
        self.tg = telegram

    async def deliver(self, update: dict[str, Any]) -> list[SentMessage]:
        """Process one update; return what the bot sent (or edited) because of it."""
        before = len(self.tg.sent)
        edits_before = {id(m): m.edits for m in self.tg.sent}
        await self.app.process_update(Update.de_json(update, self.app.bot))
        new = self.tg.sent[before:]
        edited = [m for m in self.tg.sent[:before] if m.edits != edits_before.get(id(m), 0)]
        return edited + new

    async def say(
        self, user: FakeUser, chat: FakeChat, text: str, **kwargs: Any
    ) -> list[SentMessage]:
        return await self.deliver(self.tg.send_text(user, chat, text, **kwargs))

    async def press(self, user: FakeUser, message: SentMessage, index: int) -> list[SentMessage]:
        return await self.deliver(self.tg.press(user, message, index))

    async def press_data(
        self, user: FakeUser, message: SentMessage, data: str
    ) -> list[SentMessage]:
        return await self.deliver(self.tg.press_data(user, message, data))

    def answers(self) -> list[tuple[str, dict[str, Any]]]:
        return [c for c in self.tg.calls if c[0] == "answerCallbackQuery"]


def texts(messages: list[SentMessage]) -> str:
    """Everything a person would read in `messages`, joined."""
    return "\n".join(m.plain for m in messages)

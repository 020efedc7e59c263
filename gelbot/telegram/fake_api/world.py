"""The people, chats and sent messages of the simulated Telegram, as Bot API objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gelbot.telegram.fake_api.html import html_to_plain


@dataclass
class FakeUser:
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.last_name:
            data["last_name"] = self.last_name
        return data


@dataclass
class FakeChat:
    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    admins: set[int] = field(default_factory=set)
    creator: int | None = None
    bot_status: str = "member"
    private_user: FakeUser | None = None
    migrated_to: int | None = None  # the supergroup this group became

    def to_dict(self) -> dict[str, Any]:
        if self.type == "private" and self.private_user is not None:
            user = self.private_user
            data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": user.first_name}
            if user.username:
                data["username"] = user.username
            return data
        return {"id": self.id, "type": self.type, "title": self.title or ""}


@dataclass
class SentMessage:
    """Something the bot sent (or edited) and what a person would see."""

    message_id: int
    chat_id: int
    text: str  # as sent: HTML when parse_mode is HTML
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    kind: str = "text"  # text, document, photo
    file_name: str | None = None
    file_bytes: bytes | None = None
    edits: int = 0

    @property
    def plain(self) -> str:
        """The text a person reads, tags removed and entities resolved."""
        return html_to_plain(self.text) if self.parse_mode == "HTML" else self.text

    def buttons(self) -> list[dict[str, Any]]:
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def to_message(self, bot: FakeUser, chat: FakeChat, date: datetime) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "date": int(date.timestamp()),
            "chat": chat.to_dict(),
            "from": bot.to_dict(),
        }
        if self.kind == "text":
            data["text"] = self.plain
        else:
            data["caption"] = self.plain
            if self.kind == "document":
                data["document"] = {
                    "file_id": f"doc{self.message_id}",
                    "file_unique_id": f"udoc{self.message_id}",
                    "file_name": self.file_name or "archivo",
                }
            else:
                data["photo"] = [
                    {
                        "file_id": f"photo{self.message_id}",
                        "file_unique_id": f"uphoto{self.message_id}",
                        "width": 640,
                        "height": 480,
                    }
                ]
        # Telegram returns only inline keyboards here; a ForceReply is not echoed back.
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        return data

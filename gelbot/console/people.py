"""The console's simulated people: Telegram users made from names; who owes the bot an answer."""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterator
from typing import Any

from gelbot.telegram.fake_api import FakeChat, FakeTelegram, FakeUser, SentMessage, utf16_length

_MENTION = re.compile(r"@\w{3,32}")
_TEXT_MENTION = re.compile(r'href="tg://user\?id=(\d+)"')


class People:
    """The people typed into being with `:usuario NOMBRE`, each a user of the fake Telegram."""

    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram
        self._by_key: dict[str, FakeUser] = {}
        self._authors: dict[int, int] = {}  # message id -> who typed it, for ForceReply
        # (chat id, user id or None for anyone) -> the bot message awaiting their answer
        self._awaiting: dict[tuple[int, int | None], SentMessage] = {}

    def __iter__(self) -> Iterator[FakeUser]:
        return iter(self._by_key.values())

    def find(self, name: str) -> FakeUser | None:
        return self._by_key.get(_user_key(name))

    def new(self, name: str) -> FakeUser:
        username = _username(name)
        first_name = name if any(c.isupper() for c in name) else name.title()
        # Ids derive from the name so a saved database meets the same people in the next session.
        user_id = 100_000 + zlib.crc32(_user_key(name).encode()) % 900_000
        while user_id in self.telegram.users:
            user_id += 1
        user = FakeUser(user_id, first_name, username)
        self.telegram.users[user.id] = user
        self._by_key[_user_key(name)] = user
        return user

    def typed(self, message_id: int, user_id: int) -> None:
        """Remember who typed a message, whom a ForceReply replying to it addresses."""
        self._authors[message_id] = user_id

    def await_answer(self, message: SentMessage) -> set[int]:
        """Open the reply box of whom a ForceReply addresses (everyone's when nobody's)."""
        answerers = self._addressed(message)
        for person in answerers or [None]:
            self._awaiting[(message.chat_id, person)] = message
        return answerers

    def take_awaited(self, chat_id: int, user_id: int) -> SentMessage | None:
        """The question this person's next words in the chat answer, if one waits for them."""
        found = self._awaiting.pop((chat_id, user_id), None)
        return found or self._awaiting.pop((chat_id, None), None)

    def _addressed(self, message: SentMessage) -> set[int]:
        """A selective ForceReply is for people mentioned in it and the author it replies to."""
        if not (message.reply_markup or {}).get("selective"):
            return set()
        found = {int(i) for i in _TEXT_MENTION.findall(message.text)} & set(self.telegram.users)
        named = {m[1:].casefold() for m in _MENTION.findall(message.plain)}
        found |= {u.id for u in self if (u.username or "").casefold() in named}
        author = self._authors.get(message.reply_to_message_id or 0)
        return found | ({author} if author is not None else set())


def is_admin(group: FakeChat, user: FakeUser) -> bool:
    return user.id in group.admins or user.id == group.creator


def who_is(user: FakeUser) -> str:
    handle = f"@{user.username}, " if user.username else ""
    return f"{user.first_name} ({handle}id {user.id})"


def mentions(text: str) -> list[dict[str, Any]]:
    """The `mention` entities a Telegram client marks for each @username."""
    return [
        {"type": "mention", "offset": utf16_length(text[: m.start()]),
         "length": utf16_length(m.group())}
        for m in _MENTION.finditer(text)
    ]  # fmt: skip


def _user_key(name: str) -> str:
    return _username(name) or name.casefold()


def _username(name: str) -> str | None:
    """A Telegram-like @username from a display name: «María José» → maria_jose."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.casefold()).strip("_")[:32] or None

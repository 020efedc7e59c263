"""Callback data: short, versioned by prefix, and always treated as untrusted input."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from telegram import CallbackQuery, MaybeInaccessibleMessage, Update, User

from gelbot.texts import render

MAX_CALLBACK_BYTES = 64
SEPARATOR = ":"


def encode(prefix: str, *parts: str | int) -> str:
    """Pack `parts` after `prefix`; refuses anything Telegram would reject."""
    data = SEPARATOR.join([prefix, *(str(p) for p in parts)])
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def pattern(prefix: str) -> str:
    """The regex a CallbackQueryHandler matches: exactly what `encode(prefix, …)` makes."""
    return f"^{re.escape(prefix)}{SEPARATOR}"


def decode(data: str | None, prefix: str, count: int) -> list[str] | None:
    """The `count` parts after `prefix`, or None when the data is not ours or malformed."""
    if not data:
        return None
    pieces = data.split(SEPARATOR)
    if pieces[0] != prefix or len(pieces) != count + 1:
        return None
    return pieces[1:]


def decode_int(value: str) -> int | None:
    """A positive id from callback data, or None (forged data is common enough to expect)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value)


@dataclass(frozen=True)
class Pressed:
    """A pressed button whose data decoded: the query, who pressed, and the parts of its data."""

    query: CallbackQuery
    user: User
    parts: list[str]
    ids: list[int]  # the leading parts that are ids, read as ints
    refusal: str = "boton_invalido"  # the template answered when the button turns out stale
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | None:
        """The chat of the message the button is on (None when Telegram no longer says)."""
        return self.query.message.chat.id if self.query.message is not None else None

    @property
    def message(self) -> MaybeInaccessibleMessage:
        """The message the button is on (read(…, on_message=True) made sure there is one)."""
        assert self.query.message is not None
        return self.query.message

    async def stale(self) -> None:
        """Answer «Ese botón ya no es válido.»: an old message, the wrong chat, forged data."""
        await self.query.answer(render(self.refusal, **self.values), show_alert=True)


async def answer_stale(query: CallbackQuery) -> None:
    await query.answer(render("boton_invalido"), show_alert=True)


async def read(
    update: Update,
    prefix: str,
    count: int,
    *,
    ids: int = 0,
    choices: Collection[str] = (),
    on_message: bool = False,
    refusal: str = "boton_invalido",
    **values: Any,
) -> Pressed | None:
    """The pressed button's data, decoded; or None, the stale alert answered already.

    The first `ids` parts must be ids; with `choices`, the last part must be one of them;
    with `on_message`, the message the button is on must still be known (it is not when old).
    `refusal` (with `values`) is the alert for a stale button, here and in Pressed.stale().
    Whoever pressed still has to be checked against what the button acts on (re-read it).
    """
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    parts = decode(query.data, prefix, count)
    numbers = [decode_int(p) for p in parts[:ids]] if parts else []
    pressed = Pressed(
        query, user, parts or [], [n for n in numbers if n is not None], refusal, values
    )
    if (
        parts is None
        or None in numbers
        or (choices and parts[-1] not in choices)
        or (on_message and query.message is None)
    ):
        await pressed.stale()
        return None
    return pressed

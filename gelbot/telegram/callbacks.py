"""Callback data: short, versioned by prefix, and always treated as untrusted input."""

from __future__ import annotations

import re

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

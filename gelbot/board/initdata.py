"""Telegram Mini App authentication: check the `initData` a Mini App sends, as Telegram says.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app — the
data-check-string is every field but `hash`, sorted, as `key=value` lines; the secret key is
HMAC-SHA256 of the bot token keyed with "WebAppData"; the hash is HMAC-SHA256 of the
data-check-string with that key, in hex. `auth_date` bounds how old the data may be.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

MAX_INIT_DATA = 4096  # Telegram's initData is well under this; anything longer is not theirs


class InitDataError(Exception):
    """initData that does not prove who opened the Mini App; the message says why."""


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """initData for `fields`, signed as Telegram signs it (for tests and tools)."""
    digest = hmac.new(_secret(bot_token), _check_string(fields).encode(), hashlib.sha256)
    return urlencode({**fields, "hash": digest.hexdigest()})


def telegram_user_id(init_data: str, bot_token: str, *, now: datetime, max_age: timedelta) -> int:
    """The Telegram id of the user who opened the Mini App, once the signature and age hold."""
    if not init_data or len(init_data) > MAX_INIT_DATA:
        raise InitDataError("sin datos de Telegram")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataError("datos ilegibles") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("campos repetidos")
    given = fields.get("hash", "")
    expected = hmac.new(_secret(bot_token), _check_string(fields).encode(), hashlib.sha256)
    if not hmac.compare_digest(given.encode(), expected.hexdigest().encode()):
        raise InitDataError("firma inválida")
    try:
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
        user = json.loads(fields["user"])
        user_id = user["id"]
    except (KeyError, ValueError, TypeError, OverflowError, OSError):
        raise InitDataError("faltan el usuario o la fecha") from None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise InitDataError("usuario inválido")
    if now - signed_at > max_age:
        raise InitDataError("datos vencidos")
    if signed_at - now > timedelta(minutes=5):  # clocks differ a little, not by hours
        raise InitDataError("fecha en el futuro")
    return user_id

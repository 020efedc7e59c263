"""Mini App initData: Telegram's signature and age decide who is asking; nothing else does."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from gelbot.board.initdata import InitDataError, sign, telegram_user_id

TOKEN = "123456:AAH-test-token"
NOW = datetime(2009, 3, 20, 15, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def telegram_signed(fields: dict[str, str], token: str = TOKEN) -> str:
    """Sign as Telegram's documentation says, written out here independently of gelbot's code."""
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def fields(user_id: int = 777, *, at: datetime = NOW - timedelta(minutes=2)) -> dict[str, str]:
    return {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": "Delia", "language_code": "es"}),
        "auth_date": str(int(at.timestamp())),
    }


def test_a_genuine_init_data_names_its_user() -> None:
    assert telegram_user_id(telegram_signed(fields()), TOKEN, now=NOW, max_age=HOUR) == 777
    assert sign(fields(), TOKEN) == telegram_signed(fields())


@pytest.mark.parametrize(
    ("init_data", "why"),
    [
        ("", "sin datos de Telegram"),
        ("x" * 5000, "sin datos de Telegram"),
        ("no es una consulta", "datos ilegibles"),
        (urlencode(fields()), "firma inválida"),  # no hash at all
        (telegram_signed(fields(), token="654321:OTHER"), "firma inválida"),  # another bot
        (
            telegram_signed(fields()).replace("%22id%22%3A+777", "%22id%22%3A+778"),
            "firma inválida",
        ),  # someone else's id under Delia's signature
        (telegram_signed(fields(at=NOW - HOUR - timedelta(seconds=1))), "datos vencidos"),
        (telegram_signed(fields(at=NOW + timedelta(hours=2))), "fecha en el futuro"),
        (telegram_signed({"auth_date": str(int(NOW.timestamp()))}), "faltan el usuario o la fecha"),
        (telegram_signed({**fields(), "user": '{"id": "777"}'}), "usuario inválido"),
        (telegram_signed(fields()) + "&user=%7B%22id%22%3A1%7D", "campos repetidos"),
    ],
)
def test_forged_expired_or_broken_init_data_is_refused(init_data: str, why: str) -> None:
    with pytest.raises(InitDataError, match=why):
        telegram_user_id(init_data, TOKEN, now=NOW, max_age=HOUR)

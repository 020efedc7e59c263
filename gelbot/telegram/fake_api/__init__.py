"""An in-memory Telegram Bot API: the one fake, at the edge, behind the console and the tests.

It answers Bot API methods the way Telegram does for what gelbot uses, keeps a transcript, and
rejects what Telegram would reject (bad HTML, messages over 4096 characters, callback data over
64 bytes), so a test that passes here does not fail against the real service for those reasons.
"""

from gelbot.telegram.fake_api.errors import BotApiError
from gelbot.telegram.fake_api.html import (
    ALLOWED_TAGS,
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_TEXT,
    NAMED_ENTITIES,
    check_html,
    html_to_plain,
    utf16_length,
)
from gelbot.telegram.fake_api.html import _TelegramHtmlChecker as _TelegramHtmlChecker
from gelbot.telegram.fake_api.params import _ADMIN_RIGHTS as _ADMIN_RIGHTS
from gelbot.telegram.fake_api.params import _int as _int
from gelbot.telegram.fake_api.params import _json as _json
from gelbot.telegram.fake_api.params import _markup as _markup
from gelbot.telegram.fake_api.params import _upload as _upload
from gelbot.telegram.fake_api.request import FakeBotApiRequest
from gelbot.telegram.fake_api.sending_limits import TelegramLimits
from gelbot.telegram.fake_api.telegram import FakeTelegram
from gelbot.telegram.fake_api.world import FakeChat, FakeUser, SentMessage

__all__ = [
    "ALLOWED_TAGS",
    "MAX_CALLBACK_DATA",
    "MAX_CAPTION",
    "MAX_TEXT",
    "NAMED_ENTITIES",
    "BotApiError",
    "FakeBotApiRequest",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "SentMessage",
    "TelegramLimits",
    "check_html",
    "html_to_plain",
    "utf16_length",
]

"""Reading Bot API call parameters (JSON fields, markups, uploads) as Telegram checks them."""

from __future__ import annotations

import json
from typing import Any

from gelbot.telegram.fake_api.errors import BotApiError
from gelbot.telegram.fake_api.html import MAX_CALLBACK_DATA

_ADMIN_RIGHTS = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
    "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
    "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
}  # fmt: skip


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _markup(value: Any) -> dict[str, Any] | None:
    markup = _json(value)
    if not markup:
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise BotApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            web_app = button.get("web_app")
            if web_app is not None and not str(web_app.get("url", "")).startswith("https://"):
                raise BotApiError(400, "Bad Request: BUTTON_URL_INVALID")
            url = button.get("url")
            if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
                raise BotApiError(400, "Bad Request: BUTTON_URL_INVALID")
    return dict(markup)


def _upload(value: Any, files: dict[str, tuple[str, bytes]]) -> tuple[str, bytes]:
    if isinstance(value, str) and value.startswith("attach://"):
        value = value[len("attach://") :]
    if isinstance(value, str) and value in files:
        return files[value]
    if files:
        return next(iter(files.values()))
    raise BotApiError(400, "Bad Request: there is no document in the request")

"""The fake Bot API's methods about the bot's settings and the chats it is in."""

from __future__ import annotations

from typing import Any

from gelbot.telegram.fake_api.errors import BotApiError
from gelbot.telegram.fake_api.params import _ADMIN_RIGHTS, _int, _json
from gelbot.telegram.fake_api.world import FakeChat, FakeUser


class SettingsApi:
    """setMyCommands, webhooks, getChatMember, getChat, leaveChat (FakeTelegram's base)."""

    users: dict[int, FakeUser]
    commands: dict[str, list[dict[str, Any]]]
    webhook: dict[str, Any] | None

    def _chat(self, params: dict[str, Any]) -> FakeChat:
        raise NotImplementedError

    def _api_setMyCommands(self, params: dict[str, Any], files: Any) -> bool:
        commands = _json(params.get("commands")) or []
        for command in commands:
            if (
                not 1 <= len(command["command"]) <= 32
                or not 1 <= len(command["description"]) <= 256
            ):
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        scope = _json(params.get("scope")) or {"type": "default"}
        self.commands[scope["type"]] = commands
        return True

    def _api_deleteWebhook(self, params: dict[str, Any], files: Any) -> bool:
        self.webhook = None
        return True

    def _api_setWebhook(self, params: dict[str, Any], files: Any) -> bool:
        self.webhook = {"url": params.get("url"), "secret_token": params.get("secret_token")}
        return True

    def _api_getChatMember(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat(params)
        user = self.users.get(_int(params.get("user_id")) or 0)
        if user is None:
            raise BotApiError(400, "Bad Request: user not found")
        if user.id == chat.creator:
            return {"status": "creator", "user": user.to_dict(), "is_anonymous": False}
        if user.id in chat.admins:
            return {"status": "administrator", "user": user.to_dict(), **_ADMIN_RIGHTS}
        return {"status": "member", "user": user.to_dict()}

    def _api_getChat(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat(params)
        return {**chat.to_dict(), "accent_color_id": 0, "max_reaction_count": 11}

    def _api_leaveChat(self, params: dict[str, Any], files: Any) -> bool:
        self._chat(params).bot_status = "left"
        return True

"""The error answer of the fake Bot API, shaped like Telegram's."""

from __future__ import annotations

from typing import Any


class BotApiError(Exception):
    """An error answer of the Bot API: HTTP code, description and optional parameters."""

    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body

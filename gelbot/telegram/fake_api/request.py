"""FakeBotApiRequest: a PTB transport that answers from a FakeTelegram instead of the network."""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

from gelbot.telegram.fake_api.errors import BotApiError
from gelbot.telegram.fake_api.telegram import FakeTelegram


class FakeBotApiRequest(BaseRequest):
    """A PTB transport that answers from a FakeTelegram instead of the network."""

    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if method == "GET":
            # A file download (File.download_*): base_file_url + "/" + the getFile file_path.
            try:
                return 200, self.telegram.file_content(url)
            except KeyError:
                error = BotApiError(404, "Not Found: file not found")
                return error.code, json.dumps(error.payload()).encode()
        api_method = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        files: dict[str, tuple[str, bytes]] = {}
        if request_data is not None and request_data.contains_files:
            for part, field_tuple in request_data.multipart_data.items():
                name, content = field_tuple[0], field_tuple[1]
                raw = content if isinstance(content, bytes) else content.read()
                files[part] = (name or part, raw)
        try:
            if api_method == "getUpdates":
                result: Any = await self.telegram.get_updates(
                    int(params.get("offset", 0)), float(params.get("timeout", 0))
                )
            else:
                result = await self.telegram.call(api_method, params, files)
        except BotApiError as error:
            return error.code, json.dumps(error.payload()).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

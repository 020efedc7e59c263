"""FakeTelegram: the simulated Telegram, its updates, long polling and Bot API methods."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from gelbot.telegram.fake_api.errors import BotApiError
from gelbot.telegram.fake_api.html import MAX_CAPTION, MAX_TEXT, check_html, utf16_length
from gelbot.telegram.fake_api.limits import Failure, FloodControl
from gelbot.telegram.fake_api.params import _int, _json, _markup, _upload
from gelbot.telegram.fake_api.sending_limits import TelegramLimits
from gelbot.telegram.fake_api.settings_api import SettingsApi
from gelbot.telegram.fake_api.world import FakeChat, FakeUser, SentMessage


class FakeTelegram(SettingsApi):
    """The simulated Telegram: users, chats, the bot's messages, and pending updates."""

    def __init__(
        self,
        *,
        bot_username: str = "gelbot_demo_bot",
        now: Callable[[], datetime] | None = None,
        limits: TelegramLimits | None = None,
    ) -> None:
        self.bot = FakeUser(
            id=7_000_000_001, first_name="gelbot", username=bot_username, is_bot=True
        )
        self.now = now or (lambda: datetime.now(UTC))
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.sent: list[SentMessage] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.failures: list[Failure] = []
        self.flood: FloodControl | None = None  # Telegram's send limits, when a test wants them
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._user_ids = itertools.count(1001)
        self._group_ids = itertools.count(1)
        self._new_update: asyncio.Event | None = None
        self._files: dict[str, bytes] = {}
        self.on_update: Callable[[dict[str, Any]], None] | None = None
        self.limits = limits  # Telegram's sending limits (429s); off unless asked for

    # -- the world ----------------------------------------------------------------------------
    def add_user(
        self, first_name: str, username: str | None = None, *, last_name: str | None = None
    ) -> FakeUser:
        user = FakeUser(next(self._user_ids), first_name, username, last_name)
        self.users[user.id] = user
        return user

    def add_group(
        self, title: str, *, admins: list[FakeUser] | None = None, supergroup: bool = False
    ) -> FakeChat:
        chat_id = (
            -(100_000 + next(self._group_ids))
            if not supergroup
            else -1_000_000_000_000 - next(self._group_ids)
        )
        chat = FakeChat(chat_id, "supergroup" if supergroup else "group", title)
        chat.admins = {u.id for u in admins or []}
        chat.creator = admins[0].id if admins else None
        self.chats[chat.id] = chat
        return chat

    def private_chat(self, user: FakeUser) -> FakeChat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = FakeChat(user.id, "private", private_user=user)
            self.chats[user.id] = chat
        return chat

    # -- updates people cause -----------------------------------------------------------------
    def _push(self, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **payload}
        self._updates.append(update)
        if self._new_update is not None:
            self._new_update.set()
        if self.on_update is not None:
            self.on_update(update)
        return update

    def _message(self, user: FakeUser, chat: FakeChat, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(self.now().timestamp()),
            "chat": chat.to_dict(),
            "from": user.to_dict(),
            **fields,
        }

    def send_text(
        self,
        user: FakeUser,
        chat: FakeChat,
        text: str,
        *,
        reply_to: SentMessage | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A person sends `text`; commands get their bot_command entity as clients add it."""
        fields: dict[str, Any] = {"text": text}
        found = list(entities or [])
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.split() else text
            found.insert(0, {"type": "bot_command", "offset": 0, "length": utf16_length(command)})
        if not entities:  # clients mark each @username as a mention
            for mention in re.finditer(r"(?<![\w/])@\w{3,}", text):
                offset = utf16_length(text[: mention.start()])
                length = utf16_length(mention.group())
                found.append({"type": "mention", "offset": offset, "length": length})
        if found:
            fields["entities"] = found
        if reply_to is not None:
            fields["reply_to_message"] = reply_to.to_message(self.bot, chat, self.now())
        return self._push({"message": self._message(user, chat, **fields)})

    def send_document(
        self,
        user: FakeUser,
        chat: FakeChat,
        file_name: str,
        content: bytes,
        caption: str = "",
        *,
        reply_to: SentMessage | None = None,
    ) -> dict[str, Any]:
        """A person sends a file (optionally as a reply to a bot message); getFile serves it."""
        file_id = f"userdoc{len(self._files) + 1}"
        self._files[file_id] = content
        document = {
            "file_id": file_id,
            "file_unique_id": "u" + file_id,
            "file_name": file_name,
            "file_size": len(content),
        }
        fields: dict[str, Any] = {"document": document}
        if caption:
            fields["caption"] = caption
            if caption.startswith("/"):
                command = caption.split(maxsplit=1)[0]
                fields["caption_entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_length(command)}
                ]
        if reply_to is not None:
            fields["reply_to_message"] = reply_to.to_message(self.bot, chat, self.now())
        return self._push({"message": self._message(user, chat, **fields)})

    def press(self, user: FakeUser, message: SentMessage, index: int) -> dict[str, Any]:
        """A person presses button number `index` (from 1) under `message`."""
        buttons = message.buttons()
        if not 1 <= index <= len(buttons):
            raise IndexError(f"el mensaje tiene {len(buttons)} botones")
        button = buttons[index - 1]
        if "callback_data" not in button:
            raise ValueError("ese botón abre un enlace, no envía nada al bot")
        return self.press_data(user, message, button["callback_data"])

    def press_data(self, user: FakeUser, message: SentMessage, data: str) -> dict[str, Any]:
        """A callback query with arbitrary (possibly forged) data."""
        chat = self.chats[message.chat_id]
        query = {
            "id": str(next(self._update_ids) * 7919),
            "from": user.to_dict(),
            "chat_instance": str(chat.id),
            "data": data,
            "message": message.to_message(self.bot, chat, self.now()),
        }
        return self._push({"callback_query": query})

    def _member_update(self, chat: FakeChat, by: FakeUser, old: str, new: str) -> dict[str, Any]:
        chat.bot_status = new
        return self._push(
            {
                "my_chat_member": {
                    "chat": chat.to_dict(),
                    "from": by.to_dict(),
                    "date": int(self.now().timestamp()),
                    "old_chat_member": {"status": old, "user": self.bot.to_dict()},
                    "new_chat_member": {
                        "status": new,
                        "user": self.bot.to_dict(),
                        # Telegram sends until_date with "kicked"; PTB needs it to parse the update.
                        **({"until_date": 0} if new == "kicked" else {}),
                    },
                }
            }
        )

    def add_bot_to(self, chat: FakeChat, by: FakeUser) -> dict[str, Any]:
        return self._member_update(chat, by, "left", "member")

    def remove_bot_from(self, chat: FakeChat, by: FakeUser) -> dict[str, Any]:
        return self._member_update(chat, by, chat.bot_status, "kicked")

    def migrate_to_supergroup(
        self, chat: FakeChat, by: FakeUser
    ) -> tuple[FakeChat, dict[str, Any]]:
        """The group becomes a supergroup: a new chat id, announced by a service message."""
        new = FakeChat(
            -1_000_000_000_000 + chat.id, "supergroup", chat.title, set(chat.admins), chat.creator
        )
        self.chats[new.id] = new
        update = self._push({"message": self._message(by, chat, migrate_to_chat_id=new.id)})
        chat.migrated_to = new.id  # sends to the old id now answer 400 with the new id
        return new, update

    # -- long polling ---------------------------------------------------------------------------
    def pending(self, offset: int = 0) -> list[dict[str, Any]]:
        return [u for u in self._updates if u["update_id"] >= offset]

    async def get_updates(self, offset: int, wait: float) -> list[dict[str, Any]]:
        """getUpdates: what is pending from `offset`, waiting up to `wait` seconds."""
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and wait > 0:
            self._new_update = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), wait)
        return list(self._updates)

    # -- the Bot API ------------------------------------------------------------------------------
    def fail_next(
        self, method: str, error: BotApiError, *, chat_id: int | None = None, skip: int = 0
    ) -> None:
        """Make the next call of `method` (to `chat_id`, if given) fail with `error` — or the one
        after `skip` such calls succeed."""
        self.failures.append(Failure(method, chat_id, error, skip))

    def messages_to(self, chat: FakeChat | int) -> list[SentMessage]:
        chat_id = chat if isinstance(chat, int) else chat.id
        return [m for m in self.sent if m.chat_id == chat_id]

    def last_to(self, chat: FakeChat | int) -> SentMessage:
        messages = self.messages_to(chat)
        if not messages:
            raise AssertionError("the bot sent nothing to that chat")
        return messages[-1]

    async def call(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]] | None = None
    ) -> Any:
        """Answer one Bot API call, or raise BotApiError as Telegram would."""
        self.calls.append((method, params))
        failure = next((f for f in self.failures if f.matches(method, params)), None)
        if failure is not None and failure.skip > 0:
            failure.skip -= 1
        elif failure is not None:
            self.failures.remove(failure)
            raise failure.error
        if self.flood is not None:
            self.flood.check(method, params)
        if self.limits is not None:
            self.limits.admit(method, params)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise BotApiError(404, "Not Found: method not found")
        return handler(params, files or {})

    def _chat(self, params: dict[str, Any]) -> FakeChat:
        chat_id = _int(params.get("chat_id"))
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise BotApiError(400, "Bad Request: chat not found")
        if chat.migrated_to is not None:
            raise BotApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                              migrate_to_chat_id=chat.migrated_to)  # fmt: skip
        if chat.type == "private" and chat.bot_status == "kicked":
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        if chat.type != "private" and chat.bot_status in {"left", "kicked"}:
            raise BotApiError(403, "Forbidden: bot is not a member of the group chat")
        return chat

    def _store(
        self, chat: FakeChat, text: str, params: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        markup = _markup(params.get("reply_markup"))
        web_apps = [b for row in (markup or {}).get("inline_keyboard", []) for b in row
                    if "web_app" in b]  # fmt: skip
        if web_apps and chat.type != "private":  # Mini App buttons work only in private chats
            raise BotApiError(400, "Bad Request: BUTTON_TYPE_INVALID")
        parse_mode = params.get("parse_mode")
        shown = check_html(text) if parse_mode == "HTML" else text
        limit = MAX_TEXT if extra.get("kind", "text") == "text" else MAX_CAPTION
        if extra.get("kind", "text") == "text" and not shown.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if utf16_length(shown) > limit:
            raise BotApiError(400, "Bad Request: message is too long")
        # PTB sends a reply as reply_parameters (Bot API 7.0); older clients as reply_to_message_id.
        replying = _json(params.get("reply_parameters")) or {}
        reply_to = _int(params.get("reply_to_message_id")) or _int(replying.get("message_id"))
        message = SentMessage(
            next(self._message_ids), chat.id, text, parse_mode, markup, reply_to, **extra,
        )  # fmt: skip
        self.sent.append(message)
        return message.to_message(self.bot, chat, self.now())

    def _api_getMe(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return {**self.bot.to_dict(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}  # fmt: skip

    def _api_sendMessage(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return self._store(self._chat(params), str(params.get("text", "")), params)

    def _api_sendDocument(
        self, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> dict[str, Any]:
        name, content = _upload(params.get("document"), files)
        return self._store(self._chat(params), str(params.get("caption", "")), params,
                           kind="document", file_name=name, file_bytes=content)  # fmt: skip

    def _api_sendPhoto(
        self, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> dict[str, Any]:
        name, content = _upload(params.get("photo"), files)
        return self._store(self._chat(params), str(params.get("caption", "")), params,
                           kind="photo", file_name=name, file_bytes=content)  # fmt: skip

    def _edited(self, params: dict[str, Any]) -> SentMessage:
        chat = self._chat(params)
        message_id = _int(params.get("message_id"))
        for message in self.sent:
            if message.chat_id == chat.id and message.message_id == message_id:
                return message
        raise BotApiError(400, "Bad Request: message to edit not found")

    def _api_editMessageText(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        message = self._edited(params)
        text = str(params.get("text", ""))
        shown = check_html(text) if params.get("parse_mode") == "HTML" else text
        if utf16_length(shown) > MAX_TEXT:
            raise BotApiError(400, "Bad Request: message is too long")
        markup = _markup(params.get("reply_markup"))
        if text == message.text and markup == message.reply_markup:
            raise BotApiError(400, "Bad Request: message is not modified")
        message.text, message.parse_mode, message.reply_markup = (
            text,
            params.get("parse_mode"),
            markup,
        )
        message.edits += 1
        return message.to_message(self.bot, self.chats[message.chat_id], self.now())

    def _api_editMessageReplyMarkup(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        message = self._edited(params)
        markup = _markup(params.get("reply_markup"))
        if markup == message.reply_markup:  # removing buttons already removed, too
            raise BotApiError(400, "Bad Request: message is not modified")
        message.reply_markup = markup
        message.edits += 1
        return message.to_message(self.bot, self.chats[message.chat_id], self.now())

    def _api_deleteMessage(self, params: dict[str, Any], files: Any) -> bool:
        message = self._edited(params)
        self.sent.remove(message)
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any], files: Any) -> bool:
        if len(str(params.get("text", ""))) > 200:
            raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def _api_getFile(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        file_id = str(params.get("file_id"))
        if file_id not in self._files:
            raise BotApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": "u" + file_id,
            "file_path": f"documents/{file_id}",
            "file_size": len(self._files[file_id]),
        }

    def file_content(self, file_path: str) -> bytes:
        return self._files[file_path.rsplit("/", 1)[-1]]

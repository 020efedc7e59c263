"""Small helpers every handler uses: services, the sender's identity, replies from templates."""

from __future__ import annotations

import html
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackContext, ExtBot

from gelbot.domain.committees import PersonInfo
from gelbot.services import Services
from gelbot.telegram import callbacks
from gelbot.texts import render, split_message


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """What every handler and job receives: PTB's context plus gelbot's services and clock.

    Registered with `ContextTypes(context=Context)` in gelbot.app (as PTB's contexttypesbot does).
    """

    @property
    def services(self) -> Services:
        found = self.application.bot_data["services"]
        assert isinstance(found, Services)
        return found

    def now(self) -> datetime:
        """The services' clock (a fake one in tests, the console and the demo)."""
        return self.services.clock.now()

    def today(self) -> date:
        """Today's date in the bot's time zone."""
        return self.now().astimezone(self.services.settings.zone).date()


# What PTB calls for a command or a button: gelbot's handlers, typed.
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


def person_info(user: User) -> PersonInfo:
    return PersonInfo(
        telegram_id=user.id,
        first_name=user.first_name or "",
        username=user.username,
        last_name=user.last_name,
    )


def is_group(chat: Chat | None) -> bool:
    return chat is not None and chat.type in {Chat.GROUP, Chat.SUPERGROUP}


async def in_group_chat(update: Update, context: Context, command: str) -> tuple[Chat, User] | None:
    """The group and who wrote there; elsewhere None, after saying /`command` is for the group."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if not is_group(chat):
        await reply(update, context, "solo_en_grupo", command=command)
        return None
    return chat, user


async def is_group_admin(context: Context, chat_id: int, user_id: int) -> bool:
    """Ask Telegram (the truth about group admins) whether `user_id` administers `chat_id`."""
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError:
        return False
    return member.status in {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}


async def send(
    context: Context,
    chat_id: int,
    template: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
    **values: Any,
) -> Message:
    """Render `template` and send it, split into Telegram-sized parts; buttons go on the last."""
    parts = split_message(render(template, **values))
    message: Message | None = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        message = await context.bot.send_message(
            chat_id,
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=reply_markup if last else None,
            reply_to_message_id=reply_to if index == 0 else None,
            allow_sending_without_reply=True,
            disable_web_page_preview=True,
        )
    assert message is not None
    return message


async def reply(
    update: Update,
    context: Context,
    template: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    **values: Any,
) -> Message:
    """Answer the update's message in its chat (quoting it in groups, where threads get busy)."""
    message = update.effective_message
    chat = update.effective_chat
    assert chat is not None
    reply_to = message.message_id if message is not None and is_group(chat) else None
    return await send(
        context, chat.id, template, reply_markup=reply_markup, reply_to=reply_to, **values
    )


async def edit(
    update: Update,
    template: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    **values: Any,
) -> None:
    """Replace the text of the message whose button was pressed."""
    query = update.callback_query
    assert query is not None
    text = split_message(render(template, **values))[0]
    await query.edit_message_text(
        text, parse_mode=ParseMode.HTML, reply_markup=reply_markup, disable_web_page_preview=True
    )


def label(which: str, **values: Any) -> str:
    """A button's label or a question's placeholder, from `messages/etiqueta` (plain text)."""
    return html.unescape(render("etiqueta", cual=which, **values))


def button(which: str, prefix: str, *parts: str | int, **values: Any) -> InlineKeyboardButton:
    """A button labelled from `messages/etiqueta`, its data `callbacks.encode(prefix, *parts)`."""
    return InlineKeyboardButton(
        label(which, **values), callback_data=callbacks.encode(prefix, *parts)
    )


async def alert(query: CallbackQuery, template: str, **values: Any) -> None:
    """Answer a pressed button with a pop-up the person must close (a refusal, a stale button)."""
    await query.answer(render(template, **values), show_alert=True)


async def notify(query: CallbackQuery, template: str, **values: Any) -> None:
    """Answer a pressed button with a brief notice at the top of the chat («Registrado.»)."""
    await query.answer(render(template, **values))


def command_args(context: Context) -> str:
    """Everything after the command, as typed (spaces inside kept)."""
    return " ".join(context.args or [])


def raw_args(update: Update) -> str:
    """The text after the command word, keeping the user's line breaks and spacing."""
    message = update.effective_message
    text = (message.text or "") if message is not None else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def deep_link(bot_username: str, committee_id: int) -> str:
    """The t.me link that opens a private chat with the bot, tagged with the committee."""
    return f"https://t.me/{bot_username}?start=c{committee_id}"

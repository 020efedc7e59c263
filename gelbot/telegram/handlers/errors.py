"""The error handler: log with context, tell the person something went wrong, leak nothing."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, send

log = logging.getLogger("gelbot.errors")


async def on_error(update: object, context: Context) -> None:
    """Log the failure with who and where; answer the person in Spanish without internals."""
    chat_id = user_id = update_id = None
    if isinstance(update, Update):
        update_id = update.update_id
        chat_id = update.effective_chat.id if update.effective_chat else None
        user_id = update.effective_user.id if update.effective_user else None
    log.error(
        "error handling update %s (chat %s, user %s)",
        update_id,
        chat_id,
        user_id,
        exc_info=context.error,
    )
    if chat_id is None:
        return
    try:
        await send(context, chat_id, "error_interno")
    except TelegramError:
        log.warning("could not tell chat %s about the error", chat_id)


async def unknown_button(update: Update, context: Context) -> None:
    """Answer a button press no handler claimed (an old message, forged data): else it spins."""
    if update.callback_query is not None:
        await callbacks.answer_stale(update.callback_query)

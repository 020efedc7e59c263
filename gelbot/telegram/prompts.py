"""Free-text questions in groups: ask with ForceReply, find the question again by the reply.

Under privacy mode the bot sees only commands and replies to its own messages. So a feature
that needs a sentence (a result, a date, a decision) sends a question with
`ForceReply(selective=True)` through `ask`, which stores a PendingPrompt keyed by the question's
message id. `reply_router` answers every reply to one of those questions by calling the
feature's answer function for the prompt's `kind`. Replies by anyone but the person asked, and
replies to messages that ask nothing, are ignored: in a group people reply to the bot for many
reasons, and answering each would be noise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import ForceReply, Message, Update
from telegram.constants import ParseMode

from gelbot.domain import committees, pending_prompts
from gelbot.models import PendingPrompt, Person
from gelbot.telegram.common import Context, person_info
from gelbot.texts import render, split_message

# answer(update, context, session, prompt, person): the feature's reply to one answer. It
# resolves the prompt when the answer is accepted (or asks again with a new prompt).
Answer = Callable[[Update, Context, AsyncSession, PendingPrompt, Person], Awaitable[None]]


async def ask(
    context: Context,
    session: AsyncSession,
    chat_id: int,
    template: str,
    *,
    person: Person,
    kind: str,
    subject_id: int | None = None,
    data: dict[str, Any] | None = None,
    reply_to: int | None = None,
    placeholder: str | None = None,
    **values: Any,
) -> Message:
    """Send the question `template` to `person` and remember it until they reply.

    The template should mention the person: a selective ForceReply opens the reply box only
    for people mentioned in the question (or the author of the message it replies to).
    """
    text = split_message(render(template, person=person, **values))[0]
    message = await context.bot.send_message(
        chat_id,
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder),
        reply_to_message_id=reply_to,
        allow_sending_without_reply=True,
        disable_web_page_preview=True,
    )
    now = context.now()
    await pending_prompts.remember(
        session, chat_id=chat_id, message_id=message.message_id, person_id=person.id,
        kind=kind, subject_id=subject_id, data=data, now=now,
    )  # fmt: skip
    return message


def reply_router(
    answers: Mapping[str, Answer],
) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """A handler for replies to the bot that sends each answer to its feature by kind."""

    async def on_reply(update: Update, context: Context) -> None:
        """Pass a reply to a pending question to the feature that asked it."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return
        svc = context.services
        async with svc.transaction() as session:
            prompt = await pending_prompts.find(session, chat.id, replied.message_id)
            if prompt is None or prompt.kind not in answers:
                return
            person = await committees.upsert_person(session, person_info(user), now=context.now())
            if person.id != prompt.person_id:
                return
            await answers[prompt.kind](update, context, session, prompt, person)

    return on_reply

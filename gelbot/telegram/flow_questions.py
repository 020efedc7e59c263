"""Flows in the chat, the asking side: send each question, and start flows for reminders.

In a group the question mentions the person and carries a selective ForceReply (or buttons), so
under privacy mode the bot sees the answer; in private, typing is enough. Answers come back
through gelbot.telegram.handlers.flow_answers; the flows' periodic pass is in gelbot.jobs.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from gelbot.flows import context as flow_context
from gelbot.flows import engine, loader
from gelbot.flows.answers import MAX_NUMBER, format_number
from gelbot.flows.engine import Ask, Subject
from gelbot.flows.schema import TEXT_LIMIT
from gelbot.models import Committee, Person
from gelbot.models.flows import FlowMessage, FlowRun, RunStatus
from gelbot.telegram import callbacks
from gelbot.telegram.common import label
from gelbot.texts import render, split_message

log = logging.getLogger(__name__)

ANSWER = "fl"  # fl:<run id>:<step>:<choice index | o>   (o: «Omitir»)
SHORT_LABEL = 18  # two buttons a row when every label is at most this long


# --- asking --------------------------------------------------------------------------------------


def _limits(ask: Ask) -> dict[str, str | None]:
    q = ask.question
    if q.type == "texto":
        low, high = q.min, q.max if q.max is not None else TEXT_LIMIT
    elif q.type == "porcentaje":
        low, high = q.min if q.min is not None else 0, q.max if q.max is not None else 100
    else:
        low, high = q.min if q.min is not None else 0, q.max if q.max is not None else MAX_NUMBER
    return {
        "minimo": format_number(low) if low is not None else None,
        "maximo": format_number(high) if high is not None else None,
    }


def _markup(ask: Ask, in_group: bool) -> InlineKeyboardMarkup | ForceReply | None:
    run = ask.run
    buttons = [
        InlineKeyboardButton(
            choice.label, callback_data=callbacks.encode(ANSWER, run.id, run.step, i)
        )
        for i, choice in enumerate(ask.choices)
    ]
    if ask.skippable and (buttons or not in_group):
        buttons.append(
            InlineKeyboardButton(
                label("omitir"), callback_data=callbacks.encode(ANSWER, run.id, run.step, "o")
            )
        )
    if buttons:
        width = 2 if all(len(b.text) <= SHORT_LABEL for b in buttons) else 1
        return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])
    if in_group and ask.person is None:
        return None  # the whole group is asked: nobody in particular gets the reply box
    return ForceReply(selective=in_group, input_field_placeholder=ask.question.placeholder)


async def send_ask(
    bot: Bot,
    session: AsyncSession,
    ask: Ask,
    *,
    now: datetime,
    reply_to: int | None = None,
    problem: str | None = None,
    template: str = "flujo_pregunta",
) -> Message | None:
    """Send a question (or the same one again, saying what was wrong) and remember the message."""
    run = ask.run
    in_group = not engine.is_private(run.chat_id)
    markup = _markup(ask, in_group)
    text = render(
        template, pregunta=Markup(ask.text), persona=ask.person, grupo=in_group,
        tipo=ask.question.type.value, opcional=ask.skippable,
        botones=isinstance(markup, InlineKeyboardMarkup), problema=problem,
        ejemplo=ask.question.example, opciones=[c.label for c in ask.choices],
        item_numero=ask.item_number, item_total=ask.item_total if ask.item else 0, **_limits(ask),
    )  # fmt: skip
    try:
        message = await bot.send_message(
            run.chat_id, split_message(text)[0], parse_mode=ParseMode.HTML, reply_markup=markup,
            reply_to_message_id=reply_to, allow_sending_without_reply=True,
            disable_web_page_preview=True,
        )  # fmt: skip
    except Forbidden:
        return await _ask_in_group_instead(bot, session, ask, now=now, problem=problem)
    except TelegramError as error:
        log.warning("flow question for run %s not sent: %s", run.id, error)
        return None
    session.add(
        FlowMessage(
            run_id=run.id, chat_id=run.chat_id, message_id=message.message_id, step=run.step,
            has_buttons=isinstance(markup, InlineKeyboardMarkup), sent_at=now,
        )
    )  # fmt: skip
    await session.flush()
    return message


async def _ask_in_group_instead(
    bot: Bot, session: AsyncSession, ask: Ask, *, now: datetime, problem: str | None
) -> Message | None:
    """The person blocked the bot in private: ask in the committee's group instead."""
    run = ask.run
    committee = await session.get(Committee, run.committee_id)
    if not engine.is_private(run.chat_id) or committee is None or not committee.active:
        return None
    if ask.person is not None:
        ask.person.private_blocked = True
    run.chat_id = committee.chat_id
    return await send_ask(bot, session, ask, now=now, problem=problem)


async def ask_current(
    bot: Bot,
    session: AsyncSession,
    run: FlowRun,
    *,
    now: datetime,
    tz: tzinfo,
    reply_to: int | None = None,
) -> Message | None:
    """Send the question a run waits on (a new, resumed, released or re-triggered run)."""
    ask = await engine.current_ask(session, run, now=now, tz=tz)
    if ask is None:
        return None
    return await send_ask(bot, session, ask, now=now, reply_to=reply_to)


# --- the reminder engine's entry point -----------------------------------------------------------


async def start_flow_for_reminder(
    bot: Bot,
    session: AsyncSession,
    *,
    kind: str,
    committee: Committee,
    person: Person | None,
    subject: Subject,
    now: datetime,
    tz: tzinfo,
) -> bool:
    """Start the committee's flows that reminder `kind` starts, and ask their first question.

    `person` is who the reminder is for; None lets each flow's `asks` decide (the responsable,
    the roles, the group). Privately when the person opened a chat with the bot, else in the
    group. A run already open for the same subject is asked again instead of duplicated.
    True when at least one question went out.
    """
    sent = False
    for loaded in await loader.started_by(session, committee, now, reminder=kind):
        people = [person] if person is not None else await flow_context.audience(
            session, loaded.flow, committee, subject
        )  # fmt: skip
        for target in people:
            private = target is not None and target.reachable_privately
            started = await engine.start_flow(
                session, loaded=loaded, committee=committee, person=target,
                chat_id=target.telegram_id if private and target else committee.chat_id,
                subject=subject, now=now, tz=tz, trigger=f"recordatorio:{kind}",
            )  # fmt: skip
            if started is None or started[0].status != RunStatus.ESPERANDO.value:
                continue
            sent |= await ask_current(bot, session, started[0], now=now, tz=tz) is not None
    return sent


async def say(
    bot: Bot, chat_id: int, template: str, reply_to: int | None, **values: object
) -> None:
    try:
        await bot.send_message(
            chat_id, split_message(render(template, **values))[0], parse_mode=ParseMode.HTML,
            reply_to_message_id=reply_to, allow_sending_without_reply=True,
            disable_web_page_preview=True,
        )  # fmt: skip
    except TelegramError as error:
        log.warning("flow message not sent to %s: %s", chat_id, error)

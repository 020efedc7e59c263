"""Flows in the chat, the answering side: a button, a reply to a question, private text.

Handler order (gelbot/app.py): `on_reply` and `on_private` run in group -1, before any
feature, and act only on messages that answer a flow — a reply to one of the bot's flow
questions, or a message in a private chat where a flow waits for that person (and that the
question can take: a file only when it asks for one). Those they answer and then stop
(ApplicationHandlerStop), so no later handler (a plan file sent privately, say) mistakes the
answer for its own input. Everything else passes through untouched.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, tzinfo

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from gelbot.domain import committees
from gelbot.flows import engine
from gelbot.flows.answers import FileRef, Reply
from gelbot.flows.engine import Ask, Outcome
from gelbot.models import Committee, Person, Role
from gelbot.models.flows import FlowMessage, FlowRun, RunStatus
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, is_group, person_info
from gelbot.telegram.flow_questions import ANSWER as ANSWER
from gelbot.telegram.flow_questions import ask_current, say, send_ask
from gelbot.texts import render, split_message


async def may_answer(session: AsyncSession, run: FlowRun, person: Person) -> bool:
    """The person asked; for a question to the whole group, any active member."""
    if run.person_id is not None:
        return run.person_id == person.id
    committee = await session.get(Committee, run.committee_id)
    return (
        committee is not None
        and await committees.membership(session, committee, person) is not None
    )


def reply_of(message: Message) -> Reply:
    """What a message says as an answer: its text or caption, and any file or photo."""
    text = message.text or message.caption or ""
    if message.document is not None:
        name = message.document.file_name or "archivo"
        return Reply(text=text, file=FileRef("documento", message.document.file_id, name))
    if message.photo:
        return Reply(text=text, file=FileRef("foto", message.photo[-1].file_id, "foto"))
    return Reply(text=text)


async def take_answer(
    bot: Bot,
    session: AsyncSession,
    run: FlowRun,
    reply: Reply,
    person: Person,
    *,
    now: datetime,
    tz: tzinfo,
    reply_to: int | None,
) -> Outcome:
    """Store one answer and say what comes next: the next question, a hint, or the end."""
    before = await engine.current_ask(session, run, now=now, tz=tz)
    step = run.step
    outcome = await engine.answer(session, run, reply, person=person, now=now, tz=tz)
    in_group = not engine.is_private(run.chat_id)
    if outcome.kind == "repetir" and outcome.ask is not None and outcome.parsed is not None:
        await send_ask(bot, session, outcome.ask, now=now, reply_to=reply_to,
                       problem=outcome.parsed.problem)  # fmt: skip
    elif outcome.kind == "abierta" and outcome.ask is not None:
        await send_ask(bot, session, outcome.ask, now=now, reply_to=reply_to,
                       template="flujo_abierta")  # fmt: skip
        await _tell_coordinators(bot, session, outcome.ask)
    elif outcome.answer is not None and before is not None:
        await _close_buttons(bot, session, run.id, step, before.text, outcome.answer.display or "",
                             person if in_group else None)  # fmt: skip
    if outcome.kind == "siguiente" and outcome.ask is not None:
        await send_ask(bot, session, outcome.ask, now=now, reply_to=reply_to)
    elif outcome.kind == "terminado" and outcome.answer is not None:
        closing = Markup(outcome.closing) if outcome.closing else None
        await say(bot, run.chat_id, "flujo_terminado", reply_to, notas=outcome.notes,
                  cierre=closing, corregir=True)  # fmt: skip
    elif outcome.kind == "corregido" and outcome.answer is not None and before is not None:
        await say(bot, run.chat_id, "flujo_corregido", reply_to, pregunta=Markup(before.text),
                   antes=outcome.previous.display if outcome.previous else "",
                   ahora=outcome.answer.display or "", notas=outcome.notes)  # fmt: skip
        if outcome.ask is not None:
            await send_ask(bot, session, outcome.ask, now=now)
    if outcome.released is not None:
        await ask_current(bot, session, outcome.released, now=now, tz=tz)
    elif outcome.kind in ("terminado", "corregido") and engine.is_private(run.chat_id):
        # Another flow was left waiting here (the person started this one meanwhile): its
        # question again, so the next message has an obvious home.
        waiting = await engine.waiting_in(session, run.chat_id, person.id)
        if waiting is not None and waiting.id != run.id and outcome.ask is None:
            await ask_current(bot, session, waiting, now=now, tz=tz)
    return outcome


async def _close_buttons(
    bot: Bot,
    session: AsyncSession,
    run_id: int,
    step: int,
    question: str,
    answer: str,
    person: Person | None,
) -> None:
    """The question was answered: its buttons go, and the message shows the answer."""
    sent = list(
        await session.scalars(
            select(FlowMessage).where(
                FlowMessage.run_id == run_id, FlowMessage.step == step, FlowMessage.has_buttons
            )
        )
    )
    text = split_message(render("flujo_respondida", pregunta=Markup(question), respuesta=answer,
                                persona=person))[0]  # fmt: skip
    for message in sent:
        message.has_buttons = False
        # Too old to edit, or deleted: the answer is stored all the same.
        with contextlib.suppress(TelegramError):
            await bot.edit_message_text(
                text, chat_id=message.chat_id, message_id=message.message_id,
                parse_mode=ParseMode.HTML, disable_web_page_preview=True,
            )  # fmt: skip


async def _tell_coordinators(bot: Bot, session: AsyncSession, ask: Ask) -> None:
    """Three tries and still no answer: the coordinación hears of it, privately if it can."""
    run = ask.run
    committee = await session.get(Committee, run.committee_id)
    if committee is None:
        return
    members = await committees.members(session, committee)
    chosen = [m.person for m in members
              if m.role == Role.COORDINADOR.value and m.person_id != run.person_id]  # fmt: skip
    values = {"persona": ask.person, "flujo": ask.flow.name, "comite": committee,
              "intentos": ask.flow.max_attempts, "pregunta": Markup(ask.text)}  # fmt: skip
    in_group = []
    for coordinador in chosen:
        if coordinador.reachable_privately:
            await say(bot, coordinador.telegram_id, "flujo_aviso_coordinador", None,
                       coordinadores=[], **values)  # fmt: skip
        else:
            in_group.append(coordinador)
    if in_group and committee.active:
        await say(bot, committee.chat_id, "flujo_aviso_coordinador", None,
                   coordinadores=in_group, **values)  # fmt: skip


async def _alert(update: Update, motivo: str) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(render("flujo_alerta", motivo=motivo), show_alert=True)


async def on_press(update: Update, context: Context) -> None:
    """A button under a flow question: the answer, or «Omitir»."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    parts = callbacks.decode(query.data, ANSWER, 3)
    run_id, step = (
        (callbacks.decode_int(parts[0]), callbacks.decode_int(parts[1])) if parts else (None, None)
    )
    choice = parts[2] if parts else ""
    index = callbacks.decode_int(choice) if choice != "o" else None
    message = query.message
    if run_id is None or step is None or message is None or (choice != "o" and index is None):
        await _alert(update, "invalido")
        return
    svc = context.services
    now, tz = context.now(), svc.settings.zone
    async with svc.transaction() as session:
        run = await session.get(FlowRun, run_id)
        # Looked up, not created: a stranger pressing a forged button leaves no trace.
        person = await session.scalar(select(Person).where(Person.telegram_id == user.id))
        problem = (
            "invalido" if run is None or run.chat_id != message.chat.id
            else "ajena" if person is None or not await may_answer(session, run, person)
            else "cerrada" if run.status != RunStatus.ESPERANDO.value
            else "vieja" if run.step != step
            else None
        )  # fmt: skip
        ask = None
        if problem is None and run is not None:
            ask = await engine.current_ask(session, run, now=now, tz=tz)
        if run is not None and ask is not None and person is not None:
            # The data names a button this question really has, or it is forged.
            valid = (
                ask.skippable if choice == "o" else index is not None and index < len(ask.choices)
            )
            problem = None if valid else "invalido"
            if valid:
                reply = Reply(skip=True) if choice == "o" else Reply(choice=index)
                await take_answer(context.bot, session, run, reply, person, now=now, tz=tz,
                                  reply_to=None)  # fmt: skip
    if problem is not None:
        await _alert(update, problem)
        return
    await query.answer()


async def on_reply(update: Update, context: Context) -> None:
    """A reply to one of the bot's flow questions: the answer to that run."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or message.reply_to_message is None:
        return
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    svc = context.services
    now, tz = context.now(), svc.settings.zone
    async with svc.transaction() as session:
        sent = await session.scalar(
            select(FlowMessage).where(
                FlowMessage.chat_id == chat.id, FlowMessage.message_id == replied.message_id
            )
        )
        if sent is None:
            return  # not a flow question: another feature's, or nobody's
        run = await session.get(FlowRun, sent.run_id)
        person = await committees.upsert_person(session, person_info(user), now=now)
        if run is not None and await may_answer(session, run, person):
            reply_to = message.message_id if is_group(chat) else None
            if run.status != RunStatus.ESPERANDO.value or run.step != sent.step:
                await say(context.bot, chat.id, "flujo_pregunta_vieja", reply_to,
                           cerrada=run.status != RunStatus.ESPERANDO.value)  # fmt: skip
            else:
                await take_answer(context.bot, session, run, reply_of(message), person,
                                  now=now, tz=tz, reply_to=reply_to)  # fmt: skip
    raise ApplicationHandlerStop


async def on_private(update: Update, context: Context) -> None:
    """A message in a private chat where a flow waits for this person: the answer."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or chat.type != chat.PRIVATE:
        return
    svc = context.services
    now, tz = context.now(), svc.settings.zone
    async with svc.transaction() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == user.id))
        run = await engine.waiting_in(session, chat.id, person.id) if person else None
        question = await engine.question_of(session, run) if run else None
        if run is None or question is None or person is None:
            return
        reply = reply_of(message)
        if reply.file is not None and question.type != "archivo":
            return  # a file while the question wants words: meant for something else
        await take_answer(context.bot, session, run, reply, person, now=now, tz=tz, reply_to=None)
    raise ApplicationHandlerStop

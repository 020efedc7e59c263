"""Commands around flows: /avance, /corregir, /flujos, a coordinador's flow file, start buttons.

A flow file comes with the caption `/flujo` (in the group, where privacy mode shows the bot
captions that are commands, or privately). It is handled in group -1 and then stops, because a
private .yaml file would otherwise also look like a plan de acción to the plan import.
"""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from gelbot.domain import committees
from gelbot.flows import engine, loader
from gelbot.flows.engine import START_BUTTON, Subject
from gelbot.flows.loader import MAX_FILE_BYTES, FlowError
from gelbot.flows.schema import Flow
from gelbot.models import Committee, Compromiso, Membership, Person, Role
from gelbot.models.flows import FlowAnswer, RunStatus
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, is_group, person_info, raw_args, reply
from gelbot.telegram.flow_questions import ask_current, say
from gelbot.telegram.place import locate
from gelbot.texts import render

CORRECT = "flc"  # flc:<answer id>
MAX_LISTED = 8
FLOW_CAPTION = re.compile(r"^/flujos?(?:@(\w+))?(?:\s+(\S+))?", re.IGNORECASE)


# --- /avance -------------------------------------------------------------------------------------


async def avance(update: Update, context: Context) -> None:
    """/avance <texto>: report progress; the bot asks what it belongs to, then keeps it."""
    text = raw_args(update)
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    if not text:
        await reply(update, context, "flujo_avance_uso")
        return
    svc = context.services
    now, tz = context.now(), svc.settings.zone
    async with svc.transaction() as session:
        place = await locate(update, context, session, "avance")
        if place is None:
            return
        if place.member is None:
            await reply(update, context, "flujo_solo_miembros")
            return
        found = await loader.started_by(session, place.committee, now, command="avance")
        started = None
        if found:
            started = await engine.start_flow(
                session, loaded=found[0], committee=place.committee, person=place.person,
                chat_id=chat.id, subject=Subject(), now=now, tz=tz, trigger="comando:avance",
                started_by=place.person, prefill={found[0].flow.questions[0].id: text},
                queue=False, replace=True,
            )  # fmt: skip
        if started is None:
            await reply(update, context, "flujo_no_disponible", error=None)
            return
        run = started[0]
        if run.status == RunStatus.ESPERANDO.value:
            reply_to = message.message_id if is_group(chat) else None
            await ask_current(context.bot, session, run, now=now, tz=tz, reply_to=reply_to)
        else:
            await say(context.bot, chat.id, "flujo_terminado", None,
                      notas=engine.run_notes(run), cierre=None, corregir=True)  # fmt: skip


# --- /corregir -----------------------------------------------------------------------------------


async def corregir(update: Update, context: Context) -> None:
    """List the person's answers of this period, each with a button to correct it."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    svc = context.services
    now, tz = context.now(), svc.settings.zone
    async with svc.transaction() as session:
        person = await committees.upsert_person(session, person_info(user), now=now)
        if is_group(chat):
            committee = await committees.committee_for_chat(session, chat.id)
            where = [committee] if committee is not None else []
        else:
            where = [c for c, _ in await committees.committees_of(session, person) if c.active]
        found = await engine.correctable(session, person, where, now, tz)
        if not found:
            await reply(update, context, "flujo_corregir_nada")
            return
        listed, buttons = [], []
        for number, answer in enumerate(found[:MAX_LISTED], start=1):
            flow_name, question = await engine.describe_answer(session, answer, now=now, tz=tz)
            listed.append(
                {
                    "flujo": flow_name,
                    "pregunta": question,
                    "respuesta": answer.display or "",
                    "fecha": answer.answered_at.astimezone(tz).date(),
                }
            )
            label = f"{number}. {(answer.display or '')[:30]}"
            data = callbacks.encode(CORRECT, answer.id)
            buttons.append([InlineKeyboardButton(label, callback_data=data)])
    await reply(
        update, context, "flujo_corregir_lista", reply_markup=InlineKeyboardMarkup(buttons),
        persona=person, grupo=is_group(chat), respuestas=listed,
        mas=max(len(found) - MAX_LISTED, 0),
    )  # fmt: skip


async def choose_correction(update: Update, context: Context) -> None:
    """A /corregir button: ask that question again; the new answer replaces the old one."""
    pressed = await callbacks.read(update, CORRECT, 1, ids=1, on_message=True)
    if pressed is None:
        return
    query, user, message, (answer_id,) = pressed.query, pressed.user, pressed.message, pressed.ids
    svc = context.services
    now, tz = context.now(), svc.settings.zone
    problem = None
    async with svc.transaction() as session:
        person = await committees.upsert_person(session, person_info(user), now=now)
        answer = await session.get(FlowAnswer, answer_id)
        committee = await session.get(Committee, answer.committee_id) if answer else None
        if answer is None or committee is None or answer.person_id != person.id:
            problem = "respuesta_ajena"
        elif message.chat.id not in (committee.chat_id, person.telegram_id):
            problem = "invalido"
        elif answer.id not in {a.id for a in await engine.correctable(
            session, person, [committee], now, tz
        )}:  # fmt: skip
            problem = "ya_corregida"
        else:
            run = await engine.start_correction(session, answer, person, message.chat.id, now)
            await ask_current(context.bot, session, run, now=now, tz=tz)
    if problem is not None:
        await _alert(update, problem)
        return
    await query.answer()


async def _alert(update: Update, motivo: str) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(render("flujo_alerta", motivo=motivo), show_alert=True)


# --- buttons that start a flow -------------------------------------------------------------------


async def _may_start(
    session: AsyncSession, flow: Flow, committee: Committee, member: Membership, subject: Subject
) -> bool:
    """Whoever the flow asks may start it from a button; a coordinador always may."""
    if member.role == Role.COORDINADOR.value:
        return True
    if flow.asks.who == "roles":
        return member.role in flow.asks.roles
    if flow.asks.who == "responsable":
        found = await session.get(Compromiso, subject.id or 0)
        return found is not None and found.owner_membership_id == member.id
    return True


async def start_from_button(update: Update, context: Context) -> None:
    """A «Responder» button (engine.start_button_data): start that flow for whoever pressed."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    parts = callbacks.decode(query.data, START_BUTTON, 3)
    committee_id = callbacks.decode_int(parts[0]) if parts else None
    subject = Subject.decode(parts[2]) if parts else None
    message = query.message
    if parts is None or committee_id is None or subject is None or message is None:
        await _alert(update, "invalido")
        return
    svc = context.services
    now, tz = context.now(), svc.settings.zone
    problem = None
    async with svc.transaction() as session:
        person = await committees.upsert_person(session, person_info(user), now=now)
        committee = await session.get(Committee, committee_id)
        member = await committees.membership(session, committee, person) if committee else None
        source = (await loader.sources(session, committee)).get(parts[1]) if committee else None
        if committee is None or source is None or not source.flow.starts.button:
            problem = "invalido"
        elif member is None or message.chat.id not in (committee.chat_id, person.telegram_id):
            problem = "miembros"
        elif subject.kind != source.flow.subject or not await _may_start(
            session, source.flow, committee, member, subject
        ):
            problem = "ajena" if subject.kind == source.flow.subject else "invalido"
        else:
            loaded = await loader.materialize(session, source, now)
            started = await engine.start_flow(
                session, loaded=loaded, committee=committee, person=person,
                chat_id=message.chat.id, subject=subject, now=now, tz=tz,
                trigger=f"boton:{loaded.flow.id}", started_by=person, queue=False,
            )  # fmt: skip
            if started is None:
                problem = "cerrada"
            elif started[0].status == RunStatus.EN_COLA.value:
                await say(context.bot, message.chat.id, "flujo_en_cola", None,
                          flujo=loaded.flow.name)  # fmt: skip
            else:
                await ask_current(context.bot, session, started[0], now=now, tz=tz)
    if problem is not None:
        await _alert(update, problem)
        return
    await query.answer()


# --- /flujos and flow files ----------------------------------------------------------------------


async def list_flows(update: Update, context: Context) -> None:
    """/flujos: the conversations this committee uses, and how to change one."""
    svc = context.services
    async with svc.transaction() as session:
        place = await locate(update, context, session, "flujos")
        if place is None:
            return
        rows = await loader.committee_flows(session, place.committee)
    flujos = [{"id": s.flow.id, "nombre": s.flow.name, "version": v} for s, v in rows]
    await reply(update, context, "flujo_lista", comite=place.committee, flujos=flujos)


async def receive_flow_file(update: Update, context: Context) -> None:
    """A YAML flow with the caption /flujo: validate it and keep it as the committee's version."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or message.document is None:
        return
    caption = FLOW_CAPTION.match(message.caption or "")
    bot_name = (context.bot.username or "").lower()
    if caption is None or (caption.group(1) and caption.group(1).lower() != bot_name):
        return
    document = message.document
    name = document.file_name or "flujo.yaml"
    svc = context.services
    async with svc.transaction() as session:
        committee_id, person_id = await _upload_target(update, context, session, caption.group(2))
    if committee_id is None or person_id is None:
        raise ApplicationHandlerStop
    values: dict[str, object] = {"nombre": name, "limite": MAX_FILE_BYTES // 1024}
    text = await _download(context, document.file_id, document.file_size or 0, name, values)
    if text is not None:
        async with svc.transaction() as session:
            committee = await session.get(Committee, committee_id)
            person = await session.get(Person, person_id)
            assert committee is not None and person is not None
            try:
                row, new = await loader.save_committee_flow(
                    session, committee, text, name, person, context.now()
                )
                values |= {"flujo": loader.parse_flow(text, name), "version": row.version,
                           "nuevo": new, "comite": committee, "error": None}  # fmt: skip
            except FlowError as error:
                values["error"] = str(error)
    await reply(update, context, "flujo_archivo", reply_markup=None, **values)
    raise ApplicationHandlerStop


async def _upload_target(
    update: Update, context: Context, session: AsyncSession, named: str | None
) -> tuple[int | None, int | None]:
    """(committee id, person id) a flow file is for, once the sender may change its flows."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    person = await committees.upsert_person(session, person_info(user), now=context.now())
    if is_group(chat):
        place = await locate(update, context, session, "flujo")
        options = [place.committee] if place and place.member and _coordinates(place.member) else []
        if place is None:
            return None, None
    else:
        options = [c for c, m in await committees.committees_of(session, person)
                   if c.active and _coordinates(m)]  # fmt: skip
        if named and named.isdigit():
            options = [c for c in options if str(c.id) == named]
        if len(options) > 1:
            await reply(update, context, "privado_varios", command="flujo")
            return None, None
    if not options:
        await reply(update, context, "flujo_solo_coordinador")
        return None, None
    return options[0].id, person.id


def _coordinates(member: Membership) -> bool:
    return member.active and member.role == Role.COORDINADOR.value


async def _download(
    context: Context, file_id: str, size: int, name: str, values: dict[str, object]
) -> str | None:
    """The file's text, or None with values["error"] saying why."""
    if not name.lower().endswith((".yaml", ".yml", ".txt")):
        values["error"] = "formato"
        return None
    if size > MAX_FILE_BYTES:
        values["error"] = "grande"
        return None
    try:
        data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    except TelegramError:
        values["error"] = "descarga"
        return None
    if len(data) > MAX_FILE_BYTES:
        values["error"] = "grande"
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        values["error"] = "formato"
        return None

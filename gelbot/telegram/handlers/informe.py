"""/informe: the coordinador reviews the rows compiled from the record, then gets the documents.

`/informe [semestral|trimestral] [desde] [hasta]` (in the group, or in private) compiles the
period's informe and shows its rows a page at a time, each under 4096 characters, with buttons
to leave a row out («Quitar» / «Incluir»), edit its RESULTADOS, ACCIÓN or FECHA («Editar»),
add a row by hand, merge rows (ForceReply questions, gelbot.telegram.handlers.informe_edit),
turn pages (‹ ›) and «Generar documento», which sends DOCX, PDF and Markdown. When the
period is still running the review says so. `/informe datos …` sets the entity's data for the
cover and signatures (gelbot.telegram.handlers.informe_datos).
What the coordinador decides is stored (gelbot.informe.drafts), so a restart loses nothing.
Every press re-checks the committee, the chat and that the presser coordinates it, since
callback data comes from the client.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User

from gelbot.domain import committees, pending_prompts
from gelbot.domain.committees import DomainError
from gelbot.domain.informe_periods import PeriodRequest, parse_request, resolve
from gelbot.domain.meetings import local_today
from gelbot.informe import drafts
from gelbot.informe.compile import informe_settings
from gelbot.informe.document import InformeDocument
from gelbot.models import Committee, InformeDraft, Person
from gelbot.services import Services
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, edit, is_group, person_info, raw_args, reply, send
from gelbot.telegram.handlers import informe_datos, informe_edit
from gelbot.telegram.handlers.informe_review import (
    REVIEW,
    current,
    redraw,
    review_page,
    send_documents,
)
from gelbot.texts import render

CHOOSE = "inc"  # inc:<committee id>  which committee a private /informe is about
CHOOSE_KIND = "informe_comite"  # PendingPrompt: a private /informe waiting for its committee


_is_coordinador = informe_edit.coordinates


# --- /informe --------------------------------------------------------------------------------


async def informe(update: Update, context: Context) -> None:
    """Compile the informe of a period and show its rows for review (coordinadores only)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    args = raw_args(update)
    head = args.split(maxsplit=1)[0] if args.split() else ""
    if head.lower().strip(":") == "datos":
        await informe_datos.datos(update, context, args[len("datos") :].strip(" :"))
        return
    svc = context.services
    async with svc.transaction() as session:
        person = await committees.upsert_person(session, person_info(user), now=context.now())
        if is_group(chat):
            committee = await committees.committee_for_chat(session, chat.id)
            if committee is None or not committee.active:
                await reply(update, context, "grupo_sin_comite")
                return
            member = await committees.membership(session, committee, person)
            coordinated = [committee] if _is_coordinador(committee, member) else []
        else:
            coordinated = [
                c for c, m in await committees.committees_of(session, person)
                if _is_coordinador(c, m)
            ]  # fmt: skip
        if not coordinated:
            await reply(update, context, "informe_solo_coordinador", privado=not is_group(chat))
            return
        # Read the period before asking anything else, so a typo is answered at once.
        try:
            request = parse_request(args)
        except DomainError as error:
            await reply(update, context, error.code, **error.details)
            return
        if len(coordinated) == 1:
            await _open_review(update, context, session, coordinated[0], person, request)
            return
        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(c.entity_name[:60],
                                      callback_data=callbacks.encode(CHOOSE, c.id))]
                for c in coordinated[:20]
            ]
        )  # fmt: skip
        question = await reply(update, context, "informe_elegir_comite", reply_markup=keyboard)
        await pending_prompts.remember(
            session, chat_id=chat.id, message_id=question.message_id, person_id=person.id,
            kind=CHOOSE_KIND, data={"args": args}, now=context.now(),
        )  # fmt: skip


async def _open_review(
    update: Update, context: Context, session: AsyncSession, committee: Committee,
    person: Person, request: PeriodRequest,
) -> None:  # fmt: skip
    svc = context.services
    now = context.now()
    settings = await informe_settings(session, committee)
    try:
        period = resolve(
            request, committee_months=committee.informe_months,
            start_month=committee.informe_start_month, today=context.today(),
            starts=settings.period_starts if settings else (),
            lived_from=local_today(committee.created_at, svc.settings.zone),
        )  # fmt: skip
    except DomainError as error:
        await reply(update, context, error.code, **error.details)
        return
    draft = await drafts.open_draft(session, committee, period, person=person, now=now)
    doc, rows = await current(session, svc, committee, draft)
    shown = review_page(committee, draft, rows, 0, running=not doc.final)
    await reply(update, context, "informe_revision", reply_markup=shown.keyboard, **shown.values)


async def choose_committee(update: Update, context: Context) -> None:
    """A button under "¿de cuál comité?": review that committee's informe here."""
    pressed = await callbacks.read(update, CHOOSE, 1, ids=1, on_message=True)
    if pressed is None:
        return
    query, message, (committee_id,) = pressed.query, pressed.message, pressed.ids
    svc = context.services
    async with svc.transaction() as session:
        prompt = await pending_prompts.find(session, message.chat.id, message.message_id)
        person = await committees.upsert_person(
            session, person_info(pressed.user), now=context.now()
        )
        if prompt is None or prompt.kind != CHOOSE_KIND or prompt.person_id != person.id:
            await _alert(update, "resuelto")
            return
        committee = await session.get(Committee, committee_id)
        member = await committees.membership(session, committee, person) if committee else None
        if committee is None or not _is_coordinador(committee, member):
            await _alert(update, "permiso")
            return
        args = str((prompt.data or {}).get("args", ""))
        await pending_prompts.resolve(session, prompt)
        await query.answer()
        await edit(update, "informe_elegido", committee=committee)
        try:
            request = parse_request(args)
        except DomainError as error:  # read when asked; only a change of format lands here
            await send(context, message.chat.id, error.code, **error.details)
            return
        await _open_review(update, context, session, committee, person, request)


# --- buttons on the review -------------------------------------------------------------------


async def _alert(update: Update, motivo: str) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(render("informe_alerta", motivo=motivo), show_alert=True)


@dataclass
class Press:
    """A button press on a review, checked: the draft, its committee and the coordinador."""

    draft: InformeDraft
    committee: Committee
    person: Person
    message: Message


async def _checked(
    update: Update, context: Context, session: AsyncSession, draft_id: int
) -> Press | None:
    """The press, if the draft exists, belongs to this chat, and the presser coordinates it."""
    query = update.callback_query
    assert query is not None
    user: User = query.from_user
    message = query.message
    draft = await drafts.get_draft(session, draft_id)
    committee = await session.get(Committee, draft.committee_id) if draft else None
    if draft is None or committee is None or not isinstance(message, Message):
        await _alert(update, "invalido")
        return None
    chat = message.chat
    # The committee's group, or the private chat of the one pressing (a review asked there).
    if chat.id != committee.chat_id and not (chat.type == chat.PRIVATE and chat.id == user.id):
        await _alert(update, "chat")
        return None
    person = await committees.upsert_person(session, person_info(user), now=context.now())
    member = await committees.membership(session, committee, person)
    if not _is_coordinador(committee, member):
        await _alert(update, "permiso")
        return None
    return Press(draft, committee, person, message)


async def press(update: Update, context: Context) -> None:
    """A review button: leave a row out or back in, rewrite it, turn the page, or generate."""
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, REVIEW, 4)
    numbers = [callbacks.decode_int(parts[i]) for i in (0, 2, 3)] if parts else []
    if parts is None or None in numbers or parts[1] not in {"x", "w", "p", "g", "a", "u"}:
        await _alert(update, "invalido")
        return
    draft_id, index, page = (int(n or 0) for n in numbers)
    op = parts[1]
    svc = context.services
    async with svc.transaction() as session:
        found = await _checked(update, context, session, draft_id)
        if found is None:
            return
        if op == "g":
            final = await _generated(session, svc, found)
        else:
            await _edit_review(update, context, session, found, op, index, page)
            return
    await query.answer(render("informe_alerta", motivo="generando"))
    await send_documents(context, found.message.chat.id, final)


async def _edit_review(
    update: Update, context: Context, session: AsyncSession, found: Press, op: str, index: int,
    page: int,
) -> None:  # fmt: skip
    """Quitar/Incluir (x) and page turns (p) redraw the review; Editar (w), Agregar fila (a)
    and Unir filas (u) ask."""
    query = update.callback_query
    assert query is not None
    svc = context.services
    key = drafts.key_at(found.draft, index)
    if op in {"x", "w"} and key is None:
        await _alert(update, "invalido")
        return
    doc, rows = await current(session, svc, found.committee, found.draft)
    row = next((r for r in rows if r.index == index), None)
    if op in {"x", "w"} and row is None:
        await _alert(update, "fila")
        return
    if op in {"w", "a", "u"}:
        kinds = {"w": informe_edit.REWRITE_KIND, "a": informe_edit.ADD_KIND,
                 "u": informe_edit.MERGE_KIND}  # fmt: skip
        await informe_edit.ask_about(
            context, session, found.message.chat.id, kinds[op], person=found.person,
            draft=found.draft, reply_to=found.message.message_id, r=row,
            data={"index": index, "page": page, "message_id": found.message.message_id},
        )  # fmt: skip
        await query.answer()
        return
    if op == "x" and key is not None:
        await drafts.toggle_excluded(session, found.draft, key, found.person, context.now())
        doc, rows = await current(session, svc, found.committee, found.draft)
    shown = review_page(
        found.committee, found.draft, rows, index if op == "p" else page, running=not doc.final
    )
    await query.answer()
    await redraw(context, found.message.chat.id, found.message.message_id, shown)


async def _generated(session: AsyncSession, svc: Services, found: Press) -> InformeDocument:
    """The informe as reviewed, compiled afresh; the draft remembers who generated it."""
    doc, edits, manual = await drafts.prepared(
        session, found.committee, found.draft, now=svc.clock.now(), tz=svc.settings.zone
    )
    found.draft.generated_at = svc.clock.now()
    found.draft.generated_by_id = found.person.id
    return drafts.edited(doc, edits, manual)


# Replies to the informe's questions, passed here by the prompt router (group 2).
ANSWERS = {**informe_edit.ANSWERS, **informe_datos.ANSWERS}

"""The informe review's questions: edit a row, add a row by hand, merge rows.

Each is a ForceReply question (pending_prompts) answered by a reply the prompt router passes
here. «Editar N» changes RESULTADOS, or ACCIÓN / FECHA when the answer starts with «acción:» /
«fecha:»; «➕ Agregar fila» takes ACCIÓN, RESULTADOS and FECHA on three lines; «🔗 Unir filas»
takes the rows' numbers, the first receiving the others. A wrong answer is explained and the
question asked again; every answer redraws the review in place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from gelbot.domain import committees, pending_prompts
from gelbot.domain.committees import DomainError
from gelbot.informe import drafts
from gelbot.informe.edits import field_and_text, parse_manual_row
from gelbot.models import Committee, InformeDraft, Membership, PendingPrompt, Person, Role
from gelbot.telegram.common import Context, reply
from gelbot.telegram.handlers.informe_review import current, redraw, review_page
from gelbot.telegram.prompts import ask

REWRITE_KIND = "informe_resultado"  # PendingPrompt: a row waiting for its new text
ADD_KIND = "informe_fila"  # PendingPrompt: a hand-added row waiting for its text
MERGE_KIND = "informe_unir"  # PendingPrompt: the numbers of the rows to merge
PLACEHOLDERS = {
    REWRITE_KIND: "El nuevo texto (o «fecha: …», «acción: …»)",
    ADD_KIND: "ACCIÓN, RESULTADOS y FECHA, en tres líneas",
    MERGE_KIND: "Los números de las filas, ej. 3 4",
}
TEMPLATES = {REWRITE_KIND: "informe_pide_resultado", ADD_KIND: "informe_pide_fila",
             MERGE_KIND: "informe_pide_unir"}  # fmt: skip


def coordinates(committee: Committee, member: Membership | None) -> bool:
    return (
        committee.active
        and member is not None
        and member.active
        and member.role == Role.COORDINADOR.value
    )


async def ask_about(
    context: Context, session: AsyncSession, chat_id: int, kind: str, *, person: Person,
    draft: InformeDraft, data: dict[str, Any], reply_to: int, **values: Any,
) -> None:  # fmt: skip
    """Ask one of the review's questions (again, with what was wrong, when `values` say so)."""
    await ask(
        context, session, chat_id, TEMPLATES[kind], person=person, kind=kind,
        subject_id=draft.id, data=data, reply_to=reply_to, placeholder=PLACEHOLDERS[kind],
        **values,
    )  # fmt: skip


async def _answer(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> None:
    """A reply to one of the review's questions: store what it says and redraw the review."""
    message = update.effective_message
    assert message is not None
    svc = context.services
    now = context.now()
    draft = await drafts.get_draft(session, prompt.subject_id or 0)
    committee = await session.get(Committee, draft.committee_id) if draft else None
    member = await committees.membership(session, committee, person) if committee else None
    data = dict(prompt.data or {})
    if draft is None or committee is None:
        await pending_prompts.resolve(session, prompt)
        return
    if not coordinates(committee, member):
        await pending_prompts.resolve(session, prompt)
        await reply(update, context, "informe_solo_coordinador", privado=False)
        return
    text = message.text or message.caption or ""
    _, rows = await current(session, svc, committee, draft)
    row = None
    try:
        if prompt.kind == REWRITE_KIND:
            index = int(data.get("index", -1))
            key = drafts.key_at(draft, index)
            row = next((r for r in rows if r.index == index), None)
            if key is None or row is None:
                await pending_prompts.resolve(session, prompt)
                await reply(update, context, "informe_alerta", motivo="fila")
                return
            campo, value = field_and_text(text)
            restored = await drafts.rewrite(session, draft, key, value, person, now, campo)
            done: dict[str, Any] = {"hecho": "editada", "number": row.number, "campo": campo,
                                    "restored": restored}  # fmt: skip
        elif prompt.kind == ADD_KIND:
            accion, resultado, fecha = parse_manual_row(text)
            await drafts.add_row(session, draft, accion, resultado, fecha, person, now)
            done = {"hecho": "agregada", "accion": accion}
        else:
            keys = drafts.merge_keys(draft, rows, text)
            await drafts.merge(session, draft, keys, person, now)
            numbers = [r.number for k in keys for r in rows if draft.row_keys[r.index] == k]
            done = {"hecho": "unidas", "numbers": numbers}
    except DomainError as error:
        await pending_prompts.resolve(session, prompt)
        await ask_about(
            context, session, prompt.chat_id, prompt.kind, person=person, draft=draft, data=data,
            reply_to=message.message_id, r=row, **error.details,
        )  # fmt: skip
        return
    await pending_prompts.resolve(session, prompt)
    await reply(update, context, "informe_reescrita", **done)
    doc, rows = await current(session, svc, committee, draft)
    shown = review_page(committee, draft, rows, int(data.get("page", 0)), running=not doc.final)
    await redraw(context, prompt.chat_id, int(data.get("message_id", 0)), shown)


# Replies to the review's questions, passed here by the prompt router (group 2).
ANSWERS = {REWRITE_KIND: _answer, ADD_KIND: _answer, MERGE_KIND: _answer}

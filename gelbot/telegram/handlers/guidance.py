"""Nobody is left in silence: typos of commands, private small talk, mentions in the group.

Handler order (gelbot/app.py): these run LAST in group 0, so every real command, button and
flow answer has already had its turn. In a group they answer only what is addressed to the
bot — a command, a mention — never plain chatter. A reply to one of the bot's pending
questions is left to the reply router (group 2), which answers it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, MessageEntity, Update

from gelbot.domain import committees as domain
from gelbot.domain import pending_prompts, sitio_web
from gelbot.domain.spanish import normalize, parse_number, parse_yes_no
from gelbot.models import Committee, Membership, PendingPrompt, Person, Role
from gelbot.reminders.dispatcher import NAG_PROMPT
from gelbot.telegram.commands import nearest
from gelbot.telegram.common import Context, is_group, person_info, reply
from gelbot.telegram.handlers.reminders import answer_nag_reply

# Words that say what a lost person is asking about, and the /ayuda section that answers it.
TOPICS = {
    "Reuniones": ("reunion", "reuniones", "acta", "convocatoria", "decision"),
    "Compromisos": ("compromiso", "compromisos", "tarea", "tareas", "pendiente", "pendientes"),
    "Plan de acción e indicadores": ("plan", "indicador", "indicadores", "meta", "metas"),
    "Fases y criterios": ("fase", "fases", "criterio", "criterios"),
    "Recordatorios": ("recordatorio", "recordatorios", "vacaciones", "aviso", "avisos"),
    "Informe": ("informe", "avance", "reporte"),
}


def _topics(text: str) -> list[str]:
    words = set(normalize(text).replace("¿", " ").replace("?", " ").split())
    return [topic for topic, keys in TOPICS.items() if words & set(keys)]


async def unknown_command(update: Update, context: Context) -> None:
    """A command gelbot does not have: name the nearest real one."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    first, _, rest = message.text.partition(" ")
    word, _, addressee = first[1:].partition("@")
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return  # another bot's command in a shared group
    meant = nearest(word)
    await reply(update, context, "comando_desconocido", escrito=first, sugerido=meant,
                resto=rest.strip())  # fmt: skip


async def _answers_a_prompt(session: AsyncSession, message: Message) -> bool:
    """The message replies to one of the bot's pending questions (the reply router's)."""
    replied = message.reply_to_message
    return (
        replied is not None
        and await pending_prompts.find(session, message.chat.id, replied.message_id) is not None
    )


async def _orphan_nag(session: AsyncSession, person: Person) -> PendingPrompt | None:
    """The weekly site question asked of this person in a group and still unanswered."""
    found = await session.scalars(
        select(PendingPrompt)
        .where(PendingPrompt.person_id == person.id, PendingPrompt.kind == NAG_PROMPT)
        .order_by(PendingPrompt.created_at.desc())
    )
    for prompt in found:
        week = (prompt.data or {}).get("semana")
        if prompt.subject_id is None or not week:
            continue
        if await sitio_web.reading(session, prompt.subject_id, date.fromisoformat(week)) is None:
            return prompt
    return None


async def private_text(update: Update, context: Context) -> None:
    """Private words that answer nothing: what this chat is for and what to do now."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc = context.services
    async with svc.transaction() as session:
        if await _answers_a_prompt(session, message):
            return
        person = await domain.upsert_person(session, person_info(user), now=context.now())
        person.private_chat_open, person.private_blocked = True, False
        nag = await _orphan_nag(session, person)
        text = message.text or ""
        if nag is not None and (parse_number(text) is not None or parse_yes_no(text) is False):
            # The question went to the group; the answer came here. It is still the answer.
            await answer_nag_reply(update, context, session, nag, person)
            return
        await _orient(update, context, session, person, text, nag=nag)


async def mention(update: Update, context: Context) -> None:
    """The bot named in a group message: the same orientation, in the group."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not _mentions_bot(message, context):
        return
    svc = context.services
    async with svc.transaction() as session:
        if await _answers_a_prompt(session, message):
            return
        person = await domain.upsert_person(session, person_info(user), now=context.now())
        await _orient(update, context, session, person, message.text or "", nag=None)


def _mentions_bot(message: Message, context: Context) -> bool:
    name = f"@{context.bot.username}".lower()
    for entity, text in message.parse_entities(
        [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    ).items():
        if entity.type == MessageEntity.MENTION and text.lower() == name:
            return True
        if entity.user is not None and entity.user.id == context.bot.id:
            return True
    return False


async def _orient(
    update: Update,
    context: Context,
    session: AsyncSession,
    person: Person,
    text: str,
    *,
    nag: PendingPrompt | None,
) -> None:
    chat = update.effective_chat
    in_group = is_group(chat)
    mine: list[tuple[Committee, Membership]]
    if in_group and chat is not None:
        committee = await domain.committee_for_chat(session, chat.id)
        member = await domain.membership(session, committee, person) if committee else None
        mine = [(committee, member)] if committee is not None and member is not None else []
        here = committee
    else:
        mine = [(c, m) for c, m in await domain.committees_of(session, person) if c.active]
        here = None
    roles = {Role(m.role) for _, m in mine}
    nag_committee = await session.get(Committee, nag.subject_id) if nag and nag.subject_id else None
    await reply(
        update, context, "orientacion", persona=person, comites=mine, grupo=in_group,
        comite_grupo=here, coordina=Role.COORDINADOR in roles, temas=_topics(text),
        pregunta_sitio=nag_committee,
    )  # fmt: skip

"""/informe datos: the coordinador sets the entity's data for the informe's cover and signatures.

`/informe datos` shows what is set and how to change it; `/informe datos <campo> <valor>` sets
one field (gelbot.informe.datos); `/informe datos logo` asks for the image as a reply (a PNG or
JPEG, sent as a file or a photo), which is checked, shrunk and kept in the database;
`/informe datos plantilla` asks for the entity's own Word template, tried on a sample informe
(its Jinja sandboxed) before it is kept.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.error import TelegramError

from gelbot.domain import committees, pending_prompts
from gelbot.domain.committees import DomainError
from gelbot.informe import datos as datos_domain
from gelbot.informe.compile import informe_settings
from gelbot.models import Committee, Membership, PendingPrompt, Person, Role
from gelbot.telegram.common import Context, is_group, person_info, reply
from gelbot.telegram.prompts import ask

# PendingPrompts: waiting for the logo image, or for the entity's Word template.
FILE_KINDS = {"logo": "informe_logo", "plantilla": "informe_plantilla"}
PLACEHOLDERS = {"logo": "La imagen del logo", "plantilla": "La plantilla de Word (.docx)"}


def _coordinates(committee: Committee, member: Membership | None) -> bool:
    return (
        committee.active
        and member is not None
        and member.active
        and member.role == Role.COORDINADOR.value
    )


async def _show(
    update: Update, context: Context, session: AsyncSession, committee: Committee,
    person: Person, member: Membership, **values: Any,
) -> None:  # fmt: skip
    settings = await informe_settings(session, committee)
    await reply(
        update, context, "informe_datos", committee=committee, settings=settings, person=person,
        member=member, **values,
    )  # fmt: skip


async def datos(update: Update, context: Context, args: str) -> None:
    """Show or set one of the informe's data (coordinadores, in the committee's group)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    svc = context.services
    async with svc.transaction() as session:
        now = context.now()
        person = await committees.upsert_person(session, person_info(user), now=now)
        if not is_group(chat):
            await reply(update, context, "informe_datos_error", motivo="privado")
            return
        committee = await committees.committee_for_chat(session, chat.id)
        if committee is None or not committee.active:
            await reply(update, context, "grupo_sin_comite")
            return
        member = await committees.membership(session, committee, person)
        if member is None or not _coordinates(committee, member):
            await reply(update, context, "informe_solo_coordinador", privado=False)
            return
        try:
            dato = datos_domain.parse(args)
            if dato is None:
                await _show(update, context, session, committee, person, member)
                return
            if dato.campo in datos_domain.FILE_CAMPOS and not datos_domain.clears(dato.valor):
                await ask(
                    context, session, chat.id, f"informe_pide_{dato.campo}", person=person,
                    kind=FILE_KINDS[dato.campo], subject_id=committee.id,
                    placeholder=PLACEHOLDERS[dato.campo],
                )  # fmt: skip
                return
            await datos_domain.apply(session, committee, person, member, dato, now)
        except DomainError as error:
            await reply(update, context, "informe_datos_error", **error.details)
            return
        await _show(update, context, session, committee, person, member, cambiado=dato.campo)


async def _download(context: Context, update: Update, campo: str) -> bytes:
    """The file replied with: the logo as a file or a photo, the template as a .docx file."""
    message = update.effective_message
    assert message is not None
    limit = datos_domain.MAX_LOGO_BYTES if campo == "logo" else datos_domain.MAX_TEMPLATE_BYTES
    if message.document is not None:
        file_id, size = message.document.file_id, message.document.file_size or 0
        name = (message.document.file_name or "").lower()
        if campo == "plantilla" and not name.endswith(".docx"):
            raise DomainError("informe_datos", motivo="plantilla", detalle="no es un archivo .docx")
    elif message.photo and campo == "logo":
        largest = message.photo[-1]
        file_id, size = largest.file_id, largest.file_size or 0
    else:
        raise DomainError("informe_datos", motivo=campo, detalle="no llegó ningún archivo")
    if size > limit:
        raise DomainError("informe_datos", motivo="archivo_grande", limite=limit // 1_000_000)
    try:
        return bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    except TelegramError as error:
        raise DomainError("informe_datos", motivo="descarga") from error


async def _answer_file(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> None:
    """A reply with the logo or the Word template: check it, keep it, and show the data."""
    campo = next(c for c, kind in FILE_KINDS.items() if kind == prompt.kind)
    committee = await session.get(Committee, prompt.subject_id or 0)
    member = await committees.membership(session, committee, person) if committee else None
    if committee is None or member is None or not _coordinates(committee, member):
        await reply(update, context, "informe_solo_coordinador", privado=False)
        return
    try:
        data = await _download(context, update, campo)
        # CPU-bound (an image shrunk, a sample informe rendered): off the event loop.
        checked = await asyncio.to_thread(
            datos_domain.logo_png if campo == "logo" else datos_domain.check_template, data
        )
    except DomainError as error:
        # The question stays open: the next reply may bring the right file.
        await reply(update, context, "informe_datos_error", **error.details)
        return
    settings = await datos_domain.settings_for(session, committee, context.now())
    setattr(settings, campo, checked)
    settings.updated_at, settings.updated_by_id = context.now(), person.id
    await pending_prompts.resolve(session, prompt)
    await _show(update, context, session, committee, person, member, cambiado=campo)


# Replies to the data's questions, passed here by the prompt router (group 2).
ANSWERS = {kind: _answer_file for kind in FILE_KINDS.values()}

"""/informe datos: the coordinador sets the entity's data for the informe's cover and signatures.

`/informe datos` shows what is set and how to change it; `/informe datos <campo> <valor>` sets
one field (gelbot.informe.datos); `/informe datos logo` asks for the image as a reply (a PNG or
JPEG, sent as a file or a photo), which is checked, shrunk and kept in the database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.error import TelegramError

from gelbot.domain import committees
from gelbot.domain import prompts as prompt_store
from gelbot.domain.committees import DomainError
from gelbot.informe import datos as datos_domain
from gelbot.informe.compile import informe_settings
from gelbot.models import Committee, Membership, PendingPrompt, Person, Role
from gelbot.telegram.common import Context, is_group, person_info, reply, services
from gelbot.telegram.prompts import ask

LOGO_KIND = "informe_logo"  # PendingPrompt: waiting for the logo image


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
    svc = services(context)
    async with svc.transaction() as session:
        now = svc.clock.now()
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
            if dato.campo == "logo" and not datos_domain.clears(dato.valor):
                await ask(
                    context, session, chat.id, "informe_pide_logo", person=person,
                    kind=LOGO_KIND, subject_id=committee.id, placeholder="La imagen del logo",
                )  # fmt: skip
                return
            await datos_domain.apply(session, committee, person, member, dato, now)
        except DomainError as error:
            await reply(update, context, "informe_datos_error", **error.details)
            return
        await _show(update, context, session, committee, person, member, cambiado=dato.campo)


async def _download(context: Context, update: Update) -> bytes | None:
    message = update.effective_message
    assert message is not None
    if message.document is not None:
        file_id, size = message.document.file_id, message.document.file_size or 0
    elif message.photo:
        largest = message.photo[-1]
        file_id, size = largest.file_id, largest.file_size or 0
    else:
        return None
    if size > datos_domain.MAX_LOGO_BYTES:
        raise DomainError(
            "informe_datos", motivo="logo_grande", limite=datos_domain.MAX_LOGO_BYTES // 1_000_000
        )
    try:
        return bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    except TelegramError as error:
        raise DomainError("informe_datos", motivo="descarga") from error


async def _answer_logo(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> None:
    """A reply with the logo: check it, shrink it, keep it, and show the data."""
    svc = services(context)
    committee = await session.get(Committee, prompt.subject_id or 0)
    member = await committees.membership(session, committee, person) if committee else None
    if committee is None or member is None or not _coordinates(committee, member):
        await reply(update, context, "informe_solo_coordinador", privado=False)
        return
    try:
        data = await _download(context, update)
        if data is None:
            raise DomainError("informe_datos", motivo="logo")
        png = datos_domain.logo_png(data)
    except DomainError as error:
        # The question stays open: the next reply may bring the right file.
        await reply(update, context, "informe_datos_error", **error.details)
        return
    settings = await datos_domain.settings_for(session, committee, svc.clock.now())
    settings.logo = png
    settings.updated_at, settings.updated_by_id = svc.clock.now(), person.id
    await prompt_store.resolve(session, prompt)
    await _show(update, context, session, committee, person, member, cambiado="logo")


# Replies to the data's questions, passed here by the prompt router (group 2).
ANSWERS = {LOGO_KIND: _answer_logo}

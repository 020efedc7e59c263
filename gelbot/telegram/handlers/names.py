"""/nombre: the full name a member's signature carries in the acta and the informe."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from gelbot.domain import committees, meeting_details
from gelbot.models import Person
from gelbot.telegram.common import Context, raw_args, reply
from gelbot.telegram.place import MemberPlace, member_command


@member_command("nombre", refusal="reunion_solo_miembros")
async def full_name(
    update: Update, context: Context, session: AsyncSession, found: MemberPlace
) -> None:
    """`/nombre Fernando Chávez Ayala` for oneself; a coordinador may name `@usuario` first."""
    text = raw_args(update)
    target = found.member
    handle, _, rest = text.partition(" ")
    if handle.startswith("@"):
        if not found.coordinates:
            await reply(update, context, "solo_coordinador", command="nombre @usuario")
            return
        named = await committees.find_member(session, found.committee, username=handle)
        if named is None:
            await reply(update, context, "reunion_secretario_no_miembro", given=handle)
            return
        target, text = named, rest
    try:
        person = await session.get(Person, target.person_id)
        assert person is not None  # a membership's person is deleted with it
        name = meeting_details.set_full_name(person, text)
    except committees.DomainError as error:
        await reply(update, context, error.code, **error.details)
        return
    await reply(update, context, "nombre_completo_listo", full_name=name, member=target)

"""/nombre: the full name a member's signature carries in the acta and the informe."""

from __future__ import annotations

from telegram import Update

from gelbot.domain import committees, meeting_details
from gelbot.models import Person
from gelbot.telegram.common import Context, is_group, raw_args, reply
from gelbot.telegram.place import member_in_group


async def full_name(update: Update, context: Context) -> None:
    """`/nombre Fernando Chávez Ayala` for oneself; a coordinador may name `@usuario` first."""
    chat = update.effective_chat
    if not is_group(chat):
        await reply(update, context, "solo_en_grupo", command="nombre")
        return
    text = raw_args(update)
    async with context.services.transaction() as session:
        found = await member_in_group(
            update, context, session, refusal="reunion_solo_miembros", command="nombre"
        )
        if found is None or found.member is None:
            return
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

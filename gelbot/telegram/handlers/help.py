"""/ayuda: what the sender may do in this chat, grouped by task, with examples that work."""

from __future__ import annotations

from telegram import Update

from gelbot.domain import committees as domain
from gelbot.models import Role
from gelbot.telegram.commands import by_section, usable_here
from gelbot.telegram.common import Context, is_group, is_group_admin, person_info, reply


async def show_help(update: Update, context: Context) -> None:
    """List what the sender can do here."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    svc = context.services
    roles: set[Role] = set()
    committee = None
    async with svc.transaction() as session:
        person = await domain.upsert_person(session, person_info(user), now=context.now())
        if is_group(chat):
            committee = await domain.committee_for_chat(session, chat.id)
            found = await domain.membership(session, committee, person) if committee else None
            if found is not None:
                roles.add(Role(found.role))
        else:
            roles.update(Role(m.role) for _, m in await domain.committees_of(session, person))
    admin = is_group(chat) and committee is None and await is_group_admin(context, chat.id, user.id)
    private = not is_group(chat)
    commands = usable_here(roles, newcomer=not roles, admin=admin, private=private)
    # In private, what only works in the group is named too, so nobody wonders where it went.
    elsewhere = (
        [c for c in usable_here(roles, newcomer=not roles, admin=False, private=False)
         if c not in commands]
        if private else []
    )  # fmt: skip
    await reply(
        update, context, "ayuda", secciones=by_section(commands), roles=sorted(roles),
        committee=committee, privado=private, en_grupo=elsewhere, en_comite=bool(roles),
        grupo_sin_comite=is_group(chat) and committee is None,
    )  # fmt: skip

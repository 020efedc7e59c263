"""The bot's life in a group: added, removed, and the group turning into a supergroup."""

from __future__ import annotations

import logging

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus

from gelbot.domain import committees as domain
from gelbot.telegram.common import Context, send

log = logging.getLogger(__name__)
_GONE = {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}


async def membership_changed(update: Update, context: Context) -> None:
    """Welcome the group when added; mark the committee inactive (never delete) when removed."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.chat.type == "private":
        return
    old, new = change.old_chat_member.status, change.new_chat_member.status
    svc = context.services
    if old in _GONE and new not in _GONE:
        async with svc.transaction() as session:
            committee = await domain.committee_for_chat(session, change.chat.id)
            if committee is not None and not committee.active:
                committee.active = True
                committee.reachable = True
                committee.deactivated_at = None
        await send(context, change.chat.id, "bienvenida_grupo", committee=committee)
    elif new in _GONE and old not in _GONE:
        async with svc.transaction() as session:
            committee = await domain.committee_for_chat(session, change.chat.id)
            if committee is not None:
                domain.deactivate(committee, now=context.now())
                log.info(
                    "committee %s inactive: bot removed from chat %s", committee.id, change.chat.id
                )


async def group_migrated(update: Update, context: Context) -> None:
    """A group became a supergroup: the committee follows the new chat id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    svc = context.services
    async with svc.transaction() as session:
        committee = await domain.follow_migration(
            session, message.chat.id, message.migrate_to_chat_id
        )
    if committee is not None:
        log.info("committee %s moved to chat %s", committee.id, message.migrate_to_chat_id)

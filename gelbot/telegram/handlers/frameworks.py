"""/marcos and /matriz: which frameworks the committee follows, and the matrix of one.

/marcos: which frameworks the committee follows; the coordinador changes them.

`/marcos` lists the committee's frameworks and the others gelbot ships; `/marcos
res1519_transparencia decreto_767` (coordinador) makes the committee follow those, in that
order. Marks already recorded stay, stored by item key.
"""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.constants import ParseMode

from gelbot import matrix as matrices
from gelbot.domain import committee_frameworks, committees
from gelbot.domain.frameworks import available_frameworks
from gelbot.telegram.common import Context, is_group, raw_args, reply
from gelbot.telegram.place import locate
from gelbot.texts import render


async def frameworks(update: Update, context: Context) -> None:
    """List the committee's frameworks, or (coordinador) choose them."""
    words = raw_args(update).split()
    svc = context.services
    async with svc.transaction() as session:
        place = await locate(update, context, session, "marcos")
        if place is None:
            return
        committee = place.committee
        changed = False
        if words:
            if not place.coordinates:
                await reply(update, context, "marcos_sin_permiso")
                return
            try:
                chosen = committee_frameworks.resolve_framework_ids(words)
                changed = committee_frameworks.choose_frameworks(committee, chosen)
            except committees.DomainError as error:
                await reply(update, context, error.code, **error.details)
                return
        following = committee_frameworks.frameworks_of(committee)
        others = [f for f in available_frameworks().values() if f not in following]
    await reply(
        update, context, "marcos_cambiados" if words else "marcos_lista",
        committee=committee, following=following, others=others,
        changed=changed, person=place.person,
    )  # fmt: skip


async def matrix(update: Update, context: Context) -> None:
    """Send the matrix of one framework the committee follows (XLSX, or CSV with «csv»)."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    words = raw_args(update).lower().split()
    formato = "csv" if "csv" in words else "xlsx"
    named = [w for w in words if w not in matrices.FORMATS]
    svc = context.services
    async with svc.transaction() as session:
        place = await locate(update, context, session, "matriz")
        if place is None:
            return
        committee = place.committee
        try:
            if len(named) > 1:
                raise committees.DomainError("matriz_uso")
            framework = matrices.framework_for_matrix(committee, named[0] if named else None)
        except committees.DomainError as error:
            await reply(update, context, error.code, **error.details)
            return
        rows = await matrices.matrix_rows(session, committee, framework, svc.settings.zone)
    content = (
        matrices.to_xlsx(rows, framework, committee) if formato == "xlsx" else matrices.to_csv(rows)
    )
    today = context.today()
    values = {
        "committee": committee, "framework": framework, "rows": rows, "formato": formato,
        "others": [f for f in committee_frameworks.frameworks_of(committee) if f != framework],
    }  # fmt: skip
    await context.bot.send_document(
        chat.id,
        InputFile(content, filename=f"matriz_{framework.id}_{today.isoformat()}.{formato}"),
        caption=render("matriz_enviada", **values),
        parse_mode=ParseMode.HTML,
        reply_to_message_id=message.message_id if is_group(chat) else None,
        allow_sending_without_reply=True,
    )

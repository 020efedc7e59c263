"""The committee a command works on (`--comite NÚMERO`), or the list of those there are."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.models import Committee


async def committee_or_listing(
    session: AsyncSession, committee_id: int | None
) -> tuple[Committee | None, str]:
    """The committee, or what to say instead: the committees there are."""
    committee = await session.get(Committee, committee_id) if committee_id is not None else None
    if committee is not None:
        return committee, ""
    rows = await session.scalars(select(Committee).order_by(Committee.id))
    listing = "\n".join(f"  {c.id}  {c.entity_name}" for c in rows)
    head = (
        "Indique el comité con --comite NÚMERO."
        if committee_id is None
        else f"No existe el comité {committee_id}."
    )
    known = (
        f" Comités registrados:\n{listing}"
        if listing
        else " Aún no hay comités: regístrelo en su grupo de Telegram con /comite."
    )
    return None, head + known

"""/calendario: the reporting calendar of the committee's frameworks; the coordinador sets the
dates the norm leaves open.

`/calendario` lists each obligation with its next date; `/calendario furag 16/03/2027
24/04/2027` (coordinador) sets FURAG's window (opening, closing), `/calendario
ejecucion_plan_accion 15/04/2027` one date. Reminders follow (the planner is told by the row).
"""

from __future__ import annotations

from datetime import date

from telegram import Update

from gelbot.domain import committees, reporting_calendar
from gelbot.domain.spanish import parse_date
from gelbot.telegram.common import Context, raw_args, reply
from gelbot.telegram.place import locate


def _dates(text: str, today: date) -> list[date] | None:
    """One date, or two (opening and closing): "16/03/2027 24/04/2027", "… al …"."""
    parts = [p.strip() for p in text.split(" al ")] if " al " in text else text.split()
    if len(parts) > 2:
        parts = [text]
    found = [parse_date(p, today=today, prefer="future") for p in parts if p]
    if not found or any(d is None for d in found):
        whole = parse_date(text, today=today, prefer="future")
        return [whole] if whole is not None else None
    return [d for d in found if d is not None]


async def calendar(update: Update, context: Context) -> None:
    """List the committee's reporting calendar, or (coordinador) set a date of it."""
    text = raw_args(update)
    key, _, rest = text.partition(" ")
    svc = context.services
    now = context.now()
    today = context.today()
    async with svc.transaction() as session:
        place = await locate(update, context, session, "calendario")
        if place is None:
            return
        committee = place.committee
        if text:
            if not place.coordinates:
                await reply(update, context, "calendario_sin_permiso")
                return
            try:
                obligation = reporting_calendar.resolve_obligation(committee, key)
                dates = _dates(rest.strip(), today) if rest.strip() else None
                if dates is None:
                    raise committees.DomainError(
                        "calendario_fecha_invalida", given=rest.strip(), obligacion=obligation
                    )
                opens, due = (dates[0], dates[1]) if len(dates) == 2 else (None, dates[0])
                await reporting_calendar.set_date(
                    session, committee, obligation, opens, due, place.person, now, today
                )
            except committees.DomainError as error:
                await reply(update, context, error.code, **error.details)
                return
        items = await reporting_calendar.upcoming(session, committee, today)
    await reply(
        update, context, "calendario_lista", committee=committee, items=items, today=today,
        person=place.person if text else None, changed=key.lower() if text else None,
    )  # fmt: skip

"""Indicators in the chat: /indicadores shows this period against the meta and records values.

`/indicadores` lists every indicator; `/indicadores 3` shows one with its history (who gave each
value, and when); `/indicadores 3 12` records 12 for the current period and
`/indicadores 3 12 anterior` for the previous one (readings usually come once a period is over).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from telegram import Update

from gelbot.domain import indicators
from gelbot.domain.indicator_periods import period_of
from gelbot.domain.spanish import normalize, parse_number, parse_percentage
from gelbot.models import Frequency, Role
from gelbot.telegram.common import Context, raw_args, reply
from gelbot.telegram.place import locate

# Who may record a value: whoever runs or audits the plan, and the site's editor (who knows
# how often the site was updated).
RECORDING_ROLES = frozenset(
    {Role.COORDINADOR.value, Role.CONTROL_INTERNO.value, Role.EDITOR_WEB.value}
)
_PREVIOUS = {"anterior", "pasado", "pasada", "previo", "previa"}


async def show_indicators(update: Update, context: Context) -> None:
    """List the indicators this period, show one, or record a value."""
    words = raw_args(update).split()
    svc = context.services
    now = context.now()
    today = context.today()
    async with svc.transaction() as session:
        place = await locate(update, context, session, "indicadores")
        if place is None:
            return
        lines = await indicators.overview(session, place.committee, today)
        if not words:
            counts = Counter(line.status.value for line in lines)
            await reply(
                update, context, "indicadores_lista", committee=place.committee, lines=lines,
                today=today, counts=counts,
            )  # fmt: skip
            return
        line = indicators.find_line(lines, words[0])
        if line is None:
            await reply(
                update, context, "indicadores_desconocido", given=words[0], total=len(lines)
            )
            return
        if len(words) == 1:
            found = await indicators.history(session, line.indicator)
            await reply(update, context, "indicadores_detalle", line=line, history=found)
            return
        if place.member is None or place.member.role not in RECORDING_ROLES:
            await reply(update, context, "indicadores_sin_permiso")
            return
        rest = words[1:]
        previous = normalize(rest[-1]) in _PREVIOUS
        if previous:
            rest = rest[:-1]
        text = " ".join(rest)
        parse = parse_percentage if line.indicator.unit == "%" else parse_number
        value = parse(text) if text else None
        if value is None or value < 0:
            await reply(update, context, "indicadores_valor_invalido", given=text, line=line)
            return
        period = line.period
        if previous and line.indicator.frequency != Frequency.UNICA.value:
            period = period_of(line.indicator.frequency, period.start - timedelta(1))
        reading = await indicators.record_reading(
            session, line.indicator, period.start, value, place.person, None, now
        )
        meets = indicators.reading_meets(line.indicator, reading)
    await reply(
        update, context, "indicadores_registrado", line=line, reading=reading, meets=meets,
        person=place.person,
    )  # fmt: skip

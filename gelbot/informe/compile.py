"""Compile the informe from the record: each row says what was done, and where it was said.

Rows (AVANCES Y RESULTADOS), in order of date and then kind:
- reunion:<id>          a meeting held, its attendance, decisions and compromisos assigned;
- compromiso:<id>       a compromiso marked cumplido in the period, with its result;
- cuestionario:<id>:<k> a logro from the semester questionnaire (taller, equipos, convenio…);
- nota:<id>             progress a member reported with /avance;
- indicador:<key>       an indicator's periods against its meta ("24 de 26 semanas");
- fase:<key>            a phase's share of criteria met at the end, and how it moved.
Undated rows (indicators, phases, undated logros) sit at the end of the period.
Pendientes: compromisos still open when the period ended (compromiso:<id>, by due date), then
the questionnaire's dificultades and próximos pasos (cuestionario:<id>:<k>).

Row keys are stable across compilations, so the review's edits keep pointing at their rows.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.informe import rows as write
from gelbot.informe.document import (
    InformeDocument,
    InformeKind,
    InformeRow,
    default_introduccion,
    default_objetivos,
    period_label,
)
from gelbot.informe.gather import Window, gather
from gelbot.models import Committee

DEFAULT_ZONE = ZoneInfo("America/Bogota")
TITLES: dict[InformeKind, str] = {
    "semestral": "Informe de Gobierno en Línea",
    "trimestral": "Informe de gestión del Plan de Acción de Gobierno en Línea",
}
# Same day: meetings first, then what was done, then what was measured.
_KIND_ORDER = {kind: n for n, kind in enumerate(
    ("reunion", "compromiso", "cuestionario", "nota", "indicador", "fase")
)}  # fmt: skip


def window(start: date, end: date, now: datetime, tz: tzinfo) -> Window:
    """The period's days as moments in the committee's zone; a running one ends now."""
    start_at = datetime.combine(start, time.min, tzinfo=tz)
    end_at = min(datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz), now)
    return Window(start, end, start_at, max(end_at, start_at), tz)


async def compile_informe(
    session: AsyncSession,
    committee: Committee,
    *,
    kind: InformeKind,
    start: date,
    end: date,
    now: datetime,
    tz: tzinfo = DEFAULT_ZONE,
) -> InformeDocument:
    """Gather the period's record and write the informe's rows, pendientes and phase progress."""
    w = window(start, end, now, tz)
    today = write.local_day(now, tz)
    label = period_label(start, end)
    record = await gather(session, committee, w)
    dated: list[tuple[tuple[date, int, tuple[object, ...]], InformeRow]] = []

    def add(kind: str, day: date | None, tie: tuple[object, ...], row: InformeRow | None) -> None:
        if row is not None:
            dated.append(((day or end, _KIND_ORDER[kind], tie), row))

    for m in record.meetings:
        add("reunion", m.meeting.held_on, (m.meeting.id,), write.meeting_row(m, record.people, tz))
    for r in record.done:
        row = write.done_row(r, record, tz)
        add("compromiso", row.fecha, (r.compromiso.closed_at, r.compromiso.id), row)
    for n in record.notes:
        add("nota", n.note.noted_on, (n.note.id,), write.note_row(n))
    pending_items: list[tuple[int, int, InformeRow]] = []
    for item, person in record.items:
        if write.says_nothing(item):
            continue
        row = write.item_row(item, person, label, tz)
        if item.kind in write.PENDING_ITEMS:
            pending_items.append((list(write.PENDING_ITEMS).index(item.kind), item.id, row))
        else:
            add("cuestionario", item.fecha, (item.id,), row)
    for position, ind in enumerate(record.indicators):
        add(
            "indicador", None, (position,), write.indicator_row(ind, w, record.people, today, label)
        )
    phase_rows, progress = write.phase_rows(committee, record.criteria, w, record.people, label)
    for position, row in enumerate(phase_rows):
        add("fase", None, (position,), row)
    dated.sort(key=lambda pair: pair[0])
    pending_items.sort(key=lambda entry: entry[:2])
    names = [p.display_name for p in record.coordinadores]
    return InformeDocument(
        entity=committee.entity_name,
        title=TITLES[kind],
        kind=kind,
        period_start=start,
        period_end=end,
        city=committee.city,
        issued_on=today,
        introduccion=default_introduccion(committee.entity_name, (start, end)),
        objetivos=default_objetivos(),
        rows=[row for _, row in dated],
        pendientes=[write.pending_row(r, record, w, tz) for r in record.open_at_end]
        + [row for _, _, row in pending_items],
        phases=progress,
        coordinador=" y ".join(names) if names else None,
    )

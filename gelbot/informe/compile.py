"""Compile the informe from the record: each row says what was done, and where it was said.

Rows (AVANCES Y RESULTADOS), in order of date and then kind:
- reuniones             one row for every meeting of the period, with all their dates;
- compromiso:<id>       a compromiso marked cumplido in the period, with its full result;
- cuestionario:<id>:<k> a logro from the semester questionnaire (taller, equipos, convenio…);
- nota:<id>             progress members reported with /avance, one row per thing reported on;
- indicador:<key>       an indicator over the periods gelbot asked about, if anyone answered;
- fase:<key>            a phase's share of criteria met at the end, if any is met.
What has no data goes, once, to the «sin información» note. Undated rows sit at the end.
Pendientes: compromisos still open when the period ended (by due date), then the
questionnaire's dificultades and próximos pasos.

Row keys are stable across compilations, so the review's edits keep pointing at their rows;
they are never printed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.informe_periods import InformeKind
from gelbot.domain.phases import framework_of
from gelbot.informe import measures
from gelbot.informe import rows as write
from gelbot.informe.document import (
    Firma,
    InformeDocument,
    InformeRow,
    PhaseProgress,
    period_phrase,
)
from gelbot.informe.gather import Record, Window, gather
from gelbot.informe.textos import textos
from gelbot.models import Committee, InformeSettings

DEFAULT_ZONE = ZoneInfo("America/Bogota")
TITLES: dict[InformeKind, str] = {
    "semestral": "Informe de Gobierno en Línea",
    "trimestral": "Informe de gestión del Plan de Acción de Gobierno en Línea",
}
FINAL_TITLES: dict[InformeKind, str] = {
    "semestral": "Informe Final de Gobierno en Línea",
    "trimestral": "Informe de gestión del Plan de Acción de Gobierno en Línea",
}
COORDINADOR_CARGO = "Coordinador(a) de la Implementación de la Estrategia"
# Same day: meetings first, then what was done, then what was measured.
_KIND_ORDER = {kind: n for n, kind in enumerate(
    ("reunion", "compromiso", "cuestionario", "nota", "indicador", "fase")
)}  # fmt: skip


def window(start: date, end: date, now: datetime, tz: tzinfo) -> Window:
    """The period's days as moments in the committee's zone; a running one ends now."""
    start_at = datetime.combine(start, time.min, tzinfo=tz)
    end_at = min(datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz), now)
    return Window(start, end, start_at, max(end_at, start_at), tz)


async def informe_settings(session: AsyncSession, committee: Committee) -> InformeSettings | None:
    return await session.scalar(
        select(InformeSettings).where(InformeSettings.committee_id == committee.id)
    )


def _firmas(record: Record, settings: InformeSettings | None) -> list[Firma]:
    firmas = [
        Firma(person.signing_name, member.cargo or COORDINADOR_CARGO)
        for person, member in record.coordinadores
    ]
    if settings is not None and settings.representante_nombre:
        firmas.append(
            Firma(
                settings.representante_nombre, settings.representante_cargo or "Representante legal"
            )
        )
    return firmas


def _avances(
    record: Record, committee: Committee, w: Window, tz: tzinfo, now: datetime
) -> tuple[list[InformeRow], list[InformeRow], list[str], list[PhaseProgress]]:
    dated: list[tuple[tuple[date, int, tuple[object, ...]], InformeRow]] = []

    def add(kind: str, day: date | None, tie: tuple[object, ...], row: InformeRow | None) -> None:
        if row is not None:
            dated.append(((day or w.end, _KIND_ORDER[kind], tie), row))

    meetings = write.meetings_row(record.meetings, record.people)
    add("reunion", meetings.fecha if meetings else None, (), meetings)
    for r in record.done:
        row = write.done_row(r, record, tz)
        add("compromiso", row.fecha, (r.compromiso.closed_at, r.compromiso.id), row)
    for row in write.notes_rows(record.notes):
        add("nota", row.fecha, (row.row_key,), row)
    pending_items: list[tuple[int, int, InformeRow]] = []
    for item, person in record.items:
        if write.says_nothing(item):
            continue
        row = write.item_row(item, person, w, tz)
        if item.kind in write.PENDING_ITEMS:
            pending_items.append((list(write.PENDING_ITEMS).index(item.kind), item.id, row))
        else:
            add("cuestionario", item.fecha, (item.id,), row)
    lived_from = committee.created_at.astimezone(tz).date()
    sin_informacion: list[str] = []
    for position, ind in enumerate(record.indicators):
        measured = measures.indicator_row(ind, w, record.people, lived_from, now)
        if measured is None:
            sin_informacion.append(ind.indicator.name)
        add("indicador", None, (position,), measured)
    phase_rows, empty, progress = measures.phase_rows(committee, record.criteria, w, record.people)
    for position, row in enumerate(phase_rows):
        add("fase", None, (position,), row)
    sin_informacion.extend(empty)
    dated.sort(key=lambda pair: pair[0])
    pending_items.sort(key=lambda entry: entry[:2])
    return [row for _, row in dated], [r for _, _, r in pending_items], sin_informacion, progress


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
    record = await gather(session, committee, w)
    settings = await informe_settings(session, committee)
    rows, pending_items, sin_informacion, progress = _avances(record, committee, w, tz, now)
    texts = textos(
        framework_of(committee), entidad=committee.entity_name, periodo=period_phrase(start, end),
        own_introduccion=settings.introduccion if settings else None,
        own_general=settings.objetivo_general if settings else None,
        own_especificos=settings.objetivos_especificos if settings else None,
    )  # fmt: skip
    return InformeDocument(
        entity=committee.entity_name,
        title=(FINAL_TITLES if today > end else TITLES)[kind],
        kind=kind,
        period_start=start,
        period_end=end,
        city=committee.city,
        issued_on=today,
        introduccion=texts.introduccion,
        objetivo_general=texts.objetivo_general,
        objetivos=texts.objetivos_especificos,
        rows=rows,
        pendientes=[write.pending_row(r, record, today, tz) for r in record.open_at_end]
        + pending_items,
        phases=progress,
        sin_informacion=sin_informacion,
        firmas=_firmas(record, settings),
        letterhead=list(settings.letterhead) if settings else [],
        logo=settings.logo if settings else None,
        plantilla=settings.plantilla if settings else None,
    )

"""The informe's rows, one writer per kind of record: what was done, and where it was said.

Each writer turns what gelbot.informe.gather read into an InformeRow whose `source` traces it:
who said it, when, in which meeting or answer. No database and no Telegram here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, tzinfo

from gelbot.domain import compromisos as compromiso_domain
from gelbot.domain import indicators as indicator_domain
from gelbot.domain.phases import framework_of
from gelbot.domain.spanish import format_date, normalize
from gelbot.informe.document import InformeRow, PhaseProgress
from gelbot.informe.gather import (
    CompromisoRecord,
    CriterionChange,
    IndicatorRecord,
    MeetingRecord,
    NoteRecord,
    Record,
    Window,
)
from gelbot.models import Attendance, Committee, Frequency, Person, SemesterItem

_ITEM_KINDS = {"taller": "taller o capacitación", "equipos": "equipos o tecnología",
               "convenio": "convenio o acuerdo", "otro": "otro logro",
               "dificultad": "dificultades", "proximo_paso": "próximos pasos"}  # fmt: skip
PENDING_ITEMS = {"dificultad": "Dificultades del período", "proximo_paso": "Próximos pasos"}
_NOTHING = {"ninguna", "ninguno", "ningun", "no", "nada", "n/a", "na", "-", "no hubo"}
_STATUS = {"abierto": "Abierto", "en_curso": "En curso", "bloqueado": "Bloqueado"}
_MAX_DECISIONS = 5
_MAX_NAMES = 8


def local_day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def _listing(names: list[str], limit: int = _MAX_NAMES) -> str:
    shown = names[:limit]
    more = len(names) - len(shown)
    return "; ".join(shown) + (f"; y {more} más" if more else "")


def _sentences(*parts: str | None) -> str:
    return " ".join(p if p.endswith((".", "!", "?")) else f"{p}." for p in parts if p)


def _name(people: dict[int, Person], person_id: int | None) -> str:
    person = people.get(person_id) if person_id is not None else None
    return person.display_name if person is not None else "alguien sin registrar"


def _who_counts(people: dict[int, Person], ids: Iterable[int | None]) -> str:
    counts = Counter(i for i in ids if i is not None)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], _name(people, kv[0])))
    return ", ".join(f"{_name(people, person_id)} ({n})" for person_id, n in ordered)


# --- avances ---------------------------------------------------------------------------------


def meeting_row(r: MeetingRecord, people: dict[int, Person], tz: tzinfo) -> InformeRow:
    m = r.meeting
    total = sum(r.attendance.values())
    present = r.attendance[Attendance.PRESENTE.value]
    excused = r.attendance[Attendance.EXCUSA.value]
    if total:
        attendance = f"Asistieron {present} de {_plural(total, 'miembro', 'miembros')} convocados"
        if excused:
            attendance += f" ({excused} con excusa)"
        if m.quorum is not None:
            attendance += ", con quórum" if m.quorum else ", sin quórum"
    else:
        attendance = "Sin llamado a lista registrado"
    decisions = None
    if r.decisions:
        texts = [" ".join(d.split()).rstrip(".;")[:200] for d in r.decisions]
        decisions = "Decisiones: " + _listing(texts, _MAX_DECISIONS)
    assigned = None
    if r.assigned:
        assigned = "Se asign" + (
            "ó 1 compromiso" if r.assigned == 1 else f"aron {r.assigned} compromisos"
        )
    how = (
        f"registrada después por {_name(people, m.opened_by_id)} el "
        f"{format_date(local_day(m.started_at, tz))}"
        if m.after_the_fact
        else f"abierta por {_name(people, m.opened_by_id)}"
    )
    if m.closed_by_id is not None:
        how += f" y cerrada por {_name(people, m.closed_by_id)}"
    return InformeRow(
        accion="Reunión del Comité de Gobierno en Línea",
        resultado=_sentences(attendance, decisions, assigned),
        fecha=m.held_on,
        fecha_texto=None,
        source=f"Acta de la reunión del {format_date(m.held_on)} (reunión #{m.id}), {how}.",
        row_key=f"reunion:{m.id}",
    )


def _evidence(r: CompromisoRecord) -> str | None:
    c = r.compromiso
    if not c.evidence:
        return None
    if c.evidence_kind == "documento":
        return f"Evidencia: documento «{c.evidence}» enviado al grupo"
    if c.evidence_kind == "foto":
        return "Evidencia: foto enviada al grupo"
    return f"Evidencia: {c.evidence}"


def _compromiso_origin(r: CompromisoRecord, record: Record, tz: tzinfo) -> str:
    c = r.compromiso
    text = f"Compromiso #{c.id}, registrado por {_name(record.people, c.created_by_id)} el "
    text += format_date(local_day(c.created_at, tz))
    if c.meeting_id in record.meeting_days:
        text += f" en la reunión del {format_date(record.meeting_days[c.meeting_id])}"
    return f"{text}; responsable: {compromiso_domain.responsable_label(c)}"


def done_row(r: CompromisoRecord, record: Record, tz: tzinfo) -> InformeRow:
    c = r.compromiso
    assert c.closed_at is not None
    closed = local_day(c.closed_at, tz)
    source = f"{_compromiso_origin(r, record, tz)}; marcado cumplido por "
    source += f"{_name(record.people, r.done_by)} el {format_date(closed)}"
    if r.done_in_meeting in record.meeting_days:
        source += f", en la reunión del {format_date(record.meeting_days[r.done_in_meeting])}"
    return InformeRow(
        accion=c.description,
        resultado=_sentences(c.result or "Cumplido", _evidence(r)),
        fecha=closed,
        fecha_texto=None,
        source=f"{source}.",
        row_key=f"compromiso:{c.id}",
    )


def pending_row(r: CompromisoRecord, record: Record, w: Window, tz: tzinfo) -> InformeRow:
    c = r.compromiso
    if c.closed_at is None:
        status = _STATUS.get(c.status, c.status)
    else:
        outcome = "cumplido" if c.status == "cumplido" else "cerrado"
        status = f"Abierto al cierre del período ({outcome} el "
        status += f"{format_date(local_day(c.closed_at, tz))})"
    overdue = " (vencido)" if c.due_on < w.end else ""
    rescheduled = (
        f"Reprogramado {_plural(r.rescheduled, 'vez', 'veces')}" if r.rescheduled else None
    )
    return InformeRow(
        accion=c.description,
        resultado=_sentences(
            status,
            f"Responsable: {compromiso_domain.responsable_label(c)}",
            f"Vence el {format_date(c.due_on)}{overdue}",
            rescheduled,
        ),
        fecha=c.due_on,
        fecha_texto=f"Vence el {format_date(c.due_on)}",
        source=f"{_compromiso_origin(r, record, tz)}.",
        row_key=f"compromiso:{c.id}",
    )


def indicator_row(
    r: IndicatorRecord, w: Window, people: dict[int, Person], today: date, label: str
) -> InformeRow | None:
    ind = r.indicator
    meta = ind.meta_text or (
        f"{_number(ind.meta)}{f' {ind.unit}' if ind.unit else ''}" if ind.meta is not None else None
    )
    unanswered = sum(1 for x in r.readings if x.status == "sin_respuesta")
    if ind.frequency == Frequency.UNICA.value:
        valued = [x for x in r.readings if x.value is not None]
        if not valued:
            return None
        last = valued[-1]
        met = indicator_domain.reading_meets(ind, last)
        result = f"Último valor: {_number(last.value or 0)}, del {format_date(last.period_start)}"
        if met is not None:
            result += ", meta alcanzada" if met else ", aún por debajo de la meta"
    else:
        c = indicator_domain.compliance_between(ind, r.readings, w.start, w.end, today=today)
        if not c.total:
            return None
        noun = indicator_domain.period_noun(ind.frequency, c.missing)
        if ind.key == indicator_domain.SITIO_WEB_SEMANAL:
            result = f"Sitio web actualizado {c.describe()}"
        elif ind.meta is not None:
            result = f"Meta cumplida en {c.describe()}"
        else:
            noun_total = indicator_domain.period_noun(ind.frequency, c.total)
            result = f"Valores registrados en {c.answered} de {c.total} {noun_total}"
        if c.missing:
            result += f"; {c.missing} {noun} sin respuesta"
    who = _who_counts(people, (x.person_id for x in r.readings if x.value is not None))
    source = f"Lecturas del indicador «{ind.key}» en {label}"
    source += f": respondieron {who}" if who else ": sin respuestas"
    if unanswered:
        source += f"; {unanswered} recordatorios quedaron sin respuesta"
    return InformeRow(
        accion=ind.name,
        resultado=_sentences(result, f"Meta: {meta}" if meta else None),
        fecha=None,
        fecha_texto=label.capitalize(),
        source=f"{source}.",
        row_key=f"indicador:{ind.key}",
    )


def phase_rows(
    committee: Committee, changes: list[CriterionChange], w: Window, people: dict[int, Person],
    label: str,
) -> tuple[list[InformeRow], list[PhaseProgress]]:  # fmt: skip
    """Each phase's share at the start and end of the period, and a row for those under way."""
    framework = framework_of(committee)
    at_start: dict[str, bool] = {}
    at_end: dict[str, bool] = {}
    for change in changes:
        if change.at < w.start_at:
            at_start[change.key] = change.met
        at_end[change.key] = change.met
    during = [c for c in changes if c.at >= w.start_at]
    rows: list[InformeRow] = []
    progress: list[PhaseProgress] = []
    for phase in framework.phases:
        total = len(phase.criteria)
        before = [c for c in phase.criteria if at_start.get(c.key)]
        after = [c for c in phase.criteria if at_end.get(c.key)]
        start_share, end_share = len(before) / total, len(after) / total
        progress.append(PhaseProgress(phase.name, start_share, end_share))
        if not after and not before:
            continue
        gained = [c.name for c in after if c not in before]
        lost = [c.name for c in before if c not in after]
        missing = [c.name for c in phase.criteria if c not in after]
        keys = phase.criterion_keys()
        mine = [c for c in during if c.key in keys]
        source = (
            f"Criterios marcados en gelbot (/criterio): {_plural(len(mine), 'cambio', 'cambios')} "
            f"en el período, por {_who_counts(people, (c.actor_id for c in mine))}"
            if mine
            else f"Criterios marcados en gelbot (/criterio) antes del {format_date(w.start)}; "
            "sin cambios en el período"
        )
        rows.append(
            InformeRow(
                accion=f"Cumplimiento del {_percent(end_share)} de la Fase de {phase.name}",
                resultado=_sentences(
                    f"Se cumplen {len(after)} de {total} criterios ({_percent(end_share)}); al "
                    f"inicio del período, {len(before)} ({_percent(start_share)})",
                    f"Cumplidos en el período: {_listing(gained)}" if gained else None,
                    f"Dejaron de cumplirse: {_listing(lost)}" if lost else None,
                    f"Pendientes: {_listing(missing, 5)}" if missing else None,
                ),
                fecha=None,
                fecha_texto=label.capitalize(),
                source=f"{source}.",
                row_key=f"fase:{phase.key}",
            )
        )
    return rows, progress


def note_row(n: NoteRecord) -> InformeRow:
    note = n.note
    author = n.author.display_name if n.author is not None else "un miembro"
    source = f"Avance reportado por {author} el {format_date(note.noted_on)} con /avance"
    if note.answer_id is not None:
        source += f" (respuesta #{note.answer_id})"
    return InformeRow(
        accion=n.compromiso or n.action or f"Avance reportado por {author}",
        resultado=note.text,
        fecha=note.noted_on,
        fecha_texto=None,
        source=f"{source}.",
        row_key=f"nota:{note.id}",
    )


def item_row(item: SemesterItem, person: Person | None, label: str, tz: tzinfo) -> InformeRow:
    who = person.display_name if person is not None else "un miembro"
    source = f"Cuestionario del semestre ({_ITEM_KINDS.get(item.kind, item.kind)}), respondido por "
    source += f"{who} el {format_date(local_day(item.created_at, tz))}"
    if item.answer_id is not None:
        source += f" (respuesta #{item.answer_id})"
    if local_day(item.updated_at, tz) != local_day(item.created_at, tz):
        source += f"; corregido el {format_date(local_day(item.updated_at, tz))}"
    pending = PENDING_ITEMS.get(item.kind)
    if pending is not None:
        accion, resultado = pending, item.accion
    else:
        accion, resultado = item.accion, item.resultado or ""
        if item.asistentes is not None and str(item.asistentes) not in resultado:
            resultado = _sentences(resultado, f"Asistentes: {item.asistentes}")
    return InformeRow(
        accion=accion,
        resultado=resultado,
        fecha=None if pending else item.fecha,
        fecha_texto=label.capitalize() if pending or item.fecha is None else None,
        source=f"{source}.",
        row_key=f"cuestionario:{item.id}:{item.kind}",
    )


def says_nothing(item: SemesterItem) -> bool:
    """A difficulty or next step answered «ninguna»: nothing to report."""
    return item.kind in PENDING_ITEMS and normalize(item.accion).strip(" .") in _NOTHING

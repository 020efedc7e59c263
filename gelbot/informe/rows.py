"""The informe's rows of what was done, one writer per kind of record, traced in plain words.

Each writer turns what gelbot.informe.gather read into an InformeRow whose `source` says, in
words a reader of the annex understands, who said it, when, and in which meeting or answer.
Measured rows (indicators, phases) are in gelbot.informe.measures. No database, no Telegram.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, tzinfo

from gelbot.domain import compromisos as compromiso_domain
from gelbot.domain.spanish import format_date, normalize
from gelbot.informe.document import InformeRow, fecha_dia, fecha_mes, fecha_rango
from gelbot.informe.gather import CompromisoRecord, MeetingRecord, NoteRecord, Record, Window
from gelbot.models import Attendance, Person, SemesterItem

_ITEM_KINDS = {"taller": "taller o capacitación", "equipos": "equipos o tecnología",
               "convenio": "convenio o acuerdo", "otro": "otro logro",
               "dificultad": "dificultades", "proximo_paso": "próximos pasos"}  # fmt: skip
PENDING_ITEMS = {"dificultad": "Dificultades del período", "proximo_paso": "Próximos pasos"}
_NOTHING = {"ninguna", "ninguno", "ningun", "no", "nada", "n/a", "na", "-", "no hubo"}
_STATUS = {"abierto": "Abierto", "en_curso": "En curso", "bloqueado": "Bloqueado"}
MEETINGS_KEY = "reuniones"
MEETINGS_ACCION = "Reuniones permanentes del Comité de Gobierno en Línea"


def local_day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def sentences(*parts: str | None) -> str:
    """Join parts as sentences, each ending in a full stop."""
    return " ".join(p if p.endswith((".", "!", "?")) else f"{p}." for p in parts if p)


def name_of(people: dict[int, Person], person_id: int | None) -> str:
    person = people.get(person_id) if person_id is not None else None
    return person.signing_name if person is not None else "alguien sin registrar"


def who_counts(people: dict[int, Person], ids: Iterable[int | None]) -> str:
    """ "Carla Gómez (20), Beto Ruiz (4)": who did something, and how many times."""
    counts = Counter(i for i in ids if i is not None)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], name_of(people, kv[0])))
    return ", ".join(f"{name_of(people, person_id)} ({n})" for person_id, n in ordered)


def _days(days: list[date]) -> str:
    """ "3 de febrero, 3 de marzo y 7 de abril de 2009": the year once when they share it."""
    if len({d.year for d in days}) == 1:
        parts = [format_date(d).rsplit(" de ", 1)[0] for d in days]
        head = ", ".join(parts[:-1])
        return f"{head} y {parts[-1]} de {days[0].year}" if head else format_date(days[0])
    texts = [format_date(d) for d in days]
    return f"{', '.join(texts[:-1])} y {texts[-1]}" if len(texts) > 1 else texts[0]


# --- avances ---------------------------------------------------------------------------------


def _attendance(r: MeetingRecord) -> str:
    total = sum(r.attendance.values())
    if not total:
        return "sin llamado a lista registrado"
    present = r.attendance[Attendance.PRESENTE.value]
    text = f"asistieron {present} de {total}"
    excused = r.attendance[Attendance.EXCUSA.value]
    if excused:
        text += f" ({excused} con excusa)"
    if r.meeting.quorum is not None:
        text += ", con quórum" if r.meeting.quorum else ", sin quórum"
    return text


def meetings_row(meetings: list[MeetingRecord], people: dict[int, Person]) -> InformeRow | None:
    """One row for every meeting of the period, as the seed's «Reuniones permanentes»."""
    if not meetings:
        return None
    days = [r.meeting.held_on for r in meetings]
    decisions = [(r.meeting.held_on, " ".join(d.split())) for r in meetings for d in r.decisions]
    assigned = sum(r.assigned for r in meetings)
    held = "una vez" if len(days) == 1 else f"{len(days)} veces"
    summary = f"El Comité se reunió {held} en el período para revisar los avances de la "
    summary += "Estrategia, tomar decisiones y asignar compromisos"
    counts = []
    if decisions:
        verb = "se tomó" if len(decisions) == 1 else "se tomaron"
        counts.append(f"{verb} {plural(len(decisions), 'decisión', 'decisiones')}")
    if assigned:
        verb = "se asignó" if assigned == 1 else "se asignaron"
        counts.append(f"{verb} {plural(assigned, 'compromiso', 'compromisos')}")
    listed = None
    if decisions:
        listed = "Decisiones: " + "; ".join(
            f"{text.rstrip('.;')} ({format_date(day).rsplit(' de ', 1)[0]})"
            for day, text in decisions
        )
    traces = []
    for r in meetings:
        m = r.meeting
        how = (
            f"registrada después por {name_of(people, m.opened_by_id)}"
            if m.after_the_fact
            else f"convocada y abierta por {name_of(people, m.opened_by_id)}"
        )
        traces.append(f"Acta de la reunión del {format_date(m.held_on)}: {how}; {_attendance(r)}.")
    return InformeRow(
        accion=MEETINGS_ACCION,
        resultado=sentences(summary, " y ".join(counts).capitalize() or None, listed),
        fecha=days[0],
        fecha_texto="\n".join(fecha_dia(d) for d in days),
        source="\n".join(traces),
        row_key=MEETINGS_KEY,
    )


def _evidence(c_evidence: str | None, kind: str | None, result: str) -> str | None:
    """The evidence, unless the result already says it (no «…/mision. Evidencia: …/mision.»)."""
    if not c_evidence or c_evidence in result:
        return None
    if kind == "documento":
        return f"Evidencia: documento «{c_evidence}»"
    if kind == "foto":
        return "Evidencia: fotografía enviada al grupo del Comité"
    return f"Evidencia: {c_evidence}"


def _compromiso_origin(r: CompromisoRecord, record: Record, tz: tzinfo) -> str:
    c = r.compromiso
    if c.meeting_id in record.meeting_days:
        held = record.meeting_days[c.meeting_id]
        text = f"Compromiso asignado en la reunión del {format_date(held)}"
    else:
        text = f"Compromiso registrado el {format_date(local_day(c.created_at, tz))}"
    text += f" por {name_of(record.people, c.created_by_id)}"
    return f"{text}; responsable: {compromiso_domain.responsable_label(c)}"


def done_row(r: CompromisoRecord, record: Record, tz: tzinfo) -> InformeRow:
    c = r.compromiso
    assert c.closed_at is not None
    closed = local_day(c.closed_at, tz)
    result = " ".join((c.result or "Cumplido").split())
    source = f"{_compromiso_origin(r, record, tz)}; cumplido el {format_date(closed)}, según "
    source += name_of(record.people, r.done_by)
    if r.done_in_meeting in record.meeting_days:
        source += f" en la reunión del {format_date(record.meeting_days[r.done_in_meeting])}"
    return InformeRow(
        accion=c.description,
        resultado=sentences(result, _evidence(c.evidence, c.evidence_kind, result)),
        fecha=closed,
        fecha_texto=fecha_mes(closed),
        source=f"{source}.",
        row_key=f"compromiso:{c.id}",
    )


def notes_rows(notes: list[NoteRecord]) -> list[InformeRow]:
    """The progress members reported, one row per thing reported on, with how many reports."""
    groups: dict[str, list[NoteRecord]] = defaultdict(list)
    for n in notes:
        author = n.author.signing_name if n.author is not None else "un miembro"
        groups[n.compromiso or n.action or f"Avance reportado por {author}"].append(n)
    rows = []
    for accion, group in groups.items():
        days = [n.note.noted_on for n in group]
        authors = sorted({n.author.signing_name for n in group if n.author is not None})
        count = plural(len(group), "avance reportado", "avances reportados")
        source = f"{count.capitalize()} en el chat del Comité"
        if authors:
            source += f" por {', '.join(authors)}"
        source += f", el {_days(days)}."
        resultado = " ".join(sentences(" ".join(n.note.text.split())) for n in group)
        if len(group) > 1:
            resultado = sentences(f"{count.capitalize()}: {resultado}")
        rows.append(
            InformeRow(
                accion=accion,
                resultado=resultado,
                fecha=min(days),
                fecha_texto=fecha_rango(min(days), max(days)),
                source=source,
                row_key=f"nota:{group[0].note.id}",
            )
        )
    return rows


def item_row(item: SemesterItem, person: Person | None, w: Window, tz: tzinfo) -> InformeRow:
    who = person.signing_name if person is not None else "un miembro"
    source = f"Cuestionario del semestre ({_ITEM_KINDS.get(item.kind, item.kind)}), respondido por "
    source += f"{who} el {format_date(local_day(item.created_at, tz))}"
    if local_day(item.updated_at, tz) != local_day(item.created_at, tz):
        source += f"; corregido el {format_date(local_day(item.updated_at, tz))}"
    pending = PENDING_ITEMS.get(item.kind)
    if pending is not None:
        accion, resultado = pending, item.accion
    else:
        accion, resultado = item.accion, item.resultado or ""
        if item.asistentes is not None and str(item.asistentes) not in resultado:
            resultado = sentences(resultado or None, f"Asistieron {item.asistentes} personas")
    fecha = None if pending else item.fecha
    return InformeRow(
        accion=accion,
        resultado=resultado,
        fecha=fecha,
        fecha_texto=fecha_mes(fecha)
        if fecha
        else (None if pending else fecha_rango(w.start, w.end)),
        source=f"{source}.",
        row_key=f"cuestionario:{item.id}:{item.kind}",
    )


def says_nothing(item: SemesterItem) -> bool:
    """A difficulty or next step answered «ninguna»: nothing to report."""
    return item.kind in PENDING_ITEMS and normalize(item.accion).strip(" .") in _NOTHING


# --- pendientes ------------------------------------------------------------------------------


def pending_row(r: CompromisoRecord, record: Record, issued_on: date, tz: tzinfo) -> InformeRow:
    """A compromiso open when the period ended; «vencido» only if past due on the informe's date."""
    c = r.compromiso
    closed = local_day(c.closed_at, tz) if c.closed_at is not None else None
    if closed is not None and closed <= issued_on:
        outcome = "cumplido" if c.status == "cumplido" else "cerrado"
        status = f"Quedó abierto al cierre del período; {outcome} el {format_date(closed)}"
        overdue = False
    else:
        status = _STATUS.get(c.status, c.status)
        overdue = c.due_on < issued_on
    rescheduled = f"Reprogramado {plural(r.rescheduled, 'vez', 'veces')}" if r.rescheduled else None
    return InformeRow(
        accion=c.description,
        resultado=sentences(
            status, f"Responsable: {compromiso_domain.responsable_label(c)}", rescheduled
        ),
        fecha=c.due_on,
        fecha_texto=f"{fecha_dia(c.due_on)}{' (vencido)' if overdue else ''}",
        source=f"{_compromiso_origin(r, record, tz)}.",
        row_key=f"compromiso:{c.id}",
    )

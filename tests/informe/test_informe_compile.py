"""Compiling the informe from the record: the exact rows of a known semester, and its cost."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select

from gelbot.domain.errors import DomainError
from gelbot.domain.informe_periods import InformeKind, InformePeriod
from gelbot.informe import drafts
from gelbot.informe.compile import compile_informe
from gelbot.informe.document import Firma, InformeDocument
from gelbot.models import (
    Attendance,
    Committee,
    Compromiso,
    Decision,
    Indicator,
    IndicatorReading,
    Meeting,
    MeetingAttendance,
    Membership,
    Person,
    ProgressNote,
    SemesterItem,
)
from gelbot.services import Services
from tests.support.informe_world import (
    AFTER,
    END,
    START,
    Semester,
    at,
    database_url,
    semester,
    semester_file,
)

__all__ = ["database_url", "semester", "semester_file"]  # fixtures this module uses


async def _compile(
    services: Services, s: Semester, start: date = START, end: date = END, *,
    now: datetime = AFTER, kind: InformeKind = "semestral",
) -> InformeDocument:  # fmt: skip
    async with services.transaction() as session:
        committee = await session.get(Committee, s.committee_id)
        assert committee is not None
        return await compile_informe(
            session,
            committee,
            kind=kind,
            start=start,
            end=end,
            now=now,
        )


async def _answer_ids(services: Services) -> tuple[int | None, dict[str, int | None]]:
    async with services.transaction() as session:
        note = await session.scalar(select(ProgressNote))
        items = {i.kind: i.answer_id for i in await session.scalars(select(SemesterItem))}
    assert note is not None
    return note.answer_id, items


LABEL = "Febrero – julio de 2009"


def _table(rows: list[Any]) -> list[tuple[str, str, str, date | None, str | None]]:
    return [(r.row_key, r.accion, r.resultado, r.fecha, r.fecha_texto) for r in rows]


async def test_the_known_semester_yields_exactly_its_rows(
    services: Services, semester: Semester
) -> None:
    s = semester
    doc = await _compile(services, s)
    c1, c2, c3 = s.compromisos["C1"], s.compromisos["C2"], s.compromisos["C3"]
    items = s.items
    assert _table(doc.rows) == [
        # One row for every meeting of the period, with every date (seed 000's FECHA cell).
        ("reuniones", "Reuniones permanentes del Comité de Gobierno en Línea",
         "El Comité se reunió 2 veces en el período para revisar los avances de la Estrategia, "
         "tomar decisiones y asignar compromisos. Se tomó 1 decisión y se asignaron 2 "
         "compromisos. Decisiones: Aprobar el plan de acción (27 de febrero).",
         date(2009, 2, 27), "27 de febrero de 2009\n14 de abril de 2009"),
        # The full result, the evidence once, the month as FECHA.
        (f"compromiso:{c1}", "Publicar el directorio de funcionarios",
         "Directorio publicado en el sitio web. Evidencia: "
         "https://nortedesantander.gov.co/directorio.", date(2009, 3, 10), "Marzo de 2009"),
        (f"nota:{s.note_id}", "Solicitar la línea de atención gratuita",
         "Se pidió la línea con la orden No. 75187.", date(2009, 5, 5), "Mayo de 2009"),
        (f"cuestionario:{items['taller']}:taller",
         "Conferencias de sensibilización para los funcionarios",
         "Conferencias de 2 horas para todas las dependencias. Asistieron 224 personas.",
         date(2009, 5, 15), "Mayo de 2009"),
        ("indicador:sitio_web_semanal", "Número de veces que se actualiza el sitio web por semana",
         "Sitio web actualizado 24 de 26 semanas; 2 semanas sin respuesta. Meta: mínimo 1 vez "
         "por semana.", None, "Febrero – Julio de 2009"),
        ("indicador:contratacion_mensual", "Actualización mensual de la contratación",
         "Meta cumplida en 5 de 6 meses. Meta: 1.", None, "Febrero – Julio de 2009"),
        # A range of months, from the first criterion marked in the period to its end.
        ("fase:informacion", "Cumplimiento del 98 % de la Fase de Información",
         "Se cumplen 46 de 47 criterios (98 %). Al inicio del período se cumplían 40 (85 %). "
         "Cumplidos en el período: Manejo de vínculos; Mapa del sitio; Acceso a la página de "
         "inicio; Acceso al menú principal; Nombre de dominio; Marcación y/o etiquetado. Por "
         "cumplir: Tiempo de despliegue.", None, "Marzo – Julio de 2009"),
        ("fase:interaccion", "Cumplimiento del 69 % de la Fase de Interacción",
         "Se cumplen 9 de 13 criterios (69 %). Al inicio del período se cumplían 5 (38 %). "
         "Cumplidos en el período: Información en audio y/o video; Descarga de documentos; "
         "Mecanismos de participación; Ayudas. Por cumplir: Contratación en línea; Formularios "
         "para descarga o diligenciamiento en línea; Etapas de trámites; Etapas de servicios.",
         None, "Junio – Julio de 2009"),
    ]  # fmt: skip
    # Phases with nothing met make no row: they are named once, below the table.
    assert doc.sin_informacion == [
        "la Fase de Transacción", "la Fase de Transformación", "la Fase de Democracia"
    ]  # fmt: skip
    assert _table(doc.pendientes) == [
        # Due before the informe's date but cumplido by then: not «vencido»; the date said once.
        (f"compromiso:{c3}", "Convenio con las entidades bancarias",
         "Quedó abierto al cierre del período; cumplido el 5 de agosto de 2009. Responsable: "
         "Beto Ruiz (Secretario de Planeación).", date(2009, 6, 30), "30 de junio de 2009"),
        (f"compromiso:{c2}", "Solicitar la línea de atención gratuita",
         "Abierto. Responsable: Beto Ruiz (Secretario de Planeación). Reprogramado 1 vez.",
         date(2009, 9, 30), "30 de septiembre de 2009"),
        (f"cuestionario:{items['dificultad']}:dificultad", "Dificultades del período",
         "La GTZ no podrá colaborar más", None, None),
        (f"cuestionario:{items['proximo_paso']}:proximo_paso", "Próximos pasos",
         "Instalar la línea gratuita", None, None),
    ]  # fmt: skip
    assert [(p.name, round(p.start_share, 2), round(p.end_share, 2)) for p in doc.phases] == [
        ("Información", 0.85, 0.98), ("Interacción", 0.38, 0.69), ("Transacción", 0.0, 0.0),
        ("Transformación", 0.0, 0.0), ("Democracia", 0.0, 0.0),
    ]  # fmt: skip
    assert (doc.entity, doc.city, doc.kind, doc.title, doc.issued_on, doc.firmas) == (
        "Gobernación de Norte de Santander", "Cúcuta", "semestral",
        "Informe Final de Gobierno en Línea", date(2009, 8, 10),
        [Firma("Ana Pérez", "Coordinadora GEL")],
    )  # fmt: skip
    # The framework's norms, principles and phases (gelbot/data/informe/decreto_1151.yaml).
    assert "el Decreto 1151 de 2008 define el accionar" in doc.introduccion
    assert "Los principios que rigen la Estrategia de Gobierno en Línea son seis" in (
        doc.introduccion
    )
    assert (
        "consta de cinco fases de desarrollo: información, interacción, transacción, "
        "transformación y democracia." in doc.introduccion
    )
    assert "entre febrero y julio de 2009" in doc.introduccion
    assert doc.objetivo_general.startswith(
        "Establecer los avances de la implementación de la Estrategia de Gobierno en Línea en "
        "la entidad Gobernación de Norte de Santander durante el período comprendido entre "
        "febrero y julio de 2009"
    )
    assert len(doc.objetivos) == 4


async def test_every_row_traces_to_who_said_it_when_and_where(
    services: Services, semester: Semester
) -> None:
    s = semester
    doc = await _compile(services, s)
    sources = {row.row_key: row.source for row in [*doc.rows, *doc.pendientes]}
    c1, c2 = s.compromisos["C1"], s.compromisos["C2"]
    assert sources["reuniones"] == (
        "Acta de la reunión del 27 de febrero de 2009: convocada y abierta por Ana Pérez; "
        "asistieron 2 de 4 (1 con excusa), sin quórum.\n"
        "Acta de la reunión del 14 de abril de 2009: registrada después por Ana Pérez; "
        "asistieron 3 de 4, con quórum."
    )
    assert sources[f"compromiso:{c1}"] == (
        "Compromiso asignado en la reunión del 27 de febrero de 2009 por Ana Pérez; "
        "responsable: Carla Gómez (Encargada del sitio web); cumplido el 10 de marzo de 2009, "
        "según Carla Gómez."
    )
    assert sources[f"compromiso:{c2}"].startswith(
        "Compromiso asignado en la reunión del 27 de febrero de 2009 por Ana Pérez"
    )
    assert sources[f"nota:{s.note_id}"] == (
        "1 avance reportado en el chat del Comité por Beto Ruiz, el 5 de mayo de 2009."
    )
    assert sources[f"cuestionario:{s.items['taller']}:taller"] == (
        "Cuestionario del semestre (taller o capacitación), respondido por Ana Pérez el 24 de "
        "julio de 2009."
    )
    # The annex agrees with the table: 24 + 2 = 26 weeks; 20 + 4 = 24 answers.
    assert sources["indicador:sitio_web_semanal"] == (
        "Preguntas de seguimiento sobre 26 semanas: respondieron Carla Gómez (20), Beto Ruiz "
        "(4); 2 preguntas quedaron sin respuesta."
    )
    assert sources["fase:interaccion"] == (
        "Criterios de la Fase de Interacción marcados como cumplidos: 9 de 13; 4 criterios "
        "marcados en el período por Dora Díaz (4)."
    )
    # Never an internal key, a command or a database id in the annex.
    for source in sources.values():
        assert not re.search(r"\w+:\w|/\w|#\d", source.replace("https://", "")), source


async def test_nothing_outside_the_period_and_nothing_cancelled(
    services: Services, semester: Semester
) -> None:
    doc = await _compile(services, semester)
    keys = [row.row_key for row in [*doc.rows, *doc.pendientes]]
    assert len(keys) == len(set(keys))
    assert f"reunion:{semester.meetings['enero']}" not in keys
    assert f"compromiso:{semester.compromisos['C0']}" not in keys  # cumplido in January
    assert f"compromiso:{semester.compromisos['C4']}" not in keys  # cancelled
    # The same record compiles to the same document.
    assert await _compile(services, semester) == doc


async def test_a_trimestral_informe_and_a_running_period(
    services: Services, semester: Semester
) -> None:
    s = semester
    quarter = await _compile(services, s, date(2009, 5, 1), date(2009, 7, 31), kind="trimestral")
    assert quarter.title == "Informe de gestión del Plan de Acción de Gobierno en Línea"
    assert [r.row_key for r in quarter.rows] == [
        f"nota:{s.note_id}", f"cuestionario:{s.items['taller']}:taller",
        "indicador:sitio_web_semanal", "indicador:contratacion_mensual",
        "fase:informacion", "fase:interaccion",
    ]  # fmt: skip
    rows = {r.row_key: r for r in quarter.rows}
    assert rows["indicador:sitio_web_semanal"].resultado.startswith(
        "Sitio web actualizado 12 de 13 semanas; 1 semana sin respuesta."
    )
    assert rows["fase:informacion"].source.endswith(
        "sin cambios desde antes del 1 de mayo de 2009."
    )
    assert [r.row_key for r in quarter.pendientes][-2:] == [
        f"cuestionario:{s.items['dificultad']}:dificultad",
        f"cuestionario:{s.items['proximo_paso']}:proximo_paso",
    ]

    # Compiled on 20 March, mid-period: only what happened so far; C1 done, C2 open.
    march = at(date(2009, 3, 20), 12)
    running = await _compile(services, s, now=march)
    assert [r.row_key for r in running.rows] == [
        "reuniones", f"compromiso:{s.compromisos['C1']}",
        "indicador:sitio_web_semanal", "indicador:contratacion_mensual", "fase:informacion",
        "fase:interaccion",
    ]  # fmt: skip
    running_rows = {r.row_key: r for r in running.rows}
    # The week of 16 March is still running and unanswered: not a missed week yet.
    assert running_rows["indicador:sitio_web_semanal"].resultado.startswith(
        "Sitio web actualizado 6 de 6 semanas."
    )
    pendientes = [r.row_key for r in running.pendientes]
    assert f"compromiso:{s.compromisos['C2']}" in pendientes
    assert f"compromiso:{s.compromisos['C3']}" not in pendientes  # created in May
    phases = {p.name: p for p in running.phases}
    assert round(phases["Información"].end_share * 47) == 46
    assert round(phases["Interacción"].end_share * 13) == 5  # marked in June, not yet


@contextmanager
def counting(services: Services) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    engine = services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def _older_history(services: Services, s: Semester, years: int) -> None:
    """Add `years` of earlier history (2003 on): what the informe must not pay for."""
    now = datetime(2008, 12, 31, tzinfo=UTC)
    async with services.transaction() as session:
        members = list(
            await session.scalars(
                select(Membership.id).where(Membership.committee_id == s.committee_id)
            )
        )
        site = await session.scalar(select(Indicator).where(Indicator.key == "sitio_web_semanal"))
        assert site is not None
        for month in range(12 * years):
            day = date(2003 + month // 12, month % 12 + 1, 10)
            meeting = Meeting(
                committee_id=s.committee_id, held_on=day, status="cerrada", started_at=at(day),
                closed_at=at(day, 11), quorum=True, opened_by_id=s.people["Ana"],
                review_messages=[],
            )  # fmt: skip
            session.add(meeting)
            await session.flush()
            await session.execute(
                insert(MeetingAttendance),
                [{"meeting_id": meeting.id, "membership_id": m, "status": Attendance.PRESENTE.value,
                  "recorded_at": now} for m in members],
            )  # fmt: skip
            session.add(Decision(meeting_id=meeting.id, text="Seguir", created_at=now))
            await session.execute(
                insert(Compromiso),
                [{"committee_id": s.committee_id, "description": f"Tarea {n}", "due_on": day,
                  "status": "cumplido", "result": "Hecho", "meeting_id": meeting.id,
                  "created_at": at(day), "closed_at": at(day + timedelta(days=5)),
                  "created_by_id": s.people["Ana"]} for n in range(15)],
            )  # fmt: skip
        await session.execute(
            insert(IndicatorReading),
            [{"indicator_id": site.id, "period_start": date(2003, 1, 6) + timedelta(weeks=w),
              "period_end": date(2003, 1, 12) + timedelta(weeks=w), "value": 1.0,
              "status": "respondido", "person_id": s.people["Carla"], "recorded_at": now}
             for w in range(52 * years)],
        )  # fmt: skip
        session.add(
            ProgressNote(
                committee_id=s.committee_id, person_id=s.people["Beto"], text="Antiguo",
                run_id=1, effect_key="viejo", noted_on=date(2004, 3, 3), created_at=now,
                updated_at=now,
            )
        )  # fmt: skip


async def test_the_cost_is_bounded_by_the_period_not_the_history(
    services: Services, semester: Semester
) -> None:
    with counting(services) as before:
        doc = await _compile(services, semester)
    await _older_history(services, semester, years=5)
    with counting(services) as after:
        again = await _compile(services, semester)
    assert again == doc
    assert len(after) == len(before) <= 20, after
    print(f"{len(before)} queries")


# --- the review's edits --------------------------------------------------------------------------


async def test_edits_leave_rows_out_rewrite_them_and_are_kept_for_the_period(
    services: Services, semester: Semester
) -> None:
    s = semester
    period = InformePeriod("semestral", START, END)
    meeting_key = "reuniones"
    pending_key = f"cuestionario:{s.items['dificultad']}:dificultad"
    async with services.transaction() as session:
        committee = await session.get(Committee, s.committee_id)
        ana = await session.get(Person, s.people["Ana"])
        assert committee is not None and ana is not None
        draft = await drafts.open_draft(session, committee, period, person=ana, now=AFTER)
        doc, edits, _ = await drafts.prepared(session, committee, draft, now=AFTER)
        assert draft.row_keys == [r.row_key for r in [*doc.rows, *doc.pendientes]]
        assert await drafts.toggle_excluded(session, draft, meeting_key, ana, AFTER) is True
        assert await drafts.toggle_excluded(session, draft, pending_key, ana, AFTER) is True
        assert not await drafts.rewrite(
            session, draft, "fase:informacion", "  Falta el  banco de proyectos. ", ana, AFTER
        )
        with pytest.raises(DomainError) as empty:
            await drafts.rewrite(session, draft, "fase:informacion", " \n ", ana, AFTER)
        assert empty.value.details["motivo"] == "vacio"
        with pytest.raises(DomainError) as long:
            await drafts.rewrite(session, draft, "fase:informacion", "x" * 3001, ana, AFTER)
        assert long.value.details["motivo"] == "largo"

    async with services.transaction() as session:
        committee = await session.get(Committee, s.committee_id)
        assert committee is not None
        stored = await drafts.edited_document(session, committee, period, now=AFTER)
        other = await drafts.edited_document(
            session, committee, replace(period, end=date(2009, 8, 31)), now=AFTER
        )
    assert meeting_key not in [r.row_key for r in stored.rows]
    assert pending_key not in [r.row_key for r in stored.pendientes]
    phase = next(r for r in stored.rows if r.row_key == "fase:informacion")
    assert phase.resultado == "Falta el banco de proyectos."
    assert len(stored.rows) == len(doc.rows) - 1
    # Another window is another informe: it starts without edits.
    assert meeting_key in [r.row_key for r in other.rows]

    async with services.transaction() as session:
        committee = await session.get(Committee, s.committee_id)
        ana = await session.get(Person, s.people["Ana"])
        assert committee is not None and ana is not None
        draft = await drafts.open_draft(session, committee, period, person=ana, now=AFTER)
        assert await drafts.toggle_excluded(session, draft, meeting_key, ana, AFTER) is False
        assert await drafts.rewrite(session, draft, "fase:informacion", "Original", ana, AFTER)
        doc2, edits, manual = await drafts.prepared(session, committee, draft, now=AFTER)
        rows = drafts.review(draft, doc2, edits, manual)
    assert drafts.edited(doc2, edits).rows == doc.rows
    assert [(r.number, r.section) for r in rows][-4:] == [
        (9, "pendiente"),
        (10, "pendiente"),
        (11, "pendiente"),
        (12, "pendiente"),
    ]
    assert [r.excluded for r in rows].count(True) == 1  # the difficulty is still left out
    assert not any(r.rewritten for r in rows)


async def test_a_corrected_attendance_shows_in_the_next_compilation(
    services: Services, semester: Semester
) -> None:
    """The informe keeps no copy of the roll call: a correction to the record is what it says."""
    s = semester
    async with services.transaction() as session:
        dora = await session.scalar(
            select(Membership).where(Membership.person_id == s.people["Dora"])
        )
        assert dora is not None
        # Dora came to the February meeting after all (as reopening the meeting would record).
        row = await session.scalar(
            select(MeetingAttendance).where(
                MeetingAttendance.meeting_id == s.meetings["febrero"],
                MeetingAttendance.membership_id == dora.id,
            )
        )
        assert row is not None and row.status == Attendance.AUSENTE.value
        row.status = Attendance.PRESENTE.value
    doc = await _compile(services, s)
    [meetings] = [r for r in doc.rows if r.row_key == "reuniones"]
    assert meetings.source.splitlines()[0] == (
        "Acta de la reunión del 27 de febrero de 2009: convocada y abierta por Ana Pérez; "
        "asistieron 3 de 4 (1 con excusa), sin quórum."
    )


async def test_merges_chain_into_one_row_and_come_apart(
    services: Services, semester: Semester
) -> None:
    s = semester
    period = InformePeriod("semestral", START, END)
    note, taller = f"nota:{s.note_id}", f"cuestionario:{s.items['taller']}:taller"
    c1 = f"compromiso:{s.compromisos['C1']}"
    async with services.transaction() as session:
        committee = await session.get(Committee, s.committee_id)
        ana = await session.get(Person, s.people["Ana"])
        assert committee is not None and ana is not None
        draft = await drafts.open_draft(session, committee, period, person=ana, now=AFTER)
        await drafts.prepared(session, committee, draft, now=AFTER)
        await drafts.merge(session, draft, [taller, note], ana, AFTER)
        # The row that received another is merged in turn: both end up in C1's row.
        await drafts.merge(session, draft, [c1, taller], ana, AFTER)
        doc = await drafts.edited_document(session, committee, period, now=AFTER)
        [row] = [r for r in doc.rows if r.row_key == c1]
        assert row.resultado.splitlines() == [
            "Directorio publicado en el sitio web. Evidencia: "
            "https://nortedesantander.gov.co/directorio.",
            "Se pidió la línea con la orden No. 75187.",
            "Conferencias de 2 horas para todas las dependencias. Asistieron 224 personas.",
        ]
        assert row.fecha_texto == "Marzo – Mayo de 2009"
        assert len(row.source.splitlines()) == 3  # the annex keeps every trace
        assert note not in [r.row_key for r in doc.rows]
        # «Incluir» on a merged row takes it back out of the merge.
        await drafts.toggle_excluded(session, draft, note, ana, AFTER)
        again = await drafts.edited_document(session, committee, period, now=AFTER)
    assert note in [r.row_key for r in again.rows]
    assert len(again.rows) == len(doc.rows) + 1

"""Compiling the informe from the record: the exact rows of a known semester, and its cost."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select

from gelbot.domain.committees import DomainError
from gelbot.informe import drafts
from gelbot.informe.compile import compile_informe
from gelbot.informe.document import InformeDocument, InformeKind
from gelbot.informe.periods import InformePeriod
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
from tests.informe_world import (
    AFTER,
    END,
    START,
    Built,
    Semester,
    at,
    semester,
    semester_file,
    with_semester,
)

__all__ = ["semester", "semester_file"]  # fixtures this module uses


@pytest.fixture
def database_url(database_url: str, semester_file: Built | None) -> str:
    return with_semester(database_url, semester_file)


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
        (f"reunion:{s.meetings['febrero']}", "Reunión del Comité de Gobierno en Línea",
         "Asistieron 2 de 4 miembros convocados (1 con excusa), sin quórum. Decisiones: Aprobar "
         "el plan de acción. Se asignaron 2 compromisos.", date(2009, 2, 27), None),
        (f"compromiso:{c1}", "Publicar el directorio de funcionarios",
         "Directorio publicado en el sitio web. Evidencia: "
         "https://nortedesantander.gov.co/directorio.", date(2009, 3, 10), None),
        (f"reunion:{s.meetings['abril']}", "Reunión del Comité de Gobierno en Línea",
         "Asistieron 3 de 4 miembros convocados, con quórum.", date(2009, 4, 14), None),
        (f"nota:{s.note_id}", "Solicitar la línea de atención gratuita",
         "Se pidió la línea con la orden No. 75187", date(2009, 5, 5), None),
        (f"cuestionario:{items['taller']}:taller",
         "Conferencias de sensibilización para los funcionarios",
         "Conferencias de 2 horas para todas las dependencias. Asistentes: 224.",
         date(2009, 5, 15), None),
        ("indicador:sitio_web_semanal", "Número de veces que se actualiza el sitio web por semana",
         "Sitio web actualizado 24 de 26 semanas; 2 semanas sin respuesta. Meta: mínimo 1 vez "
         "por semana.", None, LABEL),
        ("indicador:contratacion_mensual", "Actualización mensual de la contratación",
         "Meta cumplida en 5 de 6 meses. Meta: 1.", None, LABEL),
        ("fase:informacion", "Cumplimiento del 98 % de la Fase de Información",
         "Se cumplen 46 de 47 criterios (98 %); al inicio del período, 40 (85 %). Cumplidos en el "
         "período: Manejo de vínculos; Mapa del sitio; Acceso a la página de inicio; Acceso al "
         "menú principal; Nombre de dominio; Marcación y/o etiquetado. Pendientes: Tiempo de "
         "despliegue.", None, LABEL),
        ("fase:interaccion", "Cumplimiento del 69 % de la Fase de Interacción",
         "Se cumplen 9 de 13 criterios (69 %); al inicio del período, 5 (38 %). Cumplidos en el "
         "período: Información en audio y/o video; Descarga de documentos; Mecanismos de "
         "participación; Ayudas. Pendientes: Contratación en línea; Formularios para descarga o "
         "diligenciamiento en línea; Etapas de trámites; Etapas de servicios.", None, LABEL),
    ]  # fmt: skip
    assert _table(doc.pendientes) == [
        (f"compromiso:{c3}", "Convenio con las entidades bancarias",
         "Abierto al cierre del período (cumplido el 5 de agosto de 2009). Responsable: Beto "
         "Ruiz (Secretario de Planeación). Vence el 30 de junio de 2009 (vencido).",
         date(2009, 6, 30), "Vence el 30 de junio de 2009"),
        (f"compromiso:{c2}", "Solicitar la línea de atención gratuita",
         "Abierto. Responsable: Beto Ruiz (Secretario de Planeación). Vence el 30 de septiembre "
         "de 2009. Reprogramado 1 vez.", date(2009, 9, 30), "Vence el 30 de septiembre de 2009"),
        (f"cuestionario:{items['dificultad']}:dificultad", "Dificultades del período",
         "La GTZ no podrá colaborar más", None, LABEL),
        (f"cuestionario:{items['proximo_paso']}:proximo_paso", "Próximos pasos",
         "Instalar la línea gratuita", None, LABEL),
    ]  # fmt: skip
    assert [(p.name, round(p.start_share, 2), round(p.end_share, 2)) for p in doc.phases] == [
        ("Información", 0.85, 0.98), ("Interacción", 0.38, 0.69), ("Transacción", 0.0, 0.0),
        ("Transformación", 0.0, 0.0), ("Democracia", 0.0, 0.0),
    ]  # fmt: skip
    assert (doc.entity, doc.city, doc.kind, doc.title, doc.issued_on, doc.coordinador) == (
        "Gobernación de Norte de Santander", "Cúcuta", "semestral",
        "Informe de Gobierno en Línea", date(2009, 8, 10), "Ana Pérez",
    )  # fmt: skip
    assert "febrero y julio de 2009" in doc.introduccion


async def test_every_row_traces_to_who_said_it_when_and_where(
    services: Services, semester: Semester
) -> None:
    s = semester
    doc = await _compile(services, s)
    note_answer, item_answers = await _answer_ids(services)
    sources = {row.row_key: row.source for row in [*doc.rows, *doc.pendientes]}
    c1, c2 = s.compromisos["C1"], s.compromisos["C2"]
    assert sources[f"reunion:{s.meetings['febrero']}"] == (
        f"Acta de la reunión del 27 de febrero de 2009 (reunión #{s.meetings['febrero']}), "
        "abierta por Ana Pérez y cerrada por Ana Pérez."
    )
    assert sources[f"reunion:{s.meetings['abril']}"] == (
        f"Acta de la reunión del 14 de abril de 2009 (reunión #{s.meetings['abril']}), "
        "registrada después por Ana Pérez el 16 de abril de 2009 y cerrada por Ana Pérez."
    )
    assert sources[f"compromiso:{c1}"] == (
        f"Compromiso #{c1}, registrado por Ana Pérez el 27 de febrero de 2009 en la reunión del "
        "27 de febrero de 2009; responsable: Carla Gómez (Encargada del sitio web); marcado "
        "cumplido por Carla Gómez el 10 de marzo de 2009."
    )
    assert sources[f"compromiso:{c2}"].startswith(f"Compromiso #{c2}, registrado por Ana Pérez")
    assert sources[f"nota:{s.note_id}"] == (
        f"Avance reportado por Beto Ruiz el 5 de mayo de 2009 con /avance (respuesta "
        f"#{note_answer})."
    )
    assert sources[f"cuestionario:{s.items['taller']}:taller"] == (
        "Cuestionario del semestre (taller o capacitación), respondido por Ana Pérez el 24 de "
        f"julio de 2009 (respuesta #{item_answers['taller']})."
    )
    assert sources["indicador:sitio_web_semanal"] == (
        "Lecturas del indicador «sitio_web_semanal» en febrero – julio de 2009: respondieron "
        "Carla Gómez (20), Beto Ruiz (4); 2 recordatorios quedaron sin respuesta."
    )
    assert sources["fase:interaccion"] == (
        "Criterios marcados en gelbot (/criterio): 4 cambios en el período, por Dora Díaz (4)."
    )


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
    assert rows["fase:informacion"].source.endswith("sin cambios en el período.")
    assert [r.row_key for r in quarter.pendientes][-2:] == [
        f"cuestionario:{s.items['dificultad']}:dificultad",
        f"cuestionario:{s.items['proximo_paso']}:proximo_paso",
    ]

    # Compiled on 20 March, mid-period: only what happened so far; C1 done, C2 open.
    march = at(date(2009, 3, 20), 12)
    running = await _compile(services, s, now=march)
    assert [r.row_key for r in running.rows] == [
        f"reunion:{s.meetings['febrero']}", f"compromiso:{s.compromisos['C1']}",
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
    meeting_key = f"reunion:{s.meetings['abril']}"
    pending_key = f"cuestionario:{s.items['dificultad']}:dificultad"
    async with services.transaction() as session:
        committee = await session.get(Committee, s.committee_id)
        ana = await session.get(Person, s.people["Ana"])
        assert committee is not None and ana is not None
        draft = await drafts.open_draft(session, committee, period, person=ana, now=AFTER)
        doc, edits = await drafts.prepared(session, committee, draft, now=AFTER)
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
        doc2, edits = await drafts.prepared(session, committee, draft, now=AFTER)
        rows = drafts.review(draft, doc2, edits)
    assert drafts.edited(doc2, edits).rows == doc.rows
    assert [(r.number, r.section) for r in rows][-4:] == [
        (10, "pendiente"),
        (11, "pendiente"),
        (12, "pendiente"),
        (13, "pendiente"),
    ]
    assert [r.excluded for r in rows].count(True) == 1  # the difficulty is still left out
    assert not any(r.rewritten for r in rows)

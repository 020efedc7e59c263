"""A committee born mid-semester: only what was asked makes a row, nothing counts before it
existed, and «vencido» is said only of what is past due on the informe's date."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

from pypdf import PdfReader
from sqlalchemy import select

from gelbot.domain import committees, compromiso_drafts, indicators, meetings
from gelbot.domain.committees import PersonInfo
from gelbot.domain.compromisos import Responsable
from gelbot.informe.compile import compile_informe
from gelbot.informe.document import InformeDocument
from gelbot.informe.measures import compliance_rows
from gelbot.informe.render import render_markdown, render_pdf
from gelbot.models import Committee, Person, Role
from gelbot.services import Services
from tests.support.informe_world import BOGOTA, at

START, END = date(2009, 2, 1), date(2009, 7, 31)


async def _ocana(services: Services) -> int:
    """Registered on 2 March 2009; its site indicator has a reading imported for the week before,
    two weeks answered, one unanswered; a daily review and a monthly one nobody was ever asked
    about, or only asked and never answered; two compromisos open."""
    async with services.transaction() as session:
        registered = at(date(2009, 3, 2))
        ana = await committees.upsert_person(
            session, PersonInfo(2001, "Ana", "ana", "Quintero"), now=registered
        )
        committee, _ = await committees.register_committee(
            session, chat_id=-5001, entity_name="Alcaldía de Ocaña", founder=ana, now=registered
        )
        member, _ = await committees.join(session, committee, ana, "Coordinadora", now=registered)
        member.role = Role.COORDINADOR.value
        site = await indicators.ensure_indicator(
            session, committee, indicators.SITIO_WEB_SEMANAL, "Actualización del sitio web", 1,
            "semanal",
        )  # fmt: skip
        # A week before the committee existed (an import): it must not count.
        await indicators.record_reading(session, site, date(2009, 2, 23), 1, ana, None, registered)
        for week, value in ((date(2009, 3, 2), 1), (date(2009, 3, 9), 0)):
            await indicators.record_reading(
                session, site, week, value, ana, None, at(week + timedelta(days=8))
            )
        await indicators.record_no_answer(session, site, date(2009, 3, 16), at(date(2009, 3, 24)))
        await indicators.ensure_indicator(
            session, committee, "revision_diaria", "Revisión diaria", 1, "semanal"
        )
        quejas = await indicators.ensure_indicator(
            session, committee, "quejas", "Quejas recibidas", 10, "mensual"
        )
        await indicators.record_no_answer(session, quejas, date(2009, 3, 1), at(date(2009, 4, 2)))
        for text, due in (("Publicar el directorio", date(2009, 4, 1)),
                          ("Solicitar la línea gratuita", date(2009, 4, 15))):  # fmt: skip
            draft = await compromiso_drafts.create_draft(
                session, committee, ana, responsable=Responsable(member, member.cargo),
                description=text, due_on=due, meeting_id=None, now=registered,
            )  # fmt: skip
            await compromiso_drafts.confirm_draft(session, draft, ana, now=registered)
        return committee.id


async def _compile(services: Services, committee_id: int, now: datetime) -> InformeDocument:
    async with services.transaction() as session:
        committee = await session.get(Committee, committee_id)
        assert committee is not None
        return await compile_informe(
            session, committee, kind="semestral", start=START, end=END, now=now
        )


async def test_only_what_was_asked_and_answered_since_the_committee_existed(
    services: Services,
) -> None:
    committee_id = await _ocana(services)
    doc = await _compile(services, committee_id, at(date(2009, 4, 10), 12))
    assert [(r.row_key, r.resultado, r.fecha_texto) for r in doc.rows] == [
        # Three weeks asked since 2 March (the imported February week is not one of them).
        ("indicador:sitio_web_semanal",
         "Sitio web actualizado 1 de 3 semanas; 1 semana sin respuesta. Meta: 1.",
         "Marzo de 2009"),
    ]  # fmt: skip
    # Never asked, and asked but never answered: named once, below the table.
    assert doc.sin_informacion[:2] == ["Revisión diaria", "Quejas recibidas"]
    assert not any("0 de" in r.resultado for r in doc.rows)
    # The annex says the same numbers as the table.
    [site] = doc.rows
    assert site.source == (
        "Preguntas de seguimiento sobre 3 semanas: respondieron Ana Quintero (2); 1 pregunta "
        "quedó sin respuesta."
    )
    answered = int(re.search(r"\((\d+)\)", site.source)[1])  # type: ignore[index]
    unanswered = int(re.search(r"; (\d+) semana sin respuesta", site.resultado)[1])  # type: ignore[index]
    assert answered + unanswered == 3


async def test_vencido_only_when_past_due_on_the_informes_date(services: Services) -> None:
    committee_id = await _ocana(services)
    early = await _compile(services, committee_id, at(date(2009, 4, 10), 12))
    assert [(r.accion, r.fecha_texto) for r in early.pendientes] == [
        ("Publicar el directorio", "1 de abril de 2009 (vencido)"),
        ("Solicitar la línea gratuita", "15 de abril de 2009"),
    ]
    later = await _compile(services, committee_id, at(date(2009, 4, 20), 12))
    assert [r.fecha_texto for r in later.pendientes] == [
        "1 de abril de 2009 (vencido)", "15 de abril de 2009 (vencido)"
    ]  # fmt: skip
    # Each fact once: the due date is FECHA, never repeated in the result.
    assert all("abril" not in r.resultado for r in later.pendientes)


def test_compliance_rows_take_any_framework_sections() -> None:
    rows, empty = compliance_rows(
        [("la Sección de Transparencia", 9, 12), ("el Anexo de Accesibilidad", 0, 20)],
        "Enero – Junio de 2026",
    )
    assert [(r.accion, r.resultado, r.fecha_texto) for r in rows] == [
        ("Cumplimiento del 75 % de la Sección de Transparencia",
         "Se cumplen 9 de 12 criterios (75 %).", "Enero – Junio de 2026"),
    ]  # fmt: skip
    assert empty == ["el Anexo de Accesibilidad"]


LONG_DECISION = (
    "Aprobar el plan de acción de Gobierno en Línea para la vigencia, con sus indicadores, metas "
    "y responsables, y encargar a la Secretaría de Planeación de presentar cada trimestre el "
    "informe de gestión de su ejecución, que se publicará en el sitio web de la alcaldía para "
    "conocimiento de los ciudadanos y de los organismos de control, según el artículo tercero"
)


async def test_a_long_decision_is_never_cut_in_any_format(services: Services) -> None:
    committee_id = await _ocana(services)
    async with services.transaction() as session:
        committee = await session.get(Committee, committee_id)
        assert committee is not None
        ana = await session.scalar(select(Person).where(Person.telegram_id == 2001))
        assert ana is not None
        day = at(date(2009, 3, 20))
        meeting = await meetings.start_meeting(session, committee, ana, now=day, tz=BOGOTA)
        await meetings.add_decision(session, meeting, LONG_DECISION, ana, now=day)
        await meetings.close_meeting(session, committee, meeting, ana, now=day)
    doc = await _compile(services, committee_id, at(date(2009, 4, 10), 12))
    assert doc.rows[0].row_key == "reuniones"
    assert f"{LONG_DECISION} (20 de marzo)." in doc.rows[0].resultado
    assert f"{LONG_DECISION} (20 de marzo)." in " ".join(render_markdown(doc).split())
    pdf = PdfReader(io.BytesIO(render_pdf(doc)))
    flat = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "organismos de control, según el artículo tercero (20 de marzo)." in flat

"""A known semester (February–July 2009) built through the domain layer, for the informe's tests.

The Gobernación de Norte de Santander, in Cúcuta: Ana coordinates, Beto is Secretario de
Planeación, Carla keeps the web site, Dora is control interno. What happened, in order:
- January: a meeting and a compromiso cumplido, and 40 + 5 criteria met (all before the period);
- 27 February: a meeting (Ana, Beto present; Carla excused; Dora absent), one decision, two
  compromisos assigned (C1 to Carla, C2 to Beto);
- 10 March: C1 cumplido with a link as evidence; 20 March: C4 cancelled;
- 14 April: a meeting recorded after the fact on the 16th; C2 rescheduled to 30 September;
- 4 May: C3 registered outside a meeting; 5 May: Beto reports progress on C2 with /avance;
- 26 weeks of the site indicator (24 updated, 2 unanswered), 6 months of contracting data (5 met);
- criteria: información 40 → 46 of 47 (98 %), interacción 5 → 9 of 13 (69 %);
- 24 July: Ana answers the semester questionnaire (a taller of 15 May with 224 asistentes, a
  difficulty and a next step); 5 August: C3 cumplido, after the period.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.clock import ManualClock
from gelbot.db import make_engine, make_sessionmaker
from gelbot.domain import committees, compromiso_drafts, compromisos, indicators, meetings, phases
from gelbot.domain.committees import PersonInfo
from gelbot.domain.compromisos import Evidence, Responsable
from gelbot.domain.frameworks import default_framework
from gelbot.flows import context as flow_context
from gelbot.flows import loader
from gelbot.flows.answers import Reply
from gelbot.flows.engine import Subject, answer, current_ask, start_flow
from gelbot.models import (
    Attendance,
    Committee,
    Compromiso,
    Membership,
    Person,
    ProgressNote,
    Role,
    SemesterItem,
)
from gelbot.services import Services
from gelbot.settings import Settings
from gelbot.telegram.fake_api import FakeChat, FakeTelegram, FakeUser
from tests.support.harness import Harness

BOGOTA = ZoneInfo("America/Bogota")
START, END = date(2009, 2, 1), date(2009, 7, 31)
AFTER = datetime(2009, 8, 10, 14, 0, tzinfo=UTC)  # when the informe is compiled


def at(day: date, hour: int = 9) -> datetime:
    """A moment on a Bogotá day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=BOGOTA).astimezone(UTC)


@dataclass
class Semester:
    committee_id: int
    people: dict[str, int]  # person ids by first name
    meetings: dict[str, int]  # "enero", "febrero", "abril"
    compromisos: dict[str, int]  # "C0" (January), "C1".."C4"
    note_id: int
    items: dict[str, int]  # semester items by kind


async def _member(
    session: AsyncSession, committee: Committee, info: PersonInfo, cargo: str, role: Role
) -> tuple[Person, Membership]:
    now = at(date(2009, 1, 15))
    person = await committees.upsert_person(session, info, now=now)
    member, _ = await committees.join(session, committee, person, cargo, now=now)
    member.role = role.value
    return person, member


async def _compromiso(
    session: AsyncSession, committee: Committee, author: Person, owner: Membership,
    text: str, due: date, now: datetime, meeting_id: int | None,
) -> Compromiso:  # fmt: skip
    draft = await compromiso_drafts.create_draft(
        session, committee, author, responsable=Responsable(owner, owner.cargo),
        description=text, due_on=due, meeting_id=meeting_id, now=now,
    )  # fmt: skip
    return await compromiso_drafts.confirm_draft(session, draft, author, now=now)


async def _meeting(
    session: AsyncSession, committee: Committee, ana: Person, day: date,
    present: list[Membership], *, excused: Sequence[Membership] = (),
    recorded_on: date | None = None,
) -> int:  # fmt: skip
    if recorded_on is None:
        meeting = await meetings.start_meeting(session, committee, ana, now=at(day), tz=BOGOTA)
    else:
        meeting = await meetings.register_past_meeting(
            session, committee, ana, day, now=at(recorded_on), tz=BOGOTA
        )
    now = meeting.started_at
    for member in present:
        await meetings.mark_attendance(session, meeting, member, Attendance.PRESENTE, ana, now=now)
    for member in excused:
        await meetings.mark_attendance(session, meeting, member, Attendance.EXCUSA, ana, now=now)
    return meeting.id


async def _close(session: AsyncSession, committee: Committee, ana: Person, meeting_id: int) -> None:
    meeting = await meetings.open_meeting(session, committee)
    assert meeting is not None and meeting.id == meeting_id
    await meetings.close_meeting(
        session, committee, meeting, ana, now=meeting.started_at + timedelta(hours=2)
    )


async def _run(
    session: AsyncSession, committee: Committee, person: Person, flow_id: str,
    subject: Subject, replies: list[Reply | str], now: datetime,
) -> None:  # fmt: skip
    """Answer a flow from the start: a str is typed, a Reply(choice=-1) picks "c<id>" below."""
    loaded = await loader.flow_for(session, committee, flow_id, now)
    assert loaded is not None
    started = await start_flow(
        session, loaded=loaded, committee=committee, person=person, chat_id=person.telegram_id,
        subject=subject, now=now, tz=BOGOTA, trigger=f"prueba:{flow_id}",
    )  # fmt: skip
    assert started is not None
    run, _ = started
    for step in replies:
        reply = Reply(text=step) if isinstance(step, str) else step
        outcome = await answer(session, run, reply, person=person, now=now, tz=BOGOTA)
        assert outcome.kind in {"siguiente", "terminado"}, (step, outcome.kind, outcome.parsed)
    assert await current_ask(session, run, now=now, tz=BOGOTA) is None


async def _choice_of(
    session: AsyncSession, committee: Committee, person: Person, value: str
) -> int:
    """Which button of /avance's second question names `value` ("c12")."""
    found = await flow_context.dynamic_choices(session, "destinos_avance", committee, person)
    return [c.value for c in found].index(value)


async def build_semester(
    services: Services, *, chat_id: int, telegram_ids: dict[str, int]
) -> Semester:
    """Record the semester; `telegram_ids` maps Ana, Beto, Carla and Dora to Telegram users."""
    info = {
        "Ana": PersonInfo(telegram_ids["Ana"], "Ana", "ana", "Pérez"),
        "Beto": PersonInfo(telegram_ids["Beto"], "Beto", "beto", "Ruiz"),
        "Carla": PersonInfo(telegram_ids["Carla"], "Carla", "carla", "Gómez"),
        "Dora": PersonInfo(telegram_ids["Dora"], "Dora", "dora", "Díaz"),
    }
    framework = default_framework()
    informacion, interaccion = framework.phases[0], framework.phases[1]
    async with services.transaction() as session:
        ana = await committees.upsert_person(session, info["Ana"], now=at(date(2009, 1, 15)))
        committee, _ = await committees.register_committee(
            session, chat_id=chat_id, entity_name="Gobernación de Norte de Santander",
            founder=ana, now=at(date(2009, 1, 15)),
        )  # fmt: skip
        committee.orden, committee.nivel, committee.city = "territorial", "departamental", "Cúcuta"
        _, m_ana = await _member(
            session, committee, info["Ana"], "Coordinadora GEL", Role.COORDINADOR
        )
        beto, m_beto = await _member(
            session, committee, info["Beto"], "Secretario de Planeación", Role.MIEMBRO
        )
        carla, m_carla = await _member(
            session, committee, info["Carla"], "Encargada del sitio web", Role.EDITOR_WEB
        )
        dora, _ = await _member(
            session, committee, info["Dora"], "Jefe de Control Interno", Role.CONTROL_INTERNO
        )

        # January, before the period.
        enero = await _meeting(session, committee, ana, date(2009, 1, 20), [m_ana, m_beto])
        c0 = await _compromiso(
            session,
            committee,
            ana,
            m_beto,
            "Designar el comité",
            date(2009, 1, 30),
            at(date(2009, 1, 20), 10),
            enero,
        )
        await _close(session, committee, ana, enero)
        await compromisos.complete(
            session, c0, beto, result="Comité designado", now=at(date(2009, 1, 28))
        )
        for c in informacion.criteria[:40]:
            await phases.mark_criterion(
                session, committee, c.key, True, None, ana, at(date(2009, 1, 22))
            )
        for c in interaccion.criteria[:5]:
            await phases.mark_criterion(
                session, committee, c.key, True, None, ana, at(date(2009, 1, 22))
            )

        # 27 February: the first meeting of the period.
        febrero = await _meeting(
            session, committee, ana, date(2009, 2, 27), [m_ana, m_beto], excused=[m_carla]
        )
        meeting = await meetings.open_meeting(session, committee)
        assert meeting is not None
        await meetings.add_decision(
            session, meeting, "Aprobar el plan de acción.", ana, now=at(date(2009, 2, 27), 10)
        )
        c1 = await _compromiso(
            session,
            committee,
            ana,
            m_carla,
            "Publicar el directorio de funcionarios",
            date(2009, 3, 15),
            at(date(2009, 2, 27), 10),
            febrero,
        )
        c2 = await _compromiso(
            session,
            committee,
            ana,
            m_beto,
            "Solicitar la línea de atención gratuita",
            date(2009, 4, 30),
            at(date(2009, 2, 27), 10),
            febrero,
        )
        await _close(session, committee, ana, febrero)

        await compromisos.complete(
            session, c1, carla, result="Directorio publicado en el sitio web",
            evidence=Evidence("enlace", "https://nortedesantander.gov.co/directorio"),
            now=at(date(2009, 3, 10), 16),
        )  # fmt: skip
        c4 = await _compromiso(
            session,
            committee,
            ana,
            m_beto,
            "Comprar cámaras",
            date(2009, 3, 30),
            at(date(2009, 3, 1)),
            None,
        )
        await compromisos.cancel(
            session, c4, ana, reason="No hay presupuesto", now=at(date(2009, 3, 20))
        )

        # 14 April, recorded on the 16th; C2 moves to September.
        abril = await _meeting(
            session,
            committee,
            ana,
            date(2009, 4, 14),
            [m_ana, m_beto, m_carla],
            recorded_on=date(2009, 4, 16),
        )
        await compromisos.reschedule(
            session,
            c2,
            beto,
            new_due_on=date(2009, 9, 30),
            now=at(date(2009, 4, 16)),
            meeting_id=abril,
        )
        await _close(session, committee, ana, abril)

        c3 = await _compromiso(
            session,
            committee,
            ana,
            m_beto,
            "Convenio con las entidades bancarias",
            date(2009, 6, 30),
            at(date(2009, 5, 4)),
            None,
        )
        c2_choice = await _choice_of(session, committee, beto, f"c{c2.id}")
        await _run(
            session, committee, beto, "avance", Subject(),
            ["Se pidió la línea con la orden No. 75187", Reply(choice=c2_choice)],
            at(date(2009, 5, 5)),
        )  # fmt: skip

        # Indicators: the weekly site update and the monthly contracting data.
        site = await indicators.ensure_indicator(
            session, committee, indicators.SITIO_WEB_SEMANAL,
            "Número de veces que se actualiza el sitio web por semana", 1, "semanal",
            unit="veces", meta_text="mínimo 1 vez por semana",
        )  # fmt: skip
        monday = date(2009, 2, 2)
        for week in range(26):
            day = monday + timedelta(weeks=week)
            if week in (6, 19):
                await indicators.record_no_answer(session, site, day, at(day + timedelta(days=7)))
            else:
                who = beto if week % 6 == 5 else carla
                await indicators.record_reading(
                    session, site, day, 2, who, None, at(day + timedelta(days=4))
                )
        contratacion = await indicators.ensure_indicator(
            session, committee, "contratacion_mensual", "Actualización mensual de la contratación",
            1, "mensual",
        )  # fmt: skip
        for month in range(2, 8):
            day = date(2009, month, 1)
            await indicators.record_reading(
                session,
                contratacion,
                day,
                0 if month == 4 else 1,
                carla,
                None,
                at(day + timedelta(days=27)),
            )

        # Criteria met during the period.
        for n, c in enumerate(informacion.criteria[40:46]):
            await phases.mark_criterion(
                session, committee, c.key, True, "https://x.gov.co", ana, at(date(2009, 3, 2 + n))
            )
        for n, c in enumerate(interaccion.criteria[5:9]):
            await phases.mark_criterion(
                session, committee, c.key, True, None, dora, at(date(2009, 6, 2 + n))
            )

        # The semester questionnaire, answered by Ana on 24 July.
        await _run(
            session, committee, ana, "cuestionario_semestral", Subject.period(START),
            ["sí", "taller", "224", "Conferencias de sensibilización para los funcionarios",
             "Conferencias de 2 horas para todas las dependencias", "2009-05-15", "no",
             "La GTZ no podrá colaborar más", "Instalar la línea gratuita"],
            at(date(2009, 7, 24)),
        )  # fmt: skip

        # After the period: C3 cumplido in August.
        await compromisos.complete(
            session, c3, beto, result="Convenio firmado", now=at(date(2009, 8, 5))
        )

        note = await session.scalar(select(ProgressNote))
        assert note is not None
        items = {i.kind: i.id for i in await session.scalars(select(SemesterItem))}
        people = {"Ana": ana.id, "Beto": beto.id, "Carla": carla.id, "Dora": dora.id}
        return Semester(
            committee.id, people, {"enero": enero, "febrero": febrero, "abril": abril},
            {"C0": c0.id, "C1": c1.id, "C2": c2.id, "C3": c3.id, "C4": c4.id}, note.id, items,
        )  # fmt: skip


# --- fixtures: the semester is built once per run and copied for each test (SQLite) ------------

TELEGRAM_IDS = {"Ana": 1001, "Beto": 1002, "Carla": 1003, "Dora": 1004}  # FakeTelegram's first
GROUP_ID = -100_001  # and its first group


def fake_people(tg: FakeTelegram) -> tuple[FakeChat, dict[str, FakeUser]]:
    """The semester's people in a fresh FakeTelegram, with the ids the record was built with."""
    users = {
        "Ana": tg.add_user("Ana", "ana", last_name="Pérez"),
        "Beto": tg.add_user("Beto", "beto", last_name="Ruiz"),
        "Carla": tg.add_user("Carla", "carla", last_name="Gómez"),
        "Dora": tg.add_user("Dora", "dora", last_name="Díaz"),
    }
    group = tg.add_group("Comité GEL Norte de Santander", admins=[users["Ana"]])
    assert {n: u.id for n, u in users.items()} == TELEGRAM_IDS and group.id == GROUP_ID
    return group, users


@dataclass(frozen=True)
class Built:
    path: Path
    semester: Semester


async def build_into(url: str) -> Semester:
    engine = make_engine(url)
    try:
        services = Services(
            Settings(database_url=url, token=None, _env_file=None),
            engine,
            make_sessionmaker(engine),
            ManualClock(AFTER),
        )
        return await build_semester(services, chat_id=GROUP_ID, telegram_ids=TELEGRAM_IDS)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def semester_file(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Built | None:
    """The semester recorded once into a SQLite file (None on PostgreSQL: built per test)."""
    if os.environ.get("GELBOT_TEST_DATABASE_URL"):
        return None
    path = tmp_path_factory.mktemp("semester") / "semester.sqlite3"
    shutil.copy(migrated_template, path)
    return Built(path, asyncio.run(build_into(f"sqlite+aiosqlite:///{path}")))


@pytest.fixture
def database_url(database_url: str, semester_file: Built | None) -> str:
    """This test's database with the prebuilt semester already in it (SQLite); import it to use."""
    if semester_file is not None:
        shutil.copy(semester_file.path, database_url.removeprefix("sqlite+aiosqlite:///"))
    return database_url


@pytest.fixture
async def semester(services: Services, semester_file: Built | None) -> Semester:
    """The semester's ids; the record is already in the database when it was prebuilt."""
    if semester_file is not None:
        return semester_file.semester
    return await build_semester(services, chat_id=GROUP_ID, telegram_ids=TELEGRAM_IDS)


@pytest.fixture
def people(
    bot: Harness, clock: ManualClock, semester: Semester
) -> tuple[FakeChat, dict[str, FakeUser]]:
    """The semester's people and group in the fake Telegram, the day after the period."""
    clock.set(AFTER)
    return fake_people(bot.tg)

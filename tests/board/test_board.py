"""The board's figures for known committees, its reasons in words, and who it shows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, select

from gelbot.board.compile import board_for
from gelbot.board.departamental import municipal_summary
from gelbot.board.figures import Aspect, Board, State
from gelbot.clock import ManualClock
from gelbot.domain import committees as domain
from gelbot.models import Committee, DelegateFollow, FollowStatus, Person, Role
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeTelegram
from tests.support.board_world import Department, make_department
from tests.support.reminders_world import make_world


async def _board(services: Services, dept: Department) -> Board:
    async with services.sessions() as session:
        person = await session.get(Person, dept.delegada_id)
        assert person is not None
        return await board_for(session, person, now=services.clock.now(), tz=services.settings.zone)


async def test_board_figures_of_known_committees(
    services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    dept = await make_department(services, telegram, clock)
    board = await _board(services, dept)
    rows = {r.entity_name: r for r in board.rows}
    assert set(rows) == {"Alcaldía de Mocoa", "Alcaldía de Villagarzón", "Alcaldía de Puerto Asís"}

    mocoa = rows["Alcaldía de Mocoa"]
    assert (mocoa.last_meeting, mocoa.meetings_held, mocoa.meetings_expected) == (
        date(2009, 3, 3), 2, 2,
    )  # fmt: skip
    assert (mocoa.compromisos_open, mocoa.compromisos_overdue) == (0, 0)
    assert (mocoa.site_weeks_met, mocoa.site_weeks_total, mocoa.site_meta) == (5, 7, 1)
    información = mocoa.sections[0]
    assert (información.name, información.percentage) == ("Información", 100)
    assert [s.percentage for s in mocoa.sections[1:]] == [0, 0, 0, 0]
    assert mocoa.framework_name.startswith("Decreto 1151 de 2008")
    assert (mocoa.informes_sent, mocoa.last_informe_on) == (1, date(2009, 2, 10))
    assert mocoa.last_informe_period == (date(2008, 8, 1), date(2009, 1, 31))
    assert mocoa.days_since_answer == 1  # this week's answer, Thursday evening in Bogotá
    assert [r.text for r in mocoa.reasons] == ["Sitio web actualizado 5 de 7 semanas"]
    assert mocoa.state is State.AMARILLO

    never = rows["Alcaldía de Villagarzón"]
    assert (never.last_meeting, never.meetings_held, never.meetings_expected) == (None, 0, 2)
    assert never.state is State.ROJO
    assert never.aspect_state(Aspect.REUNIONES) is State.ROJO
    assert [r.text for r in never.reasons] == [
        "Nunca se ha reunido (2 reuniones esperadas este periodo)",
        "Información: plazo vencido el 1 de noviembre de 2008, con 0 % de los criterios",
        "Sin informe del periodo anterior",
        "Nadie ha respondido al bot",
    ]

    overdue = rows["Alcaldía de Puerto Asís"]
    assert (overdue.compromisos_open, overdue.compromisos_overdue) == (4, 3)
    assert (overdue.meetings_held, overdue.meetings_expected) == (1, 2)
    assert overdue.state is State.ROJO
    assert overdue.reasons[0].text == "3 compromisos vencidos de 4 abiertos"
    assert "Se reunió 1 de 2 veces este periodo" in [r.text for r in overdue.reasons]

    # The two urgent ones first, then Mocoa; the top three named for the chat.
    assert [r.entity_name for r in board.rows][-1] == "Alcaldía de Mocoa"
    assert [r.state for r in board.needing_attention()] == [State.ROJO, State.ROJO, State.AMARILLO]


async def test_municipal_summary_for_a_departmental_informe(
    services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    dept = await make_department(services, telegram, clock)
    gobernacion = await make_world(
        services, telegram, entity="Gobernación del Putumayo", coordinador="Gloria"
    )
    async with services.transaction() as session:
        committee = await session.get(Committee, gobernacion.committee_id)
        delia = await session.get(Person, dept.delegada_id)
        assert committee is not None and delia is not None
        committee.nivel = "departamental"
        member, _ = await domain.join(session, committee, delia, "Delegada", now=clock.now())
        member.role = Role.DELEGADO.value
    async with services.sessions() as session:
        committee = await session.get(Committee, gobernacion.committee_id)
        assert committee is not None
        semester = await municipal_summary(
            session, committee, start=date(2009, 2, 1), end=date(2009, 7, 31),
            now=clock.now(), tz=services.settings.zone,
        )  # fmt: skip
        before = await municipal_summary(
            session, committee, start=date(2008, 8, 1), end=date(2009, 1, 31),
            now=clock.now(), tz=services.settings.zone,
        )  # fmt: skip
    assert [r.entity_name for r in semester.rows] == [
        "Alcaldía de Villagarzón", "Alcaldía de Puerto Asís", "Alcaldía de Mocoa",
    ]  # fmt: skip
    assert (semester.active, semester.with_meetings, semester.meetings_held) == (3, 2, 3)
    assert [r.meetings_held for r in semester.rows] == [0, 1, 2]
    assert semester.informes_sent == 0
    assert (before.meetings_held, before.informes_sent) == (1, 1)
    información = semester.phases[0]
    assert (información.name, round(información.share * 100), información.municipalities) == (
        "Información", 33, 3,
    )  # fmt: skip
    assert [r.entity_name for r in semester.needing_support] == [
        "Alcaldía de Villagarzón", "Alcaldía de Puerto Asís",
    ]  # fmt: skip
    assert semester.needing_support[0].board.reasons[0].text == (
        "Nunca se ha reunido (2 reuniones esperadas este periodo)"
    )


async def test_the_board_costs_the_same_queries_for_any_number_of_committees(
    services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    dept = await make_department(services, telegram, clock)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(services.engine.sync_engine, "before_cursor_execute", count)
    try:
        three = len((await _board(services, dept)).rows)
        for_three = len(statements)
        async with services.transaction() as session:
            for follow in await session.scalars(select(DelegateFollow)):
                follow.status = FollowStatus.ACEPTADO.value
            session.add(
                DelegateFollow(person_id=dept.delegada_id, committee_id=dept.committee_id("Colón"),
                               status=FollowStatus.ACEPTADO.value, requested_at=clock.now())
            )  # fmt: skip
        statements.clear()
        five = len((await _board(services, dept)).rows)
    finally:
        event.remove(services.engine.sync_engine, "before_cursor_execute", count)
    assert (three, five) == (3, 5)
    assert len(statements) == for_three <= 12


async def test_a_committee_on_the_2026_frameworks_shows_its_sections(
    services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    dept = await make_department(services, telegram, clock)
    async with services.transaction() as session:
        committee = await session.get(Committee, dept.committee_id("Puerto Asís"))
        assert committee is not None
        committee.framework_id = "res1519_transparencia"
    rows = {r.entity_name: r for r in (await _board(services, dept)).rows}
    asis = rows["Alcaldía de Puerto Asís"]
    assert asis.framework_name.startswith("Resolución MinTIC 1519 de 2020, Anexo 2")
    assert asis.sections[0].name == "Información de la entidad"
    assert all(s.met == 0 and s.total > 0 for s in asis.sections)
    assert asis.progress == 0
    assert asis.reasons[0].text == "3 compromisos vencidos de 4 abiertos"
    assert not any(r.aspect is Aspect.CRITERIOS for r in asis.reasons)

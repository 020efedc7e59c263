"""Meetings, compromisos and pending prompts at the domain level: no Telegram, a real database."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import gelbot
from gelbot.domain import (
    cargos,
    committees,
    compromiso_drafts,
    compromisos,
    meetings,
    pending_prompts,
)
from gelbot.domain.committees import PersonInfo
from gelbot.domain.compromiso_text import read_request, split_due_date
from gelbot.domain.errors import DomainError
from gelbot.models import Attendance, Committee, CompromisoEvent, Membership, Person, Role
from gelbot.services import Services

BOGOTA = ZoneInfo("America/Bogota")
NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)  # Monday 2 March 2009, 09:00 in Bogotá
TODAY = date(2009, 3, 2)


async def person(session: AsyncSession, telegram_id: int, name: str) -> Person:
    return await committees.upsert_person(session, PersonInfo(telegram_id, name), now=NOW)


async def setup(
    session: AsyncSession, chat_id: int = -1
) -> tuple[Committee, Membership, Membership]:
    """A committee with Ana (coordinadora) and Beto (Secretario de Planeación)."""
    ana = await person(session, chat_id * -100 + 1, "Ana")
    committee, _ = await committees.register_committee(
        session, chat_id=chat_id, entity_name="Alcaldía de Mocoa", founder=ana, now=NOW
    )
    beto = await person(session, chat_id * -100 + 2, "Beto")
    beto_member, _ = await committees.join(
        session, committee, beto, "Secretario de Planeación", now=NOW
    )
    ana_member = await committees.membership(session, committee, ana)
    assert ana_member is not None
    for member in (ana_member, beto_member):
        await session.refresh(member, ["person"])
    return committee, ana_member, beto_member


async def new_compromiso(
    session: AsyncSession,
    committee: Committee,
    author: Membership,
    owner: Membership | None,
    due_on: date,
    cargo: str | None = None,
) -> compromisos.Compromiso:
    draft = await compromiso_drafts.create_draft(
        session, committee, author.person, responsable=compromisos.Responsable(owner, cargo),
        description="Actualizar el sitio", due_on=due_on, meeting_id=None, now=NOW,
    )  # fmt: skip
    return await compromiso_drafts.confirm_draft(session, draft, author.person, now=NOW)


# --- reading /compromiso ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@beto Actualizar para el 15 de diciembre", ("@beto Actualizar", date(2009, 12, 15))),
        ("@beto Formulario para PQR para el viernes",
         ("@beto Formulario para PQR", date(2009, 3, 6))),
        ("@beto Revisar en dos semanas", ("@beto Revisar", date(2009, 3, 16))),
        ("@beto Revisar en la web, antes del 20 de marzo",
         ("@beto Revisar en la web", date(2009, 3, 20))),
        ("@beto Revisar hasta el 2009-04-01", ("@beto Revisar", date(2009, 4, 1))),
        ("@beto Revisar en la web", None),
        ("para el viernes", None),
        ("@beto Revisar para PQR", None),
        ("", None),
    ],
)  # fmt: skip
def test_split_due_date(text: str, expected: tuple[str, date] | None) -> None:
    assert split_due_date(text, today=TODAY) == expected


async def test_read_request_names_the_responsable(services: Services) -> None:
    async with services.transaction() as session:
        committee, ana, beto = await setup(session)
        found = await read_request(
            session, committee, ana, "SECRETARIO DE PLANEACIÓN   revisar el sitio para el viernes",
            today=TODAY,
        )  # fmt: skip
        assert found.responsable.cargo == "Secretario de Planeación"
        assert found.responsable.membership is beto
        assert (found.description, found.due_on) == ("revisar el sitio", date(2009, 3, 6))
        with pytest.raises(DomainError) as refused:
            await read_request(session, committee, ana, "@beto", today=TODAY)
        assert refused.value.code == "compromiso_sin_fecha"


# --- queries the reminder engine and the informe use -----------------------------------------


async def test_open_due_between_overdue_and_owned(services: Services) -> None:
    async with services.transaction() as session:
        committee, ana, beto = await setup(session)
        other, _, other_beto = await setup(session, chat_id=-2)
        first = await new_compromiso(session, committee, ana, beto, date(2009, 3, 1))
        second = await new_compromiso(session, committee, ana, ana, date(2009, 3, 2))
        third = await new_compromiso(session, committee, ana, beto, date(2009, 3, 9))
        done = await new_compromiso(session, committee, ana, beto, date(2009, 3, 2))
        await compromisos.complete(session, done, ana.person, result="Hecho", now=NOW)
        await new_compromiso(session, other, other_beto, other_beto, date(2009, 3, 2))

        assert await compromisos.open_compromisos(session, committee) == [first, second, third]
        between = await compromisos.due_between(
            session, committee, date(2009, 3, 2), date(2009, 3, 9)
        )
        assert between == [second]  # [start, end): the 9th is excluded, the cumplido too
        assert await compromisos.overdue(session, committee, TODAY) == [first]
        assert await compromisos.owned_by(session, committee, beto) == [first, third]
        assert await compromisos.get(session, committee, first.id) is first
        day = timedelta(days=1)
        assert await compromisos.completed_between(session, committee, NOW, NOW + day) == [done]
        assert await compromisos.completed_between(session, committee, NOW - day, NOW) == []
        assert await compromisos.get(session, other, first.id) is None


async def test_next_meeting_by_the_rule(services: Services) -> None:
    async with services.transaction() as session:
        committee, _, _ = await setup(session)
        assert meetings.next_meeting(committee, NOW, BOGOTA) is None
        rule = meetings.set_meeting_rule(committee, "primer martes 9:00")
        assert rule.describe() == "primer martes de cada mes a las 09:00"
        assert meetings.next_meeting(committee, NOW, BOGOTA) == datetime(
            2009, 3, 3, 9, tzinfo=BOGOTA
        )
        after = datetime(2009, 3, 3, 14, 0, tzinfo=UTC)  # the meeting itself: next month's
        assert meetings.next_meeting(committee, after, BOGOTA) == datetime(
            2009, 4, 7, 9, tzinfo=BOGOTA
        )
        with pytest.raises(DomainError):
            meetings.set_meeting_rule(committee, "todos los martes")
        assert committee.meeting_rule == "1st tue 09:00"
        committee.meeting_rule = "garbled"
        assert meetings.next_meeting(committee, NOW, BOGOTA) is None


# --- changes and their history ---------------------------------------------------------------


async def test_every_change_leaves_an_event_and_closed_ones_refuse(services: Services) -> None:
    async with services.transaction() as session:
        committee, ana, beto = await setup(session)
        c = await new_compromiso(session, committee, ana, beto, date(2009, 3, 6))
        later = NOW + timedelta(days=1)
        await compromisos.mark_in_progress(session, c, beto.person, now=later)
        old = await compromisos.reschedule(
            session, c, beto.person, new_due_on=date(2009, 3, 20), now=later
        )
        assert old == date(2009, 3, 6)
        with pytest.raises(DomainError) as same:
            await compromisos.reschedule(
                session, c, beto.person, new_due_on=date(2009, 3, 20), now=later
            )
        assert same.value.code == "compromiso_misma_fecha"
        with pytest.raises(DomainError) as empty:
            await compromisos.complete(session, c, beto.person, result="  ", now=later)
        assert empty.value.code == "compromiso_sin_resultado"
        with pytest.raises(DomainError) as long:
            await compromisos.complete(session, c, beto.person, result="x" * 2001, now=later)
        assert long.value.details == {"limit": 2000, "length": 2001}
        evidence = compromisos.Evidence("enlace", "https://mocoa.gov.co")
        await compromisos.complete(
            session, c, beto.person, result="Listo", evidence=evidence, now=later
        )
        with pytest.raises(DomainError) as closed:
            await compromisos.cancel(session, c, ana.person, reason="Ya no", now=later)
        assert closed.value.code == "compromiso_cerrado"
        kinds = [(e.kind, e.actor_id) for e in await compromisos.history(session, c)]
        assert kinds == [
            ("creado", ana.person_id), ("en_curso", beto.person_id),
            ("reprogramado", beto.person_id), ("cumplido", beto.person_id),
        ]  # fmt: skip


async def test_who_may_update_and_cancel(services: Services) -> None:
    async with services.transaction() as session:
        committee, ana, beto = await setup(session)
        other, other_ana, _ = await setup(session, chat_id=-2)
        carla = await person(session, 103, "Carla")
        carla_member, _ = await committees.join(session, committee, carla, "Sitio web", now=NOW)
        c = await new_compromiso(session, committee, ana, beto, date(2009, 3, 6))
        assert compromisos.may_update(c, beto) and compromisos.may_update(c, ana)
        assert not compromisos.may_update(c, carla_member)
        assert not compromisos.may_update(c, other_ana)  # a coordinador elsewhere
        assert compromisos.may_cancel(c, ana) and not compromisos.may_cancel(c, beto)
        assert not compromisos.may_cancel(c, other_ana)
        assert not compromisos.may_update(c, None)
        assert other.id != committee.id


# --- cargos ----------------------------------------------------------------------------------


async def test_take_cargo_moves_open_cargo_compromisos_once(services: Services) -> None:
    async with services.transaction() as session:
        committee, ana, beto = await setup(session)
        cargo_owned = await new_compromiso(
            session, committee, ana, beto, date(2009, 3, 6), cargo="Secretario de Planeación"
        )
        personal = await new_compromiso(session, committee, ana, beto, date(2009, 3, 6))
        finished = await new_compromiso(
            session, committee, ana, beto, date(2009, 3, 6), cargo="Secretario de Planeación"
        )
        await compromisos.complete(session, finished, beto.person, result="Hecho", now=NOW)
        dario = await person(session, 104, "Darío")
        dario_member, _ = await committees.join(
            session, committee, dario, "secretario de planeacion", now=NOW
        )
        await session.refresh(dario_member, ["person"])

        handover = await compromisos.take_cargo(
            session, committee, dario_member, actor=dario, now=NOW
        )
        assert handover is not None
        assert [(c.id, prev.id if prev else None) for c, prev in handover.moved] == [
            (cargo_owned.id, beto.id)
        ]
        assert cargo_owned.owner_membership_id == dario_member.id
        assert personal.owner_membership_id == beto.id
        assert finished.owner_membership_id == beto.id  # history is not rewritten
        assert (
            await cargos.holder_of(session, committee.id, "Secretario de Planeación")
            is dario_member
        )
        assert (
            await compromisos.take_cargo(session, committee, dario_member, actor=dario, now=NOW)
            is None
        )
        events = await session.scalars(
            select(CompromisoEvent).where(CompromisoEvent.kind == "reasignado")
        )
        assert len(list(events)) == 1


# --- meetings --------------------------------------------------------------------------------


async def test_meeting_record_and_its_acta(services: Services) -> None:
    async with services.transaction() as session:
        committee, ana, beto = await setup(session)
        with pytest.raises(DomainError) as future:
            await meetings.register_past_meeting(
                session, committee, ana.person, date(2009, 3, 3), now=NOW, tz=BOGOTA
            )
        assert future.value.code == "reunion_registrar_futura"
        meeting = await meetings.start_meeting(session, committee, ana.person, now=NOW, tz=BOGOTA)
        assert meeting.held_on == TODAY and meetings.is_open(meeting)
        assert meetings.may_mark_attendance(beto, beto) and not meetings.may_mark_attendance(
            beto, ana
        )
        await meetings.mark_attendance(
            session, meeting, beto, Attendance.PRESENTE, beto.person, now=NOW
        )
        await meetings.mark_attendance(
            session, meeting, beto, Attendance.EXCUSA, ana.person, now=NOW
        )
        await meetings.add_decision(session, meeting, "  Aprobar   el plan ", ana.person, now=NOW)
        with pytest.raises(DomainError):
            await meetings.add_decision(session, meeting, " ", ana.person, now=NOW)
        await meetings.close_meeting(
            session, committee, meeting, ana.person, now=NOW + timedelta(hours=1)
        )
        assert meeting.quorum is False  # Ana, who opened it, present; one of two is not quorum
        with pytest.raises(DomainError):
            await meetings.add_decision(session, meeting, "Tarde", ana.person, now=NOW)

        acta = await meetings.acta_of(session, committee, meeting, BOGOTA)
        assert [(a.name, a.status) for a in acta.attendees] == [
            ("Ana", "presente"),  # she opened it: counted present (issue 12)
            ("Beto", "excusa"),
        ]
        assert [d.text for d in acta.decisions] == ["Aprobar el plan"]
        assert (acta.started, acta.ended, acta.opened_by) == ("09:00", "10:00", "Ana")
        assert await meetings.last_meeting(session, committee) is meeting
        assert await meetings.meetings_between(session, committee, TODAY, TODAY + timedelta(1)) == [
            meeting
        ]
        with pytest.raises(DomainError) as again:
            await meetings.register_past_meeting(
                session, committee, ana.person, TODAY, now=NOW, tz=BOGOTA
            )
        assert again.value.code == "reunion_ya_registrada"


async def test_roll_call_leaves_out_delegados(services: Services) -> None:
    async with services.transaction() as session:
        committee, _, beto = await setup(session)
        await committees.set_role(session, committee, beto, Role.DELEGADO)
        called = await meetings.roll_call_members(session, committee)
        assert [m.person.first_name for m in called] == ["Ana"]


# --- pending prompts -------------------------------------------------------------------------


async def test_pending_prompts_are_found_by_chat_and_message(services: Services) -> None:
    async with services.transaction() as session:
        ana = await person(session, 1, "Ana")
        await pending_prompts.remember(
            session, chat_id=-5, message_id=42, person_id=ana.id, kind="x", subject_id=7,
            data={"meeting_id": 3}, now=NOW,
        )  # fmt: skip
    async with services.transaction() as session:
        found = await pending_prompts.find(session, -5, 42)
        assert found is not None and (found.kind, found.subject_id, found.data) == (
            "x",
            7,
            {"meeting_id": 3},
        )
        assert await pending_prompts.find(session, -6, 42) is None
        await pending_prompts.resolve(session, found)
    async with services.transaction() as session:
        assert await pending_prompts.find(session, -5, 42) is None


def test_every_refusal_has_a_template() -> None:
    """A DomainError's code names the template the edge renders: none may be missing."""
    root = Path(gelbot.__file__).parent
    sources = ["acta.py", "domain/meetings.py", "domain/compromisos.py", "domain/cargos.py",
               "domain/compromiso_text.py", "domain/meeting_details.py",
               "domain/meeting_corrections.py"]  # fmt: skip
    codes = {
        code
        for source in sources
        for code in re.findall(r'DomainError\(\s*"(\w+)"', (root / source).read_text())
    }
    assert len(codes) > 15
    missing = [c for c in codes if not (root / "templates/messages" / f"{c}.html.j2").exists()]
    assert missing == []

"""Two gelbot instances working on the same committee's informe at once.

Before the draft, a row's edit and the informe settings were created with INSERT … ON CONFLICT
DO NOTHING, the instance that came second failed on their unique constraint: «algo falló».
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.informe_periods import InformePeriod
from gelbot.informe import datos, drafts
from gelbot.models import Committee, InformeDraft, InformeRowEdit, InformeSettings, Person
from gelbot.services import Services
from tests.support.instances import Work, mocoa_with_ana_and_beto, race

NOW = datetime(2009, 8, 10, 14, 0, tzinfo=UTC)
PERIOD = InformePeriod("semestral", date(2009, 2, 1), date(2009, 7, 31))
ROW = "compromiso:1"


async def setup(services: Services) -> tuple[int, int, int]:
    """Alcaldía de Mocoa with Ana and Beto; (committee id, Ana's id, Beto's id)."""
    return await mocoa_with_ana_and_beto(services, NOW)


async def the(session: AsyncSession, committee_id: int, person_id: int) -> tuple[Committee, Person]:
    committee = await session.get(Committee, committee_id)
    person = await session.get(Person, person_id)
    assert committee is not None and person is not None
    return committee, person


async def test_two_coordinadores_opening_the_informe_at_once_share_one_draft(
    services: Services, other: Services
) -> None:
    committee_id, ana, beto = await setup(services)

    def opening(person_id: int) -> Work[int]:
        async def work(session: AsyncSession) -> int:
            committee, person = await the(session, committee_id, person_id)
            draft = await drafts.open_draft(session, committee, PERIOD, person=person, now=NOW)
            return draft.id

        return work

    ids = await race(services, other, opening(ana), opening(beto))

    async with services.transaction() as session:
        found = list(await session.scalars(select(InformeDraft)))
    assert [(d.id, d.created_by_id) for d in found] == [(ids[0], ana)]
    assert ids[1] == ids[0]


async def test_two_edits_of_one_row_at_once_leave_one_edit(
    services: Services, other: Services
) -> None:
    committee_id, ana, beto = await setup(services)
    async with services.transaction() as session:
        committee, person = await the(session, committee_id, ana)
        draft_id = (await drafts.open_draft(session, committee, PERIOD, person=person, now=NOW)).id

    def rewriting(person_id: int, text: str) -> Work[None]:
        async def work(session: AsyncSession) -> None:
            _, person = await the(session, committee_id, person_id)
            draft = await drafts.get_draft(session, draft_id)
            assert draft is not None
            await drafts.rewrite(session, draft, ROW, text, person, NOW)

        return work

    await race(
        services, other, rewriting(ana, "Se publicó el acta."), rewriting(beto, "Acta publicada.")
    )

    async with services.transaction() as session:
        found = list(await session.scalars(select(InformeRowEdit)))
    assert [(e.row_key, e.resultado, e.edited_by_id) for e in found] == [
        (ROW, "Acta publicada.", beto)
    ]


async def test_two_coordinadores_setting_informe_data_at_once_share_one_settings_row(
    services: Services, other: Services
) -> None:
    committee_id, ana, _ = await setup(services)

    async def settings(session: AsyncSession) -> int:
        committee, _ = await the(session, committee_id, ana)
        return (await datos.settings_for(session, committee, NOW)).id

    ids = await race(services, other, settings, settings)

    async with services.transaction() as session:
        found = list(await session.scalars(select(InformeSettings.id)))
    assert found == [ids[0]] == [ids[1]]

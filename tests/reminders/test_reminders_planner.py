"""The planner: unique rows, idempotent planning, restarts, and re-planning only the future."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import func, insert, select, update

from gelbot.clock import ManualClock
from gelbot.db import make_engine, make_sessionmaker
from gelbot.models import Committee, Compromiso, Reminder, ReminderPlan, Role
from gelbot.reminders.facts import Planned
from gelbot.reminders.outbox import insert_new
from gelbot.reminders.planner import HORIZON, plan
from gelbot.reminders.schedule import Aspect, Change, apply_change
from gelbot.services import Services
from tests.support.harness import Harness
from tests.support.reminders_world import (
    BOGOTA,
    Engine,
    add_compromiso,
    add_person,
    local,
    make_world,
    with_beto,
)


async def count(services: Services) -> int:
    async with services.transaction() as session:
        return await session.scalar(select(func.count()).select_from(Reminder)) or 0


async def keys(services: Services, **where: object) -> list[tuple[str, str, int, str, str]]:
    async with services.transaction() as session:
        query = select(Reminder)
        for name, value in where.items():
            query = query.where(getattr(Reminder, name) == value)
        return sorted(
            (r.kind, r.target_kind, r.target_id, r.occurrence, r.status)
            for r in await session.scalars(query)
        )


async def test_planning_twice_creates_nothing_new(bot: Harness, services: Services) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await add_compromiso(world, "Eva", "Publicar el organigrama", date(2009, 3, 20))
    first = await plan(services)
    assert first.created > 10 and first.scopes == 1
    before = await keys(services)

    again = await plan(services)  # nothing changed: nothing to plan at all
    assert (again.scopes, again.created) == (0, 0)

    # Even forcing a full re-plan of the same facts finds every key already there.
    async with services.transaction() as session:
        await session.execute(update(ReminderPlan).values(changes=ReminderPlan.changes + 1))
    forced = await plan(services)
    assert forced.scopes == 1 and (forced.created, forced.moved, forced.withdrawn) == (0, 0, 0)
    assert await keys(services) == before


async def test_a_restart_plans_nothing_new(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await plan(services)
    before = await keys(services)
    # A new process: new engine, new sessions, the same database.
    engine = make_engine(services.settings.database_url)
    restarted = Services(services.settings, engine, make_sessionmaker(engine), clock)
    try:
        report = await plan(restarted)
        assert report.created == 0
        async with restarted.transaction() as session:
            await session.execute(update(ReminderPlan).values(changes=ReminderPlan.changes + 1))
        assert (await plan(restarted)).created == 0
    finally:
        await engine.dispose()
    assert await keys(services) == before


async def test_rows_are_unique_per_kind_target_and_occurrence(
    bot: Harness, services: Services
) -> None:
    world = await make_world(services, bot.tg)
    await plan(services)
    async with services.transaction() as session:
        row = await session.scalar(select(Reminder).where(Reminder.kind == "sitio_web"))
        assert row is not None
        duplicate = Planned(row.kind, row.target_kind, row.target_id, row.occurrence,
                            row.scheduled_for, None, world.committee_id, {})  # fmt: skip
        assert await insert_new(session, [duplicate], now=row.created_at) == 0


async def test_changing_a_rule_replans_future_rows_only(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await engine.tick()  # Monday 2 March 09:00: this week's nag goes out
    [sent] = await engine.rows(kind="sitio_web", status="enviado")
    assert sent.occurrence == "2009-02-23"

    async with services.transaction() as session:
        await apply_change(
            session, world.committee_id,
            Change(Aspect.SITIO, weekday=3, at=time(15, 0)),
            by=None, now=clock.now(),
        )  # fmt: skip
    report = await plan(services)
    assert report.scopes == 1 and report.moved > 0
    [still_sent] = await engine.rows(kind="sitio_web", status="enviado")
    assert still_sent.id == sent.id and still_sent.scheduled_for == sent.scheduled_for
    pending = await engine.rows(kind="sitio_web", status="pendiente")
    # Future nags move to Thursdays 15:00 (and, asked on Thursday, cover the current week).
    assert [r.scheduled_for for r in pending][:2] == [local(2009, 3, 5, 15), local(2009, 3, 12, 15)]
    assert [r.occurrence for r in pending][:2] == ["2009-03-02", "2009-03-09"]
    # Each week keeps its key: the row moves, it is not duplicated.
    assert all(r.scheduled_for.astimezone(BOGOTA).weekday() == 3 for r in pending)
    assert len({r.occurrence for r in pending}) == len(pending)


async def test_closing_a_compromiso_withdraws_its_future_reminders(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await with_beto(services, bot.tg)
    compromiso_id = await add_compromiso(world, "Beto", "Publicar el plan", date(2009, 3, 20))
    await plan(services)
    assert len(await keys(services, kind="compromiso", status="pendiente")) >= 4

    clock.advance(days=1)
    async with services.transaction() as session:  # as the compromisos feature would do it
        compromiso = await session.get(Compromiso, compromiso_id)
        assert compromiso is not None
        compromiso.status = "cumplido"
    report = await plan(services)  # the flush hook marked the committee as changed
    assert report.scopes == 1 and report.withdrawn >= 4
    assert await keys(services, kind="compromiso", status="pendiente") == []


async def test_rescheduling_a_compromiso_gives_new_reminders(
    bot: Harness, services: Services
) -> None:
    world = await with_beto(services, bot.tg)
    compromiso_id = await add_compromiso(world, "Beto", "Publicar el plan", date(2009, 3, 10))
    await plan(services)
    async with services.transaction() as session:
        compromiso = await session.get(Compromiso, compromiso_id)
        assert compromiso is not None
        compromiso.due_on = date(2009, 3, 27)
    await plan(services)
    pending = await keys(services, kind="compromiso", status="pendiente")
    assert pending and all(":2009-03-27:" in k[3] for k in pending)


async def test_new_editor_gets_the_nag(bot: Harness, services: Services) -> None:
    world = await make_world(services, bot.tg)
    await plan(services)
    assert {k[1] for k in await keys(services, kind="sitio_web", status="pendiente")} == {"comite"}
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await plan(services)
    pending = await keys(services, kind="sitio_web", status="pendiente")
    assert {(k[1], k[2]) for k in pending} == {("persona", world.person_ids["Eva"])}


async def test_a_new_cargo_plans_nothing_again_but_a_new_role_does(
    bot: Harness, services: Services
) -> None:
    # The planner reads who is in the committee and in which role, never the cargo: /unirme
    # with a new cargo must not send the committee back to be planned.
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva")
    await plan(services)
    await bot.say(world.users["Eva"], world.group, "/unirme Jefe de Prensa")
    assert (await plan(services)).scopes == 0
    await bot.say(world.users["Ana"], world.group, "/rol @eva editor_web")
    replanned = await plan(services)
    assert replanned.scopes == 1 and replanned.by_kind["sitio_web"] > 0


async def test_the_plan_is_extended_before_it_runs_out(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    await make_world(services, bot.tg)
    await plan(services)
    last = max(r[3] for r in await keys(services, kind="sitio_web"))
    clock.advance(days=10)
    assert (await plan(services)).scopes == 0  # still more than two weeks planned
    clock.advance(days=HORIZON.days - 10 - 13)
    report = await plan(services)
    assert report.scopes == 1 and report.created > 0
    assert max(r[3] for r in await keys(services, kind="sitio_web")) > last


async def test_an_inactive_committee_loses_its_future_reminders(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    await plan(services)
    async with services.transaction() as session:
        committee = await session.get(Committee, world.committee_id)
        assert committee is not None
        committee.active = False
    clock.advance(minutes=1)
    report = await Engine(bot, services, clock).tick()
    assert report.plan.withdrawn > 0
    # The one already due is not sent either: the bot no longer acts for that committee (the
    # planner withdraws it with the future ones; the dispatcher would drop it otherwise).
    assert report.dispatch.sent == 0 and bot.tg.sent == []
    assert await keys(services, status="pendiente") == []


async def test_a_committee_stored_without_the_flush_hook_is_planned_too(
    services: Services, clock: ManualClock
) -> None:
    # A bulk insert (an import, bench/reminders.py) skips the ORM's flush hook that gives a new
    # committee its plan row: the planner adopts it on its next pass, and only once.
    async with services.transaction() as session:
        await session.execute(
            insert(Committee),
            [{"chat_id": -100_777, "entity_name": "Alcaldía de Sibundoy", "orden": "territorial",
              "nivel": "municipal", "framework_id": "decreto_1151", "active": True,
              "reachable": True, "created_at": clock.now()}],
        )  # fmt: skip
    first = await plan(services)
    assert first.scopes == 1 and first.created > 0
    assert (await plan(services)).scopes == 0
    async with services.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(ReminderPlan)) == 1

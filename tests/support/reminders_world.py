"""A committee, its people and a dispatcher for reminder tests, built through the domain layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from gelbot.clock import ManualClock
from gelbot.models import Committee, Compromiso, Person, Reminder, Role
from gelbot.reminders.dispatcher import Dispatcher
from gelbot.reminders.tick import TickReport, tick
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeChat, FakeTelegram, FakeUser, SentMessage
from gelbot.telegram.sender import TelegramSender
from tests.support.harness import Harness
from tests.support.members import found_committee, join_committee

BOGOTA = ZoneInfo("America/Bogota")


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A Bogotá wall-clock moment, as the aware datetime the clock wants."""
    return datetime(year, month, day, hour, minute, tzinfo=BOGOTA).astimezone(UTC)


@dataclass
class World:
    """One committee in a group, and who is in it."""

    tg: FakeTelegram
    services: Services
    committee_id: int
    group: FakeChat
    users: dict[str, FakeUser] = field(default_factory=dict)
    person_ids: dict[str, int] = field(default_factory=dict)
    membership_ids: dict[str, int] = field(default_factory=dict)

    def to(self, name: str) -> list[SentMessage]:
        """What the bot sent to this person's private chat."""
        return self.tg.messages_to(self.users[name].id)

    def in_group(self) -> list[SentMessage]:
        return self.tg.messages_to(self.group)


async def add_person(
    world: World, name: str, role: Role = Role.MIEMBRO, *, private: bool = True
) -> None:
    """A member of the world's committee; `private` when they opened the chat with the bot."""
    joined = await join_committee(
        world.services, world.tg, world.committee_id, name, role, private=private
    )
    world.users[name] = joined.user
    world.person_ids[name] = joined.person_id
    world.membership_ids[name] = joined.membership_id


async def make_world(
    services: Services,
    tg: FakeTelegram,
    *,
    entity: str = "Alcaldía de Mocoa",
    coordinador: str = "Ana",
    orden: str | None = "territorial",
    private_coordinador: bool = True,
    meeting_rule: str | None = "1st tue 09:00",  # as `/reunion programar primer martes 9:00`
) -> World:
    """A registered committee whose founder is its coordinador."""
    founder = await found_committee(
        services,
        tg,
        entity=entity,
        founder=coordinador,
        group_title=f"Comité GEL {entity}",
        private=private_coordinador,
        orden=orden,
        meeting_rule=meeting_rule,
        nivel="municipal",
    )
    world = World(tg, services, founder.committee_id, founder.group)
    world.users[coordinador] = founder.user
    world.person_ids[coordinador] = founder.person_id
    world.membership_ids[coordinador] = founder.membership_id
    return world


async def add_compromiso(
    world: World, owner: str | None, description: str, due_on: date, *, cargo: str | None = None
) -> int:
    async with world.services.transaction() as session:
        compromiso = Compromiso(
            committee_id=world.committee_id,
            description=description,
            owner_membership_id=world.membership_ids[owner] if owner else None,
            owner_cargo=cargo,
            due_on=due_on,
            status="abierto",
            created_at=world.services.clock.now(),
        )
        session.add(compromiso)
        await session.flush()
        return compromiso.id


class Engine:
    """The reminder engine as the running bot has it: a dispatcher over the real sender."""

    def __init__(self, bot: Harness, services: Services, clock: ManualClock, **options: object):
        self.clock = clock
        self.slept: list[float] = []
        self.sender = TelegramSender(bot.app.bot, sleep=self.sleep)
        self.dispatcher = Dispatcher(services, self.sender, **options)  # type: ignore[arg-type]
        self.services = services

    async def sleep(self, seconds: float) -> None:
        """Waiting moves the injected clock; no test sleeps for real."""
        self.slept.append(seconds)
        self.clock.advance(seconds=seconds)

    async def tick(self) -> TickReport:
        return await tick(self.dispatcher)

    async def at(self, moment: datetime) -> TickReport:
        """Move the clock to `moment` and run one tick there."""
        self.clock.set(moment)
        return await tick(self.dispatcher)

    async def rows(self, **where: object) -> list[Reminder]:
        async with self.services.transaction() as session:
            query = select(Reminder).order_by(Reminder.scheduled_for, Reminder.id)
            for name, value in where.items():
                query = query.where(getattr(Reminder, name) == value)
            return list(await session.scalars(query))

    async def person(self, person_id: int) -> Person:
        async with self.services.transaction() as session:
            found = await session.get(Person, person_id)
            assert found is not None
            return found

    async def committee(self, committee_id: int) -> Committee:
        async with self.services.transaction() as session:
            found = await session.get(Committee, committee_id)
            assert found is not None
            return found

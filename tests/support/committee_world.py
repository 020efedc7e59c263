"""A committee in a group, as dialog tests about meetings and compromisos need it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from gelbot.models import Meeting, MeetingAttendance, Membership, Person
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeChat, FakeUser, SentMessage
from tests.support.harness import Harness


@dataclass
class World:
    """Alcaldía de Mocoa: Ana coordinates, Beto is Secretario de Planeación, Carla the web."""

    bot: Harness
    group: FakeChat
    ana: FakeUser
    beto: FakeUser
    carla: FakeUser

    async def say(self, user: FakeUser, text: str, **kwargs: object) -> list[SentMessage]:
        return await self.bot.say(user, self.group, text, **kwargs)  # type: ignore[arg-type]

    async def answer(self, user: FakeUser, question: SentMessage, text: str) -> list[SentMessage]:
        """Reply to one of the bot's questions, as the client does after a ForceReply."""
        return await self.bot.say(user, self.group, text, reply_to=question)


async def register(bot: Harness, admin: FakeUser, group: FakeChat, entity: str) -> None:
    """`/comite <entity>` in `group`, answered with the first orden and nivel offered."""
    [question] = await bot.say(admin, group, f"/comite {entity}")
    [question] = await bot.press(admin, question, 1)
    await bot.press(admin, question, 1)


async def committee(bot: Harness) -> World:
    ana = bot.tg.add_user("Ana", "ana")
    beto = bot.tg.add_user("Beto", "beto", last_name="Ruiz")
    carla = bot.tg.add_user("Carla", "carla")
    group = bot.tg.add_group("Comité GEL Mocoa", admins=[ana])
    await register(bot, ana, group, "Alcaldía de Mocoa")
    await bot.say(ana, group, "/unirme Coordinadora GEL")
    await bot.say(beto, group, "/unirme Secretario de Planeación")
    await bot.say(carla, group, "/unirme Encargada del sitio web")
    return World(bot, group, ana, beto, carla)


async def confirmed(world: World, user: FakeUser, text: str) -> SentMessage:
    """Propose a compromiso and confirm it; returns the confirmation."""
    [echo] = await world.say(user, text)
    assert [b["text"] for b in echo.buttons()] == ["Confirmar", "Cancelar"], echo.plain
    [done] = await world.bot.press(user, echo, 1)
    return done


async def close_anyway(world: World) -> list[SentMessage]:
    """/reunion cerrar when nobody took the roll call asks first (issue 12); «Cerrar así»."""
    [question] = await world.say(world.ana, "/reunion cerrar")
    assert "Nadie tomó el llamado a lista" in question.plain
    return await world.bot.press(world.ana, question, 1)


async def stored_meeting(services: Services, meeting_id: int = 1) -> Meeting:
    async with services.transaction() as session:
        found = await session.get(Meeting, meeting_id)
        assert found is not None
        return found


async def attendance(services: Services, meeting_id: int = 1) -> dict[str, str]:
    async with services.transaction() as session:
        rows = await session.execute(
            select(Person.first_name, MeetingAttendance.status)
            .join(Membership, Membership.id == MeetingAttendance.membership_id)
            .join(Person, Person.id == Membership.person_id)
            .where(MeetingAttendance.meeting_id == meeting_id)
        )
        return {name: status for name, status in rows}

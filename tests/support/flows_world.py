"""A committee for flow tests, and dialogs written as data: (who, says, what the bot answers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from gelbot.flows.engine import Subject
from gelbot.models import Committee, Compromiso, Person, Role
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeChat, FakeUser, SentMessage
from gelbot.telegram.flow_questions import start_flow_for_reminder
from tests.support.harness import Harness, texts
from tests.support.members import found_committee, join_committee

# A step of a dialog: who speaks, what they say, and a fragment the bot's answer must contain.
# "[Sí]" presses the button labelled «Sí» under the bot's latest message in that chat;
# "📎acta.pdf" sends a file; anything else is typed (as a reply to the latest bot message in a
# group, where privacy mode only shows the bot replies).
Step = tuple[str, str, str]


@dataclass
class FlowWorld:
    """Alcaldía de Mocoa: Ana coordinates; others join with `add`."""

    bot: Harness
    services: Services
    committee_id: int
    group: FakeChat
    users: dict[str, FakeUser] = field(default_factory=dict)
    person_ids: dict[str, int] = field(default_factory=dict)
    member_ids: dict[str, int] = field(default_factory=dict)

    async def add(self, name: str, role: Role = Role.MIEMBRO, *, private: bool = True) -> None:
        """A member; `private` when they opened a chat with the bot."""
        joined = await join_committee(
            self.services, self.bot.tg, self.committee_id, name, role, private=private
        )
        self.users[name] = joined.user
        self.person_ids[name] = joined.person_id
        self.member_ids[name] = joined.membership_id

    def chat(self, name: str | None) -> FakeChat:
        """A person's private chat, or the group for None."""
        return self.group if name is None else self.bot.tg.private_chat(self.users[name])

    async def start(self, kind: str, subject: Subject, person: str | None = None) -> bool:
        """What the reminder engine does: start the flows of a reminder kind."""
        async with self.services.transaction() as session:
            committee = await session.get(Committee, self.committee_id)
            assert committee is not None
            who = await session.get(Person, self.person_ids[person]) if person else None
            return await start_flow_for_reminder(
                self.bot.app.bot,
                session,
                kind=kind,
                committee=committee,
                person=who,
                subject=subject,
                now=self.services.clock.now(),
                tz=self.services.settings.zone,
            )

    async def compromiso(self, owner: str, description: str, due_on: date) -> int:
        async with self.services.transaction() as session:
            found = Compromiso(
                committee_id=self.committee_id,
                description=description,
                owner_membership_id=self.member_ids[owner],
                due_on=due_on,
                status="abierto",
                created_at=self.services.clock.now(),
            )
            session.add(found)
            await session.flush()
            return found.id

    def latest(self, chat: FakeChat) -> SentMessage:
        return self.bot.tg.last_to(chat)

    async def says(self, who: str, text: str, chat: FakeChat) -> list[SentMessage]:
        """One step: press a button, send a file, or type (replying in a group)."""
        user = self.users[who]
        if text.startswith("[") and text.endswith("]"):
            label = text[1:-1]
            for message in reversed(self.bot.tg.messages_to(chat)):
                for button in message.buttons():
                    if button.get("text") == label:
                        return await self.bot.press_data(user, message, button["callback_data"])
            raise AssertionError(f"no button «{label}» in {chat.id}")
        reply_to = self.latest(chat) if chat.type != "private" else None
        if text.startswith("📎"):
            return await self.bot.deliver(
                self.bot.tg.send_document(user, chat, text[1:], b"%PDF-1.4", reply_to=reply_to)
            )
        return await self.bot.say(user, chat, text, reply_to=reply_to)

    async def say_and_get(self, who: str, text: str, chat: FakeChat) -> list[SentMessage]:
        """Type a command (not as a reply)."""
        return await self.bot.say(self.users[who], chat, text)

    async def dialog(self, steps: list[Step], chat: FakeChat) -> None:
        """Play a dialog; each answer must contain its expected fragment."""
        for number, (who, text, expected) in enumerate(steps, start=1):
            answer = texts(await self.says(who, text, chat))
            assert expected in answer, f"paso {number} ({who}: {text!r}): {answer!r}"


async def make_world(bot: Harness, services: Services, *, private_ana: bool = True) -> FlowWorld:
    """A registered committee (territorial, municipal) whose coordinadora is Ana."""
    ana = await found_committee(
        services,
        bot.tg,
        entity="Alcaldía de Mocoa",
        founder="Ana",
        group_title="Comité GEL Mocoa",
        private=private_ana,
        cargo="Coordinadora GEL",
        orden="territorial",
        nivel="municipal",
    )
    world = FlowWorld(bot, services, ana.committee_id, ana.group)
    world.users["Ana"], world.person_ids["Ana"] = ana.user, ana.person_id
    world.member_ids["Ana"] = ana.membership_id
    return world

"""Hostile text people may send, and the checks that the bot's answers stay well-formed.

Shared by the bad-input tests: hypothesis strategies for arguments and names, and assertions that
what the bot sent is what Telegram accepts, with the user's text shown exactly as typed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from gelbot.domain import committees as domain
from gelbot.models import Committee
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeChat, FakeUser, SentMessage, utf16_length
from gelbot.texts import truncate_text
from tests.support.harness import Harness

GENERIC_ERROR = "Algo salió mal"
MAX_MESSAGE = 4096  # what Telegram accepts from a person, and what the bot may send
BOT_USERNAME = "gelbot_demo_bot"

# Fragments people paste by accident or on purpose: markup, template syntax, Markdown, scripts
# that run right to left, emoji sequences, invisible characters, numerals that are not ASCII.
HOSTILE = [
    "<b>", "</b>", "</a>", "<a href='x'>", "<script>alert(1)</script>", "<", ">", "&", "&amp;",
    "&lt;", "&#60;", "&nbsp;", "_", "*", "__x__", "**x**", "`x`", "[x](http://x)", "{{ 7*7 }}",
    "{% if %}", "{% for x in y %}", "{#", "#}", "${7*7}", "%s", "\\", "'", '"', "«»",
    "\u202e", "\u200f", "مرحبا", "שלום", "👩🏽‍💻", "🇨🇴", "\u200b", "\u200c", "\u200d", "\ufeff",
    "\u2028", "\n", "\r\n", "\t", " ", "\xa0", "@", "@ana", "c1", "c", "0", "²", "١٢", "Ñandú",
    "coordinador", "editor_web", "\x00",
]  # fmt: skip
characters = st.characters(codec="utf-8")  # no lone surrogates: they cannot travel as UTF-8
fragment = st.one_of(st.sampled_from(HOSTILE), st.text(characters, max_size=10))
short_text = st.lists(fragment, max_size=8).map("".join)
name_text = (
    st.lists(fragment, min_size=1, max_size=4).map(lambda parts: "".join(parts)[:64])
    .filter(lambda name: bool(name.strip()))
)  # fmt: skip
# Text that reaches the database through the domain while setting an example up, not through the
# bot under test: without NUL, which PostgreSQL refuses in text, so a failure names the bot's path.
entity_text = short_text.filter(lambda name: 0 < len(" ".join(name.split())) <= 200)
entity_text = entity_text.filter(lambda text: "\x00" not in text)
cargo_text = short_text.filter(lambda cargo: 0 < len(" ".join(cargo.split())) <= 120)
cargo_text = cargo_text.filter(lambda text: "\x00" not in text)
setup_name = name_text.filter(lambda text: "\x00" not in text)

HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fill(pieces: list[str], budget: int) -> str:
    """`pieces` repeated until the text is exactly as long as Telegram allows (UTF-16 units)."""
    unit = "".join(pieces) or "x"
    text = unit * (budget // max(utf16_length(unit), 1) + 1)
    while utf16_length(text) > budget:
        text = text[: -max(1, (utf16_length(text) - budget) // 2)]
    return text


def arguments(command: str) -> st.SearchStrategy[str]:
    """What follows `/command `: short hostile text, or enough to make a 4096-character message."""
    budget = MAX_MESSAGE - utf16_length(f"/{command}@{BOT_USERNAME} ")
    long_text = st.lists(fragment, min_size=1, max_size=4).map(lambda p: fill(p, budget))
    return st.one_of(short_text, long_text)


def command_word(name: str) -> st.SearchStrategy[str]:
    """`/name` or `/name@bot`, as clients send it in groups with several bots."""
    return st.sampled_from([f"/{name}", f"/{name}@{BOT_USERNAME}"])


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> Iterator[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return iter(parser.tags)


def normalized(text: str) -> str:
    """Whitespace collapsed, as the domain stores names and cargos."""
    return " ".join(text.split())


def display(user: FakeUser, clean: Callable[[str], str] = str) -> str:
    """The name the bot shows for `user` (its persona() macro), after `clean`."""
    full = " ".join(clean(p) for p in (user.first_name, user.last_name) if p and clean(p))
    return truncate_text(full.strip(), 80)


def assert_clean(messages: list[SentMessage], caplog: pytest.LogCaptureFixture) -> str:
    """The bot answered; Telegram would take every message; nothing failed. Returns the plain text.

    The fake Telegram already refused bad HTML and overlong text (BotApiError): such a refusal
    reaches the error handler, which answers the generic message and logs at ERROR — so its
    absence here is what proves every send was accepted.
    """
    assert messages, "the bot did not answer"
    for message in messages:
        assert message.parse_mode == "HTML"
        assert 0 < utf16_length(message.plain) <= MAX_MESSAGE
        assert GENERIC_ERROR not in message.plain
        for tag, attrs in tags(message.text):
            # Only the templates' own markup; a user's <b> or <a> would show up here.
            assert tag in {"b", "code", "a"}, message.text
            if tag == "a":
                assert re.fullmatch(r"tg://user\?id=\d+", attrs.get("href") or ""), message.text
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not problems, [r.getMessage() for r in problems]
    return "\n".join(m.plain for m in messages)


def visible(text: str) -> str:
    """What a person sees: NUL shows as nothing, so the bot may keep or drop it."""
    return text.replace("\x00", "")


def assert_shown(text: str, plain: str, *alternatives: str) -> None:
    """User text reached the person exactly as typed: escaped, not interpreted as markup/Jinja."""
    assert any(visible(t) in visible(plain) for t in (text, *alternatives)), (
        f"{text!r} not shown in {plain!r}"
    )


def outcomes(arg: str, limit: int) -> set[str]:
    """What the bot may make of `arg`, as typed or without NUL: missing, too long or stored."""
    found = set()
    for value in (normalized(arg), normalized(visible(arg))):
        found.add("missing" if not value else "too long" if len(value) > limit else "stored")
    return found


async def committee_in_group(
    bot: Harness, services: Services, *, entity_name: str = "Alcaldía de Mocoa"
) -> tuple[FakeChat, FakeUser, Committee]:
    """A fresh group whose admin registered a committee (through the domain: setup, not subject)."""
    ana = bot.tg.add_user("Ana")
    group = bot.tg.add_group("GEL", admins=[ana])
    now = services.clock.now()
    async with services.transaction() as session:
        founder = await domain.upsert_person(session, info(ana), now=now)
        committee, _ = await domain.register_committee(
            session, chat_id=group.id, entity_name=entity_name, founder=founder, now=now
        )
    return group, ana, committee


async def add_member(services: Services, committee: Committee, user: FakeUser, cargo: str) -> None:
    now = services.clock.now()
    async with services.transaction() as session:
        person = await domain.upsert_person(session, info(user), now=now)
        await domain.join(session, committee, person, cargo, now=now)


def info(user: FakeUser) -> domain.PersonInfo:
    return domain.PersonInfo(user.id, user.first_name, user.username, user.last_name)


@dataclass
class Hostile:
    """One bad-input example: the bot, its services, and the log its answers must leave clean.

    Each example builds its own people, group and committee inside the one `bot` of the test (the
    fixture is function-scoped and building the Application per example would be slow).
    """

    bot: Harness
    services: Services
    caplog: pytest.LogCaptureFixture

    def user(self, first_name: str, last_name: str | None = None) -> FakeUser:
        return self.bot.tg.add_user(first_name, last_name=last_name)

    def private(self, user: FakeUser) -> FakeChat:
        return self.bot.tg.private_chat(user)

    async def committee(
        self, *, entity_name: str = "Alcaldía de Mocoa"
    ) -> tuple[FakeChat, FakeUser, Committee]:
        """A fresh group whose admin, Ana, registered a committee (see committee_in_group)."""
        return await committee_in_group(self.bot, self.services, entity_name=entity_name)

    async def member(self, committee: Committee, first_name: str, cargo: str) -> FakeUser:
        """Someone who joined `committee` (through the domain: setup, not subject)."""
        user = self.user(first_name)
        await add_member(self.services, committee, user, cargo)
        return user

    async def says(self, user: FakeUser, chat: FakeChat, text: str, **kwargs: object) -> str:
        """The answer to `text`, checked clean (assert_clean) of what this message logged."""
        self.caplog.clear()
        return assert_clean(await self.bot.say(user, chat, text, **kwargs), self.caplog)

    async def coordinador_says(self, text: str) -> str:
        """A fresh committee's coordinadora sends `text` in its group; the answer, checked clean."""
        group, ana, _ = await self.committee()
        return await self.says(ana, group, text)

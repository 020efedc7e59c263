"""Hostile input for the reminder commands: a clear Spanish answer, user text escaped."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from gelbot.clock import ManualClock
from gelbot.domain import committees as domain
from gelbot.models import Role
from gelbot.services import Services
from tests.support.harness import Harness
from tests.support.hostile import (
    HYPOTHESIS,
    Hostile,
    add_member,
    arguments,
    assert_clean,
    command_word,
    committee_in_group,
    short_text,
)
from tests.support.reminders_world import Engine


@HYPOTHESIS
@given(word=command_word("recordatorios"), arg=arguments("recordatorios"))
@example(word="/recordatorios", arg="sitio {{ 7*7 }} <b>lunes</b>")
@example(word="/recordatorios", arg="silencio 25:00-99:00")
@example(word="/recordatorios", arg="silencio 18:00 a 08:00")
@example(word="/recordatorios", arg="resumen martes 10:00")
async def test_recordatorios_arguments(hostile: Hostile, word: str, arg: str) -> None:
    plain = await hostile.coordinador_says(f"{word} {arg}")  # Ana is its coordinador
    assert "Recordatorios del comité" in plain or "/recordatorios" in plain


@HYPOTHESIS
@given(word=command_word("vacaciones"), arg=arguments("vacaciones"))
@example(word="/vacaciones", arg="31 de febrero")
@example(word="/vacaciones", arg="ayer")
@example(word="/vacaciones", arg="{{ 7*7 }}")
async def test_vacaciones_arguments(hostile: Hostile, word: str, arg: str) -> None:
    ana = hostile.user("Ana")
    plain = await hostile.says(ana, hostile.private(ana), f"{word} {arg}")
    assert "/vacaciones" in plain or "pauso sus recordatorios" in plain


@HYPOTHESIS
@given(
    word=st.sampled_from(["seguir", "dejar"]).flatmap(command_word),
    arg=arguments("seguir"),
)
@example(word="/seguir", arg="<b>Mocoa</b> &amp;")
@example(word="/dejar", arg="Mocoa")
async def test_seguir_and_dejar_arguments(hostile: Hostile, word: str, arg: str) -> None:
    await hostile.committee()
    delia = hostile.user("Delia")
    await hostile.says(delia, hostile.private(delia), f"{word} {arg}")


@HYPOTHESIS
@given(answer=short_text.filter(lambda text: text.strip() and not text.startswith("/")))
@example(answer="3,5")
@example(answer="-2")
@example(answer="1e9")
@example(answer="<b>2</b>")
async def test_replies_to_the_nag(
    bot: Harness, services: Services, caplog: pytest.LogCaptureFixture, answer: str
) -> None:
    caplog.clear()
    _, _, committee = await committee_in_group(bot, services)
    eva = bot.tg.add_user("Eva")
    bot.tg.private_chat(eva)
    await add_member(services, committee, eva, "Webmaster")
    async with services.transaction() as session:
        person = await domain.upsert_person(
            session, domain.PersonInfo(eva.id, "Eva"), now=services.clock.now()
        )
        person.private_chat_open = True
        member = await domain.membership(session, committee, person)
        assert member is not None
        member.role = Role.EDITOR_WEB.value
    assert isinstance(services.clock, ManualClock)
    await Engine(bot, services, services.clock).tick()
    nags = bot.tg.messages_to(eva.id)
    if not nags:  # a previous example of this test already asked Eva's committee that week
        return
    replies = await bot.say(eva, bot.tg.private_chat(eva), answer, reply_to=nags[-1])
    plain = assert_clean(replies, caplog)
    assert "Registrado" in plain or "No entendí el número" in plain or "entre 0 y" in plain

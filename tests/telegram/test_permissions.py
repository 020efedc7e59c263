"""Who may do what: admins register, coordinadores assign roles, committees never see each other.

Callback data comes from the client, so every forged or stale button gets a refusal through
answerCallbackQuery and leaves the database exactly as it was.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select, text

from gelbot.models import Committee, Membership
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeChat, FakeUser, SentMessage
from tests.support.harness import Harness, texts

INVALID_BUTTON = "Ese botón ya no es válido."
ONLY_COORDINATOR = "Solo el coordinador del comité puede elegir esto."

Snapshot = dict[str, list[tuple[Any, ...]]]


async def snapshot(services: Services) -> Snapshot:
    """Every row of every table in the database, to prove a refused request changed nothing."""
    async with services.engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        return {
            name: sorted(
                map(tuple, await connection.execute(text(f'SELECT * FROM "{name}"'))), key=repr
            )
            for name in names
        }


@dataclass
class TwoCommittees:
    """Committee A (Mocoa: Ana coordinates, Beto is a member) and B (Putumayo: Carla, Darío)."""

    ana: FakeUser
    beto: FakeUser
    carla: FakeUser
    dario: FakeUser
    group_a: FakeChat
    group_b: FakeChat
    question_a: SentMessage  # A's "territorial or nacional?" with its buttons
    question_b: SentMessage
    a_id: int
    b_id: int


@pytest.fixture
async def two(bot: Harness, services: Services) -> TwoCommittees:
    tg = bot.tg
    ana, beto = tg.add_user("Ana", "ana"), tg.add_user("Beto", "beto")
    carla, dario = tg.add_user("Carla", "carla"), tg.add_user("Darío", "dario", last_name="Gómez")
    group_a = tg.add_group("GEL Mocoa", admins=[ana])
    group_b = tg.add_group("GEL Putumayo", admins=[carla])
    [question_a] = await bot.say(ana, group_a, "/comite Alcaldía de Mocoa")
    [question_b] = await bot.say(carla, group_b, "/comite Gobernación del Putumayo")
    await bot.say(beto, group_a, "/unirme Secretario de Planeación")
    await bot.say(dario, group_b, "/unirme Jefe de Sistemas")
    async with services.transaction() as session:
        ids = {c.chat_id: c.id for c in await session.scalars(select(Committee))}
    return TwoCommittees(
        ana, beto, carla, dario, group_a, group_b, question_a, question_b,
        ids[group_a.id], ids[group_b.id],
    )  # fmt: skip


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors


# --- commands ------------------------------------------------------------------------------------


async def test_non_admin_cannot_register(
    bot: Harness, services: Services, two: TwoCommittees
) -> None:
    group = bot.tg.add_group("GEL Sibundoy", admins=[two.carla])
    before = await snapshot(services)
    [answer] = await bot.say(two.beto, group, "/comite Alcaldía de Sibundoy")
    assert "Solo un administrador" in answer.plain
    assert await snapshot(services) == before


async def test_non_coordinator_cannot_set_roles(
    bot: Harness, services: Services, two: TwoCommittees
) -> None:
    before = await snapshot(services)
    [answer] = await bot.say(two.beto, two.group_a, "/rol @beto coordinador")
    assert "Solo el coordinador" in answer.plain
    # Nor can the other committee's coordinador, nor a member of it, from inside group A.
    for outsider in (two.carla, two.dario):
        [answer] = await bot.say(outsider, two.group_a, "/rol @beto coordinador")
        assert "Solo el coordinador" in answer.plain
    assert await snapshot(services) == before


async def test_private_members_lists_only_own_committees(bot: Harness, two: TwoCommittees) -> None:
    [listing] = await bot.say(two.beto, bot.tg.private_chat(two.beto), "/miembros")
    assert "Alcaldía de Mocoa" in listing.plain and "Ana" in listing.plain
    for secret in ("Putumayo", "Carla", "Darío", "Jefe de Sistemas"):
        assert secret not in listing.plain


async def test_role_for_someone_of_another_committee(
    bot: Harness, services: Services, two: TwoCommittees
) -> None:
    before = await snapshot(services)
    mention = {"type": "text_mention", "offset": 5, "length": 5, "user": two.dario.to_dict()}
    for command, entities in (
        ("/rol @dario coordinador", None),
        (f"/rol {two.dario.id} coordinador", None),
        ("/rol Darío coordinador", [mention]),
    ):
        [answer] = await bot.say(two.ana, two.group_a, command, entities=entities)
        assert "no es miembro de este comité" in answer.plain
        assert "Putumayo" not in answer.plain
    assert await snapshot(services) == before


async def test_start_link_of_another_committee_reveals_nothing(
    bot: Harness, two: TwoCommittees
) -> None:
    [hello] = await bot.say(two.beto, bot.tg.private_chat(two.beto), f"/start c{two.b_id}")
    assert "todavía no pertenece" in hello.plain
    assert "Putumayo" not in hello.plain
    assert "Alcaldía de Mocoa" in hello.plain  # their own committee is still listed


async def test_help_in_another_group_shows_nothing_of_yours(
    bot: Harness, two: TwoCommittees
) -> None:
    answer = texts(await bot.say(two.dario, two.group_a, "/ayuda"))
    assert "Putumayo" not in answer
    assert "/rol" not in answer  # Darío coordinates nothing here


# --- forged and stale buttons --------------------------------------------------------------------


async def assert_refused(
    bot: Harness,
    services: Services,
    who: FakeUser,
    message: SentMessage,
    data: str,
    alert: str | None,
) -> None:
    """The press is answered once (with `alert`, if given), and nothing else happens."""
    before, calls = await snapshot(services), len(bot.answers())
    text_before = message.text
    assert await bot.press_data(who, message, data) == []  # nothing sent, nothing edited
    answers = bot.answers()[calls:]
    assert len(answers) == 1, "the press was not answered: the client would keep spinning"
    [(_, answer)] = answers
    if alert is not None:
        assert answer.get("text") == alert and answer.get("show_alert") is True
    assert message.text == text_before
    assert await snapshot(services) == before


@pytest.mark.parametrize(
    "data",
    [
        "co:abc:o:t",
        "co:1:x:y",
        "co:1:o:zz",
        "co:1:n:t",
        "co:1",
        "co:1:o:t:extra",
        "co::o:t",
        "co:-1:o:t",
        "co:²:o:t",  # a digit to str.isdigit, not to int()
        "co:" + "9" * 40 + ":o:t",
        "co:" + "ñ" * 30 + ":",  # 64 bytes
        "\u202e" * 21,  # 63 bytes of right-to-left overrides
        "x" * 64,
    ],
)
async def test_malformed_callback_data(
    bot: Harness,
    services: Services,
    two: TwoCommittees,
    caplog: pytest.LogCaptureFixture,
    data: str,
) -> None:
    assert len(data.encode()) <= 64
    alert = INVALID_BUTTON if data.startswith("co:") else None
    await assert_refused(bot, services, two.ana, two.question_a, data, alert)
    no_errors(caplog)


async def test_other_committees_button_in_my_group(
    bot: Harness, services: Services, two: TwoCommittees
) -> None:
    # Ana (coordinadora of A) forges B's setup button on A's message...
    await assert_refused(
        bot, services, two.ana, two.question_a, f"co:{two.b_id}:o:t", INVALID_BUTTON
    )
    # ...and Carla (coordinadora of B) presses B's button on a message in A's group.
    await assert_refused(
        bot, services, two.carla, two.question_a, f"co:{two.b_id}:o:t", INVALID_BUTTON
    )


async def test_my_button_pressed_in_another_chat(
    bot: Harness, services: Services, two: TwoCommittees
) -> None:
    data = f"co:{two.a_id}:o:t"
    await assert_refused(bot, services, two.ana, two.question_b, data, INVALID_BUTTON)
    [hello] = await bot.say(two.ana, bot.tg.private_chat(two.ana), "/start")
    await assert_refused(bot, services, two.ana, hello, data, INVALID_BUTTON)


async def test_valid_button_pressed_by_non_coordinator(
    bot: Harness, services: Services, two: TwoCommittees
) -> None:
    data = two.question_a.buttons()[0]["callback_data"]
    assert data == f"co:{two.a_id}:o:t"
    for presser in (two.beto, two.carla, two.dario):  # a member of A, B's coordinadora, B's member
        await assert_refused(bot, services, presser, two.question_a, data, ONLY_COORDINATOR)
    # The coordinadora herself still can.
    [edited] = await bot.press(two.ana, two.question_a, 1)
    assert "municipal" in edited.plain
    async with services.transaction() as session:
        committee = await session.get(Committee, two.a_id)
        assert committee is not None and committee.orden == "territorial"
        roles = {m.role for m in await session.scalars(select(Membership))}
        assert roles == {"coordinador", "miembro"}


_parts = st.one_of(
    st.sampled_from(["", "0", "1", "2", "01", "-1", "²", "١", "o", "n", "t", "m", "d", "x"]),
    st.text(st.characters(codec="utf-8"), max_size=8),
)
_callback_data = st.one_of(
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=64),
    st.lists(_parts, min_size=1, max_size=5).map(lambda parts: ":".join(["co", *parts])),
).filter(lambda data: 1 <= len(data.encode()) <= 64)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=_callback_data)
@example(data="co:²:o:t")
async def test_any_forged_callback_data_is_refused(
    bot: Harness,
    services: Services,
    two: TwoCommittees,
    caplog: pytest.LogCaptureFixture,
    data: str,
) -> None:
    # The four genuine buttons of A's setup would be obeyed (int() also reads "01" or "١" as 1).
    genuine = re.fullmatch(r"co:(\d+):(o:[tn]|n:[md])", data)
    assume(genuine is None or int(genuine[1]) != two.a_id)
    caplog.clear()
    # Data of our own prefix meets our own refusal; anything else any refusal at all.
    alert = INVALID_BUTTON if data.startswith("co:") else None
    await assert_refused(bot, services, two.ana, two.question_a, data, alert)
    no_errors(caplog)

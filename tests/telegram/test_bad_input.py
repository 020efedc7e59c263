"""Hostile input for every command: a clear Spanish answer Telegram accepts, with user text escaped.

Each hypothesis example builds its own people, group and committee inside the one `bot` of the
test (the fixture is function-scoped and building the Application per example would be slow), so
examples never see each other's data even though they share a database.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from gelbot.domain import committees as domain
from gelbot.models import Committee, Role
from gelbot.services import Services
from gelbot.texts import truncate_text
from tests.support.harness import Harness
from tests.support.hostile import (
    GENERIC_ERROR,
    HYPOTHESIS,
    add_member,
    arguments,
    assert_clean,
    assert_shown,
    cargo_text,
    command_word,
    committee_in_group,
    display,
    entity_text,
    fragment,
    name_text,
    normalized,
    outcomes,
    setup_name,
    short_text,
    visible,
)

# Other features' bad-input tests import these from here (tests.support.hostile is where they live).
__all__ = [
    "GENERIC_ERROR", "HYPOTHESIS", "add_member", "arguments", "assert_clean", "command_word",
    "committee_in_group", "fragment", "short_text",
]  # fmt: skip

# --- /comite -------------------------------------------------------------------------------------


@HYPOTHESIS
@given(word=command_word("comite"), arg=arguments("comite"), admin_name=name_text)
@example(word="/comite", arg="{{ 7*7 }} <b>Mocoa</b> &amp; {% if %}", admin_name="Ana")
@example(word="/comite", arg="", admin_name="Ana")
@example(word="/comite", arg=" \n\t ", admin_name="Ana")
async def test_comite_in_group(
    bot: Harness,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    word: str,
    arg: str,
    admin_name: str,
) -> None:
    caplog.clear()
    admin = bot.tg.add_user(admin_name)
    group = bot.tg.add_group("GEL", admins=[admin])

    plain = assert_clean(await bot.say(admin, group, f"{word} {arg}"), caplog)

    name = normalized(arg)
    async with services.transaction() as session:
        committee = await session.scalar(select(Committee).where(Committee.chat_id == group.id))
    if "Falta el nombre de la entidad" in plain:
        outcome = "missing"
    elif "muy largo" in plain:
        outcome = "too long"
    else:
        outcome = "stored"
        assert_shown(name, plain)
        assert committee is not None and visible(committee.entity_name) == visible(name)
    assert outcome in outcomes(arg, domain.MAX_ENTITY_NAME)
    assert (committee is not None) == (outcome == "stored")


# --- /unirme -------------------------------------------------------------------------------------


@HYPOTHESIS
@given(
    word=command_word("unirme"),
    arg=arguments("unirme"),
    entity=entity_text,
    first_name=name_text,
    last_name=st.none() | name_text,
)
@example(
    word="/unirme", arg="{{ 7*7 }} <script>x</script> &amp;", entity="<b>Mocoa</b>",
    first_name="{{ 7*7 }}", last_name="</a>",
)  # fmt: skip
@example(word="/unirme", arg="", entity="Mocoa", first_name="Beto", last_name=None)
async def test_unirme_in_group(
    bot: Harness,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    word: str,
    arg: str,
    entity: str,
    first_name: str,
    last_name: str | None,
) -> None:
    group, _, _ = await committee_in_group(bot, services, entity_name=entity)
    caplog.clear()
    beto = bot.tg.add_user(first_name, last_name=last_name)

    plain = assert_clean(await bot.say(beto, group, f"{word} {arg}"), caplog)

    if "Falta su cargo" in plain:
        outcome = "missing"
    elif "muy largo" in plain:
        outcome = "too long"
    else:
        outcome = "stored"
        assert_shown(normalized(arg), plain)
        assert_shown(normalized(entity), plain)
        assert_shown(display(beto), plain, display(beto, visible))
    assert outcome in outcomes(arg, domain.MAX_CARGO)


# --- /miembros -----------------------------------------------------------------------------------


@HYPOTHESIS
@given(
    word=command_word("miembros"),
    arg=arguments("miembros"),
    entity=entity_text,
    cargo=cargo_text,
    first_name=setup_name,
    in_group=st.booleans(),
)
@example(
    word="/miembros", arg="{{ 7*7 }}", entity="{% if %}&amp;", cargo="<b>Jefe</b> {{ 7*7 }}",
    first_name="<script>", in_group=False,
)  # fmt: skip
async def test_miembros(
    bot: Harness,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    word: str,
    arg: str,
    entity: str,
    cargo: str,
    first_name: str,
    in_group: bool,
) -> None:
    group, _, committee = await committee_in_group(bot, services, entity_name=entity)
    beto = bot.tg.add_user(first_name)
    await add_member(services, committee, beto, cargo)
    caplog.clear()
    chat = group if in_group else bot.tg.private_chat(beto)

    plain = assert_clean(await bot.say(beto, chat, f"{word} {arg}"), caplog)

    assert_shown(normalized(entity), plain)
    assert_shown(truncate_text(normalized(cargo), 80), plain)
    assert_shown(display(beto), plain)


@HYPOTHESIS
@given(arg=arguments("miembros"))
async def test_miembros_in_private_without_committee(
    bot: Harness, caplog: pytest.LogCaptureFixture, arg: str
) -> None:
    caplog.clear()
    nadie = bot.tg.add_user("Nadie")
    plain = assert_clean(
        await bot.say(nadie, bot.tg.private_chat(nadie), f"/miembros {arg}"), caplog
    )
    assert "no pertenece a ningún comité" in plain


# --- /rol ----------------------------------------------------------------------------------------


@HYPOTHESIS
@given(word=command_word("rol"), arg=arguments("rol"))
@example(word="/rol", arg="² editor_web")  # a digit to str.isdigit, not to int()
@example(word="/rol", arg="@{{7*7}} <b>x</b>")
@example(word="/rol", arg="")
async def test_rol_naming_anyone(
    bot: Harness,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    word: str,
    arg: str,
) -> None:
    group, ana, _ = await committee_in_group(bot, services)
    caplog.clear()

    plain = assert_clean(await bot.say(ana, group, f"{word} {arg}"), caplog)

    first = arg.split()[0] if arg.split() else ""
    if first.startswith("@") and len(first) > 1:
        assert "no es miembro" in plain
        assert_shown(truncate_text(first, 80), plain)
    elif not (first.isascii() and first.isdigit()):
        assert "No sé a quién asignar el rol" in plain


@HYPOTHESIS
@given(word=command_word("rol"), arg=arguments("rol"))
@example(word="/rol", arg="{{ 7*7 }}")
@example(word="/rol", arg="<b>coordinador</b>")
@example(word="/rol", arg=" \n ")
@example(word="/rol", arg="Editor Web")
async def test_rol_for_a_member(
    bot: Harness,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    word: str,
    arg: str,
) -> None:
    group, ana, committee = await committee_in_group(bot, services)
    beto = bot.tg.add_user("Beto", "beto")
    await add_member(services, committee, beto, "Secretario")
    caplog.clear()

    plain = assert_clean(await bot.say(ana, group, f"{word} @beto {arg}"), caplog)

    given_role = arg.strip()
    try:
        role: Role | None = domain.parse_role(given_role)
    except domain.DomainError:
        role = None
    if not given_role:
        assert "Falta el rol" in plain
    elif role is None:
        assert "No conozco el rol" in plain
        assert_shown(truncate_text(given_role, 60), plain)
    else:
        assert "ahora es" in plain


# --- /ayuda and /help ----------------------------------------------------------------------------


@HYPOTHESIS
@given(
    word=st.sampled_from(["ayuda", "help"]).flatmap(command_word),
    arg=arguments("ayuda"),
    entity=entity_text,
    in_group=st.booleans(),
)
@example(word="/ayuda", arg="{{ 7*7 }}", entity="<b>{{ 7*7 }}</b> &amp; _*", in_group=True)
async def test_ayuda(
    bot: Harness,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    word: str,
    arg: str,
    entity: str,
    in_group: bool,
) -> None:
    group, ana, _ = await committee_in_group(bot, services, entity_name=entity)
    caplog.clear()
    chat = group if in_group else bot.tg.private_chat(ana)

    plain = assert_clean(await bot.say(ana, chat, f"{word} {arg}"), caplog)

    assert "Lo que puede hacer" in plain
    if in_group:
        assert_shown(normalized(entity), plain)


# --- /start --------------------------------------------------------------------------------------


@HYPOTHESIS
@given(
    word=command_word("start"),
    arg=arguments("start"),
    link=st.booleans(),
    entity=entity_text,
    first_name=setup_name,
)
@example(word="/start", arg="c²", link=False, entity="Mocoa", first_name="Ana")
@example(word="/start", arg="", link=True, entity="{{ 7*7 }}<b>", first_name="&amp;")
async def test_start_in_private(
    bot: Harness,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    word: str,
    arg: str,
    link: bool,
    entity: str,
    first_name: str,
) -> None:
    _, _, committee = await committee_in_group(bot, services, entity_name=entity)
    beto = bot.tg.add_user(first_name)
    await add_member(services, committee, beto, "Secretario")
    caplog.clear()
    payload = f"c{committee.id}" if link else arg

    plain = assert_clean(
        await bot.say(beto, bot.tg.private_chat(beto), f"{word} {payload}"), caplog
    )

    assert_shown(display(beto), plain)
    assert_shown(normalized(entity), plain)
    if link:
        assert "Quedó conectado(a) con el comité" in plain


@HYPOTHESIS
@given(word=command_word("start"), arg=arguments("start"))
async def test_start_in_group(
    bot: Harness, caplog: pytest.LogCaptureFixture, word: str, arg: str
) -> None:
    caplog.clear()
    ana = bot.tg.add_user("Ana")
    group = bot.tg.add_group("GEL", admins=[ana])
    plain = assert_clean(await bot.say(ana, group, f"{word} {arg}"), caplog)
    assert "chat privado" in plain


# --- group commands sent in private --------------------------------------------------------------


@HYPOTHESIS
@given(
    word=st.sampled_from(["comite", "unirme", "rol"]).flatmap(command_word),
    arg=arguments("comite"),
)
async def test_group_commands_in_private(
    bot: Harness, caplog: pytest.LogCaptureFixture, word: str, arg: str
) -> None:
    caplog.clear()
    ana = bot.tg.add_user("Ana")
    plain = assert_clean(await bot.say(ana, bot.tg.private_chat(ana), f"{word} {arg}"), caplog)
    assert "se usa en el grupo del comité" in plain

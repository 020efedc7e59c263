"""Hostile input for every command: a clear Spanish answer Telegram accepts, with user text escaped.

Each hypothesis example builds its own people, group and committee inside the one `bot` of the
test (the fixture is function-scoped and building the Application per example would be slow), so
examples never see each other's data even though they share a database.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from gelbot.domain import committees as domain
from gelbot.models import Committee, Role
from gelbot.texts import truncate_text
from tests.support.hostile import (
    HYPOTHESIS,
    Hostile,
    add_member,
    arguments,
    assert_shown,
    cargo_text,
    command_word,
    display,
    entity_text,
    name_text,
    normalized,
    outcomes,
    setup_name,
    visible,
)

# --- /comite -------------------------------------------------------------------------------------


@HYPOTHESIS
@given(word=command_word("comite"), arg=arguments("comite"), admin_name=name_text)
@example(word="/comite", arg="{{ 7*7 }} <b>Mocoa</b> &amp; {% if %}", admin_name="Ana")
@example(word="/comite", arg="", admin_name="Ana")
@example(word="/comite", arg=" \n\t ", admin_name="Ana")
async def test_comite_in_group(
    hostile: Hostile,
    word: str,
    arg: str,
    admin_name: str,
) -> None:
    admin = hostile.user(admin_name)
    group = hostile.bot.tg.add_group("GEL", admins=[admin])

    plain = await hostile.says(admin, group, f"{word} {arg}")

    name = normalized(arg)
    async with hostile.services.transaction() as session:
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
    hostile: Hostile,
    word: str,
    arg: str,
    entity: str,
    first_name: str,
    last_name: str | None,
) -> None:
    group, _, _ = await hostile.committee(entity_name=entity)
    beto = hostile.user(first_name, last_name)

    plain = await hostile.says(beto, group, f"{word} {arg}")

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
    hostile: Hostile,
    word: str,
    arg: str,
    entity: str,
    cargo: str,
    first_name: str,
    in_group: bool,
) -> None:
    group, _, committee = await hostile.committee(entity_name=entity)
    beto = await hostile.member(committee, first_name, cargo)
    chat = group if in_group else hostile.private(beto)

    plain = await hostile.says(beto, chat, f"{word} {arg}")

    assert_shown(normalized(entity), plain)
    assert_shown(truncate_text(normalized(cargo), 80), plain)
    assert_shown(display(beto), plain)


@HYPOTHESIS
@given(arg=arguments("miembros"))
async def test_miembros_in_private_without_committee(hostile: Hostile, arg: str) -> None:
    nadie = hostile.user("Nadie")
    plain = await hostile.says(nadie, hostile.private(nadie), f"/miembros {arg}")
    assert "no pertenece a ningún comité" in plain


# --- /rol ----------------------------------------------------------------------------------------


@HYPOTHESIS
@given(word=command_word("rol"), arg=arguments("rol"))
@example(word="/rol", arg="² editor_web")  # a digit to str.isdigit, not to int()
@example(word="/rol", arg="@{{7*7}} <b>x</b>")
@example(word="/rol", arg="")
async def test_rol_naming_anyone(
    hostile: Hostile,
    word: str,
    arg: str,
) -> None:
    group, ana, _ = await hostile.committee()

    plain = await hostile.says(ana, group, f"{word} {arg}")

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
    hostile: Hostile,
    word: str,
    arg: str,
) -> None:
    group, ana, committee = await hostile.committee()
    beto = hostile.bot.tg.add_user("Beto", "beto")
    await add_member(hostile.services, committee, beto, "Secretario")

    plain = await hostile.says(ana, group, f"{word} @beto {arg}")

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
    hostile: Hostile,
    word: str,
    arg: str,
    entity: str,
    in_group: bool,
) -> None:
    group, ana, _ = await hostile.committee(entity_name=entity)
    chat = group if in_group else hostile.private(ana)

    plain = await hostile.says(ana, chat, f"{word} {arg}")

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
    hostile: Hostile,
    word: str,
    arg: str,
    link: bool,
    entity: str,
    first_name: str,
) -> None:
    _, _, committee = await hostile.committee(entity_name=entity)
    beto = await hostile.member(committee, first_name, "Secretario")
    payload = f"c{committee.id}" if link else arg

    plain = await hostile.says(beto, hostile.private(beto), f"{word} {payload}")

    assert_shown(display(beto), plain)
    assert_shown(normalized(entity), plain)
    if link:
        assert "Quedó conectado(a) con el comité" in plain


@HYPOTHESIS
@given(word=command_word("start"), arg=arguments("start"))
async def test_start_in_group(hostile: Hostile, word: str, arg: str) -> None:
    ana = hostile.user("Ana")
    group = hostile.bot.tg.add_group("GEL", admins=[ana])
    plain = await hostile.says(ana, group, f"{word} {arg}")
    assert "chat privado" in plain


# --- group commands sent in private --------------------------------------------------------------


@HYPOTHESIS
@given(
    word=st.sampled_from(["comite", "unirme", "rol"]).flatmap(command_word),
    arg=arguments("comite"),
)
async def test_group_commands_in_private(hostile: Hostile, word: str, arg: str) -> None:
    ana = hostile.user("Ana")
    plain = await hostile.says(ana, hostile.private(ana), f"{word} {arg}")
    assert "se usa en el grupo del comité" in plain

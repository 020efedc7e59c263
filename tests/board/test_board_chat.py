"""/tablero in the chat: a picture and the three that need attention, or the spreadsheet."""

from __future__ import annotations

import io

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import load_workbook

from gelbot.clock import ManualClock
from gelbot.domain.spanish import normalize
from gelbot.informe.chart import PNG_SIGNATURE
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeTelegram
from gelbot.telegram.handlers.board import FORMATS
from gelbot.texts import truncate_text
from tests.support.board_world import make_department
from tests.support.harness import Harness, texts
from tests.support.hostile import (
    HYPOTHESIS,
    arguments,
    assert_clean,
    assert_shown,
    command_word,
    committee_in_group,
)

HIDDEN = ("Sibundoy", "Colón", "Secreto")


async def test_tablero_sends_the_picture_and_the_three_that_need_attention(
    bot: Harness, services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    dept = await make_department(services, telegram, clock)
    assert dept.delegada is not None
    sent = await bot.say(dept.delegada, telegram.private_chat(dept.delegada), "/tablero")
    photo, summary = sent
    assert photo.kind == "photo" and photo.file_bytes is not None
    assert photo.file_bytes.startswith(PNG_SIGNATURE)
    assert photo.plain == (
        "Tablero — 3 comités, 20 de marzo de 2009: 2 urgentes, 1 con atención, 0 al día."
    )
    lines = summary.plain.splitlines()
    assert lines[0] == "Los que más atención necesitan"
    assert lines[1].startswith(
        "1. Alcaldía de Villagarzón (urgente): Nunca se ha reunido (2 reuniones esperadas"
    )
    assert lines[2].startswith(
        "2. Alcaldía de Puerto Asís (urgente): 3 compromisos vencidos de 4 abiertos"
    )
    assert lines[3] == "3. Alcaldía de Mocoa (atención): Sitio web actualizado 5 de 7 semanas."
    assert "/tablero xlsx envía el cuadro diagnóstico completo." in summary.plain
    assert summary.reply_markup is None  # no Mini App configured: no button
    assert not any(word in texts(sent) for word in HIDDEN)


async def test_tablero_offers_the_mini_app_when_configured(
    bot: Harness, services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    dept = await make_department(services, telegram, clock)
    assert dept.delegada is not None
    services.settings = services.settings.model_copy(
        update={"tablero_url": "https://gelbot.example.gov.co/tablero"}
    )
    [_, summary] = await bot.say(dept.delegada, telegram.private_chat(dept.delegada), "/tablero")
    assert summary.reply_markup == {
        "inline_keyboard": [
            [{"text": "Ver el tablero",
              "web_app": {"url": "https://gelbot.example.gov.co/tablero"}}]
        ]
    }  # fmt: skip
    assert "Abra «Ver el tablero» para ordenarlo por cualquier columna." in summary.plain


async def test_tablero_xlsx_is_the_cuadro_diagnostico_of_accepted_committees_only(
    bot: Harness, services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    dept = await make_department(services, telegram, clock)
    assert dept.delegada is not None
    [document] = await bot.say(dept.delegada, telegram.private_chat(dept.delegada), "/tablero xlsx")
    assert document.kind == "document"
    assert document.file_name == "cuadro-diagnostico-2009-03-20.xlsx"
    assert document.plain.startswith("Cuadro diagnóstico — 3 comités, 20 de marzo de 2009.")
    assert document.file_bytes is not None
    sheet = load_workbook(io.BytesIO(document.file_bytes)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    headers = values[0]
    assert headers[:4] == ["Comité", "Estado", "Por qué", "Marco"]
    assert "Información (% criterios)" in headers
    by_name = {row[0]: dict(zip(headers, row, strict=True)) for row in values[1:]}
    assert list(by_name) == [
        "Alcaldía de Villagarzón", "Alcaldía de Puerto Asís", "Alcaldía de Mocoa",
    ]  # fmt: skip
    asis = by_name["Alcaldía de Puerto Asís"]
    assert (asis["Compromisos abiertos"], asis["Compromisos vencidos"]) == (4, 3)
    assert by_name["Alcaldía de Mocoa"]["Información (% criterios)"] == 1
    assert by_name["Alcaldía de Mocoa"]["Semanas con sitio actualizado"] == 5
    everything = " ".join(str(v) for row in values for v in row if v is not None)
    assert not any(word in everything for word in HIDDEN)


async def test_tablero_only_in_private_and_only_what_accepted_them(
    bot: Harness, services: Services, telegram: FakeTelegram, clock: ManualClock
) -> None:
    dept = await make_department(services, telegram, clock)
    assert dept.delegada is not None
    mocoa = dept.worlds["Mocoa"]
    # In a committee's group the board would show other committees: refused, nothing drawn.
    [refusal] = await bot.say(dept.delegada, mocoa.group, "/tablero")
    assert refusal.kind == "text"
    assert refusal.plain.startswith("El tablero muestra todos los comités que usted sigue")
    # A coordinador who follows nothing, and a stranger, get an empty board and how to fill it.
    for user in (mocoa.users["Ana"], telegram.add_user("Nadie", "nadie")):
        [empty] = await bot.say(user, telegram.private_chat(user), "/tablero")
        assert empty.plain.startswith("Todavía ningún comité lo ha aceptado como delegado(a)")
        assert "/seguir Alcaldía de Mocoa" in empty.plain
    # Bad input is answered with what to write.
    [usage] = await bot.say(
        dept.delegada, telegram.private_chat(dept.delegada), "/tablero <b>pdf</b>"
    )
    assert usage.plain.startswith("No entendí «<b>pdf</b>». Use:")
    assert "/tablero xlsx — el cuadro diagnóstico en hoja de cálculo" in usage.plain


@HYPOTHESIS
@given(word=command_word("tablero"), arg=arguments("tablero"), in_group=st.booleans())
@example(word="/tablero", arg="{{ 7*7 }} <b>x</b> &amp; {% if %}", in_group=False)
@example(word="/tablero", arg=" XLSX ", in_group=False)
async def test_tablero_answers_any_input_clearly(
    bot: Harness, services: Services, caplog: pytest.LogCaptureFixture,
    word: str, arg: str, in_group: bool,
) -> None:  # fmt: skip
    caplog.clear()
    if in_group:
        chat, user, _ = await committee_in_group(bot, services)
    else:
        user = bot.tg.add_user("Nadie")
        chat = bot.tg.private_chat(user)
    plain = assert_clean(await bot.say(user, chat, f"{word} {arg}"), caplog)
    given_text = arg.strip()
    if in_group:
        assert plain.startswith("El tablero muestra todos los comités que usted sigue")
    elif normalize(given_text) in FORMATS:
        assert plain.startswith("Todavía ningún comité lo ha aceptado como delegado(a)")
    else:
        assert plain.startswith("No entendí «")
        assert_shown(truncate_text(given_text, 60), plain)

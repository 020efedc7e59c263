"""A committee registered in 2026: Res. 1519 and Decreto 767 by default, items by numeral,
share per section in /fases, the matrix as XLSX and CSV, /marcos; and a 2009 one as before."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from gelbot.cli import app as cli_app
from gelbot.clock import ManualClock
from gelbot.db import make_engine, make_sessionmaker
from gelbot.domain import committee_frameworks, phases
from gelbot.domain.committees import committee_for_chat
from gelbot.domain.frameworks import frameworks_in_force, get_framework
from gelbot.informe.chart import PNG_SIGNATURE
from gelbot.models import Committee, Person
from gelbot.services import Services
from tests.support.committee_world import World, committee
from tests.support.harness import Harness, texts
from tests.support.hostile import (
    HYPOTHESIS,
    Hostile,
    arguments,
    command_word,
)

NUMERAL_ARGS = ["1.1", "10.2 no aplica", "CC32 cumple", "4.3 fecha 30/02/2027", "0.0", "1.1.1.1"]
NOW_2026 = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # a Monday, 09:00 in Bogotá
MISION = "https://www.mocoa-putumayo.gov.co/transparencia/mision"
EJECUCION = "https://www.mocoa-putumayo.gov.co/transparencia/ejecucion-presupuestal"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW_2026)


async def _committee_row(services: Services, world: World) -> Committee:
    async with services.transaction() as session:
        found = await committee_for_chat(session, world.group.id)
    assert found is not None
    return found


async def _mark_two(world: World) -> None:
    [one] = await world.say(world.ana, f"/criterio 1.1 cumple {MISION}")
    assert "marcó como cumplido" in one.plain
    assert "1.1. Misión, visión, funciones y deberes" in one.plain
    assert "Sección 1. Información de la entidad: 1 de 14 (7 %)." in one.plain
    [two] = await world.say(world.ana, f"/criterio 4.2 cumple {EJECUCION}")
    assert "4.2. Ejecución presupuestal" in two.plain
    assert "Sección 4. Planeación, Presupuesto e Informes: 1 de 10 (10 %)." in two.plain


def test_the_frameworks_in_force_follow_the_calendar() -> None:
    assert [f.id for f in frameworks_in_force(date(2009, 3, 2))] == ["decreto_1151"]
    assert [f.id for f in frameworks_in_force(date(2026, 11, 2))] == [
        "res1519_transparencia",
        "res1519_accesibilidad",
        "decreto_767",
    ]
    # Between Decreto 1151's repeal and Res. 1519 gelbot ships nothing newer: keep the last.
    assert [f.id for f in frameworks_in_force(date(2016, 5, 1))] == ["decreto_1151"]
    transparencia = get_framework("res1519_transparencia")
    numerals = [c.numeral for p in transparencia.phases for c in p.criteria]
    assert len(numerals) == 48 and numerals[:2] == ["1.1", "1.2"] and numerals[-1] == "10.2"
    assert transparencia.vocabulary.committee == "Comité Institucional de Gestión y Desempeño"
    accesibilidad = get_framework("res1519_accesibilidad")
    assert [c.numeral for p in accesibilidad.phases for c in p.criteria] == [
        f"CC{n}" for n in range(1, 33)
    ]
    for framework in (transparencia, accesibilidad, get_framework("decreto_767")):
        assert framework.attribution is not None and "CC BY 4.0" in framework.attribution
        assert "S1" in framework.sources


async def test_a_committee_registered_in_2026_follows_the_current_frameworks(
    bot: Harness, services: Services
) -> None:
    world = await committee(bot)
    found = await _committee_row(services, world)
    assert found.framework_id == "res1519_transparencia,res1519_accesibilidad,decreto_767"
    [listing] = await world.say(world.beto, "/marcos")
    text = listing.plain
    assert "Marcos que sigue el Comité Institucional de Gestión y Desempeño" in text
    assert "✅ Transparencia (Res. 1519, Anexo 2) (res1519_transparencia)" in text
    assert "10 secciones, 48 ítems" in text
    assert "✅ Gobierno Digital (Decreto 767) (decreto_767)" in text
    assert "▫️ Decreto 1151 de 2008 (decreto_1151)" in text


async def test_marking_by_numeral_with_evidence_and_share_per_section(
    bot: Harness, services: Services
) -> None:
    world = await committee(bot)
    await _mark_two(world)
    # Transparency asks for the published page: anything else is refused, nothing marked.
    [refused] = await world.say(world.ana, "/criterio 1.2 cumple el organigrama está en físico")
    assert "debe ser el enlace a la página publicada" in refused.plain
    assert "No marqué nada" in refused.plain
    [detail] = await world.say(world.beto, "/criterio 4.3")
    assert "Sección 4. Planeación, Presupuesto e Informes" in detail.plain
    assert "Norma: Ley 1474 de 2011, art. 74; Decreto 612 de 2018" in detail.plain
    assert "Calendario: cada año antes del 31/01; trimestral" in detail.plain
    [listed] = await world.say(world.beto, "/criterio")
    assert "Sección 1. Información de la entidad: ítems pendientes" in listed.plain
    assert "1 de 14 cumplidos (7 %)" in listed.plain
    assert [b["text"] for b in listed.buttons()][:3] == ["✓ 1.2", "✓ 1.3", "✓ 1.4"]
    # The ✓ button carries the position, never mistaken for a numeral.
    [pressed] = await bot.press(world.ana, listed, 1)
    assert "1.2" not in [b["text"] for b in pressed.buttons()]

    sent = await world.say(world.beto, "/fases")
    photo = sent[0]
    assert photo.kind == "photo" and photo.file_bytes is not None
    assert photo.file_bytes.startswith(PNG_SIGNATURE)
    summary = texts(sent)
    assert "Cumplimiento por sección — Alcaldía de Mocoa" in summary
    assert "Comité Institucional de Gestión y Desempeño" in summary
    assert "1. Información de la entidad: 2 de 14 (14 %; era 0 %)" in summary
    assert "4. Planeación, Presupuesto e Informes: 1 de 10 (10 %; era 0 %)" in summary
    assert "Alternativas a lo sensorial: 0 de 3 (0 %)" in summary
    assert "Habilitadores: 0 de 4 (0 %)" in summary
    assert "Siguiente pendiente: 1.3. Mapas y cartas descriptivas" in summary

    found = await _committee_row(services, world)
    async with services.transaction() as session:
        sections = await committee_frameworks.compliance_by_section(session, found)
        before = await committee_frameworks.compliance_by_section(session, found, at=NOW_2026)
    assert (
        sections[0].framework_id,
        sections[0].section_name,
        sections[0].met,
        sections[0].total,
    ) == ("res1519_transparencia", "Información de la entidad", 2, 14)
    assert [(s.numeral, s.met, s.total) for s in sections[3:4]] == [("4", 1, 10)]
    assert {s.framework_id for s in sections} == {
        "res1519_transparencia",
        "res1519_accesibilidad",
        "decreto_767",
    }
    assert sum(s.total for s in sections) == 48 + 32 + 12
    assert sum(s.met for s in before) == 3  # the clock did not move: every mark is at NOW


async def test_the_matrix_as_xlsx_and_csv_from_the_chat(bot: Harness) -> None:
    world = await committee(bot)
    await _mark_two(world)
    [sent] = await world.say(world.beto, "/matriz")
    assert (
        sent.kind == "document" and sent.file_name == "matriz_res1519_transparencia_2026-11-02.xlsx"
    )
    assert "Matriz de Transparencia (Res. 1519, Anexo 2)" in sent.plain
    assert "2 de 48 ítems cumplidos" in sent.plain
    assert sent.file_bytes is not None
    book = load_workbook(io.BytesIO(sent.file_bytes))
    rows = list(book["Matriz"].iter_rows(values_only=True))
    assert rows[0] == (
        "Numeral", "Sección", "Ítem", "Norma", "Cumple", "Evidencia (URL)", "Fecha", "Registró",
    )  # fmt: skip
    by_numeral = {row[0]: row for row in rows[1:]}
    assert len(by_numeral) == 48
    assert by_numeral["1.1"][4:] == ("SÍ", MISION, "2026-11-02", "Ana")
    assert by_numeral["4.2"][4:] == ("SÍ", EJECUCION, "2026-11-02", "Ana")
    assert by_numeral["1.2"][4] == "NO"
    assert by_numeral["4.3"][3] == "Ley 1474 de 2011, art. 74; Decreto 612 de 2018"
    assert [r[0] for r in rows[1:] if r[4] == "SÍ"] == ["1.1", "4.2"]
    about = [row for row in book["Fuente"].iter_rows(values_only=True)]
    assert ("Entidad", "Alcaldía de Mocoa") in about
    assert any(r[0] == "Atribución" and "CC BY 4.0" in str(r[1]) for r in about)

    [as_csv] = await world.say(world.beto, "/matriz res1519_transparencia csv")
    assert as_csv.file_bytes is not None
    table = list(csv.reader(io.StringIO(as_csv.file_bytes.decode("utf-8-sig"))))
    assert table[1][:5] == [
        "1.1", "1. Información de la entidad", "Misión, visión, funciones y deberes",
        "Ley 1712 de 2014, arts. 9 a 11; Decreto 1081 de 2015; Resolución MinTIC 1519 de 2020, "
        "Anexo 2", "SÍ",
    ]  # fmt: skip
    [other] = await world.say(world.beto, "/matriz decreto_1151")
    assert "El comité no sigue el marco «decreto_1151»" in other.plain


async def test_the_coordinador_chooses_the_frameworks(bot: Harness, services: Services) -> None:
    world = await committee(bot)
    await _mark_two(world)
    [refused] = await world.say(world.beto, "/marcos decreto_1151")
    assert "Solo el coordinador cambia los marcos" in refused.plain
    [unknown] = await world.say(world.ana, "/marcos decreto_2693")
    assert "No conozco el marco «decreto_2693»" in unknown.plain
    [changed] = await world.say(world.ana, "/marcos decreto_767 res1519_transparencia")
    assert "Ana cambió los marcos del comité. Ahora sigue:" in changed.plain
    found = await _committee_row(services, world)
    assert found.framework_id == "decreto_767,res1519_transparencia"
    [again] = await world.say(world.ana, "/marcos decreto_767 res1519_transparencia")
    assert "Sin cambios" in again.plain
    # The marks stay with their items: 1.1 is still met under the new order.
    [detail] = await world.say(world.beto, "/criterio 1.1")
    assert "✅ cumple" in detail.plain


async def test_a_committee_registered_in_2009_keeps_decreto_1151(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    clock.set(datetime(2009, 3, 2, 14, 0, tzinfo=UTC))
    world = await committee(bot)
    found = await _committee_row(services, world)
    assert found.framework_id == "decreto_1151"
    [listing] = await world.say(world.beto, "/marcos")
    assert "Marcos que sigue el Comité de Gobierno en Línea" in listing.plain
    assert "✅ Decreto 1151 de 2008 (decreto_1151): desde el 14 de abril de 2008" in listing.plain
    [marked] = await world.say(world.ana, "/criterio 2 cumple en la cartelera")
    assert "2. Misión y visión" in marked.plain
    assert "Fase de Información: 1 de 47 (2 %)." in marked.plain


# --- the CLI -------------------------------------------------------------------------------


async def _seed(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            ana = Person(telegram_id=1, first_name="Ana", created_at=NOW_2026)
            found = Committee(
                chat_id=-5, entity_name="Alcaldía de Mocoa", created_at=NOW_2026,
                framework_id=committee_frameworks.default_ids(NOW_2026.date()),
            )  # fmt: skip
            session.add_all([ana, found])
            await session.flush()
            for key, url in (("transparencia.1_1", MISION), ("transparencia.4_2", EJECUCION)):
                await phases.mark_criterion(session, found, key, True, url, ana, NOW_2026)
            return found.id
    finally:
        await engine.dispose()


def test_the_matrix_from_the_cli(database_url: str, tmp_path: Path) -> None:
    committee_id = asyncio.run(_seed(database_url))
    env = {"GELBOT_DATABASE_URL": database_url}
    out = tmp_path / "matriz.xlsx"
    result = CliRunner().invoke(
        cli_app,
        ["matriz", "--comite", str(committee_id), "--marco", "res1519_transparencia",
         "--formato", "xlsx", "-o", str(out)],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "escrita en" in result.stdout
    sheet = load_workbook(out)["Matriz"]
    marked = [r[:5] for r in sheet.iter_rows(min_row=2, values_only=True) if r[4] == "SÍ"]
    assert [r[0] for r in marked] == ["1.1", "4.2"]
    result = CliRunner().invoke(
        cli_app,
        ["matriz", "--comite", str(committee_id), "--formato", "csv", "-o",
         str(tmp_path / "m.csv")],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.csv").read_text(encoding="utf-8-sig").count("SÍ") == 2
    missing = CliRunner().invoke(cli_app, ["matriz", "--comite", "999", "-o", str(out)], env=env)
    assert missing.exit_code == 1 and "No hay un comité número 999" in missing.stderr


async def test_an_item_that_does_not_apply_is_na_in_the_matrix(bot: Harness) -> None:
    world = await committee(bot)
    [marked] = await world.say(world.ana, "/criterio 10.1 no aplica somos una gobernación")
    assert "marcó como «no aplica» (cuenta como cumplido)" in marked.plain
    assert "Motivo: somos una gobernación" in marked.plain
    assert "Sección 10. Información tributaria en entidades territoriales locales: 1 de 2" in (
        marked.plain
    )
    [detail] = await world.say(world.beto, "/criterio 10.1")
    assert "Estado: ➖ no aplica" in detail.plain
    assert "no aplica — Ana" in detail.plain
    [sent] = await world.say(world.beto, "/matriz")
    assert sent.file_bytes is not None
    rows = list(load_workbook(io.BytesIO(sent.file_bytes))["Matriz"].iter_rows(values_only=True))
    [row] = [r for r in rows if r[0] == "10.1"]
    assert row[4:6] == ("N.A.", "somos una gobernación")
    # Marking it met again clears «no aplica».
    [again] = await world.say(world.ana, f"/criterio 10.1 cumple {MISION}")
    assert "marcó como cumplido" in again.plain
    [detail] = await world.say(world.beto, "/criterio 10.1")
    assert "Estado: ✅ cumple" in detail.plain


# --- hostile input to the new entry points -------------------------------------------------


@HYPOTHESIS
@given(
    word=st.sampled_from(["criterio", "marcos", "matriz", "calendario"]).flatmap(command_word),
    arg=st.one_of(arguments("calendario"), st.sampled_from(NUMERAL_ARGS)),
)
@example(word="/criterio", arg="1.1 cumple {{ 7*7 }} <b>x</b> &amp;")
@example(word="/criterio", arg="CC99 cumple https://x.gov.co")
@example(word="/criterio", arg="1.1,4.2 cumple javascript:alert(1)")
@example(word="/calendario", arg="furag 31/02/2027 29/02/2027")
@example(word="/calendario", arg="furag " + "9" * 3000)
@example(word="/marcos", arg="../decreto_1151 <i>")
@example(word="/matriz", arg="res1519_transparencia csv xlsx")
async def test_new_entry_points_answer_hostile_input_cleanly(
    hostile: Hostile, word: str, arg: str
) -> None:
    await hostile.coordinador_says(f"{word} {arg}")


async def test_every_item_met_is_said_in_sections(bot: Harness) -> None:
    world = await committee(bot)
    [marked] = await world.say(world.ana, "/criterio 1-92 cumple")
    assert "… y 72 más." in marked.plain
    [answer] = await world.say(world.ana, "/criterio")
    assert "cumple todos los ítems de todas las secciones" in answer.plain
    sent = await world.say(world.beto, "/fases")
    assert "¡Todos los ítems están cumplidos!" in texts(sent)

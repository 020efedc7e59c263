"""Spanish as a Colombian office writes it: agreement, articles, and the dates people say."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from gelbot.domain.spanish import impossible_date, parse_date
from gelbot.domain.spanish.grammar import con_articulo, cuenta, de_entidad, palabra, segun
from gelbot.texts import render
from tests.support.committee_world import committee
from tests.support.harness import Harness, texts

TEMPLATES = Path(__file__).resolve().parents[2] / "gelbot" / "templates" / "messages"


@pytest.mark.parametrize(
    ("n", "word", "said"),
    [
        (1, "jornada", "1 jornada"),
        (2, "jornada", "2 jornadas"),
        (2, "actualización", "2 actualizaciones"),
        (1, "vez", "1 vez"),
        (3, "vez", "3 veces"),
        (0, "compromiso abierto", "0 compromisos abiertos"),
        (2, "resumen semanal de delegado", "2 resúmenes semanales de delegado"),
        (2, "mes", "2 meses"),
        (2, "lunes", "2 lunes"),
    ],
)
def test_counts_agree(n: int, word: str, said: str) -> None:
    assert cuenta(n, word) == said


def test_verbs_and_stored_units_agree() -> None:
    assert f"2 indicadores {palabra(2, 'salió', 'salieron')}" == "2 indicadores salieron"
    assert palabra(1, "salió", "salieron") == "salió"
    assert segun("veces", 1) == "vez" and segun("veces", 12) == "veces"
    assert segun("actualizaciones", 1) == "actualización"


def test_entity_names_take_their_article() -> None:
    assert de_entidad("Alcaldía Municipal de Chitagá") == "de la Alcaldía Municipal de Chitagá"
    assert de_entidad("Gobernación de Norte de Santander") == (
        "de la Gobernación de Norte de Santander"
    )
    assert de_entidad("Municipio de Mocoa") == "del Municipio de Mocoa"
    assert de_entidad("Mocoa") == "de Mocoa"  # a bare place name takes none
    assert con_articulo("Concejo Municipal") == "el Concejo Municipal"


def test_count_templates_in_singular_and_plural() -> None:
    """The templates that print a count read right with one and with several."""
    for n in (1, 2):
        said = {
            "sitio": render("sitio_registrado", comite=_Committee(), semana=date(2009, 3, 2),
                            veces=n, persona=_Person(), reemplazo=False),
            "miembros": render("miembros", listing=[(_Committee(), [_Member()] * n)]),
            "seguir": render("seguir_elegir", total=n, maximo=5),
            "dejar": render("dejar_lista", siguiendo=[1] * n),
            "regreso": render("recordatorio_regreso_vacaciones", destinatario=None,
                              privado=True, desde=date(2009, 3, 2), hasta=date(2009, 3, 9),
                              omitidos={"resumen_delegado": n, "sitio_web": n},
                              compromisos=[]),
        }  # fmt: skip
        summary = SimpleNamespace(
            plan_import=SimpleNamespace(documento=None, fecha=None), actions=n, proyectos=n,
            indicators=n, replaced=True, new_keys=["a"] * n, kept_keys=["b"] * n,
            retired_keys=["c"] * n,
        )  # fmt: skip
        said["plan"] = render("plan_importado", committee=_Committee(), summary=summary,
                              file_name="plan.yaml")  # fmt: skip
        said["empalme"] = render("compromiso_empalme", cargo="Secretario", successor=_Person(),
                                 moved=[])  # fmt: skip
        joined = "\n".join(said.values())
        if n == 1:
            assert "1 vez" in said["sitio"] and "1 miembro\n" in said["miembros"] + "\n"
            assert "1 comité" in said["seguir"] and "1 resumen semanal de delegado" in joined
            assert "1 acción, 1 proyecto y 1 indicador." in said["plan"]
            assert "1 indicador nuevo y 1 conservado" in said["plan"]
            assert "1 indicador salió del plan" in said["plan"]
        else:
            assert "2 veces" in said["sitio"] and "2 miembros" in said["miembros"]
            assert "2 comités" in said["seguir"] and "2 resúmenes semanales" in joined
            assert "2 preguntas sobre la actualización del sitio web" in joined
            assert "2 acciones, 2 proyectos y 2 indicadores." in said["plan"]
            assert "2 indicadores nuevos y 2 conservados" in said["plan"]
            assert "2 indicadores salieron del plan" in said["plan"]
        assert not re.search(r"\(e?s\)|\b1 (veces|comités|miembros|días)\b", joined), joined


def test_no_template_writes_plurals_by_hand() -> None:
    """Every count goes through the grammar filters: no «(s)», no «"s" if n != 1»."""
    for path in sorted(TEMPLATES.glob("*.j2")):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\w\((?:e?s|es|a)\)", source.replace("(a)", "")), path.name
        assert not re.search(r"\"e?s\" if [\w.| ]+ != 1", source), path.name


def test_one_spelling_of_periodo_and_no_doubled_marks() -> None:
    for path in sorted(TEMPLATES.glob("*.j2")):
        source = path.read_text(encoding="utf-8")
        visible = re.sub(r"{[{%#].*?[}%#]}", "", source)
        assert "periodo" not in visible, path.name
        assert "Clave:" not in visible and "Markdown, para" not in visible, path.name
    answered = render("flujo_respondida", pregunta="¿Se cumplió?", respuesta="✅ Hecho",
                      persona=None)  # fmt: skip
    assert "✔️" not in answered and "✅ Hecho" in answered


class _Committee:
    entity_name = "Alcaldía Municipal de Chitagá"


class _Person:
    telegram_id = 1
    display_name = "Carla"


class _Member:
    person = _Person()
    role = "miembro"
    cargo = "Secretario de Planeación"


# --- dates people actually say --------------------------------------------------------------


def test_impossible_dates_are_named() -> None:
    assert impossible_date("para el 31 de febrero") == (31, 2, None, 29)
    assert impossible_date("30/02/2010") == (30, 2, 2010, 28)
    assert impossible_date("31 de abril de 2009") == (31, 4, 2009, 30)
    assert impossible_date("15/12/2009") is None and impossible_date("29 de febrero") is None


def test_next_week_is_its_friday() -> None:
    assert parse_date("la próxima semana", today=date(2009, 3, 5)) == date(2009, 3, 13)
    assert parse_date("la semana que viene", today=date(2009, 3, 2)) == date(2009, 3, 13)


async def test_compromiso_dates_people_say(bot: Harness) -> None:
    world = await committee(bot)
    febrero = texts(
        await world.say(world.ana, "/compromiso @beto Revisar el sitio para el 31 de febrero")
    )
    assert "El 31 de febrero no existe: febrero tiene 29 días" in febrero
    assert "No encontré para cuándo" not in febrero
    numeric = texts(
        await world.say(world.ana, "/compromiso @beto Revisar el sitio para el 30/02/2010")
    )
    assert "El 30 de febrero de 2010 no existe: febrero tiene 28 días" in numeric

    [friday] = await world.say(
        world.ana, "/compromiso @beto Revisar el sitio para el próximo viernes"
    )
    assert "Para el: viernes 6 de marzo de 2009" in friday.plain
    assert "no es hábil" not in friday.plain
    [week] = await world.say(world.ana, "/compromiso @beto Revisar el sitio para la próxima semana")
    assert "Para el: viernes 13 de marzo de 2009" in week.plain

    [sunday] = await world.say(world.ana, "/compromiso @beto Publicar el acta para el 8 de marzo")
    assert "Para el: domingo 8 de marzo de 2009" in sunday.plain
    assert "Ese día no es hábil (fin de semana)" in sunday.plain
    assert "el viernes 6 de marzo de 2009 y el lunes 9 de marzo de 2009" in sunday.plain
    [festivo] = await world.say(world.ana, "/compromiso @beto Publicar el acta para el 23 de marzo")
    assert "Ese día no es hábil (Día de San José" in festivo.plain
    assert "el viernes 20 de marzo de 2009 y el martes 24 de marzo de 2009" in festivo.plain


async def test_vacation_until_an_impossible_date(bot: Harness) -> None:
    world = await committee(bot)
    [answer] = await world.say(world.beto, "/vacaciones 31 de abril")
    assert "El 31 de abril no existe: abril tiene 30 días" in answer.plain

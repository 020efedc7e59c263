"""Flow files: the shipped ones validate; a broken one is refused naming file, question, field."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gelbot.cli import app
from gelbot.flows.loader import FlowError, check_files, flow_files, parse_flow, shipped_flows
from gelbot.flows.templating import check_template, render

SHIPPED = {p.name: p.read_text(encoding="utf-8") for p in flow_files()}
SITE = SHIPPED["sitio_web_semanal.yaml"]
AVANCE = SHIPPED["avance.yaml"]
FOLLOW_UP = SHIPPED["seguimiento_compromiso.yaml"]


def test_every_shipped_flow_is_valid_and_the_five_are_there() -> None:
    assert [error for _, error in check_files(flow_files())] == [None] * 5
    assert set(shipped_flows()) == {
        "sitio_web_semanal", "seguimiento_compromiso", "revision_criterios",
        "cuestionario_semestral", "avance",
    }  # fmt: skip


BROKEN: list[tuple[str, str, tuple[str, str], list[str]]] = [
    # (name, original, replacement, fragments the error must contain)
    ("type", AVANCE, ("type: opcion", "type: opciones"),
     ["pregunta «destino» (n.º 2)", "campo «type»", "'opcion'"]),
    ("goto", SITE, ("goto: impedimento", "goto: impedimentos"),
     ["pregunta «actualizado» (n.º 1)", "campo «branches[0].goto»", "«impedimentos»"]),
    ("when", FOLLOW_UP, ("when: hecho", "when: hechos"),
     ["pregunta «estado» (n.º 1)", "campo «branches[0].when»", "«hechos»"]),
    ("effect", AVANCE, ("progress_note:", "progress_notes:"),
     ["pregunta «destino» (n.º 2)", "campo «updates»", "«progress_notes»"]),
    ("effect field", AVANCE, ("text_from: texto", "text_from: textos"),
     ["pregunta «destino» (n.º 2)", "campo «updates[0].progress_note.text_from»", "«textos»"]),
    ("effect subject", AVANCE, ("progress_note:", "compromiso_status:\n          status: cumplido\n"
                                "      - progress_note:"),
     ["campo «updates[0].compromiso_status»", "subject: compromiso"]),
    ("min max", SITE, ("min: 1", "min: 200"), ["pregunta «veces» (n.º 2)", "campo «min»"]),
    ("missing", AVANCE, ("asks: quien_inicia\n", ""), ["campo «asks»: falta"]),
    ("unknown key", AVANCE, ("    max: 2000", "    maximo: 2000"),
     ["pregunta «texto» (n.º 1)", "campo «maximo»: no es un campo conocido"]),
    ("template var", AVANCE, ("text: ¿Qué avance", "text: Hola {{ persona.nombr }}, ¿qué avance"),
     ["pregunta «texto» (n.º 1)", "campo «text»", "nombr"]),
    ("template loop", AVANCE,
     ("text: ¿Qué avance", "text: x {% for i in range(9) %}{{ i }}{% endfor %} ¿Qué avance"),
     ["campo «text»", "«For»"]),
    ("template call", AVANCE, ("text: ¿Qué avance", "text: x {{ comite.nombre.upper() }}"),
     ["campo «text»", "«Call»"]),
    ("template attribute", AVANCE, ("text: ¿Qué avance", "text: x {{ comite.__class__ }}"),
     ["campo «text»", "unsafe"]),
    ("template filter", AVANCE, ("text: ¿Qué avance", "text: x {{ comite.nombre | center(9) }}"),
     ["campo «text»", "center"]),
    ("html tag", AVANCE, ("text: ¿Qué avance", "text: <div>x</div> ¿Qué avance"),
     ["campo «text»", "<div>"]),
    ("html less than", AVANCE, ("text: ¿Qué avance", "text: menos de <5 ¿Qué avance"),
     ["campo «text»", "&lt;"]),
    ("item without for_each", AVANCE, ("text: ¿Qué avance", "text: x {{ item.nombre }}"),
     ["campo «text»", "'item' is undefined"]),
    ("closing", AVANCE, ("closing: Gracias.", "closing: Gracias {{ nadie }}."),
     ["campo «closing»", "nadie"]),
    ("yaml", AVANCE, ("  - id: destino", "  - id: destino\n  - : ["), ["el YAML no es válido"]),
    ("for_each subject", SHIPPED["revision_criterios.yaml"], ("subject: fase", "subject: semana"),
     ["campo «for_each»", "subject: fase"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "original", "change", "fragments"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_a_broken_flow_names_file_question_and_field(
    name: str, original: str, change: tuple[str, str], fragments: list[str]
) -> None:
    assert change[0] in original
    with pytest.raises(FlowError) as raised:
        parse_flow(original.replace(change[0], change[1], 1), "mio.yaml")
    message = str(raised.value)
    assert message.startswith("mio.yaml: ")
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("text", ["", "[]", "a: b: c", "- 1\n- 2", "id: 3", "\x00"])
def test_nonsense_is_refused_cleanly(text: str) -> None:
    with pytest.raises(FlowError):
        parse_flow(text, "x.yaml")


def test_a_huge_file_is_refused() -> None:
    with pytest.raises(FlowError, match="muy grande"):
        parse_flow(AVANCE + "#" * 70_000, "x.yaml")


def test_cli_check(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["flows", "check"])
    assert result.exit_code == 0, result.output
    assert "✓ avance.yaml" in result.output

    good = tmp_path / "bueno.yaml"
    good.write_text(AVANCE, encoding="utf-8")
    bad = tmp_path / "malo.yaml"
    bad.write_text(SITE.replace("goto: impedimento", "goto: nada"), encoding="utf-8")
    twin = tmp_path / "gemelo.yaml"
    twin.write_text(AVANCE, encoding="utf-8")
    result = runner.invoke(app, ["flows", "check", str(good), str(bad), str(twin)])
    assert result.exit_code == 1
    assert "✓ bueno.yaml" in result.output
    assert "malo.yaml: pregunta «actualizado» (n.º 1), campo «branches[0].goto»" in result.output
    assert "gemelo.yaml, campo «id»: «avance» ya lo usa bueno.yaml" in result.output
    assert "2 de 3 flujos con errores" in result.output


def test_templates_escape_values_and_keep_telegram_html() -> None:
    context = {"comite": {"nombre": "<b>Alcaldía</b> & {{ x }}"}}
    assert render("<b>{{ comite.nombre }}</b>", context) == (
        "<b>&lt;b&gt;Alcaldía&lt;/b&gt; &amp; {{ x }}</b>"
    )
    # An unknown name renders empty at run time (the file check already refused it).
    assert render("¿{{ nadie.nada }}?", {}) == "¿?"
    check_template("<i>{{ comite.nombre | corto(5) }}</i>", context)

"""`gelbot demo --corto`: February 2009 lived through the real application, ending in an informe."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import docx
from typer.testing import CliRunner

from gelbot.cli import app
from gelbot.demo import DATABASE_FILE
from gelbot.demo.committee import EDITOR, MEETINGS, UNANSWERED
from gelbot.demo.script import semester

SHORT_MONTH = "2009-02-2009-02"


def test_short_demo_writes_the_informe_from_a_month_of_conversation(tmp_path: Path) -> None:
    output = tmp_path / "salida"
    result = CliRunner().invoke(app, ["demo", "--corto", "--salida", str(output)])

    assert result.exit_code == 0, result.output
    transcript = result.stdout
    # The key moments, each through the real handlers, reminder engine and clock.
    for moment in (
        "Registré el Comité de Gobierno en Línea de la Alcaldía de Mocoa",
        "Plan de acción de la Alcaldía de Mocoa importado desde mocoa_2009.yaml",
        "Reunión 1 de 1",
        "Hoy hay reunión del comité",  # the reminder engine, on the meeting's morning
        "Presentes: 6 de 8. Quórum: ✅ sí",  # the roll call, with one absent and one excused
        "Hugo, Gerente de la Cámara de Comercio seccional Mocoa: ❌ ausente",
        "Fabio, Secretario de Gobierno y Política Social: 📝 excusa",
        "✅ Compromiso registrado:",
        "¿Se actualizó el sitio web de la Alcaldía de Mocoa la semana pasada",  # the weekly nag
        f"Respondió {EDITOR.name}",
        "Recordatorio de su compromiso",
        "✅ Compromiso #1 cumplido",
        "vencido desde el 27 de febrero de 2009",  # #2 is late
        "Convocatoria: reunión del comité de la Alcaldía de Mocoa el 3 de marzo de 2009",
        "Fase de Información: 1 de 47",
        "Registrado por Beto: Frecuencia de reunión",
    ):
        assert moment in transcript, moment
    assert "no encuentra el botón" not in transcript
    assert "Aviso atrasado" not in transcript  # the clock stops whenever a reminder is due

    names = sorted(p.name for p in output.iterdir() if p.is_file())
    for suffix in ("docx", "md", "pdf"):
        assert f"informe-semestral-alcaldia-de-mocoa-{SHORT_MONTH}.{suffix}" in names
    assert DATABASE_FILE in names  # a fresh embedded SQLite file of its own
    assert (output / "adjuntos" / "acta_2009-02-03.docx").is_file()
    assert "El informe quedó en" in result.stderr
    assert "[demo] [febrero 2009] reunión 1 de 1…" in result.stderr

    document = docx.Document(
        str(output / f"informe-semestral-alcaldia-de-mocoa-{SHORT_MONTH}.docx")
    )
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["ACCIONES", "RESULTADOS", "FECHA"]
    # Seed 000's structure: one row for the meetings, cumplidos by month, a hand-added row.
    meetings = [r for r in rows if "Comité de Gobierno en Línea" in r[0]]
    assert meetings == [rows[1]]
    assert rows[1][0] == "Reuniones permanentes del Comité de Gobierno en Línea"
    assert rows[1][2] == "3 de febrero de 2009"
    assert "El Comité se reunió una vez en el período" in rows[1][1]
    assert ["Publicar la misión y visión en el sitio web",
            "Misión y visión publicadas en https://www.mocoa-putumayo.gov.co/mision.",
            "Febrero de 2009"] in rows  # fmt: skip
    assert [
        "Ampliación del canal de acceso a Internet",
        "Se amplió el canal dedicado de la alcaldía de 2 MB a 4 MB.",
        "Junio de 2009",
    ] in rows
    # Nobody was asked about these in February: no row counts them, the note names them once.
    assert not any("sin respuesta" in r[1] and "0 de" in r[1] for r in rows)
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith("Sin información registrada en el período sobre:") for t in texts)
    for line in ("REPÚBLICA DE COLOMBIA", "MUNICIPIO DE MOCOA", "Mocoa, Putumayo, Marzo de 2009",
                 "ANA MILENA ROSERO BOLAÑOS", "MARIO LUIS NARVÁEZ GÓMEZ",
                 "Alcalde Municipal de Mocoa - Putumayo"):  # fmt: skip
        assert line in texts, line
    assert document.core_properties.language == "es-CO"
    pdf = output / f"informe-semestral-alcaldia-de-mocoa-{SHORT_MONTH}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_semester_script_covers_six_meetings_and_unanswered_weeks() -> None:
    full, short = semester(), semester(short=True)
    assert [e.title for e in full if e.title and e.title.startswith("Reunión")] == [
        f"Reunión {n} de {len(MEETINGS)}" for n in range(1, len(MEETINGS) + 1)
    ]
    assert [e.at for e in full] == sorted(e.at for e in full)
    assert full[-1].title == "El informe" and short[-1].title == "El informe"
    assert max(e.at for e in short).month == 3 and len(short) < len(full) / 3
    # Some weeks the editor leaves unanswered: the informe shows them «sin respuesta».
    answered = {e.at.date() for e in full if e.actions and e.actions[0].user == EDITOR.name}
    assert UNANSWERED and not {d + timedelta(days=1) for d in UNANSWERED} & answered


def test_a_database_url_it_cannot_use_is_refused_with_an_example(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--corto", "--db", "mysql://x/y", "--salida", str(tmp_path / "s")]
    )

    assert result.exit_code == 2
    assert "use una URL sqlite:///archivo.sqlite3 o postgresql://" in result.stderr
    assert not (tmp_path / "s" / DATABASE_FILE).exists()

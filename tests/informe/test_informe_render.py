"""The informe renders to Markdown, DOCX and PDF from plain data, whatever users typed."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from gelbot.domain.spanish import format_date
from gelbot.informe.chart import PNG_SIGNATURE, phase_chart_png
from gelbot.informe.document import (
    Firma,
    InformeDocument,
    InformeRow,
    PhaseProgress,
    fecha_rango,
    period_label,
    period_phrase,
)
from gelbot.informe.render import render_docx, render_markdown, render_pdf
from gelbot.informe.word_template import build as build_template

ENTITY = "Gobernación de Norte de Santander"
EMPTY_LINE = "Sin acciones registradas en el período"


def _row(
    accion: str,
    resultado: str,
    *,
    fecha: date | None = None,
    fecha_texto: str | None = None,
    source: str = "Reunión del 16 de julio de 2009, acta #3",
    key: str,
) -> InformeRow:
    return InformeRow(accion, resultado, fecha, fecha_texto, source, key)


SEED_ROWS = [
    _row(
        "Contratación externa para coordinar la Implementación de la Estrategia",
        "La entidad contrata los servicios de un profesional en Ingeniería de Sistemas con "
        "conocimientos avanzados en el tema para coordinar el proceso de Implementación.",
        fecha=date(2009, 2, 25),
        source="Respuesta de Ana Pérez (@ana) el 2 de marzo de 2009, flujo contratacion v1",
        key="compromiso:1",
    ),
    _row(
        "Reunión del Comité de Gobierno en Línea",
        "Primer Comité convocado por el Secretario General, quien actúa como líder; se asignan "
        "los primeros compromisos.",
        fecha=date(2009, 2, 27),
        source="Reunión del 27 de febrero de 2009, acta #1",
        key="reunion:1",
    ),
    _row(
        "Reunión del Comité de Gobierno en Línea",
        "Revisión de los compromisos de la reunión anterior y del Plan de Acción.",
        fecha=date(2009, 4, 14),
        source="Reunión del 14 de abril de 2009, acta #2",
        key="reunion:2",
    ),
    _row(
        "Reunión del Comité de Gobierno en Línea",
        "Socialización del cronograma con los secretarios y jefes de oficina.",
        fecha=date(2009, 7, 16),
        source="Reunión del 16 de julio de 2009, acta #3",
        key="reunion:3",
    ),
    _row(
        "Conferencias de Sensibilización para los funcionarios de la entidad",
        "Conferencias de 2 horas para todas las dependencias.\nAsistieron un total de 224 "
        "funcionarios, quienes recibieron un plegable con el resumen de los temas expuestos.",
        fecha_texto="Abril – Mayo de 2009",
        key="compromiso:4",
    ),
    _row(
        "Taller de Sensibilización para los alcaldes del Departamento",
        "Los asistentes diligenciaron una encuesta sobre la conectividad de cada municipio. "
        "Asistieron 24 de los 40 municipios.",
        fecha=date(2009, 7, 23),
        key="compromiso:7",
    ),
    _row(
        "Taller de sensibilización sobre el SECOP",
        "Taller de 4 horas sobre la fase informativa y transaccional del SECOP.",
        fecha_texto="Agosto de 2009",
        key="compromiso:9",
    ),
    _row(
        "Ampliación del ancho de banda de acceso a Internet",
        "Se amplió el canal dedicado de 2MB a 4MB con reuso 1:1.",
        fecha=date(2009, 8, 3),
        key="compromiso:11",
    ),
    _row(
        "Cumplimiento del 98% de la Fase de Información",
        "A la fecha se está culminando el espacio del Banco de Proyectos para cumplir con el "
        "100% de la Fase.",
        fecha_texto="Marzo – Agosto de 2009",
        source="Criterios de la fase información, 31 de agosto de 2009",
        key="fase:informacion",
    ),
    _row(
        "Cumplimiento del 69% de la Fase de Interacción",
        "Se trabaja en chats, foros y blogs para cumplir con el 100% de la Fase.",
        fecha_texto="Marzo – Agosto de 2009",
        source="Criterios de la fase interacción, 31 de agosto de 2009",
        key="fase:interaccion",
    ),
]

SEED_PENDIENTES = [
    _row(
        "Instalación de una línea de atención gratuita",
        "Solicitada a finales de marzo con orden No. 75187; se espera la visita del asesor.",
        fecha_texto="Se realizó la solicitud en marzo de 2009",
        key="compromiso:12",
    ),
]

SEED_PHASES = [
    PhaseProgress("Información", 0.60, 0.98),
    PhaseProgress("Interacción", 0.20, 0.69),
    PhaseProgress("Transacción", 0.0, 0.05),
    PhaseProgress("Transformación", 0.0, 0.0),
    PhaseProgress("Democracia", 0.0, 0.0),
]

PERIOD = (date(2009, 2, 1), date(2009, 8, 31))

SEED = InformeDocument(
    entity=ENTITY,
    title="Informe Final de Gobierno en Línea",
    kind="semestral",
    period_start=PERIOD[0],
    period_end=PERIOD[1],
    city="Cúcuta",
    issued_on=date(2009, 9, 2),
    introduccion="La Estrategia de Gobierno en Línea contribuye con la construcción de un Estado "
    "más eficiente.\n\nEl presente documento evidencia los avances obtenidos entre febrero y "
    "agosto de 2009.",
    objetivo_general="Establecer los avances de la Implementación de la Estrategia.",
    objetivos=["Definir las acciones realizadas.", "Precisar los resultados de las acciones."],
    rows=SEED_ROWS,
    pendientes=SEED_PENDIENTES,
    phases=SEED_PHASES,
    sin_informacion=["Cantidad de quejas recibidas", "la Fase de Democracia"],
    firmas=[
        Firma("María Fernanda Rolón Pérez", "Coordinadora de la Implementación de la Estrategia"),
        Firma("William Villamizar Laguado", "Gobernador del Departamento"),
    ],
    letterhead=["REPÚBLICA DE COLOMBIA", "DEPARTAMENTO NORTE DE SANTANDER", "GOBERNACIÓN"],
)

HOSTILE = (
    "<script>alert('x')</script> &amp; | celda | falsa | *negrita* _x_ [enlace](http://a.b) "
    "{{ 7*7 }} {% if %} {nb} $x$ # título\n- lista\n1. uno\r\nfin 🎉👩‍💻🇨🇴 \x00\x07\x1b "
    + "palabra " * 375
    + "x" * 3000
)


def _expected_cells(row: InformeRow) -> tuple[str, str, str]:
    fecha = row.fecha_texto or (format_date(row.fecha) if row.fecha else "")
    return row.accion, row.resultado, fecha


def _pdf_text(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() for page in reader.pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _table_lines(markdown: str, heading: str) -> list[str]:
    section = markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("|")]


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_dates_and_period_are_spanish() -> None:
    assert format_date(date(2009, 2, 27)) == "27 de febrero de 2009"
    assert period_label(*PERIOD) == "febrero – agosto de 2009"
    assert period_label(date(2009, 12, 1), date(2010, 5, 31)) == "diciembre de 2009 – mayo de 2010"
    assert period_phrase(*PERIOD) == "febrero y agosto de 2009"
    # FECHA as seed 000 writes it: a month, or a range of months.
    assert fecha_rango(date(2009, 7, 2), date(2009, 7, 30)) == "Julio de 2009"
    assert fecha_rango(date(2009, 4, 2), date(2009, 5, 30)) == "Abril – Mayo de 2009"
    assert fecha_rango(date(2008, 12, 2), date(2009, 1, 3)) == "Diciembre de 2008 – Enero de 2009"


def test_document_rejects_shares_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match=r"fuera de 0\.\.1"):
        PhaseProgress("Información", 0.5, 1.2)


def test_markdown_holds_the_table_rows_in_order() -> None:
    markdown = render_markdown(SEED)

    lines = _table_lines(markdown, "2. AVANCES Y RESULTADOS OBTENIDOS")
    assert lines[0] == "| ACCIONES | RESULTADOS | FECHA |"
    body = lines[2:]
    assert len(body) == len(SEED_ROWS)
    for line, row in zip(body, SEED_ROWS, strict=True):
        accion, _resultado, fecha = _expected_cells(row)
        assert f"**{accion}**" in line
        assert line.rstrip().endswith(f"| {fecha} |")
    assert "| 27 de febrero de 2009 |" in body[1]
    assert "Asistieron un total de 224" in body[4]
    assert "<br>Asistieron" in body[4]  # the user's newline, kept inside the cell
    assert "# INFORME FINAL DE GOBIERNO EN LÍNEA" in markdown
    assert "FEBRERO – AGOSTO DE 2009" in markdown
    assert "Cúcuta, Septiembre de 2009" in markdown
    assert "**REPÚBLICA DE COLOMBIA**" in markdown
    assert "### Objetivo General" in markdown
    assert (
        "_Sin información registrada en el período sobre: Cantidad de quejas recibidas; la Fase "
        "de Democracia._" in markdown
    )
    assert "**MARÍA FERNANDA ROLÓN PÉREZ**<br>\nCoordinadora de la Implementación" in markdown
    assert "**WILLIAM VILLAMIZAR LAGUADO**<br>\nGobernador del Departamento" in markdown
    assert "Instalación de una línea de atención gratuita" in markdown
    assert "| Información | 60 % | 98 % |" in markdown
    assert "Reunión del 14 de abril de 2009, acta \\#2" in markdown
    assert "Ref.:" not in markdown and "compromiso:1" not in markdown


def test_docx_has_cover_and_a_real_table_with_exactly_the_rows() -> None:
    document = docx.Document(io.BytesIO(render_docx(SEED)))

    texts = [paragraph.text for paragraph in document.paragraphs]
    for cover_line in (
        "REPÚBLICA DE COLOMBIA",
        "GOBERNACIÓN",
        ENTITY.upper(),
        "INFORME FINAL DE GOBIERNO EN LÍNEA",
        "FEBRERO – AGOSTO DE 2009",
        "Cúcuta, Septiembre de 2009",
    ):
        assert cover_line in texts
    final = texts.index("INFORME FINAL DE GOBIERNO EN LÍNEA")
    assert final < texts.index("2. AVANCES Y RESULTADOS OBTENIDOS")
    assert "Objetivo General" in texts and "Presentado por:" in texts
    assert texts.index("MARÍA FERNANDA ROLÓN PÉREZ") + 1 == texts.index(
        "Coordinadora de la Implementación de la Estrategia"
    )
    assert "WILLIAM VILLAMIZAR LAGUADO" in texts
    assert not any("{{" in t or "{%" in t for t in texts)

    table = document.tables[0]
    cells = [tuple(cell.text for cell in row.cells) for row in table.rows]
    assert cells[0] == ("ACCIONES", "RESULTADOS", "FECHA")
    assert cells[1:] == [_expected_cells(row) for row in SEED_ROWS]

    anexo = document.tables[2]
    assert len(anexo.rows) == 1 + len(SEED_ROWS) + len(SEED_PENDIENTES)
    assert "Reunión del 14 de abril de 2009, acta #2" in anexo.rows[3].cells[2].text
    assert anexo.rows[-1].cells[0].text == "P1"
    assert len(document.inline_shapes) == 1  # the phase chart


def test_pdf_has_sections_rows_chart_and_page_numbers() -> None:
    reader, pages = _pdf_text(render_pdf(SEED))

    total = len(reader.pages)
    assert total >= 2
    everything = _flat("\n".join(pages))
    assert "INFORME FINAL DE GOBIERNO EN LÍNEA" in pages[0]
    assert "REPÚBLICA DE COLOMBIA" in pages[0] and "Cúcuta, Septiembre de 2009" in pages[0]
    assert "AVANCES Y RESULTADOS" in everything
    assert "MARÍA FERNANDA ROLÓN PÉREZ Coordinadora de la Implementación" in everything
    assert "Asistieron un total de 224 funcionarios" in everything
    assert "27 de febrero de 2009" in everything
    assert "ANEXO: DE DÓNDE SALE CADA FILA" in everything
    assert "Página" not in pages[0]  # the cover carries no number
    for number, text in enumerate(pages[1:], start=2):
        assert f"Página {number} de {total}" in text
    assert sum(len(page.images) for page in reader.pages) == 1


def test_pdf_repeats_the_table_header_on_every_page_it_spans() -> None:
    many = [replace(SEED_ROWS[4], row_key=f"compromiso:{i}") for i in range(40)]
    _reader, pages = _pdf_text(render_pdf(replace(SEED, rows=many)))

    table_pages = [text for text in pages if "Asistieron un total" in text]
    assert len(table_pages) >= 3
    assert all("ACCIONES" in text and "RESULTADOS" in text for text in table_pages)
    assert _flat("".join(pages)).count("Asistieron un total de 224") == 40


def test_chart_is_a_png() -> None:
    png = phase_chart_png(SEED_PHASES, "Criterios cumplidos por fase")
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 1000
    assert phase_chart_png([], "Sin fases 🎉 $x").startswith(PNG_SIGNATURE)


def test_hostile_text_renders_in_every_format(caplog: pytest.LogCaptureFixture) -> None:
    hostile_row = _row(HOSTILE, HOSTILE, fecha_texto=HOSTILE, source=HOSTILE, key=HOSTILE)
    doc = replace(
        SEED,
        entity=f"Alcaldía {HOSTILE[:80]}",
        city="Cúcuta | <b>",
        introduccion=HOSTILE,
        objetivos=[HOSTILE],
        objetivo_general=HOSTILE,
        letterhead=[HOSTILE[:300]],
        sin_informacion=[HOSTILE[:300]],
        rows=[SEED_ROWS[0], hostile_row, SEED_ROWS[1]],
        pendientes=[hostile_row],
        phases=[PhaseProgress(HOSTILE[:200], 0.1, 0.2)],
        firmas=[Firma(HOSTILE[:100], HOSTILE[:100])],
    )

    markdown = render_markdown(doc)
    lines = _table_lines(markdown, "2. AVANCES Y RESULTADOS OBTENIDOS")
    assert len(lines) == 2 + 3
    assert all(_unescaped_pipes(line) == 4 for line in lines)
    assert "<script>" not in markdown
    assert "\\<script\\>" in markdown
    assert "{{ 7\\*7 }}" in markdown  # user text is never evaluated as a template
    assert "🎉" in markdown
    assert "\x00" not in markdown and "\x1b" not in markdown

    document = docx.Document(io.BytesIO(render_docx(doc)))
    cell = document.tables[0].rows[2].cells[1].text
    assert cell.startswith("<script>alert('x')</script> &amp; | celda")
    assert "🎉" in cell and "\x00" not in cell
    assert "x" * 3000 in cell

    reader, pages = _pdf_text(render_pdf(doc))
    everything = "\n".join(pages)
    assert "<script>alert('x')</script>" in everything
    # Emoji the font lacks are replaced, and fpdf2 never had to complain about missing glyphs.
    assert "🎉" not in everything and "\ufffd" in everything
    assert not [record for record in caplog.records if "missing" in record.getMessage()]
    assert "{nb}" in everything  # not taken for the page-total alias
    total = len(reader.pages)
    assert f"Página {total} de {total}" in pages[-1]


def test_empty_informe_says_so_in_every_format() -> None:
    empty = replace(
        SEED, rows=[], pendientes=[], phases=[], firmas=[], city=None, sin_informacion=[]
    )

    markdown = render_markdown(empty)
    assert f"_{EMPTY_LINE}._" in markdown
    assert "| ACCIONES |" not in markdown

    document = docx.Document(io.BytesIO(render_docx(empty)))
    assert f"{EMPTY_LINE}." in [paragraph.text for paragraph in document.paragraphs]
    assert document.tables == []

    reader, pages = _pdf_text(render_pdf(empty))
    assert EMPTY_LINE in _flat("\n".join(pages))
    # The cover, one page that holds every short section, and the annex.
    assert len(reader.pages) == 3
    assert "Página 2 de 3" in pages[1]


def _word_texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


def test_the_committed_template_is_the_one_the_script_builds(tmp_path: Path) -> None:
    built = tmp_path / "informe.docx"
    build_template(built)
    assert _word_texts(render_docx(SEED, built)) == _word_texts(render_docx(SEED))


def test_an_entity_can_use_its_own_word_template(tmp_path: Path) -> None:
    """Any .docx with the tags works, and comes out in Spanish whatever it said."""
    own = docx.Document()
    own.add_paragraph("ALCALDÍA — {{ entidad_mayusculas }}")
    own.add_paragraph("{{ titulo }} · {{ periodo }} · {{ lugar_y_fecha }}")
    own.add_paragraph("{%p for fila in filas %}")
    own.add_paragraph("{{ fila.accion }}: {{ fila.fecha }}")
    own.add_paragraph("{%p endfor %}")
    path = tmp_path / "propia.docx"
    own.save(str(path))
    data = render_docx(SEED, path)
    texts = _word_texts(data)
    assert texts[0] == f"ALCALDÍA — {ENTITY.upper()}"
    assert texts[1] == (
        "INFORME FINAL DE GOBIERNO EN LÍNEA · FEBRERO – AGOSTO DE 2009 · Cúcuta, Septiembre de 2009"
    )
    assert texts[2] == f"{SEED_ROWS[0].accion}: 25 de febrero de 2009"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(package.read(n).decode() for n in package.namelist() if n.endswith(".xml"))
    assert "en-US" not in xml and 'w:val="es-CO"' in xml

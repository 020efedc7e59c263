"""Lay an informe out as a Word (DOCX) document: cover, real tables, the phase chart."""

from __future__ import annotations

import io

from docx import Document as new_word_document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from gelbot.informe.chart import phase_chart_png
from gelbot.informe.content import HEADINGS, _content
from gelbot.informe.document import InformeDocument


def _word_paragraph(word: WordDocument, text: str, size: float, bold: bool = False) -> Paragraph:
    paragraph = word.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    return paragraph


def _word_field(paragraph: Paragraph, instruction: str) -> None:
    # python-docx has no API for fields; Word fills PAGE and NUMPAGES in when it lays out.
    def field_char(kind: str) -> BaseOxmlElement:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    opening = paragraph.add_run()._r
    opening.extend([field_char("begin"), code, field_char("separate")])
    paragraph.add_run("1")  # shown until Word updates the field
    paragraph.add_run()._r.append(field_char("end"))


def _word_cell(cell: _Cell, text: str, width: Length, bold: bool) -> None:
    cell.width = width
    run = cell.paragraphs[0].add_run(text)
    run.bold = bold
    run.font.size = Pt(9.5)


def _word_table(
    word: WordDocument,
    header: tuple[str, ...],
    rows: list[tuple[str, str, str]],
    widths: list[Length],
) -> None:
    table = word.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    # Repeat the header row at the top of every page the table spans.
    header_flag = OxmlElement("w:tblHeader")
    header_flag.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header_flag)
    for cell, title, width in zip(table.rows[0].cells, header, widths, strict=True):
        _word_cell(cell, title, width, bold=True)
    for row in rows:
        for column, (cell, text) in enumerate(zip(table.add_row().cells, row, strict=True)):
            _word_cell(cell, text, widths[column], bold=column == 0)


def render_docx(doc: InformeDocument) -> bytes:
    """Render the informe as a Word document with a cover, real tables and the phase chart."""
    c = _content(doc)
    word = new_word_document()
    word.core_properties.title = f"{c.title} — {c.period} — {c.entity}"
    section = word.sections[0]
    section.different_first_page_header_footer = True  # the cover carries no page number
    section.header.paragraphs[0].text = c.running_header
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Página ")
    _word_field(footer, "PAGE")
    footer.add_run(" de ")
    _word_field(footer, "NUMPAGES")

    _word_paragraph(word, c.entity, 20, bold=True).paragraph_format.space_before = Pt(120)
    _word_paragraph(word, c.title, 22, bold=True).paragraph_format.space_before = Pt(48)
    _word_paragraph(word, c.kind, 13)
    _word_paragraph(word, c.period, 16, bold=True)
    _word_paragraph(word, c.place_and_date, 12).paragraph_format.space_before = Pt(180)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    word.add_heading(HEADINGS.introduccion, level=1)
    for paragraph in c.introduccion:
        word.add_paragraph(paragraph)
    word.add_heading(HEADINGS.objetivos, level=1)
    for objetivo in c.objetivos:
        word.add_paragraph(objetivo, style="List Bullet")

    word.add_heading(HEADINGS.avances, level=1)
    if c.rows:
        _word_table(word, HEADINGS.table, c.rows, [Cm(4.5), Cm(9), Cm(3)])
    else:
        word.add_paragraph(HEADINGS.no_rows)

    word.add_heading(HEADINGS.pendientes, level=1)
    for accion, resultado, fecha in c.pendientes:
        item = word.add_paragraph(style="List Bullet")
        item.add_run(accion).bold = True
        item.add_run(f": {resultado} ({fecha})" if resultado else f" ({fecha})")
    if not c.pendientes:
        word.add_paragraph(HEADINGS.no_pendientes)

    word.add_heading(HEADINGS.fases, level=1)
    if doc.phases:
        word.add_picture(io.BytesIO(phase_chart_png(doc.phases, c.chart_title)), width=Cm(16))
    else:
        word.add_paragraph(HEADINGS.no_phases)
    if c.firma:
        word.add_paragraph(c.firma).paragraph_format.space_before = Pt(24)

    word.add_heading(HEADINGS.anexo, level=1)
    if c.trazabilidad:
        _word_table(word, HEADINGS.anexo_table, c.trazabilidad, [Cm(1.3), Cm(7.2), Cm(8)])
    else:
        word.add_paragraph(HEADINGS.no_trazabilidad)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()

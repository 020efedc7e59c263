"""Build the default Word template of the informe (gelbot/templates/informe/informe.docx).

The template is a plain .docx with Jinja tags inside (docxtpl): an entity can open it in Word,
change fonts, margins, its letterhead or its logo's place, keep the tags, and render with it
(`render_docx(doc, template_path)`). The file is committed; this script is how it was made:

    python -m gelbot.informe.word_template gelbot/templates/informe/informe.docx

Tags the template may use: see `gelbot.informe.word.context`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document as new_word_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from gelbot.informe.word_language import set_spanish


def _centered(word: WordDocument, text: str, size: float = 11, bold: bool = False) -> Paragraph:
    paragraph = word.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(size)
    return paragraph


def _field(paragraph: Paragraph, instruction: str) -> None:
    # python-docx has no API for fields; Word fills PAGE and NUMPAGES in when it lays out.
    def char(kind: str) -> BaseOxmlElement:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.extend([char("begin"), code, char("separate")])
    paragraph.add_run("1")
    paragraph.add_run()._r.append(char("end"))


def _repeat_header(table: Table) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(flag)


def _loop_table(
    word: WordDocument, header: str, items: str, cells: list[str], widths: list[float]
) -> None:
    """A table with a header row, then `{%tr for %}` / one row of cells / `{%tr endfor %}`."""
    table = word.add_table(rows=4, cols=len(cells))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _repeat_header(table)
    for column, width in enumerate(widths):
        for row in table.rows:
            row.cells[column].width = Cm(width)
    for column in range(len(cells)):
        run = table.rows[0].cells[column].paragraphs[0].add_run(f"{{{{ {header}[{column}] }}}}")
        run.bold = True
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for fila in {items} %}}")
    for column, cell in enumerate(cells):
        run = table.rows[2].cells[column].paragraphs[0].add_run(f"{{{{ fila.{cell} }}}}")
        run.bold = column == 0
        run.font.size = Pt(10)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")


def build(path: Path) -> None:
    """Write the default template to `path`."""
    word = new_word_document()
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)  # carta, as the seeds
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(11)
    section.different_first_page_header_footer = True  # the cover has no running header

    # The cover, as seed 000's: letterhead, logo, title, period, entity, «Ciudad, fecha».
    word.add_paragraph("{%p if logo %}")
    _centered(word, "{{ logo }}")
    word.add_paragraph("{%p endif %}")
    word.add_paragraph("{%p for linea in membrete %}")
    _centered(word, "{{ linea }}", 12, bold=True)
    word.add_paragraph("{%p endfor %}")
    _centered(word, "{{ titulo }}", 18, bold=True).paragraph_format.space_before = Pt(96)
    _centered(word, "{{ periodo }}", 16, bold=True)
    _centered(word, "{{ entidad_mayusculas }}", 16, bold=True)
    _centered(word, "{{ lugar_y_fecha }}", 12).paragraph_format.space_before = Pt(160)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    word.add_heading("{{ h.introduccion }}", level=1)
    word.add_paragraph("{%p for parrafo in introduccion %}")
    word.add_paragraph("{{ parrafo }}").alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    word.add_paragraph("{%p endfor %}")

    word.add_heading("{{ h.objetivos }}", level=1)
    word.add_heading("{{ h.objetivo_general }}", level=2)
    word.add_paragraph("{{ objetivo_general }}").alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    word.add_heading("{{ h.objetivos_especificos }}", level=2)
    word.add_paragraph("{%p for objetivo in objetivos %}")
    word.add_paragraph("{{ objetivo }}", style="List Bullet")
    word.add_paragraph("{%p endfor %}")

    word.add_heading("{{ h.avances }}", level=1)
    word.add_paragraph("{%p if filas %}")
    _loop_table(word, "h.table", "filas", ["accion", "resultado", "fecha"], [4.5, 8.6, 3.4])
    word.add_paragraph("{%p else %}")
    word.add_paragraph("{{ h.no_rows }}")
    word.add_paragraph("{%p endif %}")
    word.add_paragraph("{%p if sin_informacion %}")
    word.add_paragraph().add_run("{{ sin_informacion }}").italic = True
    word.add_paragraph("{%p endif %}")

    word.add_heading("{{ h.pendientes }}", level=1)
    word.add_paragraph("{%p if pendientes %}")
    _loop_table(
        word, "h.pending_table", "pendientes", ["accion", "resultado", "fecha"], [5.5, 7.6, 3.4]
    )
    word.add_paragraph("{%p else %}")
    word.add_paragraph("{{ h.no_pendientes }}")
    word.add_paragraph("{%p endif %}")

    word.add_heading("{{ h.fases }}", level=1)
    word.add_paragraph("{%p if grafica %}")
    _centered(word, "{{ grafica }}")
    word.add_paragraph("{%p else %}")
    word.add_paragraph("{{ h.no_phases }}")
    word.add_paragraph("{%p endif %}")

    word.add_paragraph("{%p if firmas %}")
    word.add_paragraph("{{ h.firmas }}").paragraph_format.space_before = Pt(24)
    word.add_paragraph("{%p for firma in firmas %}")
    signature = word.add_paragraph()
    signature.paragraph_format.space_before = Pt(40)
    signature.paragraph_format.keep_with_next = True
    signature.add_run("{{ firma.nombre }}").bold = True
    word.add_paragraph("{{ firma.cargo }}")
    word.add_paragraph("{%p endfor %}")
    word.add_paragraph("{%p endif %}")

    annex = word.add_section(WD_SECTION.NEW_PAGE)
    annex.different_first_page_header_footer = False
    word.add_heading("{{ h.anexo }}", level=1)
    word.add_paragraph("{%p if trazabilidad %}")
    _loop_table(
        word, "h.anexo_table", "trazabilidad", ["numero", "accion", "fuente"], [1.3, 5.5, 9.7]
    )
    word.add_paragraph("{%p else %}")
    word.add_paragraph("{{ h.no_trazabilidad }}")
    word.add_paragraph("{%p endif %}")

    for number, part in enumerate(word.sections):
        header = part.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if number == 0:
            header.add_run("{{ encabezado }}").font.size = Pt(8)
        footer = part.footer.paragraphs[0]
        if number == 0:
            footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
            footer.add_run("Página ")
            _field(footer, "PAGE")
            footer.add_run(" de ")
            _field(footer, "NUMPAGES")
    word.core_properties.title = "Informe de Gobierno en Línea"
    word.core_properties.author = "gelbot"
    set_spanish(word)
    word.save(str(path))


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "informe.docx"))

"""Lay an InformeDocument out as Markdown, Word (DOCX) and PDF, saying the same in each."""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import cache

from docx import Document as new_word_document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from jinja2 import Environment, PackageLoader, StrictUndefined

from gelbot.domain.spanish import format_date
from gelbot.informe.chart import (
    DEJAVU_SANS,
    DEJAVU_SANS_BOLD,
    drawable_text,
    percent_label,
    phase_chart_png,
)
from gelbot.informe.document import InformeDocument, InformeRow, period_label


@dataclass(frozen=True)
class _Headings:
    """The fixed words of the informe, shared by the three formats so they cannot drift."""

    introduccion: str = "INTRODUCCIÓN"
    objetivos: str = "1. OBJETIVOS"
    avances: str = "2. AVANCES Y RESULTADOS"
    pendientes: str = "3. PENDIENTES"
    fases: str = "4. AVANCE POR FASE"
    anexo: str = "ANEXO: TRAZABILIDAD"
    table: tuple[str, ...] = ("ACCIONES", "RESULTADOS", "FECHA")
    phase_table: tuple[str, ...] = ("FASE", "INICIO DEL PERÍODO", "FIN DEL PERÍODO")
    anexo_table: tuple[str, ...] = ("N.º", "ACCIÓN", "FUENTE")
    no_rows: str = "Sin acciones registradas en el período."
    no_pendientes: str = "Sin pendientes registrados."
    no_phases: str = "Sin avance por fase registrado."
    no_trazabilidad: str = "Sin registros."


HEADINGS = _Headings()
_NO_DATE = "Sin fecha"


_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Characters XML 1.0 forbids (python-docx refuses them) and that no renderer can show.
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    return _UNPRINTABLE.sub("", text).strip()


@dataclass(frozen=True)
class _Content:
    """What every format prints, as clean plain text; formats differ only in layout."""

    entity: str
    title: str
    kind: str
    period: str
    place_and_date: str
    running_header: str
    introduccion: list[str]
    objetivos: list[str]
    rows: list[tuple[str, str, str]]
    pendientes: list[tuple[str, str, str]]
    phases: list[tuple[str, str, str]]
    chart_title: str
    firma: str | None
    trazabilidad: list[tuple[str, str, str]]


def _cells(row: InformeRow) -> tuple[str, str, str]:
    if row.fecha_texto and row.fecha_texto.strip():
        fecha = _clean(row.fecha_texto)
    else:
        fecha = format_date(row.fecha) if row.fecha else _NO_DATE
    return _clean(row.accion), _clean(row.resultado), fecha


def _trace(number: str, row: InformeRow) -> tuple[str, str, str]:
    return number, _clean(row.accion), f"{_clean(row.source)}\nRef.: {_clean(row.row_key)}"


def _content(doc: InformeDocument) -> _Content:
    period = period_label(doc.period_start, doc.period_end)
    entity = _clean(doc.entity)
    title = _clean(doc.title)
    issued = format_date(doc.issued_on)
    city = _clean(doc.city or "")
    coordinador = _clean(doc.coordinador or "")
    paragraphs = (_clean(p) for p in re.split(r"\n\s*\n", _LINE_BREAKS.sub("\n", doc.introduccion)))
    return _Content(
        entity=entity,
        title=title.upper(),
        kind=f"Informe {doc.kind}",
        period=period.upper(),
        place_and_date=f"{city}, {issued}" if city else issued,
        running_header=f"{title} · {period.capitalize()} · {entity}",
        introduccion=[p for p in paragraphs if p],
        objetivos=[o for o in map(_clean, doc.objetivos) if o],
        rows=[_cells(row) for row in doc.rows],
        pendientes=[_cells(row) for row in doc.pendientes],
        phases=[
            (_clean(p.name), percent_label(p.start_share), percent_label(p.end_share))
            for p in doc.phases
        ],
        chart_title=f"Criterios cumplidos por fase — {period}",
        firma=(
            f"Presentado por: {coordinador}, Coordinación de la Implementación de la Estrategia"
            if coordinador
            else None
        ),
        trazabilidad=[_trace(str(i), row) for i, row in enumerate(doc.rows, start=1)]
        + [_trace(f"P{i}", row) for i, row in enumerate(doc.pendientes, start=1)],
    )


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#$])")
_MD_LIST_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def _md(text: str) -> str:
    """Escape text for one Markdown line: no markup, no HTML, no table break, no list start."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text.strip())
    escaped = _MD_LIST_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)
    return "<br>".join(line.strip() for line in escaped.split("\n"))


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("gelbot", "templates"),
        autoescape=False,  # Markdown, not HTML: the `md` filter does the escaping.
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    environment.filters["md"] = _md
    return environment


def render_markdown(doc: InformeDocument) -> str:
    """Render the informe as Markdown, the table as a GitHub-style table."""
    template = _environment().get_template("informe/informe.md.j2")
    return template.render(c=_content(doc), h=HEADINGS)


# ---------------------------------------------------------------- DOCX


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


# ---------------------------------------------------------------- PDF

_FONT = "DejaVu"
_MARGIN = 20  # mm on every side
_BODY_SIZE = 10.5
_TABLE_SIZE = 9
_LINE = 4.6  # mm per table line at _TABLE_SIZE
_PAD = 1.2  # mm above and below the text of a table cell
_MIN_SLICE = 3  # a row split across pages leaves at least this many lines on the first page
# fpdf2 replaces its page-total alias wherever it appears in drawn text, so the alias holds a
# control character that _clean removes from user text: nobody can type it into an informe.
_TOTAL_PAGES_ALIAS = "\x1ftotal\x1f"


class _InformePdf(FPDF):
    """A letter-size page with the running header and "Página N de M", except on the cover."""

    def __init__(self, running_header: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.running_header = drawable_text(running_header)
        self.alias_nb_pages(_TOTAL_PAGES_ALIAS)
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(True, margin=_MARGIN)
        self.add_font(_FONT, "", DEJAVU_SANS)
        self.add_font(_FONT, "B", DEJAVU_SANS_BOLD)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(_FONT, "", 8)
        self.set_text_color(90)
        self.set_y(10)
        # Shortened so a long entity name stays on one line.
        header = self.running_header
        while len(header) > 20 and self.get_string_width(header) > self.epw:
            header = header[:-10] + "…"
        self.cell(0, 5, header, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.set_y(20)

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-14)
        self.set_font(_FONT, "", 8)
        self.set_text_color(90)
        self.cell(0, 5, f"Página {self.page_no()} de {_TOTAL_PAGES_ALIAS}", align="C")
        self.set_text_color(0)


class _LineBreaker:
    """Greedy word wrap for table cells, measured with cached glyph widths of the current font.

    fpdf2's multi_cell wrap re-measures the line at every character, which made a 200-row
    informe take seconds; without text shaping a string's width is exactly the sum of its
    glyphs' widths, so caching them per glyph breaks lines just as well, several times faster.
    """

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.widths: dict[tuple[str, float, str], float] = {}

    def width(self, text: str) -> float:
        style, size = self.pdf.font_style, self.pdf.font_size_pt
        total = 0.0
        for char in text:
            width = self.widths.get((style, size, char))
            if width is None:
                width = self.widths[(style, size, char)] = self.pdf.get_string_width(char)
            total += width
        return total

    def lines(self, text: str, cell_width: float) -> list[str]:
        room = cell_width - 2 * self.pdf.c_margin
        lines: list[str] = []
        for paragraph in drawable_text(text).split("\n"):
            line, line_width = "", 0.0
            for word in paragraph.split():
                word_width = self.width(word)
                gap = self.width(" ") if line else 0.0
                if line and line_width + gap + word_width <= room:
                    line, line_width = f"{line} {word}", line_width + gap + word_width
                    continue
                if line:
                    lines.append(line)
                line, line_width = word, word_width
                # A word wider than the cell (a URL, a run of characters) is cut where it fills.
                while line_width > room and len(line) > 1:
                    cut, used = 0, 0.0
                    for char in line:
                        if cut and used + self.width(char) > room:
                            break
                        used, cut = used + self.width(char), cut + 1
                    lines.append(line[:cut])
                    line, line_width = line[cut:], line_width - used
            lines.append(line)
        return lines


def _pdf_text(pdf: FPDF, text: str, size: float = _BODY_SIZE, bold: bool = False) -> None:
    pdf.set_font(_FONT, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, drawable_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _pdf_bullet(pdf: FPDF, text: str) -> None:
    pdf.set_font(_FONT, "", _BODY_SIZE)
    pdf.cell(6, _BODY_SIZE * 0.5, "•")
    # Wrapped lines hang under the text, not under the bullet.
    pdf.multi_cell(0, _BODY_SIZE * 0.5, drawable_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _pdf_heading(pdf: FPDF, text: str, keep_with_next: float = 30) -> None:
    # A heading never sits alone at the foot of a page: what follows it must fit too.
    if pdf.y + 12 + keep_with_next > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(3)
    _pdf_text(pdf, text, size=13, bold=True)


def _pdf_slice(pdf: FPDF, columns: list[list[str]], widths: list[float], header: bool) -> None:
    height = max(len(lines) for lines in columns) * _LINE + 2 * _PAD
    top, x = pdf.y, pdf.l_margin
    for index, (lines, width) in enumerate(zip(columns, widths, strict=True)):
        pdf.set_font(_FONT, "B" if header or index == 0 else "", _TABLE_SIZE)
        pdf.rect(x, top, width, height, style="DF" if header else "D")
        for number, line in enumerate(lines):
            pdf.set_xy(x, top + _PAD + number * _LINE)
            pdf.cell(width, _LINE, line)
        x += width
    pdf.set_xy(pdf.l_margin, top + height)


def _pdf_table(
    pdf: FPDF, header: tuple[str, ...], rows: list[tuple[str, str, str]], shares: list[float]
) -> None:
    """Draw a bordered table whose rows flow across pages, the header repeated on each page."""
    widths = [pdf.epw * share for share in shares]
    pdf.set_fill_color(222, 228, 236)
    # Page breaks are decided row by row below; the margin stays, it is where the footer sits.
    pdf.set_auto_page_break(False, margin=_MARGIN)
    breaker = _LineBreaker(pdf)

    def lines_left() -> int:
        return int((pdf.page_break_trigger - pdf.y - 2 * _PAD) / _LINE + 1e-6)

    def draw_header() -> None:
        pdf.set_font(_FONT, "B", _TABLE_SIZE)
        _pdf_slice(pdf, [[title] for title in header], widths, header=True)

    if lines_left() < 2 + _MIN_SLICE:
        pdf.add_page()
    draw_header()
    for row in rows:
        columns = []
        for index, (text, width) in enumerate(zip(row, widths, strict=True)):
            pdf.set_font(_FONT, "B" if index == 0 else "", _TABLE_SIZE)
            columns.append(breaker.lines(text, width))
        while columns:
            needed, available = max(len(lines) for lines in columns), lines_left()
            if needed > available and available < _MIN_SLICE:
                pdf.add_page()
                draw_header()
                continue
            taken = min(needed, available)
            _pdf_slice(pdf, [lines[:taken] for lines in columns], widths, header=False)
            columns = [lines[taken:] for lines in columns] if taken < needed else []
    pdf.set_auto_page_break(True, margin=_MARGIN)
    pdf.ln(3)


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def render_pdf(doc: InformeDocument) -> bytes:
    """Render the informe as a PDF: cover, sections, paged table, chart and page numbers."""
    c = _content(doc)
    pdf = _InformePdf(c.running_header)
    pdf.set_title(f"{c.title} — {c.period} — {c.entity}")
    pdf.set_lang("es-CO")
    pdf.set_creator("gelbot")
    # The same document always yields the same bytes.
    pdf.set_creation_date(datetime.combine(doc.issued_on, time(), tzinfo=UTC))

    pdf.add_page()
    pdf.set_y(70)
    for text, size, bold, gap in (
        (c.entity, 20, True, 18),
        (c.title, 22, True, 4),
        (c.kind, 13, False, 4),
        (c.period, 16, True, 0),
    ):
        pdf.set_font(_FONT, "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.5, drawable_text(text), align="C")
        pdf.set_x(pdf.l_margin)
        pdf.ln(gap)
    pdf.set_y(max(pdf.y + 20, 220))
    pdf.set_font(_FONT, "", 12)
    pdf.multi_cell(0, 6, drawable_text(c.place_and_date), align="C")

    pdf.add_page()
    _pdf_heading(pdf, HEADINGS.introduccion)
    for paragraph in c.introduccion:
        _pdf_text(pdf, paragraph)
    _pdf_heading(pdf, HEADINGS.objetivos)
    for objetivo in c.objetivos:
        _pdf_bullet(pdf, objetivo)

    _pdf_heading(pdf, HEADINGS.avances)
    if c.rows:
        _pdf_table(pdf, HEADINGS.table, c.rows, [0.28, 0.52, 0.20])
    else:
        _pdf_text(pdf, HEADINGS.no_rows)

    _pdf_heading(pdf, HEADINGS.pendientes)
    for accion, resultado, fecha in c.pendientes:
        _pdf_bullet(pdf, f"{accion}: {resultado} ({fecha})" if resultado else f"{accion} ({fecha})")
    if not c.pendientes:
        _pdf_text(pdf, HEADINGS.no_pendientes)

    if doc.phases:
        png = phase_chart_png(doc.phases, c.chart_title)
        pixels_wide, pixels_high = _png_size(png)
        width = min(pdf.epw, (pdf.eph - 20) * pixels_wide / pixels_high)
        _pdf_heading(pdf, HEADINGS.fases, keep_with_next=width * pixels_high / pixels_wide)
        pdf.image(io.BytesIO(png), x=Align.C, w=width)
    else:
        _pdf_heading(pdf, HEADINGS.fases)
        _pdf_text(pdf, HEADINGS.no_phases)
    if c.firma:
        pdf.ln(8)
        _pdf_text(pdf, c.firma)

    _pdf_heading(pdf, HEADINGS.anexo)
    if c.trazabilidad:
        _pdf_table(pdf, HEADINGS.anexo_table, c.trazabilidad, [0.08, 0.42, 0.50])
    else:
        _pdf_text(pdf, HEADINGS.no_trazabilidad)
    return bytes(pdf.output())

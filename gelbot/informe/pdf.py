"""Lay an informe out as a PDF: cover, sections, tables paged by hand, chart, page numbers."""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime, time

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from gelbot.informe.chart import DEJAVU_SANS, DEJAVU_SANS_BOLD, drawable_text, phase_chart_png
from gelbot.informe.content import HEADINGS, _Content, _content
from gelbot.informe.document import InformeDocument

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
        self.set_y(8)
        # Wrapped, never cut: a long entity name takes a second line.
        self.multi_cell(0, 3.6, self.running_header, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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


def _cover(pdf: _InformePdf, c: _Content, logo: bytes | None) -> None:
    """Seed 000's cover: logo and letterhead, title, period, entity, then «Ciudad, fecha»."""
    pdf.add_page()
    pdf.set_y(24)
    if logo:
        pdf.image(io.BytesIO(logo), x=Align.C, h=28)
        pdf.ln(4)
    for line in c.letterhead:
        pdf.set_font(_FONT, "B", 12)
        pdf.multi_cell(0, 6, drawable_text(line), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.y + 30, 95))
    for text, size in ((c.title, 20), (c.period, 16), (c.entity.upper(), 16)):
        pdf.set_font(_FONT, "B", size)
        pdf.multi_cell(0, size * 0.5, drawable_text(text), align="C", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)  # fmt: skip
        pdf.ln(4)
    pdf.set_y(max(pdf.y + 20, 220))
    pdf.set_font(_FONT, "", 12)
    pdf.multi_cell(0, 6, drawable_text(c.place_and_date), align="C")


def _signatures(pdf: _InformePdf, c: _Content) -> None:
    """«Presentado por:» and each full name over its cargo, with room to sign above."""
    if not c.firmas:
        return
    if pdf.y + 16 + 26 * len(c.firmas) > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(6)
    _pdf_text(pdf, HEADINGS.firmas)
    for nombre, cargo in c.firmas:
        if pdf.y + 26 > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(12)
        _pdf_text(pdf, nombre, bold=True)
        pdf.set_y(pdf.y - 2)
        _pdf_text(pdf, cargo)


def render_pdf(doc: InformeDocument) -> bytes:
    """Render the informe as a PDF: cover, sections, paged tables, chart, signatures, annex."""
    c = _content(doc)
    pdf = _InformePdf(c.running_header)
    pdf.set_title(f"{c.title} — {c.period} — {c.entity}")
    pdf.set_lang("es-CO")
    pdf.set_creator("gelbot")
    # The same document always yields the same bytes.
    pdf.set_creation_date(datetime.combine(doc.issued_on, time(), tzinfo=UTC))
    _cover(pdf, c, doc.logo)

    pdf.add_page()
    _pdf_heading(pdf, HEADINGS.introduccion)
    for paragraph in c.introduccion:
        _pdf_text(pdf, paragraph)
    _pdf_heading(pdf, HEADINGS.objetivos)
    _pdf_text(pdf, HEADINGS.objetivo_general, size=11.5, bold=True)
    _pdf_text(pdf, c.objetivo_general)
    _pdf_text(pdf, HEADINGS.objetivos_especificos, size=11.5, bold=True)
    for objetivo in c.objetivos:
        _pdf_bullet(pdf, objetivo)

    _pdf_heading(pdf, HEADINGS.avances)
    if c.rows:
        _pdf_table(pdf, HEADINGS.table, c.rows, [0.28, 0.50, 0.22])
    else:
        _pdf_text(pdf, HEADINGS.no_rows)
    if c.sin_informacion:
        _pdf_text(pdf, c.sin_informacion, size=9.5)

    _pdf_heading(pdf, HEADINGS.pendientes)
    if c.pendientes:
        _pdf_table(pdf, HEADINGS.pending_table, c.pendientes, [0.32, 0.46, 0.22])
    else:
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
    _signatures(pdf, c)

    pdf.add_page()
    _pdf_heading(pdf, HEADINGS.anexo)
    if c.trazabilidad:
        _pdf_table(pdf, HEADINGS.anexo_table, c.trazabilidad, [0.08, 0.34, 0.58])
    else:
        _pdf_text(pdf, HEADINGS.no_trazabilidad)
    return bytes(pdf.output())

"""The board as a spreadsheet: the «cuadro diagnóstico», one row per committee."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gelbot.board.cells import COLORS
from gelbot.board.figures import Board, BoardRow

_FIXED = [
    "Comité", "Estado", "Por qué", "Marco", "Última reunión", "Reuniones hechas",
    "Reuniones esperadas", "Compromisos abiertos", "Compromisos vencidos",
    "Semanas con sitio actualizado", "Semanas del periodo", "Meta semanal del sitio",
]  # fmt: skip
_AFTER = [
    "Avance promedio", "Informes enviados", "Último informe", "Periodo del último informe",
    "Última respuesta al bot", "Días sin respuestas", "Periodo",
]  # fmt: skip


def _sections(board: Board) -> list[str]:
    """Every phase or section name of the committees' frameworks, in first-seen order."""
    names: dict[str, None] = {}
    for row in board.rows:
        for section in row.sections:
            names.setdefault(section.name, None)
    return list(names)


def _values(row: BoardRow, sections: list[str]) -> list[Any]:
    shares = {s.name: s.share for s in row.sections}
    period = row.last_informe_period
    return [
        row.entity_name,
        row.state.label,
        "; ".join(r.text for r in row.reasons),
        row.framework_name,
        row.last_meeting,
        row.meetings_held,
        row.meetings_expected,
        row.compromisos_open,
        row.compromisos_overdue,
        row.site_weeks_met,
        row.site_weeks_total,
        row.site_meta,
        *[shares.get(name) for name in sections],
        row.progress if row.sections else None,
        row.informes_sent,
        row.last_informe_on,
        f"{period[0].isoformat()} a {period[1].isoformat()}" if period else None,
        row.last_answer_on,
        row.days_since_answer,
        f"{row.period_start.isoformat()} a {row.period_end.isoformat()}",
    ]


def board_xlsx(board: Board) -> bytes:
    """The board as an XLSX workbook: worst first, shares as percentages, state coloured."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Cuadro diagnóstico"
    sections = _sections(board)
    headers = [*_FIXED, *[f"{name} (% criterios)" for name in sections], *_AFTER]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    percent_columns = {len(_FIXED) + i + 1 for i in range(len(sections) + 1)}
    date_columns = {5, len(_FIXED) + len(sections) + 3, len(_FIXED) + len(sections) + 5}
    for row in board.rows:
        sheet.append(_values(row, sections))
        line = sheet.max_row
        sheet.cell(line, 2).fill = PatternFill("solid", fgColor=COLORS[row.state].lstrip("#"))
        for column in percent_columns:
            sheet.cell(line, column).number_format = "0 %"
        for column in date_columns:
            sheet.cell(line, column).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(sheet.max_row, 1)}"
    widths = {1: 34, 2: 11, 3: 60}
    for column in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(column, 14)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

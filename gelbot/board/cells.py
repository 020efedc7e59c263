"""The short figure in each cell of the board, the same in the picture and on the web page."""

from __future__ import annotations

from gelbot.board.figures import Aspect, BoardRow, State
from gelbot.domain.spanish import format_date, format_date_short

COLORS = {State.VERDE: "#2e9d5b", State.AMARILLO: "#f2c94c", State.ROJO: "#d64545"}
TEXT_COLORS = {State.VERDE: "#ffffff", State.AMARILLO: "#1b1b1b", State.ROJO: "#ffffff"}


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


def cell_text(row: BoardRow, aspect: Aspect) -> str:
    """The figure a person reads in the cell of `aspect`."""
    if aspect is Aspect.REUNIONES:
        if row.last_meeting is None:
            return "nunca"
        return f"{row.meetings_held} de {row.meetings_expected}"
    if aspect is Aspect.COMPROMISOS:
        if row.compromisos_overdue:
            return f"{row.compromisos_overdue} venc. de {row.compromisos_open}"
        return f"{row.compromisos_open} abiertos"
    if aspect is Aspect.SITIO:
        if row.site_weeks_total is None:
            return "—"
        return f"{row.site_weeks_met} de {row.site_weeks_total} sem."
    if aspect is Aspect.CRITERIOS:
        return percent(row.progress) if row.sections else "—"
    if aspect is Aspect.INFORME:
        return format_date_short(row.last_informe_on) if row.last_informe_on else "ninguno"
    if row.days_since_answer is None:
        return "nunca"
    return "hoy" if row.days_since_answer == 0 else f"hace {row.days_since_answer} d"


def last_meeting_text(row: BoardRow) -> str:
    return format_date(row.last_meeting) if row.last_meeting else "nunca"

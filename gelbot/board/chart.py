"""The board as a picture: one line per committee, one coloured cell per aspect.

Drawn without pyplot's global state (like the informe's chart), with DejaVu Sans, which
matplotlib ships. Telegram refuses photos taller than 20 times their width, so the picture
keeps the committees that need attention most and says how many it left out.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from gelbot.board.cells import COLORS, TEXT_COLORS, cell_text
from gelbot.board.figures import ASPECT_TITLES, Aspect, Board, State
from gelbot.domain.spanish import format_date
from gelbot.informe.chart import drawable_text

MAX_ROWS = 60
_NAME_WIDTH = 3.4  # inches for the committee names
_CELL_WIDTH = 1.25
_ROW_HEIGHT = 0.32


def _name(text: str) -> str:
    text = " ".join(drawable_text(text).split()).replace("$", r"\$")
    return text if len(text) <= 38 else text[:37] + "…"


def board_png(board: Board, *, max_rows: int = MAX_ROWS) -> bytes:
    """The board as a PNG: rows = committees (worst first), colour = state of each aspect."""
    rows = board.rows[:max_rows]
    aspects = list(Aspect)
    height = 1.15 + _ROW_HEIGHT * max(len(rows), 1)
    figure = Figure(figsize=(_NAME_WIDTH + _CELL_WIDTH * (len(aspects) + 1), height), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    columns = len(aspects) + 1  # the state column, then one per aspect
    total_width = _NAME_WIDTH / _CELL_WIDTH + columns
    axes.set_xlim(0, total_width)
    top = 1.0 / _ROW_HEIGHT
    axes.set_ylim(max(len(rows), 1) + top + 0.15 / _ROW_HEIGHT, 0)
    axes.axis("off")
    name_cols = _NAME_WIDTH / _CELL_WIDTH
    title = (
        f"Tablero de {board.person_name} — {format_date(board.today)}: "
        f"{board.count(State.ROJO)} urgentes, {board.count(State.AMARILLO)} con atención, "
        f"{board.count(State.VERDE)} al día"
    )
    axes.text(0.15, 0.8, _name(title) if len(title) > 120 else drawable_text(title),
              fontsize=11, fontweight="bold", va="center")  # fmt: skip
    header_y = top - 0.6
    for index, heading in enumerate(["Estado", *[ASPECT_TITLES[a] for a in aspects]]):
        axes.text(name_cols + index + 0.5, header_y, heading, ha="center", va="center",
                  fontsize=9, fontweight="bold")  # fmt: skip
    axes.text(0.15, header_y, "Comité", va="center", fontsize=9, fontweight="bold")
    for line, row in enumerate(rows):
        y = top + line
        axes.text(0.15, y + 0.5, _name(row.entity_name), va="center", fontsize=9)
        cells = [
            (row.state, row.state.label),
            *[(row.aspect_state(a), cell_text(row, a)) for a in aspects],
        ]
        for index, (state, text) in enumerate(cells):
            x = name_cols + index
            axes.add_patch(Rectangle((x + 0.03, y + 0.06), 0.94, 0.88, color=COLORS[state]))
            axes.text(x + 0.5, y + 0.5, text, ha="center", va="center", fontsize=8,
                      color=TEXT_COLORS[state])  # fmt: skip
    if not rows:
        axes.text(0.15, top + 0.5, "Ningún comité lo ha aceptado todavía.", fontsize=9)
    left_out = len(board.rows) - len(rows)
    legend = [Patch(color=COLORS[s], label=s.label) for s in State]
    figure.legend(handles=legend, loc="upper right", ncols=3, fontsize=8, frameon=False)
    if left_out > 0:
        axes.text(0.15, top - 1.4, f"(los {len(rows)} que más atención necesitan; "
                  f"{left_out} más en la hoja de cálculo)", fontsize=8, va="center")  # fmt: skip
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

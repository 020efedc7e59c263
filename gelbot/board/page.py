"""The board as a web page: a sortable table with the chart, readable on a phone.

Two pages share one template: the standalone file `gelbot tablero --formato html` writes (the
board inside), and the Mini App's empty shell, which asks the server for the board with the
user's signed initData — so no committee data ever sits in a URL or in the shell.
"""

from __future__ import annotations

import base64

from markupsafe import Markup

from gelbot.board.cells import COLORS, TEXT_COLORS, cell_text, last_meeting_text
from gelbot.board.chart import board_png
from gelbot.board.figures import ASPECT_TITLES, Aspect, Board
from gelbot.texts import environment

TELEGRAM_WEB_APP_JS = "https://telegram.org/js/telegram-web-app.js"


def table_html(board: Board) -> str:
    """The board's table and chart, as an HTML fragment."""
    chart = base64.b64encode(board_png(board)).decode() if board.rows else None
    return (
        environment()
        .get_template("tablero/tabla.html.j2")
        .render(
            board=board,
            aspects=list(Aspect),
            titulos=ASPECT_TITLES,
            colores=COLORS,
            colores_texto=TEXT_COLORS,
            celda=cell_text,
            ultima_reunion=last_meeting_text,
            grafico=chart,
        )
    )


def standalone_html(board: Board) -> str:
    """A whole page with the board inside (for a file)."""
    return _page(tabla=Markup(table_html(board)), miniapp=False)


def miniapp_html() -> str:
    """The Mini App's page: no data; its script fetches the board with the user's initData."""
    return _page(tabla=None, miniapp=True)


def _page(*, tabla: Markup | None, miniapp: bool) -> str:
    return (
        environment()
        .get_template("tablero/pagina.html.j2")
        .render(tabla=tabla, miniapp=miniapp, telegram_js=TELEGRAM_WEB_APP_JS)
    )

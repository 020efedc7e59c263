"""`gelbot tablero`'s work: the board of one delegado as the bytes of a PNG, XLSX or HTML file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from gelbot.board.compile import board_for
from gelbot.models import Person
from gelbot.services import Services
from gelbot.settings import Settings

FORMATOS = ("png", "xlsx", "html")


@dataclass(frozen=True)
class Outcome:
    status: int  # the exit status: 0 built, 2 bad request
    message: str
    content: bytes = b""
    rows: int = 0


async def board_file(
    settings: Settings, *, telegram_id: int, formato: str, now: datetime
) -> Outcome:
    """The board of the delegado with this Telegram id, as the bytes of a file."""
    if formato not in FORMATOS:
        return Outcome(2, f"Formato desconocido: «{formato}». Use png, xlsx o html.")
    async with Services.opened(settings) as services, services.transaction() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == telegram_id))
        if person is None:
            return Outcome(2, f"No conozco a nadie con el id de Telegram {telegram_id}.")
        board = await board_for(session, person, now=now, tz=settings.zone)
    if formato == "png":
        from gelbot.board.chart import board_png

        content = board_png(board)
    elif formato == "xlsx":
        from gelbot.board.spreadsheet import board_xlsx

        content = board_xlsx(board)
    else:
        from gelbot.board.page import standalone_html

        content = standalone_html(board).encode()
    return Outcome(0, "", content, len(board.rows))

"""The informe's review message: pages under Telegram's limit, their buttons, the documents.

A page is edited in place as the coordinador presses its buttons; rows are numbered as people
read them, while buttons carry each row's index in the draft (callback data stays tiny).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest

from gelbot.informe import drafts, output
from gelbot.informe.document import InformeDocument, period_label
from gelbot.informe.drafts import ReviewRow
from gelbot.models import Committee, InformeDraft
from gelbot.services import Services
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, label
from gelbot.texts import render

# inf:<draft id>:<op>:<n>:<page>; op: x quitar/incluir, w editar, p página, g generar,
# a agregar fila, u unir filas.
REVIEW = "inf"
PAGE_ROWS = 6
# Rendered HTML (UTF-16 units, as Telegram counts) per page for the rows: with the header, the
# running-period warning and the help line (about 900 together) a page stays under 4096
# characters once the tags are gone; HTML only ever counts more.
PAGE_BUDGET = 2900
_SECTIONS = {"avance": "AVANCES Y RESULTADOS", "pendiente": "PENDIENTES"}


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def paginate(rows: list[ReviewRow]) -> list[list[ReviewRow]]:
    """Rows in pages that fit one Telegram message each (a page holds at least one row)."""
    pages: list[list[ReviewRow]] = [[]]
    used = 0
    for row in rows:
        size = _utf16(render("informe_fila", r=row)) + 40  # the section title and blank lines
        if pages[-1] and (len(pages[-1]) >= PAGE_ROWS or used + size > PAGE_BUDGET):
            pages.append([])
            used = 0
        pages[-1].append(row)
        used += size
    return pages


@dataclass
class ReviewPage:
    """One page of the review, ready to send (`values`) or to edit in place (`text`)."""

    values: dict[str, Any]  # for the informe_revision template
    keyboard: InlineKeyboardMarkup
    page: int

    @property
    def text(self) -> str:
        return render("informe_revision", **self.values)


def _button(label: str, *parts: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.encode(REVIEW, *parts))


def review_page(
    committee: Committee, draft: InformeDraft, rows: list[ReviewRow], page: int, *,
    running: bool = False,
) -> ReviewPage:  # fmt: skip
    """The text and buttons of one page of the review."""
    pages = paginate(rows)
    page = min(max(page, 0), len(pages) - 1)
    shown = pages[page]
    sections = [
        (title, [r for r in shown if r.section == section])
        for section, title in _SECTIONS.items()
        if any(r.section == section for r in shown)
    ]
    values = {
        "committee": committee, "kind": draft.kind,
        "label": period_label(draft.period_start, draft.period_end), "sections": sections,
        "total": len(rows), "excluded": sum(r.excluded for r in rows),
        "rewritten": sum(r.rewritten for r in rows), "page": page, "pages": len(pages),
        "merged": sum(r.merged_into is not None for r in rows),
        "manual": sum(r.manual for r in rows), "running": running,
    }  # fmt: skip
    buttons = [
        [
            _button(label("incluir_fila" if r.excluded or r.merged_into else "quitar_fila",
                          n=r.number),
                    draft.id, "x", r.index, page),
            _button(label("editar_fila", n=r.number), draft.id, "w", r.index, page),
        ]
        for r in shown
    ]  # fmt: skip
    nav = []
    if page > 0:
        nav.append(_button(label("anterior"), draft.id, "p", page - 1, page))
    if page + 1 < len(pages):
        nav.append(_button(label("siguiente"), draft.id, "p", page + 1, page))
    if nav:
        buttons.append(nav)
    buttons.append(
        [_button(label("agregar_fila"), draft.id, "a", 0, page),
         _button(label("unir_filas"), draft.id, "u", 0, page)]
    )  # fmt: skip
    buttons.append([_button(label("generar_documento"), draft.id, "g", 0, page)])
    return ReviewPage(values, InlineKeyboardMarkup(buttons), page)


async def current(
    session: AsyncSession, svc: Services, committee: Committee, draft: InformeDraft
) -> tuple[InformeDocument, list[ReviewRow]]:
    """The draft's period compiled afresh, and its rows as the review shows them."""
    doc, edits, manual = await drafts.prepared(
        session, committee, draft, now=svc.clock.now(), tz=svc.settings.zone
    )
    return doc, drafts.review(draft, doc, edits, manual)


async def redraw(context: Context, chat_id: int, message_id: int, shown: ReviewPage) -> None:
    """Show `shown` in the review message, in place."""
    try:
        await context.bot.edit_message_text(
            shown.text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
            reply_markup=shown.keyboard, disable_web_page_preview=True,
        )  # fmt: skip
    except BadRequest as error:
        # The same page again (a second press), or the review message was deleted.
        if "not modified" not in error.message and "not found" not in error.message:
            raise


async def send_documents(context: Context, chat_id: int, doc: InformeDocument) -> None:
    """Render DOCX, PDF and Markdown off the event loop and send them, Word first."""
    label = period_label(doc.period_start, doc.period_end)
    for fmt in output.FORMATS:
        content = await asyncio.to_thread(output.render, doc, fmt)
        await context.bot.send_document(
            chat_id,
            InputFile(content, filename=output.file_name(doc, fmt)),
            caption=render(
                "informe_documento",
                formato=fmt,
                doc=doc,
                label=label,
                filas=len(doc.rows),
                pendientes=len(doc.pendientes),
            ),
            parse_mode=ParseMode.HTML,
        )

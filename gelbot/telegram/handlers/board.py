"""/tablero: a delegado's board of every committee that accepted them, in the private chat."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update, WebAppInfo
from telegram.constants import ParseMode

from gelbot.board.compile import board_for
from gelbot.domain import committees as domain
from gelbot.domain.spanish import normalize
from gelbot.telegram.common import Context, is_group, label, person_info, raw_args, reply
from gelbot.texts import render

FORMATS = {"": "png", "imagen": "png", "png": "png", "xlsx": "xlsx", "excel": "xlsx"}


async def show_board(update: Update, context: Context) -> None:
    """Send the board as a picture (or a spreadsheet) with the three that need attention most."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if is_group(chat):
        # The board shows other committees: it never goes to a committee's group.
        await reply(update, context, "tablero_solo_privado", bot_username=context.bot.username)
        return
    wanted = FORMATS.get(normalize(raw_args(update)))
    if wanted is None:
        await reply(update, context, "tablero_uso", dado=raw_args(update))
        return
    svc = context.services
    now = context.now()
    async with svc.transaction() as session:
        person = await domain.upsert_person(session, person_info(user), now=now)
        person.private_chat_open = True
        board = await board_for(session, person, now=now, tz=svc.settings.zone)
    if not board.rows:
        await reply(update, context, "tablero_vacio")
        return
    # Drawing takes a moment of CPU; renderers load matplotlib/openpyxl only when used.
    if wanted == "xlsx":
        from gelbot.board.spreadsheet import board_xlsx

        content = await asyncio.to_thread(board_xlsx, board)
        await context.bot.send_document(
            chat.id,
            InputFile(content, filename=f"cuadro-diagnostico-{board.today.isoformat()}.xlsx"),
            caption=render("tablero_xlsx", board=board),
            parse_mode=ParseMode.HTML,
        )
        return
    from gelbot.board.chart import board_png

    png = await asyncio.to_thread(board_png, board)
    await context.bot.send_photo(
        chat.id,
        InputFile(png, filename="tablero.png"),
        caption=render("tablero_foto", board=board),
        parse_mode=ParseMode.HTML,
    )
    url = svc.settings.tablero_url
    keyboard = (
        InlineKeyboardMarkup(
            [[InlineKeyboardButton(label("ver_tablero"), web_app=WebAppInfo(url))]]
        )
        if url
        else None
    )
    await reply(
        update, context, "tablero_resumen", reply_markup=keyboard, board=board,
        primeros=board.needing_attention(3), web=url is not None,
    )  # fmt: skip

"""The plan de acción in the chat: /plan, and plan files (YAML or CSV) sent by a coordinador.

Under group privacy mode the bot only sees a file that is a reply to it or whose caption is a
command, so in a group the file comes as a reply to the question `/plan importar` asks, or with
the caption `/plan`. In private a coordinador just sends it; if they coordinate several
committees, the caption names one or buttons ask which (the file waits as a PendingPrompt).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError

from gelbot.domain import committees, pending_prompts, plan_preview, plans
from gelbot.domain.plan_import import MAX_BYTES, PlanImportError, parse_plan
from gelbot.domain.spanish import normalize
from gelbot.models import Committee, PendingPrompt, Person, Role
from gelbot.resources import resource_dir
from gelbot.telegram import callbacks
from gelbot.telegram.common import (
    Context,
    edit,
    is_group,
    label,
    person_info,
    raw_args,
    reply,
    send,
)
from gelbot.telegram.place import locate
from gelbot.telegram.prompts import ask
from gelbot.texts import render

ASK_FILE = "plan_archivo"  # PendingPrompt kind: a group question waiting for the file
CHOOSE_KIND = "plan_destino"  # PendingPrompt kind: a private file waiting for its committee
CHOOSE = "plc"  # plc:<committee id>  which committee a privately sent file is for
CONFIRM_KIND = "plan_confirmar"  # PendingPrompt kind: a previewed file waiting for «Reemplazar»
CONFIRM = "plr"  # plr:<committee id>:<s|n>  replace the plan with the previewed file, or not
PLAN_FILES = {"yaml", "yml", "csv", "tsv", "txt", ""}
SPREADSHEETS = {"xlsx", "xls", "ods"}  # parse_plan explains how to save them as CSV
EXAMPLE = ("planes", "chitaga.csv")
MAX_PREVIEW_ROWS = 8  # per list (added, removed, changed); the rest is counted
_IMPORT_WORDS = {"importar", "cargar", "subir", "actualizar", "reemplazar"}
_EXAMPLE_WORDS = {"ejemplo", "plantilla", "formato", "modelo"}


# --- /plan -----------------------------------------------------------------------------------


async def show_plan(update: Update, context: Context) -> None:
    """Show the plan de acción; `/plan importar` asks for the file, `/plan ejemplo` sends one."""
    word = normalize(raw_args(update))
    if word in _EXAMPLE_WORDS:
        await send_example(update, context)
        return
    if word and word not in _IMPORT_WORDS:
        await reply(update, context, "plan_uso", given=raw_args(update))
        return
    chat = update.effective_chat
    message = update.effective_message
    assert chat is not None and message is not None
    svc = context.services
    async with svc.transaction() as session:
        if word and not is_group(chat):
            await reply(update, context, "plan_importar_privado")
            return
        place = await locate(update, context, session, "plan")
        if place is None:
            return
        if word:
            if not place.coordinates:
                await reply(update, context, "plan_solo_coordinador")
                return
            await ask(
                context, session, chat.id, "plan_pide_archivo", person=place.person,
                kind=ASK_FILE, subject_id=place.committee.id, reply_to=message.message_id,
                placeholder=label("pide_plan"), committee=place.committee,
            )  # fmt: skip
            return
        view = await plans.plan_of(session, place.committee)
    await reply(update, context, "plan_resumen", committee=place.committee, view=view)


async def send_example(update: Update, context: Context) -> None:
    """Send an example plan file people can fill in."""
    chat = update.effective_chat
    assert chat is not None
    try:
        path = resource_dir("examples").joinpath(*EXAMPLE)
        content = path.read_bytes()
    except OSError:
        await reply(update, context, "plan_ejemplo_no_disponible")
        return
    await context.bot.send_document(
        chat.id,
        InputFile(content, filename=EXAMPLE[-1]),
        caption=render("plan_ejemplo"),
        parse_mode="HTML",
    )


# --- receiving a plan file -------------------------------------------------------------------


def _extension(file_name: str | None) -> str:
    name = file_name or ""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _caption_is_plan(caption: str | None, bot_username: str | None) -> bool:
    if not caption:
        return False
    command = caption.split(maxsplit=1)[0].lower() if caption.split() else ""
    name, _, addressee = command.partition("@")
    return name == "/plan" and (not addressee or addressee == (bot_username or "").lower())


def _named(caption: str | None, options: list[Committee]) -> Committee | None:
    """The committee the caption names (by id or by words of its entity name), if exactly one."""
    text = normalize(caption or "").removeprefix("/plan").strip().lstrip("#")
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return next((c for c in options if str(c.id) == text), None)
    found = [c for c in options if text in normalize(c.entity_name)]
    return found[0] if len(found) == 1 else None


async def receive_document(update: Update, context: Context) -> None:
    """Import a plan file a coordinador sent: in the group (reply or /plan caption) or privately."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or message.document is None:
        return
    document = message.document
    svc = context.services
    async with svc.transaction() as session:
        replied = message.reply_to_message
        prompt = (
            await pending_prompts.find(session, chat.id, replied.message_id)
            if replied is not None
            else None
        )
        if prompt is not None and prompt.kind != ASK_FILE:
            return  # the answer to another feature's question (evidence, for instance)
        if is_group(chat):
            if prompt is None and not _caption_is_plan(message.caption, context.bot.username):
                return  # a file shared with the group, not sent to the bot
            place = await locate(update, context, session, "plan")
            if place is None:
                return
            if not place.coordinates:
                await reply(update, context, "plan_solo_coordinador")
                return
            target = place.committee
            person = place.person
        else:
            person = await committees.upsert_person(session, person_info(user), now=context.now())
            coordinated = [
                c
                for c, m in await committees.committees_of(session, person)
                if c.active and m.role == Role.COORDINADOR.value
            ]
            if not coordinated:
                await reply(update, context, "plan_solo_coordinador")
                return
            named = _named(message.caption, coordinated)
            if named is None and len(coordinated) > 1:
                keyboard = InlineKeyboardMarkup(
                    [
                        [
                            InlineKeyboardButton(
                                c.entity_name[:60], callback_data=callbacks.encode(CHOOSE, c.id)
                            )
                        ]
                        for c in coordinated[:20]
                    ]
                )
                question = await reply(
                    update, context, "plan_elegir_comite", reply_markup=keyboard,
                    file_name=document.file_name or "archivo",
                )  # fmt: skip
                await pending_prompts.remember(
                    session, chat_id=chat.id, message_id=question.message_id, person_id=person.id,
                    kind=CHOOSE_KIND, now=context.now(),
                    data={"file_id": document.file_id, "file_name": document.file_name or "",
                          "file_size": document.file_size or 0},
                )  # fmt: skip
                return
            target = named or coordinated[0]
    await import_file(
        context, chat.id, target.id, person.id,
        file_id=document.file_id, file_name=document.file_name or "archivo",
        file_size=document.file_size or 0, reply_to=message.message_id,
    )  # fmt: skip


async def _prompt_and_person(
    context: Context, session: AsyncSession, pressed: callbacks.Pressed
) -> tuple[PendingPrompt | None, Person]:
    """The question whose buttons were pressed (if still open), and who pressed."""
    message = pressed.message
    prompt = await pending_prompts.find(session, message.chat.id, message.message_id)
    person = await committees.upsert_person(session, person_info(pressed.user), now=context.now())
    return prompt, person


async def _coordinated_by(
    session: AsyncSession, committee_id: int, person: Person
) -> Committee | None:
    """The committee, if `person` is its coordinador (the only one who loads its plan)."""
    committee = await session.get(Committee, committee_id)
    member = await committees.membership(session, committee, person) if committee else None
    return committee if member is not None and member.role == Role.COORDINADOR.value else None


async def choose_committee(update: Update, context: Context) -> None:
    """A button under "¿para qué comité es el archivo?": import it into that committee."""
    pressed = await callbacks.read(
        update, CHOOSE, 1, ids=1, on_message=True, refusal="plan_alerta", motivo="invalido"
    )
    if pressed is None:
        return
    message = pressed.message
    query, (committee_id,) = pressed.query, pressed.ids
    async with context.services.transaction() as session:
        prompt, person = await _prompt_and_person(context, session, pressed)
        if prompt is None or prompt.kind != CHOOSE_KIND or prompt.person_id != person.id:
            await query.answer(render("plan_alerta", motivo="resuelto"), show_alert=True)
            return
        committee = await _coordinated_by(session, committee_id, person)
        if committee is None:
            await query.answer(render("plan_alerta", motivo="permiso"), show_alert=True)
            return
        data = dict(prompt.data or {})
        await pending_prompts.resolve(session, prompt)
    await query.answer()
    await edit(update, "plan_elegido", committee=committee, file_name=data.get("file_name", ""))
    await import_file(
        context, message.chat.id, committee.id, person.id,
        file_id=str(data.get("file_id", "")), file_name=str(data.get("file_name") or "archivo"),
        file_size=int(data.get("file_size") or 0), reply_to=None,
    )  # fmt: skip


async def import_file(
    context: Context,
    chat_id: int,
    committee_id: int,
    person_id: int,
    *,
    file_id: str,
    file_name: str,
    file_size: int,
    reply_to: int | None,
    confirmed: bool = False,
) -> None:
    """Download, read and store a plan file, answering in `chat_id` what happened.

    A file that would replace a plan, or that names another entity, is first shown as a
    preview with «Reemplazar» and «Cancelar»; it is stored only once `confirmed`.
    """
    extension = _extension(file_name)
    if extension not in PLAN_FILES | SPREADSHEETS:
        await send(context, chat_id, "plan_formato", reply_to=reply_to, file_name=file_name)
        return
    if file_size > MAX_BYTES:
        await send(context, chat_id, "plan_archivo_grande", reply_to=reply_to, file_name=file_name,
                   size_mb=file_size / (1024 * 1024))  # fmt: skip
        return
    try:
        data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    except TelegramError:
        await send(
            context, chat_id, "plan_descarga_fallida", reply_to=reply_to, file_name=file_name
        )
        return
    try:
        plan = parse_plan(data, file_name)
    except PlanImportError as error:
        await send(context, chat_id, "plan_error", reply_to=reply_to, file_name=file_name,
                   message=error.message)  # fmt: skip
        return
    svc = context.services
    async with svc.transaction() as session:
        committee = await session.get(Committee, committee_id)
        person = await session.get(Person, person_id)
        assert committee is not None and person is not None
        found = await plan_preview.preview(session, committee, plan, now=context.now())
        if found.needs_confirmation and not confirmed:
            keyboard = InlineKeyboardMarkup([[
                InlineKeyboardButton(label("reemplazar_plan"), callback_data=callbacks.encode(
                    CONFIRM, committee.id, "s")),
                InlineKeyboardButton(label("cancelar"), callback_data=callbacks.encode(
                    CONFIRM, committee.id, "n")),
            ]])  # fmt: skip
            question = await send(context, chat_id, "plan_vista_previa", reply_to=reply_to,
                                  reply_markup=keyboard, committee=committee, preview=found,
                                  file_name=file_name, maximo=MAX_PREVIEW_ROWS)  # fmt: skip
            await pending_prompts.remember(
                session, chat_id=chat_id, message_id=question.message_id, person_id=person.id,
                kind=CONFIRM_KIND, subject_id=committee.id, now=context.now(),
                data={"file_id": file_id, "file_name": file_name, "file_size": file_size},
            )  # fmt: skip
            return
        summary = await plans.import_plan(
            session, committee, plan, now=context.now(), actor=person, filename=file_name,
            source="chat", today=context.today(),
        )  # fmt: skip
        # Any question still waiting for this committee's plan file has its answer now.
        await plans.close_questions(session, committee, ASK_FILE)
    await send(context, chat_id, "plan_importado", reply_to=reply_to, committee=committee,
               summary=summary, file_name=file_name)  # fmt: skip


async def confirm_replace(update: Update, context: Context) -> None:
    """«Reemplazar el plan» under a preview imports the file; «Cancelar» leaves the plan."""
    pressed = await callbacks.read(
        update,
        CONFIRM,
        2,
        ids=1,
        choices={"s", "n"},
        on_message=True,
        refusal="plan_alerta",
        motivo="invalido",
    )
    if pressed is None:
        return
    message = pressed.message
    query, (committee_id,), parts = pressed.query, pressed.ids, pressed.parts
    async with context.services.transaction() as session:
        prompt, person = await _prompt_and_person(context, session, pressed)
        if prompt is None or prompt.kind != CONFIRM_KIND or prompt.subject_id != committee_id:
            await query.answer(render("plan_alerta", motivo="resuelto"), show_alert=True)
            return
        # Re-checked on the press: the button's data comes from the client.
        committee = await _coordinated_by(session, committee_id, person)
        if committee is None:
            await query.answer(render("plan_alerta", motivo="permiso"), show_alert=True)
            return
        data = dict(prompt.data or {})
        await pending_prompts.resolve(session, prompt)
    await query.answer()
    file_name = str(data.get("file_name") or "archivo")
    if parts[1] == "n":
        await edit(update, "plan_reemplazo_cancelado", committee=committee, file_name=file_name)
        return
    await edit(update, "plan_elegido", committee=committee, file_name=file_name)
    await import_file(
        context, message.chat.id, committee.id, person.id, file_id=str(data.get("file_id", "")),
        file_name=file_name, file_size=int(data.get("file_size") or 0), reply_to=None,
        confirmed=True,
    )  # fmt: skip


async def _answer_without_file(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> None:
    """A reply to "adjunte el archivo" that has no file: say how to attach one."""
    message = update.effective_message
    if message is not None and message.document is None:
        await reply(update, context, "plan_adjunte_archivo")


# Replies to plan questions that the prompt router (group 2) passes here; files go to
# receive_document instead.
ANSWERS = {ASK_FILE: _answer_without_file}

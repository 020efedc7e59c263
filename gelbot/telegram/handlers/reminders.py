"""Reminders in the chat: /recordatorios, /vacaciones, the weekly nag's answers."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User

from gelbot.domain import committees as domain
from gelbot.domain import sitio_web
from gelbot.domain.committees import DomainError
from gelbot.domain.spanish import (
    impossible_date,
    normalize,
    parse_date,
    parse_number,
    parse_yes_no,
)
from gelbot.models import (
    Committee,
    DelegateFollow,
    FollowStatus,
    PendingPrompt,
    Person,
    PlanScope,
    Reminder,
    ReminderStatus,
    Role,
)
from gelbot.reminders import vacations
from gelbot.reminders.builders import NAG_ANSWER
from gelbot.reminders.dispatcher import NAG_PROMPT, Dispatcher
from gelbot.reminders.kinds import Kind
from gelbot.reminders.planner import meeting_rule, replan
from gelbot.reminders.schedule import (
    Aspect,
    Change,
    apply_change,
    load_schedule,
    parse_change,
)
from gelbot.telegram import callbacks
from gelbot.telegram.common import (
    Context,
    alert,
    edit,
    in_group_chat,
    is_group,
    label,
    notify,
    person_info,
    raw_args,
    reply,
)
from gelbot.telegram.prompts import ask
from gelbot.telegram.reminder_dispatcher import dispatcher_of
from gelbot.texts import render

log = logging.getLogger(__name__)

SETTING = "rc"  # rc:<committee id>:<aspect>  toggle one aspect on or off
ANSWERERS = {Role.EDITOR_WEB.value, Role.COORDINADOR.value}
_ASPECT_KINDS = {
    Aspect.SITIO: (Kind.SITIO_WEB,),
    Aspect.REUNION: (Kind.CONVOCATORIA, Kind.REUNION_HOY),
    Aspect.COMPROMISOS: (Kind.COMPROMISO, Kind.COMPROMISO_COORDINADOR),
    Aspect.FASES: (Kind.FASE,),
}
_TOGGLES = (Aspect.SITIO, Aspect.REUNION, Aspect.COMPROMISOS, Aspect.FASES, Aspect.RESUMEN)
_LABELS = {
    Aspect.SITIO: "Sitio web",
    Aspect.REUNION: "Reunión",
    Aspect.COMPROMISOS: "Compromisos",
    Aspect.FASES: "Plazos de fase",
    Aspect.RESUMEN: "Resumen delegados",
}
_BACK = {"no", "fin", "terminar", "termine", "volvi", "ya volvi", "regrese", "cancelar"}


# --- /recordatorios --------------------------------------------------------------------------


def _keyboard(committee_id: int, enabled: dict[Aspect, bool]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            f"{'✅' if enabled[a] else '⏸'} {_LABELS[a]}",
            callback_data=callbacks.encode(SETTING, committee_id, a.value),
        )
        for a in _TOGGLES
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def _overview(
    session: AsyncSession, committee: Committee, context: Context
) -> tuple[dict[str, Any], InlineKeyboardMarkup]:
    """What /recordatorios shows: each aspect, on or off, and when it next fires."""
    svc = context.services
    schedule = await load_schedule(session, committee.id)
    upcoming = dict(
        (
            await session.execute(
                select(Reminder.kind, func.min(Reminder.due_at))
                .where(
                    Reminder.committee_id == committee.id,
                    Reminder.status == ReminderStatus.PENDIENTE.value,
                    Reminder.due_at >= context.now(),
                )
                .group_by(Reminder.kind)
            )
        ).all()
    )
    nexts: dict[str, datetime | None] = {}
    for aspect, kinds in _ASPECT_KINDS.items():
        found = [upcoming[k] for k in kinds if upcoming.get(k) is not None]
        nexts[aspect.value] = min(found).astimezone(svc.settings.zone) if found else None
    followers = await session.scalar(
        select(func.count())
        .select_from(DelegateFollow)
        .where(
            DelegateFollow.committee_id == committee.id,
            DelegateFollow.status == FollowStatus.ACEPTADO.value,
        )
    )
    values = {
        "comite": committee,
        "ajustes": {a.value: schedule[a] for a in Aspect},
        "proximos": nexts,
        "regla": meeting_rule(committee).describe() if committee.meeting_rule else None,
        "delegados": followers or 0,
    }
    return values, _keyboard(committee.id, {a: schedule[a].enabled for a in _TOGGLES})


async def _coordinator_of(
    session: AsyncSession, committee: Committee, user: User, context: Context
) -> Person | None:
    person = await domain.upsert_person(session, person_info(user), now=context.now())
    member = await domain.membership(session, committee, person)
    return person if member is not None and member.role == Role.COORDINADOR.value else None


async def show_schedule(update: Update, context: Context) -> None:
    """Show the committee's reminders; with arguments, the coordinador changes one of them."""
    where = await in_group_chat(update, context, "recordatorios")
    if where is None:
        return
    chat, user = where
    args = raw_args(update)
    svc = context.services
    async with svc.transaction() as session:
        committee = await domain.committee_for_chat(session, chat.id)
        if committee is None or not committee.active:
            await reply(update, context, "grupo_sin_comite")
            return
        change: Change | None = None
        coordina = await _coordinator_of(session, committee, user, context) is not None
        if args:
            if not coordina:
                await reply(update, context, "solo_coordinador", command="recordatorios")
                return
            aspect_text, _, value_text = args.partition(" ")
            try:
                change = parse_change(aspect_text, value_text)
            except DomainError as error:
                await reply(update, context, error.code, **error.details)
                return
            person = await domain.upsert_person(session, person_info(user), now=context.now())
            await apply_change(session, committee.id, change, by=person.id, now=context.now())
    # Planned now, so the overview shows when each reminder really goes out next.
    await replan(svc, PlanScope.COMITE, committee.id)
    async with svc.transaction() as session:
        values, keyboard = await _overview(session, committee, context)
    # Members see the schedule, not the coordinador's switches they may not press.
    await reply(
        update, context, "recordatorios_horario", reply_markup=keyboard if coordina else None,
        cambio=change.aspect.value if change else None, coordina=coordina, **values,
    )  # fmt: skip


async def toggle(update: Update, context: Context) -> None:
    """A coordinador pressed an aspect's button: turn it off, or on again."""
    pressed = await callbacks.read(update, SETTING, 2, ids=1, choices=set(_TOGGLES))
    if pressed is None:
        return
    query, aspect = pressed.query, Aspect(pressed.parts[1])
    svc = context.services
    async with svc.transaction() as session:
        committee = await session.get(Committee, pressed.ids[0])
        if committee is None or committee.chat_id != pressed.chat_id:
            await pressed.stale()
            return
        person = await _coordinator_of(session, committee, pressed.user, context)
        if person is None:
            await alert(query, "recordatorios_alerta", motivo="solo_coordinador")
            return
        current = (await load_schedule(session, committee.id))[aspect]
        change = Change(aspect, enabled=not current.enabled)
        await apply_change(session, committee.id, change, by=person.id, now=context.now())
    await replan(svc, PlanScope.COMITE, committee.id)
    async with svc.transaction() as session:
        values, keyboard = await _overview(session, committee, context)
    await notify(query, "recordatorios_alerta", motivo="cambiado", activado=change.enabled)
    await edit(
        update, "recordatorios_horario", reply_markup=keyboard, cambio=aspect.value,
        coordina=True, **values,
    )  # fmt: skip


# --- the weekly nag's answers ----------------------------------------------------------------


async def _answerer(session: AsyncSession, committee: Committee, person: Person) -> bool:
    member = await domain.membership(session, committee, person)
    return member is not None and member.role in ANSWERERS


def _today(context: Context) -> date:
    svc = context.services
    return context.now().astimezone(svc.settings.zone).date()


async def answer_nag_button(update: Update, context: Context) -> None:
    """«No», «Sí, 1 vez», «Sí, 2 veces» record the week; «Sí, 3 o más» asks how many."""
    pressed = await callbacks.read(update, NAG_ANSWER, 3, ids=1, choices={"0", "1", "2", "m"})
    if pressed is None:
        return
    query, user, message = pressed.query, pressed.user, pressed.query.message
    week, value = _week(pressed.parts[1]), pressed.parts[2]
    if week is None or not message:
        await pressed.stale()
        return
    svc = context.services
    async with svc.transaction() as session:
        committee = await session.get(Committee, pressed.ids[0])
        # The nag is valid in the committee's group, or in the private chat of the one asked.
        in_place = committee is not None and message.chat.id in (committee.chat_id, user.id)
        if committee is None or not in_place:
            await pressed.stale()
            return
        person = await domain.upsert_person(session, person_info(user), now=context.now())
        if not await _answerer(session, committee, person):
            await query.answer(render("sitio_solo_editor"), show_alert=True)
            return
        created = committee.created_at.astimezone(svc.settings.zone).date()
        try:  # before asking «how many?» too: a forged week gets no question
            sitio_web.check_week(week, _today(context), created)
        except DomainError as error:
            await query.answer(render(error.code, **error.details), show_alert=True)
            return
        if value == "m":
            await query.answer()
            await ask(
                context, session, message.chat.id, "sitio_pregunta_numero", person=person,
                kind=NAG_PROMPT, subject_id=committee.id, data={"semana": week.isoformat()},
                placeholder=label("pide_numero"), semana=week,
            )  # fmt: skip
            return
        try:
            _, replaced = await sitio_web.record_answer(
                session, committee.id, week, int(value), person_id=person.id,
                now=context.now(), today=_today(context), zone=svc.settings.zone,
            )  # fmt: skip
        except DomainError as error:
            await query.answer(render(error.code, **error.details), show_alert=True)
            return
    await notify(query, "recordatorios_alerta", motivo="registrado")
    await edit(
        update, "sitio_registrado", comite=committee, semana=week, veces=int(value),
        persona=person, reemplazo=replaced,
    )  # fmt: skip


def _week(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


async def answer_nag_reply(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> None:
    """A number typed in reply to the nag (or to «¿cuántas veces?») records the week."""
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    number = parse_number(text)
    if number is None and parse_yes_no(text) is False:
        number = 0
    week = _week((prompt.data or {}).get("semana", "").replace("-", ""))
    committee = await session.get(Committee, prompt.subject_id) if prompt.subject_id else None
    if committee is None or week is None:
        return
    if number is None or number != int(number):
        await reply(update, context, "sitio_numero_invalido", limit=sitio_web.MAX_UPDATES)
        return
    if not await _answerer(session, committee, person):
        await reply(update, context, "sitio_solo_editor")
        return
    try:
        _, replaced = await sitio_web.record_answer(
            session, committee.id, week, int(number), person_id=person.id,
            now=context.now(), today=_today(context),
            zone=context.services.settings.zone,
        )  # fmt: skip
    except DomainError as error:
        await reply(update, context, error.code, **error.details)
        return
    await session.delete(prompt)
    await reply(
        update, context, "sitio_registrado", comite=committee, semana=week, veces=int(number),
        persona=person, reemplazo=replaced,
    )  # fmt: skip


# Reply kinds this module answers (gelbot.telegram.prompts.reply_router).
ANSWERS = {NAG_PROMPT: answer_nag_reply}


# --- /vacaciones -----------------------------------------------------------------------------


async def vacation(update: Update, context: Context) -> None:
    """Pause my personal reminders until a date (or say I am back)."""
    user = update.effective_user
    assert user is not None
    svc = context.services
    args = raw_args(update)
    now = context.now()
    today = _today(context)
    async with svc.transaction() as session:
        person = await domain.upsert_person(session, person_info(user), now=now)
        if not is_group(update.effective_chat):  # writing privately opens the private chat
            person.private_chat_open, person.private_blocked = True, False
        if not args:
            await reply(update, context, "vacaciones_estado", persona=person, hoy=today)
            return
        try:
            if normalize(args) in _BACK:
                await vacations.end_vacation(session, person, now=now, today=today)
                await reply(update, context, "vacaciones_fin", persona=person)
                return
            until = parse_date(args, today=today, prefer="future")
            if until is None:
                impossible = impossible_date(args)
                if impossible is not None:
                    day, month, year, last = impossible
                    await reply(update, context, "fecha_inexistente", dia=day, mes=month,
                                anio=year, ultimo=last, comando="vacaciones")  # fmt: skip
                    return
                await reply(update, context, "vacaciones_fecha", dado=args)
                return
            mine = await vacations.start_vacation(
                session, person, until, now=now, tz=svc.settings.zone,
                calendar=dispatcher(context).calendar,
            )  # fmt: skip
        except DomainError as error:
            await reply(update, context, error.code, **error.details)
            return
    await reply(update, context, "vacaciones_listo", hasta=until, comites=mine)


# --- the dispatcher (built in the composition root) ------------------------------------------


def dispatcher(context: Context) -> Dispatcher:
    return dispatcher_of(context.application)

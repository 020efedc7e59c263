"""Phases and criteria in the chat: /fases (a chart and a summary) and /criterio.

`/criterio` lists the current phase's unmet criteria with ✓ buttons; `/criterio interacción`
another phase's; `/criterio 12` one criterion with its history; `/criterio 12 cumple <evidencia>`,
`/criterio 12 no cumple [motivo]` and `/criterio 12 fecha 30/09/2009` change it ("1,3,5-9"
names several). Only the coordinador and control interno change criteria; buttons re-check it,
since callback data comes from the client.
"""

from __future__ import annotations

import asyncio
import math
from datetime import date, datetime, time
from html import unescape
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from gelbot.domain import committee_frameworks, committees, phases
from gelbot.domain.frameworks import Framework, Phase
from gelbot.domain.meetings import local_today
from gelbot.domain.spanish import format_date_short, normalize, parse_date
from gelbot.informe.document import PhaseProgress
from gelbot.models import Committee
from gelbot.services import Services
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, edit, is_group, label, person_info, raw_args, reply
from gelbot.telegram.place import Place, locate
from gelbot.texts import render

MARK = "crm"  # crm:<committee id>:<criterion number>:<page>  mark as met, from a list page
PAGE = "crl"  # crl:<committee id>:<phase index>:<page>  another page of unmet criteria
PAGE_SIZE = 10
MAX_CAPTION = 1024
_MET = {"cumple", "si", "cumplido", "cumplida", "ok", "listo"}
_UNMET = {"no", "nocumple", "no_cumple", "incumple"}
_DATE = {"fecha", "para", "plazo"}
_NOT_APPLICABLE = {"no_aplica", "na", "n.a.", "noaplica"}


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _today(svc: Services) -> date:
    return local_today(svc.clock.now(), svc.settings.zone)


# --- /fases ----------------------------------------------------------------------------------


async def show_phases(update: Update, context: Context) -> None:
    """Send the chart of criteria met per phase, with the days left to each deadline."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    svc = context.services
    today = _today(svc)
    async with svc.transaction() as session:
        place = await locate(update, context, session, "fases")
        if place is None:
            return
        framework = phases.framework_of(place.committee)
        status = await phases.criteria_status(session, place.committee, framework, today=today)
        since = phases.informe_period_start(place.committee, today)
        midnight = datetime.combine(since, time.min, tzinfo=svc.settings.zone)
        before = await phases.shares_at(session, place.committee, framework, midnight)
    by_key = {p.phase.key: p for p in status}
    groups = [
        (owner, [by_key[p.key] for p in owner.phases if p.key in by_key])
        for owner in committee_frameworks.frameworks_of(place.committee)
    ]
    values: dict[str, Any] = {
        "committee": place.committee, "framework": framework, "phases": status,
        "current": phases.current_phase(status), "since": since, "before": before,
        "vocab": framework.vocabulary, "groups": groups,
    }  # fmt: skip
    progress = [
        PhaseProgress(phases.section_label(p.phase), before[p.phase.key], p.share) for p in status
    ]
    title = unescape(render("fases_titulo", **values))
    labels = (
        f"Inicio del período ({format_date_short(since)})",
        f"Hoy ({format_date_short(today)})",
    )
    # Drawing takes a moment of CPU: keep the event loop answering others meanwhile.
    # matplotlib is slow to import; load it only when a chart is drawn.
    from gelbot.informe.chart import phase_chart_png

    png = await asyncio.to_thread(phase_chart_png, progress, title, labels=labels)
    summary = render("fases_resumen", **values)
    fits = _utf16(summary) <= MAX_CAPTION
    await context.bot.send_photo(
        chat.id,
        InputFile(png, filename="fases.png"),
        caption=summary if fits else render("fases_foto", **values),
        parse_mode=ParseMode.HTML,
        reply_to_message_id=message.message_id if is_group(chat) else None,
        allow_sending_without_reply=True,
    )
    if not fits:
        await reply(update, context, "fases_resumen", **values)


def framework_norm(committee: Committee, item: phases.NumberedCriterion) -> str | None:
    """The norm that requires the item, as its framework file says."""
    owner = committee_frameworks.owner_of(committee, item.phase)
    return owner.norm_of(item.phase, item.criterion)


# --- /criterio: lists ------------------------------------------------------------------------


def _button(text: str, prefix: str, *parts: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=callbacks.encode(prefix, *parts))


async def _redraw(
    update: Update, values: dict[str, Any], keyboard: InlineKeyboardMarkup | None
) -> None:
    try:
        await edit(update, "criterio_lista", reply_markup=keyboard, **values)
    except BadRequest as error:
        # A second press on the same button changes nothing; Telegram refuses the same text.
        if "not modified" not in str(error):
            raise


async def _listing(
    session: AsyncSession,
    committee: Committee,
    framework: Framework,
    phase: Phase,
    page: int,
    today: date,
) -> tuple[dict[str, Any], InlineKeyboardMarkup | None]:
    """The template values and buttons of one page of a phase's unmet criteria."""
    unmet = await phases.unmet_criteria(session, committee, framework, phase)
    status = await phases.criteria_status(session, committee, framework, today=today)
    index = next(n for n, p in enumerate(framework.phases) if p.key == phase.key)
    pages = max(1, math.ceil(len(unmet) / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    items = unmet[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    marks = [_button(f"✓ {c.label}", MARK, committee.id, c.number, page) for c, _ in items]
    rows = [marks[i : i + 5] for i in range(0, len(marks), 5)]
    nav = []
    if page > 0:
        nav.append(_button(label("anterior"), PAGE, committee.id, index, page - 1))
    if page + 1 < pages:
        nav.append(_button(label("siguiente"), PAGE, committee.id, index, page + 1))
    if nav:
        rows.append(nav)
    values: dict[str, Any] = {
        "committee": committee, "phase": phase, "status": status[index], "items": items,
        "page": page, "pages": pages, "current": phases.current_phase(status),
        "vocab": framework.vocabulary,
    }  # fmt: skip
    return values, InlineKeyboardMarkup(rows) if rows else None


async def _show_list(
    update: Update, context: Context, session: AsyncSession, place: Place, phase: Phase | None
) -> None:
    framework = phases.framework_of(place.committee)
    today = _today(context.services)
    if phase is None:
        status = await phases.criteria_status(session, place.committee, framework, today=today)
        current = phases.current_phase(status)
        if current is None:
            await reply(
                update, context, "criterio_todo_cumplido", committee=place.committee,
                vocab=framework.vocabulary,
            )  # fmt: skip
            return
        phase = current.phase
    values, keyboard = await _listing(session, place.committee, framework, phase, 0, today)
    await reply(update, context, "criterio_lista", reply_markup=keyboard, **values)


# --- /criterio: changes ----------------------------------------------------------------------


async def criterion(update: Update, context: Context) -> None:
    """List unmet criteria, show one, or mark criteria met or unmet (with evidence) or dated."""
    text = raw_args(update)
    svc = context.services
    now = context.now()
    async with svc.transaction() as session:
        place = await locate(update, context, session, "criterio")
        if place is None:
            return
        framework = phases.framework_of(place.committee)
        target, _, rest = text.partition(" ")
        phase = phases.resolve_phase(framework, text) if text else None
        if not text or phase is not None:
            await _show_list(update, context, session, place, phase)
            return
        try:
            chosen = phases.resolve_targets(framework, target)
        except committees.DomainError as error:
            await reply(update, context, error.code, **error.details)
            return
        words = rest.split()
        verb = normalize(words[0]) if words else ""
        if not words:
            if len(chosen) > 1:
                await reply(update, context, "criterio_uso", given=text)
                return
            found = (await phases.statuses(session, place.committee)).get(chosen[0].criterion.key)
            history = await phases.criterion_history(
                session, place.committee, chosen[0].criterion.key
            )
            item = chosen[0]
            await reply(
                update, context, "criterio_detalle", item=item, status=found, history=history,
                vocab=framework.vocabulary, norm=framework_norm(place.committee, item),
            )  # fmt: skip
            return
        if not phases.may_mark(place.member):
            await reply(update, context, "criterio_sin_permiso")
            return
        if verb in _DATE:
            await _set_target(update, context, session, place, chosen, " ".join(words[1:]))
            return
        if verb == "no" and len(words) > 1 and normalize(words[1]) == "cumple":
            verb, words = "no_cumple", words[1:]
        elif verb == "no" and len(words) > 1 and normalize(words[1]) == "aplica":
            verb, words = "no_aplica", words[1:]
        if verb not in _MET | _UNMET | _NOT_APPLICABLE:
            await reply(update, context, "criterio_uso", given=text)
            return
        met = verb in _MET
        not_applicable = verb in _NOT_APPLICABLE
        evidence = " ".join(words[1:]) or None
        wrong = phases.needs_url(chosen, evidence) if met else []
        if wrong:
            await reply(update, context, "criterio_evidencia_url", items=wrong, given=evidence)
            return
        changed = []
        for item in chosen:
            _, did_change = await phases.mark_criterion(
                session, place.committee, item.criterion.key, met, evidence, place.person, now,
                today=_today(svc), not_applicable=not_applicable,
            )  # fmt: skip
            changed.append((item, did_change))
        status = await phases.criteria_status(
            session, place.committee, framework, today=_today(svc)
        )
    touched = {item.phase.key for item, _ in changed}
    await reply(
        update, context, "criterio_marcado", items=changed, met=met or not_applicable,
        evidence=evidence, not_applicable=not_applicable,
        person=place.person, phases=[p for p in status if p.phase.key in touched],
        vocab=framework.vocabulary,
    )  # fmt: skip


async def _set_target(
    update: Update,
    context: Context,
    session: AsyncSession,
    place: Place,
    chosen: list[phases.NumberedCriterion],
    when: str,
) -> None:
    svc = context.services
    day = parse_date(when, today=_today(svc), prefer="future") if when else None
    if day is None:
        await reply(update, context, "criterio_fecha_invalida", given=when, number=chosen[0].number)
        return
    for item in chosen:
        await phases.set_target(
            session, place.committee, item.criterion.key, day, place.person, context.now()
        )
    await reply(update, context, "criterio_fecha", items=chosen, day=day, person=place.person)


# --- /criterio: buttons ----------------------------------------------------------------------


async def _pressed_place(
    update: Update, context: Context, session: AsyncSession, committee_id: int
) -> Place | None:
    """The committee of the chat the button is in, if it is the one the data names."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    chat_id = query.message.chat.id if query.message is not None else None
    committee = (
        await committees.committee_for_chat(session, chat_id) if chat_id is not None else None
    )
    if committee is None or committee.id != committee_id or not committee.active:
        return None
    person = await committees.upsert_person(
        session, person_info(update.effective_user), now=context.now()
    )
    return Place(committee, person, await committees.membership(session, committee, person))


async def _alert(update: Update, motivo: str, **values: Any) -> None:
    query = update.callback_query
    assert query is not None
    # Alerts are plain text: undo the template's HTML escaping.
    await query.answer(
        unescape(render("criterio_alerta", motivo=motivo, **values)), show_alert=True
    )


async def press_list(update: Update, context: Context) -> None:
    """‹ Anterior / Siguiente ›: show another page of unmet criteria."""
    pressed = await callbacks.read(
        update, PAGE, 3, ids=3, refusal="criterio_alerta", motivo="invalido"
    )
    if pressed is None:
        return
    query, (committee_id, index, page) = pressed.query, pressed.ids
    svc = context.services
    async with svc.transaction() as session:
        place = await _pressed_place(update, context, session, committee_id)
        framework = phases.framework_of(place.committee) if place else None
        if place is None or framework is None or index >= len(framework.phases):
            await _alert(update, "invalido")
            return
        phase = framework.phases[index]
        values, keyboard = await _listing(
            session, place.committee, framework, phase, page, _today(svc)
        )
    await query.answer()
    await _redraw(update, values, keyboard)


async def press_mark(update: Update, context: Context) -> None:
    """✓ under a list: mark that criterion met, then redraw the list."""
    pressed = await callbacks.read(
        update, MARK, 3, ids=3, refusal="criterio_alerta", motivo="invalido"
    )
    if pressed is None:
        return
    query, (committee_id, number, page) = pressed.query, pressed.ids
    svc = context.services
    async with svc.transaction() as session:
        place = await _pressed_place(update, context, session, committee_id)
        if place is None:
            await _alert(update, "invalido")
            return
        if not phases.may_mark(place.member):
            await _alert(update, "permiso")
            return
        framework = phases.framework_of(place.committee)
        everything = phases.numbered(framework)
        # The button carries the item's position, not its numeral ("5" may be numeral 5).
        if not 1 <= number <= len(everything):
            await _alert(update, "invalido")
            return
        item = everything[number - 1]
        await phases.mark_criterion(
            session, place.committee, item.criterion.key, True, None, place.person,
            context.now(), today=_today(svc),
        )  # fmt: skip
        values, keyboard = await _listing(
            session, place.committee, framework, item.phase, page, _today(svc)
        )
    await query.answer(unescape(render("criterio_boton_marcado", item=item)))
    await _redraw(update, values, keyboard)

"""What each kind of reminder says: one function per kind, reading the data as it is now.

A builder gets the job (the rows of one target and kind, the route, the moment) and returns the
template to render, or None when there is nothing left to say (the compromiso was met, the week
was answered, the meeting was held) — the dispatcher then drops the rows. A later conversation
engine can take over a kind by replacing its builder; the rows and the engine stay the same.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import compromisos as compromisos_domain
from gelbot.domain import meeting_details, sitio_web
from gelbot.domain import meetings as meetings_domain
from gelbot.domain.frameworks import compliance
from gelbot.flows.runs import Subject, start_button_data
from gelbot.models import (
    Committee,
    Compromiso,
    CriterionStatus,
    Meeting,
    Person,
)
from gelbot.reminders import calendar_messages, digest, vacations
from gelbot.reminders.job import Action, Builder, Job
from gelbot.reminders.kinds import Kind
from gelbot.reminders.outbox import Button, Claimed, Outgoing
from gelbot.reminders.rules import framework

NAG_ANSWER = "rw"  # callback prefix: rw:<committee id>:<week yyyymmdd>:<0|1|2|m>
MAX_LISTED = 15
FIRST_UNMET = 5


SITE_FLOW = "sitio_web_semanal"
FOLLOW_UP_FLOW = "seguimiento_compromiso"
CRITERIA_FLOW = "revision_criterios"
MAX_FLOW_BUTTONS = 5


def nag_buttons(committee_id: int, week: date) -> tuple[tuple[Button, ...], ...]:
    def data(value: str) -> str:
        return f"{NAG_ANSWER}:{committee_id}:{week:%Y%m%d}:{value}"

    # The quick answers record the week at once; «con detalle» starts the sitio_web_semanal
    # flow (conversations/), which also asks which sections were updated.
    detail = start_button_data(committee_id, SITE_FLOW, Subject.week(week))
    return (
        (Button("No", data("0")), Button("Sí, 1 vez", data("1"))),
        (Button("Sí, 2 veces", data("2")), Button("Sí, 3 o más", data("m"))),
        (Button("Responder con detalle", detail),),
    )


async def site_nag(session: AsyncSession, job: Job) -> Outgoing | None:
    """Ask the editor web (or, without one, the group) about last week's site updates."""
    assert job.committee is not None
    week = date.fromisoformat(job.latest().payload["semana"])
    answered = job.known.weeks.get((job.committee.id, week))
    if answered is None:
        answered = await sitio_web.reading(session, job.committee.id, week) is not None
    if answered:
        return None  # already answered (or closed): nothing to ask
    values = {
        "semana": week,
        "fin": week + timedelta(days=6),
        "actual": week <= job.today <= week + timedelta(days=6),
        "repeticion": job.kind == Kind.SITIO_WEB_REPETICION,
        "sin_editor": job.person is None,
        "meta": await sitio_web.plan_meta(session, job.committee.id),
    }
    return Outgoing("recordatorio_sitio_web", values, nag_buttons(job.committee.id, week))


async def close_site_weeks(session: AsyncSession, job: Job) -> None:
    """Record every unanswered week among the rows as «sin respuesta»."""
    for row in job.rows:
        if row.committee_id is not None:
            await sitio_web.close_week(
                session, row.committee_id, date.fromisoformat(row.payload["semana"]), now=job.now
            )


def _meeting_moment(job: Job) -> datetime:
    return datetime.fromisoformat(job.latest().payload["reunion"]).replace(tzinfo=job.tz)


async def _to_review(
    session: AsyncSession, committee: Committee, held_on: date
) -> list[Compromiso]:
    return await compromisos_domain.due_between(
        session, committee, date.min, held_on + timedelta(days=1)
    )


async def convocatoria(session: AsyncSession, job: Job) -> Outgoing | None:
    """Call the monthly meeting, listing the compromisos due for review."""
    assert job.committee is not None
    moment = _meeting_moment(job)
    if await meetings_domain.meeting_on(session, job.committee, moment.date()) is not None:
        return None  # the meeting already happened (moved earlier, or recorded)
    review = await _to_review(session, job.committee, moment.date())
    return Outgoing(
        "recordatorio_convocatoria",
        {
            "reunion": moment,
            "hoy": job.kind == Kind.REUNION_HOY,
            "aviso": await meeting_details.notice_of(session, job.committee),
            **_listing(review),
        },
    )


async def suggest_meeting_rule(session: AsyncSession, job: Job) -> Outgoing | None:
    """No meeting rule yet: suggest one to the coordinador, never call a meeting by default."""
    assert job.committee is not None
    if job.committee.meeting_rule:
        return None  # set meanwhile
    return Outgoing("recordatorio_reunion_sin_programar", {})


async def missed_meeting(session: AsyncSession, job: Job) -> Outgoing | None:
    """A scheduled meeting passed and nothing was recorded: tell the coordinador."""
    assert job.committee is not None
    moment = _meeting_moment(job)
    held_on = moment.date()
    held = await session.scalar(
        select(Meeting.id).where(
            Meeting.committee_id == job.committee.id,
            Meeting.held_on >= held_on - timedelta(days=7),  # moved a few days: still held
            Meeting.held_on <= max(job.today, held_on),
        )
    )
    if held is not None:
        return None
    return Outgoing("recordatorio_reunion_no_realizada", {"reunion": moment})


def _listing(found: list[Compromiso]) -> dict[str, Any]:
    return {
        "compromisos": [(c, compromisos_domain.responsable_label(c)) for c in found[:MAX_LISTED]],
        "mas": max(len(found) - MAX_LISTED, 0),
    }


async def _compromisos(job: Job, session: AsyncSession, ids: list[int]) -> dict[int, Compromiso]:
    """The compromisos by id: from the dispatcher's batch, or else read with their owners."""
    found = {}
    for compromiso_id in set(ids):
        compromiso = job.known.compromisos.get(compromiso_id) or await session.get(
            Compromiso, compromiso_id, options=[compromisos_domain.WITH_OWNER]
        )
        if compromiso is not None:
            found[compromiso_id] = compromiso
    return found


def _still_applies(row: Claimed, compromiso: Compromiso | None) -> bool:
    """A compromiso reminder applies while it is open and its due date is the one planned."""
    return (
        compromiso is not None
        and compromisos_domain.is_open(compromiso)
        and compromiso.due_on.isoformat() == row.payload.get("vence")
    )


async def compromiso(session: AsyncSession, job: Job) -> Outgoing | None:
    """Remind the responsable of their compromisos: soon due, due today, or overdue."""
    found = await _compromisos(job, session, [r.payload["compromiso"] for r in job.rows])
    items: dict[int, dict[str, Any]] = {}
    for row in sorted(job.rows, key=lambda r: r.scheduled_for):
        c = found.get(row.payload["compromiso"])
        if not _still_applies(row, c):
            continue
        assert c is not None
        if job.person is not None and (c.owner is None or c.owner.person_id != job.person.id):
            continue  # reassigned meanwhile: the new responsable has their own reminders
        items[c.id] = {
            "compromiso": c,
            "dias": (job.today - c.due_on).days,
            "cargo": c.owner_cargo if job.person is None else None,
        }
    if not items:
        return None
    ordered = sorted(items.values(), key=lambda i: (i["compromiso"].due_on, i["compromiso"].id))
    # Each compromiso's follow-up flow (conversations/seguimiento_compromiso.yaml), one button
    # each; the flow itself checks that whoever presses may answer for it.
    buttons = tuple(
        (Button(f"Responder sobre #{c.id}", start_button_data(
            c.committee_id, FOLLOW_UP_FLOW, Subject.compromiso(c.id))),)
        for c in (i["compromiso"] for i in ordered[:MAX_FLOW_BUTTONS])
    )  # fmt: skip
    return Outgoing("recordatorio_compromiso", {"items": ordered}, buttons)


async def compromiso_overdue_to_coordinador(session: AsyncSession, job: Job) -> Outgoing | None:
    """Tell the coordinador which compromisos are a week or more overdue."""
    found = await _compromisos(job, session, [r.payload["compromiso"] for r in job.rows])
    items = [
        (c, compromisos_domain.responsable_label(c), (job.today - c.due_on).days)
        for row in job.rows
        if _still_applies(row, c := found.get(row.payload["compromiso"])) and c is not None
    ]
    unique = {c.id: (c, label, days) for c, label, days in items}
    if not unique:
        return None
    listed = sorted(unique.values(), key=lambda i: (i[0].due_on, i[0].id))
    return Outgoing("recordatorio_compromiso_coordinador", {"items": listed})


async def phase_deadline(session: AsyncSession, job: Job) -> Outgoing | None:
    """Warn the group of a phase deadline: how much of the phase is met, what is missing."""
    assert job.committee is not None
    chosen = framework(job.committee.framework_id)
    if chosen is None:
        return None
    met = set(
        await session.scalars(
            select(CriterionStatus.criterion_key).where(
                CriterionStatus.committee_id == job.committee.id, CriterionStatus.met.is_(True)
            )
        )
    )
    phases: dict[str, dict[str, Any]] = {}
    for row in sorted(job.rows, key=lambda r: r.scheduled_for):
        deadline = date.fromisoformat(row.payload["plazo"])
        if deadline <= job.today:
            continue
        phase = chosen.phase(row.payload["fase"])
        unmet = [c for c in phase.criteria if c.key not in met]
        phases[phase.key] = {
            "fase": phase,
            "plazo": deadline,
            "dias": (deadline - job.today).days,
            "porcentaje": round(compliance(phase, met) * 100),
            "cumplidos": len(phase.criteria) - len(unmet),
            "total": len(phase.criteria),
            "pendientes": unmet[:FIRST_UNMET],
            "mas": max(len(unmet) - FIRST_UNMET, 0),
        }
    if not phases:
        return None
    # The criteria review flow (conversations/revision_criterios.yaml) for each phase warned of.
    buttons = tuple(
        (Button(f"Revisar criterios: {p['fase'].name}", start_button_data(
            job.committee.id, CRITERIA_FLOW, Subject.phase(key))),)
        for key, p in phases.items()
        if p["pendientes"]
    )  # fmt: skip
    return Outgoing("recordatorio_fase", {"fases": list(phases.values())}, buttons)


async def coordinator_notice(session: AsyncSession, job: Job) -> Outgoing | None:
    """Something the coordinador should know: a member unreachable, a vacation, a lost group."""
    people_ids = {r.payload["persona"] for r in job.rows if "persona" in r.payload}
    people = {
        p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(people_ids)))
    }
    committees = {
        c.id: c
        for c in await session.scalars(
            select(Committee).where(Committee.id.in_({r.committee_id for r in job.rows}))
        )
    }
    items = []
    for row in sorted(job.rows, key=lambda r: r.scheduled_for):
        items.append(
            {
                "motivo": row.payload.get("motivo"),
                "persona": people.get(row.payload.get("persona", 0)),
                "comite": committees.get(row.committee_id or 0),
                "hasta": date.fromisoformat(row.payload["hasta"])
                if "hasta" in row.payload
                else None,
            }
        )
    return Outgoing("recordatorio_aviso_coordinador", {"items": items})


def by_kind() -> dict[str, Builder]:
    """Kind → builder; the digest and the vacation summary live in their own modules."""
    return {
        Kind.SITIO_WEB: site_nag,
        Kind.SITIO_WEB_REPETICION: site_nag,
        Kind.CONVOCATORIA: convocatoria,
        Kind.REUNION_HOY: convocatoria,
        Kind.REUNION_SIN_PROGRAMAR: suggest_meeting_rule,
        Kind.REUNION_NO_REALIZADA: missed_meeting,
        Kind.COMPROMISO: compromiso,
        Kind.COMPROMISO_COORDINADOR: compromiso_overdue_to_coordinador,
        Kind.FASE: phase_deadline,
        Kind.CALENDARIO: calendar_messages.reporting_deadline,
        Kind.AVISO_COORDINADOR: coordinator_notice,
        Kind.RESUMEN_DELEGADO: digest.build,
        Kind.REGRESO_VACACIONES: vacations.welcome_back,
    }


ACTIONS: dict[str, Action] = {Kind.SITIO_WEB_CIERRE: close_site_weeks}

"""The bot's periodic jobs, in one list: `gelbot run` schedules them, the console and the demo
run them whenever their clock moves, so all three live the same life.

Each job takes the application (its bot, and its services in `bot_data`) and does one pass; the
order of the list is the order a clock move runs them: reminders first, so a flow that a reminder
starts is asked before the flows' own pass looks at what expired.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot
from telegram.ext import Application, ContextTypes

from gelbot.domain.calendar import WorkingCalendar
from gelbot.flows import engine, semester
from gelbot.flows.engine import Subject
from gelbot.reminders.tick import tick
from gelbot.services import Services
from gelbot.settings import Settings
from gelbot.telegram.flow_questions import ask_current, start_flow_for_reminder
from gelbot.telegram.reminder_dispatcher import dispatcher_of

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Pass = Callable[[AnyApplication], Awaitable[None]]


@dataclass(frozen=True)
class Job:
    """One periodic pass: its name, how often `gelbot run` runs it, and when first."""

    name: str
    interval_seconds: float
    first_seconds: float
    run: Pass


async def send_due_reminders(application: AnyApplication) -> None:
    """Plan and send the reminders that are due (the outbox's tick)."""
    report = await tick(dispatcher_of(application))
    if report.dispatch.sent or report.plan.created or report.dispatch.failed:
        log.info("recordatorios: %s", report.summary())


async def advance_flows(application: AnyApplication) -> None:
    """Expire unanswered questions («sin respuesta») and start the semester questionnaire."""
    expired, started = await flows_pass(application.bot, application.bot_data["services"])
    if expired or started:
        log.info("flujos: %d vencidos, %d cuestionarios iniciados", expired, started)


async def flows_pass(bot: Bot, svc: Services) -> tuple[int, int]:
    """Expire overdue runs, ask what waited behind them, start due questionnaires.

    Returns (runs expired, questionnaires started).
    """
    now, tz = svc.clock.now(), svc.settings.zone
    async with svc.transaction() as session:
        expired = await engine.expire_due_runs(session, now, tz)
        for run in expired.released:
            await ask_current(bot, session, run, now=now, tz=tz)
    started = 0
    async with svc.transaction() as session:
        for committee, start in await semester.due(session, now.astimezone(tz).date(),
                                                   WorkingCalendar(tz)):  # fmt: skip
            started += await start_flow_for_reminder(
                bot, session, kind=semester.REMINDER, committee=committee, person=None,
                subject=Subject.period(start), now=now, tz=tz,
            )  # fmt: skip
    return len(expired.runs), started


def jobs(settings: Settings) -> list[Job]:
    """Every periodic job of a running bot, in the order a clock move runs them."""
    return [
        # The first run, right after start, is the catch-up after any downtime (the dispatcher's
        # rules make it one message per target and kind).
        Job("recordatorios", settings.dispatch_interval_seconds, 1.0, send_due_reminders),
        Job("flujos", 60.0, 5.0, advance_flows),
    ]


def schedule(application: AnyApplication, settings: Settings) -> None:
    """Put every job on the application's JobQueue (what `gelbot run` lives by)."""
    if application.job_queue is None:
        return
    for job in jobs(settings):

        async def callback(context: ContextTypes.DEFAULT_TYPE, job: Job = job) -> None:
            await job.run(context.application)

        application.job_queue.run_repeating(
            callback,
            interval=job.interval_seconds,
            first=job.first_seconds,
            name=job.name,
            job_kwargs={"max_instances": 1, "coalesce": True},
        )


async def run_once(application: AnyApplication, settings: Settings) -> None:
    """Run every job once, in order: what a clock move does in the console and the demo."""
    for job in jobs(settings):
        await job.run(application)

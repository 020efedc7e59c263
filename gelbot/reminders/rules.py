"""The reminder rules: pure functions from a committee's facts to the reminders it is owed.

No database and no clock here: the planner gathers the facts and the window, and these functions
say which (kind, target, occurrence) rows exist in it and when each is due. Every occurrence key
is derived from the rule's own data (a week, a meeting date, a compromiso and its due date), so
the same facts always give the same keys and planning is idempotent.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta, tzinfo

from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.committee_frameworks import merged_for
from gelbot.domain.frameworks import Framework, FrameworkError
from gelbot.domain.recurrence import MeetingRule
from gelbot.models import TargetKind
from gelbot.reminders import meeting_rules
from gelbot.reminders.calendar_rules import calendar_warnings
from gelbot.reminders.facts import (
    CommitteeFacts,
    CompromisoFacts,
    Planned,
    Window,
    meetings_between,
    utc,
    utc_at,
    weekly,
)
from gelbot.reminders.kinds import (
    COMPROMISO_NOTICE_DAYS,
    CONVOCATORIA_WORKING_DAYS,
    COORDINADOR_AFTER_DAYS,
    MORNING,
    PHASE_WARNING_DAYS,
    RENAG_WORKING_DAYS,
    Kind,
)
from gelbot.reminders.schedule import DIGEST_AT, DIGEST_WEEKDAY, Aspect

DEFAULT_MEETING_RULE = MeetingRule(ordinal=1, weekday=1, at=time(9, 0))  # primer martes, 09:00
MEETING_DAY_REMINDER = time(7, 30)
# The weekly nag's rows of one week span nine days: look that far back for weeks still open.
NAG_LOOKBACK = timedelta(days=10)


def plan_committee(facts: CommitteeFacts, window: Window) -> list[Planned]:
    """Every reminder of one committee scheduled inside the window."""
    schedule = facts.schedule
    found: list[Planned] = []
    if schedule[Aspect.SITIO].enabled:
        found += site_nag(facts, window)
    if schedule[Aspect.REUNION].enabled:
        if facts.meeting_rule_set:
            found += meeting(facts, window)
            found += meeting_rules.missed_meeting_checks(facts, window)
        else:
            found += meeting_rules.suggest_a_rule(facts, window)
    if schedule[Aspect.COMPROMISOS].enabled:
        for compromiso in facts.compromisos:
            found += compromiso_steps(facts, compromiso, window)
    if schedule[Aspect.FASES].enabled:
        found += phase_deadlines(facts, window)
        found += reporting_calendar(facts, window)
    return [p for p in found if window.keeps(p)]


def plan_delegate(person_id: int, window: Window) -> list[Planned]:
    """The weekly digest of one delegado (who follows at least one committee)."""
    found = []
    for fire in weekly(DIGEST_WEEKDAY, DIGEST_AT, window.start - timedelta(days=7), window.end,
                       window.tz):  # fmt: skip
        day = window.calendar.next_working_day(fire.date())
        week = fire.date() - timedelta(days=fire.weekday())
        found.append(
            Planned(
                Kind.RESUMEN_DELEGADO,
                TargetKind.PERSONA,
                person_id,
                week.isoformat(),
                window.at(day, fire.time()),
                utc(fire + timedelta(days=7)),
                None,
                {"semana": week.isoformat()},
            )
        )
    return [p for p in found if window.keeps(p) and p.scheduled_for >= window.since]


def nag_period(asked_on: date) -> date:
    """The Monday of the week a nag asks about.

    A nag early in the week (lunes to miércoles, the default lunes) asks about the week just
    ended; later in the week it asks about the current one. Asking on Monday about a week
    that has just begun would record nothing useful.
    """
    anchor = asked_on - timedelta(days=3)
    return anchor - timedelta(days=anchor.weekday())


def site_nag(facts: CommitteeFacts, window: Window) -> list[Planned]:
    """The weekly nag to the editores web, its one re-nag, and the silent close of the week."""
    setting = facts.schedule[Aspect.SITIO]
    at = setting.at or MORNING
    targets = [(TargetKind.PERSONA, p) for p in facts.editors] or [(TargetKind.COMITE, facts.id)]
    found: list[Planned] = []
    weekday = setting.weekday if setting.weekday is not None else 0
    for fire in weekly(weekday, at, window.start - NAG_LOOKBACK, window.end, window.tz):
        nag_day = window.calendar.next_working_day(fire.date())
        nag_at = window.at(nag_day, fire.time())
        if nag_at < window.since:
            continue  # the committee did not exist yet: nobody was asked about that week
        renag = window.at(window.calendar.add_working_days(nag_day, RENAG_WORKING_DAYS), at)
        closed = utc(fire + timedelta(days=7))
        week = nag_period(fire.date()).isoformat()
        payload = {"semana": week}
        for target in targets:
            found += [
                Planned(Kind.SITIO_WEB, *target, week, nag_at, renag, facts.id, payload),
                Planned(Kind.SITIO_WEB_REPETICION, *target, week, renag, closed, facts.id, payload),
            ]
        close = max(closed, renag + timedelta(hours=1))
        group = (TargetKind.COMITE, facts.id)
        found.append(Planned(Kind.SITIO_WEB_CIERRE, *group, week, close, None, facts.id, payload))
    return found


def meeting(facts: CommitteeFacts, window: Window) -> list[Planned]:
    """The convocatoria three working days before each meeting and the reminder that morning."""
    found: list[Planned] = []
    cal = window.calendar
    for start in meetings_between(
        facts.meeting_rule, window.start, window.end + timedelta(days=14), window.tz
    ):
        starts_at = utc(start)
        if starts_at < window.since:
            continue
        held_on = start.date()
        call_day = cal.add_working_days(held_on, -CONVOCATORIA_WORKING_DAYS)
        morning = min(
            MEETING_DAY_REMINDER,
            (datetime.combine(held_on, start.time()) - timedelta(hours=1)).time(),
        )
        day = held_on.isoformat()
        payload = {"reunion": start.replace(tzinfo=None).isoformat(timespec="minutes")}
        group = (TargetKind.COMITE, facts.id)
        call, today = window.at(call_day, MORNING), window.at(held_on, morning)
        found += [
            Planned(Kind.CONVOCATORIA, *group, day, call, starts_at, facts.id, payload),
            Planned(Kind.REUNION_HOY, *group, day, today, starts_at, facts.id, payload),
        ]
    return found


def compromiso_steps(
    facts: CommitteeFacts, compromiso: CompromisoFacts, window: Window
) -> list[Planned]:
    """To the responsable: 3 working days before, on the day, the next working day, weekly."""
    due = compromiso.due_on
    steps = _compromiso_dates(due, window.end, window.tz, window.calendar)
    if compromiso.owner_person_id is not None:
        target: tuple[str, int] = (TargetKind.PERSONA, compromiso.owner_person_id)
    else:
        target = (TargetKind.COMITE, facts.id)
    payload = {"compromiso": compromiso.id, "vence": due.isoformat()}
    found = []
    for (step, at), following in zip(steps, [*steps[1:], None], strict=True):
        found.append(
            Planned(
                Kind.COMPROMISO,
                target[0],
                target[1],
                f"{compromiso.id}:{due}:{step}",
                at,
                following[1] if following else None,
                facts.id,
                {**payload, "paso": step},
            )
        )
    notice_day = window.calendar.next_working_day(due + timedelta(days=COORDINADOR_AFTER_DAYS))
    coordinators = [(TargetKind.PERSONA, p) for p in facts.coordinators] or [
        (TargetKind.COMITE, facts.id)
    ]
    for target_kind, target_id in coordinators:
        found.append(
            Planned(
                Kind.COMPROMISO_COORDINADOR,
                target_kind,
                target_id,
                f"{compromiso.id}:{due}",
                window.at(notice_day, MORNING),
                None,
                facts.id,
                payload,
            )
        )
    return found


@functools.cache
def framework(framework_id: str) -> Framework | None:
    """The committee's framework (its frameworks merged), read once (None if none exists)."""
    try:
        return merged_for(framework_id)
    except FrameworkError:
        return None


def phase_deadlines(facts: CommitteeFacts, window: Window) -> list[Planned]:
    """Warnings in the group 90, 30, 7 and 1 day(s) before each phase deadline."""
    if facts.orden is None:
        return []
    return [
        Planned(
            Kind.FASE,
            TargetKind.COMITE,
            facts.id,
            f"{key}:{days}",
            at,
            expires,
            facts.id,
            {"fase": key, "dias": days, "plazo": deadline.isoformat()},
        )
        for key, days, deadline, at, expires in _phase_warnings(
            facts.framework_id, facts.orden, window.tz, window.calendar
        )
    ]


def reporting_calendar(facts: CommitteeFacts, window: Window) -> list[Planned]:
    """The ladder of warnings before each date of the frameworks' reporting calendar."""
    chosen = framework(facts.framework_id)
    if chosen is None or not chosen.calendar:
        return []
    around = window.start.astimezone(window.tz).date()
    return [
        Planned(*row)
        for row in calendar_warnings(
            facts.id,
            chosen.calendar,
            around,
            facts.informe,
            facts.reporting_dates,
            window.tz,
            window.calendar,
        )
        if window.start <= row[4] < window.end and row[4] >= window.since
    ]


@functools.lru_cache(maxsize=32)
def _phase_warnings(
    framework_id: str, orden: str, tz: tzinfo, calendar: WorkingCalendar
) -> tuple[tuple[str, int, date, datetime, datetime], ...]:
    """(phase, days before, deadline, when, obsolete after) of every warning; shared by all."""
    chosen = framework(framework_id)
    if chosen is None:
        return ()
    found = []
    for phase in chosen.phases:
        deadline = phase.deadline_for(orden)
        if deadline is None:  # a section without a date of its own (Res. 1519)
            continue
        moments = []
        for days in PHASE_WARNING_DAYS:
            day = calendar.next_working_day(deadline - timedelta(days=days))
            if day >= deadline:  # moving forward would pass the deadline: warn earlier instead
                day = calendar.previous_working_day(deadline - timedelta(days=days))
            moments.append((days, utc_at(day, MORNING, tz)))
        for (days, at), following in zip(moments, [*moments[1:], None], strict=True):
            expires = following[1] if following else utc_at(deadline, time(0, 0), tz)
            found.append((phase.key, days, deadline, at, max(expires, at + timedelta(hours=1))))
    return tuple(found)


@functools.lru_cache(maxsize=4096)
def _compromiso_dates(
    due: date, end: datetime, tz: tzinfo, calendar: WorkingCalendar
) -> tuple[tuple[str, datetime], ...]:
    """The steps of a compromiso due on `due`, up to the first one at or after `end`.

    Cached: compromisos cluster on a few due dates (the next meeting, month ends).
    """
    on_day = calendar.next_working_day(due)
    first_overdue = calendar.add_working_days(on_day, 1)
    steps = [
        ("antes", calendar.add_working_days(due, -COMPROMISO_NOTICE_DAYS)),
        ("vence", on_day),
        ("vencido", first_overdue),
    ]
    week = 1
    while True:
        day = calendar.next_working_day(first_overdue + timedelta(days=7 * week))
        steps.append((f"semana{week}", day))
        if utc_at(day, MORNING, tz) >= end:
            break
        week += 1
    return tuple((step, utc_at(day, MORNING, tz)) for step, day in steps)

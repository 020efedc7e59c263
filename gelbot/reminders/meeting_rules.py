"""Meetings nobody scheduled, and meetings that did not happen: pure rules like rules.py.

A committee that never set `/reunion programar` gets no convocatoria for a date it never chose;
its coordinador is told how to set a rule instead (after registering, then each month). When a
scheduled meeting passes with nothing recorded, the coordinador hears about it the next working
day; the reminder's builder drops it if the meeting was recorded meanwhile.
"""

from __future__ import annotations

from datetime import date, timedelta

from gelbot.models import TargetKind
from gelbot.reminders.facts import CommitteeFacts, Planned, Window, meetings_between
from gelbot.reminders.kinds import MORNING, Kind

MISSED_NOTICE_DAYS = 7  # a notice about a missed meeting is stale after a week


def _coordinators(facts: CommitteeFacts) -> list[tuple[str, int]]:
    return [(TargetKind.PERSONA, p) for p in facts.coordinators] or [(TargetKind.COMITE, facts.id)]


def _month_starts(start: date, end: date) -> list[date]:
    first = date(start.year, start.month, 1)
    found = []
    while first < end:
        found.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return found


def suggest_a_rule(facts: CommitteeFacts, window: Window) -> list[Planned]:
    """No rule: the working day after registering, then each month, suggest one."""
    cal = window.calendar
    created = facts.created_at.astimezone(window.tz).date()
    days = [("alta", cal.next_working_day(created + timedelta(days=1)))]
    local_start = window.start.astimezone(window.tz).date()
    local_end = window.end.astimezone(window.tz).date() + timedelta(days=1)
    for first in _month_starts(max(local_start, created), local_end):
        day = cal.next_working_day(first)
        if day > created + timedelta(days=1):
            days.append((f"{first:%Y-%m}", day))
    found = []
    for occurrence, day in days:
        for target_kind, target_id in _coordinators(facts):
            at = window.at(day, MORNING)
            found.append(
                Planned(
                    Kind.REUNION_SIN_PROGRAMAR,
                    target_kind,
                    target_id,
                    occurrence,
                    at,
                    at + timedelta(days=20),
                    facts.id,
                    {},
                )
            )
    return [p for p in found if p.scheduled_for >= window.since]


def missed_meeting_checks(facts: CommitteeFacts, window: Window) -> list[Planned]:
    """The working day after each scheduled meeting: was it held? (The builder checks.)"""
    found = []
    lookback = timedelta(days=10)  # the notice comes up to a few days after the meeting
    for start in meetings_between(
        facts.meeting_rule, window.start - lookback, window.end, window.tz
    ):
        held_on = start.date()
        if start < window.since:
            continue
        day = window.calendar.next_working_day(held_on + timedelta(days=1))
        at = window.at(day, MORNING)
        payload = {"reunion": start.replace(tzinfo=None).isoformat(timespec="minutes")}
        for target_kind, target_id in _coordinators(facts):
            found.append(
                Planned(Kind.REUNION_NO_REALIZADA, target_kind, target_id, held_on.isoformat(),
                        at, at + timedelta(days=MISSED_NOTICE_DAYS), facts.id, payload)
            )  # fmt: skip
    return found

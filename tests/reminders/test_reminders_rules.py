"""The reminder rules, pure: which rows a committee's facts produce, when, and until when."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.recurrence import MeetingRule
from gelbot.reminders.facts import CommitteeFacts, CompromisoFacts, Planned, Window
from gelbot.reminders.rules import (
    DEFAULT_MEETING_RULE,
    nag_period,
    plan_committee,
    plan_delegate,
)
from gelbot.reminders.schedule import DEFAULT_SCHEDULE, Aspect, AspectSetting, CommitteeSchedule
from tests.support.reminders_world import BOGOTA, local

CALENDAR = WorkingCalendar(BOGOTA)


def window(start: datetime, days: int = 35, since: datetime | None = None) -> Window:
    return Window(start, start + timedelta(days=days), since or start, BOGOTA, CALENDAR)


def facts(**changes: object) -> CommitteeFacts:
    base: dict[str, object] = {
        "id": 1, "created_at": datetime(2009, 1, 1, tzinfo=UTC), "orden": "territorial",
        "framework_id": "decreto_1151", "meeting_rule": DEFAULT_MEETING_RULE,
        "schedule": DEFAULT_SCHEDULE, "editors": (5,), "coordinators": (3,), "compromisos": (),
    }  # fmt: skip
    base.update(changes)
    return CommitteeFacts(**base)  # type: ignore[arg-type]


def of_kind(planned: list[Planned], kind: str) -> list[Planned]:
    return sorted((p for p in planned if p.kind == kind), key=lambda p: p.scheduled_for)


def when(p: Planned) -> datetime:
    return p.scheduled_for.astimezone(BOGOTA).replace(tzinfo=None)


def test_nag_asks_early_in_the_week_about_the_week_before() -> None:
    assert nag_period(date(2009, 3, 2)) == date(2009, 2, 23)  # lunes: la semana pasada
    assert nag_period(date(2009, 3, 4)) == date(2009, 2, 23)  # miércoles: todavía la pasada
    assert nag_period(date(2009, 3, 5)) == date(2009, 3, 2)  # jueves: esta semana
    assert nag_period(date(2009, 3, 6)) == date(2009, 3, 2)  # viernes: esta semana


def test_weekly_nag_renag_and_close_of_one_week() -> None:
    planned = plan_committee(facts(), window(local(2009, 3, 2, 0)))
    nag, renag, close = (
        of_kind(planned, k)[0] for k in ("sitio_web", "sitio_web_repeticion", "sitio_web_cierre")
    )
    assert (nag.target_kind, nag.target_id, nag.occurrence) == ("persona", 5, "2009-02-23")
    assert when(nag) == datetime(2009, 3, 2, 9, 0)
    assert when(renag) == datetime(2009, 3, 4, 9, 0)  # two working days later
    assert close.target_kind == "comite" and when(close) == datetime(2009, 3, 9, 9, 0)
    # A nag is obsolete once its re-nag is due; the re-nag once the week is closed.
    assert nag.expires_at == renag.scheduled_for and renag.expires_at == close.scheduled_for


def test_a_festivo_moves_the_nag_to_the_next_working_day() -> None:
    # Monday 23 March 2009 is San José (moved to Monday): the nag goes out on Tuesday.
    planned = of_kind(plan_committee(facts(), window(local(2009, 3, 20))), "sitio_web")
    assert when(planned[0]) == datetime(2009, 3, 24, 9, 0)
    assert planned[0].occurrence == "2009-03-16"


def test_without_editor_the_group_is_asked() -> None:
    nag = of_kind(plan_committee(facts(editors=()), window(local(2009, 3, 2, 0))), "sitio_web")[0]
    assert (nag.target_kind, nag.target_id) == ("comite", 1)


def test_no_nag_about_weeks_before_the_committee_existed() -> None:
    created = local(2009, 3, 3, 10)  # a Tuesday, after Monday's nag
    planned = plan_committee(
        facts(created_at=created), Window(created, created + timedelta(days=10), created,
                                          BOGOTA, CALENDAR)
    )  # fmt: skip
    weeks = {p.occurrence for p in planned if p.kind.startswith("sitio_web")}
    assert weeks == {"2009-03-02"}  # not 2009-02-23, whose nag was never sent


def test_nag_day_and_hour_follow_the_schedule() -> None:
    schedule = CommitteeSchedule({Aspect.SITIO: AspectSetting(weekday=3, at=time(15, 30))})
    nag = of_kind(plan_committee(facts(schedule=schedule), window(local(2009, 3, 2))), "sitio_web")
    assert when(nag[0]) == datetime(2009, 3, 5, 15, 30)
    assert nag[0].occurrence == "2009-03-02"  # a Thursday nag asks about the current week


def test_disabled_aspects_plan_nothing() -> None:
    off = AspectSetting(enabled=False)
    schedule = CommitteeSchedule({a: off for a in Aspect})
    compromiso = CompromisoFacts(9, date(2009, 3, 20), 5)
    assert plan_committee(facts(schedule=schedule, compromisos=(compromiso,)),
                          window(local(2009, 3, 2))) == []  # fmt: skip


def test_meeting_convocatoria_and_morning_reminder() -> None:
    planned = plan_committee(facts(), window(local(2009, 3, 25)))
    call = of_kind(planned, "convocatoria")[0]
    morning = of_kind(planned, "reunion_hoy")[0]
    # First Tuesday of April 2009 is the 7th; three working days before is Thursday the 2nd.
    assert call.occurrence == morning.occurrence == "2009-04-07"
    assert when(call) == datetime(2009, 4, 2, 9, 0)
    assert when(morning) == datetime(2009, 4, 7, 7, 30)
    assert call.expires_at == morning.expires_at == local(2009, 4, 7, 9)


def test_convocatoria_skips_festivos() -> None:
    rule = MeetingRule(ordinal=2, weekday=1, at=time(10, 0))  # 14 April 2009
    call = of_kind(plan_committee(facts(meeting_rule=rule), window(local(2009, 4, 1))),
                   "convocatoria")[0]  # fmt: skip
    # 9 and 10 April 2009 are Jueves and Viernes Santo: three working days before the 14th
    # are the 13th, the 8th and the 7th.
    assert when(call) == datetime(2009, 4, 7, 9, 0)


def test_compromiso_steps_before_on_and_after_the_due_date() -> None:
    compromiso = CompromisoFacts(9, date(2009, 3, 20), 5)  # a Friday
    planned = plan_committee(facts(compromisos=(compromiso,)), window(local(2009, 3, 2), 40))
    steps = of_kind(planned, "compromiso")
    assert [(p.occurrence.split(":")[-1], when(p).date()) for p in steps[:5]] == [
        ("antes", date(2009, 3, 17)),  # three working days before
        ("vence", date(2009, 3, 20)),
        ("vencido", date(2009, 3, 24)),  # Monday 23 is a festivo
        ("semana1", date(2009, 3, 31)),
        ("semana2", date(2009, 4, 7)),
    ]
    assert all(p.target_id == 5 for p in steps)
    assert steps[0].expires_at == steps[1].scheduled_for  # each step supersedes the previous
    [notice] = of_kind(planned, "compromiso_coordinador")
    assert (notice.target_kind, notice.target_id) == ("persona", 3)
    assert when(notice).date() == date(2009, 3, 27)  # seven days overdue


def test_compromiso_of_a_vacant_cargo_goes_to_the_group() -> None:
    compromiso = CompromisoFacts(9, date(2009, 3, 20), None)
    steps = of_kind(plan_committee(facts(compromisos=(compromiso,)), window(local(2009, 3, 2))),
                    "compromiso")  # fmt: skip
    assert {(p.target_kind, p.target_id) for p in steps} == {("comite", 1)}


def test_phase_deadline_warnings_for_interaccion() -> None:
    planned = plan_committee(facts(), window(local(2009, 9, 1), 100))
    warnings = [p for p in of_kind(planned, "fase") if p.payload["fase"] == "interaccion"]
    assert [(p.payload["dias"], when(p).date()) for p in warnings] == [
        (90, date(2009, 9, 2)),
        (30, date(2009, 11, 3)),  # 1 Nov is a Sunday and Monday 2 Nov a festivo
        (7, date(2009, 11, 24)),
        (1, date(2009, 11, 30)),
    ]
    assert warnings[-1].expires_at == local(2009, 12, 1, 0)


def test_phase_warnings_need_the_orden() -> None:
    planned = plan_committee(facts(orden=None), window(local(2009, 9, 1), 100))
    assert of_kind(planned, "fase") == []


def test_delegate_digest_on_fridays() -> None:
    planned = plan_delegate(7, window(local(2009, 3, 2), 21))
    assert [when(p) for p in planned] == [
        datetime(2009, 3, 6, 16, 0),
        datetime(2009, 3, 13, 16, 0),
        datetime(2009, 3, 20, 16, 0),
    ]
    assert planned[0].expires_at == planned[1].scheduled_for


def test_same_facts_same_keys() -> None:
    compromiso = CompromisoFacts(9, date(2009, 3, 20), 5)
    one = plan_committee(facts(compromisos=(compromiso,)), window(local(2009, 3, 2)))
    two = plan_committee(facts(compromisos=(compromiso,)), window(local(2009, 3, 2)))
    assert one == two and len({p.key for p in one}) == len(one)

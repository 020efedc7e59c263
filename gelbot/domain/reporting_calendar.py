"""The reporting calendar of a committee: what its frameworks ask it to publish or report, when.

Dates the norm fixes (plan de acción by 31 January) come from the framework file; dates that
change every year or that the reference could not confirm (FURAG's window, the ITA, quarterly
reports) are set by the coordinador (/calendario) and stored in reporting_dates. Nothing is
guessed: an obligation without a date says so. No Telegram here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, extract, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.committee_frameworks import frameworks_of
from gelbot.domain.errors import DomainError
from gelbot.domain.framework_schema import Framework, Obligation, Periodicity
from gelbot.models import Committee, Person, ReportingDate


def due_dates(
    obligation: Obligation,
    around: date,
    informe_months: int,
    informe_start_month: int,
    set_here: tuple[date, ...] = (),
) -> list[date]:
    """The obligation's dates: fixed ones from the year before `around` to the year after;
    otherwise the windows the file lists and the dates the coordinador set (`set_here`)."""
    years = (around.year - 1, around.year, around.year + 1)
    if obligation.due is not None:
        month, day = (int(part) for part in obligation.due.split("-"))
        return [date(year, month, day) for year in years]
    if obligation.at_informe_end:
        return _informe_ends(years, informe_months, informe_start_month)
    return sorted({window.closes for window in obligation.windows} | set(set_here))


def _informe_ends(years: tuple[int, ...], months: int, start_month: int) -> list[date]:
    """The last day of every informe period starting in `years`."""
    step = max(1, min(months, 12))
    ends = []
    for year in years:
        for first in range(start_month - 1, start_month - 1 + 12, step):
            after = first + step  # months since January of `year`, of the next period's start
            ends.append(date(year + after // 12, after % 12 + 1, 1) - timedelta(days=1))
    return sorted(set(ends))


@dataclass(frozen=True)
class Upcoming:
    """The next date of one obligation for one committee (None: nobody has set it)."""

    framework: Framework
    obligation: Obligation
    opens: date | None
    due: date | None
    set_here: bool  # set by the coordinador, not by the framework file


def obligations_of(committee: Committee) -> list[tuple[Framework, Obligation]]:
    """Every obligation of the committee's frameworks, in their order."""
    return [(f, o) for f in frameworks_of(committee) for o in f.calendar]


async def committee_dates(
    session: AsyncSession, committee_ids: list[int]
) -> dict[int, dict[str, tuple[date, ...]]]:
    """The dates coordinadores set, by committee and obligation key (for the planner)."""
    found: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for row in await session.scalars(
        select(ReportingDate).where(ReportingDate.committee_id.in_(committee_ids))
    ):
        found[row.committee_id][row.obligation_key].append(row.due_on)
    return {c: {k: tuple(sorted(v)) for k, v in by_key.items()} for c, by_key in found.items()}


async def upcoming(session: AsyncSession, committee: Committee, today: date) -> list[Upcoming]:
    """Each obligation's next date from today on."""
    stored = list(
        await session.scalars(
            select(ReportingDate)
            .where(ReportingDate.committee_id == committee.id, ReportingDate.due_on >= today)
            .order_by(ReportingDate.due_on)
        )
    )
    result = []
    for framework, obligation in obligations_of(committee):
        mine = [r for r in stored if r.obligation_key == obligation.key]
        from_file = [
            d
            for d in due_dates(
                obligation, today, committee.informe_months, committee.informe_start_month
            )
            if d >= today
        ]
        opens = {w.closes: w.opens for w in obligation.windows}
        if mine and (not from_file or mine[0].due_on <= from_file[0]):
            first = mine[0]
            result.append(Upcoming(framework, obligation, first.opens_on, first.due_on, True))
        elif from_file:
            due = min(from_file)
            result.append(Upcoming(framework, obligation, opens.get(due), due, False))
        else:
            result.append(Upcoming(framework, obligation, None, None, False))
    return result


def resolve_obligation(committee: Committee, given: str) -> Obligation:
    """The obligation of the committee's frameworks with this key."""
    wanted = given.strip().lower()
    for _, obligation in obligations_of(committee):
        if obligation.key == wanted:
            return obligation
    raise DomainError(
        "calendario_desconocido", given=given, opciones=[o for _, o in obligations_of(committee)]
    )


async def set_date(
    session: AsyncSession,
    committee: Committee,
    obligation: Obligation,
    opens: date | None,
    due: date,
    actor: Person | None,
    now: datetime,
    today: date,
) -> ReportingDate:
    """Record a date the coordinador set; a yearly obligation keeps one date a year."""
    if not obligation.configurable:
        raise DomainError("calendario_fijo", obligacion=obligation)
    if due < today:
        raise DomainError("calendario_pasado", obligacion=obligation, due=due)
    if opens is not None and opens > due:
        raise DomainError("calendario_orden", obligacion=obligation, opens=opens, due=due)
    same = [ReportingDate.committee_id == committee.id]
    same.append(ReportingDate.obligation_key == obligation.key)
    if obligation.periodicity in {Periodicity.ANUAL, None}:
        # A new FURAG window replaces the one set for the same year.
        same.append(extract("year", ReportingDate.due_on) == due.year)
    else:
        same.append(ReportingDate.due_on == due)
    await session.execute(delete(ReportingDate).where(*same))
    row = ReportingDate(
        committee_id=committee.id,
        obligation_key=obligation.key,
        opens_on=opens,
        due_on=due,
        set_by_id=actor.id if actor is not None else None,
        set_at=now,
    )
    session.add(row)
    await session.flush()
    return row

"""What a departmental committee's informe says about the municipalities it accompanies.

Seed 000's Gobernación wrote these rows by hand («Asistieron 24 de los 40 municipios»): how many
municipalities have an active committee, the meetings they held and informes they sent in the
period, the average progress per phase, and which need support. They are compiled from the
board of the departmental committee's coordinadores and delegados, so the informe and the
board never disagree. The informe's compiler calls `municipal_summary`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.board.compile import compile_rows
from gelbot.board.figures import BoardRow, State
from gelbot.models import (
    Committee,
    DelegateFollow,
    FollowStatus,
    InformeDraft,
    Meeting,
    MeetingStatus,
    Membership,
    Role,
)

ACCOMPANYING_ROLES = (Role.COORDINADOR.value, Role.DELEGADO.value)


@dataclass(frozen=True)
class MunicipalRow:
    """One accompanied municipality in the informe's period."""

    committee_id: int
    entity_name: str
    meetings_held: int  # in the period
    informes_sent: int  # generated, for a period overlapping this one
    progress: float  # average share of criteria met over its phases, today
    board: BoardRow  # everything else the board knows, state and reasons included


@dataclass(frozen=True)
class PhaseAverage:
    name: str
    share: float  # the average over the municipalities whose framework has this phase
    municipalities: int


@dataclass(frozen=True)
class MunicipalSummary:
    start: date
    end: date
    rows: list[MunicipalRow]  # worst first, as on the board
    with_meetings: int  # municipalities that met at least once in the period
    meetings_held: int
    informes_sent: int
    phases: list[PhaseAverage]
    needing_support: list[MunicipalRow]  # state «urgente», with the reasons in row.board

    @property
    def active(self) -> int:
        """Municipalities with an active committee that accepted the department."""
        return len(self.rows)


async def accompanied(session: AsyncSession, committee: Committee) -> list[Committee]:
    """The active committees that accepted a coordinador or delegado of `committee`."""
    people = select(Membership.person_id).where(
        Membership.committee_id == committee.id,
        Membership.active.is_(True),
        Membership.role.in_(ACCOMPANYING_ROLES),
    )
    found = await session.scalars(
        select(Committee)
        .where(
            Committee.active.is_(True),
            Committee.id != committee.id,
            Committee.id.in_(
                select(DelegateFollow.committee_id).where(
                    DelegateFollow.person_id.in_(people),
                    DelegateFollow.status == FollowStatus.ACEPTADO.value,
                )
            ),
        )
        .order_by(Committee.entity_name, Committee.id)
    )
    return list(found)


async def municipal_summary(
    session: AsyncSession,
    committee: Committee,
    *,
    start: date,
    end: date,
    now: datetime,
    tz: tzinfo,
) -> MunicipalSummary:
    """The municipal rows of `committee`'s informe for [start, end] (both days included)."""
    municipalities = await accompanied(session, committee)
    board = await compile_rows(session, municipalities, now=now, tz=tz)
    ids = [row.committee_id for row in board]
    meetings: dict[int, int] = defaultdict(int)
    informes: dict[int, int] = defaultdict(int)
    if ids:
        for committee_id, count in await session.execute(
            select(Meeting.committee_id, func.count())
            .where(
                Meeting.committee_id.in_(ids),
                Meeting.status != MeetingStatus.ABIERTA.value,
                Meeting.held_on >= start,
                Meeting.held_on <= end,
            )
            .group_by(Meeting.committee_id)
        ):
            meetings[committee_id] = count
        for committee_id, count in await session.execute(
            select(InformeDraft.committee_id, func.count())
            .where(
                InformeDraft.committee_id.in_(ids),
                InformeDraft.generated_at.is_not(None),
                InformeDraft.period_start <= end,
                InformeDraft.period_end >= start,
            )
            .group_by(InformeDraft.committee_id)
        ):
            informes[committee_id] = count
    rows = [
        MunicipalRow(
            committee_id=r.committee_id,
            entity_name=r.entity_name,
            meetings_held=meetings[r.committee_id],
            informes_sent=informes[r.committee_id],
            progress=r.progress,
            board=r,
        )
        for r in board
    ]
    return MunicipalSummary(
        start=start,
        end=end,
        rows=rows,
        with_meetings=sum(1 for r in rows if r.meetings_held),
        meetings_held=sum(r.meetings_held for r in rows),
        informes_sent=sum(r.informes_sent for r in rows),
        phases=_phase_averages(board),
        needing_support=[r for r in rows if r.board.state is State.ROJO],
    )


def _phase_averages(board: list[BoardRow]) -> list[PhaseAverage]:
    shares: dict[str, list[float]] = {}
    for row in board:
        for section in row.sections:
            shares.setdefault(section.name, []).append(section.share)
    return [PhaseAverage(name, sum(s) / len(s), len(s)) for name, s in shares.items()]

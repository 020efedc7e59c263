"""What the board shows for one committee: plain data, filled by `compile`, judged later."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class State(enum.IntEnum):
    """How much a committee (or one of its aspects) needs attention; higher is worse."""

    VERDE = 0
    AMARILLO = 1
    ROJO = 2

    @property
    def label(self) -> str:
        return {State.VERDE: "al día", State.AMARILLO: "atención", State.ROJO: "urgente"}[self]


class Aspect(enum.StrEnum):
    """The columns of the board: each reason belongs to one."""

    REUNIONES = "reuniones"
    COMPROMISOS = "compromisos"
    SITIO = "sitio"
    CRITERIOS = "criterios"
    INFORME = "informe"
    RESPUESTAS = "respuestas"


ASPECT_TITLES = {
    Aspect.REUNIONES: "Reuniones",
    Aspect.COMPROMISOS: "Compromisos",
    Aspect.SITIO: "Sitio web",
    Aspect.CRITERIOS: "Criterios",
    Aspect.INFORME: "Informe",
    Aspect.RESPUESTAS: "Respuestas",
}


@dataclass(frozen=True)
class SectionShare:
    """Criteria met of one phase (or section) of the committee's framework."""

    key: str
    name: str
    met: int
    total: int
    deadline: date | None

    @property
    def share(self) -> float:
        return self.met / self.total if self.total else 1.0

    @property
    def percentage(self) -> int:
        return round(self.share * 100)


@dataclass(frozen=True)
class Reason:
    """Why a committee needs attention: a code the words are written from, and its weight."""

    code: str
    aspect: Aspect
    state: State
    weight: int
    text: str


@dataclass
class BoardRow:
    """One committee on the board."""

    committee_id: int
    entity_name: str
    city: str | None
    framework_name: str
    period_start: date
    period_end: date
    last_meeting: date | None = None
    meetings_held: int = 0
    meetings_expected: int = 0
    compromisos_open: int = 0  # every open one, overdue included
    compromisos_overdue: int = 0
    site_weeks_met: int | None = None  # None: the committee tracks no weekly site indicator
    site_weeks_total: int | None = None
    site_meta: float | None = None
    sections: tuple[SectionShare, ...] = ()
    informes_sent: int = 0
    last_informe_on: date | None = None  # the day it was generated
    last_informe_period: tuple[date, date] | None = None
    last_answer_on: date | None = None
    days_since_answer: int | None = None  # None: nobody has ever answered the bot
    created_on: date | None = None
    reasons: tuple[Reason, ...] = ()
    state: State = State.VERDE
    score: int = 0

    @property
    def progress(self) -> float:
        """The average share of criteria met over the framework's phases."""
        if not self.sections:
            return 0.0
        return sum(s.share for s in self.sections) / len(self.sections)

    def aspect_state(self, aspect: Aspect) -> State:
        """The worst state among this row's reasons about `aspect` (verde when none)."""
        return max((r.state for r in self.reasons if r.aspect is aspect), default=State.VERDE)


@dataclass
class Board:
    """Every committee one person may see, the ones that need attention first."""

    person_name: str
    today: date
    generated_at: datetime
    rows: list[BoardRow] = field(default_factory=list)

    def needing_attention(self, limit: int = 3) -> list[BoardRow]:
        return [r for r in self.rows if r.state is not State.VERDE][:limit]

    def count(self, state: State | int) -> int:
        return sum(1 for r in self.rows if r.state == state)

"""The informe as plain data: what the compiler gathers and every renderer draws."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import get_args

from gelbot.domain.informe_periods import InformeKind
from gelbot.domain.spanish import format_date, month_name


@dataclass(frozen=True)
class InformeRow:
    """One line of the ACCIONES | RESULTADOS | FECHA table, with where it came from."""

    accion: str
    resultado: str
    # The day the row sorts by (None: at the end of the period).
    fecha: date | None
    # FECHA as printed: a date, a month or a range, as the seed writes them («Marzo – Agosto de
    # 2009»); None prints `fecha` in full.
    fecha_texto: str | None
    # The annex's trace, in plain words: who said it, when, in which meeting or answer.
    source: str
    # Stable identity of the underlying record, so the review's edits keep pointing at it.
    # Never printed.
    row_key: str


@dataclass(frozen=True)
class PhaseProgress:
    """Share (0..1) of a phase's criteria met at the start and at the end of the period."""

    name: str
    start_share: float
    end_share: float

    def __post_init__(self) -> None:
        for share in (self.start_share, self.end_share):
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"La fase {self.name!r} tiene un avance fuera de 0..1: {share}")


@dataclass(frozen=True)
class Firma:
    """One signature under the informe: a full name and a cargo, as seeds 001 and 004 sign."""

    nombre: str
    cargo: str


@dataclass(frozen=True)
class InformeDocument:
    """Everything an informe says, already decided; renderers only lay it out."""

    entity: str
    title: str
    kind: InformeKind
    period_start: date
    period_end: date
    city: str | None
    issued_on: date
    # Paragraphs are separated by blank lines.
    introduccion: str
    objetivo_general: str
    objetivos: list[str]  # the specific ones
    rows: list[InformeRow]
    pendientes: list[InformeRow]
    phases: list[PhaseProgress]
    # What nobody answered or has no data in the period, said once below the table.
    sin_informacion: list[str] = field(default_factory=list)
    firmas: list[Firma] = field(default_factory=list)
    letterhead: list[str] = field(default_factory=list)
    logo: bytes | None = None
    # The entity's Word template (docxtpl); None uses the one shipped with gelbot.
    plantilla: bytes | None = None

    def __post_init__(self) -> None:
        if self.kind not in get_args(InformeKind):
            raise ValueError(f"Tipo de informe desconocido: {self.kind!r}")
        if self.period_end < self.period_start:
            raise ValueError("El período termina antes de empezar.")

    @property
    def final(self) -> bool:
        """Issued after its period closed: the informe final, not a progress report."""
        return self.issued_on > self.period_end


def _month_year(d: date) -> tuple[str, int]:
    return month_name(d.month), d.year


def period_label(start: date, end: date) -> str:
    """Name a period by its months, as the seed's cover does: "febrero – agosto de 2009"."""
    (first, first_year), (last, last_year) = _month_year(start), _month_year(end)
    if (first, first_year) == (last, last_year):
        return f"{last} de {last_year}"
    if first_year == last_year:
        return f"{first} – {last} de {last_year}"
    return f"{first} de {first_year} – {last} de {last_year}"


def period_phrase(start: date, end: date) -> str:
    """The period inside a sentence: "febrero y agosto de 2009" (after «entre»)."""
    (first, first_year), (last, last_year) = _month_year(start), _month_year(end)
    if (first, first_year) == (last, last_year):
        return f"el 1 y el {end.day} de {last} de {last_year}"
    if first_year == last_year:
        return f"{first} y {last} de {last_year}"
    return f"{first} de {first_year} y {last} de {last_year}"


# --- FECHA as the seed writes it ----------------------------------------------------------------


def fecha_dia(day: date) -> str:
    """A day: "27 de febrero de 2009"."""
    return format_date(day)


def fecha_mes(day: date) -> str:
    """A month: "Julio de 2009"."""
    return f"{month_name(day.month).capitalize()} de {day.year}"


def fecha_rango(first: date, last: date) -> str:
    """A range of months: "Abril – Mayo de 2009"; one month when both fall in it."""
    first, last = min(first, last), max(first, last)
    if (first.year, first.month) == (last.year, last.month):
        return fecha_mes(first)
    if first.year == last.year:
        return f"{month_name(first.month).capitalize()} – {fecha_mes(last)}"
    return f"{fecha_mes(first)} – {fecha_mes(last)}"

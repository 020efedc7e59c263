"""The informe as plain data: what the compiler gathers and every renderer draws."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from gelbot.domain.spanish import month_name

InformeKind = Literal["semestral", "trimestral"]


@dataclass(frozen=True)
class InformeRow:
    """One line of the ACCIONES | RESULTADOS | FECHA table, with where it came from."""

    accion: str
    resultado: str
    fecha: date | None
    # Free text wins over `fecha` when set, as in the seed ("Marzo – Agosto de 2009").
    fecha_texto: str | None
    # Human trace for the annex, e.g. "Reunión del 27 de febrero de 2009, acta #3".
    source: str
    # Stable identity of the underlying record, so a regenerated informe can be diffed.
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
    objetivos: list[str]
    rows: list[InformeRow]
    pendientes: list[InformeRow]
    phases: list[PhaseProgress]
    coordinador: str | None

    def __post_init__(self) -> None:
        if self.kind not in get_args(InformeKind):
            raise ValueError(f"Tipo de informe desconocido: {self.kind!r}")
        if self.period_end < self.period_start:
            raise ValueError("El período termina antes de empezar.")


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


def _period_phrase(start: date, end: date) -> str:
    (first, first_year), (last, last_year) = _month_year(start), _month_year(end)
    if (first, first_year) == (last, last_year):
        return f"el mes de {last} de {last_year}"
    if first_year == last_year:
        return f"el período comprendido entre {first} y {last} de {last_year}"
    return f"el período comprendido entre {first} de {first_year} y {last} de {last_year}"


def default_introduccion(entity: str, period: tuple[date, date]) -> str:
    """Return the standard introduction, in the seed's words but without its legal history."""
    return (
        "La Estrategia de Gobierno en Línea contribuye con la construcción de un Estado más "
        "eficiente, más transparente, más participativo y que preste mejores servicios a los "
        "ciudadanos y las empresas, mediante el aprovechamiento de las Tecnologías de la "
        "Información y la Comunicación (TIC). Se implementa de manera gradual en cinco fases: "
        "información, interacción, transacción, transformación y democracia en línea."
        "\n\n"
        "El presente documento, elaborado por el Comité de Gobierno en Línea de la entidad "
        f"{entity}, evidencia los avances obtenidos en {_period_phrase(*period)} con respecto a "
        "la implementación de la Estrategia, de acuerdo con los criterios y fases establecidos "
        "en el Manual de Implementación. Se publica en el sitio web de la entidad para "
        "conocimiento de los ciudadanos."
    )


def default_objetivos() -> list[str]:
    """Return the standard objectives, shortened from the seed's general and specific ones."""
    return [
        "Establecer los avances de la implementación de la Estrategia de Gobierno en Línea "
        "en la entidad durante el período.",
        "Definir las acciones realizadas por el Comité y precisar sus resultados.",
        "Dar cuenta de lo que queda pendiente y del cumplimiento de los criterios de cada fase.",
        "Poner el informe a disposición de los ciudadanos a través del sitio web de la entidad.",
    ]

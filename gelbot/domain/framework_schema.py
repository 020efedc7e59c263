"""The shape of a framework file: sections (phases) of items (criteria), its calendar, its words.

A framework is the set of rules a committee answers to: Decreto 1151 de 2008 (five phases with
deadlines), Res. MinTIC 1519 de 2020 (publication and accessibility checklists), Decreto 767 de
2022 (the elements of the Política de Gobierno Digital). The file keeps the historical names
`phases` and `criteria`; `vocabulary` says how the bot calls them for that framework.
No Telegram, no database.
"""

from __future__ import annotations

import enum
import itertools
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ORDENES = ("nacional", "territorial")

PHASE_KEY = r"^[a-z][a-z0-9_]*$"
CRITERION_KEY = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
NUMERAL = r"^[A-Z]{0,3}[0-9]+(\.[0-9]+)*$"
SOURCE_ID = r"^S[0-9]{1,3}$"
MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class FrameworkError(Exception):
    """A framework file or a lookup in it is wrong; the message says where, in Spanish."""


class _Model(BaseModel):
    # Frozen so a cached framework can be shared safely; extra keys are typos worth reporting.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Periodicity(enum.StrEnum):
    """How often an item must be renewed or reported."""

    MENSUAL = "mensual"
    TRIMESTRAL = "trimestral"
    CUATRIMESTRAL = "cuatrimestral"
    SEMESTRAL = "semestral"
    ANUAL = "anual"


class Deadlines(_Model):
    """The date a phase is due, for national and for territorial entities."""

    # Strict: lax pydantic would read `2008` as seconds since 1970, not as a year.
    nacional: date = Field(strict=True)
    territorial: date = Field(strict=True)


class Criterion(_Model):
    """One item of a section's checklist, met or not."""

    key: str = Field(pattern=CRITERION_KEY, max_length=120)
    name: str = Field(min_length=1)
    group: str | None = None
    # A graded criterion (e.g. "Etapas de trámites") records a level instead of a plain yes/no;
    # it still counts as one criterion, met once the committee ticks it.
    levels: tuple[str, ...] = ()
    # The numeral the norm gives the item ("1.3", "CC5"); people name items by it.
    numeral: str | None = Field(default=None, pattern=NUMERAL, max_length=16)
    # How the official text prints it, when that differs (a typo or a repeated numeral).
    printed_numeral: str | None = None
    norm: str | None = None  # the norm that requires it; the section's or framework's otherwise
    due: str | None = Field(default=None, pattern=MONTH_DAY)  # every year by this MM-DD
    periodicity: Periodicity | None = None
    evidence_url: bool | None = None  # None: as the section says
    sources: tuple[str, ...] = ()

    @field_validator("levels")
    @classmethod
    def _levels_unique(cls, levels: tuple[str, ...]) -> tuple[str, ...]:
        repeated = _repeated(levels)
        if repeated:
            raise ValueError(f"el nivel «{repeated}» está repetido")
        return levels

    @field_validator("sources")
    @classmethod
    def _source_ids(cls, sources: tuple[str, ...]) -> tuple[str, ...]:
        return _check_source_ids(sources)


class Phase(_Model):
    """A phase (Decreto 1151) or section (Res. 1519): its checklist and, maybe, its deadlines."""

    key: str = Field(pattern=PHASE_KEY, max_length=40)
    name: str = Field(min_length=1)
    numeral: str | None = Field(default=None, pattern=NUMERAL, max_length=16)
    deadlines: Deadlines | None = None
    norm: str | None = None
    note: str | None = None  # e.g. who the section applies to
    evidence_url: bool = False  # items prove compliance with a link to the published page
    sources: tuple[str, ...] = ()
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @field_validator("sources")
    @classmethod
    def _source_ids(cls, sources: tuple[str, ...]) -> tuple[str, ...]:
        return _check_source_ids(sources)

    def deadline_for(self, orden: str) -> date | None:
        """The phase's deadline for an entity of the given orden; None for sections without."""
        if orden not in ORDENES:
            raise FrameworkError(f"Orden «{orden}» desconocido: use «nacional» o «territorial».")
        if self.deadlines is None:
            return None
        return self.deadlines.nacional if orden == "nacional" else self.deadlines.territorial

    def criterion_keys(self) -> frozenset[str]:
        """The keys of this phase's criteria."""
        return frozenset(c.key for c in self.criteria)

    def wants_url(self, criterion: Criterion) -> bool:
        """Whether the item's evidence must be a link."""
        return self.evidence_url if criterion.evidence_url is None else criterion.evidence_url


class Window(_Model):
    """Dates an obligation is open, as announced for one year (e.g. FURAG's)."""

    opens: date = Field(strict=True)
    closes: date = Field(strict=True)
    sources: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _in_order(self) -> Window:
        if self.closes < self.opens:
            raise ValueError(
                f"cierra ({self.closes.isoformat()}) antes de abrir ({self.opens.isoformat()})"
            )
        return self


class Obligation(_Model):
    """Something the entity reports or publishes on a calendar: plan de acción, FURAG…

    `due` is a confirmed yearly date (MM-DD). `at_informe_end` ties it to the end of the
    committee's informe period. Otherwise the dates are not confirmed: the file lists the
    `windows` announced so far and the coordinador sets the rest (/calendario).
    """

    key: str = Field(pattern=PHASE_KEY, max_length=40)
    name: str = Field(min_length=1)
    norm: str | None = None
    due: str | None = Field(default=None, pattern=MONTH_DAY)
    periodicity: Periodicity | None = None
    at_informe_end: bool = False
    # The section whose items it publishes: its warnings offer to review them.
    section: str | None = None
    windows: tuple[Window, ...] = ()
    sources: tuple[str, ...] = ()

    @field_validator("sources")
    @classmethod
    def _source_ids(cls, sources: tuple[str, ...]) -> tuple[str, ...]:
        return _check_source_ids(sources)

    @model_validator(mode="after")
    def _one_rule(self) -> Obligation:
        if self.due is not None and self.at_informe_end:
            raise ValueError("use «due» o «at_informe_end», no los dos")
        return self

    @property
    def configurable(self) -> bool:
        """Whether its dates come from the coordinador (none is confirmed for every year)."""
        return self.due is None and not self.at_informe_end


class Vocabulary(_Model):
    """How the bot speaks of this framework."""

    section: Literal["fase", "sección"] = "fase"
    sections: Literal["fases", "secciones"] = "fases"
    committee: str = Field(default="Comité de Gobierno en Línea", min_length=1)


class Framework(_Model):
    """A set of ordered sections with their items, e.g. Decreto 1151 de 2008."""

    id: str = Field(pattern=PHASE_KEY, max_length=60)
    name: str = Field(min_length=1)
    short_name: str | None = None  # for charts and tables
    norm: str | None = None
    source: str | None = None
    # The days the framework was in force (until: None while it still is).
    valid_from: date | None = Field(default=None, strict=True)
    valid_until: date | None = Field(default=None, strict=True)
    deadline: date | None = Field(default=None, strict=True)  # to implement it, if one date
    vocabulary: Vocabulary = Vocabulary()
    position: int = 100  # where it goes among the frameworks a committee follows
    # Source id (S1…) → what it is; items cite them by id.
    sources: dict[str, str] = {}
    attribution: str | None = None  # licence line of text reused from the source (CC BY 4.0)
    calendar: tuple[Obligation, ...] = ()
    phases: tuple[Phase, ...] = Field(min_length=1)

    @field_validator("phases")
    @classmethod
    def _phases_consistent(cls, phases: tuple[Phase, ...]) -> tuple[Phase, ...]:
        seen_phases: dict[str, int] = {}
        seen_criteria: dict[str, str] = {}
        seen_numerals: dict[str, str] = {}
        for number, phase in enumerate(phases, start=1):
            where = f"fase {number} («{phase.key}»)"
            if phase.key in seen_phases:
                raise ValueError(
                    f"{where}, campo «key»: la clave ya la usa la fase {seen_phases[phase.key]}"
                )
            seen_phases[phase.key] = number
            for c_number, criterion in enumerate(phase.criteria, start=1):
                if criterion.key in seen_criteria:
                    raise ValueError(
                        f"{where}, criterio {c_number}, campo «key»: la clave «{criterion.key}» "
                        f"ya se usa en la fase «{seen_criteria[criterion.key]}»; "
                        "cada criterio necesita una clave propia"
                    )
                seen_criteria[criterion.key] = phase.key
                if criterion.numeral is None:
                    continue
                if criterion.numeral in seen_numerals:
                    raise ValueError(
                        f"{where}, criterio {c_number}, campo «numeral»: «{criterion.numeral}» "
                        f"ya es el numeral de «{seen_numerals[criterion.numeral]}»"
                    )
                seen_numerals[criterion.numeral] = criterion.key
        # Phases are stages: a later one can't fall due before an earlier one.
        dated = [p for p in phases if p.deadlines is not None]
        for earlier, later in itertools.pairwise(dated):
            for orden in ORDENES:
                before, after = earlier.deadline_for(orden), later.deadline_for(orden)
                if before is not None and after is not None and after < before:
                    raise ValueError(
                        f"fase «{later.key}», campo «deadlines.{orden}»: "
                        f"{after.isoformat()} es anterior al plazo de la "
                        f"fase previa «{earlier.key}» ({before.isoformat()}); "
                        "las fases deben ir en orden"
                    )
        return phases

    @model_validator(mode="after")
    def _references(self) -> Framework:
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until < self.valid_from
        ):
            raise ValueError("campo «valid_until»: es anterior a «valid_from»")
        for number, phase in enumerate(self.phases, start=1):
            cited = [(f"fase {number} («{phase.key}»)", phase.sources)]
            cited += [
                (f"fase {number} («{phase.key}»), criterio {n} («{c.key}»)", c.sources)
                for n, c in enumerate(phase.criteria, start=1)
            ]
            for where, ids in cited:
                self._check_cited(where, ids)
        sections = {p.key for p in self.phases}
        for number, obligation in enumerate(self.calendar, start=1):
            where = f"calendario {number} («{obligation.key}»)"
            self._check_cited(where, obligation.sources)
            if obligation.section is not None and obligation.section not in sections:
                raise ValueError(
                    f"{where}, campo «section»: «{obligation.section}» no es una sección del marco"
                )
        keys = [o.key for o in self.calendar]
        repeated = _repeated(keys)
        if repeated:
            raise ValueError(f"calendario, campo «key»: «{repeated}» está repetida")
        return self

    def _check_cited(self, where: str, ids: tuple[str, ...]) -> None:
        for source_id in ids:
            if source_id not in self.sources:
                raise ValueError(
                    f"{where}, campo «sources»: «{source_id}» no está en «sources» del marco"
                )

    def phase(self, key: str) -> Phase:
        """The phase with this key."""
        for phase in self.phases:
            if phase.key == key:
                return phase
        known = ", ".join(p.key for p in self.phases)
        raise FrameworkError(f"El marco «{self.id}» no tiene la fase «{key}» (tiene: {known}).")

    def criterion(self, key: str) -> Criterion:
        """The criterion with this key, in whichever phase it is."""
        for phase in self.phases:
            for criterion in phase.criteria:
                if criterion.key == key:
                    return criterion
        raise FrameworkError(f"El marco «{self.id}» no tiene el criterio «{key}».")

    def phase_of(self, criterion_key: str) -> Phase:
        """The phase a criterion belongs to."""
        for phase in self.phases:
            if criterion_key in phase.criterion_keys():
                return phase
        raise FrameworkError(f"El marco «{self.id}» no tiene el criterio «{criterion_key}».")

    def in_force_on(self, day: date) -> bool:
        """Whether the framework was in force that day."""
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_until is None or day <= self.valid_until)

    def norm_of(self, phase: Phase, criterion: Criterion) -> str | None:
        """The norm that requires the item: its own, else its section's, else the framework's."""
        return criterion.norm or phase.norm or self.norm


def _check_source_ids(sources: tuple[str, ...]) -> tuple[str, ...]:
    import re

    for source_id in sources:
        if not re.fullmatch(SOURCE_ID, source_id):
            raise ValueError(f"«{source_id}» no es un identificador de fuente (S1, S2…)")
    return sources


def _repeated(values: list[str] | tuple[str, ...]) -> str | None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None

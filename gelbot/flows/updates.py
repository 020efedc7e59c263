"""The `updates:` a flow file declares, and the `when` that gates effects and branches.

The effects are a closed set, each a pydantic model with its parameters; the file names one
per item (`- indicator_reading: {indicator: …, value_from: …}`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gelbot.domain.spanish import normalize

KEY = r"^[a-z][a-z0-9_]*$"
ANSWERED = "respondida"  # `when` values every type understands
SKIPPED = "omitida"
Frequency = Literal["semanal", "mensual", "trimestral", "semestral", "anual", "unica"]


class Model(BaseModel):
    # Frozen, so a loaded flow can be shared; extra keys are typos worth reporting.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def slug(text: str) -> str:
    """A choice value from its label: "Taller o capacitación" → "taller_o_capacitacion"."""
    found = re.sub(r"[^a-z0-9]+", "_", normalize(text)).strip("_")[:40]
    return found if re.match(KEY, found) else f"o_{found}"[:40].rstrip("_")


def yes_no(value: Any) -> bool | None:
    """`when: no` is False in YAML, but `when: "no"` and `when: sí` are strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and normalize(value) in {"si", "no"}:
        return normalize(value) == "si"
    return None


class NumberRange(Model):
    min: float | None = None
    max: float | None = None


def when_value(value: Any) -> Any:
    """Normalise a `when`: a range mapping, a number, or a string/boolean as written."""
    if isinstance(value, dict):
        return NumberRange.model_validate(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if value is None or isinstance(value, bool | str):
        return value
    raise ValueError("debe ser un valor (sí/no, un número, una opción) o {min: …, max: …}")


def matches(when: Any, value: Any, skipped: bool) -> bool:
    """Whether an answer (its parsed value, or skipped) satisfies a `when`."""
    if when is None:
        return True
    if when == SKIPPED:
        return skipped
    if when == ANSWERED:
        return not skipped
    if skipped:
        return False
    if isinstance(value, bool):
        return yes_no(when) is value
    if isinstance(when, NumberRange):
        return isinstance(value, int | float) and (
            (when.min is None or value >= when.min) and (when.max is None or value <= when.max)
        )
    if isinstance(when, float):
        return isinstance(value, int | float) and float(value) == when
    return isinstance(when, str) and value == when


# --- effects: what an answer updates -------------------------------------------------------------


class _Effect(Model):
    when: Annotated[Any, Field(default=None)]

    @field_validator("when", mode="before")
    @classmethod
    def _normalise_when(cls, value: Any) -> Any:
        return when_value(value)

    def references(self) -> dict[str, str]:
        """The questions this effect reads, by field name."""
        found: dict[str, str] = {}
        for name, value in self:
            if name.endswith("_from") and isinstance(value, str):
                found[name] = value
            elif name.endswith("_from") and isinstance(value, tuple):
                found.update({f"{name}[{i}]": v for i, v in enumerate(value)})
        return found


class IndicatorReadingEffect(_Effect):
    """Record the indicator's reading for the subject's week (or today's period)."""

    effect: Literal["indicator_reading"]
    indicator: str = Field(pattern=KEY, max_length=80)
    value_from: str | None = None  # default: the question the effect is on
    value: float | None = None  # a fixed value instead ("no" → 0)
    details_from: tuple[str, ...] = ()
    name: str | None = Field(None, max_length=300)
    meta: float | None = None
    unit: str | None = Field(None, max_length=60)
    frequency: Frequency = "semanal"

    @model_validator(mode="after")
    def _one_value(self) -> IndicatorReadingEffect:
        if self.value is not None and self.value_from is not None:
            raise ValueError("use value o value_from, no ambos")
        return self


class CompromisoStatusEffect(_Effect):
    """Mark the subject compromiso cumplido (with result and evidence), en curso or bloqueado."""

    effect: Literal["compromiso_status"]
    status: Literal["cumplido", "en_curso", "bloqueado"]
    result_from: str | None = None
    evidence_from: str | None = None
    note_from: str | None = None


class CompromisoDueDateEffect(_Effect):
    """Move the subject compromiso's due date (the old one stays in its history)."""

    effect: Literal["compromiso_due_date"]
    value_from: str | None = None


class CriterionStatusEffect(_Effect):
    """Mark a criterion met (or not): the current item's, or the one named."""

    effect: Literal["criterion_status"]
    criterion: str | None = Field(None, max_length=120)
    met: bool | None = None
    met_from: str | None = None
    evidence_from: str | None = None
    target_from: str | None = None


class ProgressNoteEffect(_Effect):
    """Keep a member's own account of progress, tied to a compromiso or plan action."""

    effect: Literal["progress_note"]
    text_from: str | None = None
    target_from: str | None = None


class SemesterItemEffect(_Effect):
    """Add a row to the informe's table: a workshop, equipment, an agreement, a difficulty."""

    effect: Literal["semester_item"]
    kind: str | None = Field(None, pattern=KEY, max_length=40)
    kind_from: str | None = None
    accion_from: str | None = None
    resultado_from: str | None = None
    fecha_from: str | None = None
    asistentes_from: str | None = None


Effect = Annotated[
    IndicatorReadingEffect
    | CompromisoStatusEffect
    | CompromisoDueDateEffect
    | CriterionStatusEffect
    | ProgressNoteEffect
    | SemesterItemEffect,
    Field(discriminator="effect"),
]
EFFECT_NAMES = (
    "indicator_reading", "compromiso_status", "compromiso_due_date", "criterion_status",
    "progress_note", "semester_item",
)  # fmt: skip

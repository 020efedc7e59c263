"""GEL frameworks (phases, criteria, deadlines) loaded from data files. No Telegram, no database."""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

DEFAULT_FRAMEWORK_ID = "decreto_1151"
ORDENES = ("nacional", "territorial")

_PHASE_KEY = r"^[a-z][a-z0-9_]*$"
_CRITERION_KEY = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"


class FrameworkError(Exception):
    """A framework file or a lookup in it is wrong; the message says where, in Spanish."""


class _Model(BaseModel):
    # Frozen so a cached framework can be shared safely; extra keys are typos worth reporting.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Deadlines(_Model):
    """The date a phase is due, for national and for territorial entities."""

    # Strict: lax pydantic would read `2008` as seconds since 1970, not as a year.
    nacional: date = Field(strict=True)
    territorial: date = Field(strict=True)


class Criterion(_Model):
    """One item of a phase's checklist, met or not."""

    key: str = Field(pattern=_CRITERION_KEY, max_length=120)
    name: str = Field(min_length=1)
    group: str | None = None
    # A graded criterion (e.g. "Etapas de trámites") records a level instead of a plain yes/no;
    # it still counts as one criterion, met once the committee ticks it.
    levels: tuple[str, ...] = ()

    @field_validator("levels")
    @classmethod
    def _levels_unique(cls, levels: tuple[str, ...]) -> tuple[str, ...]:
        repeated = _repeated(levels)
        if repeated:
            raise ValueError(f"el nivel «{repeated}» está repetido")
        return levels


class Phase(_Model):
    """A phase of the framework: its deadlines and its checklist of criteria."""

    key: str = Field(pattern=_PHASE_KEY, max_length=40)
    name: str = Field(min_length=1)
    deadlines: Deadlines
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    def deadline_for(self, orden: str) -> date:
        """The phase's deadline for an entity of the given orden (nacional or territorial)."""
        if orden == "nacional":
            return self.deadlines.nacional
        if orden == "territorial":
            return self.deadlines.territorial
        raise FrameworkError(f"Orden «{orden}» desconocido: use «nacional» o «territorial».")

    def criterion_keys(self) -> frozenset[str]:
        """The keys of this phase's criteria."""
        return frozenset(c.key for c in self.criteria)


class Framework(_Model):
    """A set of ordered phases with their criteria, e.g. Decreto 1151 de 2008."""

    id: str = Field(pattern=_PHASE_KEY, max_length=60)
    name: str = Field(min_length=1)
    source: str | None = None
    phases: tuple[Phase, ...] = Field(min_length=1)

    @field_validator("phases")
    @classmethod
    def _phases_consistent(cls, phases: tuple[Phase, ...]) -> tuple[Phase, ...]:
        seen_phases: dict[str, int] = {}
        seen_criteria: dict[str, str] = {}
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
        # Phases are stages: a later one can't fall due before an earlier one.
        for earlier, later in itertools.pairwise(phases):
            for orden in ORDENES:
                if later.deadline_for(orden) < earlier.deadline_for(orden):
                    raise ValueError(
                        f"fase «{later.key}», campo «deadlines.{orden}»: "
                        f"{later.deadline_for(orden).isoformat()} es anterior al plazo de la "
                        f"fase previa «{earlier.key}» ({earlier.deadline_for(orden).isoformat()}); "
                        "las fases deben ir en orden"
                    )
        return phases

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


def compliance(phase: Phase, met_keys: Iterable[str]) -> float:
    """Share (0..1) of the phase's criteria that are met; keys of other phases are ignored."""
    keys = phase.criterion_keys()
    return len(keys.intersection(met_keys)) / len(keys)


def load_framework(path: str | os.PathLike[str] | Traversable) -> Framework:
    """Read and validate a framework YAML file."""
    source: Traversable = Path(path) if isinstance(path, str | os.PathLike) else path
    name = source.name
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise FrameworkError(f"{name}: no se pudo leer el archivo ({exc.strerror}).") from exc
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise FrameworkError(f"{name}: el archivo no está en UTF-8.") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (línea {mark.line + 1})" if mark is not None else ""
        raise FrameworkError(f"{name}: el YAML no es válido{line}.") from exc
    except (ValueError, RecursionError) as exc:
        # An impossible date (2008-02-30) or absurd nesting: still just a broken file.
        raise FrameworkError(
            f"{name}: el YAML tiene un valor imposible (una fecha que no existe, un número "
            "gigante) o demasiados niveles anidados."
        ) from exc
    if not isinstance(data, dict):
        raise FrameworkError(f"{name}: se esperaba un mapeo con id, name y phases.")
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(f"{name}, {_describe(exc.errors()[0], data)}") from exc


def _shipped_dir() -> Traversable:
    return resources.files("gelbot").joinpath("data", "frameworks")


def default_framework() -> Framework:
    """The framework shipped with gelbot: Decreto 1151 de 2008."""
    return get_framework(DEFAULT_FRAMEWORK_ID)


def available_frameworks() -> dict[str, Framework]:
    """Every framework shipped with gelbot, by id."""
    found: dict[str, Framework] = {}
    for entry in sorted(_shipped_dir().iterdir(), key=lambda e: e.name):
        if not entry.name.endswith((".yaml", ".yml")):
            continue
        framework = load_framework(entry)
        stem = entry.name.rsplit(".", 1)[0]
        # The id is what committees store, so it must be findable from the file name.
        if framework.id != stem:
            raise FrameworkError(
                f"{entry.name}, campo «id»: «{framework.id}» no coincide con el nombre del archivo."
            )
        found[framework.id] = framework
    return found


@functools.lru_cache(maxsize=16)
def get_framework(framework_id: str) -> Framework:
    """The shipped framework with this id (read once; frameworks are frozen)."""
    # The id may come from a user or the database: never let it walk out of the data folder.
    if re.fullmatch(_PHASE_KEY, framework_id):
        for suffix in (".yaml", ".yml"):
            entry = _shipped_dir().joinpath(framework_id + suffix)
            if entry.is_file():
                return load_framework(entry)
    raise FrameworkError(f"No existe el marco «{framework_id}».")


_MESSAGES = {
    "missing": "falta",
    "extra_forbidden": "no es un campo conocido",
    "string_type": "debe ser texto",
    "string_too_short": "no puede estar vacío",
    "string_pattern_mismatch": (
        "use solo minúsculas sin tildes, dígitos, «_» y «.» (por ejemplo informacion.mision_vision)"
    ),
    "too_short": "no puede estar vacío",
    "tuple_type": "debe ser una lista",
    "model_type": "debe ser un mapeo (clave: valor)",
    "date_type": "debe ser una fecha AAAA-MM-DD, por ejemplo 2008-11-01",
    "date_parsing": "debe ser una fecha AAAA-MM-DD, por ejemplo 2008-11-01",
    "date_from_datetime_inexact": "debe ser una fecha sin hora, por ejemplo 2008-11-01",
    "date_from_datetime_parsing": "debe ser una fecha AAAA-MM-DD, por ejemplo 2008-11-01",
}


def _describe(error: ErrorDetails, data: dict[str, Any]) -> str:
    """Where in the file the error is (phase, criterion, field) and what is wrong, in Spanish."""
    loc: Sequence[int | str] = error["loc"]
    if error["type"] == "value_error":
        cause = str(error.get("ctx", {}).get("error", error["msg"]))
        if tuple(loc) == ("phases",):
            # The cross-phase checks already name the phase and field.
            return cause
        what = cause
    else:
        what = _MESSAGES.get(error["type"], error["msg"])
    parts: list[str] = []
    if len(loc) >= 2 and loc[0] == "phases" and isinstance(loc[1], int):
        phases = data.get("phases")
        phase_raw = phases[loc[1]] if isinstance(phases, list) and loc[1] < len(phases) else None
        parts.append(f"fase {loc[1] + 1}{_key_hint(phase_raw)}")
        loc = loc[2:]
        if len(loc) >= 2 and loc[0] == "criteria" and isinstance(loc[1], int):
            criteria = phase_raw.get("criteria") if isinstance(phase_raw, dict) else None
            c_raw = (
                criteria[loc[1]] if isinstance(criteria, list) and loc[1] < len(criteria) else None
            )
            parts.append(f"criterio {loc[1] + 1}{_key_hint(c_raw)}")
            loc = loc[2:]
    if loc:
        parts.append("campo «" + ".".join(str(p) for p in loc) + "»")
    return ", ".join(parts or ["el marco"]) + f": {what}."


def _key_hint(raw: object) -> str:
    key = raw.get("key") if isinstance(raw, dict) else None
    return f" («{key}»)" if isinstance(key, str) else ""


def _repeated(values: Sequence[str]) -> str | None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None

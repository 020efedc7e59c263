"""Framework files (sections, items, deadlines, calendar) and where gelbot finds them.

The schema lives in framework_schema; this module reads, validates and caches the files.
No Telegram, no database.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from gelbot.domain.framework_schema import (
    ORDENES,
    PHASE_KEY,
    Criterion,
    Deadlines,
    Framework,
    FrameworkError,
    Obligation,
    Periodicity,
    Phase,
    Vocabulary,
    Window,
)

__all__ = [
    "DEFAULT_FRAMEWORK_ID",
    "ORDENES",
    "Criterion",
    "Deadlines",
    "Framework",
    "FrameworkError",
    "Obligation",
    "Periodicity",
    "Phase",
    "Vocabulary",
    "Window",
    "available_frameworks",
    "check_framework_files",
    "compliance",
    "default_framework",
    "framework_files",
    "frameworks_in_force",
    "get_framework",
    "load_framework",
]

DEFAULT_FRAMEWORK_ID = "decreto_1151"


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


def framework_files(folder: Path | Traversable | None = None) -> list[Traversable]:
    """The framework files shipped with gelbot (or in `folder`), in name order."""
    where = folder if folder is not None else _shipped_dir()
    return sorted(
        (e for e in where.iterdir() if e.name.endswith((".yaml", ".yml")) and e.is_file()),
        key=lambda e: e.name,
    )


def check_framework_files(
    paths: Iterable[Path | Traversable],
) -> list[tuple[Path | Traversable, str | None]]:
    """Each file with its error (None when valid), including keys two files share.

    Committees may follow several frameworks at once and their standing is stored by section
    and item key, so a key may belong to one framework only.
    """
    results: list[tuple[Path | Traversable, str | None]] = []
    owners: dict[str, str] = {}
    for path in paths:
        try:
            framework = load_framework(path)
        except FrameworkError as error:
            results.append((path, str(error)))
            continue
        stem = path.name.rsplit(".", 1)[0]
        problem = None
        # The id is what committees store, so it must be findable from the file name.
        if framework.id != stem:
            problem = (
                f"{path.name}, campo «id»: «{framework.id}» no coincide con el nombre del archivo."
            )
        keys = [("el marco", framework.id)]
        for phase in framework.phases:
            keys.append((f"la fase «{phase.key}»", phase.key))
            keys += [(f"el criterio «{c.key}»", c.key) for c in phase.criteria]
        for what, key in keys:
            if problem is None and key in owners and owners[key] != path.name:
                problem = f"{path.name}: la clave de {what} ya la usa {owners[key]}."
        if problem is None:
            owners.update({key: path.name for _, key in keys})
        results.append((path, problem))
    return results


@functools.cache
def available_frameworks() -> dict[str, Framework]:
    """Every framework shipped with gelbot, by id; validated once (at start)."""
    files = framework_files()
    problems = [problem for _, problem in check_framework_files(files) if problem]
    if problems:
        raise FrameworkError(" ".join(problems))
    return {framework.id: framework for framework in (load_framework(f) for f in files)}


def frameworks_in_force(day: date) -> list[Framework]:
    """The shipped frameworks in force on `day`; if none, the latest that had started.

    gelbot does not ship the rules between Decreto 1151 (repealed in 2012) and Res. 1519
    (2020); a committee registered in between keeps the last ones it has.
    """
    shipped = list(available_frameworks().values())
    found = [f for f in shipped if f.in_force_on(day)]
    if found:
        return sorted(found, key=lambda f: (f.position, f.id))
    started = [f for f in shipped if f.valid_from is None or f.valid_from <= day]
    latest = max((f.valid_from or date.min for f in started), default=None)
    fallback = [f for f in started if (f.valid_from or date.min) == latest]
    return fallback or [default_framework()]


@functools.lru_cache(maxsize=16)
def get_framework(framework_id: str) -> Framework:
    """The shipped framework with this id (read once; frameworks are frozen)."""
    # The id may come from a user or the database: never let it walk out of the data folder.
    if re.fullmatch(PHASE_KEY, framework_id):
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
    "enum": "debe ser uno de: " + ", ".join(p.value for p in Periodicity),
    "bool_type": "debe ser true o false",
    "bool_parsing": "debe ser true o false",
    "dict_type": "debe ser un mapeo (clave: valor)",
    "literal_error": "no es una de las opciones posibles",
}
_PATTERNS = {
    "numeral": "debe ser un numeral como 1.3, 10.2 o CC5",
    "printed_numeral": "debe ser texto",
    "due": "debe ser un día del año MM-DD, por ejemplo 01-31",
}


def _describe(error: ErrorDetails, data: dict[str, Any]) -> str:
    """Where in the file the error is (phase, criterion, field) and what is wrong, in Spanish."""
    loc: Sequence[int | str] = error["loc"]
    if error["type"] == "value_error":
        cause = str(error.get("ctx", {}).get("error", error["msg"]))
        if tuple(loc) in {("phases",), ()}:
            # The cross-phase checks already name the phase and field.
            return cause
        what = cause
    elif error["type"] == "string_pattern_mismatch" and loc and loc[-1] in _PATTERNS:
        what = _PATTERNS[str(loc[-1])]
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

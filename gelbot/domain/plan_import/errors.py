"""PlanImportError, and pydantic validation errors explained in Spanish with where to fix them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from gelbot.domain.plan_import.models import (
    _META_HINT,
    FRECUENCIAS,
    AccionPlan,
    Indicador,
    PlanDeAccion,
    ProyectoMatriz,
    _FieldError,
    _show,
)


class PlanImportError(Exception):
    """A plan file that can't be read; the message tells a person where and how to fix it."""

    def __init__(
        self,
        message: str,
        *,
        row: int | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.field = field
        self.line = line


@dataclass(frozen=True)
class _Place:
    """Where an error is, as a person reads the file."""

    where: str
    row: int | None
    line: int | None
    field: str | None


def _plan_error(
    exc: ValidationError, locate: Callable[[tuple[int | str, ...]], _Place]
) -> PlanImportError:
    """Up to five problems, one per line; the first one fills the error's row, line and field."""
    messages: list[str] = []
    places: list[_Place] = []
    for error in exc.errors()[:5]:
        loc, problem = _explain(error)
        place = locate(loc)
        messages.append(f"{place.where}: {problem}")
        places.append(place)
    first = places[0]
    return PlanImportError("\n".join(messages), row=first.row, field=first.field, line=first.line)


_HINTS = {
    "accion": "Escriba qué se va a hacer, por ejemplo «Actualizar el sitio web».",
    "proyecto": "Escriba el nombre del proyecto.",
    "nombre": "Escriba el nombre del indicador, por ejemplo «Actualizaciones del sitio web».",
    "meta": _META_HINT,
    "frecuencia": f"Use una de: {', '.join(FRECUENCIAS)}.",
    "responsables": "Escriba al menos un cargo o persona; separe varios con « | ».",
    "indicadores": "Cada acción necesita al menos un indicador con nombre, meta y frecuencia.",
    "vigencia": "Escriba el año, por ejemplo 2009.",
    "fecha": "Escriba la fecha como AAAA-MM-DD, por ejemplo 2009-09-21.",
    "acciones": "El plan necesita al menos una acción.",
    "clave": "Use solo minúsculas sin tildes, dígitos y «_», por ejemplo sitio_web_semanal.",
}

_FIELDS_BY_DEPTH = {
    "plan": PlanDeAccion.model_fields,
    "accion": AccionPlan.model_fields,
    "proyecto": ProyectoMatriz.model_fields,
    "indicador": Indicador.model_fields,
}


def _explain(error: ErrorDetails) -> tuple[tuple[int | str, ...], str]:
    """The error's location and what to do about it, in Spanish."""
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, _FieldError):
        loc = (*loc, cause.field)
    field_name = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
    hint = _HINTS.get(field_name or "", "")
    if kind == "value_error":
        return loc, _sentence(str(cause if cause is not None else error["msg"]))
    if kind == "missing":
        problem = "falta."
    elif kind == "extra_forbidden":
        owner = _owner(loc)
        valid = ", ".join(_FIELDS_BY_DEPTH[owner])
        problem = f"no es un campo conocido. Los campos válidos aquí son: {valid}."
        hint = ""
    elif kind in {"string_too_short", "too_short"}:
        problem = "está vacío."
    elif kind == "string_type":
        problem = f"debe ser texto, no {_show(value)}."
    elif kind == "list_type":
        problem = "debe ser una lista."
    elif kind in {"model_type", "model_attributes_type", "dict_type"}:
        problem = "debe ser un bloque de campos (campo: valor)."
    elif kind.startswith("int_") or kind in {"greater_than_equal", "less_than_equal"}:
        problem = f"«{_show(value)}» no es un año válido."
    elif kind.startswith("date_"):
        problem = f"«{_show(value)}» no es una fecha válida."
    elif kind == "string_pattern_mismatch":
        problem = f"«{_show(value)}» no sirve como clave."
    elif kind == "literal_error":
        problem = f"«{_show(value)}» no es un valor válido."
    else:
        problem = "tiene un valor que no es válido."
    return loc, f"{problem} {hint}".strip()


def _owner(loc: tuple[int | str, ...]) -> str:
    owner = "plan"
    for step in loc[:-1]:
        if step == "acciones":
            owner = "accion"
        elif step == "proyectos":
            owner = "proyecto"
        elif step == "indicadores":
            owner = "indicador"
    return owner


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."

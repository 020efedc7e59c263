"""The plan de acción as validated pydantic models, and the cleaning of the values people type."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

MAX_BYTES = 1024 * 1024
MAX_ROWS = 500

# The same values as the database's Frequency enum: a plan file can't ask for a rhythm the
# reminders don't know.
Frecuencia = Literal["semanal", "mensual", "trimestral", "semestral", "anual", "unica"]
FRECUENCIAS: tuple[str, ...] = get_args(Frecuencia)


class _FieldError(ValueError):
    """A cross-field check that still belongs to one field (so the message can name it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# --- value cleaning shared by YAML and CSV -------------------------------------------------


def _as_text(value: object) -> object:
    # YAML turns `tiempos: 2011` or `tiempos: 4` into numbers; a person meant text.
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:g}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _as_optional_text(value: object) -> object:
    value = _as_text(value)
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _as_list(value: object) -> object:
    # A single cargo written without brackets is still a list of one.
    if value is None:
        return []
    if isinstance(value, str | int | float | date) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, list):
        cleaned = [_as_text(item) for item in value]
        return [item for item in cleaned if not (isinstance(item, str) and not item.strip())]
    return value


def _normalize(text: str) -> str:
    """Lowercase, without accents, single spaces: how headers and frequencies are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().replace("_", " ").split())


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_THOUSANDS = re.compile(r"\d{1,3}[.,]\d{3}")
_META_HINT = "Escriba un número, por ejemplo 12."


def _show(value: object) -> str:
    if isinstance(value, list | tuple):
        return "una lista"
    if isinstance(value, dict):
        return "un bloque de campos"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse_meta(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"«{_show(value)}» no es un número. {_META_HINT}")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise ValueError(f"«{_show(value)}» es demasiado grande. {_META_HINT}") from None
    elif isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
        if not text:
            return None
        if _THOUSANDS.fullmatch(text):
            whole, decimal = text.replace(".", "").replace(",", ""), float(text.replace(",", "."))
            raise ValueError(
                f"«{value.strip()}» es ambiguo: ¿{whole} o {decimal:g}? Escriba {whole} sin punto "
                f"ni coma, o {decimal:g}."
            )
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"«{_show(value.strip())}» no es un número. {_META_HINT}")
        number = float(text.replace(",", "."))
    else:
        raise ValueError(f"«{_show(value)}» no es un número. {_META_HINT}")
    if not math.isfinite(number):
        raise ValueError(f"«{_show(value)}» no es un número. {_META_HINT}")
    if number < 0:
        raise ValueError(f"«{_show(value)}» es negativo. Escriba una meta de 0 en adelante.")
    return number


def _parse_frecuencia(value: object) -> object:
    if not isinstance(value, str):
        return value
    normalized = _normalize(value)
    if normalized in FRECUENCIAS:
        return normalized
    choices = ", ".join(FRECUENCIAS)
    if normalized in {"diaria", "diario"}:
        raise ValueError(
            f"«{_show(value)}» no está entre las frecuencias ({choices}). Para una tarea diaria "
            "use semanal con meta 5 (días hábiles)."
        )
    raise ValueError(f"«{_show(value)}» no es una frecuencia válida. Use una de: {choices}.")


def _reject_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError(f"«{value}» no es un año. Escriba el año, por ejemplo 2009.")
    return value


Texto = Annotated[str, BeforeValidator(_as_text), Field(min_length=1)]
TextoOpcional = Annotated[str | None, BeforeValidator(_as_optional_text)]
ListaDeTextos = Annotated[list[Texto], BeforeValidator(_as_list)]
# Constraints sit inside the union so a blank value (None) never reaches them.
Clave = Annotated[
    Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)] | None,
    BeforeValidator(_as_optional_text),
]
Anio = Annotated[
    Annotated[int, Field(ge=1990, le=2100)] | None,
    BeforeValidator(_reject_bool),
    BeforeValidator(_as_optional_text),
]


class _Model(BaseModel):
    # Unknown keys are usually typos ("beneficio:") that would otherwise vanish silently.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Indicador(_Model):
    """An indicador de gestión: a target (meta) per period of its frecuencia."""

    nombre: Texto
    # Meta per period of `frecuencia` (for `unica`, the total): "12 veces al año" with
    # frecuencia mensual is meta 1. None when the plan states no number ("Excelente").
    meta: Annotated[float | None, BeforeValidator(_parse_meta)] = None
    unidad: TextoOpcional = None
    frecuencia: Annotated[Frecuencia, BeforeValidator(_parse_frecuencia)]
    formula: TextoOpcional = None
    meta_texto: TextoOpcional = None
    # Lets the bot find a specific indicator again (e.g. "sitio_web_semanal" for the weekly
    # web-site reminder) across re-imports.
    clave: Clave = None

    @model_validator(mode="before")
    @classmethod
    def _percent_means_unit(cls, data: Any) -> Any:
        # "100%" in the meta cell says the unit too.
        if isinstance(data, dict):
            meta, unidad = data.get("meta"), data.get("unidad")
            if isinstance(meta, str) and meta.strip().endswith("%") and not unidad:
                return {**data, "unidad": "%"}
        return data

    @model_validator(mode="after")
    def _meta_or_text(self) -> Indicador:
        if self.meta is None and self.meta_texto is None:
            raise _FieldError("meta", f"falta la meta. {_META_HINT}")
        return self


class AccionPlan(_Model):
    """One row of the plan de acción (its Marco Operativo)."""

    accion: Texto
    beneficios: TextoOpcional = None
    indicadores: list[Indicador] = Field(min_length=1)
    actividades: ListaDeTextos = []
    responsables: Annotated[list[Texto], BeforeValidator(_as_list), Field(min_length=1)]
    recursos: ListaDeTextos = []
    tiempos: TextoOpcional = None


class ProyectoMatriz(_Model):
    """A row of a plan's project matrix (Mocoa's Tabla 1): a project tied to a GEL phase."""

    eje: TextoOpcional = None
    linea_estrategica: TextoOpcional = None
    proyecto: Texto
    indicadores: list[Indicador] = Field(min_length=1)
    fase: TextoOpcional = None
    criterios: TextoOpcional = None


class PlanDeAccion(_Model):
    """A whole plan de acción: who it belongs to and its acciones."""

    entidad: TextoOpcional = None
    municipio: TextoOpcional = None
    departamento: TextoOpcional = None
    vigencia: Anio = None
    fecha: date | None = None
    documento: TextoOpcional = None
    acciones: list[AccionPlan] = Field(min_length=1)
    proyectos: list[ProyectoMatriz] = []

    @field_validator("fecha", mode="before")
    @classmethod
    def _blank_fecha(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _claves_unique(self) -> PlanDeAccion:
        seen: set[str] = set()
        for indicador in self.indicadores() + [i for p in self.proyectos for i in p.indicadores]:
            if indicador.clave in seen:
                raise ValueError(
                    f"la clave de indicador «{indicador.clave}» está repetida; "
                    "cada indicador necesita una clave distinta o ninguna"
                )
            if indicador.clave is not None:
                seen.add(indicador.clave)
        return self

    def indicadores(self) -> list[Indicador]:
        """Every indicator of the plan's acciones, in order."""
        return [i for accion in self.acciones for i in accion.indicadores]

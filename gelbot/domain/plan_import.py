"""Plan de acción files (YAML or CSV) read into validated models. No Telegram, no database."""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

MAX_BYTES = 1024 * 1024
MAX_ROWS = 500

# The same values as the database's Frequency enum: a plan file can't ask for a rhythm the
# reminders don't know.
Frecuencia = Literal["semanal", "mensual", "trimestral", "semestral", "anual", "unica"]
FRECUENCIAS: tuple[str, ...] = get_args(Frecuencia)

# One row per indicator; list cells hold several values separated by « | ».
CSV_COLUMNS = (
    "accion", "beneficios", "indicador", "meta", "unidad", "frecuencia", "actividades",
    "responsables", "recursos", "tiempos",
)  # fmt: skip
CSV_OPTIONAL_COLUMNS = (
    "meta_texto", "formula", "clave", "entidad", "municipio", "departamento", "vigencia", "fecha",
    "documento",
)  # fmt: skip
_REQUIRED_CSV_COLUMNS = ("accion", "indicador", "meta", "frecuencia", "responsables")


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


# --- entry point ---------------------------------------------------------------------------


def parse_plan(data: bytes, filename: str) -> PlanDeAccion:
    """Read a plan de acción from a YAML or CSV file's bytes; bad input raises PlanImportError."""
    if len(data) > MAX_BYTES:
        raise PlanImportError(
            f"El archivo pesa {len(data) / (1024 * 1024):.1f} MB y el máximo es 1 MB. "
            "Divida el plan en varios archivos o quite lo que no sea el plan."
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in {"xlsx", "xls", "ods"} or data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise PlanImportError(
            "Parece una hoja de cálculo (Excel u otra). Guárdela como CSV "
            "(Archivo → Guardar como → CSV UTF-8) y envíe ese archivo."
        )
    text = _decode(data)
    if extension in {"yaml", "yml"}:
        return _parse_yaml(text)
    if extension in {"csv", "tsv"}:
        return _parse_csv(text)
    return _parse_csv(text) if _looks_like_csv(text) else _parse_yaml(text)


def _decode(data: bytes) -> str:
    # Excel on Windows saves CSV as cp1252 unless asked for UTF-8; latin-1 never fails.
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\x00", "")
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _looks_like_csv(text: str) -> bool:
    header = _first_line(text)
    return header is not None and _best_delimiter(header)[1] > 0


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line
    return None


# --- YAML ----------------------------------------------------------------------------------


# libyaml is ~10x faster than the pure-Python parser on a 1 MB upload; its composer recurses
# without a limit, so _precheck_yaml bounds the nesting before anything is composed.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

_MAX_YAML_DEPTH = 32
# The shipped plans take ~20–40 parser events per indicator; 500 rows fit with room to spare.
_MAX_YAML_EVENTS = 100_000


class _ImpossibleValue(Exception):
    def __init__(self, node: yaml.Node) -> None:
        super().__init__(node.start_mark.line + 1)
        self.line = node.start_mark.line + 1
        self.value = node.value if isinstance(node.value, str) else ""


class _PlanLoader(_SafeLoader):
    """Safe loader that says on which line a value is impossible."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A 2009-02-30 date or a 5000-digit int make the constructors raise plain errors
        # that don't say where; this keeps the line.
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            raise _ImpossibleValue(node) from exc


def _precheck_yaml(text: str) -> None:
    """Refuse aliases, deep nesting and huge documents before building anything from them."""
    loader = _PlanLoader(text)
    try:
        depth = events = 0
        while loader.check_event():
            event = loader.get_event()
            events += 1
            mark = getattr(event, "start_mark", None)
            line = mark.line + 1 if mark is not None else None
            if isinstance(event, yaml.AliasEvent):
                # Aliases let a few lines expand into millions of values.
                raise PlanImportError(
                    f"Línea {line}: el YAML usa anclas o alias (& y *). Escriba cada valor "
                    "completo.",
                    line=line,
                )
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > _MAX_YAML_DEPTH:
                    raise PlanImportError(
                        f"Línea {line}: el YAML tiene demasiados niveles anidados. Un plan "
                        "necesita pocos: acciones → indicadores → campos.",
                        line=line,
                    )
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
            if events > _MAX_YAML_EVENTS:
                raise PlanImportError(
                    "El YAML es demasiado grande para un plan. Divídalo en varios archivos."
                )
    finally:
        loader.dispose()


def _parse_yaml(text: str) -> PlanDeAccion:
    loader: _PlanLoader | None = None
    try:
        _precheck_yaml(text)
        loader = _PlanLoader(text)
        root = loader.get_single_node()
        raw = loader.construct_document(root) if root is not None else None
    except _ImpossibleValue as exc:
        raise PlanImportError(
            f"Línea {exc.line}: «{_show(exc.value)}» no es un valor posible (una fecha que no "
            "existe o un número demasiado largo). Corríjalo.",
            line=exc.line,
        ) from None
    except yaml.reader.ReaderError as exc:
        raise PlanImportError(
            f"El archivo tiene un carácter que no es texto (posición {exc.position + 1}). "
            "Guárdelo como texto UTF-8."
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        where = f" en la línea {line}" if line is not None else ""
        raise PlanImportError(
            f"El archivo no es un YAML válido{where}. Revise la sangría, los dos puntos y las "
            "comillas cerca de esa línea.",
            line=line,
        ) from None
    except (yaml.YAMLError, RecursionError):
        raise PlanImportError(
            "No pude leer el YAML: tiene una forma que no reconozco. Revise el archivo."
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if isinstance(raw, list):
        raw = {"acciones": raw}
    if not isinstance(raw, dict) or "acciones" not in raw:
        raise PlanImportError(
            "El archivo no tiene la forma de un plan de acción: se esperaba «acciones:» con una "
            "lista de acciones (o un CSV con encabezado accion, beneficios, indicador, ...)."
        )
    if any(not isinstance(key, str) for key in raw):
        raise PlanImportError("Los nombres de los campos deben ser texto (por ejemplo «entidad:»).")
    _check_yaml_size(raw)
    try:
        return PlanDeAccion.model_validate(raw)
    except ValidationError as exc:
        raise _plan_error(exc, _yaml_locator(root)) from None


def _check_yaml_size(raw: dict[str, Any]) -> None:
    rows = 0
    for section in ("acciones", "proyectos"):
        items = raw.get(section)
        if not isinstance(items, list):
            continue
        for item in items:
            indicadores = item.get("indicadores") if isinstance(item, dict) else None
            rows += max(1, len(indicadores)) if isinstance(indicadores, list) else 1
    if rows > MAX_ROWS:
        raise PlanImportError(
            f"El plan tiene {rows} filas (una por indicador) y el máximo es {MAX_ROWS}. "
            "Divídalo en varios archivos."
        )


def _yaml_locator(root: yaml.Node | None) -> Callable[[tuple[int | str, ...]], _Place]:
    def locate(loc: tuple[int | str, ...]) -> _Place:
        parts: list[str] = []
        row: int | None = None
        rest = loc
        if len(rest) >= 2 and rest[0] in ("acciones", "proyectos") and isinstance(rest[1], int):
            row = rest[1] + 1
            parts.append(f"{'Acción' if rest[0] == 'acciones' else 'Proyecto'} {row}")
            rest = rest[2:]
            if len(rest) >= 2 and rest[0] == "indicadores" and isinstance(rest[1], int):
                parts.append(f"indicador {rest[1] + 1}")
                rest = rest[2:]
        if rest:
            parts.append(f"campo «{rest[0]}»")
            if len(rest) >= 2 and isinstance(rest[1], int):
                parts.append(f"elemento {rest[1] + 1}")
        line = _yaml_line(root, loc)
        where = ", ".join(parts) if parts else "el plan"
        if line is not None:
            where += f" (línea {line})"
        field_name = str(rest[0]) if rest else None
        return _Place(where[0].upper() + where[1:], row=row, line=line, field=field_name)

    return locate


def _yaml_line(root: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """The 1-based line of the deepest node of `loc` that exists in the YAML document."""
    node = root
    if node is None:
        return None
    path = list(loc)
    # A file that is just the list of acciones was wrapped in {"acciones": ...}.
    if isinstance(root, yaml.SequenceNode) and path[:1] == ["acciones"]:
        path = path[1:]
    line = node.start_mark.line + 1
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == step:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(node.value):
                return line
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


# --- CSV -----------------------------------------------------------------------------------

_ACCION_FIELDS = ("beneficios", "actividades", "responsables", "recursos", "tiempos")
_LIST_FIELDS = {"actividades", "responsables", "recursos"}
_INDICADOR_COLUMNS = {
    "indicador": "nombre",
    "meta": "meta",
    "unidad": "unidad",
    "frecuencia": "frecuencia",
    "meta_texto": "meta_texto",
    "formula": "formula",
    "clave": "clave",
}
_PLAN_COLUMNS = ("entidad", "municipio", "departamento", "vigencia", "fecha", "documento")

# Headers are compared without case or accents; these are the seeds' own column titles.
_COLUMN_ALIASES = {_normalize(c): c for c in CSV_COLUMNS + CSV_OPTIONAL_COLUMNS} | {
    "acciones": "accion",
    "beneficio": "beneficios",
    "beneficios para los ciudadanos": "beneficios",
    "indicadores": "indicador",
    "indicador de gestion": "indicador",
    "indicadores de gestion": "indicador",
    "metas": "meta",
    "actividad": "actividades",
    "responsable": "responsables",
    "recurso": "recursos",
    "tiempo": "tiempos",
}


@dataclass
class _CsvPlace:
    """Which CSV line each part of the assembled plan came from, to point errors at it."""

    accion_lines: list[int] = field(default_factory=list)
    indicador_lines: list[list[int]] = field(default_factory=list)
    plan_lines: dict[str, int] = field(default_factory=dict)

    def locate(self, loc: tuple[int | str, ...]) -> _Place:
        """«Fila N, campo «columna»» for an error in the assembled plan."""
        line: int | None = None
        column = str(loc[0]) if loc else None
        if len(loc) >= 2 and loc[0] == "acciones" and isinstance(loc[1], int):
            line, column = self.accion_lines[loc[1]], "accion"
            rest = loc[2:]
            if len(rest) >= 2 and rest[0] == "indicadores" and isinstance(rest[1], int):
                line = self.indicador_lines[loc[1]][rest[1]]
                inner = str(rest[2]) if len(rest) >= 3 else "indicador"
                column = "indicador" if inner == "nombre" else inner
            elif rest:
                column = "indicador" if rest[0] == "indicadores" else str(rest[0])
        elif column is not None:
            line = self.plan_lines.get(column)
        where = f"Fila {line}" if line is not None else "El archivo"
        if column is not None:
            where += f", campo «{column}»"
        return _Place(where, row=line, line=line, field=column)


def _best_delimiter(header: str) -> tuple[str, int]:
    best, best_score = ",", 0
    for delimiter in (",", ";", "\t"):
        cells = next(csv.reader([header], delimiter=delimiter), [])
        names = {_COLUMN_ALIASES.get(_normalize(cell)) for cell in cells}
        score = len(names - {None}) if "accion" in names and len(cells) > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best, best_score


def _parse_csv(text: str) -> PlanDeAccion:
    raw, place = _read_csv(text)
    try:
        return PlanDeAccion.model_validate(raw)
    except ValidationError as exc:
        raise _plan_error(exc, place.locate) from None


def _read_csv(text: str) -> tuple[dict[str, Any], _CsvPlace]:
    header_line = _first_line(text)
    if header_line is None:
        raise PlanImportError("El archivo está vacío.", row=1)
    delimiter, score = _best_delimiter(header_line)
    if score == 0:
        raise PlanImportError(
            "Fila 1: no encuentro la columna «accion». La primera fila debe tener los nombres de "
            f"las columnas: {', '.join(CSV_COLUMNS)}.",
            row=1,
            field="accion",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: list[str] | None = None
    place = _CsvPlace()
    plan: dict[str, Any] = {}
    acciones: list[dict[str, Any]] = []
    data_rows = 0
    line = 0
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise PlanImportError(
                f"Fila {start}: el CSV no es válido aquí ({exc}). Revise las comillas de esa fila.",
                row=start,
            ) from None
        if cells is None:
            break
        line = start
        values = [cell.strip() for cell in cells]
        if not any(values):
            continue
        if columns is None:
            if values[0].startswith("#"):
                continue
            columns = _header(values, line)
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise PlanImportError(
                f"El archivo tiene más de {MAX_ROWS} filas de datos. Divídalo en varios archivos.",
                row=line,
            )
        if len(values) > len(columns):
            raise PlanImportError(
                f"Fila {line}: tiene {len(values)} celdas y el encabezado {len(columns)} "
                f"columnas. Ponga entre comillas los textos que lleven «{delimiter}».",
                row=line,
            )
        row = dict(zip(columns, values + [""] * (len(columns) - len(values)), strict=True))
        _add_row(row, line, plan, acciones, place)
    if columns is None:
        raise PlanImportError("El archivo está vacío.", row=1)
    if not acciones:
        raise PlanImportError(
            "El archivo no tiene filas debajo del encabezado: agregue al menos una acción.",
            row=line + 1,
        )
    plan["acciones"] = acciones
    return plan, place


def _header(values: list[str], line: int) -> list[str]:
    columns: list[str] = []
    for cell in values:
        name = _COLUMN_ALIASES.get(_normalize(cell))
        if name is None:
            valid = ", ".join(CSV_COLUMNS + CSV_OPTIONAL_COLUMNS)
            raise PlanImportError(
                f"Fila {line}: la columna «{_show(cell)}» no es conocida. "
                f"Columnas válidas: {valid}.",
                row=line,
                field=cell,
            )
        if name in columns:
            raise PlanImportError(
                f"Fila {line}: la columna «{name}» está repetida. Deje una sola.",
                row=line,
                field=name,
            )
        columns.append(name)
    for required in _REQUIRED_CSV_COLUMNS:
        if required not in columns:
            raise PlanImportError(
                f"Fila {line}: falta la columna «{required}». Agréguela al encabezado "
                f"(columnas: {', '.join(CSV_COLUMNS)}).",
                row=line,
                field=required,
            )
    return columns


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _add_row(
    row: dict[str, str],
    line: int,
    plan: dict[str, Any],
    acciones: list[dict[str, Any]],
    place: _CsvPlace,
) -> None:
    for column in _PLAN_COLUMNS:
        given = row.get(column, "")
        if not given:
            continue
        if column not in plan:
            plan[column] = given
            place.plan_lines[column] = line
        elif plan[column] != given:
            raise PlanImportError(
                f"Fila {line}, campo «{column}»: «{_show(given)}» no coincide con la fila "
                f"{place.plan_lines[column]} («{_show(plan[column])}»). Deje la celda vacía o "
                "escriba lo mismo.",
                row=line,
                field=column,
            )
    accion = row.get("accion", "")
    # A row with an empty «accion», or the same text as the row above, adds an indicator to
    # that acción: the way a spreadsheet shows merged cells.
    continues = bool(acciones) and (not accion or accion == acciones[-1]["accion"])
    if not continues:
        acciones.append({"accion": accion, "indicadores": []})
        place.accion_lines.append(line)
        place.indicador_lines.append([])
    current = acciones[-1]
    for column in _ACCION_FIELDS:
        cell = row.get(column, "")
        if not cell:
            continue
        value: str | list[str] = _split(cell) if column in _LIST_FIELDS else cell
        if column not in current:
            current[column] = value
        elif current[column] != value:
            raise PlanImportError(
                f"Fila {line}, campo «{column}»: no coincide con la fila {place.accion_lines[-1]} "
                "de la misma acción. Deje la celda vacía o escriba lo mismo.",
                row=line,
                field=column,
            )
    indicador = {
        key: row[column] for column, key in _INDICADOR_COLUMNS.items() if row.get(column, "")
    }
    if indicador:
        current["indicadores"].append(indicador)
        place.indicador_lines[-1].append(line)


# --- pydantic errors in Spanish ------------------------------------------------------------


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

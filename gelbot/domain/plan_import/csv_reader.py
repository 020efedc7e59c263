"""Read a plan de acción from a CSV (one row per indicator), pointing errors at rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from gelbot.domain.plan_import.errors import PlanImportError, _Place, _plan_error
from gelbot.domain.plan_import.models import MAX_ROWS, PlanDeAccion, _normalize, _show

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


def _looks_like_csv(text: str) -> bool:
    header = _first_line(text)
    return header is not None and _best_delimiter(header)[1] > 0


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line
    return None


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

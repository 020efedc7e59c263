"""Plan de acción files (YAML or CSV) read into validated models. No Telegram, no database."""

from __future__ import annotations

from gelbot.domain.plan_import.csv_reader import (
    CSV_COLUMNS,
    CSV_OPTIONAL_COLUMNS,
    _looks_like_csv,
    _parse_csv,
)
from gelbot.domain.plan_import.errors import PlanImportError
from gelbot.domain.plan_import.models import (
    FRECUENCIAS,
    MAX_BYTES,
    MAX_ROWS,
    AccionPlan,
    Anio,
    Clave,
    Frecuencia,
    Indicador,
    ListaDeTextos,
    PlanDeAccion,
    ProyectoMatriz,
    Texto,
    TextoOpcional,
)
from gelbot.domain.plan_import.yaml_reader import _parse_yaml

__all__ = [
    "CSV_COLUMNS",
    "CSV_OPTIONAL_COLUMNS",
    "FRECUENCIAS",
    "MAX_BYTES",
    "MAX_ROWS",
    "AccionPlan",
    "Anio",
    "Clave",
    "Frecuencia",
    "Indicador",
    "ListaDeTextos",
    "PlanDeAccion",
    "PlanImportError",
    "ProyectoMatriz",
    "Texto",
    "TextoOpcional",
    "parse_plan",
]


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
    if _utf16(data):
        raise PlanImportError(
            "El archivo no está en UTF-8: está en UTF-16 («Texto Unicode» en Excel), y así no "
            "puedo leer sus columnas. Guárdelo como CSV UTF-8 (Archivo → Guardar como → "
            "«CSV UTF-8 (delimitado por comas)») y envíe ese archivo."
        )
    text = _decode(data)
    if extension in {"yaml", "yml"}:
        return _parse_yaml(text)
    if extension in {"csv", "tsv"}:
        return _parse_csv(text)
    return _parse_csv(text) if _looks_like_csv(text) else _parse_yaml(text)


def _utf16(data: bytes) -> bool:
    """A UTF-16 (or UTF-32) file: its byte-order mark, or a zero byte in every other place."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:1000]
    return len(sample) >= 8 and sample.count(0) * 3 >= len(sample)


def _decode(data: bytes) -> str:
    # Excel on Windows saves CSV as cp1252 unless asked for UTF-8; latin-1 never fails.
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\x00", "")
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover

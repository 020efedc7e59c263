"""A framework's state as the matrix the entity fills in (the ITA's columns), as XLSX or CSV.

One row per item: numeral, section, item, the norm that requires it, cumple (SÍ / NO / N.A.), the
evidence URL, the day it was recorded and who recorded it. N.A. is a value of the column the
ITA has: «/criterio 10.1 no aplica» records it (its reason goes in the evidence column).
No Telegram here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, tzinfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.committee_frameworks import frameworks_of
from gelbot.domain.errors import DomainError
from gelbot.domain.framework_schema import Framework
from gelbot.domain.phases import section_label
from gelbot.models import Committee, CriterionStatus, Person

FORMATS = ("xlsx", "csv")
HEADERS = (
    "Numeral", "Sección", "Ítem", "Norma", "Cumple", "Evidencia (URL)", "Fecha", "Registró",
)  # fmt: skip
YES, NO, NOT_APPLICABLE = "SÍ", "NO", "N.A."
_WIDTHS = (10, 34, 70, 40, 8, 50, 12, 28)


@dataclass(frozen=True)
class MatrixRow:
    numeral: str
    section: str
    item: str
    norm: str
    cumple: str
    evidence: str
    recorded_on: date | None
    recorded_by: str

    def cells(self) -> tuple[str, ...]:
        day = self.recorded_on.isoformat() if self.recorded_on else ""
        return (
            self.numeral, self.section, self.item, self.norm, self.cumple, self.evidence, day,
            self.recorded_by,
        )  # fmt: skip


def framework_for_matrix(committee: Committee, framework_id: str | None) -> Framework:
    """The framework to export: the one named, if the committee follows it, or its first."""
    following = frameworks_of(committee)
    if not framework_id:
        return following[0]
    for framework in following:
        if framework.id == framework_id.strip().lower():
            return framework
    raise DomainError("matriz_marco_desconocido", given=framework_id, disponibles=following)


async def matrix_rows(
    session: AsyncSession, committee: Committee, framework: Framework, tz: tzinfo
) -> list[MatrixRow]:
    """Every item of the framework with the committee's standing on it, in the file's order."""
    keys = [c.key for p in framework.phases for c in p.criteria]
    found = await session.execute(
        select(CriterionStatus, Person)
        .outerjoin(Person, Person.id == CriterionStatus.updated_by_id)
        .where(
            CriterionStatus.committee_id == committee.id, CriterionStatus.criterion_key.in_(keys)
        )
    )
    standing = {status.criterion_key: (status, person) for status, person in found}
    rows = []
    number = 0
    for phase in framework.phases:
        for criterion in phase.criteria:
            number += 1
            status, person = standing.get(criterion.key, (None, None))
            rows.append(
                MatrixRow(
                    numeral=criterion.numeral or str(number),
                    section=section_label(phase),
                    item=criterion.name,
                    norm=framework.norm_of(phase, criterion) or "",
                    cumple=_cumple(status),
                    evidence=(status.evidence or "") if status is not None and status.met else "",
                    recorded_on=status.updated_at.astimezone(tz).date() if status else None,
                    recorded_by=person.display_name if person is not None else "",
                )
            )
    return rows


def to_csv(rows: list[MatrixRow]) -> bytes:
    """The matrix as CSV, UTF-8 with a BOM so Excel reads the accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(_safe(row.cells()) for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[MatrixRow], framework: Framework, committee: Committee) -> bytes:
    """The matrix as an Excel workbook: the matrix, then a sheet naming the source."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Matriz"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row.cells())
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            # Evidence is typed by people: text, never a formula Excel would run.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for column, width in zip("ABCDEFGH", _WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Fuente")
    about.append(("Entidad", committee.entity_name))
    about.append(("Marco", framework.name))
    about.append(("Norma", framework.norm or ""))
    if framework.attribution:
        about.append(("Atribución", framework.attribution))
    for source_id, text in framework.sources.items():
        about.append((source_id, text))
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 120
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def export_matrix(
    session: AsyncSession,
    committee_id: int,
    framework_id: str | None,
    formato: str,
    tz: tzinfo,
) -> tuple[Framework, bytes]:
    """The matrix file of one committee's framework (for the CLI); DomainError if it can't."""
    if formato not in FORMATS:
        raise DomainError("matriz_uso")
    committee = await session.get(Committee, committee_id)
    if committee is None:
        raise DomainError("matriz_sin_comite", given=committee_id)
    framework = framework_for_matrix(committee, framework_id)
    rows = await matrix_rows(session, committee, framework, tz)
    content = to_xlsx(rows, framework, committee) if formato == "xlsx" else to_csv(rows)
    return framework, content


def _cumple(status: CriterionStatus | None) -> str:
    if status is None or not status.met:
        return NO
    return NOT_APPLICABLE if status.not_applicable else YES


def _safe(cells: tuple[str, ...]) -> tuple[str, ...]:
    # Evidence is typed by people: in a CSV, a cell starting with = + - @ is a formula to Excel.
    return tuple(f"'{c}" if c[:1] in {"=", "+", "-", "@"} else c for c in cells)

"""The coordinador's review of an informe: leave rows out, edit ACCIÓN, RESULTADOS and FECHA,
merge rows, add rows by hand, and keep it all.

Edits are stored per committee and period (gelbot.models.informe) and applied to a fresh
compilation every time, so the chat, a restart and `gelbot informe` all see the same informe.
No Telegram here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import Any, Literal, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.db import insert_missing
from gelbot.domain.errors import DomainError
from gelbot.domain.informe_periods import InformeKind, InformePeriod
from gelbot.domain.spanish import normalize
from gelbot.informe.compile import DEFAULT_ZONE, compile_informe
from gelbot.informe.document import InformeDocument, InformeRow
from gelbot.informe.edits import (
    Campo,
    apply_edits,
    clean_text,
    manual_key,
    manual_rows,
    place_manual,
)
from gelbot.models import Committee, InformeDraft, InformeManualRow, InformeRowEdit, Person

# Answering an edit question with one of these puts back the text compiled from the record.
RESTORE_WORDS = {"original", "restaurar", "deshacer"}
Section = Literal["avance", "pendiente"]


@dataclass(frozen=True)
class ReviewRow:
    """One row as the review shows it."""

    index: int  # its place in draft.row_keys: what buttons carry
    number: int  # 1-based place in the review, as people read and name it
    section: Section
    row: InformeRow  # as the document will print it (edited, if it was)
    excluded: bool
    rewritten: bool  # any of ACCIÓN, RESULTADOS or FECHA edited
    manual: bool = False  # added by hand
    merged_into: int | None = None  # the number of the row it joined


async def get_draft(session: AsyncSession, draft_id: int) -> InformeDraft | None:
    return await session.get(InformeDraft, draft_id)


async def find_draft(
    session: AsyncSession, committee: Committee, start: date, end: date
) -> InformeDraft | None:
    """The review of this committee's informe for exactly this period, if one was started."""
    return await session.scalar(
        select(InformeDraft).where(
            InformeDraft.committee_id == committee.id,
            InformeDraft.period_start == start,
            InformeDraft.period_end == end,
        )
    )


async def open_draft(
    session: AsyncSession, committee: Committee, period: InformePeriod, *, person: Person,
    now: datetime,
) -> InformeDraft:  # fmt: skip
    """The period's draft, created the first time; an earlier review's edits stay."""
    draft = await find_draft(session, committee, period.start, period.end)
    if draft is None:
        # Two coordinadores opening it at once may reach two gelbot instances: one waits.
        unique = {
            "committee_id": committee.id,
            "period_start": period.start,
            "period_end": period.end,
        }
        values: dict[str, Any] = {"kind": period.kind, "row_keys": [], "created_by_id": person.id,
                                  "created_at": now, "updated_at": now}  # fmt: skip
        await insert_missing(session, cast(Table, InformeDraft.__table__), unique, values)
        draft = await find_draft(session, committee, period.start, period.end)
        assert draft is not None
    draft.kind = period.kind
    return draft


def track(draft: InformeDraft, doc: InformeDocument, manual: list[InformeManualRow]) -> None:
    """Give every row an index in the draft (new rows go to the end, none move)."""
    known = set(draft.row_keys)
    keys = [row.row_key for row in [*doc.rows, *doc.pendientes]]
    keys += [manual_key(m) for m in manual]
    new = [key for key in keys if key not in known]
    if new:
        draft.row_keys = [*draft.row_keys, *new]  # a new list, so the JSON column is saved


async def edits_of(session: AsyncSession, draft: InformeDraft) -> dict[str, InformeRowEdit]:
    rows = await session.scalars(select(InformeRowEdit).where(InformeRowEdit.draft_id == draft.id))
    return {row.row_key: row for row in rows}


async def manual_of(session: AsyncSession, draft: InformeDraft) -> list[InformeManualRow]:
    return list(
        await session.scalars(
            select(InformeManualRow)
            .where(InformeManualRow.draft_id == draft.id)
            .order_by(InformeManualRow.id)
        )
    )


def _edited_row(row: InformeRow, edit: InformeRowEdit | None) -> InformeRow:
    if edit is None:
        return row
    return replace(
        row,
        accion=edit.accion if edit.accion is not None else row.accion,
        resultado=edit.resultado if edit.resultado is not None else row.resultado,
        fecha_texto=edit.fecha_texto if edit.fecha_texto is not None else row.fecha_texto,
    )


def review(
    draft: InformeDraft, doc: InformeDocument, edits: dict[str, InformeRowEdit],
    manual: list[InformeManualRow],
) -> list[ReviewRow]:  # fmt: skip
    """Every row and pendiente, hand-added ones among them, with what was decided about it."""
    index = {key: n for n, key in enumerate(draft.row_keys)}
    avances = place_manual(doc.rows, manual_rows(manual), doc.period_end)
    sections: list[tuple[Section, InformeRow]] = [
        *(("avance", row) for row in avances),
        *(("pendiente", row) for row in doc.pendientes),
    ]
    numbers = {row.row_key: n for n, (_, row) in enumerate(sections, start=1)}
    found: list[ReviewRow] = []
    for number, (section, row) in enumerate(sections, start=1):
        edit = edits.get(row.row_key)
        merged = edit.merged_into if edit is not None else None
        changed = edit is not None and any(
            v is not None for v in (edit.accion, edit.resultado, edit.fecha_texto)
        )
        found.append(
            ReviewRow(
                index=index[row.row_key],
                number=number,
                section=section,
                row=_edited_row(row, edit),
                excluded=edit is not None and edit.excluded,
                rewritten=changed,
                manual=row.row_key.startswith("manual:"),
                merged_into=numbers.get(merged) if merged else None,
            )
        )
    return found


def edited(
    doc: InformeDocument,
    edits: dict[str, InformeRowEdit],
    manual: Sequence[InformeManualRow] = (),
) -> InformeDocument:
    """The document as the coordinador left it: rows out, texts edited, merged, added."""
    avances = place_manual(doc.rows, manual_rows(list(manual)), doc.period_end)
    return replace(
        doc, rows=apply_edits(avances, edits), pendientes=apply_edits(doc.pendientes, edits)
    )


async def _edit(
    session: AsyncSession, draft: InformeDraft, key: str, person: Person, now: datetime
) -> InformeRowEdit:
    query = select(InformeRowEdit).where(
        InformeRowEdit.draft_id == draft.id, InformeRowEdit.row_key == key
    )
    row = await session.scalar(query)
    if row is None:
        unique = {"draft_id": draft.id, "row_key": key}
        values = {"excluded": False, "edited_at": now}
        await insert_missing(session, cast(Table, InformeRowEdit.__table__), unique, values)
        row = await session.scalar(query)
        assert row is not None
    row.edited_by_id, row.edited_at = person.id, now
    draft.updated_at = now
    return row


async def toggle_excluded(
    session: AsyncSession, draft: InformeDraft, key: str, person: Person, now: datetime
) -> bool:
    """Leave the row out, or put it back (a merged row comes back on its own); True if out."""
    row = await _edit(session, draft, key, person, now)
    if row.merged_into is not None:
        row.merged_into, row.excluded = None, False
    else:
        row.excluded = not row.excluded
    await session.flush()
    return row.excluded


async def rewrite(
    session: AsyncSession, draft: InformeDraft, key: str, text: str, person: Person,
    now: datetime, campo: Campo = "resultado",
) -> bool:  # fmt: skip
    """Replace the row's ACCIÓN, RESULTADOS or FECHA; «original» puts back the compiled text."""
    text = clean_text(text, campo)
    row = await _edit(session, draft, key, person, now)
    restore = normalize(text).strip(" .!") in RESTORE_WORDS
    setattr(row, campo, None if restore else text)
    await session.flush()
    return restore


async def merge(
    session: AsyncSession, draft: InformeDraft, keys: list[str], person: Person, now: datetime
) -> None:
    """Join the rows `keys[1:]` into `keys[0]`: one row, their results and dates together."""
    target, *others = keys
    for key in others:
        edit = await _edit(session, draft, key, person, now)
        edit.merged_into, edit.excluded = target, False
        # Rows already joined to this one follow it into the target, so none is lost.
        for joined in await session.scalars(
            select(InformeRowEdit).where(
                InformeRowEdit.draft_id == draft.id, InformeRowEdit.merged_into == key
            )
        ):
            joined.merged_into = target
    # A row that received others cannot itself be merged away: that would hide them all.
    (await _edit(session, draft, target, person, now)).merged_into = None
    await session.flush()


async def add_row(
    session: AsyncSession, draft: InformeDraft, accion: str, resultado: str,
    fecha_texto: str | None, person: Person, now: datetime,
) -> InformeManualRow:  # fmt: skip
    """A row the record could not know (a contract signed, a service bought)."""
    row = InformeManualRow(
        draft_id=draft.id, accion=clean_text(accion, "accion"),
        resultado=clean_text(resultado, "resultado"),
        fecha_texto=clean_text(fecha_texto, "fecha_texto") if fecha_texto else None,
        created_by_id=person.id, created_at=now,
    )  # fmt: skip
    session.add(row)
    draft.updated_at = now
    await session.flush()
    draft.row_keys = [*draft.row_keys, manual_key(row)]
    return row


def key_at(draft: InformeDraft, index: int) -> str | None:
    """The row key a button's index names (None for a forged or stale index)."""
    return draft.row_keys[index] if 0 <= index < len(draft.row_keys) else None


async def prepared(
    session: AsyncSession, committee: Committee, draft: InformeDraft, *, now: datetime,
    tz: tzinfo = DEFAULT_ZONE,
) -> tuple[InformeDocument, dict[str, InformeRowEdit], list[InformeManualRow]]:  # fmt: skip
    """Compile the draft's period afresh, index its rows, and read the edits."""
    kind: InformeKind = "trimestral" if draft.kind == "trimestral" else "semestral"
    doc = await compile_informe(
        session, committee, kind=kind, start=draft.period_start, end=draft.period_end,
        now=now, tz=tz,
    )  # fmt: skip
    manual = await manual_of(session, draft)
    track(draft, doc, manual)
    return doc, await edits_of(session, draft), manual


async def edited_document(
    session: AsyncSession, committee: Committee, period: InformePeriod, *, now: datetime,
    tz: tzinfo = DEFAULT_ZONE,
) -> InformeDocument:  # fmt: skip
    """The informe of `period` with the edits stored for it, if it was ever reviewed."""
    doc = await compile_informe(
        session, committee, kind=period.kind, start=period.start, end=period.end, now=now, tz=tz
    )
    draft = await find_draft(session, committee, period.start, period.end)
    if draft is None:
        return doc
    return edited(doc, await edits_of(session, draft), await manual_of(session, draft))


def merge_keys(draft: InformeDraft, rows: list[ReviewRow], text: str) -> list[str]:
    """The row keys «3 4 7» names, the first receiving the others; DomainError
    ("informe_unir_invalido") when fewer than two, unknown, left out or in different sections."""
    numbers = list(dict.fromkeys(int(n) for n in re.findall(r"\d{1,4}", text)))
    if len(numbers) < 2:
        raise DomainError("informe_unir_invalido", motivo="pocas")
    by_number = {r.number: r for r in rows}
    chosen = []
    for number in numbers:
        row = by_number.get(number)
        if row is None:
            raise DomainError("informe_unir_invalido", motivo="no_existe", numero=number)
        if row.excluded or row.merged_into is not None:
            raise DomainError("informe_unir_invalido", motivo="fuera", numero=number)
        chosen.append(row)
    if len({r.section for r in chosen}) > 1:
        raise DomainError("informe_unir_invalido", motivo="secciones")
    return [draft.row_keys[r.index] for r in chosen]

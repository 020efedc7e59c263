"""The coordinador's review of an informe: leave rows out, rewrite RESULTADOS, and keep it.

Edits are stored per committee and period (gelbot.models.informe) and applied to a fresh
compilation every time, so the chat, a restart and `gelbot informe` all see the same informe.
No Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.committees import DomainError
from gelbot.domain.spanish import normalize
from gelbot.informe.compile import DEFAULT_ZONE, compile_informe
from gelbot.informe.document import InformeDocument, InformeKind, InformeRow
from gelbot.informe.periods import InformePeriod
from gelbot.models import Committee, InformeDraft, InformeRowEdit, Person

MAX_RESULTADO = 3000
# Answering the rewrite question with one of these puts back the text compiled from the record.
RESTORE_WORDS = {"original", "restaurar", "deshacer"}


@dataclass(frozen=True)
class ReviewRow:
    """One row as the review shows it."""

    index: int  # its place in draft.row_keys: what buttons carry
    number: int  # 1-based place in the review, as people read and name it
    section: Literal["avance", "pendiente"]
    row: InformeRow  # as the document will print it (rewritten, if it was)
    excluded: bool
    rewritten: bool


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
        draft = InformeDraft(
            committee_id=committee.id, kind=period.kind, period_start=period.start,
            period_end=period.end, row_keys=[], created_by_id=person.id, created_at=now,
            updated_at=now,
        )  # fmt: skip
        session.add(draft)
        await session.flush()
    draft.kind = period.kind
    return draft


def track(draft: InformeDraft, doc: InformeDocument) -> None:
    """Give every row of `doc` an index in the draft (new rows go to the end, none move)."""
    known = set(draft.row_keys)
    new = [row.row_key for row in [*doc.rows, *doc.pendientes] if row.row_key not in known]
    if new:
        draft.row_keys = [*draft.row_keys, *new]  # a new list, so the JSON column is saved


async def edits_of(session: AsyncSession, draft: InformeDraft) -> dict[str, InformeRowEdit]:
    rows = await session.scalars(select(InformeRowEdit).where(InformeRowEdit.draft_id == draft.id))
    return {row.row_key: row for row in rows}


def _rewritten(row: InformeRow, edit: InformeRowEdit | None) -> InformeRow:
    if edit is None or edit.resultado is None:
        return row
    return replace(row, resultado=edit.resultado)


def review(
    draft: InformeDraft, doc: InformeDocument, edits: dict[str, InformeRowEdit]
) -> list[ReviewRow]:
    """Every row and pendiente of `doc` with what the coordinador decided about it."""
    index = {key: n for n, key in enumerate(draft.row_keys)}
    sections: list[tuple[Literal["avance", "pendiente"], InformeRow]] = [
        *(("avance", row) for row in doc.rows),
        *(("pendiente", row) for row in doc.pendientes),
    ]
    found: list[ReviewRow] = []
    for number, (section, row) in enumerate(sections, start=1):
        edit = edits.get(row.row_key)
        found.append(
            ReviewRow(
                index=index[row.row_key],
                number=number,
                section=section,
                row=_rewritten(row, edit),
                excluded=edit is not None and edit.excluded,
                rewritten=edit is not None and edit.resultado is not None,
            )
        )
    return found


def edited(doc: InformeDocument, edits: dict[str, InformeRowEdit]) -> InformeDocument:
    """The document as the coordinador left it: rows left out, RESULTADOS rewritten."""

    def keep(rows: list[InformeRow]) -> list[InformeRow]:
        return [
            _rewritten(row, edits.get(row.row_key))
            for row in rows
            if not (row.row_key in edits and edits[row.row_key].excluded)
        ]

    return replace(doc, rows=keep(doc.rows), pendientes=keep(doc.pendientes))


async def _edit(
    session: AsyncSession, draft: InformeDraft, key: str, person: Person, now: datetime
) -> InformeRowEdit:
    row = await session.scalar(
        select(InformeRowEdit).where(
            InformeRowEdit.draft_id == draft.id, InformeRowEdit.row_key == key
        )
    )
    if row is None:
        row = InformeRowEdit(draft_id=draft.id, row_key=key, excluded=False, edited_at=now)
        session.add(row)
    row.edited_by_id, row.edited_at = person.id, now
    draft.updated_at = now
    return row


async def toggle_excluded(
    session: AsyncSession, draft: InformeDraft, key: str, person: Person, now: datetime
) -> bool:
    """Leave the row out, or put it back; returns whether it is now left out."""
    row = await _edit(session, draft, key, person, now)
    row.excluded = not row.excluded
    await session.flush()
    return row.excluded


async def rewrite(
    session: AsyncSession, draft: InformeDraft, key: str, text: str, person: Person,
    now: datetime,
) -> bool:  # fmt: skip
    """Replace the row's RESULTADOS; «original» puts back the compiled text (returns True)."""
    text = "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()
    if not text:
        raise DomainError("informe_resultado_invalido", motivo="vacio")
    if len(text) > MAX_RESULTADO:
        raise DomainError(
            "informe_resultado_invalido", motivo="largo", limite=MAX_RESULTADO, largo=len(text)
        )
    row = await _edit(session, draft, key, person, now)
    restore = normalize(text).strip(" .!") in RESTORE_WORDS
    row.resultado = None if restore else text
    await session.flush()
    return restore


def key_at(draft: InformeDraft, index: int) -> str | None:
    """The row key a button's index names (None for a forged or stale index)."""
    return draft.row_keys[index] if 0 <= index < len(draft.row_keys) else None


async def prepared(
    session: AsyncSession, committee: Committee, draft: InformeDraft, *, now: datetime,
    tz: tzinfo = DEFAULT_ZONE,
) -> tuple[InformeDocument, dict[str, InformeRowEdit]]:  # fmt: skip
    """Compile the draft's period afresh, index its rows, and read the edits."""
    kind: InformeKind = "trimestral" if draft.kind == "trimestral" else "semestral"
    doc = await compile_informe(
        session, committee, kind=kind, start=draft.period_start, end=draft.period_end,
        now=now, tz=tz,
    )  # fmt: skip
    track(draft, doc)
    return doc, await edits_of(session, draft)


async def edited_document(
    session: AsyncSession, committee: Committee, period: InformePeriod, *, now: datetime,
    tz: tzinfo = DEFAULT_ZONE,
) -> InformeDocument:  # fmt: skip
    """The informe of `period` with the edits stored for it, if it was ever reviewed."""
    doc = await compile_informe(
        session, committee, kind=period.kind, start=period.start, end=period.end, now=now, tz=tz
    )
    draft = await find_draft(session, committee, period.start, period.end)
    return edited(doc, await edits_of(session, draft)) if draft is not None else doc

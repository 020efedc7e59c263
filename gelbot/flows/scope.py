"""What one pass of a flow knows when its effects run, and what they report back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.flows.schema import Flow, Question
from gelbot.models import Committee, Person
from gelbot.models.flows import AnswerStatus, FlowAnswer, FlowRun

MAX_NOTE = 2000


@dataclass(frozen=True)
class Note:
    """Something an answer updated, for the closing message (the template words it)."""

    kind: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scope:
    """What one pass of a flow knows when its effects run."""

    session: AsyncSession
    run: FlowRun
    flow: Flow
    committee: Committee
    person: Person | None
    answers: Mapping[str, FlowAnswer]  # current answers of this item and pass, by question
    item: dict[str, Any] | None
    now: datetime
    today: date
    item_index: int = 0
    iteration: int = 0

    def answer(self, question_id: str) -> FlowAnswer | None:
        found = self.answers.get(question_id)
        return found if found is not None and found.status == AnswerStatus.RESPONDIDA else None

    def text(self, question_id: str | None) -> str | None:
        found = self.answer(question_id) if question_id else None
        if found is None:
            return None
        if isinstance(found.value, str):
            return found.value
        return found.display

    def effect_key(self, question: Question, index: int) -> str:
        return f"{self.item_index}:{self.iteration}:{question.id}:{index}"


async def current_answers(
    session: AsyncSession, run_id: int, item_index: int, iteration: int
) -> dict[str, FlowAnswer]:
    """The answers of one pass that still stand (not superseded by a correction)."""
    rows = await session.scalars(
        select(FlowAnswer)
        .where(
            FlowAnswer.run_id == run_id,
            FlowAnswer.item_index == item_index,
            FlowAnswer.iteration == iteration,
            FlowAnswer.superseded_by_id.is_(None),
        )
        .order_by(FlowAnswer.id)
    )
    return {row.question_id: row for row in rows}

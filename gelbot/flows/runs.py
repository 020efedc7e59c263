"""A run's vocabulary and bookkeeping: its subject, what to ask, where it goes next, its notes.

Shared by the engine (starting and answering), corrections and expiry. No Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.flows.answers import ChoiceOption, Parsed
from gelbot.flows.loader import definition
from gelbot.flows.schema import END, Flow, Question
from gelbot.flows.scope import Note, Scope, current_answers
from gelbot.flows.updates import matches
from gelbot.models import Committee, Person
from gelbot.models.flows import FlowAnswer, FlowRun, RunStatus


@dataclass(frozen=True)
class Subject:
    """What a run is about: a compromiso, a week, a phase, an informe period, or nothing."""

    kind: str = "ninguno"
    id: int | None = None
    key: str | None = None

    @classmethod
    def compromiso(cls, compromiso_id: int) -> Subject:
        return cls("compromiso", id=compromiso_id)

    @classmethod
    def week(cls, monday: date) -> Subject:
        return cls("semana", key=monday.isoformat())

    @classmethod
    def phase(cls, key: str) -> Subject:
        return cls("fase", key=key)

    @classmethod
    def period(cls, start: date) -> Subject:
        return cls("periodo", key=start.isoformat())

    def encode(self) -> str:
        """A short form for callback data: "c12", "s20090223", "finteraccion", "p20090201"."""
        if self.kind == "compromiso":
            return f"c{self.id}"
        if self.kind in ("semana", "periodo") and self.key:
            return self.kind[0] + self.key.replace("-", "")
        if self.kind == "fase" and self.key:
            return "f" + self.key
        return ""

    @classmethod
    def decode(cls, text: str) -> Subject | None:
        """The subject `encode` wrote, or None for anything else (callback data is untrusted)."""
        head, body = text[:1], text[1:]
        if not text:
            return cls()
        if head == "c" and body.isdigit() and len(body) <= 18:
            return cls.compromiso(int(body))
        if head in ("s", "p") and body.isdigit() and len(body) == 8:
            try:
                day = date(int(body[:4]), int(body[4:6]), int(body[6:]))
            except ValueError:
                return None
            return cls.week(day) if head == "s" else cls.period(day)
        if head == "f" and body.replace("_", "").isalnum() and body.islower():
            return cls.phase(body)
        return None


START_BUTTON = "flb"  # flb:<committee id>:<flow id>:<subject>: a button that starts a flow


def start_button_data(committee_id: int, flow_id: str, subject: Subject) -> str:
    """Callback data for a «Responder» button that starts `flow_id` for whoever presses it.

    For messages sent by others (a reminder from the outbox, say): at most 64 bytes.
    """
    data = f"{START_BUTTON}:{committee_id}:{flow_id}:{subject.encode()}"
    if len(data.encode()) > 64:
        raise ValueError(f"callback data over 64 bytes: {data!r}")
    return data


@dataclass
class Ask:
    """A question to put to someone: its text (Telegram HTML), buttons, and where it is."""

    run: FlowRun
    flow: Flow
    question: Question
    text: str
    choices: list[ChoiceOption]
    person: Person | None
    number: int  # the question's place in the flow, from 1
    total: int
    item: dict[str, Any] | None
    item_number: int
    item_total: int

    @property
    def skippable(self) -> bool:
        return not self.question.required


@dataclass
class Outcome:
    """What happened to an answer, and what to ask or say next."""

    kind: str  # "siguiente", "repetir", "abierta", "terminado", "corregido"
    run: FlowRun
    parsed: Parsed | None = None
    answer: FlowAnswer | None = None
    ask: Ask | None = None
    notes: list[Note] = field(default_factory=list)
    closing: str | None = None
    released: FlowRun | None = None  # a queued run now waiting: ask its first question
    reopened: FlowRun | None = None  # a correction changed the path: the run asks again
    previous: FlowAnswer | None = None  # the corrected answer


def local_date(now: datetime, tz: tzinfo) -> date:
    return now.astimezone(tz).date()


def is_private(chat_id: int) -> bool:
    """Telegram gives private chats the user's (positive) id, and groups negative ones."""
    return chat_id > 0


def same(column: Any, value: Any) -> Any:
    return column.is_(None) if value is None else column == value


def same_person(person: Person | None) -> Any:
    return same(FlowRun.person_id, person.id if person is not None else None)


def lifetime(flow: Flow) -> timedelta:
    return timedelta(hours=flow.expires_after_hours)


async def question_of(session: AsyncSession, run: FlowRun) -> Question | None:
    """The question the run waits on."""
    if run.question_id is None:
        return None
    return (await definition(session, run.definition_id)).question(run.question_id)


async def waiting_in(session: AsyncSession, chat_id: int, person_id: int) -> FlowRun | None:
    """The run that free text from this person in this chat answers: the latest one asked."""
    return await session.scalar(
        select(FlowRun)
        .where(
            FlowRun.chat_id == chat_id,
            FlowRun.person_id == person_id,
            FlowRun.status == RunStatus.ESPERANDO.value,
            FlowRun.gave_up_at.is_(None),
        )
        .order_by(FlowRun.updated_at.desc(), FlowRun.id.desc())
        .limit(1)
    )


def item_of(run: FlowRun) -> dict[str, Any] | None:
    items = run.state.get("items") or []
    return items[run.item_index] if run.item_index < len(items) else None


async def make_scope(
    session: AsyncSession,
    run: FlowRun,
    flow: Flow,
    committee: Committee,
    person: Person | None,
    now: datetime,
    today: date,
    item_index: int | None = None,
    iteration: int | None = None,
) -> Scope:
    index = run.item_index if item_index is None else item_index
    passed = run.iteration if iteration is None else iteration
    answers = await current_answers(session, run.id, index, passed)
    items = run.state.get("items") or []
    item = items[index] if index < len(items) else None
    return Scope(session, run, flow, committee, person, answers, item, now, today, index, passed)


def remember_notes(run: FlowRun, notes: list[Note]) -> None:
    """Keep what earlier answers updated, so the closing message can list all of it."""
    if notes:
        kept = list(run.state.get("notas") or [])
        kept += [{"kind": n.kind, "values": _jsonable(n.values)} for n in notes]
        run.state = {**run.state, "notas": kept[-20:]}


_DATE_NOTES = ("inicio", "fin", "fecha", "fecha_meta")


def merge_notes(notes: list[Note]) -> list[Note]:
    """One line per thing updated: a later note on the same indicator or compromiso wins."""
    latest: dict[tuple[str, object], Note] = {}
    for note in notes:
        v = note.values
        name = v.get("nombre") or v.get("descripcion") or v.get("accion") or v.get("texto")
        latest.pop((note.kind, name), None)  # re-inserted last, so the order follows updates
        latest[(note.kind, name)] = note
    return list(latest.values())


def run_notes(run: FlowRun) -> list[Note]:
    """What the run's earlier answers updated, as kept in its state."""
    notes = []
    for kept in run.state.get("notas") or []:
        values = dict(kept["values"])
        for key in _DATE_NOTES:
            if isinstance(values.get(key), str):
                values[key] = date.fromisoformat(values[key])
        notes.append(Note(kept["kind"], values))
    return notes


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def next_target(flow: Flow, question: Question, value: Any, skipped: bool) -> str:
    """Where an answer leads: the first branch it matches, `next`, or the following question."""
    for branch in question.branches:
        if matches(branch.when, value, skipped):
            return branch.goto
    if question.next is not None:
        return question.next
    index = flow.index(question.id)
    return flow.questions[index + 1].id if index + 1 < len(flow.questions) else END


async def release_next(session: AsyncSession, run: FlowRun, now: datetime) -> FlowRun | None:
    """The next run queued behind this one in the same private chat starts waiting now."""
    if run.person_id is None or not is_private(run.chat_id):
        return None
    queued = await session.scalar(
        select(FlowRun)
        .where(
            FlowRun.chat_id == run.chat_id,
            FlowRun.person_id == run.person_id,
            FlowRun.status == RunStatus.EN_COLA.value,
            FlowRun.expires_at > now,
        )
        .order_by(FlowRun.id)
        .limit(1)
    )
    if queued is None:
        return None
    flow = await definition(session, queued.definition_id)
    queued.status, queued.updated_at = RunStatus.ESPERANDO.value, now
    queued.expires_at = now + lifetime(flow)
    return queued

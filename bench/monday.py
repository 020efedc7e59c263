"""Monday 09:00 for the whole country: every nag out at Telegram's pace, every command answered.

N committees (default 1,200; `--committees 6000` is the national case), each with a
coordinador, an editor web and responsables, a plan de acción and a year of history (meetings,
closed compromisos, the reminders already sent), all due at Monday 2 March 2009, 09:00: the
weekly question to each editor web, the convocatoria of the committees that meet on the first
Thursday, and the compromisos due that Thursday. They go out through the real dispatcher and
sender, in the JobQueue tick of a real PTB `Application` (as `gelbot run` runs it), against the
in-memory Telegram WITH its limits on (gelbot.telegram.fake_api.sending_limits: 30 messages in any
second, 20 in any minute into one group, 3 in any 3 s into one private chat; 429 past them), in
real time. Meanwhile a second task plays the people: about 5 updates a second (Poisson) from
random members — group commands, private commands, and answers to the weekly question as it
arrives (its buttons, or a number in reply) — fed to the same Application's update queue, as
its webhook would.

The PostgreSQL run has TWO instances against the same database, each its own Application,
dispatcher and Pacing (sharing the 30 a second through the database), and one Telegram (one bot
token: one set of limits), the updates split between them.

From the repository root:

    .venv/bin/python bench/monday.py [--committees 1200] [--rate 5] [--output PATH]
    .venv/bin/python bench/monday.py --committees 100          # a quick run (~20 s a database)

GELBOT_BENCH_DATABASE_URL=postgresql://… adds the PostgreSQL run (`--databases` picks). That
database is for benchmarks only: the script DROPS its public schema, then migrates it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import gc
import json
import logging
import os
import platform
import random
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy
import telegram
from reminders import prepare_database, settle
from sqlalchemy import func, insert, literal_column, select
from telegram import Update
from telegram.ext import Application

from gelbot.app import build_application
from gelbot.clock import ManualClock
from gelbot.db import make_engine, make_sessionmaker
from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.recurrence import MeetingRule
from gelbot.models import (
    Committee,
    Compromiso,
    Meeting,
    Membership,
    Person,
    PlanAction,
    Reminder,
    ReminderStatus,
)
from gelbot.reminders.dispatcher import Dispatcher
from gelbot.reminders.outbox import Delivery, OutgoingMessage, Progress
from gelbot.reminders.planner import plan
from gelbot.services import Services
from gelbot.settings import Settings, async_database_url
from gelbot.telegram.fake_api import (
    BotApiError,
    FakeBotApiRequest,
    FakeChat,
    FakeTelegram,
    FakeUser,
    SentMessage,
    TelegramLimits,
)
from gelbot.telegram.fake_api.params import _int, _json
from gelbot.telegram.pacing import Pacing
from gelbot.telegram.sender import TelegramSender

RESULTS = Path(__file__).resolve().parent / "results" / "monday.json"
BOGOTA = ZoneInfo("America/Bogota")
PLAN_AT = datetime(2009, 3, 1, 23, 0, tzinfo=BOGOTA)
DUE_AT = datetime(2009, 3, 2, 9, 0, tzinfo=BOGOTA)  # Monday
CREATED = DUE_AT - timedelta(days=400)
COMPROMISO_DUE = date(2009, 3, 5)  # Thursday: its notice, three working days before, is Monday
FIRST_THURSDAY = MeetingRule(ordinal=1, weekday=3, at=clock_time(9, 0)).to_text()
GOALS = {"drain_over_floor": 1.05, "command_p95_ms": 250.0, "command_p99_ms": 1000.0}
GROUP_COMMANDS = ("/compromisos", "/miembros", "/ayuda", "/recordatorios")
# Who is sending: the dispatcher's sender sets it, so the fake knows a reminder from an answer.
SENDING = contextvars.ContextVar[str | None]("sending", default=None)


class Collections:
    """The pauses of Python's full garbage collections (generation 2) during the run."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self._started) * 1000)


class Failures(logging.Handler):
    """Counts the updates gelbot's error handler caught (the person got «algo falló»)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


FAILURES = Failures()


class RunningClock:
    """Monday 09:00 when started, then moving with the wall clock (gelbot's Clock)."""

    def __init__(self, start: datetime) -> None:
        self.start = start.astimezone(UTC)
        self.t0: float | None = None

    def begin(self) -> None:
        self.t0 = time.monotonic()

    def now(self) -> datetime:
        elapsed = 0.0 if self.t0 is None else time.monotonic() - self.t0
        return self.start + timedelta(seconds=elapsed)


# How long each send waited for its turn in gelbot's pacing: (entered, seconds, sender or None).
SLOT_WAITS: list[tuple[float, float, str | None]] = []


def time_the_pacing() -> None:
    """Measure, without changing it, the wait of every send in gelbot's Pacing."""
    original = Pacing._paced

    async def timed(
        self: Pacing, callback: Any, args: Any, kwargs: dict[str, Any], endpoint: str,
        data: dict[str, Any], reminder: bool,
    ) -> Any:  # fmt: skip
        entered = time.perf_counter()

        async def go(*a: Any, **k: Any) -> Any:
            SLOT_WAITS.append((entered, time.perf_counter() - entered, SENDING.get()))
            return await callback(*a, **k)

        return await original(self, go, args, kwargs, endpoint, data, reminder)

    Pacing._paced = timed  # type: ignore[method-assign]


class TaggedSender(TelegramSender):
    """The real sender; it only says, for the fake's books, which instance is sending."""

    def __init__(self, bot: Any, instance: str) -> None:
        super().__init__(bot)
        self.instance = instance

    async def send(self, message: OutgoingMessage, progress: Progress | None = None) -> Delivery:
        token = SENDING.set(self.instance)
        try:
            return await super().send(message, progress)
        finally:
            SENDING.reset(token)


@dataclass
class Sent:
    at: float
    chat_id: int
    message_id: int
    text: str
    instance: str | None  # None: an answer to a person, not a reminder


class ObservedTelegram(FakeTelegram):
    """The fake Telegram, with a log of what it took and when, and the answers it matched."""

    def __init__(self, limits: TelegramLimits, now: Any) -> None:
        super().__init__(limits=limits, now=now)
        self.log: list[Sent] = []
        self.rejected: Counter[str] = Counter()
        self.refusals: list[tuple[float, int, str]] = []
        self.waiting_chat: dict[int, list[tuple[int, float, str]]] = defaultdict(list)
        self.waiting_query: dict[str, tuple[float, str]] = {}
        self.latencies: list[tuple[float, float, str]] = []  # (pushed, answered, kind)
        self.nags: dict[int, SentMessage] = {}  # private chat → the weekly question there

    async def call(
        self, method: str, params: dict[str, Any], files: dict[str, Any] | None = None
    ) -> Any:
        instance = SENDING.get()
        try:
            result = await super().call(method, params, files)
        except BotApiError as error:
            if error.code == 429:
                chat = _int(params.get("chat_id")) or 0
                where = "group" if chat < 0 else "private"
                self.rejected[f"{'reminders' if instance else 'answers'} to a {where} chat"] += 1
                self.refusals.append((time.perf_counter(), chat, error.description))
            raise
        now = time.perf_counter()
        if method == "answerCallbackQuery":
            found = self.waiting_query.pop(str(params.get("callback_query_id")), None)
            if found is not None:
                self.latencies.append((found[0], now, found[1]))
        elif method.startswith("send"):
            message = self.sent[-1]
            self.log.append(Sent(now, message.chat_id, message.message_id, message.text,
                                 instance))  # fmt: skip
            if instance is not None:
                if any(
                    str(b.get("callback_data", "")).startswith("rw:") for b in message.buttons()
                ):
                    self.nags[message.chat_id] = message
            else:
                self._answered(message.chat_id, _reply_to(params), now)
        return result

    def _answered(self, chat_id: int, reply_to: int | None, now: float) -> None:
        waiting = self.waiting_chat.get(chat_id)
        if not waiting:
            return
        index = next((n for n, w in enumerate(waiting) if w[0] == reply_to), 0)
        _, pushed, kind = waiting.pop(index)
        self.latencies.append((pushed, now, kind))


def _reply_to(params: dict[str, Any]) -> int | None:
    replying = _json(params.get("reply_parameters")) or {}
    return _int(params.get("reply_to_message_id")) or _int(replying.get("message_id"))


@dataclass
class Place:
    """One committee as the people see it: its group, its members, its editor web."""

    committee_id: int
    group: FakeChat
    members: list[FakeUser]
    private: list[FakeUser]  # members who opened a private chat with the bot
    editor: FakeUser


@dataclass
class World:
    tg: ObservedTelegram
    places: list[Place]
    history_rows: dict[str, int] = field(default_factory=dict)


def build_world(
    committees: int, clock: RunningClock, shape: str
) -> tuple[World, dict[str, list[Any]]]:
    """The fake Telegram's people and groups, and the database rows that match them."""
    tg = ObservedTelegram(TelegramLimits(shape=shape), now=clock.now)  # type: ignore[arg-type]
    rows: dict[str, list[Any]] = defaultdict(list)
    places = []
    person_id = 0
    for c in range(committees):
        committee_id = c + 1
        group = tg.add_group(f"Comité de Gobierno Digital {c + 1:04d}")
        rows["committees"].append({
            "id": committee_id, "chat_id": group.id, "entity_name": f"Alcaldía {c + 1:04d}",
            "orden": "territorial", "nivel": "municipal", "framework_id": "decreto_1151",
            "meeting_rule": FIRST_THURSDAY if c % 2 == 0 else None, "informe_months": 6,
            "informe_start_month": 2, "active": True, "reachable": True, "created_at": CREATED,
        })  # fmt: skip
        roles = ["coordinador", "editor_web"] + ["miembro"] * (3 + c % 4)
        members, private = [], []
        for n, role in enumerate(roles):
            person_id += 1
            user = tg.add_user(f"Persona{person_id}", f"persona{person_id}")
            opened = person_id % 10 != 0 or role == "editor_web"
            if opened:
                tg.private_chat(user)
                private.append(user)
            members.append(user)
            rows["people"].append({
                "id": person_id, "telegram_id": user.id, "username": user.username,
                "first_name": user.first_name, "private_chat_open": opened,
                "private_blocked": False, "created_at": CREATED,
            })  # fmt: skip
            rows["memberships"].append({
                "id": person_id, "committee_id": committee_id, "person_id": person_id,
                "role": role, "cargo": f"Profesional {n}", "active": True, "joined_at": CREATED,
            })  # fmt: skip
            if role == "miembro" and n - 2 < c % 3:  # 0, 1 or 2 compromisos due Thursday
                rows["compromisos"].append(_compromiso(committee_id, person_id, COMPROMISO_DUE))
        places.append(Place(committee_id, group, members, private, members[1]))
        _history(rows, committee_id, first_person=person_id - len(roles) + 1, size=len(roles))
    return World(tg, places), rows


def _compromiso(
    committee_id: int, membership_id: int, due: date, closed: datetime | None = None
) -> dict[str, Any]:
    return {
        "committee_id": committee_id, "description": "Publicar el informe de avance en el sitio",
        "owner_membership_id": membership_id, "due_on": due,
        "status": "cumplido" if closed else "abierto", "closed_at": closed,
        "created_at": CREATED if closed is None else closed - timedelta(days=30),
    }  # fmt: skip


def _history(rows: dict[str, list[Any]], committee_id: int, first_person: int, size: int) -> None:
    """A year behind the committee: meetings, closed compromisos, reminders already sent."""
    editor = first_person + 1
    for month in range(1, 13):
        held = (DUE_AT - timedelta(days=30 * month)).astimezone(UTC)
        rows["meetings"].append({
            "committee_id": committee_id, "held_on": held.date(), "status": "cerrada",
            "started_at": held, "closed_at": held + timedelta(hours=2), "quorum": True,
        })  # fmt: skip
        owner = first_person + 2 + month % (size - 2)
        rows["compromisos"].append(
            _compromiso(
                committee_id,
                owner,
                held.date() + timedelta(days=20),
                closed=held + timedelta(days=18),
            )
        )
        for kind in ("convocatoria", "reunion_hoy"):
            rows["reminders"].append(_sent(kind, "comite", committee_id, committee_id,
                                           f"{held.date()}", held))  # fmt: skip
    for week in range(1, 53):
        monday = (DUE_AT - timedelta(weeks=week)).astimezone(UTC)
        rows["reminders"].append(_sent("sitio_web", "persona", editor, committee_id,
                                       f"{monday.date()}", monday))  # fmt: skip
        rows["reminders"].append(_sent("sitio_web_cierre", "comite", committee_id, committee_id,
                                       f"{monday.date()}", monday + timedelta(days=7)))  # fmt: skip
    for n in range(5):
        rows["plan_actions"].append({
            "committee_id": committee_id, "position": n + 1,
            "accion": f"Acción {n + 1} del plan de transformación digital",
            "actividades": ["Diagnóstico", "Implementación"], "responsables": ["Profesional 2"],
            "recursos": [], "tiempos": "2009", "imported_at": CREATED, "kind": "accion",
        })  # fmt: skip


def _sent(
    kind: str, target_kind: str, target_id: int, committee_id: int, occurrence: str, at: datetime
) -> dict[str, Any]:
    return {
        "kind": kind, "committee_id": committee_id, "target_kind": target_kind,
        "target_id": target_id, "occurrence": f"historia:{occurrence}", "scheduled_for": at,
        "due_at": at, "status": "enviado", "attempts": 1, "sent_at": at, "payload": {},
        "created_at": at - timedelta(days=7),
    }  # fmt: skip


MODELS = {
    "committees": Committee, "people": Person, "memberships": Membership, "meetings": Meeting,
    "plan_actions": PlanAction, "compromisos": Compromiso, "reminders": Reminder,
}  # fmt: skip


async def populate(services: Services, rows: dict[str, list[Any]]) -> None:
    for name, model in MODELS.items():
        values = rows[name]
        for start in range(0, len(values), 5000):
            async with services.transaction() as session:
                await session.execute(insert(model), values[start : start + 5000])


async def due_now(services: Services) -> list[tuple[int, str]]:
    """The rows waiting to be sent at Monday 09:00: id and kind."""
    async with services.transaction() as session:
        found = await session.execute(
            select(Reminder.id, Reminder.kind).where(
                Reminder.status == ReminderStatus.PENDIENTE.value,
                Reminder.due_at <= DUE_AT.astimezone(UTC),
            )
        )
        return [(row.id, row.kind) for row in found]


async def unsent(services: Services) -> int:
    """Rows due now and not yet sent: two walks of the partial indexes of pending and claimed
    rows. (`status IN (…)` used neither: on SQLite a scan of every reminder, run on the event
    loop's thread every half second, which stalled gelbot's loop over 100 ms at 6,000
    committees — the bench's cost, not gelbot's.)"""
    async with services.transaction() as session:
        # Literal statuses: a partial index serves only a query that names its status.
        pending = select(func.count()).where(
            Reminder.status == literal_column(f"'{ReminderStatus.PENDIENTE.value}'"),
            Reminder.due_at <= services.clock.now(),
        )
        claimed = select(func.count()).where(
            Reminder.status == literal_column(f"'{ReminderStatus.ENVIANDO.value}'")
        )
        return (await session.scalar(pending) or 0) + (await session.scalar(claimed) or 0)


async def statuses(services: Services, ids: list[int]) -> Counter[str]:
    """How many of these rows are in each status."""
    found: Counter[str] = Counter()
    async with services.transaction() as session:
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            found.update(
                dict(
                    (await session.execute(
                        select(Reminder.status, func.count())
                        .where(Reminder.id.in_(chunk)).group_by(Reminder.status)
                    )).all()
                )
            )  # fmt: skip
    return found


async def recorded_messages(services: Services, ids: list[int]) -> set[tuple[int, int]]:
    """The messages the database says it sent for these rows: (chat, message id)."""
    found: set[tuple[int, int]] = set()
    async with services.transaction() as session:
        for start in range(0, len(ids), 5000):
            rows = await session.execute(
                select(Reminder.chat_id, Reminder.message_id).where(
                    Reminder.id.in_(ids[start : start + 5000]),
                    Reminder.status == ReminderStatus.ENVIADO.value,
                    Reminder.message_id.is_not(None),
                )
            )
            found |= {(int(chat), int(message)) for chat, message in rows}
    return found


class People:
    """The second task: random members writing to the bot, about `rate` updates a second."""

    def __init__(self, world: World, apps: list[Application], rate: float, seed: int) -> None:  # type: ignore[type-arg]
        self.world, self.apps, self.rate = world, apps, rate
        self.rng = random.Random(seed)
        self.pushed: Counter[str] = Counter()
        self.answered_nags: set[int] = set()
        self.turn = 0

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while not stop.is_set():
            await self.one()
            next_at += self.rng.expovariate(self.rate)
            await asyncio.sleep(max(0.0, next_at - loop.time()))

    async def one(self) -> None:
        tg, rng = self.world.tg, self.rng
        roll = rng.random()
        nags = [chat for chat in tg.nags if chat not in self.answered_nags]
        if roll < 0.5 and nags:
            chat_id = rng.choice(nags)
            self.answered_nags.add(chat_id)
            nag = tg.nags[chat_id]
            user = tg.users[chat_id]
            if roll < 0.35:
                update = tg.press(user, nag, rng.randint(1, 3))
                query = update["callback_query"]["id"]
                tg.waiting_query[query] = (time.perf_counter(), "respuesta_boton")
                kind = "respuesta_boton"
            else:
                update = tg.send_text(user, tg.chats[chat_id], str(rng.randint(3, 9)),
                                      reply_to=nag)  # fmt: skip
                kind = "respuesta_numero"
                self._wait(update, kind)
        elif roll < 0.85:
            place = rng.choice(self.world.places)
            command = rng.choice(GROUP_COMMANDS)
            update = tg.send_text(rng.choice(place.members), place.group, command)
            kind = command
            self._wait(update, kind)
        else:
            place = rng.choice(self.world.places)
            user = rng.choice(place.private)
            update = tg.send_text(user, tg.chats[user.id], "/ayuda")
            kind = "/ayuda privado"
            self._wait(update, kind)
        self.pushed[kind] += 1
        app = self.apps[self.turn % len(self.apps)]
        self.turn += 1
        await app.update_queue.put(Update.de_json(update, app.bot))

    def _wait(self, update: dict[str, Any], kind: str) -> None:
        message = update["message"]
        self.world.tg.waiting_chat[message["chat"]["id"]].append(
            (message["message_id"], time.perf_counter(), kind)
        )


async def watch_loop(stop: asyncio.Event, lags: list[tuple[float, float]]) -> None:
    """How late a 10 ms sleep wakes: how long the event loop was kept from anything else, and
    how much of that this process spent on the CPU (the rest: other work on the machine)."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        before, cpu = loop.time(), time.thread_time()
        await asyncio.sleep(0.01)
        lags.append(((loop.time() - before - 0.01) * 1000, (time.thread_time() - cpu) * 1000))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def floor_seconds(sent: list[Sent], limits: TelegramLimits) -> float:
    """The least time the limits allow for these messages: with a sliding window of `most` per
    `period`, message k (from 0) cannot go before k // most whole periods after the first."""
    per_chat = Counter(s.chat_id for s in sent)
    floors = [(len(sent) - 1) // limits.per_second * 1.0]
    for chat, count in per_chat.items():
        if chat < 0:
            floors.append((count - 1) // limits.per_group_minute * 60.0)
        else:
            floors.append((count - 1) // limits.private_burst * limits.private_period)
    return max(floors) if sent else 0.0


async def run_case(
    label: str, url: str, committees: int, instances: int, options: argparse.Namespace
) -> dict[str, Any]:
    rate, seed, limit = options.rate, options.seed, options.timeout
    started_setup = time.perf_counter()
    SLOT_WAITS.clear()
    FAILURES.count = 0
    clock = RunningClock(DUE_AT)
    world, rows = build_world(committees, clock, options.telegram)
    settings = Settings(database_url=url, token=None, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(settings.database_url)
    planning = Services(settings, engine, make_sessionmaker(engine), ManualClock(PLAN_AT))
    await populate(planning, rows)
    world.history_rows = {name: len(values) for name, values in rows.items()}
    calendar = WorkingCalendar(settings.zone)
    while (await plan(planning, calendar=calendar)).scopes:
        pass
    await settle(planning)
    due_rows = await due_now(planning)
    due_ids = [row_id for row_id, _ in due_rows]
    due = dict(Counter(kind for _, kind in due_rows))
    await engine.dispose()
    setup_seconds = time.perf_counter() - started_setup
    print(f"[{label}] set up in {setup_seconds:.0f} s; due at 09:00: {due}", flush=True)

    apps: list[Application] = []  # type: ignore[type-arg]
    engines = []
    for n in range(instances):
        engine = make_engine(settings.database_url)
        engines.append(engine)
        services = Services(settings, engine, make_sessionmaker(engine), clock)
        app = build_application(
            settings, clock=clock, request=FakeBotApiRequest(world.tg), services=services
        )
        instance = f"instancia {n + 1}"
        app.bot_data["reminder_dispatcher"] = Dispatcher(
            services, TaggedSender(app.bot, instance), prepare_slice=options.prepare_slice or None
        )
        apps.append(app)
    watcher = Services(settings, engines[0], make_sessionmaker(engines[0]), clock)
    # The fake world (people, chats, every call Telegram took) lives the whole run: leave it
    # out of the collector's full passes, as a long-running bot's startup objects would be.
    gc.collect()
    gc.freeze()
    collections = Collections()
    load_before = os.getloadavg()
    cpu = time.process_time()
    clock.begin()
    wall0 = time.perf_counter()
    for app in apps:
        await app.initialize()
        await app.start()  # its JobQueue ticks the reminders, first a second after start
    stop = asyncio.Event()
    people = People(world, apps, rate, seed)
    stream = asyncio.create_task(people.run(stop))
    lags: list[tuple[float, float]] = []
    probe = asyncio.create_task(watch_loop(stop, lags))
    deadline = wall0 + limit
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.5)
        if await unsent(watcher) == 0:
            # Nothing due waits: unless a row was handed back for later (a flood wait), done.
            found = await statuses(watcher, due_ids)
            if found[ReminderStatus.PENDIENTE.value] + found[ReminderStatus.ENVIANDO.value] == 0:
                break
    stop.set()
    await stream
    await probe
    await asyncio.sleep(2.0)  # the last answers
    cpu = time.process_time() - cpu
    load_after = os.getloadavg()
    gc.callbacks.remove(collections._callback)
    gc.unfreeze()
    for app in apps:
        await app.stop()
        await app.shutdown()
    final = await statuses(watcher, due_ids)
    recorded = await recorded_messages(watcher, due_ids)
    for engine in engines:
        await engine.dispose()

    log = world.tg.log
    reminders = [s for s in log if s.instance]
    t0, t_last = reminders[0].at, reminders[-1].at
    during = [s for s in log if t0 <= s.at <= t_last]
    limits = world.tg.limits
    assert limits is not None
    floor = floor_seconds(during, limits)
    floor_due = floor_seconds(reminders, limits)
    drain = t_last - t0
    burst = [(p, a, k) for p, a, k in world.tg.latencies if t0 <= p <= t_last]
    ms = [(a - p) * 1000 for p, a, _ in burst]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for p, a, k in burst:
        by_kind[k].append((a - p) * 1000)
    waits = [w * 1000 for at, w, who in SLOT_WAITS if who is None and t0 <= at <= t_last]
    texts = Counter((s.chat_id, s.text) for s in reminders)
    accepted = {(s.chat_id, s.message_id) for s in reminders}
    result = {
        "database": label,
        "instances": instances,
        "telegram_limits": options.telegram,
        "prepare_slice": options.prepare_slice or "gelbot's",
        "committees": committees,
        "rows_written": world.history_rows,
        "due_rows_by_kind": due,
        "setup_seconds": round(setup_seconds, 1),
        "messages_due_sent": len(reminders),
        "messages_answers_during_drain": len(during) - len(reminders),
        "first_send_after_start_seconds": round(t0 - wall0, 2),
        "floor_seconds": round(floor, 1),
        "floor_due_only_seconds": round(floor_due, 1),
        "drain_seconds": round(drain, 1),
        "drain_over_floor": round(drain / floor, 3) if floor else None,
        "command_p50_ms": round(percentile(ms, 0.50), 1),
        "command_p95_ms": round(percentile(ms, 0.95), 1),
        "command_p99_ms": round(percentile(ms, 0.99), 1),
        "command_max_ms": round(max(ms), 1) if ms else None,
        "commands_answered_during_burst": len(ms),
        "commands_pushed": dict(people.pushed),
        "commands_failed": FAILURES.count,
        "commands_unanswered": sum(len(w) for w in world.tg.waiting_chat.values())
        + len(world.tg.waiting_query),
        "command_p95_ms_by_kind": {
            k: round(percentile(v, 0.95), 1) for k, v in sorted(by_kind.items())
        },
        "answer_pacing_wait_p50_ms": round(percentile(waits, 0.5), 1),
        "answer_pacing_wait_p95_ms": round(percentile(waits, 0.95), 1),
        "gc_full_collections": len(collections.pauses),
        "gc_full_pause_max_ms": round(max(collections.pauses), 1) if collections.pauses else 0,
        "loop_stall_p99_ms": round(percentile([lag for lag, _ in lags], 0.99), 1),
        "loop_stall_max_ms": round(max(lag for lag, _ in lags), 1) if lags else None,
        "loop_stalls_over_100_ms": sum(1 for lag, _ in lags if lag > 100),
        # ... of which the process itself was on the CPU for most (its own work, not the
        # machine's other tenants)
        "loop_stalls_over_100_ms_own_cpu": sum(1 for ms, cpu in lags if ms > 100 and cpu > ms / 2),
        "telegram_429": dict(world.tg.rejected),
        "duplicates": sum(n - 1 for n in texts.values() if n > 1),
        "sent_not_recorded": len(accepted - recorded),
        "losses": len(recorded - accepted)
        + sum(v for k, v in final.items() if k not in ("enviado", "descartado")),
        "final_statuses_of_due_rows": dict(final),
        "sent_by_instance": dict(Counter(s.instance for s in reminders)),
        "cpu_seconds": round(cpu, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
    }
    if os.environ.get("MONDAY_DEBUG"):
        for at, chat, description in world.tg.refusals:
            recent = [f"{s.at - at:+.2f}:{'R' if s.instance else 'A'}" for s in log
                      if s.chat_id == chat and abs(s.at - at) < 5]  # fmt: skip
            print(f"  429 at {at - t0:.2f} chat {chat}: {description}; that chat: {recent}")
        print(f"burst from {time.time() - time.perf_counter() + t0:.2f} to +{t_last - t0:.1f} s")
        for p, a, k in sorted(world.tg.latencies):
            print(f"  pushed {p - t0:7.2f} answered {a - t0:7.2f} {k}")
    print(f"[{label}] {json.dumps(result, ensure_ascii=False)}", flush=True)
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--committees", type=int, default=1200)
    parser.add_argument("--rate", type=float, default=5.0, help="people's updates a second")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-instances", type=int, default=2)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--prepare-slice",
        type=int,
        default=0,
        help="groups the dispatcher prepares per transaction (0: gelbot's choice; 1000: a "
        "whole batch at once, as before issue 18)",
    )
    parser.add_argument(
        "--telegram",
        choices=("window", "bucket"),
        default="window",
        help="Telegram's limits as sliding windows (strict) or as buckets (PTB's own shape)",
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds a drain may take")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    options = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # PTB 22 warns on each RetryAfter otherwise
    logging.basicConfig(level=logging.ERROR)
    time_the_pacing()
    if os.environ.get("MONDAY_DEBUG"):  # with PYTHONASYNCIODEBUG=1: what held the loop
        logging.getLogger("asyncio").setLevel(logging.WARNING)
        logging.getLogger().handlers[0].setFormatter(logging.Formatter("%(created).2f %(message)s"))
    logging.getLogger("gelbot.errors").addHandler(FAILURES)
    wanted = options.databases.split(",")
    results = []
    if "sqlite" in wanted:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'monday.sqlite3'}"
            await asyncio.to_thread(prepare_database, url)
            results.append(await run_case("sqlite", url, options.committees, 1, options))
    postgres = os.environ.get("GELBOT_BENCH_DATABASE_URL")
    if "postgresql" in wanted and postgres:
        url = async_database_url(postgres)
        await asyncio.to_thread(prepare_database, url)
        results.append(
            await run_case("postgresql", url, options.committees, options.pg_instances, options)
        )
    options.output.parent.mkdir(exist_ok=True)
    options.output.write_text(
        json.dumps(
            {
                "benchmark": "monday",
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "cpus": os.cpu_count(),
                    "load_average_1_5_15": list(os.getloadavg()),
                },
                "versions": {
                    "python-telegram-bot": telegram.__version__,
                    "SQLAlchemy": sqlalchemy.__version__,
                },
                "options": {k: str(v) for k, v in vars(options).items() if k != "output"},
                "goals": GOALS,
                "results": results,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written to {options.output}")


if __name__ == "__main__":
    asyncio.run(main())

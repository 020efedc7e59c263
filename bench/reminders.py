"""Reminders: gelbot's own cost to plan and send, against the time Telegram's limits impose.

(a) 1,102 committees (one per Colombian municipality): plan them, then dispatch the 10,000
    reminders due on Monday 2 March 2009 at 09:00 (each committee's weekly nag, and the
    compromisos due on Thursday) through a zero-latency fake Bot API. Telegram allows about
    30 messages a second, so 10,000 messages take at least 333 s; the goal is that gelbot's
    own work costs under 5 % of that.
(b) One tick (plan + dispatch) with 100,000 future reminders stored and 100 due; the goal is
    that its cost follows the due rows, not the stored ones (under 50 ms). For contrast the
    same tick runs with 1,000 due, and with only 10,000 stored.

From the repository root:

    .venv/bin/python bench/reminders.py [--committees 1102] [--due 10000] [--only a|b]

`--only b` skips (a)'s timing: its reminders are planned, and the ones due are marked sent in one
statement instead of being dispatched, so (b) runs on the same table in a third of the time.
`--only a` skips (b).

GELBOT_BENCH_DATABASE_URL=postgresql://… adds a PostgreSQL run. That database is for benchmarks
only: the script DROPS its public schema, then migrates it, before measuring.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy
import telegram
from sqlalchemy import delete, func, insert, select, text, update
from telegram import Bot
from telegram.request import BaseRequest, RequestData

from gelbot.clock import ManualClock
from gelbot.db import make_engine, make_sessionmaker
from gelbot.models import Committee, Compromiso, Membership, Person, Reminder, ReminderStatus
from gelbot.reminders.dispatcher import Dispatcher
from gelbot.reminders.planner import plan
from gelbot.reminders.rules import DEFAULT_MEETING_RULE
from gelbot.reminders.tick import TickReport, tick
from gelbot.services import Services
from gelbot.settings import Settings, async_database_url
from gelbot.telegram.sender import TelegramSender

RESULTS = Path(__file__).resolve().parent / "results" / "reminders.json"
BOGOTA = ZoneInfo("America/Bogota")
TELEGRAM_RATE = 30.0  # messages a second, overall
GOAL_SHARE = 0.05
GOAL_TICK_MS = 50.0
STORED = 100_000
CREATED = datetime(2009, 2, 27, 12, 0, tzinfo=UTC)
PLAN_AT = datetime(2009, 3, 1, 23, 0, tzinfo=BOGOTA)
DUE_AT = datetime(2009, 3, 2, 9, 0, tzinfo=BOGOTA)
TICK_AT = datetime(2009, 3, 2, 10, 0, tzinfo=BOGOTA)
COMPROMISO_DUE = date(2009, 3, 5)  # Thursday: its reminder three working days before is due
# Each committee has set its meetings (`/reunion programar`): one without a rule is told each
# month to set one, which would add a message per committee to (a)'s Monday.
MEETING_RULE = DEFAULT_MEETING_RULE.to_text()


class ZeroLatencyBotApi(BaseRequest):
    """Answers every Bot API call at once, as Telegram would if it cost nothing."""

    def __init__(self) -> None:
        self.messages = 0
        self.ids = itertools.count(1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:  # fmt: skip
        if url.endswith("/getMe"):
            result: dict[str, Any] = {"id": 1, "is_bot": True, "first_name": "gelbot",
                                      "username": "gelbot_bench_bot"}  # fmt: skip
        else:
            self.messages += 1
            chat_id = int((request_data.parameters if request_data else {}).get("chat_id", 0))
            result = {
                "message_id": next(self.ids), "date": 1236002400,
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                "text": "ok",
            }  # fmt: skip
        return 200, json.dumps({"ok": True, "result": result}).encode()


@dataclass
class Dispatch:
    committees: int
    due: int
    messages: int
    plan_seconds: float
    dispatch_seconds: float
    cpu_seconds: float
    reminders_per_second: float
    telegram_floor_seconds: float
    share_of_telegram_time: float  # (plan + dispatch) wall time / the floor Telegram imposes
    share_dispatch_only: float  # the sending alone, planning excluded
    share_cpu: float  # CPU seconds / floor: steadier than the wall clock on a shared machine
    goal_met: bool


@dataclass
class TickCost:
    stored_future: int
    due: int
    sent: int
    milliseconds: float  # the median of several ticks
    runs: list[float] = field(default_factory=list)


@dataclass
class Result:
    database: str
    dispatch: Dispatch | None  # None with --only b
    ticks: list[TickCost]
    tick_goal_met: bool | None  # None with --only a


def municipality(n: int) -> str:
    return f"Alcaldía del municipio {n + 1:04d}"


async def populate(services: Services, committees: int, due: int) -> None:
    """Committees, each with a coordinador, an editor web and responsables of compromisos."""
    owners_total = due - committees  # every committee's nag, the rest compromiso reminders
    base, extra = divmod(owners_total, committees)
    people, memberships, compromisos, rows = [], [], [], []
    person_id = 0
    for c in range(committees):
        rows.append({"id": c + 1, "chat_id": -(100_000 + c), "entity_name": municipality(c),
                     "orden": "territorial", "nivel": "municipal", "framework_id": "decreto_1151",
                     "meeting_rule": MEETING_RULE,
                     "informe_months": 6, "informe_start_month": 2, "active": True,
                     "reachable": True, "created_at": CREATED})  # fmt: skip
        roles = ["coordinador", "editor_web"] + ["miembro"] * (base + (1 if c < extra else 0))
        for role in roles:
            person_id += 1
            people.append({"id": person_id, "telegram_id": 10_000 + person_id,
                           "first_name": f"Persona {person_id}", "private_chat_open": True,
                           "private_blocked": False, "created_at": CREATED})  # fmt: skip
            memberships.append({"id": person_id, "committee_id": c + 1, "person_id": person_id,
                                "role": role, "cargo": "Profesional", "active": True,
                                "joined_at": CREATED})  # fmt: skip
            if role == "miembro":
                compromisos.append({"committee_id": c + 1, "description": "Publicar el informe",
                                    "owner_membership_id": person_id, "due_on": COMPROMISO_DUE,
                                    "status": "abierto", "created_at": CREATED})  # fmt: skip
    async with services.transaction() as session:
        for model, values in ((Committee, rows), (Person, people), (Membership, memberships),
                              (Compromiso, compromisos)):  # fmt: skip
            for start in range(0, len(values), 2000):
                await session.execute(insert(model), values[start : start + 2000])


async def dispatch_10k(
    services: Services, clock: ManualClock, committees: int, due: int
) -> Dispatch:
    transport = ZeroLatencyBotApi()
    bot = Bot("1:bench", request=transport)
    await bot.initialize()
    dispatcher = Dispatcher(services, TelegramSender(bot))
    # A running bot has computed this year's festivos long before: don't time that first
    # computation (half a second, most of it importing the `holidays` package's country data).
    dispatcher.calendar.is_working_day(PLAN_AT)
    cpu = time.process_time()
    clock.set(PLAN_AT)
    started = time.perf_counter()
    while (await plan(services, calendar=dispatcher.calendar)).scopes:
        pass
    planned = time.perf_counter()
    clock.set(DUE_AT)
    report = await dispatcher.run()
    finished = time.perf_counter()
    cpu = time.process_time() - cpu
    assert report.sent == transport.messages == due, (report, transport.messages)
    total = finished - started
    floor = due / TELEGRAM_RATE
    return Dispatch(
        committees=committees, due=due, messages=transport.messages,
        plan_seconds=round(planned - started, 3), dispatch_seconds=round(finished - planned, 3),
        cpu_seconds=round(cpu, 3), reminders_per_second=round(due / total, 1),
        telegram_floor_seconds=round(floor, 1), share_of_telegram_time=round(total / floor, 4),
        share_dispatch_only=round((finished - planned) / floor, 4),
        share_cpu=round(cpu / floor, 4), goal_met=total / floor < GOAL_SHARE,
    )  # fmt: skip


async def pending_future(services: Services) -> int:
    async with services.transaction() as session:
        return await session.scalar(
            select(func.count()).select_from(Reminder).where(
                Reminder.status == ReminderStatus.PENDIENTE.value, Reminder.due_at > TICK_AT
            )
        ) or 0  # fmt: skip


async def fill_to(services: Services, stored: int, committees: int) -> None:
    """Exactly `stored` future reminders: the planner's, topped up (or trimmed) with filler."""
    have = await pending_future(services)
    async with services.transaction() as session:
        if have > stored:
            extra = (
                select(Reminder.id)
                .where(Reminder.status == ReminderStatus.PENDIENTE.value, Reminder.due_at > TICK_AT)
                .limit(have - stored)
            )
            await session.execute(delete(Reminder).where(Reminder.id.in_(extra.scalar_subquery())))
        filler = [
            {"kind": "aviso_coordinador", "committee_id": 1 + n % committees,
             "target_kind": "persona", "target_id": 1 + n % 5000, "occurrence": f"relleno:{n}",
             "scheduled_for": TICK_AT + timedelta(hours=1, minutes=n % 50_000),
             "due_at": TICK_AT + timedelta(hours=1, minutes=n % 50_000), "status": "pendiente",
             "attempts": 0, "payload": {"motivo": "relleno"}, "created_at": CREATED}
            for n in range(max(stored - have, 0))
        ]  # fmt: skip
        for start in range(0, len(filler), 5000):
            await session.execute(insert(Reminder), filler[start : start + 5000])
    assert await pending_future(services) == stored


async def settle(services: Services) -> None:
    """On PostgreSQL, do what autovacuum does within a minute on a running server: clear the
    dead row versions the bulk fill and the 10,000 sends left, and gather statistics. Without
    it every scan of the partial indexes still visits the 10,000 claims already recorded."""
    if services.engine.dialect.name != "postgresql":
        return
    async with services.engine.connect() as pooled:
        connection = await pooled.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE reminders"))


async def make_due(services: Services, count: int, at: datetime, batch: int) -> None:
    """`count` compromiso reminders due just before `at`, each for a different responsable."""
    if count == 0:
        return
    async with services.transaction() as session:
        found = list(
            await session.execute(
                select(Compromiso.id, Compromiso.committee_id, Membership.person_id)
                .join(Membership, Compromiso.owner_membership_id == Membership.id)
                .order_by(Compromiso.id).limit(count)
            )
        )  # fmt: skip
        await session.execute(
            insert(Reminder),
            [{"kind": "compromiso", "committee_id": committee_id, "target_kind": "persona",
              "target_id": person_id, "occurrence": f"{cid}:{COMPROMISO_DUE}:banco{batch}",
              "scheduled_for": at - timedelta(minutes=1), "due_at": at - timedelta(minutes=1),
              "status": "pendiente", "attempts": 0, "created_at": CREATED,
              "payload": {"compromiso": cid, "vence": COMPROMISO_DUE.isoformat(), "paso": "antes"}}
             for cid, committee_id, person_id in found],
        )  # fmt: skip


async def one_tick(
    services: Services, clock: ManualClock, dispatcher: Dispatcher, stored: int, due: int,
    runs: int,
) -> TickCost:  # fmt: skip
    times: list[float] = []
    sent = 0
    for run in range(runs):
        at = TICK_AT + timedelta(minutes=run)
        await make_due(services, due, at, batch=stored + due * 100 + run)
        clock.set(at)
        started = time.perf_counter()
        report: TickReport = await tick(dispatcher)
        times.append((time.perf_counter() - started) * 1000)
        assert report.plan.scopes == 0 and report.dispatch.sent == due, report.summary()
        sent += report.dispatch.sent
    times.sort()
    return TickCost(stored, due, sent // runs, round(times[len(times) // 2], 1),
                    [round(t, 1) for t in times])  # fmt: skip


async def history_without_timing(services: Services, clock: ManualClock) -> None:
    """(a)'s table without (a)'s timing: everything planned, what was due marked as sent."""
    clock.set(PLAN_AT)
    while (await plan(services)).scopes:
        pass
    async with services.transaction() as session:
        await session.execute(
            update(Reminder)
            .where(Reminder.status == ReminderStatus.PENDIENTE.value, Reminder.due_at <= DUE_AT)
            .values(status=ReminderStatus.ENVIADO.value, sent_at=DUE_AT, claimed_at=DUE_AT,
                    attempts=1, chat_id=1, message_id=1)
        )  # fmt: skip


async def measure(
    label: str, url: str, committees: int, due: int, runs: int, only: str | None = None
) -> Result:
    settings = Settings(database_url=url, token=None, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(settings.database_url)
    clock = ManualClock(PLAN_AT)
    services = Services(settings, engine, make_sessionmaker(engine), clock)
    try:
        await populate(services, committees, due)
        if only == "b":
            await history_without_timing(services, clock)
            dispatched = None
        else:
            dispatched = await dispatch_10k(services, clock, committees, due)
            print(f"[{label}] (a) {json.dumps(asdict(dispatched))}", flush=True)
        if only == "a":
            return Result(label, dispatched, [], tick_goal_met=None)
        transport = ZeroLatencyBotApi()
        bot = Bot("1:bench", request=transport)
        await bot.initialize()
        dispatcher = Dispatcher(services, TelegramSender(bot))
        await fill_to(services, STORED, committees)
        await settle(services)
        ticks = [await one_tick(services, clock, dispatcher, STORED, 100, runs)]
        ticks.append(await one_tick(services, clock, dispatcher, STORED, 0, runs))
        ticks.append(await one_tick(services, clock, dispatcher, STORED, 1000, max(runs // 3, 1)))
        await fill_to(services, STORED // 10, committees)
        await settle(services)
        ticks.append(await one_tick(services, clock, dispatcher, STORED // 10, 100, runs))
        ticks.append(await one_tick(services, clock, dispatcher, STORED // 10, 0, runs))
        for cost in ticks:
            print(f"[{label}] (b) {json.dumps(asdict(cost))}", flush=True)
    finally:
        await engine.dispose()
    return Result(label, dispatched, ticks, tick_goal_met=ticks[0].milliseconds < GOAL_TICK_MS)


def prepare_database(url: str) -> None:
    from gelbot.db import upgrade

    if url.startswith("postgresql"):
        engine = sqlalchemy.create_engine(url.replace("+asyncpg", "+psycopg"))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--committees", type=int, default=1102)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7, help="ticks measured per (b) case")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument("--only", choices=("a", "b"), help="run one case (see above)")
    options = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        await asyncio.to_thread(prepare_database, url)
        results.append(
            await measure("sqlite", url, options.committees, options.due, options.runs,
                          options.only)
        )  # fmt: skip
    postgres = os.environ.get("GELBOT_BENCH_DATABASE_URL")
    if postgres:
        url = async_database_url(postgres)
        await asyncio.to_thread(prepare_database, url)
        results.append(await measure("postgresql", url, options.committees, options.due,
                                     options.runs, options.only))  # fmt: skip
    options.output.parent.mkdir(exist_ok=True)
    options.output.write_text(
        json.dumps(
            {
                "benchmark": "reminders",
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
                "goals": {"share_of_telegram_time": GOAL_SHARE, "tick_ms": GOAL_TICK_MS},
                "results": [asdict(r) for r in results],
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

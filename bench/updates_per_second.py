"""Updates per second: gelbot's /unirme (reads and writes the database) against a bare PTB bot.

Both applications get the same updates through the same in-memory transport (FakeBotApiRequest
over FakeTelegram), parsed and fed with `process_update` as polling would, so the difference is
gelbot's own work: the database, the templates, the checks. A third bot, in the same run, sends
gelbot's /unirme answer without touching the database: the ceiling of the ratio for a command
that answers like /unirme does. From the repository root:

    .venv/bin/python bench/updates_per_second.py [--updates 2000] [--budget 15] [--profile]

GELBOT_BENCH_DATABASE_URL=postgresql://… adds a PostgreSQL run. That database is for benchmarks
only: the script DROPS its public schema, then migrates it, before measuring.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import platform
import pstats
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias

import sqlalchemy
import telegram
from sqlalchemy import create_engine, event, text
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

from gelbot.app import OFFLINE_TOKEN, build_application
from gelbot.clock import ManualClock
from gelbot.db import make_engine, make_sessionmaker, upgrade
from gelbot.models import Committee, Membership, Person
from gelbot.services import Services
from gelbot.settings import Settings, async_database_url
from gelbot.telegram.common import reply
from gelbot.telegram.fake_api import FakeBotApiRequest, FakeChat, FakeTelegram
from gelbot.telegram.handlers.onboarding import private_chat_keyboard

RESULTS = Path(__file__).resolve().parent / "results" / "updates_per_second.json"
GOAL_RATIO = 0.5  # issue 2: gelbot handles at least half the updates a bare PTB bot does
MEMBERS = 20  # people taking turns, so each update upserts a person and updates a membership
ROUNDS = 4  # bare and gelbot alternate in rounds, so a busy machine slows both alike
CLOCK_START = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)

App: TypeAlias = "Application[Any, Any, Any, Any, Any, Any]"


@dataclass
class Timing:
    updates: int = 0
    wall: float = 0.0
    cpu: float = 0.0  # CPU time of the whole process, the aiosqlite worker thread included

    def __add__(self, other: Timing) -> Timing:
        return Timing(self.updates + other.updates, self.wall + other.wall, self.cpu + other.cpu)


@dataclass
class Result:
    database: str
    bare_updates: int
    gelbot_updates: int
    bare_per_second: float  # wall clock
    gelbot_per_second: float
    ratio: float
    # gelbot's /unirme answer alone (template, escaping, button; no database) against bare:
    # the ceiling of `ratio` for any command that answers like /unirme does.
    answer_only_per_second: float
    answer_only_ratio: float
    goal_met: bool
    # Per CPU second: steadier than the wall clock on a shared machine, where waiting for a core
    # is not the bot's doing (but waiting for the database is, and only the wall clock shows it).
    bare_per_cpu_second: float
    gelbot_per_cpu_second: float
    cpu_ratio: float
    sql_statements_per_update: float
    commits_per_update: float


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bare bot's whole job: say the arguments back."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(" ".join(context.args or []) or "eco")


async def answer_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """gelbot's /unirme answer without the database: its template, escaping and button.

    The ceiling for any gelbot command that answers like /unirme: what it costs beyond this is
    the database's share (see the README's "Where the time goes").
    """
    user = update.effective_user
    assert user is not None
    committee = Committee(id=1, entity_name="Alcaldía de Mocoa")
    person = Person(first_name=user.first_name, username=user.username, private_chat_open=False)
    member = Membership(cargo=" ".join(context.args or []), role="miembro")
    await reply(
        update, context, "unirme_listo", reply_markup=private_chat_keyboard("gelbot", 1),
        committee=committee, member=member, person=person, joined=False,
    )  # fmt: skip


def ptb_application(fake: FakeTelegram, handler: Any) -> App:
    request = FakeBotApiRequest(fake)
    application = (
        ApplicationBuilder().token(OFFLINE_TOKEN).request(request).get_updates_request(request)
    ).build()
    application.add_handler(CommandHandler("unirme", handler))
    return application


def world(fake: FakeTelegram) -> FakeChat:
    """The committee's group: Ana (admin) and the members who will keep changing cargo."""
    admin = fake.add_user("Ana", "ana")
    for n in range(MEMBERS):
        fake.add_user(f"Miembro {n}", f"m{n:02d}")
    return fake.add_group("Comité GEL Mocoa", admins=[admin])


def joins(fake: FakeTelegram, group: FakeChat, count: int, start: int) -> list[dict[str, Any]]:
    """`/unirme <cargo>` from the members in turn, each time with a different cargo."""
    members = [u for u in fake.users.values() if u.username and u.username.startswith("m")]
    return [
        fake.send_text(
            members[i % len(members)], group, f"/unirme Profesional universitario grado {i % 13}"
        )
        for i in range(start, start + count)
    ]


async def feed(application: App, updates: list[dict[str, Any]], budget: float) -> Timing:
    """Handle `updates` in order, as polling would, stopping early once `budget` seconds pass."""
    bot = application.bot
    wall, cpu = time.perf_counter(), time.process_time()
    handled = 0
    for update in updates:
        await application.process_update(Update.de_json(update, bot))
        handled += 1
        if time.perf_counter() - wall > budget:
            break
    return Timing(handled, time.perf_counter() - wall, time.process_time() - cpu)


def prepare_database(url: str) -> None:
    """Bring an empty database to head; a PostgreSQL one is emptied first (benchmarks only)."""
    if url.startswith("postgresql"):
        # Dropping the schema, not the rows: the one migration is still rewritten in place while
        # nothing is deployed, so a database left at "0001" by an older run may lack tables.
        engine = create_engine(url.replace("+asyncpg", "+psycopg"))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)


def count_sql(engine: Any, counts: dict[str, int]) -> None:
    def statement(*_: Any) -> None:
        counts["statements"] += 1

    def commit(*_: Any) -> None:
        counts["commits"] += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)


async def measure(
    label: str,
    url: str,
    *,
    updates: int,
    warmup: int,
    budget: float,
    profile: cProfile.Profile | None,
) -> Result:
    settings = Settings(database_url=url, token=None, _env_file=None)
    engine = make_engine(settings.database_url)
    services = Services(settings, engine, make_sessionmaker(engine), ManualClock(CLOCK_START))
    counts = {"statements": 0, "commits": 0}
    count_sql(engine.sync_engine, counts)

    gel_tg, bare_tg = FakeTelegram(now=services.clock.now), FakeTelegram(now=services.clock.now)
    answer_tg = FakeTelegram(now=services.clock.now)
    gel_group, bare_group, answer_group = world(gel_tg), world(bare_tg), world(answer_tg)
    # The production rate limiter is off in both: it holds sends to Telegram's 30 a second,
    # which would measure Telegram's limit, not the bot.
    gelbot = build_application(
        settings, services=services, request=FakeBotApiRequest(gel_tg), rate_limit=False
    )
    bare = ptb_application(bare_tg, echo)
    answer = ptb_application(answer_tg, answer_only)
    for application in (gelbot, bare, answer):
        await application.initialize()
    bare_time, gelbot_time, answer_time = Timing(), Timing(), Timing()
    try:
        admin = next(u for u in gel_tg.users.values() if u.username == "ana")
        register = gel_tg.send_text(admin, gel_group, "/comite Alcaldía de Mocoa")
        await gelbot.process_update(Update.de_json(register, gelbot.bot))
        # Warm-up: every member joins (the inserts), statement caches and imports settle.
        await feed(gelbot, joins(gel_tg, gel_group, warmup, 0), budget)
        await feed(bare, joins(bare_tg, bare_group, warmup, 0), budget)
        await feed(answer, joins(answer_tg, answer_group, warmup, 0), budget)
        counts.update(statements=0, commits=0)

        per_round = updates // ROUNDS
        for round_ in range(ROUNDS):
            start = warmup + round_ * per_round
            for fake in (gel_tg, bare_tg, answer_tg):
                fake.sent.clear()
                fake.calls.clear()
            # The bare bot needs less time for a steady figure: a quarter of gelbot's.
            bare_time += await feed(
                bare, joins(bare_tg, bare_group, per_round, start), budget / ROUNDS / 4
            )
            answer_time += await feed(
                answer, joins(answer_tg, answer_group, per_round, start), budget / ROUNDS / 4
            )
            batch = joins(gel_tg, gel_group, per_round, start)
            if profile is not None:
                profile.enable()
            handled = await feed(gelbot, batch, budget / ROUNDS)
            if profile is not None:
                profile.disable()
            gelbot_time += handled
            # Every update was answered, and never with the error handler's apology.
            assert len(gel_tg.sent) == handled.updates, "gelbot left an update unanswered"
            assert not any("Algo salió mal" in m.plain for m in gel_tg.sent), gel_tg.sent[-1]
    finally:
        for application in (gelbot, bare, answer):
            await application.shutdown()
        await engine.dispose()

    bare_rate, gelbot_rate = (
        bare_time.updates / bare_time.wall,
        gelbot_time.updates / gelbot_time.wall,
    )
    bare_cpu, gelbot_cpu = bare_time.updates / bare_time.cpu, gelbot_time.updates / gelbot_time.cpu
    answer_rate = answer_time.updates / answer_time.wall
    return Result(
        database=label,
        bare_updates=bare_time.updates,
        gelbot_updates=gelbot_time.updates,
        bare_per_second=round(bare_rate, 1),
        gelbot_per_second=round(gelbot_rate, 1),
        ratio=round(gelbot_rate / bare_rate, 3),
        answer_only_per_second=round(answer_rate, 1),
        answer_only_ratio=round(answer_rate / bare_rate, 3),
        goal_met=gelbot_rate / bare_rate >= GOAL_RATIO,
        bare_per_cpu_second=round(bare_cpu, 1),
        gelbot_per_cpu_second=round(gelbot_cpu, 1),
        cpu_ratio=round(gelbot_cpu / bare_cpu, 3),
        sql_statements_per_update=round(counts["statements"] / gelbot_time.updates, 1),
        commits_per_update=round(counts["commits"] / gelbot_time.updates, 1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="gelbot's updates per second vs. bare PTB")
    parser.add_argument("--updates", type=int, default=2000, help="updates per bot and database")
    parser.add_argument("--warmup", type=int, default=2 * MEMBERS, help="updates before measuring")
    parser.add_argument(
        "--budget", type=float, default=15.0,
        help="seconds gelbot may take per database; it stops short of --updates past them",
    )  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="cProfile gelbot's measured part")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args()

    profile = cProfile.Profile() if args.profile else None
    options = {"updates": args.updates, "warmup": args.warmup, "budget": args.budget}
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="gelbot-bench-") as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}"
        prepare_database(url)
        results.append(asyncio.run(measure("sqlite", url, profile=profile, **options)))
    postgres = os.environ.get("GELBOT_BENCH_DATABASE_URL")
    if postgres:
        url = async_database_url(postgres)
        prepare_database(url)
        results.append(asyncio.run(measure("postgresql", url, profile=None, **options)))

    for r in results:
        print(
            f"{r.database:>10}: bare PTB {r.bare_per_second:7.1f} updates/s, gelbot "
            f"{r.gelbot_per_second:6.1f} updates/s ({r.gelbot_updates} updates), "
            f"ratio {r.ratio:.3f} (goal ≥ {GOAL_RATIO}: {'met' if r.goal_met else 'NOT met'})\n"
            f"{'':>10}  per CPU second: bare {r.bare_per_cpu_second:.1f}, gelbot "
            f"{r.gelbot_per_cpu_second:.1f}, ratio {r.cpu_ratio:.3f}; per gelbot update "
            f"{r.sql_statements_per_update} SQL statements, {r.commits_per_update} commits\n"
            f"{'':>10}  gelbot's answer alone, no database: {r.answer_only_per_second:.1f} "
            f"updates/s, ratio {r.answer_only_ratio:.3f} (the ceiling for /unirme's ratio)"
        )
    report = {
        "benchmark": "updates_per_second",
        "workload": (
            "/unirme <cargo> in a committee group (gelbot) vs. a PTB echo CommandHandler, and "
            "vs. a PTB bot sending gelbot's /unirme answer without the database"
        ),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        },
        "versions": {
            "python-telegram-bot": telegram.__version__,
            "SQLAlchemy": sqlalchemy.__version__,
        },
        "options": options,
        "goal_ratio": GOAL_RATIO,
        "results": [asdict(r) for r in results],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.output}")
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())


if __name__ == "__main__":
    main()

"""The board (tablero): 125 committees (Antioquia) and 1,102 (Colombia), a year of history each.

One database holds 1,102 municipal committees, each with a year of history (March 2008 –
February 2009): 12 meetings, 40 compromisos (a few open, some overdue), the weekly site
indicator with 52 readings, about 40 criteria met, 60 flow answers and two informes. Delegado
«Antioquia» follows the first 125; delegado «Colombia» follows all of them. The board is built
for each, as /tablero does on 2 March 2009. Run from the repository root:

    .venv/bin/python bench/board.py [--runs 7]

GELBOT_BENCH_DATABASE_URL=postgresql://… adds a PostgreSQL run. That database is for benchmarks
only: the script DROPS its public schema, then migrates it, before measuring.

Goal (issue 17): the board of 125 committees in well under a second, and a cost that grows no
faster than the number of committees (1,102 / 125 time ≤ 1,102 / 125 = 8.8).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy
from sqlalchemy import Engine, create_engine, event, insert, text

from gelbot.board.chart import board_png
from gelbot.board.compile import board_for
from gelbot.board.spreadsheet import board_xlsx
from gelbot.db import make_engine, make_sessionmaker, upgrade
from gelbot.domain.frameworks import default_framework
from gelbot.models import (
    Committee,
    Compromiso,
    CriterionStatus,
    DelegateFollow,
    FlowAnswer,
    FlowDefinition,
    FlowRun,
    Indicator,
    IndicatorReading,
    InformeDraft,
    Meeting,
    Person,
)
from gelbot.settings import async_database_url

RESULTS = Path(__file__).resolve().parent / "results" / "board.json"
BOGOTA = ZoneInfo("America/Bogota")
NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)
FIRST_DAY = date(2008, 3, 1)
SIZES = {"Antioquia": 125, "Colombia": 1102}
GOAL_SECONDS_125 = 0.5  # "well under a second"


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BOGOTA).astimezone(UTC)


def _fill(engine: Engine) -> dict[str, int]:
    """Every committee's year, written with one executemany per table; the delegados' ids."""
    rows: dict[Any, list[dict[str, Any]]] = {}
    counters: dict[str, int] = {}

    def add(model: Any, **values: Any) -> int:
        table = model.__tablename__
        counters[table] = counters.get(table, 0) + 1
        values["id"] = counters[table]
        rows.setdefault(model, []).append(values)
        return counters[table]

    created = _at(FIRST_DAY)
    criteria = [c.key for phase in default_framework().phases[:2] for c in phase.criteria]
    informacion = len(default_framework().phases[0].criteria)
    delegados = {
        name: add(Person, telegram_id=9_000 + n, first_name=f"Delegado {name}",
                  private_chat_open=True, private_blocked=False, created_at=created)
        for n, name in enumerate(SIZES)
    }  # fmt: skip
    for n in range(max(SIZES.values())):
        committee = add(Committee, chat_id=-(200_000 + n),
                        entity_name=f"Alcaldía de Municipio {n:04d}", orden="territorial",
                        nivel="municipal", framework_id="decreto_1151",
                        informe_months=6, informe_start_month=2, active=True, reachable=True,
                        created_at=created)  # fmt: skip
        for name, size in SIZES.items():
            if n < size:
                add(DelegateFollow, person_id=delegados[name], committee_id=committee,
                    status="aceptado", requested_at=created, decided_at=created)  # fmt: skip
        skipped = n % 7  # committees differ: some skip meetings, some stop answering
        for month in range(12):
            if month % 7 == skipped and month:
                continue
            day = date(2008 + (month + 2) // 12, (month + 2) % 12 + 1, 3)
            add(Meeting, committee_id=committee, held_on=day, status="cerrada",
                started_at=_at(day), closed_at=_at(day, 11), after_the_fact=False,
                review_messages=[])  # fmt: skip
        for c in range(40):
            due = FIRST_DAY + timedelta(days=9 * c + n % 5)
            if c >= 37:  # the last three fall due in the coming weeks
                due = NOW.date() + timedelta(weeks=c - 36)
            # The last few are still open; now and then an older one was forgotten (overdue).
            open_ = c >= 37 or (c * 7 + n) % 61 == 0
            add(Compromiso, committee_id=committee, description=f"Compromiso {c}", due_on=due,
                status="abierto" if open_ else "cumplido", created_at=_at(due - timedelta(days=30)),
                closed_at=None if open_ else _at(due))  # fmt: skip
        site = add(Indicator, committee_id=committee, key="sitio_web_semanal", meta=1,
                   name="Actualización semanal del sitio web", frequency="semanal",
                   position=0)  # fmt: skip
        monday = FIRST_DAY - timedelta(days=FIRST_DAY.weekday())
        for w in range(53):  # to the week before NOW
            week = monday + timedelta(weeks=w)
            missed = (w + n) % (3 + n % 6) == 0 and n % 2
            add(IndicatorReading, indicator_id=site, period_start=week,
                period_end=week + timedelta(days=6), value=0.0 if missed else 1.0,
                status="respondido", recorded_at=_at(week + timedelta(days=1)))  # fmt: skip
        for k, key in enumerate(criteria):
            # Two in three completed información (its deadline has passed); the rest lag.
            if k < informacion if n % 3 else (k + n) % 3:
                add(CriterionStatus, committee_id=committee, criterion_key=key, met=True,
                    updated_at=created)  # fmt: skip
        definition = add(FlowDefinition, committee_id=committee, flow_id="avance", version=1,
                         digest=f"avance{committee}", yaml_text="id: avance",
                         created_at=created)  # fmt: skip
        quiet = n % 11 == 0  # these stopped answering in the autumn
        for a in range(60):
            day = FIRST_DAY + timedelta(days=(200 if quiet else 360) * a // 60)
            moment = _at(day, 15)
            run = add(FlowRun, committee_id=committee, definition_id=definition, flow_id="avance",
                      flow_version=1, chat_id=-(200_000 + n), trigger="bench", status="completado",
                      item_index=0, iteration=0, step=1, attempts=0, state={}, started_at=moment,
                      updated_at=moment, expires_at=moment + timedelta(days=1),
                      finished_at=moment)  # fmt: skip
            add(FlowAnswer, run_id=run, committee_id=committee, definition_id=definition,
                flow_id="avance", flow_version=1, question_id="texto", item_index=0, iteration=0,
                status="respondida", raw_text="Se publicó", value="Se publicó",
                display="Se publicó", answered_at=moment)  # fmt: skip
        for start, end in (
            (date(2008, 2, 1), date(2008, 7, 31)),
            (date(2008, 8, 1), date(2009, 1, 31)),
        ):
            if n % 4 == 0 and start.year == 2008 and start.month == 8:
                continue  # a quarter of them owe the last informe
            done = _at(end + timedelta(days=12))
            add(InformeDraft, committee_id=committee, kind="semestral", period_start=start,
                period_end=end, row_keys=[], created_at=done, updated_at=done,
                generated_at=done)  # fmt: skip

    with engine.begin() as connection:
        for model in (Person, Committee, DelegateFollow, Meeting, Compromiso, Indicator,
                      IndicatorReading, CriterionStatus, FlowDefinition, FlowRun, FlowAnswer,
                      InformeDraft):  # fmt: skip
            connection.execute(insert(model), rows[model])
    return delegados


def prepare(url: str) -> dict[str, int]:
    """An empty database at head, filled (a PostgreSQL one is dropped first: benchmarks only)."""
    if url.startswith("postgresql"):
        engine = create_engine(url.replace("+asyncpg", "+psycopg"))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)
    sync = create_engine(url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg"))
    delegados = _fill(sync)
    with sync.begin() as connection:
        connection.execute(text("ANALYZE"))
    sync.dispose()
    return delegados


@dataclass
class Result:
    database: str
    delegado: str
    committees: int
    queries: int
    build_ms_median: float
    build_ms_min: float
    build_ms_max: float
    build_cpu_ms_median: float
    ms_per_committee: float
    urgent: int
    attention: int
    up_to_date: int
    png_ms: float
    xlsx_ms: float


async def measure(label: str, url: str, delegados: dict[str, int], runs: int) -> list[Result]:
    engine = make_engine(url)
    statements = [0]

    def count_statement(*_: Any) -> None:
        statements[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count_statement)
    sessions = make_sessionmaker(engine)
    timings: dict[str, list[float]] = {name: [] for name in SIZES}
    cpu: dict[str, list[float]] = {name: [] for name in SIZES}
    boards: dict[str, Any] = {}
    queries: dict[str, int] = {}
    try:
        for round_ in range(runs + 1):  # the first round warms caches up and is not counted
            for name in SIZES:
                async with sessions() as session:
                    person = await session.get(Person, delegados[name])
                    assert person is not None
                    statements[0] = 0
                    began, began_cpu = time.perf_counter(), time.process_time()
                    board = await board_for(session, person, now=NOW, tz=BOGOTA)
                    elapsed = time.perf_counter() - began
                    elapsed_cpu = time.process_time() - began_cpu
                if round_:
                    timings[name].append(elapsed * 1000)
                    cpu[name].append(elapsed_cpu * 1000)
                boards[name], queries[name] = board, statements[0]
    finally:
        await engine.dispose()
    results = []
    board_png(boards["Antioquia"])  # loads matplotlib's fonts once: not measured
    board_xlsx(boards["Antioquia"])
    for name, size in SIZES.items():
        board = boards[name]
        assert len(board.rows) == size, (name, len(board.rows))
        began = time.perf_counter()
        board_png(board)
        png_ms = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        board_xlsx(board)
        xlsx_ms = (time.perf_counter() - began) * 1000
        median = statistics.median(timings[name])
        results.append(
            Result(
                database=label, delegado=name, committees=size, queries=queries[name],
                build_ms_median=round(median, 1), build_ms_min=round(min(timings[name]), 1),
                build_ms_max=round(max(timings[name]), 1),
                build_cpu_ms_median=round(statistics.median(cpu[name]), 1),
                ms_per_committee=round(median / size, 3),
                urgent=board.count(2), attention=board.count(1), up_to_date=board.count(0),
                png_ms=round(png_ms, 1), xlsx_ms=round(xlsx_ms, 1),
            )
        )  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the board for 125 and 1,102 committees")
    parser.add_argument("--runs", type=int, default=7, help="measured builds per delegado")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args()
    results: list[Result] = []
    history_seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="gelbot-bench-") as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'board.sqlite3'}"
        began = time.perf_counter()
        delegados = prepare(url)
        history_seconds["sqlite"] = round(time.perf_counter() - began, 1)
        print(f"sqlite: history written in {history_seconds['sqlite']} s")
        results += asyncio.run(measure("sqlite", url, delegados, args.runs))
    postgres = os.environ.get("GELBOT_BENCH_DATABASE_URL")
    if postgres:
        url = async_database_url(postgres)
        began = time.perf_counter()
        delegados = prepare(url)
        history_seconds["postgresql"] = round(time.perf_counter() - began, 1)
        print(f"postgresql: history written in {history_seconds['postgresql']} s")
        results += asyncio.run(measure("postgresql", url, delegados, args.runs))

    ratio = SIZES["Colombia"] / SIZES["Antioquia"]
    verdicts = []
    for database in dict.fromkeys(r.database for r in results):
        small, large = (next(r for r in results if r.database == database and r.delegado == d)
                        for d in SIZES)  # fmt: skip
        growth = large.build_ms_median / small.build_ms_median
        met = small.build_ms_median / 1000 < GOAL_SECONDS_125 and growth <= ratio
        verdicts.append({"database": database, "large_over_small": round(growth, 2),
                         "committees_ratio": round(ratio, 2), "goal_met": met})  # fmt: skip
        for r in (small, large):
            print(
                f"{database:>10} {r.delegado:>9}: {r.committees} committees in "
                f"{r.build_ms_median} ms (min {r.build_ms_min}, max {r.build_ms_max}; CPU "
                f"{r.build_cpu_ms_median} ms; {r.ms_per_committee} ms each), {r.queries} "
                f"queries; {r.urgent} urgent, {r.attention} attention, {r.up_to_date} up to date; "
                f"png {r.png_ms} ms, xlsx {r.xlsx_ms} ms"
            )
        print(
            f"{database:>10}: 1,102 / 125 = {growth:.2f} (committees {ratio:.2f}); goal "
            f"(125 < {GOAL_SECONDS_125} s, growth ≤ {ratio:.2f}): {'met' if met else 'NOT met'}"
        )
    report = {
        "benchmark": "board",
        "workload": "board_for a delegado following 125 and one following 1,102 municipal "
        "committees, each with a year of history (12 meetings, 40 compromisos, 52 weekly site "
        "readings, ~40 criteria met, 60 flow answers, 2 informes), in the same database",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        },
        "versions": {"SQLAlchemy": sqlalchemy.__version__},
        "options": {"runs": args.runs},
        "history_written_seconds": history_seconds,
        "goal": {
            "board_125_seconds_under": GOAL_SECONDS_125,
            "large_over_small_at_most": round(ratio, 2),
        },
        "verdicts": verdicts,
        "results": [asdict(r) for r in results],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()

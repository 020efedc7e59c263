"""Compiling the informe: a committee with five years of history, and one with half of it.

Both committees live in the same database, built in one run: the large one has 60 meetings,
1,000 compromisos and 20,000 flow answers over five years (August 2004 – July 2009); the half
one 30, 500 and 10,000 over two and a half. Both keep the same pace, so their last semester holds
about the same; the informe compiled is that semester (February–July 2009), as /informe does on
10 August 2009. Run from the repository root:

    .venv/bin/python bench/informe.py [--runs 15]

GELBOT_BENCH_DATABASE_URL=postgresql://… adds a PostgreSQL run. That database is for benchmarks
only: the script DROPS its public schema, then migrates it, before measuring.

Goal (issue 6): under one second for the large committee, and a cost that grows no faster than
the history (large / half ≤ 2, the ratio of their histories).
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
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy
from sqlalchemy import Engine, create_engine, event, insert, text

from gelbot.db import make_engine, make_sessionmaker, upgrade
from gelbot.domain.frameworks import default_framework
from gelbot.informe import output
from gelbot.informe.compile import compile_informe
from gelbot.models import (
    Committee,
    Compromiso,
    CompromisoEvent,
    CriterionEvent,
    Decision,
    FlowAnswer,
    FlowDefinition,
    FlowRun,
    Indicator,
    IndicatorReading,
    Meeting,
    MeetingAttendance,
    Membership,
    Person,
    ProgressNote,
    SemesterItem,
)
from gelbot.settings import async_database_url

RESULTS = Path(__file__).resolve().parent / "results" / "informe.json"
GOAL_SECONDS = 1.0
BOGOTA = ZoneInfo("America/Bogota")
LAST_DAY = date(2009, 7, 31)
PERIOD = (date(2009, 2, 1), LAST_DAY)
NOW = datetime(2009, 8, 10, 14, 0, tzinfo=UTC)
MEMBERS = 12


@dataclass(frozen=True)
class History:
    label: str
    months: int
    meetings: int
    compromisos: int
    answers: int


HISTORIES = (
    History("grande", 60, 60, 1000, 20_000),
    History("mitad", 30, 30, 500, 10_000),
)


@dataclass
class Result:
    database: str
    committee: str
    months_of_history: int
    meetings: int
    compromisos: int
    flow_answers: int
    rows: int
    pendientes: int
    queries: int
    compile_ms_median: float
    compile_ms_min: float
    compile_ms_max: float
    # CPU time of the process (the aiosqlite thread included): steadier on a shared machine.
    compile_cpu_ms_median: float
    render_ms: dict[str, float]


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BOGOTA).astimezone(UTC)


def _month(index: int) -> date:
    """The first day of month `index` counted back from July 2009 (0 = July 2009)."""
    months = 2009 * 12 + 6 - index
    return date(months // 12, months % 12 + 1, 1)


class Ids:
    """Primary keys handed out here, so rows can point at each other in bulk inserts."""

    def __init__(self) -> None:
        self._counters: dict[str, Iterator[int]] = {}

    def next(self, table: str) -> int:
        return next(self._counters.setdefault(table, count(1)))


def _fill(engine: Engine, ids: Ids, h: History, chat_id: int) -> None:
    """One committee's history, at the same pace whatever its length."""
    rows: dict[Any, list[dict[str, Any]]] = {}

    def add(model: Any, **values: Any) -> int:
        table = model.__tablename__
        values.setdefault("id", ids.next(table))
        rows.setdefault(model, []).append(values)
        return int(values["id"])

    start = _month(h.months - 1)
    created = _at(start)
    committee = add(Committee, chat_id=chat_id, entity_name=f"Gobernación {h.label}",
                    orden="territorial", nivel="departamental", city="Cúcuta",
                    framework_id="decreto_1151", informe_months=6, informe_start_month=2,
                    active=True, reachable=True, created_at=created)  # fmt: skip
    people, members = [], []
    for n in range(MEMBERS):
        person = add(Person, telegram_id=chat_id * -1000 + n, first_name=f"Persona {n}",
                     private_chat_open=False, private_blocked=False,
                     created_at=created)  # fmt: skip
        people.append(person)
        members.append(add(Membership, committee_id=committee, person_id=person,
                           role="coordinador" if n == 0 else "miembro", cargo=f"Cargo {n}",
                           active=True, joined_at=created))  # fmt: skip

    meetings: list[tuple[int, date]] = []
    for m in range(h.meetings):
        day = _month(h.months - 1 - m * h.months // h.meetings) + timedelta(days=9)
        meeting = add(Meeting, committee_id=committee, held_on=day, status="cerrada",
                      started_at=_at(day), closed_at=_at(day, 11), quorum=True,
                      opened_by_id=people[0], closed_by_id=people[0], after_the_fact=False,
                      review_messages=[])  # fmt: skip
        meetings.append((meeting, day))
        for n, member in enumerate(members):
            add(MeetingAttendance, meeting_id=meeting, membership_id=member,
                status="presente" if n % 5 else "ausente", recorded_at=_at(day))  # fmt: skip
        for n in range(3):
            add(Decision, meeting_id=meeting, text=f"Decisión {n} de la reunión del {day}",
                created_by_id=people[0], created_at=_at(day, 10))  # fmt: skip

    span = (LAST_DAY - start).days
    for n in range(h.compromisos):
        day = start + timedelta(days=span * n // h.compromisos)
        held = max((m for m in meetings if m[1] <= day), key=lambda m: m[1], default=None)
        due = day + timedelta(days=30)
        done = n % 10 != 0 or due < LAST_DAY - timedelta(days=120)  # a few stay open
        closed = _at(min(due - timedelta(days=3), LAST_DAY)) if done else None
        compromiso = add(Compromiso, committee_id=committee, description=f"Compromiso {n}",
                         owner_membership_id=members[n % MEMBERS], due_on=due,
                         status="cumplido" if done else "abierto",
                         result=f"Resultado del compromiso {n}" if done else None,
                         meeting_id=held[0] if held else None, created_by_id=people[0],
                         created_at=_at(day), closed_at=closed)  # fmt: skip
        add(CompromisoEvent, compromiso_id=compromiso, kind="creado", new_due_on=due,
            actor_id=people[0], at=_at(day))  # fmt: skip
        if closed is not None:
            add(CompromisoEvent, compromiso_id=compromiso, kind="cumplido", note="Hecho",
                actor_id=people[n % MEMBERS], at=closed)  # fmt: skip

    # Indicators: the weekly site update and monthly contracting data.
    site = add(Indicator, committee_id=committee, key="sitio_web_semanal", meta=1,
               name="Actualización semanal del sitio web", frequency="semanal",
               position=0)  # fmt: skip
    monthly = add(Indicator, committee_id=committee, key="contratacion", meta=1,
                  name="Contratación publicada", frequency="mensual", position=1)  # fmt: skip
    monday = start - timedelta(days=start.weekday()) + timedelta(days=7)
    weeks = (LAST_DAY - monday).days // 7 + 1
    for w in range(weeks):
        week = monday + timedelta(weeks=w)
        add(IndicatorReading, indicator_id=site, period_start=week,
            period_end=week + timedelta(days=6), value=None if w % 13 == 0 else 2.0,
            status="sin_respuesta" if w % 13 == 0 else "respondido", person_id=people[1],
            recorded_at=_at(week + timedelta(days=4)))  # fmt: skip
    for m in range(h.months):
        first = _month(m)
        nxt = _month(m - 1) if m else date(2009, 8, 1)
        add(IndicatorReading, indicator_id=monthly, period_start=first,
            period_end=nxt - timedelta(days=1), value=1.0, status="respondido",
            person_id=people[2], recorded_at=_at(first + timedelta(days=27)))  # fmt: skip

    # Flow answers, at a steady pace: the weekly site nag (three questions) most of the time,
    # compromiso follow-ups (two), now and then /avance (two, and a progress note), and the
    # semester questionnaire (nine, and its rows) once a semester.
    flows = ("sitio_web_semanal", "seguimiento_compromiso", "avance", "cuestionario_semestral")
    definitions = {flow: add(FlowDefinition, committee_id=committee, flow_id=flow, version=1,
                             digest=f"{flow}{committee}", yaml_text="id: x", created_at=created)
                   for flow in flows}  # fmt: skip
    questionnaires = {_month(m) for m in range(h.months) if _month(m).month in (1, 7)}
    answers = runs = 0
    while answers < h.answers:
        day = start + timedelta(days=span * answers // h.answers)
        kind = ("sitio_web_semanal", "seguimiento_compromiso", "sitio_web_semanal", "avance",
                "sitio_web_semanal", "seguimiento_compromiso", "sitio_web_semanal",
                "sitio_web_semanal")[runs % 8] if runs % 20 else "avance"  # fmt: skip
        month = day.replace(day=1)
        if month in questionnaires and day.day >= 20:
            kind = "cuestionario_semestral"
            questionnaires.discard(month)
        questions = {"sitio_web_semanal": 3, "seguimiento_compromiso": 2, "avance": 2,
                     "cuestionario_semestral": 9}[kind]  # fmt: skip
        moment = _at(day, 15)
        run = add(FlowRun, committee_id=committee, definition_id=definitions[kind], flow_id=kind,
                  flow_version=1, person_id=people[runs % MEMBERS], chat_id=chat_id,
                  trigger="bench", status="completado", item_index=0, iteration=0, step=1,
                  attempts=0, state={}, started_at=moment, updated_at=moment,
                  expires_at=moment + timedelta(days=1), finished_at=moment)  # fmt: skip
        last = 0
        for q in range(questions):
            last = add(FlowAnswer, run_id=run, committee_id=committee,
                       definition_id=definitions[kind], flow_id=kind, flow_version=1,
                       question_id=f"q{q}", item_index=0, iteration=0, person_id=people[1],
                       status="respondida", raw_text=f"respuesta {q}", value=f"respuesta {q}",
                       display=f"respuesta {q}", answered_at=moment)  # fmt: skip
        answers += questions
        runs += 1
        if kind == "avance" and runs % 2:
            add(ProgressNote, committee_id=committee, person_id=people[runs % MEMBERS],
                text=f"Avance del {day}", run_id=run, effect_key="0:0:destino:0", answer_id=last,
                noted_on=day, created_at=moment, updated_at=moment)  # fmt: skip
        elif kind == "cuestionario_semestral":
            period_start = date(day.year, 2, 1) if day.month == 7 else date(day.year - 1, 8, 1)
            for n, item in enumerate(("taller", "equipos", "dificultad", "proximo_paso")):
                add(SemesterItem, committee_id=committee, period_start=period_start, kind=item,
                    accion=f"{item} del {day}", resultado="Asistieron 20 personas",
                    fecha=day if n < 2 else None, asistentes=20 if n == 0 else None,
                    person_id=people[0], run_id=run, effect_key=f"0:{n}:accion:0",
                    answer_id=last, created_at=moment, updated_at=moment)  # fmt: skip

    # Criteria: every criterion of the first two phases marked over the history, some unmarked.
    framework = default_framework()
    criteria = [c for phase in framework.phases[:3] for c in phase.criteria]
    for n, criterion in enumerate(criteria):
        day = start + timedelta(days=span * n // len(criteria))
        add(CriterionEvent, committee_id=committee, criterion_key=criterion.key, kind="cumple",
            met=True, actor_id=people[0], at=_at(day))  # fmt: skip
        if n % 9 == 0:
            later = day + timedelta(days=span // 3)
            add(CriterionEvent, committee_id=committee, criterion_key=criterion.key,
                kind="no_cumple", met=False, actor_id=people[0],
                at=_at(min(later, LAST_DAY)))  # fmt: skip

    with engine.begin() as connection:
        for model in (Committee, Person, Membership, Meeting, MeetingAttendance, Decision,
                      Compromiso, CompromisoEvent, Indicator, IndicatorReading, FlowDefinition,
                      FlowRun, FlowAnswer, ProgressNote, SemesterItem, CriterionEvent):  # fmt: skip
            if model in rows:
                # One executemany per table: every row names the same columns.
                columns = {key for row in rows[model] for key in row}
                batch = [{key: row.get(key) for key in columns} for row in rows[model]]
                connection.execute(insert(model), batch)
    return None


def prepare(url: str) -> None:
    """An empty database at head (a PostgreSQL one is dropped first: benchmarks only)."""
    if url.startswith("postgresql"):
        engine = create_engine(url.replace("+asyncpg", "+psycopg"))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)
    sync = create_engine(url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg"))
    ids = Ids()
    for n, history in enumerate(HISTORIES):
        _fill(sync, ids, history, chat_id=-(100_001 + n))
    if url.startswith("postgresql"):
        with sync.begin() as connection:  # the ids were given, so the sequences must follow
            for table in sqlalchemy.inspect(sync).get_table_names():
                if table == "alembic_version":
                    continue
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                ))  # fmt: skip
            connection.execute(text("ANALYZE"))
    else:
        with sync.begin() as connection:
            connection.execute(text("ANALYZE"))
    sync.dispose()


async def measure(label: str, url: str, runs: int) -> list[Result]:
    engine = make_engine(url)
    statements = [0]

    def count_statement(*_: Any) -> None:
        statements[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count_statement)
    sessions = make_sessionmaker(engine)
    timings: dict[str, list[float]] = {h.label: [] for h in HISTORIES}
    cpu: dict[str, list[float]] = {h.label: [] for h in HISTORIES}
    queries: dict[str, int] = {}
    documents: dict[str, Any] = {}
    try:
        for round_ in range(runs + 1):  # the first round warms caches up and is not counted
            for n, history in enumerate(HISTORIES):
                async with sessions() as session:
                    committee = await session.get(Committee, n + 1)
                    assert committee is not None
                    statements[0] = 0
                    began, began_cpu = time.perf_counter(), time.process_time()
                    doc = await compile_informe(
                        session, committee, kind="semestral", start=PERIOD[0], end=PERIOD[1],
                        now=NOW, tz=BOGOTA,
                    )  # fmt: skip
                    elapsed = time.perf_counter() - began
                    elapsed_cpu = time.process_time() - began_cpu
                if round_:
                    timings[history.label].append(elapsed * 1000)
                    cpu[history.label].append(elapsed_cpu * 1000)
                queries[history.label], documents[history.label] = statements[0], doc
    finally:
        await engine.dispose()
    for fmt in output.FORMATS:  # imports python-docx, fpdf2 and matplotlib: not measured
        output.render(documents[HISTORIES[-1].label], fmt)
    results = []
    for history in HISTORIES:
        doc = documents[history.label]
        render_ms: dict[str, float] = {}
        for fmt in output.FORMATS:
            began = time.perf_counter()
            output.render(doc, fmt)
            render_ms[fmt] = round((time.perf_counter() - began) * 1000, 1)
        measured = timings[history.label]
        results.append(
            Result(
                database=label, committee=history.label, months_of_history=history.months,
                meetings=history.meetings, compromisos=history.compromisos,
                flow_answers=history.answers, rows=len(doc.rows), pendientes=len(doc.pendientes),
                queries=queries[history.label],
                compile_ms_median=round(statistics.median(measured), 1),
                compile_ms_min=round(min(measured), 1), compile_ms_max=round(max(measured), 1),
                compile_cpu_ms_median=round(statistics.median(cpu[history.label]), 1),
                render_ms=render_ms,
            )
        )  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Compile the informe over long histories")
    parser.add_argument("--runs", type=int, default=15, help="measured compilations per committee")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="gelbot-bench-") as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'informe.sqlite3'}"
        began = time.perf_counter()
        prepare(url)
        print(f"sqlite: history written in {time.perf_counter() - began:.1f} s")
        results += asyncio.run(measure("sqlite", url, args.runs))
    postgres = os.environ.get("GELBOT_BENCH_DATABASE_URL")
    if postgres:
        url = async_database_url(postgres)
        prepare(url)
        results += asyncio.run(measure("postgresql", url, args.runs))

    verdicts = []
    for database in dict.fromkeys(r.database for r in results):
        large, half = (next(r for r in results if r.database == database and r.committee == c)
                       for c in ("grande", "mitad"))  # fmt: skip
        growth = large.compile_ms_median / half.compile_ms_median
        met = large.compile_ms_median / 1000 < GOAL_SECONDS and growth <= 2.0
        verdicts.append({"database": database, "large_over_half": round(growth, 2),
                         "history_ratio": 2.0, "goal_met": met})  # fmt: skip
        for r in (large, half):
            print(
                f"{database:>10} {r.committee:>6}: {r.months_of_history} months, "
                f"{r.meetings} meetings, {r.compromisos} compromisos, {r.flow_answers} answers → "
                f"{r.rows} rows + {r.pendientes} pendientes in {r.compile_ms_median} ms "
                f"(min {r.compile_ms_min}, max {r.compile_ms_max}; CPU "
                f"{r.compile_cpu_ms_median} ms), {r.queries} queries; "
                f"render {r.render_ms}"
            )
        print(
            f"{database:>10}: large / half = {growth:.2f} (history 2.0); goal "
            f"(< {GOAL_SECONDS} s, growth ≤ 2): {'met' if met else 'NOT met'}"
        )
    report = {
        "benchmark": "informe",
        "workload": "compile_informe for February–July 2009 of a committee with 5 years of "
        "history and of one with 2.5 years, in the same database",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        },
        "versions": {"SQLAlchemy": sqlalchemy.__version__},
        "options": {"runs": args.runs},
        "goal": {"large_seconds_under": GOAL_SECONDS, "large_over_half_at_most": 2.0},
        "verdicts": verdicts,
        "results": [asdict(r) for r in results],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()

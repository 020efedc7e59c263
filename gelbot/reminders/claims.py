"""The dispatcher's claim statements: which due rows, claimed how, on each database.

Every scan of due rows walks the index of pending rows in order, with a LIMIT, so its cost
follows what is due (see gelbot.reminders.dispatcher). Built once, at import: building a
statement cost more than running it.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import cast

from sqlalchemy import (
    ARRAY,
    Table,
    Update,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    true,
    tuple_,
    union_all,
    update,
)

from gelbot.models import Reminder, ReminderStatus
from gelbot.reminders.outbox import Claimed

_TABLE = cast(Table, Reminder.__table__)
# What a claim reads back: exactly the columns a Claimed is made of.
_CLAIM_COLUMNS = tuple(_TABLE.c[field.name] for field in fields(Claimed))
_GROUP = (_TABLE.c.kind, _TABLE.c.target_kind, _TABLE.c.target_id)
# Statuses as literals, not parameters: a partial index (migration 0002) serves only a query
# that names its status, and PostgreSQL's generic plans don't look at parameter values.
_PENDING = _TABLE.c.status == literal_column(f"'{ReminderStatus.PENDIENTE.value}'")
_SENDING = _TABLE.c.status == literal_column(f"'{ReminderStatus.ENVIANDO.value}'")
_DUE = (_PENDING, _TABLE.c.due_at <= bindparam("now"))
# The next due rows and their groups, oldest first. On PostgreSQL the rows read are locked and
# rows another dispatcher holds are skipped, so two dispatchers pick different rows (with a
# plain read both would pick the same ones, and the second would find them all taken and stop).
NEXT_ROWS = (
    select(_TABLE.c.id, *_GROUP)
    .where(*_DUE)
    .order_by(_TABLE.c.due_at, _TABLE.c.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
# Every due row of those groups, claimed atomically: FOR UPDATE SKIP LOCKED on PostgreSQL (a
# row another dispatcher holds is skipped, not waited for); SQLite serialises writers instead.
# The three plain INs say nothing the tuple does not, but with them SQLite looks the groups up
# in the (kind, target, occurrence) key instead of reading every due row: after downtime, with
# thousands due, that made each batch's claim cost grow with the whole backlog.
GROUP_ROWS = (
    select(_TABLE.c.id)
    .where(
        *_DUE,
        *(column.in_(bindparam(f"{column.name}s", expanding=True)) for column in _GROUP),
        tuple_(*_GROUP).in_(bindparam("groups", expanding=True)),
    )
    .with_for_update(skip_locked=True)
)
_CLAIMED = {
    "status": ReminderStatus.ENVIANDO.value,
    "claimed_at": bindparam("now"),
    "claimed_by": bindparam("worker"),
    "attempts": _TABLE.c.attempts + 1,
}
CLAIM_GROUPS = (
    update(_TABLE)
    .where(_TABLE.c.id.in_(GROUP_ROWS.scalar_subquery()))
    .values(_CLAIMED)
    .returning(*_CLAIM_COLUMNS)
)
# PostgreSQL: the groups as a table (three arrays, unnested) and, for each group, a LATERAL
# lookup of its due rows in the reminder key. With the IN form, on a table just planned and not
# yet analysed, PostgreSQL read every row of the kinds for each batch: 34 ms a claim in bench
# (a), 4 ms this way. (SQLite has no arrays to unnest; the IN form suits it.)
_GROUPS = (
    func.unnest(*(bindparam(f"group_{c.name}s", type_=ARRAY(c.type)) for c in _GROUP))
    .table_valued(*(c.name for c in _GROUP))
    .render_derived(name="groups")
)
GROUP_ROWS_PG = (
    select(_TABLE.c.id)
    .where(*_DUE, *(column == _GROUPS.c[column.name] for column in _GROUP))
    .with_for_update(skip_locked=True)
    .lateral("due")
)
CLAIM_GROUPS_PG = (
    update(_TABLE)
    .where(
        _TABLE.c.id.in_(select(GROUP_ROWS_PG.c.id).select_from(_GROUPS).join(GROUP_ROWS_PG, true()))
    )
    .values(_CLAIMED)
    .returning(*_CLAIM_COLUMNS)
)
# PostgreSQL, in ONE statement committed by itself, what `Dispatcher._claim` does on SQLite:
# read the next `limit` + 1 due rows (locked; rows another dispatcher holds are skipped); if
# they are all that is due, claim them; otherwise claim every due row of the groups of the
# first `limit`, looked up per group as in CLAIM_GROUPS_PG (only then: that lookup walks the
# group's whole history in the key). Reading, then claiming, in a transaction cost four round
# trips (BEGIN, read, claim, COMMIT) and a session: 3–4 of a tick's 60 ms (bench (b)).
_NEXT = _TABLE.alias("next_due")
_NEXT_ROWS_PG = (
    select(_NEXT.c.id, _NEXT.c.due_at, *(_NEXT.c[c.name] for c in _GROUP))
    .where(
        _NEXT.c.status == literal_column(f"'{ReminderStatus.PENDIENTE.value}'"),
        _NEXT.c.due_at <= bindparam("now"),
    )
    .order_by(_NEXT.c.due_at, _NEXT.c.id)
    .limit(bindparam("read"))
    .with_for_update(skip_locked=True)
    .cte("next_rows")
)
_READ = select(func.count()).select_from(_NEXT_ROWS_PG).scalar_subquery()
_FIRST = (
    select(*(_NEXT_ROWS_PG.c[c.name] for c in _GROUP))
    .order_by(_NEXT_ROWS_PG.c.due_at, _NEXT_ROWS_PG.c.id)
    .limit(bindparam("limit"))
    .subquery("first_rows")
)
_FIRST_GROUPS = select(*_FIRST.c).distinct().subquery("first_groups")
_GROUP_DUE = (
    select(_TABLE.c.id)
    .where(*_DUE, *(column == _FIRST_GROUPS.c[column.name] for column in _GROUP))
    .with_for_update(skip_locked=True)
    .lateral("group_due")
)
CLAIM_NEXT_PG = (
    update(_TABLE)
    .where(
        # `= ANY(ARRAY(…))`, not `IN (…)`: the claimed ids become one array, looked up in the
        # primary key. PostgreSQL cannot tell how many rows the IN would bring and, expecting
        # a few hundred, preferred reading the whole table to match them.
        _TABLE.c.id
        == any_(
            func.array(
                union_all(
                    select(_NEXT_ROWS_PG.c.id).where(bindparam("limit") >= _READ),
                    select(_GROUP_DUE.c.id)
                    .select_from(_FIRST_GROUPS)
                    .join(_GROUP_DUE, true())
                    .where(bindparam("limit") < _READ),
                ).scalar_subquery()
            )
        )
    )
    .values(_CLAIMED)
    .returning(*_CLAIM_COLUMNS)
)
# When every due row fits in the batch its groups are complete: claim those rows by key. (The
# rows read are still checked to be pending: on SQLite another process may have claimed them
# since they were read; on PostgreSQL they are locked until this transaction ends.)
CLAIM_ROWS = (
    update(_TABLE)
    .where(_TABLE.c.id.in_(bindparam("ids", expanding=True)), _PENDING)
    .values(_CLAIMED)
    .returning(*_CLAIM_COLUMNS)
)


def abandoned_claims(claimed_before: datetime) -> Update:
    """Back to the queue: rows claimed before that moment, by a dispatcher that died."""
    return (
        update(_TABLE)
        .where(_SENDING, _TABLE.c.claimed_at < claimed_before)
        .values(status=ReminderStatus.PENDIENTE.value, claimed_by=None)
    )


Group = tuple[str, str, int]  # (kind, target kind, target id)


def group_params(dialect: str, groups: list[Group]) -> dict[str, object]:
    """The parameters of the dialect's statement that claims every due row of these groups."""
    if dialect == "postgresql":  # CLAIM_GROUPS_PG: three arrays, a group at each position
        return {f"group_{c.name}s": [group[n] for group in groups] for n, c in enumerate(_GROUP)}
    params: dict[str, object] = {"groups": groups}
    for n, column in enumerate(_GROUP):
        params[f"{column.name}s"] = sorted({group[n] for group in groups})
    return params


def attempt_returned(ids: list[int]) -> Update:
    """A 429 is a wait, not a failed attempt: give back the attempt the claim counted."""
    return update(_TABLE).where(_TABLE.c.id.in_(ids)).values(attempts=_TABLE.c.attempts - 1)

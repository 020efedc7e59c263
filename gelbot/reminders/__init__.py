"""Reminders: an outbox the planner fills from the committees' rules and the dispatcher empties.

Delivery rule — AT LEAST ONCE, WITH AT MOST ONE DUPLICATE PER CRASH:
- A dispatcher commits its claim on a row (status «enviando», claimed_by, claimed_at) before
  sending, sends one message at a time, and commits the record of each send (status «enviado»
  and Telegram's message_id) before it sends the next one.
- If the process dies between claim and send, the claimed rows were not sent; once the claim's
  lease (10 minutes) ends, the next pass of any dispatcher sends them: delivered once.
- If it dies between send and record, the message went out but the row still says
  «enviando»; after the lease it is sent again: delivered twice. Only the one message in
  flight can be affected, so a crash costs at most one duplicate, never a lost reminder.
We prefer this to at-most-once because a lost reminder (a missed convocatoria, an overdue
compromiso nobody hears about) does more harm than a repeated one. A weekly nag's question
(the reply-with-a-number it waits for) is stored just before its send is recorded: a crash
between the two repeats the nag, and either copy's reply answers the week. Two details keep the
rule:
a dispatcher whose batch has used half its lease (long flood waits) hands the unsent rest back
instead of racing the lease; and on PostgreSQL the records are committed without waiting for
the disk (synchronous_commit off, on the dispatcher's own connection) — a crash of the
database server itself may then forget a few records and repeat those messages, never lose one.

Two dispatchers (two processes, two machines) can run against the same database: a claim is one
atomic UPDATE (on PostgreSQL over `SELECT … FOR UPDATE SKIP LOCKED`), so no row is ever held by
both, and a record only lands for the dispatcher that holds the claim.

Catch-up after downtime: rows whose moment has passed (a meeting held, a week closed: each row
carries `expires_at`) are dropped; the remaining rows of one target and kind go out as ONE
message marked as late.

Modules: kinds (what exists), schedule (per-committee settings), rules (pure: facts → rows),
planner (rows in the database), outbox (shared types, insert-or-ignore), prepare (route, quiet
hours, vacations, builder, template), messages / digest / vacations / sitio_web / follows (what
each kind says and the domain behind it), dispatcher (claim, send, record), tick (plan + send
once). The sender that talks to Telegram is gelbot.telegram.sender: nothing here imports
`telegram`.
"""

"""Reminders: an outbox the planner fills from the committees' rules and the dispatcher empties.

Delivery rule — AT LEAST ONCE, WITH AT MOST ONE DUPLICATE PER CRASH, AND NONE WITHOUT ONE:
- A dispatcher commits its claim on a row (status «enviando», claimed_by, claimed_at) before
  sending, sends one message at a time, and commits the record of each send (status «enviado»
  and Telegram's message_id) before it sends the next one.
- If the process dies between claim and send, the claimed rows were not sent; once the claim's
  lease (10 minutes) ends, the next pass of any dispatcher sends them: delivered once.
- If it dies between send and record, the message went out but the row still says
  «enviando»; after the lease it is sent again: delivered twice. Only the one message in
  flight can be affected, so a crash costs at most one duplicate, never a lost reminder.
- A long message goes out in parts, and the rule holds per part: each part Telegram accepted is
  recorded (`parts_sent`) before the next one is sent; a retry — after a 429 on a later part,
  a network failure, or a crash between parts — sends only the parts not recorded. A crash
  between a part's send and its record repeats that one part.
- A timeout means «unknown», not «not sent». A send waits 30 s for Telegram's answer
  (gelbot.telegram.sender.SEND_READ_TIMEOUT; PTB's default, 5 s, took slow answers for
  failures). A request that left but got no answer may have been delivered: it counts as sent
  and is never repeated; the row is recorded «enviado» without message_id and with last_error
  «incierto: …» (a nag's reply-question is then not stored; its buttons still answer). This is
  the one case where a reminder may be lost instead of doubled, and the row says so. A request
  that never left (refused connection, connect or pool timeout) or got a 5xx answer is retried
  with backoff, then handed back.
- A 429 hands the message back until `retry_after` has passed (a wait costs no attempt); the
  rest of the pass goes on, and that chat's other messages in the pass wait too.
We prefer this to at-most-once because a lost reminder (a missed convocatoria, an overdue
compromiso nobody hears about) does more harm than a repeated one. A weekly nag's question
(the reply-with-a-number it waits for) is stored just before its send is recorded: a crash
between the two repeats the nag, and either copy's reply answers the week. Two details keep the
rule:
a dispatcher whose batch has used half its lease (slow answers, network backoff, the shared
send budget) hands the unsent rest back instead of racing the lease; and on PostgreSQL the
records are committed without waiting for the disk (synchronous_commit off, on the dispatcher's
own connection) — a crash of the database server itself may then forget a few records and
repeat those messages, never lose one.

Two dispatchers (two processes, two machines) can run against the same database: a claim is one
atomic UPDATE (on PostgreSQL over `SELECT … FOR UPDATE SKIP LOCKED`), so no row is ever held by
both, and a record only lands for the dispatcher that holds the claim. Together they stay under
Telegram's global limit through a send budget kept in the database (gelbot.telegram.budget),
which the bot's rate limiter takes a place in before each send (gelbot.telegram.pacing).

Catch-up after downtime: rows whose moment has passed (a meeting held, a week closed: each row
carries `expires_at`) are dropped; the remaining rows of one target and kind go out as ONE
message marked as late. A calendar warning whose moment passed during the downtime but that the
next one has not yet superseded is still planned, once (kinds.CATCH_UP_KINDS).

Modules: kinds (what exists), schedule (per-committee settings), facts (what rules read: a
committee's facts, the window, the planned rows), rules / meeting_rules / calendar_rules (pure:
facts → rows), planner (rows in the database), outbox (shared types, insert-or-ignore), job
(the rows of one target and kind), prepare (route, quiet hours, vacations, builder, template),
builders / calendar_messages / digest / vacations (what each kind says), dispatcher (claim,
send, record; its statements in claims, its record in sent_recorder), tick (plan + send once).
Follows, the site-update indicator and vacations themselves are domain (gelbot.domain). The
sender that talks to Telegram is gelbot.telegram.sender: nothing here imports `telegram`.
"""

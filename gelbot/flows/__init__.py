"""Conversations as data: flows declared in conversations/*.yaml, run by one engine.

schema and updates (the file format and its closed set of effects), templating (sandboxed
question texts), loader (shipped files and each committee's versions), answers (reading a
reply), context (what templates and buttons see), runs (a run's vocabulary and bookkeeping),
engine (start, ask, answer), corrections, expiry, effects and records (what answers update),
semester (when the questionnaire is due). The Telegram side is gelbot.telegram.flow_questions
(asking) and the handlers flow_answers (answering) and flow_commands (/avance, /corregir,
/flujos, files); gelbot.jobs runs the periodic pass.
"""

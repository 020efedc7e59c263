"""The kinds of reminder, and which of them the planner owns."""

from __future__ import annotations

import enum
from datetime import time, timedelta


class Kind(enum.StrEnum):
    """What a reminder row is for; each kind has one function that says what to send."""

    SITIO_WEB = "sitio_web"  # weekly: was the site updated, how many times?
    SITIO_WEB_REPETICION = "sitio_web_repeticion"  # the one re-nag, two working days later
    SITIO_WEB_CIERRE = "sitio_web_cierre"  # silent: record the week as «sin respuesta»
    CONVOCATORIA = "convocatoria"  # three working days before the monthly meeting
    REUNION_HOY = "reunion_hoy"  # the morning of the meeting
    REUNION_SIN_PROGRAMAR = "reunion_sin_programar"  # no rule set: suggest one, call none
    REUNION_NO_REALIZADA = "reunion_no_realizada"  # the day after a meeting nobody recorded
    COMPROMISO = "compromiso"  # to the responsable: before, on and after the due date
    COMPROMISO_COORDINADOR = "compromiso_coordinador"  # seven days overdue: the coordinador
    FASE = "fase"  # 90, 30, 7 and 1 day(s) before a phase deadline
    CALENDARIO = "calendario"  # the same ladder before a reporting date (plan de acción, FURAG)
    RESUMEN_DELEGADO = "resumen_delegado"  # the delegado's weekly digest
    AVISO_COORDINADOR = "aviso_coordinador"  # something the coordinador should know now
    REGRESO_VACACIONES = "regreso_vacaciones"  # what fell due during a member's vacation


# The planner creates, moves and withdraws these; the other kinds are enqueued by events.
PLANNED_KINDS: frozenset[str] = frozenset(
    {
        Kind.SITIO_WEB,
        Kind.SITIO_WEB_REPETICION,
        Kind.SITIO_WEB_CIERRE,
        Kind.CONVOCATORIA,
        Kind.REUNION_HOY,
        Kind.REUNION_SIN_PROGRAMAR,
        Kind.REUNION_NO_REALIZADA,
        Kind.COMPROMISO,
        Kind.COMPROMISO_COORDINADOR,
        Kind.FASE,
        Kind.CALENDARIO,
        Kind.RESUMEN_DELEGADO,
    }
)

# Warnings about the committee's calendar: one whose moment passed while the bot was down (or
# the clock jumped) but that the next one has not yet superseded (expires_at) is still planned,
# once, as a catch-up. Compromiso steps and digests are not: they are about each person.
CATCH_UP_KINDS: frozenset[str] = frozenset(
    {Kind.SITIO_WEB, Kind.SITIO_WEB_REPETICION, Kind.CONVOCATORIA, Kind.REUNION_HOY, Kind.FASE}
)
# How far back a catch-up reaches: a 90-day phase warning lives until the 30-day one.
CATCH_UP = timedelta(days=65)

# The weekly site-update question and its one re-nag.
NAG_KINDS: frozenset[str] = frozenset({Kind.SITIO_WEB, Kind.SITIO_WEB_REPETICION})

# Kinds that change data and send nothing.
SILENT_KINDS: frozenset[str] = frozenset({Kind.SITIO_WEB_CIERRE})

# A member's vacation pauses these (they are summarised on return instead).
PAUSED_BY_VACATION: frozenset[str] = frozenset(
    {
        Kind.SITIO_WEB,
        Kind.SITIO_WEB_REPETICION,
        Kind.COMPROMISO,
        Kind.COMPROMISO_COORDINADOR,
        Kind.RESUMEN_DELEGADO,
        Kind.AVISO_COORDINADOR,
    }
)

# The hour personal reminders are planned for, inside the default quiet-hours window.
MORNING = time(9, 0)
PHASE_WARNING_DAYS = (90, 30, 7, 1)
COMPROMISO_NOTICE_DAYS = 3  # working days before the due date
COORDINADOR_AFTER_DAYS = 7  # days overdue before the coordinador is told
RENAG_WORKING_DAYS = 2
CONVOCATORIA_WORKING_DAYS = 3

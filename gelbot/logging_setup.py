"""Logging that never prints the bot token (nor the webhook secret or database password)."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

REDACTED = "[TOKEN]"
# Below this length a "secret" would match ordinary words and shred the log.
MIN_SECRET_LENGTH = 4


def secret_variants(secrets: list[str]) -> list[str]:
    """The secrets, plus the part of a bot token after its ':' (URLs may encode the ':')."""
    found: list[str] = []
    for secret in secrets:
        if not secret:
            continue
        found.append(secret)
        _bot_id, colon, key = secret.partition(":")
        if colon and len(key) >= MIN_SECRET_LENGTH:
            found.append(key)
    # Longest first, so the whole token is replaced before its key part.
    return sorted({s for s in found if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)


class RedactToken(logging.Filter):
    """Replace the secrets wherever they would appear: message, arguments, exception, stack.

    Attached to the root logger's handler, so it sees records of every logger that propagates
    (PTB, httpx, tornado, asyncio, ours). PTB's own exceptions quote the token verbatim.
    """

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secret_variants(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:
            # A malformed call (wrong argument count); logging would print msg and args raw.
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def configure_logging(level: str, secrets: list[str]) -> Callable[[str], str]:
    """Log to stderr at `level`, with the secrets filtered out; returns the redacting function.

    Uncaught exceptions (main thread and others) go through the same handler instead of
    Python's default traceback printer, which would show them unredacted.
    """
    redactor = RedactToken(secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # At DEBUG these drown gelbot's and PTB's lines (every socket step, every SQLite call).
    for noisy in ("httpcore", "aiosqlite", "apscheduler", "tornado.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.captureWarnings(True)

    log = logging.getLogger("gelbot")

    def excepthook(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        log.critical("gelbot se detuvo por un error inesperado", exc_info=(kind, error, tb))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            exc_info = (args.exc_type, args.exc_value, args.exc_traceback)
            log.error("Error en el hilo %s", getattr(args.thread, "name", "?"), exc_info=exc_info)

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    return redactor.redact

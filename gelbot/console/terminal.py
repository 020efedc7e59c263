"""The terminal around a Console: the read loop, and logs that keep out of the transcript."""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TextIO

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from gelbot.console.session import Console
from gelbot.settings import Settings

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class OneLineErrors(logging.Formatter):
    """Log lines for the console's stderr: an exception shows as one line, never a traceback."""

    def formatException(self, ei: ExcInfo) -> str:
        error = ei[1]
        return f"    {type(error).__name__}: {error}" if error is not None else ""

    def formatStack(self, stack_info: str) -> str:
        return ""


def configure_console_logging(*, verbose: bool = False) -> None:
    """Warnings to stderr in one line each (or, verbose, INFO with tracebacks)."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter if verbose else OneLineErrors
    handler.setFormatter(formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    for noisy in ("httpx", "httpcore", "aiosqlite", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run_console(
    settings: Settings,
    *,
    start: datetime,
    files_dir: Path | None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Read lines (typed, or piped from a script) until :salir or end of input; the exit status."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()
    console = Console(settings, start=start, color=stdout.isatty(), files_dir=files_dir)
    last = [""]

    def emit(lines: list[str]) -> None:
        for line in lines:
            print(line, file=stdout)
            last[0] = line
        stdout.flush()

    def read() -> str | None:
        if interactive:
            try:
                return input(f"{console.prompt}> ")
            except EOFError:
                print(file=stdout)
                return None
        line = stdin.readline()
        if not line:
            return None
        # Echo piped input, a blank line before each turn, so the transcript reads as a chat.
        echoed = console.echo(line)
        after_output = bool(last[0].strip()) and not last[0].startswith("#")
        if not echoed.strip():
            emit([""] if last[0].strip() else [])
        else:
            emit(["", echoed] if after_output else [echoed])
        return line

    if interactive:
        import readline  # noqa: F401 (gives input() line editing and history)
    # One event loop for the whole session: the database connections live on it.
    with asyncio.Runner() as runner:
        try:
            try:
                emit(runner.run(console.open()))
            except (SQLAlchemyError, OSError) as error:
                database = make_url(settings.database_url).render_as_string(hide_password=True)
                # The driver's own words; SQLAlchemy's wrapper adds a link and the statement.
                cause = getattr(error, "orig", None) or error
                print(f"No pude abrir la base de datos {database}: {cause}", file=sys.stderr)
                return 1
            while not console.finished and (line := read()) is not None:
                emit(runner.run(console.handle(line)))
        except KeyboardInterrupt:
            print(file=stdout)
        finally:
            runner.run(console.close())
    return 0

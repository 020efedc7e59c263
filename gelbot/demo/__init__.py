"""`gelbot demo`: a committee lives through a semester, offline, and writes its informe.

No token, no network: the real Application behind the console's fake Telegram, on a fresh
embedded SQLite database, with a clock that moves from February to August 2009.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from gelbot.demo.runner import DemoResult, DemoRunner
from gelbot.settings import load_settings

__all__ = ["DATABASE_FILE", "DemoResult", "main", "run_demo"]

DATABASE_FILE = "gelbot-demo.sqlite3"


async def run_demo(
    output: Path,
    *,
    short: bool = False,
    database_url: str | None = None,
    write: Callable[[str], None] = print,
    progress: Callable[[str], None] = lambda _: None,
) -> DemoResult:
    """Play the semester (February only when `short`) and write the informe into `output`.

    Without `database_url`, a fresh SQLite file inside `output`, so runs never collide.
    """
    settings = load_settings(token=None, database_url=_prepare(output, database_url))
    runner = DemoRunner(settings, output, short=short, write=write, progress=progress)
    return await runner.run()


def _prepare(output: Path, database_url: str | None) -> str:
    """Create `output`; without a database URL, start a fresh SQLite file inside it."""
    output.mkdir(parents=True, exist_ok=True)
    # The console never overwrites a file it saves: start the attachments afresh.
    shutil.rmtree(output / "adjuntos", ignore_errors=True)
    if database_url is not None:
        return database_url
    database = output / DATABASE_FILE
    for stale in (database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))):
        stale.unlink(missing_ok=True)
    return f"sqlite:///{database.resolve()}"


def main(
    output: str, *, short: bool = False, database_url: str | None = None, quiet: bool = False
) -> int:
    """`gelbot demo`: the conversation on stdout, progress on stderr, where the files went."""
    import asyncio
    import sys

    from gelbot.console import configure_console_logging
    from gelbot.settings import SettingsError

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_console_logging()
    folder = Path(output)

    def progress(text: str) -> None:
        print(f"[demo] {text}…", file=sys.stderr, flush=True)

    def write(line: str) -> None:
        if not quiet:
            print(line)

    try:
        result = asyncio.run(
            run_demo(folder, short=short, database_url=database_url, write=write, progress=progress)
        )
    except SettingsError as error:
        print(str(error), file=sys.stderr)
        return 2
    finally:  # when called in-process (the tests), leave logging as it was
        root.handlers[:], root.level = handlers, level
    if not result.informe_files:
        print("La demostración terminó sin informe: revise la conversación.", file=sys.stderr)
        return 1
    print(
        f"\nListo en {result.seconds:.0f} s: {result.lines_typed} líneas escritas por el comité, "
        f"{result.bot_messages} mensajes de gelbot.\nEl informe quedó en {folder.resolve()}:",
        file=sys.stderr,
    )
    for path in result.informe_files:
        print(f"  {path.resolve()}", file=sys.stderr)
    print(f"Actas y gráficas en {(folder / 'adjuntos').resolve()}", file=sys.stderr)
    return 0

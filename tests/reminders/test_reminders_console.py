"""`:hora` in the console runs the reminder engine, as the running bot's JobQueue does."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gelbot.console import Console
from gelbot.settings import Settings


async def test_moving_the_clock_sends_what_falls_due(settings: Settings, tmp_path: Path) -> None:
    console = Console(settings, start=datetime(2009, 3, 2, 12, 0, tzinfo=UTC), files_dir=tmp_path)
    await console.open()
    try:
        for line in ("/comite Alcaldía de Mocoa", ":boton 1", ":boton 1",
                     "/reunion programar primer martes 9:00"):  # fmt: skip
            await console.handle(line)
        shown = "\n".join(await console.handle(":hora 2009-03-02 09:00"))
        assert "¿Se actualizó el sitio web de la Alcaldía de Mocoa la semana pasada" in shown
        later = "\n".join(await console.handle(":hora 2009-03-03 07:30"))
        assert "Hoy hay reunión del comité de la Alcaldía de Mocoa" in later
    finally:
        await console.close()

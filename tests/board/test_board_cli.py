"""`gelbot tablero`: a delegado's board written to a file, for operators and tests."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from gelbot.cli import app as cli_app
from gelbot.clock import ManualClock
from gelbot.informe.chart import PNG_SIGNATURE
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeTelegram
from tests.support.board_world import make_department

NAMES = ("Alcaldía de Mocoa", "Alcaldía de Villagarzón", "Alcaldía de Puerto Asís")
HIDDEN = ("Sibundoy", "Colón", "Secreto")
AT = "2009-03-20T10:00"


async def _run(database_url: str, *args: str) -> tuple[int, str, str]:
    result = await asyncio.to_thread(
        CliRunner().invoke, cli_app, ["tablero", *args], env={"GELBOT_DATABASE_URL": database_url}
    )
    return result.exit_code, result.stdout, result.stderr


async def test_the_board_as_png_xlsx_and_html(
    database_url: str, services: Services, telegram: FakeTelegram, clock: ManualClock,
    tmp_path: Path,
) -> None:  # fmt: skip
    dept = await make_department(services, telegram, clock)
    assert dept.delegada is not None
    who = ["--delegado", str(dept.delegada.id), "--at", AT]
    for formato in ("png", "xlsx", "html"):
        out = tmp_path / f"tablero.{formato}"
        code, stdout, _ = await _run(database_url, *who, "--formato", formato, "-o", str(out))
        assert (code, stdout) == (0, f"Tablero de 3 comités escrito en {out}.\n")
    assert (tmp_path / "tablero.png").read_bytes().startswith(PNG_SIGNATURE)
    sheet = load_workbook(io.BytesIO((tmp_path / "tablero.xlsx").read_bytes())).active
    assert sheet is not None
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [
        "Alcaldía de Villagarzón", "Alcaldía de Puerto Asís", "Alcaldía de Mocoa",
    ]  # fmt: skip
    page = (tmp_path / "tablero.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<table id="tablero">' in page and "data:image/png;base64," in page
    assert all(name in page for name in NAMES)
    assert "Nunca se ha reunido (2 reuniones esperadas este periodo)" in page
    assert not any(word in page for word in HIDDEN)


async def test_bad_requests_are_answered_in_spanish(
    database_url: str, services: Services, telegram: FakeTelegram, clock: ManualClock,
    tmp_path: Path,
) -> None:  # fmt: skip
    dept = await make_department(services, telegram, clock)
    assert dept.delegada is not None
    out = str(tmp_path / "t.png")
    code, _, stderr = await _run(database_url, "--delegado", "999", "-o", out)
    assert (code, stderr) == (2, "No conozco a nadie con el id de Telegram 999.\n")
    me = ["--delegado", str(dept.delegada.id)]
    code, _, stderr = await _run(database_url, *me, "--formato", "pdf", "-o", out)
    assert (code, stderr) == (2, "Formato desconocido: «pdf». Use png, xlsx o html.\n")
    code, _, stderr = await _run(database_url, *me, "--at", "ayer", "-o", out)
    assert (code, stderr) == (2, "--at no es una fecha ISO: 'ayer' (ej. 2009-03-02T09:00)\n")
    code, _, stderr = await _run(database_url, *me, "-o", str(tmp_path / "no" / "t.png"))
    assert code == 1 and stderr.startswith("No pude escribir")
    assert not (tmp_path / "t.png").exists()

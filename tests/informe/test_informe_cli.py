"""`gelbot informe`: the chat's informe, with its review, written to a file."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from gelbot.cli import app as cli_app
from gelbot.db import make_engine, make_sessionmaker
from gelbot.domain.informe_periods import InformePeriod
from gelbot.informe import drafts
from gelbot.models import Committee, Person
from tests.support.informe_world import (
    AFTER,
    END,
    START,
    Built,
    Semester,
    build_into,
    database_url,
    semester_file,
)

__all__ = ["database_url", "semester_file"]  # fixtures this module uses


@pytest.fixture
def semester(database_url: str, semester_file: Built | None) -> Semester:
    if semester_file is not None:
        return semester_file.semester
    return asyncio.run(build_into(database_url))


def _run(database_url: str, *args: str) -> tuple[int, str, str, bytes]:
    result = CliRunner().invoke(
        cli_app, ["informe", *args], env={"GELBOT_DATABASE_URL": database_url}
    )
    return result.exit_code, result.stdout, result.stderr, result.stdout_bytes


def _window(s: Semester) -> list[str]:
    return ["--comite", str(s.committee_id), "--desde", "2009-02-01", "--hasta", "2009-07-31"]


async def _leave_out(database_url: str, s: Semester, key: str) -> None:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            committee = await session.get(Committee, s.committee_id)
            ana = await session.get(Person, s.people["Ana"])
            assert committee is not None and ana is not None
            draft = await drafts.open_draft(
                session, committee, InformePeriod("semestral", START, END), person=ana, now=AFTER
            )
            await drafts.toggle_excluded(session, draft, key, ana, AFTER)
            await drafts.rewrite(
                session, draft, "fase:informacion", "Falta un criterio.", ana, AFTER
            )
    finally:
        await engine.dispose()


def test_writes_the_docx_with_the_chat_review_applied(
    database_url: str, semester: Semester, tmp_path: Path
) -> None:
    target = tmp_path / "informe.docx"
    status, out, err, _ = _run(
        database_url, *_window(semester), "--formato", "docx", "-o", str(target)
    )
    assert status == 0, err
    assert out.strip() == (
        "Informe semestral de Gobernación de Norte de Santander (febrero – julio de 2009): 8 filas "
        f"y 4 pendientes, escrito en {target}."
    )
    table = docx.Document(str(target)).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["ACCIONES", "RESULTADOS", "FECHA"]
    assert len(table.rows) == 9

    asyncio.run(_leave_out(database_url, semester, "reuniones"))
    status, out, err, _ = _run(database_url, *_window(semester), "-o", str(target))
    assert status == 0, err
    assert "7 filas y 4 pendientes" in out
    rows = [[c.text for c in row.cells] for row in docx.Document(str(target)).tables[0].rows]
    assert not any("14 de abril de 2009" in row[2] for row in rows)
    assert ["Cumplimiento del 98 % de la Fase de Información", "Falta un criterio."] in [
        row[:2] for row in rows
    ]


def test_writes_pdf_and_markdown_and_names_the_file(
    database_url: str, semester: Semester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err, _ = _run(database_url, *_window(semester), "--formato", "pdf")
    assert status == 0, err
    name = "informe-semestral-gobernacion-de-norte-de-santander-2009-02-2009-07.pdf"
    assert out.strip().endswith(f"escrito en {name}.")
    assert len(PdfReader(tmp_path / name).pages) >= 5

    status, out, err, content = _run(
        database_url, *_window(semester), "--formato", "md", "--tipo", "trimestral", "-o", "-"
    )
    assert status == 0, err
    markdown = content.decode()
    assert "| ACCIONES | RESULTADOS | FECHA |" in markdown
    assert "# INFORME DE GESTIÓN DEL PLAN DE ACCIÓN DE GOBIERNO EN LÍNEA" in markdown
    assert "8 filas y 4 pendientes" in err

    # Seed 000's window, written as its cover writes it.
    status, out, err, _ = _run(
        database_url, "--comite", str(semester.committee_id), "--desde", "febrero de 2009",
        "--hasta", "agosto de 2009", "-o", str(tmp_path / "seed.docx"),
    )  # fmt: skip
    assert status == 0, err
    assert "(febrero – agosto de 2009)" in out


def test_without_dates_it_reports_the_last_completed_period(
    database_url: str, semester: Semester, tmp_path: Path
) -> None:
    target = tmp_path / "ultimo.md"
    status, out, err, _ = _run(
        database_url, "--comite", str(semester.committee_id), "--formato", "md", "-o", str(target)
    )
    assert status == 0, err
    assert out.startswith("Informe semestral de Gobernación de Norte de Santander (")
    assert target.read_text().startswith("# ")
    assert "Aviso" not in out


def test_a_period_still_running_is_written_with_a_warning(
    database_url: str, semester: Semester, tmp_path: Path
) -> None:
    today = datetime.now(UTC).date()
    status, out, err, _ = _run(
        database_url, "--comite", str(semester.committee_id), "--desde", f"{today:%Y-%m}",
        "--hasta", f"{today.year + 1}-{today.month:02d}", "-o", str(tmp_path / "x.md"),
        "--formato", "md",
    )  # fmt: skip
    assert status == 0, err
    assert out.strip().endswith(
        "Aviso: el período aún no termina; el informe muestra lo registrado hasta hoy."
    )
    assert "# INFORME DE GOBIERNO EN LÍNEA" in (tmp_path / "x.md").read_text()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--formato", "odt"], "--formato «odt» no existe: use docx, pdf o md."),
        (["--tipo", "anual"], "--tipo «anual» no existe: use semestral o trimestral."),
        (["--desde", "2009-02-01"], "Indique --desde y --hasta juntos"),
        (
            ["--desde", "2009-02-30", "--hasta", "2009-07-31"],
            "«2009-02-30» no es una fecha válida.",
        ),
        (["--desde", "2009-08-01", "--hasta", "2009-02-28"], "El período termina (28 de febrero"),
    ],
)
def test_refuses_bad_options_in_spanish(
    database_url: str, semester: Semester, args: list[str], expected: str
) -> None:
    status, _, err, _ = _run(database_url, "--comite", str(semester.committee_id), *args)
    assert status == 2
    assert expected in err
    assert "<" not in err and "&" not in err  # chat templates come out as plain text


def test_names_the_committees_when_it_cannot_tell_which(
    database_url: str, semester: Semester
) -> None:
    status, _, err, _ = _run(database_url, "--desde", "2009-02", "--hasta", "2009-07")
    assert status == 2
    assert "Indique el comité con --comite NÚMERO." in err
    assert f"{semester.committee_id}  Gobernación de Norte de Santander" in err
    status, _, err, _ = _run(database_url, "--comite", "99")
    assert status == 2 and "No existe el comité 99." in err

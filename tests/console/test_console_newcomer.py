"""The scripted session of a lost newcomer: every line Beto types gets an answer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gelbot.console import Console
from gelbot.settings import Settings

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "consola-recien-llegado.txt"


async def test_every_line_of_the_lost_newcomer_gets_an_answer(
    settings: Settings, tmp_path: Path
) -> None:
    console = Console(settings, start=datetime(2009, 3, 2, 14, 0, tzinfo=UTC),
                      files_dir=tmp_path / "archivos")  # fmt: skip
    await console.open()
    said: dict[str, str] = {}
    try:
        for line in SCRIPT.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            shown = "\n".join(await console.handle(text))
            if not text.startswith(":") or text.startswith(":boton"):
                assert "gelbot" in shown and "el bot no recibe" not in shown, (text, shown)
                assert "Algo salió mal" not in shown, (text, shown)
                said[text] = shown
    finally:
        await console.close()
    assert (
        "¿Quiso decir /unirme Jefe de Control Interno?" in said["/unirse Jefe de Control Interno"]
    )
    assert "¿Quiso decir /ayuda?" in said["/ayda"]
    assert "Reuniones." in said["@gelbot_demo_bot hola, ¿cómo registro una reunión?"]
    assert "Este es su chat privado con gelbot" in said["hola"]
    assert "Sus compromisos cumplidos" in said["/compromisos cumplidos"]
    assert "El 31 de febrero no existe" in said["/vacaciones 31 de febrero"]
    assert (
        "viernes 13 de marzo de 2009"
        in said["/compromiso @beto Revisar el sitio para la próxima semana"]
    )

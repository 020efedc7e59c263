"""Settings from GELBOT_* variables and .env, their validation, and token-free logging."""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gelbot.logging_setup import REDACTED, RedactToken, configure_logging, secret_variants
from gelbot.settings import (
    DEFAULT_BOT_API_URL,
    SettingsError,
    async_database_url,
    load_settings,
    sqlite_path,
)

TOKEN = "123456:ABC-secretvalue"
TOKEN_KEY = "ABC-secretvalue"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No GELBOT_ variable of the developer's, and an empty working directory (no .env)."""
    for name in list(os.environ):
        if name.startswith("GELBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- load_settings --------------------------------------------------------------------------------
def test_defaults(clean_env: Path) -> None:
    settings = load_settings()
    assert settings.token is None and settings.token_value() is None
    assert settings.database_url == "sqlite+aiosqlite:///gelbot.sqlite3"
    path = sqlite_path(settings.database_url)
    assert path is not None and path.resolve() == (clean_env / "gelbot.sqlite3").resolve()
    assert settings.timezone == "America/Bogota"
    assert settings.zone == ZoneInfo("America/Bogota")
    assert settings.bot_api_url == DEFAULT_BOT_API_URL == "https://api.telegram.org/bot"
    assert settings.webhook_url is None and settings.webhook_secret is None
    assert settings.log_level == "INFO"


def test_reads_gelbot_variables(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GELBOT_TOKEN", TOKEN)
    monkeypatch.setenv("GELBOT_DATABASE_URL", "postgresql://gel@db.local/gelbot")
    monkeypatch.setenv("GELBOT_TIMEZONE", "America/Lima")
    monkeypatch.setenv("GELBOT_WEBHOOK_PORT", "8080")
    monkeypatch.setenv("GELBOT_LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.token_value() == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
    assert settings.database_url == "postgresql+asyncpg://gel@db.local/gelbot"
    assert settings.zone == ZoneInfo("America/Lima")
    assert settings.webhook_port == 8080
    assert settings.log_level == "DEBUG"


def test_reads_dotenv_in_working_directory(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_env / ".env").write_text(
        f"GELBOT_TOKEN={TOKEN}\nGELBOT_TIMEZONE=America/Lima\nGELBOT_WEBHOOK_URL=\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GELBOT_TIMEZONE", "America/Bogota")  # the environment wins over .env
    settings = load_settings()
    assert settings.token_value() == TOKEN
    assert settings.timezone == "America/Bogota"
    assert settings.webhook_url is None  # an empty value means "not set"


def test_empty_variables_mean_unset(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GELBOT_TOKEN", "")
    monkeypatch.setenv("GELBOT_WEBHOOK_URL", "")
    monkeypatch.setenv("GELBOT_WEBHOOK_PORT", "")
    settings = load_settings()
    assert settings.token is None
    assert settings.webhook_url is None
    assert settings.webhook_port == 8443


def test_overrides_win(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GELBOT_TOKEN", TOKEN)
    assert load_settings(token=None).token is None


@pytest.mark.parametrize(
    ("variable", "value", "explanation"),
    [
        ("GELBOT_TIMEZONE", "Marte/Base", "zona horaria desconocida: 'Marte/Base'"),
        ("GELBOT_WEBHOOK_PORT", "99999", "debe ser como máximo 65535"),
        ("GELBOT_WEBHOOK_PORT", "0", "debe ser al menos 1"),
        ("GELBOT_WEBHOOK_PORT", "ocho", "debe ser un número entero"),
        ("GELBOT_DATABASE_URL", "mysql://x", "use una URL sqlite:///"),
        ("GELBOT_BOT_API_URL", "api.telegram.org/bot", "debe empezar por http://"),
        ("GELBOT_WEBHOOK_URL", "bot.example.gov.co/telegram", "debe empezar por http://"),
        ("GELBOT_WEBHOOK_SECRET", "con espacios", "solo letras, números"),
        ("GELBOT_LOG_LEVEL", "ruidoso", "use DEBUG, INFO, WARNING o ERROR"),
        ("GELBOT_DISPATCH_INTERVAL_SECONDS", "0", "debe ser mayor que 0"),
        ("GELBOT_DISPATCH_INTERVAL_SECONDS", "cada rato", "debe ser un número"),
    ],
)
def test_invalid_value_names_its_variable(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, explanation: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"Configuración inválida: {variable}: ")
    assert explanation in message
    assert "\n" not in message


def test_every_invalid_variable_is_listed(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GELBOT_TIMEZONE", "Marte/Base")
    monkeypatch.setenv("GELBOT_WEBHOOK_PORT", "99999")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "GELBOT_TIMEZONE: " in str(raised.value)
    assert "GELBOT_WEBHOOK_PORT: " in str(raised.value)


def test_invalid_secret_is_not_echoed(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GELBOT_WEBHOOK_SECRET", "mi clave secreta")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "mi clave secreta" not in str(raised.value)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("sqlite:///datos/gelbot.sqlite3", "sqlite+aiosqlite:///datos/gelbot.sqlite3"),
        ("sqlite+aiosqlite:////var/gelbot.sqlite3", "sqlite+aiosqlite:////var/gelbot.sqlite3"),
        ("postgresql://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_async_database_url(given: str, used: str) -> None:
    assert async_database_url(given) == used


def test_sqlite_path_only_for_sqlite() -> None:
    assert sqlite_path("sqlite+aiosqlite:////var/gelbot.sqlite3") == Path("/var/gelbot.sqlite3")
    assert sqlite_path("postgresql+asyncpg://u@h/db") is None


# -- RedactToken ---------------------------------------------------------------------------------
@pytest.fixture
def redacted_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose handler filters TOKEN out, as configure_logging's root handler does."""
    log = logging.getLogger("test_settings")
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    handler.addFilter(RedactToken([TOKEN]))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    yield log, out
    log.removeHandler(handler)
    log.setLevel(logging.NOTSET)
    log.propagate = True


def test_redacts_message_arguments_and_exception(
    redacted_log: tuple[logging.Logger, io.StringIO],
) -> None:
    log, out = redacted_log
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        log.exception(
            "POST https://api.telegram.org/bot%s/getMe failed (%r)", TOKEN, {"token": TOKEN}
        )
    # A URL-encoded ':' still leaves the key part, which is redacted on its own.
    log.warning("GET /bot123456%%3A%s/getUpdates", TOKEN_KEY)
    text = out.getvalue()
    assert TOKEN not in text and TOKEN_KEY not in text
    assert text.count(REDACTED) == 4
    assert "RuntimeError: The token `[TOKEN]` was rejected" in text
    assert "GET /bot123456%3A[TOKEN]/getUpdates" in text


def test_redacts_records_of_child_loggers_through_the_handler(
    redacted_log: tuple[logging.Logger, io.StringIO],
) -> None:
    _log, out = redacted_log
    child = logging.getLogger("test_settings.telegram.ext.ExtBot")
    child.debug("Calling %s", f"/bot{TOKEN}/getMe", stack_info=True)
    text = out.getvalue()
    assert "test_settings.telegram.ext.ExtBot: Calling /bot[TOKEN]/getMe" in text
    assert "Stack (most recent call last)" in text
    assert TOKEN not in text


def test_malformed_log_call_is_still_redacted() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s and %s", (TOKEN,), None)
    assert RedactToken([TOKEN]).filter(record)
    assert TOKEN not in record.getMessage() and REDACTED in record.getMessage()


def test_secret_variants_skip_empty_and_tiny_values() -> None:
    assert secret_variants([TOKEN, "", "ab", "webhook-secret"]) == [
        TOKEN,
        TOKEN_KEY,
        "webhook-secret",
    ]
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "nothing secret", None, None)
    assert RedactToken(["", "ab"]).filter(record)
    assert record.getMessage() == "nothing secret"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state; give pytest its own back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "aiosqlite")}
    hooks = sys.excepthook, threading.excepthook
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)
    sys.excepthook, threading.excepthook = hooks
    logging.captureWarnings(False)


def test_configure_logging_redacts_everything_on_stderr(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    redact = configure_logging("DEBUG", [TOKEN, "webhook-secret"])
    assert redact(f"x {TOKEN} y webhook-secret") == f"x {REDACTED} y {REDACTED}"
    assert logging.getLogger("httpx").level == logging.WARNING  # it logs URLs at INFO

    logging.getLogger("telegram.ext.Updater").debug("Webhook for %s", f"/bot{TOKEN}")
    try:
        raise ValueError(f"bad {TOKEN}")
    except ValueError as error:
        # What Python would print for an uncaught exception now goes through the filter.
        sys.excepthook(ValueError, error, error.__traceback__)
    err = capsys.readouterr().err
    assert TOKEN not in err and TOKEN_KEY not in err
    assert "telegram.ext.Updater: Webhook for /bot[TOKEN]" in err
    assert "CRITICAL gelbot: gelbot se detuvo por un error inesperado" in err
    assert "ValueError: bad [TOKEN]" in err

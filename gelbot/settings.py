"""Settings: one pydantic-settings class, read from GELBOT_* variables and .env."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BOT_API_URL = "https://api.telegram.org/bot"
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Settings(BaseSettings):
    """Everything gelbot reads from its environment, validated at start."""

    model_config = SettingsConfigDict(
        env_prefix="GELBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # `GELBOT_WEBHOOK_URL=` in a compose file or .env means "not set", not "the empty URL".
        env_ignore_empty=True,
    )

    token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///gelbot.sqlite3"
    bot_api_url: str = DEFAULT_BOT_API_URL
    bot_api_file_url: str | None = None
    timezone: str = "America/Bogota"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: Annotated[int, Field(ge=1, le=65535)] = 8443
    webhook_path: str = "telegram"
    webhook_secret: SecretStr | None = None
    # The board's Mini App (/tablero): the public HTTPS address of its page, which a reverse
    # proxy sends to the small server gelbot starts on tablero_listen:tablero_port.
    tablero_url: str | None = None
    tablero_listen: str = "127.0.0.1"
    tablero_port: Annotated[int, Field(ge=1, le=65535)] = 8444
    # How old a Mini App's signed initData may be when it asks for the board.
    tablero_max_age_seconds: Annotated[int, Field(ge=60, le=86400)] = 3600
    dispatch_interval_seconds: Annotated[float, Field(gt=0, le=30)] = 15.0
    log_level: str = "INFO"
    # Telegram ids of the delegados the operator trusts: /seguir lists every committee whose
    # name matches their words (anyone else must name one committee closely). JSON: [123, 456].
    delegados: list[int] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"zona horaria desconocida: {value!r} (ej. America/Bogota)") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_database_url(value)

    @field_validator("bot_api_url", "bot_api_file_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(
                "debe empezar por http:// o https:// (ej. https://bot.example.gov.co/telegram)"
            )
        return value

    @field_validator("tablero_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        # Telegram opens Mini Apps only over HTTPS.
        if value is not None and not value.startswith("https://"):
            raise ValueError("debe empezar por https:// (ej. https://bot.example.gov.co/tablero)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET_TOKEN.match(value.get_secret_value()):
            raise ValueError("solo letras, números, _ y -, de 1 a 256 caracteres")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("use DEBUG, INFO, WARNING o ERROR")
        return upper

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def token_value(self) -> str | None:
        return self.token.get_secret_value() if self.token else None


def async_database_url(url: str) -> str:
    """Give a plain SQLite/PostgreSQL URL the async driver gelbot uses."""
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url[len("sqlite:") :]
    for prefix in ("postgresql+psycopg2:", "postgresql+psycopg:", "postgresql:", "postgres:"):
        if url.startswith(prefix):
            return "postgresql+asyncpg:" + url[len(prefix) :]
    if url.startswith(("sqlite+aiosqlite:", "postgresql+asyncpg:")):
        return url
    raise ValueError("use una URL sqlite:///archivo.sqlite3 o postgresql://usuario@host/base")


# pydantic's own checks, said in Spanish; the ctx of each error fills the limits in.
_SPANISH_ERRORS = {
    "int_parsing": "debe ser un número entero",
    "float_parsing": "debe ser un número",
    "greater_than_equal": "debe ser al menos {ge}",
    "greater_than": "debe ser mayor que {gt}",
    "less_than_equal": "debe ser como máximo {le}",
    "less_than": "debe ser menor que {lt}",
}


class SettingsError(Exception):
    """Settings that cannot start gelbot, with a message naming the variable."""


def load_settings(**overrides: object) -> Settings:
    """Build Settings, turning validation errors into one line per GELBOT_ variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            template = _SPANISH_ERRORS.get(error["type"])
            if template is not None:
                message = template.format(**error.get("ctx", {}))
            else:
                message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"GELBOT_{field.upper()}: {message}")
        raise SettingsError("Configuración inválida: " + "; ".join(lines)) from None


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases."""
    if url.startswith("sqlite+aiosqlite:///"):
        return Path(url[len("sqlite+aiosqlite:///") :])
    return None

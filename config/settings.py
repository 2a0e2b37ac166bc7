"""The bot's settings: environment variables prefixed MINQING_, or a .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from config.tanks import DEFAULT_STATIONS, DEFAULT_TANKS


class Settings(BaseSettings):
    """Everything the bot reads from its environment; loaded once, in bot.py."""

    model_config = SettingsConfigDict(
        env_prefix="MINQING_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    telegram_api_url: AnyHttpUrl = AnyHttpUrl("https://api.telegram.org")
    database: Path = Path("data/minqing.db")
    timezone: str = "Asia/Shanghai"
    coordinators: Annotated[tuple[int, ...], NoDecode] = ()
    think_tanks: Path = DEFAULT_TANKS
    stations: Path = DEFAULT_STATIONS
    tokenizer: str = Field(default="jieba", pattern="^(jieba|rjieba)$")
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")

    @field_validator("coordinators", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return tuple(int(p) for p in parts if p)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown time zone {value!r}") from e
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            token = value.get_secret_value().strip()
            head, _, tail = token.partition(":")
            if not token:
                return None
            if not (head.isdigit() and tail and all(c.isalnum() or c in "_-" for c in tail)):
                raise ValueError("not a Telegram bot token (expected <digits>:<secret>)")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)

    @property
    def api_base(self) -> str:
        """The Bot API base URL without a trailing slash."""
        return str(self.telegram_api_url).rstrip("/")


class SettingsError(Exception):
    """Settings that cannot be used; the message names the setting."""


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation error into one line that names the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        first = e.errors()[0]
        name = "MINQING_" + str(first["loc"][0]).upper() if first["loc"] else "MINQING_*"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from e

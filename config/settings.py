"""The bot's settings: environment variables prefixed MINQING_, or a .env file."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from config.desk import DEFAULT_DESK, DEFAULT_HOLIDAYS
from config.referrals import DEFAULT_REFERRALS
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
    referrals: Path = DEFAULT_REFERRALS
    desk: Path = DEFAULT_DESK
    holidays: Path = DEFAULT_HOLIDAYS
    tokenizer: str = Field(default="jieba", pattern="^(jieba|rjieba)$")
    quiet_hours: str = Field(default="22:00-08:00", pattern=r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}$")
    escalate_in_quiet_hours: bool = False
    # When someone is at work to keep a promise to a resident (core/cases/promises.py).
    working_hours: str = Field(default="09:00-17:30", pattern=r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}$")
    digest_time: time = time(9, 0)
    wider_notice_hours: float = Field(default=2.0, ge=0, le=168)
    invite_days: float = Field(default=7.0, gt=0, le=90)
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")
    # json: one JSON object per log record (time, level, logger, message, exception).
    log_format: str = Field(default="text", pattern="^(text|json)$")
    # The outbox sender's pace: Telegram's limits (30 messages a second in all, about one a
    # second per chat with bursts of 3). Raise them only for a local Bot API or a benchmark.
    send_rate: float = Field(default=30.0, gt=0)
    chat_rate: float = Field(default=1.0, gt=0)
    chat_burst: float = Field(default=3.0, ge=1)
    # Chats with a new message out at once, not yet recorded as sent: a crash can repeat one
    # message in each of them.
    sends_in_flight: int = Field(default=30, ge=1, le=64)
    # Days delivered (and failed) messages are kept once their case is closed, and a
    # conversation nobody touched; the ids of handled updates are kept update_log_days, longer
    # than Telegram keeps an update it has not been told was handled (24 hours).
    retention_days: int = Field(default=90, ge=1, le=3650)
    update_log_days: int = Field(default=7, ge=2, le=365)
    # How many chats are handled at once (and so how many HTTP connections the bot keeps).
    concurrency: int = Field(default=32, ge=1, le=4096)

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

    @field_validator("quiet_hours", "working_hours")
    @classmethod
    def _valid_hours(cls, value: str) -> str:
        for part in value.split("-"):
            hour, minute = (int(x) for x in part.split(":"))
            if hour > 23 or minute > 59:
                raise ValueError(f"not a time of day: {part}")
        return value

    @property
    def quiet(self) -> tuple[time, time]:
        """The quiet hours' start and end."""
        start, end = (time.fromisoformat(p.zfill(5)) for p in self.quiet_hours.split("-"))
        return start, end

    @property
    def working(self) -> tuple[time, time]:
        """The working hours' start and end."""
        start, end = (time.fromisoformat(p.zfill(5)) for p in self.working_hours.split("-"))
        return start, end

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

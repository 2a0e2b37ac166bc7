"""The bot's settings: environment variables prefixed MINQING_, or a .env file."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
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
    # MINQING_DATABASE=postgresql://user@host/db selects a PostgreSQL server instead of the
    # SQLite file; it is kept here (and `database` stays the default file, unused then).
    postgres_url: SecretStr | None = None
    timezone: str = "Asia/Shanghai"
    # Telegram user ids, and WeCom members as wecom:<userid>.
    coordinators: Annotated[tuple[int | str, ...], NoDecode] = ()
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

    # The WeChat Official Account (residents): set app id, secret and token to serve it.
    wechat_app_id: str | None = None
    wechat_app_secret: SecretStr | None = None
    wechat_token: SecretStr | None = None
    wechat_aes_key: SecretStr | None = None  # safe mode (安全模式)
    wechat_template_id: str | None = None  # 事项办理进度通知, for outside the 48-hour window
    # The template's field keys: case number, concern, progress, time (WECHAT.md).
    wechat_template_keys: str = Field(
        default="character_string1,thing2,phrase3,time4", pattern=r"^\w+,\w+,\w+,\w+$"
    )
    wechat_api_url: AnyHttpUrl = AnyHttpUrl("https://api.weixin.qq.com")
    # The WeCom self-built app (members and coordinators): all five to serve it.
    wecom_corp_id: str | None = None
    wecom_agent_id: int | None = None
    wecom_secret: SecretStr | None = None
    wecom_token: SecretStr | None = None
    wecom_aes_key: SecretStr | None = None
    wecom_api_url: AnyHttpUrl = AnyHttpUrl("https://qyapi.weixin.qq.com")
    # The one HTTP server of the webhooks (/wechat, /wecom, /telegram) and /health, /files.
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    # The address the callback server is reached at from outside, for links to residents' photos.
    public_url: AnyHttpUrl | None = None
    # Telegram in webhook mode (polling when unset): the public HTTPS base the reverse proxy
    # maps to the HTTP server above; Telegram posts to <base>/telegram.
    webhook_url: AnyHttpUrl | None = None
    # The X-Telegram-Bot-Api-Secret-Token (1-256 of A-Za-z0-9_-); derived from the token when
    # unset, so that every worker process agrees on it without another setting.
    webhook_secret: SecretStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _postgres(cls, data: object) -> object:
        if isinstance(data, dict):
            value = data.get("database")
            if isinstance(value, str) and value.startswith(("postgresql://", "postgres://")):
                data = {k: v for k, v in data.items() if k != "database"}
                data["postgres_url"] = value
        return data

    @field_validator("coordinators", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return tuple(_coordinator(p) for p in parts if p)
        return value

    @field_validator("wechat_aes_key", "wecom_aes_key")
    @classmethod
    def _aes_key_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            key = value.get_secret_value().strip()
            if not key:
                return None
            if len(key) != 43 or not all(c.isascii() and c.isalnum() for c in key):
                raise ValueError("an EncodingAESKey is 43 letters and digits")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_https(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        if value is not None and value.scheme != "https":
            raise ValueError("Telegram posts to an https:// address only")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            secret = value.get_secret_value().strip()
            if not secret:
                return None
            if WEBHOOK_SECRET.fullmatch(secret) is None:
                raise ValueError("1-256 characters, only A-Z, a-z, 0-9, _ and -")
            return SecretStr(secret)
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
    def wechat_configured(self) -> bool:
        """True when the Official Account is set up (SettingsError if only in part)."""
        return _complete(
            "MINQING_WECHAT",
            {
                "APP_ID": self.wechat_app_id,
                "APP_SECRET": self.wechat_app_secret,
                "TOKEN": self.wechat_token,
            },
        )

    @property
    def wecom_configured(self) -> bool:
        """True when the WeCom app is set up (SettingsError if only in part)."""
        return _complete(
            "MINQING_WECOM",
            {
                "CORP_ID": self.wecom_corp_id,
                "AGENT_ID": self.wecom_agent_id,
                "SECRET": self.wecom_secret,
                "TOKEN": self.wecom_token,
                "AES_KEY": self.wecom_aes_key,
            },
        )

    def coordinator_ids(self, channel: str) -> list[str]:
        """The configured coordinators of one channel, as its user ids."""
        found = []
        for entry in self.coordinators:
            if isinstance(entry, int):
                if channel == "telegram":
                    found.append(str(entry))
            elif entry.startswith(f"{channel}:"):
                found.append(entry.split(":", 1)[1])
        return found

    @property
    def telegram_webhook_secret(self) -> str | None:
        """The secret Telegram sends in webhook mode: the configured one, else the token's."""
        if self.webhook_secret is not None:
            return self.webhook_secret.get_secret_value()
        if self.bot_token is None:
            return None
        return derive_webhook_secret(self.bot_token.get_secret_value())

    @property
    def api_base(self) -> str:
        """The Bot API base URL without a trailing slash."""
        return str(self.telegram_api_url).rstrip("/")


class SettingsError(Exception):
    """Settings that cannot be used; the message names the setting."""


def derive_webhook_secret(token: str) -> str:
    """The default secret_token: hex of HMAC-SHA256(token, "minqing-webhook"), 64 characters of
    the allowed set, the same in every process that has the token."""
    return hmac.new(token.encode(), b"minqing-webhook", hashlib.sha256).hexdigest()


# Telegram's secret_token: what setWebhook accepts.
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# A WeCom userid as the admin console allows it: 1-64 letters, digits and _-@. (first a letter or
# a digit). A member's name typed instead would be taken and never reached.
WECOM_USERID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-@.]{0,63}$")


def is_wecom_userid(user: str) -> bool:
    """True when user has the form of a WeCom userid."""
    return WECOM_USERID.fullmatch(user) is not None


def _coordinator(entry: str) -> int | str:
    """A Telegram user id, or wecom:<userid>."""
    if entry.isdigit():
        return int(entry)
    channel, _, user = entry.partition(":")
    if channel == "wecom" and is_wecom_userid(user):
        return f"wecom:{user}"
    raise ValueError(
        f"{entry!r} is neither a Telegram user id nor wecom:<userid>"
        " (1-64 letters, digits and _-@.)"
    )


def _complete(prefix: str, values: dict[str, object]) -> bool:
    """True when every value is set, False when none is; SettingsError naming the first
    missing one otherwise."""
    missing = [name for name, value in values.items() if value in (None, "")]
    if len(missing) == len(values):
        return False
    if missing:
        raise SettingsError(f"{prefix}_{missing[0]}: not set (the channel needs it)")
    return True


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation error into one line that names the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        first = e.errors()[0]
        name = "MINQING_" + str(first["loc"][0]).upper() if first["loc"] else "MINQING_*"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from e

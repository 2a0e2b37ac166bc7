"""The WeChat and WeCom channels' settings, as bot.py reads them from the environment."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.wx.wechat_render import TemplateKeys


@dataclass(frozen=True)
class WeChatConfig:
    """The Official Account's settings."""

    app_id: str
    secret: str
    token: str
    api_url: str
    aes_key: str | None = None
    template_id: str | None = None
    template_keys: TemplateKeys = field(default_factory=TemplateKeys)


@dataclass(frozen=True)
class WeComConfig:
    """The WeCom app's settings."""

    corp_id: str
    agent_id: int
    secret: str
    token: str
    aes_key: str
    api_url: str


@dataclass(frozen=True)
class WxLimits:
    """Pace and patience of the channels' senders and workers (tests may go faster)."""

    rate: float = 50.0
    chat_rate: float = 0.5  # WeCom allows 30 a minute to one member
    chat_burst: float = 5.0
    backoff: float = 0.5
    stop_grace: float = 5.0
    sends_in_flight: int = 30
    concurrency: int = 32
    rescan_every: float = 5.0

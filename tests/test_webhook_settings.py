"""Webhook mode's settings: an https base, a secret of Telegram's alphabet or one derived from
the token (the same in every worker process, never shown), checked at start with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import SettingsError, derive_webhook_secret, load_settings
from handlers.telegram_webhook import WebhookSetup
from tests.test_cli import run_bot

TOKEN = "123456:RealSecretTokenOfTheBot"


def test_the_webhook_url_and_secret_are_checked() -> None:
    assert load_settings().webhook_url is None  # polling, as before
    chosen = load_settings(webhook_url="https://bot.example.gov.cn/minqing", webhook_secret="a-Z_9")
    assert str(chosen.webhook_url) == "https://bot.example.gov.cn/minqing"
    assert chosen.webhook_secret is not None
    assert chosen.webhook_secret.get_secret_value() == "a-Z_9"
    assert "a-Z_9" not in repr(chosen)
    assert load_settings(webhook_secret=" ").webhook_secret is None
    with pytest.raises(SettingsError, match=r"^MINQING_WEBHOOK_URL: .*https"):
        load_settings(webhook_url="http://bot.example.gov.cn")
    for bad in ("has space", "密钥", "x" * 257, "a/b"):
        with pytest.raises(SettingsError, match=r"^MINQING_WEBHOOK_SECRET: 1-256 characters"):
            load_settings(webhook_secret=bad)


def test_the_default_secret_is_derived_from_the_token() -> None:
    secret = derive_webhook_secret(TOKEN)
    assert secret == derive_webhook_secret(TOKEN) != derive_webhook_secret(TOKEN + "x")
    assert len(secret) == 64 and all(c in "0123456789abcdef" for c in secret)
    assert TOKEN.split(":")[1] not in secret
    assert load_settings(bot_token=TOKEN).telegram_webhook_secret == secret
    chosen = load_settings(bot_token=TOKEN, webhook_secret="mine")
    assert chosen.telegram_webhook_secret == "mine"
    setup = WebhookSetup("https://bot.example.gov.cn/minqing/", secret)
    assert setup.url == "https://bot.example.gov.cn/minqing/telegram"


@pytest.mark.parametrize(
    ("name", "value"),
    [("MINQING_WEBHOOK_URL", "http://bot.example.gov.cn"), ("MINQING_WEBHOOK_SECRET", "a b")],
)
def test_a_bad_webhook_setting_stops_run_with_one_line(
    tmp_path: Path, name: str, value: str
) -> None:
    result = run_bot(tmp_path, "run", MINQING_BOT_TOKEN=TOKEN, **{name: value})
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"minqing: {name}:"), lines
    assert value not in lines[0] or name == "MINQING_WEBHOOK_URL"

"""The command line: settings problems stop start-up at once with one line and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import SettingsError, load_settings
from storage.db import migrations

ROOT = Path(__file__).resolve().parents[1]


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
    clean.update(env, MINQING_DATABASE=str(tmp_path / "m.db"))
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_run_without_a_token_names_the_setting(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "run")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "minqing: MINQING_BOT_TOKEN: not set (the token @BotFather gave you)"
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MINQING_BOT_TOKEN", "not-a-token"),
        ("MINQING_TIMEZONE", "Mars/Olympus"),
        ("MINQING_COORDINATORS", "12,abc"),
        ("MINQING_TELEGRAM_API_URL", "ftp://x"),
        ("MINQING_QUIET_HOURS", "22-8"),
        ("MINQING_THINK_TANKS", "/nonexistent.toml"),
        ("MINQING_REFERRALS", "/nonexistent.toml"),
    ],
)
def test_a_bad_value_names_the_setting(tmp_path: Path, name: str, value: str) -> None:
    result = run_bot(
        tmp_path, "run", **{name: value, "MINQING_BOT_TOKEN": "123:abc"} | {name: value}
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"minqing: {name}:"), lines


def test_settings_parse_coordinators_and_keep_the_token_secret() -> None:
    settings = load_settings(coordinators="1, 2;3", bot_token="123:ABC-def_9")
    assert settings.coordinators == (1, 2, 3)
    assert "ABC" not in repr(settings)
    with pytest.raises(SettingsError, match="MINQING_DIGEST_TIME"):
        load_settings(digest_time="25:99")


def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "migrate")
    latest = migrations()[-1][0]
    assert result.returncode == 0 and f"schema version {latest}" in result.stdout


def test_the_sender_pace_and_concurrency_are_settings() -> None:
    settings = load_settings(send_rate="1000", chat_rate="50", chat_burst="5", concurrency="64")
    assert (settings.send_rate, settings.chat_rate, settings.chat_burst) == (1000, 50, 5)
    assert settings.concurrency == 64
    defaults = load_settings()
    assert (defaults.send_rate, defaults.chat_rate, defaults.chat_burst) == (30, 1, 3)
    assert defaults.concurrency == 32
    with pytest.raises(SettingsError, match="MINQING_SEND_RATE"):
        load_settings(send_rate="0")

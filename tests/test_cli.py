"""The command line: settings problems stop start-up at once with one line and exit code 2;
operators' commands cannot lose the database."""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import bot
import cli.main
from cli.logs import JsonLines
from config.settings import SettingsError, load_settings
from config.tanks import DEFAULT_TANKS
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
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("minqing: MINQING_BOT_TOKEN: no channel")
    assert "MINQING_WECHAT_APP_ID" in lines[0] and "MINQING_WECOM_CORP_ID" in lines[0]


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


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """In-process runs of main(): a clean MINQING_ environment on a database in tmp_path."""
    for name in [k for k in os.environ if k.startswith("MINQING_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MINQING_DATABASE", str(tmp_path / "m.db"))
    return tmp_path / "m.db"


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The single line main() wrote to stderr."""
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def cases_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT text FROM cases ORDER BY id")]
    finally:
        conn.close()


def seed_case(path: Path, text: str) -> None:
    """A migrated database with one case."""
    assert bot.main(["migrate"]) == 0 if not path.exists() else True
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT OR IGNORE INTO people (id, channel, external_id, chat_id, created_at)"
            " VALUES (1, 'telegram', '1', '1', 0)"
        )
        conn.execute(
            "INSERT INTO cases (resident_id, channel, text, status, created_at, updated_at)"
            " VALUES (1, 'telegram', ?, 'open', 0, 0)",
            (text,),
        )
    conn.close()


def test_restore_from_a_wrong_path_keeps_the_live_database(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_case(env, "路灯坏了")
    capsys.readouterr()
    assert bot.main(["restore", str(env.parent / "no-such.db"), "--force"]) == 2
    assert one_error_line(capsys) == f"minqing: {env.parent / 'no-such.db'}: no such file"
    assert cases_in(env) == ["路灯坏了"]
    assert not (env.parent / "no-such.db").exists()
    (env.parent / "notes.txt").write_text("not a database")
    assert bot.main(["restore", str(env.parent / "notes.txt"), "--force"]) == 2
    assert "not a SQLite database" in one_error_line(capsys)
    assert cases_in(env) == ["路灯坏了"]


def test_restore_keeps_the_replaced_database_beside_it(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_case(env, "路灯坏了")
    backup = env.parent / "backup.db"
    assert bot.main(["backup", str(backup)]) == 0
    seed_case(env, "after the backup")
    capsys.readouterr()
    assert bot.main(["restore", str(backup)]) == 2
    assert "add --force" in one_error_line(capsys)
    assert bot.main(["restore", str(backup), "--force"]) == 0
    out = capsys.readouterr().out
    kept = [p for p in env.parent.iterdir() if p.name.startswith("m.db.replaced-")]
    assert [p.name for p in kept] == [kept[0].name] and str(kept[0]) in out
    assert cases_in(kept[0]) == ["路灯坏了", "after the backup"]
    assert cases_in(env) == ["路灯坏了"]


def test_backup_does_not_overwrite_without_force(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_case(env, "路灯坏了")
    target = env.parent / "backup.db"
    target.write_text("last week's backup")
    capsys.readouterr()
    assert bot.main(["backup", str(target)]) == 2
    assert one_error_line(capsys) == f"minqing: {target} exists; add --force to replace it"
    assert target.read_text() == "last week's backup"
    assert bot.main(["backup", str(target), "--force"]) == 0
    assert cases_in(target) == ["路灯坏了"]
    progress = capsys.readouterr().err.splitlines()  # off a terminal: plain lines on stderr
    assert progress[0] == "backing up (pages): 0"
    assert re.fullmatch(r"backing up \(pages\): (\d+)/\1 done in \d+\.\d s", progress[-1])


def test_purge_refuses_a_negative_age(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_case(env, "路灯坏了")
    capsys.readouterr()
    assert bot.main(["purge", "--older-than", "-1"]) == 2
    assert one_error_line(capsys) == "minqing: --older-than must be 0 or more days, not -1"


STATIONS_OK = '[stations.daodi]\nname_zh = "稻地镇"\nname_en = "Daodi"\n'


@pytest.mark.parametrize(
    ("stations", "message"),
    [
        (
            STATIONS_OK + '[stations."two words"]\nname_zh = "两个词"\n',
            "station codes that cannot go into button data: 'two words' (letters",
        ),
        (
            STATIONS_OK + f'[stations.{"x" * 41}]\nname_zh = "长"\n',
            f"station codes that cannot go into button data: '{'x' * 41}' (letters",
        ),
        (
            STATIONS_OK + "[stations.qianying]\nname_en = 'Qianying'\n",
            "stations.toml: stations.qianying: name_zh is missing",
        ),
    ],
    ids=["space", "too long", "no name_zh"],
)
@pytest.mark.parametrize(
    "command", [["console"], ["member", "add", "5", "law"], ["run"]], ids=" ".join
)
def test_a_bad_station_stops_every_command_that_loads_the_district(
    env: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stations: str,
    message: str,
    command: list[str],
) -> None:
    (env.parent / "stations.toml").write_text(stations, encoding="utf-8")
    monkeypatch.setenv("MINQING_STATIONS", str(env.parent / "stations.toml"))
    monkeypatch.setenv("MINQING_BOT_TOKEN", "123:abc")
    assert bot.main(command) == 2
    line = one_error_line(capsys)
    assert line.startswith("minqing: MINQING_STATIONS: ") and message in line, line


def test_a_tank_code_that_cannot_go_into_button_data(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DEFAULT_TANKS.read_text(encoding="utf-8")
    bad = text.replace("[tanks.law]", '[tanks."law:civil"]').replace(
        "[tanks.law.", '[tanks."law:civil".'
    )
    (env.parent / "tanks.toml").write_text(bad, encoding="utf-8")
    monkeypatch.setenv("MINQING_THINK_TANKS", str(env.parent / "tanks.toml"))
    assert bot.main(["console"]) == 2
    assert one_error_line(capsys).startswith(
        "minqing: MINQING_THINK_TANKS: think tank codes that cannot go into button data:"
        " 'law:civil' ("
    )


def without_help(parser: argparse.ArgumentParser, path: str = "") -> list[str]:
    """'command: option' for every argument of every command that has no help text."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += without_help(sub, f"{path} {name}".strip())
        elif not (action.help or "").strip():
            found.append(f"{path}: {'/'.join(action.option_strings) or action.dest}")
    return found


def test_every_argument_has_a_help_text() -> None:
    assert without_help(cli.main.parser()) == []


def test_member_add_says_what_it_changed(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bot.main(["member", "add", "42", "law", "--name", "张律师", "--station", "daodi"]) == 0
    assert capsys.readouterr().out.strip() == (
        "member 42 (张律师) added to think tank law, station daodi"
    )
    assert bot.main(["member", "add", "42", "law"]) == 0
    assert capsys.readouterr().out.strip() == (
        "member 42 (张律师): nothing changed (think tank law, station daodi)"
    )
    assert bot.main(["member", "add", "42", "economy", "--name", "张会计"]) == 0
    assert capsys.readouterr().out.strip() == (
        "member 42 (张会计): think tank law → economy; name 张律师 → 张会计"
    )
    assert bot.main(["member", "add", "42", "economy", "--station", "qianying"]) == 0
    assert capsys.readouterr().out.strip() == "member 42 (张会计): station daodi → qianying"


def test_member_add_on_wecom_and_coordinators_by_userid(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["member", "add", "zhang.lv", "law", "--channel", "wecom", "--name", "张律师"]
    assert bot.main(args) == 0
    assert capsys.readouterr().out.strip() == "member zhang.lv (张律师) added to think tank law"
    assert bot.main(["member", "add", "zhang.lv", "law"]) == 2  # not a Telegram id
    assert "not a Telegram user id" in capsys.readouterr().err
    assert bot.main(["member", "add", "a b", "law", "--channel", "wecom"]) == 2
    capsys.readouterr()
    # The member's name typed for their userid is refused, not taken and never reached.
    assert bot.main(["member", "add", "张律师", "law", "--channel", "wecom"]) == 2
    assert "not a WeCom userid" in capsys.readouterr().err
    with pytest.raises(SettingsError, match="MINQING_COORDINATORS"):
        load_settings(coordinators="wecom:赵主任", database=env)
    settings = load_settings(coordinators="11, wecom:zhao", database=env)
    assert settings.coordinator_ids("wecom") == ["zhao"]
    assert settings.coordinator_ids("telegram") == ["11"]


def test_the_minqing_command_bot_py_and_python_m_nlp(tmp_path: Path) -> None:
    minqing = Path(sys.executable).parent / "minqing"
    version = subprocess.run(
        [str(minqing), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert version.returncode == 0 and version.stdout.startswith("minqing 0."), version.stderr
    assert run_bot(tmp_path, "restore", "--help").stdout.startswith("usage: bot.py restore")
    nlp = subprocess.run(
        [sys.executable, "-m", "nlp", "evaluate", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert nlp.returncode == 0 and "--keywords KEYWORDS" in nlp.stdout


def test_json_log_lines_carry_time_level_logger_message_and_exception() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("minqing.test_json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("outbox %d: %s", 7, "被拒 <b>")
        try:
            raise RuntimeError("disk full")
        except RuntimeError:
            logger.exception("sweep failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert set(first) == {"time", "level", "logger", "message"}
    assert first["level"] == "WARNING" and first["logger"] == "minqing.test_json"
    assert first["message"] == "outbox 7: 被拒 <b>"
    assert first["time"].endswith("+00:00")
    assert second["level"] == "ERROR" and "RuntimeError: disk full" in second["exception"]


def test_run_exits_non_zero_on_a_fatal_error_and_logs_it_as_json(tmp_path: Path) -> None:
    unusable = tmp_path / "a-directory"
    unusable.mkdir()
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "run"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
        | {
            "MINQING_BOT_TOKEN": "123:abc",
            "MINQING_TELEGRAM_API_URL": "http://127.0.0.1:9",
            "MINQING_LOG_FORMAT": "json",
            "MINQING_DATABASE": str(unusable),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines()]  # every line: JSON
    fatal = next(r for r in records if r["level"] == "CRITICAL")
    assert fatal["logger"] == "minqing" and "fatal error" in fatal["message"]
    assert "unable to open database file" in fatal["exception"]


def test_keywords_suggest_json_is_one_object_and_no_progress(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from tests.nlp.test_suggest import ROWS, TANKS, _seed

    tanks_file = env.parent / "think_tanks.toml"
    tanks_file.write_text(TANKS, encoding="utf-8")
    monkeypatch.setenv("MINQING_THINK_TANKS", str(tanks_file))
    known = [r for r in ROWS if r[3] != "health"]
    numbers = {n: i for i, n in enumerate(dict.fromkeys(r[0] for r in known), 1)}
    asyncio.run(_seed(env, [(numbers[n], t, old, new) for n, t, old, new in known]))
    assert bot.main(["keywords", "suggest", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    out = json.loads(captured.out)
    assert [(c["keyword"], c["old"], c["new"]) for c in out["changes"]] == [
        ("工资", 1.2, 2.2),
        ("扣钱", None, 1.0),
        ("企业", 2.0, 1.5),
    ]
    assert out["backup"] is None and tanks_file.read_text(encoding="utf-8") == TANKS


def test_how_long_an_invitation_lasts_is_a_setting() -> None:
    from wiring import load_district

    assert load_district(load_settings()).invite_days == 7
    assert load_district(load_settings(invite_days="3")).invite_days == 3
    with pytest.raises(SettingsError, match="MINQING_INVITE_DAYS"):
        load_settings(invite_days="0")

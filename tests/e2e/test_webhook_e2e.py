"""Telegram in webhook mode over the wire: the fake Bot API posts each update to the bot's HTTP
server (as a reverse proxy would), the bot records it in the ingress table before answering 200,
and the case loop runs as it does when polling. A request without the secret is refused and
stores nothing; an update posted twice is one case; an update the database could not record is
answered 500, posted again by Telegram, and not lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from config.settings import SettingsError
from core.context import District
from core.engines import Classifier
from handlers.supervision import TokenRefused
from handlers.telegram_webhook import SECRET_HEADER
from tests.e2e.conftest import WEBHOOK_BASE, RunningBot, barrier
from tests.e2e.test_case_loop_e2e import reopened_case
from tests.e2e.test_intake_e2e import file_concern
from tests.fakes import FakeBotAPI
from tests.pg import fresh_schema
from tests.support import Clock

SECRET = "webhook-secret_0123456789"


def running(
    server: FakeBotAPI, tmp_path: Path, district: District, classifier: Classifier, clock: Clock
) -> RunningBot:
    return RunningBot(server, tmp_path / "minqing.db", district, classifier, clock, webhook=SECRET)


@pytest.fixture(params=["sqlite", "postgres"])
async def bot(
    request: pytest.FixtureRequest,
    server: FakeBotAPI,
    tmp_path: Path,
    district: District,
    classifier: Classifier,
    clock: Clock,
) -> AsyncIterator[RunningBot]:
    """The bot in webhook mode, the fake posting to its HTTP server: over a SQLite file, then on
    a fresh PostgreSQL schema (its ingress claimed per chat; skipped, saying why, without one)."""
    if request.param == "sqlite":
        bot = running(server, tmp_path, district, classifier, clock)
        await bot.start()
        try:
            yield bot
        finally:
            await bot.stop()
        return
    async with fresh_schema() as found:
        bot = RunningBot(server, tmp_path, district, classifier, clock, postgres=found)
        bot.webhook = SECRET
        await bot.start()
        try:
            yield bot
        finally:
            await bot.stop()


async def post(bot: RunningBot, update: dict[str, Any], secret: str | bytes | None) -> int:
    """POST an update to the bot's webhook route as someone else might; the status."""
    assert bot.http is not None
    headers: list[tuple[bytes, bytes]] = []
    if secret is not None:
        headers.append(
            (SECRET_HEADER.encode(), secret if isinstance(secret, bytes) else secret.encode())
        )
    async with httpx.AsyncClient(timeout=5.0) as http:
        answer = await http.post(bot.http.url + "/telegram", json=update, headers=headers)
    return answer.status_code


async def test_the_case_loop_runs_on_the_webhook(bot: RunningBot) -> None:
    await reopened_case(bot)
    hook = bot.server.webhook
    assert hook.url == WEBHOOK_BASE + "/telegram" and hook.secret == SECRET
    assert hook.allowed == ["message", "callback_query"]
    assert bot.server.calls("getUpdates") == []  # nothing polled
    posted = {d.update_id for d in hook.deliveries if d.status == 200}
    recorded = await bot.rows("SELECT dedupe_key, handled_at IS NOT NULL FROM ingress")
    assert {int(key) for key, _ in recorded} == posted and len(posted) > 10
    assert all(handled for _, handled in recorded)
    assert await bot.rows("SELECT count(*) FROM cases") == [(1,)]


async def test_requests_without_the_secret_are_refused_and_store_nothing(
    bot: RunningBot,
) -> None:
    resident = bot.server.user(3001, "李四")
    await barrier(resident)
    before = await bot.rows("SELECT count(*) FROM ingress")
    forged = {
        "update_id": 999_000_001,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": 3001, "type": "private"},
            "from": {"id": 3001, "is_bot": False, "first_name": "李四"},
            "text": "/start",
        },
    }
    assert await post(bot, forged, None) == 403
    assert await post(bot, forged, "wrong") == 403
    assert await post(bot, forged, SECRET[:-1]) == 403
    assert await post(bot, forged, "密钥".encode()) == 403  # not even ASCII: refused, not a 500
    assert await bot.rows("SELECT count(*) FROM ingress") == before
    assert await bot.rows("SELECT count(*) FROM processed_updates WHERE update_id = 999000001") == [
        (0,)
    ]
    # With the secret, a body that is not an update is refused too, and nothing is stored.
    assert bot.http is not None
    async with httpx.AsyncClient() as http:
        headers = {SECRET_HEADER: SECRET}
        url = bot.http.url + "/telegram"
        assert (await http.post(url, content=b"{not json", headers=headers)).status_code == 400
        assert (await http.post(url, json={"update": 1}, headers=headers)).status_code == 400
        latin = b'{"update_id": 7, "x": "\xff"}'  # not UTF-8
        assert (await http.post(url, content=latin, headers=headers)).status_code == 400
        huge = b'{"update_id": 1, "x": "' + b"a" * 300_000 + b'"}'
        assert (await http.post(url, content=huge, headers=headers)).status_code == 413
    assert await bot.rows("SELECT count(*) FROM ingress") == before


async def test_an_update_posted_twice_is_one_case(bot: RunningBot) -> None:
    resident = bot.server.user(3101, "王小明")
    await file_concern(resident)
    confirmed = bot.server.webhook.deliveries[-1].update_id  # the press on 确认提交
    for update in await bot.rows("SELECT dedupe_key FROM ingress ORDER BY id"):
        bot.server.redeliver(int(update[0]))  # Telegram posts every one of them again
    await barrier(resident)
    assert len(bot.server.webhook.attempts(confirmed)) == 2
    assert await bot.rows("SELECT count(*) FROM cases") == [(1,)]
    assert len([m for m in resident.messages if "已受理" in (m.text or "")]) == 1
    keys = await bot.rows("SELECT dedupe_key FROM ingress")
    assert len(keys) == len({k for (k,) in keys})


async def test_an_update_the_database_did_not_record_is_posted_again_not_lost(
    bot: RunningBot,
) -> None:
    resident = bot.server.user(3201, "赵六")
    await barrier(resident)
    # The disk refuses the ingress table's writes: the bot must not answer 200.
    on_postgres = bot.postgres is not None
    async with bot.db.transaction() as conn:
        if on_postgres:
            await conn.execute(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN RAISE EXCEPTION 'disk full (injected)'; END $$"
            )
            await conn.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON ingress"
                " FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        else:
            await conn.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON ingress"
                " BEGIN SELECT RAISE(ABORT, 'disk full (injected)'); END"
            )
    update = await resident.send_command("/start")
    hook = bot.server.webhook
    await hook.signal.wait_until(
        lambda: True if len(hook.attempts(update["update_id"])) >= 2 else None,
        10,
        lambda: "two refused attempts",
    )
    assert {d.status for d in hook.attempts(update["update_id"])} == {500}
    assert await bot.rows(
        "SELECT count(*) FROM ingress WHERE dedupe_key = ?", str(update["update_id"])
    ) == [(0,)]
    async with bot.db.transaction() as conn:
        await conn.execute(
            "DROP TRIGGER refuse ON ingress" if on_postgres else "DROP TRIGGER refuse"
        )
    await resident.wait_text("民情直通车", timeout=20)
    statuses = [d.status for d in hook.attempts(update["update_id"])]
    assert statuses[-1] == 200 and set(statuses[:-1]) == {500}
    assert await bot.rows(
        "SELECT count(*) FROM processed_updates WHERE update_id = ?", update["update_id"]
    ) == [(1,)]


async def test_what_was_recorded_before_a_restart_is_handled_after_it(bot: RunningBot) -> None:
    resident = bot.server.user(3301, "钱七")
    await barrier(resident)
    await bot.stop()
    # While the bot is down the fake's posts find nothing listening: they are retried.
    update = await resident.send_command("/start")
    await bot.start()
    await resident.wait_text("民情直通车", timeout=20)
    attempts = bot.server.webhook.attempts(update["update_id"])
    assert attempts[-1].status == 200
    # The reply can go out before the row is marked handled (a separate write after the turn).
    unhandled = "SELECT count(*) FROM ingress WHERE handled_at IS NULL"
    async with asyncio.timeout(10):
        while await bot.rows(unhandled) != [(0,)]:  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_set_webhook_failures_at_start(
    server: FakeBotAPI,
    tmp_path: Path,
    district: District,
    classifier: Classifier,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A passing fault is waited out (one line per attempt), a refusal names the setting, a 401
    # is the refused token as in polling mode.
    bot = running(server, tmp_path, district, classifier, clock)
    server.faults.fail_next("setWebhook", "502")
    await bot.start()
    assert [c.status for c in server.calls("setWebhook")] == [502, 200]
    tries = [r for r in caplog.records if r.getMessage().startswith("cannot set the webhook")]
    assert len(tries) == 1 and tries[0].exc_info is None and "\n" not in tries[0].getMessage()
    await bot.stop()
    server.faults.fail_next("setWebhook", "401")
    with pytest.raises(TokenRefused):
        await bot.start()
    bot.webhook = "not allowed!"
    with pytest.raises(SettingsError, match=r"(?i)MINQING_WEBHOOK_URL.*unallowed characters"):
        await bot.start()

"""Delivery pace: replies a second under Telegram's own limits (30 a second in all, 1 a second
per chat, bursts of 3) when every Bot API call takes 100 ms more, as from a server far from
Telegram's. One send at a time made that about 7 a second; chats' messages in flight together
should reach the 30 a second the limit allows (replies count the answers to button presses too,
which the limit does not pace)."""

from __future__ import annotations

from pathlib import Path

from tests.bench.load import Result, Scenario, run_scenario
from tests.bench.report import Report, Row, above
from tests.stress.proc import query

LATENCY = 0.100
TARGET = 25.0
NAME = "minqing-telegram-limits-100ms"


def residents(users: int) -> int:
    """120 to 200 residents: enough chats to keep 30 messages a second busy."""
    return max(120, min(users, 200))


def undelivered(database: Path) -> int:
    """Messages and edits the bot decided and did not deliver (the bot has stopped)."""
    rows = query(
        database,
        "SELECT count(*) FROM outbox WHERE status != 'sent' AND kind IN ('send', 'edit')",
    )
    return int(rows[0][0])


async def run(report: Report, users: int, workdir: Path) -> Result:
    """Run the scenario and add its row."""
    scenario = Scenario(NAME, "minqing", latency=LATENCY)
    count = residents(users)
    result = await run_scenario(scenario, count, workdir)
    lost = undelivered(workdir / f"{NAME}.db")
    print(
        f"{NAME}: {result.replies} replies in {result.seconds:.1f} s ({result.rate:.1f}/s), "
        f"{result.summary()}, {lost} undelivered, {len(result.errors)} errors",
        flush=True,
    )
    met, margin = above(result.rate, TARGET)
    ok = met and lost == 0 and not result.errors
    report.add(
        Row(
            "load",
            f"delivery pace: {count} residents at once, Telegram's limits (30/s, 1/s/chat, "
            f"burst 3), {LATENCY * 1000:.0f} ms added to every Bot API call",
            f"{result.rate:.1f} replies/s; {lost} undelivered, {len(result.errors)} errors; "
            f"{result.summary()}",
            f">= {TARGET:.0f} replies/s, 0 lost",
            ok,
            margin,
            {
                "replies_per_s": result.rate,
                "undelivered": lost,
                "errors": result.errors[:20],
                "residents": count,
                "p99_s": result.p(99),
            },
        )
    )
    return result

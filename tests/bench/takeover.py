"""How soon a SIGKILLed worker's chats are taken over on PostgreSQL, with the default leases:
python -m tests.bench.takeover [--runs N], and the `takeover` section of
`python -m tests.bench`.

For the outbox and for the ingress: a worker process (the real OutboxSender or IngressWorker on
its own pool) claims a few chats and hangs in its first call, another worker runs beside it as
in production (default scan interval), the first is SIGKILLed, and the time from the kill to
the moment the other has sent (handled) every row is measured. Needs the test server
(MINQING_TEST_POSTGRES); prints one line per run and the rows. A benchmark: it never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from core.messages import Inbound, Outbound
from handlers.ingress_worker import IngressWorker
from handlers.sender import OutboxSender
from storage.ingress import Recorded
from storage.outbox import OutboxDeliveries
from storage.pg import PgDatabase, pg_unit_factory
from storage.pg_claims import LEASE as PG_LEASE
from storage.pg_claims import PgOutboxDeliveries
from storage.pg_ingress import LEASE as INGRESS_LEASE
from storage.pg_ingress import PgIngressStore
from tests.bench.report import Report, Row
from tests.pg import POSTGRES_URL, fresh_schema

ROOT = Path(__file__).resolve().parents[2]
CHATS = 3
# The longest a take-over may take: the lease runs out, then the other worker's next scan
# (every 5 s) takes the chats.
BOUNDS = {
    "outbox": PG_LEASE.total_seconds() + 5.0,
    "ingress": INGRESS_LEASE.total_seconds() + 5.0,
}
NAMES = {"outbox": "outgoing messages", "ingress": "incoming messages"}
HOLDER = """
import asyncio, sys
from datetime import UTC, datetime
from handlers.sender import OutboxSender
from handlers.ingress_worker import IngressWorker
from storage.pg import PgDatabase
from storage.pg_claims import PgOutboxDeliveries
from storage.pg_ingress import PgIngressStore

async def hang(*args):
    print("holding", flush=True)
    await asyncio.Event().wait()

class Hanging:
    deliver = staticmethod(hang)

async def main() -> None:
    db = await PgDatabase.open(sys.argv[1], schema=sys.argv[2], size=2)
    now = lambda: datetime.now(UTC)
    if sys.argv[3] == "outbox":
        await OutboxSender(PgOutboxDeliveries(db, "telegram"), Hanging(), clock=now).start()
    else:
        store = PgIngressStore(db, "wechat")
        IngressWorker(store, hang, hang, lambda ids: None, now).start()
    await asyncio.Event().wait()

asyncio.run(main())
"""


class Counting:
    """A channel that counts what it was given."""

    def __init__(self) -> None:
        self.sent = 0
        self.texts: list[str] = []

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        self.sent += 1
        if message.text in self.texts:
            print(f"sent twice: {message.text}", file=sys.stderr)
        self.texts.append(message.text)
        return self.sent


async def queue(db: PgDatabase, kind: str) -> None:
    """Two rows for each of CHATS chats, due now."""
    now = datetime.now(UTC)
    if kind == "ingress":
        store = PgIngressStore(db, "wechat")
        for n in range(2 * CHATS):
            await store.record(f"m:{n}", f"o_{n % CHATS}", "{}", "message", now)
        return
    async with pg_unit_factory(db)() as uow:
        for n in range(2 * CHATS):
            message = Outbound(channel="telegram", chat_id=str(n % CHATS), text=f"第{n}条")
            await uow.outbox.add(message, now)
        await uow.commit()


async def one_run(kind: str, twice: list[int] | None = None) -> float | None:
    """Seconds from the holder's SIGKILL to the other worker's last row, or None; rows the other
    worker sent twice are added to `twice`."""
    async with fresh_schema() as (url, schema):
        db = await PgDatabase.open(url, schema=schema, size=4)
        await queue(db, kind)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            HOLDER,
            url,
            schema,
            kind,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        assert proc.stdout is not None
        await asyncio.wait_for(proc.stdout.readline(), 30)
        done = asyncio.Event()
        count = [0]

        async def handle(row: Recorded) -> Inbound | None:
            count[0] += 1
            if count[0] == 2 * CHATS:
                done.set()
            return None

        async def nothing(inbound: Inbound) -> list[int]:
            return []

        now = lambda: datetime.now(UTC)  # noqa: E731
        channel = Counting()
        sender = OutboxSender(
            cast(OutboxDeliveries, PgOutboxDeliveries(db, "telegram")), channel, clock=now
        )
        worker = IngressWorker(PgIngressStore(db, "wechat"), handle, nothing, lambda i: None, now)
        try:
            if kind == "outbox":
                await sender.start()
            else:
                worker.start()
            # The other worker runs before the kill, as it would; the kill comes at any moment
            # of the holder's heartbeat and of the other's scans.
            await asyncio.sleep(random.uniform(1.0, 7.0))
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
            killed = time.monotonic()
            async with asyncio.timeout(120):
                while not done.is_set():
                    if channel.sent >= 2 * CHATS:
                        break
                    await asyncio.sleep(0.01)
            return time.monotonic() - killed
        except TimeoutError:
            return None
        finally:
            if twice is not None:
                twice.append(len(channel.texts) - len(set(channel.texts)))
            await sender.stop() if kind == "outbox" else await worker.stop()
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            await db.close()


async def measure(kind: str, runs: int, twice: list[int] | None = None) -> tuple[list[float], int]:
    """The take-over times of `runs` runs of one kind, and how many runs were never taken over."""
    times, missed = [], 0
    for n in range(runs):
        took = await one_run(kind, twice)
        print(
            f"{kind} run {n + 1}: " + ("not taken over" if took is None else f"{took:.1f} s"),
            file=sys.stderr,
        )
        if took is None:
            missed += 1
        else:
            times.append(took)
    return times, missed


async def run(report: Report, runs: int) -> None:
    """The take-over rows of `make bench`: the slowest run of each kind against its bound, the
    lease and one scan of the worker that takes over."""
    try:
        import asyncpg

        admin = await asyncpg.connect(POSTGRES_URL, timeout=3)
        await admin.close()
    except (ImportError, OSError, TimeoutError) as e:
        report.note(f"takeover: not run, no server at MINQING_TEST_POSTGRES ({e})")
        return
    for kind, bound in BOUNDS.items():
        twice: list[int] = []
        times, missed = await measure(kind, runs, twice)
        worst = max(times) if times else None
        figure = (
            f"{min(times):.1f} / {statistics.median(times):.1f} / {worst:.1f} s"
            f" (min / median / max of {len(times)})"
            if times and worst is not None
            else "never"
        ) + (f", {missed} never taken over" if missed else "")
        if kind == "outbox":
            figure += f"; {sum(twice)} sent twice"
        met = worst is not None and not missed and not sum(twice) and worst <= bound
        report.add(
            Row(
                "takeover",
                f"PostgreSQL: a SIGKILLed worker's {NAMES[kind]} taken over",
                figure,
                f"<= {bound:.0f} s (lease + one scan)",
                met,
                "" if worst is None else f"{worst / bound:.0%} of the bound",
                {"runs_s": times, "missed": missed, "sent_twice": sum(twice)},
            )
        )


async def main(runs: int) -> None:
    """Measure each kind `runs` times and print the figures."""
    report = Report()
    await run(report, runs)
    print(report.markdown())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.bench.takeover", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))

"""Minqing's benchmarks (issue #6): python -m tests.bench [--quick] [--json FILE] [--only ...].

Runs the real bot as a subprocess against the fake Bot API under load (and the echo bot beside it
as the floor), times start-up and memory, times the database paths on a million generated cases,
the classifier's bench when it is there, the real bot as 1, 2 and 4 webhook workers on PostgreSQL
beside the single SQLite process, how soon a SIGKILLed worker's chats are taken over, the
similar-concerns engine (suggestion latency at
100,000 open cases, precision and recall, hot-topic purity), and the office files (ledger,
report, summary, charts); prints one Markdown table at the end. Benchmarks print: they never fail.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

from cli.progress import progress_for
from tests.bench.report import Report

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "citizen_messages_train.csv"
SECTIONS = (
    "load",
    "intake",
    "database",
    "classifier",
    "similar",
    "documents",
    "wechat",
    "postgres",
    "pgscale",
    "workers",
    "takeover",
)


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="a smaller run: 50 users, 100k cases")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the classifier's data set")
    p.add_argument("--only", choices=SECTIONS, action="append", help="run only these sections")
    p.add_argument("--users", type=int, help="simulated residents (default 200, quick 50)")
    p.add_argument("--cases", type=int, help="generated cases (default 1,000,000, quick 100,000)")
    p.add_argument("--runs", type=int, help="runs per database figure (default 5, quick 3)")
    p.add_argument("--rounds", type=int, help="intake side by side: pairs (default 3, quick 2)")
    p.add_argument(
        "--worker-cpu",
        type=float,
        metavar="CORES",
        help="workers: each worker in a cgroup of its own with this CPU quota (e.g. 0.25)",
    )
    p.add_argument("--workdir", type=Path, help="where to keep the files (default: a temp dir)")
    return p


async def run(args: argparse.Namespace, workdir: Path) -> Report:
    """Every selected section, into one report."""
    report = Report()
    only = [s for s in SECTIONS if s in set(args.only or SECTIONS)]
    report.settings = {"quick": args.quick, "python": sys.version.split()[0]}
    with progress_for().task("bench sections", len(only)) as task:
        if "load" in only:
            from tests.bench import load

            users = args.users or (50 if args.quick else 200)
            await load.run(report, users, workdir, args.quick)
            task.advance()
        if "intake" in only:
            from tests.bench import sidebyside

            users = args.users or (50 if args.quick else 200)
            await sidebyside.run(report, users, workdir, args.rounds or (2 if args.quick else 3))
            from tests.bench import writerheld

            await writerheld.run(report, workdir)
            task.advance()
        if "database" in only:
            from tests.bench import dbscale

            cases = args.cases or (100_000 if args.quick else 1_000_000)
            runs = args.runs or (3 if args.quick else 5)
            await dbscale.run(report, cases, runs, workdir)
            task.advance()
        if "classifier" in only:
            classifier_rows(report, args.data)
            task.advance()
        if "similar" in only:
            from tests.bench import similar_rows

            similar_rows.add(report, args.data)
            task.advance()
        if "wechat" in only:
            from tests.bench import wechat

            await wechat.run(report, args.users or (50 if args.quick else 200), workdir, args.quick)
            task.advance()
        if "postgres" in only:
            from tests.bench import postgres

            await postgres.run(report, args.users or (50 if args.quick else 200), workdir)
            task.advance()
        if "pgscale" in only:
            from tests.bench import pgscale

            cases = args.cases or (100_000 if args.quick else 1_000_000)
            await pgscale.run(report, cases, args.runs or 3)
            task.advance()
        if "workers" in only:
            from tests.bench import workers

            users = args.users or (50 if args.quick else 200)
            await workers.run(report, users, workdir, args.quick, args.worker_cpu)
            task.advance()
        if "takeover" in only:
            from tests.bench import takeover

            await takeover.run(report, args.runs or (2 if args.quick else 5))
            task.advance()
        if "documents" in only:
            from tests.bench import office

            await asyncio.to_thread(office.run, report, args.quick)
            task.advance()
    return report


def classifier_rows(report: Report, data: Path) -> None:
    """The classifier's rows: the district lists, and the learned model when its data is there."""
    from tests.bench import nlp_rows

    nlp_rows.add_district(report)
    if not data.exists():
        report.note(f"classification: skipped, no data at {data} (give --data PATH)")
        return
    nlp_rows.add(report, data)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table; returns 0 whatever was measured."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="minqing-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        report = asyncio.run(run(args, workdir))
    report.settings["seconds"] = round(time.perf_counter() - started, 1)
    print()
    print(report.markdown())
    if args.json:
        report.write_json(args.json)
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

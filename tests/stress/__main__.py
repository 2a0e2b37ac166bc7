"""`make stress`: run every part against the real bot process and print one Markdown table.

python -m tests.stress                 # the full run (under ten minutes)
python -m tests.stress --quick         # every part, small (about a minute)
python -m tests.stress --only crashes  # one part: crashes, faults, abuse, privacy, wechat, postgres
python -m tests.stress --database postgres  # crashes, faults, abuse, privacy against 4 workers in
                                            # webhook mode on a fresh PostgreSQL schema each, then
                                            # postgres (the WeChat drill on workers)
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from cli.progress import progress_for
from tests.stress.report import Row, table
from tests.stress.scale import Scale

Part = Callable[[Scale, Path, int, str], Awaitable[list[Row]]]
# The parts that are the single SQLite process's own, and where their PostgreSQL counterpart is.
SQLITE_ONLY = {
    "wechat": "the WeChat SIGKILL drill on one file: on PostgreSQL it is part postgres",
}


def parts() -> dict[str, Part]:
    """The parts of the run, in the order they run; each takes the database ("sqlite" or
    "postgres") its bot runs on."""
    from tests.stress import abuse, apifaults, crashes, postgres, privacy, wechat

    def sqlite_only(name: str, part: Callable[[Scale, Path, int], Awaitable[list[Row]]]) -> Part:
        async def run(scale: Scale, workdir: Path, seed: int, database: str) -> list[Row]:
            if database == "sqlite":
                return await part(scale, workdir, seed)
            return [Row(f"part {name}", "0", "not run on PostgreSQL", True, SQLITE_ONLY[name])]

        return run

    async def on_postgres(scale: Scale, workdir: Path, seed: int, database: str) -> list[Row]:
        return await postgres.run(scale, workdir, seed)

    return {
        "crashes": crashes.run,
        "faults": apifaults.run,
        "abuse": abuse.run,
        "privacy": privacy.run,
        "wechat": sqlite_only("wechat", wechat.run),
        "postgres": on_postgres,
    }


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(prog="python -m tests.stress", description=__doc__)
    p.add_argument("--quick", action="store_true", help="every part, small and short")
    p.add_argument("--only", action="append", metavar="PART", help="run only this part")
    p.add_argument("--seed", type=int, default=6, help="the random seed (default 6)")
    p.add_argument("--fault-seconds", type=float, help="how long the Bot API faults last")
    p.add_argument("--residents", type=int, help="how many residents file concerns in part 1")
    p.add_argument("--keep", action="store_true", help="keep the working directory")
    p.add_argument(
        "--database",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="one bot process on a SQLite file (default), or 4 workers on a fresh schema of "
        "MINQING_TEST_POSTGRES's server for each part",
    )
    return p


async def main_async(args: argparse.Namespace) -> int:
    """Run the chosen parts; print the table; 0 if every row met its target."""
    scale = Scale.quick() if args.quick else Scale()
    if args.fault_seconds is not None:
        scale = dataclasses.replace(scale, fault_seconds=args.fault_seconds)
    if args.residents is not None:
        scale = dataclasses.replace(scale, residents=args.residents)
    chosen = parts()
    names = args.only or list(chosen)
    if args.database == "postgres" and not args.only:
        names = [n for n in names if n not in SQLITE_ONLY] + list(SQLITE_ONLY)
    if args.database == "postgres":
        from tests.stress.store import reachable

        why = await reachable()
        if why is not None:
            print(f"--database postgres: {why}")
            return 2
    unknown = set(names) - set(chosen)
    if unknown:
        print(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {', '.join(chosen)}")
        return 2
    rows: list[Row] = []
    workroot = Path(tempfile.mkdtemp(prefix="minqing-stress-"))
    started = time.perf_counter()
    with progress_for().task("stress parts", len(names)) as task:
        for name in names:
            workdir = workroot / name
            workdir.mkdir()
            print(f"[{time.perf_counter() - started:5.0f} s] {name} ...", file=sys.stderr)
            try:
                rows += await chosen[name](scale, workdir, args.seed, args.database)
            except Exception as e:  # a part that breaks is a row that failed, not a lost table
                logging.exception("part %s failed", name)
                rows.append(Row(f"part {name}", "1", f"did not finish: {e!r}"[:200], False))
            task.advance()
    took = time.perf_counter() - started
    print(
        f"\n## Stress run ({'quick' if args.quick else 'full'}, {args.database}, {took:.0f} s,"
        f" seed {args.seed})\n"
    )
    print(table(rows))
    print(f"\nlogs and databases: {workroot}" if args.keep else "", file=sys.stderr)
    if not args.keep:
        import shutil

        shutil.rmtree(workroot, ignore_errors=True)
    return 0 if all(r.ok for r in rows) else 1


def main() -> int:
    """Entry point."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(main_async(parser().parse_args()))


if __name__ == "__main__":
    sys.exit(main())

"""The office files: how long a ledger, a report, a summary and each chart take to build, and
how much memory a build takes at its peak; each kind measured in a fresh process
(python -m tests.bench.office KIND ROWS RUNS prints one JSON object).

The peak is VmHWM after the timed builds less VmRSS before them, with the high-water mark reset
(/proc/self/clear_refs) once the libraries are loaded and one file was built, so it is what a
build adds to a running bot. Start-up: python -X importtime's total for `import bot`, alone and
with every documents module imported too.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.bench.report import Report, Row, median, ms

ROOT = Path(__file__).resolve().parents[2]
SECTION = "documents"
ZONE = ZoneInfo("Asia/Shanghai")
CONCERN = "村里大棚区的道路坑洼不平，雨天积水，运菜的车辆难以通行，希望有关部门尽快修复。"
DOCUMENT_MODULES = (
    "documents.charts, documents.ledger_xlsx, documents.report_docx, documents.summary, "
    "documents.workdays, documents.workers"
)


def _rows(n: int) -> Iterator[Any]:
    from documents.records import LedgerRow

    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(n):
        received = start + timedelta(minutes=7 * i)
        yield LedgerRow(
            case=i + 1,
            received=received,
            tank=("法律", "经济", "农业")[i % 3],
            station="黄各庄镇",
            status="办理中",
            holder="张立新",
            first_reply=received + timedelta(hours=5),
            rating="满意",
            overdue=i % 9 == 0,
            concern=f"{CONCERN}（{i}）",
        )


def _ledger(n: int) -> bytes:
    from documents.ledger_xlsx import build_ledger_xlsx
    from documents.records import LEDGER_COLUMNS, Ledger

    return build_ledger_xlsx(Ledger(LEDGER_COLUMNS, _rows(n)), ZONE)


def _ledger_normal_mode(n: int) -> bytes:
    """The same cells through openpyxl's normal (in-memory) mode, for comparison."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in _rows(n):
        received = row.received.astimezone(ZONE).replace(tzinfo=None)
        first_reply = row.first_reply.astimezone(ZONE).replace(tzinfo=None)
        overdue = "是" if row.overdue else "否"
        sheet.append(
            [
                *(row.case, received, row.tank, row.station, row.status, row.holder),
                *(first_reply, None, row.rating, overdue, row.referred_to, row.concern),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _report(_: int) -> bytes:
    from documents.records import Report as Paper
    from documents.report_docx import build_report_docx

    return build_report_docx(
        Paper(
            title="关于黄各庄镇大棚区道路破损影响农产品运输的情况反映",
            situation=CONCERN * 8,
            problems="（一）道路年久失修。" + CONCERN * 6,
            suggestions=CONCERN * 8,
            authors=("张立新", "李秀梅"),
            issuer="丰南区政协办公室",
            issued=date(2026, 11, 20),
            number=12,
            cases=tuple(range(1, 13)),
        )
    )


def _summary(_: int) -> bytes:
    from documents.records import Rate, Summary
    from documents.summary import build_summary_docx

    return build_summary_docx(
        Summary(
            issuer="丰南区政协",
            year=2026,
            month=11,
            issued=date(2026, 12, 1),
            concerns_received=120,
            concerns_solved=98,
            reports_written=15,
            reports_adopted=9,
            special_reports=2,
            proposals=(("已提交", 3), ("已立案", 2)),
            consultations_held=4,
            people_reached=86,
            response=Rate(114, 120),
            resolution=Rate(98, 120),
            satisfaction=Rate(72, 78),
        )
    )


def _chart_cases(_: int) -> bytes:
    from documents.charts import cases_by_tank_png
    from documents.records import CasesByTank

    counts = ((3, 5, 10, 1), (2, 4, 8, 0), (6, 7, 20, 2))
    states = ("待认领", "办理中", "已办结", "已转办")
    return cases_by_tank_png(CasesByTank(("法律", "经济", "农业"), states, counts))


def _chart_rates(_: int) -> bytes:
    from documents.charts import rates_png
    from documents.records import WeeklyRates

    weeks = tuple(date(2026, 9, 7) + timedelta(weeks=i) for i in range(12))
    shares = tuple(0.6 + 0.03 * i for i in range(12))
    return rates_png(WeeklyRates(weeks, shares, shares, shares))


def _deadline(_: int) -> bytes:
    from documents.workdays import add_working_days

    due = add_working_days(datetime(2026, 2, 10, 2, tzinfo=UTC), 15, ZONE)
    return due.isoformat().encode()


KINDS: dict[str, Callable[[int], bytes]] = {
    "ledger": _ledger,
    "ledger_normal_mode": _ledger_normal_mode,
    "report": _report,
    "summary": _summary,
    "chart_cases": _chart_cases,
    "chart_rates": _chart_rates,
    "deadline": _deadline,
}


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(kind: str, rows: int, runs: int) -> dict[str, Any]:
    """Build one kind of file runs times in this process; the figures as a dict."""
    build = KINDS[kind]
    started = time.perf_counter()
    out = build(rows)
    cold = time.perf_counter() - started
    try:
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    before = _status_kib("VmRSS")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        out = build(rows)
        times.append(time.perf_counter() - started)
    peak = _status_kib("VmHWM")
    return {
        "cold_s": cold,
        "runs_s": times,
        "added_mib": (peak - before) / 1024 if reset else None,
        "peak_mib": peak / 1024,
        "bytes": len(out),
    }


def measure(kind: str, rows: int, runs: int) -> dict[str, Any]:
    """One kind's figures, from a fresh process."""
    run = subprocess.run(
        [sys.executable, "-m", "tests.bench.office", kind, str(rows), str(runs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=True,
    )
    figures: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return figures


def import_ms(modules: str) -> float:
    """python -X importtime's cumulative time for importing modules, in ms."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {modules}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    total = 0
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        _, cumulative, name = line.split("|")
        if cumulative.strip().isdigit() and not name[1:].startswith(" "):
            total += int(cumulative)  # a top-level import: its cumulative time counts once
    return total / 1000


def run(
    report: Report, quick: bool = False, rows: int | None = None, runs: int | None = None
) -> None:
    """Every figure of the section, into the report."""
    rows = rows or 10_000
    runs = runs or (3 if quick else 5)
    what = {
        "ledger": f"ledger .xlsx, {rows:,} rows (write-only, streamed)",
        "report": "report .docx (1,500 characters, GB/T 9704)",
        "summary": "summary .docx",
        "chart_cases": "chart PNG, cases by tank and state",
        "chart_rates": "chart PNG, the three rates over 12 weeks",
        "deadline": "deadline, 15 working days across the Spring Festival",
    }
    for kind, label in what.items():
        figures = measure(kind, rows, runs)
        report.add(_row(label, figures, sized=kind != "deadline"))
    if not quick:
        big = 10 * rows
        streamed = measure("ledger", big, 1)
        normal = measure("ledger_normal_mode", big, 1)
        report.add(
            Row(
                SECTION,
                f"ledger .xlsx, {big:,} rows: streamed vs openpyxl's normal mode",
                f"{_seconds(streamed['runs_s'][0])}, peak {streamed['peak_mib']:.0f} MiB vs "
                f"{_seconds(normal['runs_s'][0])}, peak {normal['peak_mib']:.0f} MiB",
                values={"streamed": streamed, "normal": normal},
            )
        )
    alone, together = import_ms("bot"), import_ms(f"bot, {DOCUMENT_MODULES}")
    report.add(
        Row(
            SECTION,
            "import bot (python -X importtime), alone vs with every documents module",
            f"{alone:.0f} ms vs {together:.0f} ms",
            values={"alone_ms": alone, "with_documents_ms": together},
        )
    )


def _row(label: str, figures: dict[str, Any], sized: bool = True) -> Row:
    value = median(figures["runs_s"])
    added = figures["added_mib"]
    memory = "" if added is None else f"; peak +{added:.0f} MiB"
    size = f"; {figures['bytes'] / 1024:,.0f} KiB" if sized else ""
    return Row(
        SECTION,
        label,
        f"{_seconds(value)} (median of {len(figures['runs_s'])}), first in a process "
        f"{_seconds(figures['cold_s'])}{memory}{size}",
        values=figures,
    )


def _seconds(value: float) -> str:
    return ms(value) if value < 1 else f"{value:.2f} s"


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))

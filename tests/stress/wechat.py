"""Part 5: the SIGKILL drill with WeChat residents (tests.bench.wechat): the bot serving WeChat
and WeCom is killed at random moments while residents file, and restarted on the same file; no
acknowledged case may be lost, and every case's notice must reach the member."""

from __future__ import annotations

from pathlib import Path

from handlers.wx.config import WxLimits
from tests.bench import wechat
from tests.bench.report import Report
from tests.stress.report import Row
from tests.stress.scale import Scale

KILLS = 3


async def run(scale: Scale, workdir: Path, seed: int) -> list[Row]:
    """The drill; its rows in the stress table's terms."""
    report = Report()
    residents = max(20, min(scale.residents, 100))
    # Every notice goes to the one member, whom WeCom lets the bot send 30 a minute
    # (handlers/wx/config.py): the last of a hundred comes minutes after the load, not lost.
    step = wechat.STEP_WITHIN
    wechat.STEP_WITHIN = max(step, residents / WxLimits().chat_rate + 60.0)
    try:
        await wechat.kill_drill(report, residents, KILLS, workdir, seed)
    finally:
        wechat.STEP_WITHIN = step
    return [
        Row(row.what, f"{residents} residents", row.figure, bool(row.met), f"target: {row.target}")
        for row in report.rows
    ]

"""A file is built after its turn commits, outside the writer: a slow build holds up no other
chat, a refused one is answered with why, and nothing else changes."""

from __future__ import annotations

import asyncio

from core.office import ChartData, FileRefused, LedgerLine, ReportSheet, SummaryFigures
from tests.desk.conftest import Desk, documents_in


class SlowFiles:
    """The office port, holding each build until told to go on (or refusing it)."""

    def __init__(self, refuse: bool = False) -> None:
        self.started = asyncio.Event()
        self.go = asyncio.Event()
        self.refuse = refuse

    async def _held(self) -> bytes:
        self.started.set()
        await self.go.wait()
        if self.refuse:
            raise FileRefused("files_refused")
        return b"PK-made-up"

    async def report_docx(self, sheet: ReportSheet, locale: str) -> bytes:
        return await self._held()

    async def ledger_xlsx(self, lines: list[LedgerLine], contact: bool, locale: str) -> bytes:
        return await self._held()

    async def summary_docx(self, figures: SummaryFigures, locale: str) -> bytes:
        return await self._held()

    async def cases_png(self, data: ChartData, locale: str) -> bytes:
        return await self._held()

    async def rates_png(self, data: ChartData, locale: str) -> bytes:
        return await self._held()


async def test_a_slow_build_holds_up_no_other_chat(desk: Desk) -> None:
    files = SlowFiles()
    desk.service.files = files
    await desk.case(desk.chat("501"), "欠薪")
    export = asyncio.create_task(desk.coordinator.command("export", "2026-11"))
    await asyncio.wait_for(files.started.wait(), 10)
    # the export's turn has committed; another chat's turn takes the writer meanwhile
    out = await asyncio.wait_for(desk.member.command("report", "new 1"), 10)
    assert "请发送<b>标题</b>" in out[-1].text
    assert not export.done()
    files.go.set()
    (sent,) = documents_in(await asyncio.wait_for(export, 10))
    assert sent.document is not None and sent.document.content == b"PK-made-up"


async def test_a_refused_build_is_answered_with_why(desk: Desk) -> None:
    files = SlowFiles(refuse=True)
    files.go.set()
    desk.service.files = files
    out = await desk.coordinator.command("export", "2026-11")
    assert documents_in(out) == [] and "未能生成文件" in out[-1].text
    desk.service.files = None
    out = await desk.coordinator.command("export", "2026-11")
    assert documents_in(out) == [] and "暂时无法生成文件" in out[-1].text

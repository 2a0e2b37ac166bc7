"""/my and /case: residents see their own cases and nobody else's."""

from __future__ import annotations

from core.service import Service
from tests.core.memory import MemoryState
from tests.core.test_intake import file_concern
from tests.support import Chat, Fetch


async def test_my_lists_own_cases(resident: Chat) -> None:
    assert "还没有" in (await resident.command("my"))[0].text
    await file_concern(resident, "老板拖欠工资三个月了")
    listing = (await resident.command("my"))[0].text
    assert "#1" in listing and "等委员接手" in listing


async def test_case_shows_timeline_to_its_resident_only(
    service: Service,
    state: MemoryState,
    resident: Chat,
    fetch: Fetch,
) -> None:
    await file_concern(resident, "老板拖欠工资三个月了")
    detail = (await resident.command("case", "#1"))[0].text
    assert "事项 #1" in detail and "居民提交" in detail
    stranger = Chat(service, fetch, "666")
    for args in ("1", "#1", "2", "abc", "", "-1", "99999999999999999999", "1; DROP TABLE cases"):
        answer = (await stranger.command("case", args))[0].text
        assert "办理记录" not in answer and "老板" not in answer
    assert len(state.cases) == 1

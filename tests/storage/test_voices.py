"""Similar concerns on real SQLite with the real engine: adding your voice at intake, merging
(并单), the residents /stats counts, hot topics and the weekly digest, and erasure."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from config.nearby import load_nearby
from config.tanks import ConfigError
from core.cases import privacy
from core.context import District
from core.messages import Outbound
from core.service import Service
from storage.db import Database
from storage.views import SqlViews
from tests.core.test_casework import staff, to
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service

WAGES = "包工头老刘拖欠我们工地的工资三个月了，一直不给"
WAGES_AGAIN = "工地包工头老刘欠我们三个月工资不给，怎么办"
OTHER = "银行贷款利息太高了，想问问能不能延期还款"
NAME, PHONE = "王秘密", "13912345678"


@pytest.fixture
async def service(
    tmp_path: Path, district: District, classifier: RuleClassifier, clock: Clock
) -> AsyncIterator[Service]:
    """Core on a real file, wired as bot.py wires it (the similarity engine included)."""
    db = await Database.open(tmp_path / "voices.db")
    yield sqlite_service(db, district, classifier, clock)
    await db.close()


def database(service: Service) -> Database:
    """The database the service runs on."""
    views = service.views
    assert isinstance(views, SqlViews)
    return views.db


async def rows(service: Service, sql: str) -> list[tuple[object, ...]]:
    """A query's rows as tuples."""
    return [tuple(r) for r in await database(service).conn.execute_fetchall(sql)]


def chat(service: Service, user_id: str, name: str = "居民") -> Chat:
    """A person on the service's database."""
    return Chat(service, sqlite_fetch(database(service)), user_id, name=name)


async def draft(resident: Chat, text: str, phone: str | None = None) -> list[Outbound]:
    """A concern up to the card, or to the similar cases offered before it."""
    await resident.text(text)
    await resident.press("稻地镇")
    if phone is None:
        return await resident.text("不留电话")
    return await resident.send(contact_phone=phone, contact_user_id=resident.user_id)


def buttons(message: Outbound) -> list[str]:
    return [b.text for row in message.buttons for b in row]


def offer(out: list[Outbound]) -> Outbound:
    return next(m for m in out if "您的邻居也反映过" in m.text)


async def test_a_resident_adds_their_voice_and_is_told_of_the_outcome(
    service: Service, clock: Clock
) -> None:
    zhang, _, _, _ = await staff(service, sqlite_fetch(database(service)))
    author = chat(service, "501", NAME)
    await author.send(photos=("photo-1",), text=WAGES)
    await author.press("稻地镇")
    await author.send(contact_phone=PHONE, contact_user_id="501")
    await author.press("确认提交")
    clock.advance(hours=1)
    neighbour = chat(service, "502", "李四")
    shown = offer(await draft(neighbour, WAGES_AGAIN))
    assert "#1" in shown.text and "稻地镇" in shown.text and "2 位居民" not in shown.text
    assert "工资" in shown.text or "包工头" in shown.text  # the words that made it similar
    assert NAME not in shown.text and PHONE not in shown.text and not shown.photos
    assert buttons(shown) == ["➕ 附议 #1", "继续提交新的反映", "✖️ 取消"]
    added = await neighbour.press("附议 #1")
    assert "您已为 <b>#1</b> 添了一份声音" in added[-1].text
    # Nothing was merged by itself, and no second case was made.
    assert await rows(service, "SELECT count(*) FROM cases") == [(1,)]
    await zhang.send(callback_id="c", callback_data="case:claim:1")
    await zhang.command("resolve", f"1 已约谈包工头，{NAME}（{PHONE}）的工资本周发放")
    told = to("502", zhang.everyone)
    assert any("您附议的反映 <b>#1</b> 已办结" in m.text and "本周发放" in m.text for m in told)
    # What was written to the author may name them: the supporter never reads it.
    assert not any(NAME in m.text or PHONE in m.text for m in told), [m.text for m in told]
    assert any("（略）（（略））的工资" in m.text for m in told)
    assert not any(m.buttons for m in told)  # the rating is the author's


async def test_an_english_resident_is_offered_the_case_in_plain_english(service: Service) -> None:
    await filed(service, "501", WAGES)
    neighbour = Chat(service, sqlite_fetch(database(service)), "502", name="Li", language="en")
    await neighbour.text(WAGES_AGAIN)
    await neighbour.press("Daodi")
    out = await neighbour.text("No phone")
    shown = next(m for m in out if "Your neighbours raised" in m.text)
    assert "residents: 1" in shown.text and "1 residents" not in shown.text, shown.text
    assert buttons(shown)[0] == "➕ Add my voice to #1"


async def test_a_flood_of_voices_reaches_the_holder_as_a_few_messages(service: Service) -> None:
    zhang, _, _, _ = await staff(service, sqlite_fetch(database(service)))
    await filed(service, "501", WAGES)
    await zhang.send(callback_id="c", callback_data="case:claim:1")
    told: list[str] = []
    for n in range(11):
        neighbour = chat(service, str(600 + n))
        await draft(neighbour, WAGES_AGAIN)
        await neighbour.press("附议 #1")
        told += [m.text for m in to("11", neighbour.everyone) if "添了声音" in m.text]
    assert await rows(service, "SELECT count(*) FROM supporters") == [(11,)]
    counts = [text.split("现共 ")[1].split(" 位")[0] for text in told]
    assert counts == ["2", "3", "4", "5", "10"], counts


async def test_adding_a_voice_is_refused_politely_when_it_cannot_be(service: Service) -> None:
    author = chat(service, "501")
    await draft(author, WAGES)
    await author.press("确认提交")
    # The author's own case is never offered to them.
    own = await draft(author, WAGES_AGAIN)
    assert not any("您的邻居也反映过" in m.text for m in own)
    await author.command("cancel")
    neighbour = chat(service, "502")
    shown = offer(await draft(neighbour, WAGES_AGAIN))
    draft_id = shown.buttons[0][0].data.split(":")[2]
    # A case that was not offered (another tank's, or made up) is refused and changes nothing.
    forged = await neighbour.send(callback_id="f", callback_data=f"in:voice:{draft_id}:99")
    assert any("失效" in m.text for m in forged)
    await neighbour.press("附议 #1")
    # Twice: the case is not offered again, so the concern goes on to its card.
    again = await draft(neighbour, WAGES)
    assert not any("您的邻居也反映过" in m.text for m in again)
    assert any("请确认您的反映" in m.text for m in again)
    assert await rows(service, "SELECT case_id, person_id, via FROM supporters") == [
        (1, 2, "voice")
    ]


async def test_a_voice_for_a_case_closed_since_it_was_offered_is_refused(service: Service) -> None:
    _, _, _, zhao = await staff(service, sqlite_fetch(database(service)))
    author = chat(service, "501")
    await draft(author, WAGES)
    await author.press("确认提交")
    neighbour = chat(service, "502")
    offer(await draft(neighbour, WAGES_AGAIN))
    await zhao.command("refer", "1 rexian 请拨打热线反映")
    refused = await neighbour.press("附议 #1")
    assert any("已不在办理中" in m.text for m in refused)
    assert await rows(service, "SELECT count(*) FROM supporters") == [(0,)]


async def filed(service: Service, user_id: str, text: str) -> Chat:
    """A resident who filed a concern as a new case (similar ones offered or not)."""
    resident = chat(service, user_id)
    await draft(resident, text)
    await resident.press("确认提交")
    return resident


async def test_merge_tells_the_resident_counts_them_and_unmerge_until_resolved(
    service: Service, clock: Clock
) -> None:
    zhang, li, _, zhao = await staff(service, sqlite_fetch(database(service)))
    await filed(service, "501", WAGES)
    await filed(service, "502", WAGES_AGAIN)
    await filed(service, "503", OTHER)
    listed = (await zhao.command("similar", "2"))[-1]
    assert "#1" in listed.text and "#3" not in listed.text
    assert buttons(listed) == ["🔗 #2 并入 #1"]
    # A member who holds neither case may not merge them, by command or by a button.
    assert "只有协调员或承办委员" in (await li.command("merge", "2 1"))[-1].text
    pressed = await li.send(callback_id="f", callback_data="case:merge:2:1")
    assert any("只有协调员或承办委员" in m.text for m in pressed), pressed
    assert await rows(service, "SELECT count(*) FROM supporters") == [(0,)]
    await zhao.press("#2 并入 #1")
    assert any("已将 #2 并入 #1" in m.text for m in zhao.inbox)
    told = to("502", zhao.everyone)
    assert any("已并入 #1 一并办理" in m.text for m in told)
    assert await rows(service, "SELECT status FROM cases WHERE id = 2") == [("closed",)]
    stats = (await zhao.command("stats", "30d"))[-1].text
    assert "3 位居民反映了 2 件案件" in stats and "#1（2）" in stats
    # The duplicate is no case of its own, nor a resolution: over a window and over all time.
    for window in ("30d", "all"):
        figures = (await zhao.command("stats", window))[-1].text
        assert "案件总数：2" in figures and "已关闭 0" in figures, figures
        assert "办结率（不含转办）：0% (0/2)" in figures, figures
    year = str(service.district.local(clock.now).year)
    summary = await zhao.command("summary", year)
    assert any("受理群众诉求 2 件，办结 0 件" in m.text for m in summary), [m.text for m in summary]
    ledger = next(m for m in await zhao.command("export", year) if m.document is not None)
    assert ledger.document is not None
    sheet = load_workbook(io.BytesIO(ledger.document.content)).active
    assert sheet is not None
    ledger_rows = list(sheet.iter_rows(values_only=True))
    column = ledger_rows[0].index("状态")
    status = {row[0]: row[column] for row in ledger_rows[1:]}
    assert status[2] == "已并入 #1" and status[1] == status[3] != status[2], status
    # Undone while #1 is open: #2 is back, its resident told.
    await zhao.command("unmerge", "2")
    assert await rows(service, "SELECT status FROM cases WHERE id = 2") == [("open",)]
    assert any("已从 #1 中分出" in m.text for m in to("502", zhao.everyone))
    await zhao.command("merge", "2 1")
    await zhang.send(callback_id="c", callback_data="case:claim:1")
    await zhang.command("resolve", "1 工资已经发放")
    assert any("您附议的反映 <b>#1</b> 已办结" in m.text for m in to("502", zhang.everyone))
    refused = (await zhao.command("unmerge", "2"))[-1].text
    assert "已办结，不能再撤销并单" in refused
    # Bad input changes nothing.
    for args in ("", "2", "2 2", "abc 1", "1 3"):
        await zhao.command("merge", args)
    assert await rows(service, "SELECT count(*) FROM supporters") == [(1,)]


async def test_everyone_behind_a_merged_duplicate_is_told_of_the_outcome_once(
    service: Service,
) -> None:
    zhang, _, _, zhao = await staff(service, sqlite_fetch(database(service)))
    await filed(service, "501", WAGES)
    await filed(service, "502", WAGES_AGAIN)
    await filed(service, "503", WAGES)
    voice = chat(service, "504")
    shown = offer(await draft(voice, WAGES_AGAIN))
    assert "➕ 附议 #3" in buttons(shown)
    await voice.press("附议 #3")
    # #3 (with its voice) into #2, then #2 into #1: a chain.
    await zhao.command("merge", "3 2")
    done = (await zhao.command("merge", "2 1"))[-1].text
    assert "#1 现有 4 位居民" in done
    late = offer(await draft(chat(service, "505"), WAGES))
    assert "<b>#1</b>" in late.text and "4 位居民" in late.text, late.text
    await chat(service, "505").command("cancel")
    stats = (await zhao.command("stats", "30d"))[-1].text
    assert "4 位居民反映了 1 件案件" in stats and "#1（4）" in stats
    await zhang.send(callback_id="c", callback_data="case:claim:1")
    await zhang.command("resolve", "1 工资已经发放")
    for user_id in ("502", "503", "504"):
        told = [m for m in to(user_id, zhang.everyone) if "已办结" in m.text]
        assert len(told) == 1, user_id
    assert len([m for m in to("501", zhang.everyone) if "已办结" in m.text]) == 1
    # #2 was merged on, not resolved: the refusal says so.
    refused = (await zhao.command("unmerge", "3"))[-1].text
    assert "#2 已不在办理中" in refused and "已办结" not in refused


async def test_forgetme_erases_the_words_and_identity_of_a_supporter(service: Service) -> None:
    await filed(service, "501", WAGES)
    neighbour = chat(service, "502", NAME)
    await draft(neighbour, WAGES_AGAIN)
    await neighbour.press("附议 #1")
    assert await rows(service, "SELECT person_id, text IS NOT NULL FROM supporters") == [(2, 1)]
    await neighbour.command("forgetme")
    await neighbour.press("确认删除")
    rows_after = await rows(
        service,
        "SELECT p.name, s.text FROM supporters s JOIN people p ON p.id = s.person_id",
    )
    assert rows_after == [("", None)]  # still counted behind #1, as nobody
    assert await rows(service, "SELECT name, phone, chat_id FROM people WHERE id = 2") == [
        ("", None, "")
    ]


async def test_two_supporters_of_one_case_can_both_be_forgotten_and_stay_counted(
    service: Service,
) -> None:
    _, _, _, zhao = await staff(service, sqlite_fetch(database(service)))
    await filed(service, "501", WAGES)
    neighbours = [chat(service, user_id, NAME) for user_id in ("502", "503")]
    for neighbour in neighbours:
        await draft(neighbour, WAGES_AGAIN)
        await neighbour.press("附议 #1")
    for neighbour in neighbours:
        await neighbour.command("forgetme")
        done = await neighbour.press("确认删除")
        assert not any("出错" in m.text for m in done)
    assert await rows(service, "SELECT count(*), count(text) FROM supporters") == [(2, 0)]
    assert await rows(service, "SELECT count(*) FROM people WHERE name = '王秘密'") == [(0,)]
    stats = (await zhao.command("stats", "30d"))[-1].text
    assert "3 位居民反映了 1 件案件" in stats


async def test_the_retention_purge_leaves_no_words_or_merged_resident_behind_an_old_case(
    service: Service, clock: Clock
) -> None:
    zhang, _, _, zhao = await staff(service, sqlite_fetch(database(service)))
    author = await filed(service, "501", WAGES)
    await filed(service, "502", WAGES_AGAIN)
    voice = chat(service, "503")
    await draft(voice, WAGES_TOO)
    await voice.press("附议 #1")
    await zhao.command("merge", "2 1")
    await zhang.send(callback_id="c", callback_data="case:claim:1")
    await zhang.command("resolve", "1 工资已经发放")
    author.inbox.extend(to("501", zhang.everyone))
    await author.press("满意")
    clock.advance(days=400)
    assert await privacy.purge(service.open_unit, clock.now, 180) == 2
    assert await rows(
        service,
        "SELECT s.via, s.text, p.channel FROM supporters s JOIN people p ON p.id = s.person_id"
        " ORDER BY s.via",
    ) == [("merge", None, "erased"), ("voice", None, "telegram")]


WAGES_TOO = "包工头老刘拖欠工地工资，我们三个月没拿到钱了"


async def test_hot_topics_count_established_residents_keep_their_id_and_reach_the_digest(
    service: Service, clock: Clock
) -> None:
    _, _, _, zhao = await staff(service, sqlite_fetch(database(service)))
    residents = [chat(service, str(600 + n)) for n in range(4)]
    for resident in residents:
        await resident.command("start")
    clock.advance(days=2)  # known for two days: established
    for resident, text in zip(residents, (WAGES, WAGES_AGAIN, WAGES_TOO, WAGES), strict=True):
        await draft(resident, text)
        await resident.press("确认提交")
    # A flood from new accounts makes no hot topic, however many, nor one from one account.
    for n in range(6):
        await filed(service, str(700 + n), OTHER)
    for _ in range(3):
        await draft(residents[0], OTHER)
        await residents[0].press("确认提交")
    hot = (await zhao.command("hot"))[-1]
    assert hot.text.count("位居民") == 1, hot.text
    assert "4 位居民" in hot.text and "#1 #2 #3 #4" in hot.text and "稻地镇" in hot.text
    assert "包工头" in hot.text.split("<b>")[1].split("</b>")[0]  # a title from its words
    assert [b.data for row in hot.buttons for b in row] == ["hot:report:1-2-3-4", "hot:dismiss:1"]
    # The weekly digest (Monday, after 09:00 in the district) has the section.
    clock.advance(days=3)
    assert service.district.local(clock.now).weekday() == 0
    await service.weekly_digest()
    digest = [m.text for m in to("99", await all_sent(service))]
    assert any("本周热点问题" in text and "#1 #2 #3 #4" in text for text in digest)
    assert await rows(
        service, "SELECT DISTINCT cluster_id FROM hot_clusters WHERE case_id <= 4"
    ) == [(1,)]
    # Later the same problem keeps its identity as a case is added.
    await filed(service, "603", WAGES_TOO)
    clock.advance(days=2)
    again = (await zhao.command("hot", "30d"))[-1]
    assert "5 件" in again.text and "#14" in again.text
    assert [b.data for row in again.buttons for b in row][1] == "hot:dismiss:1"
    # Straight to a report at the desk: the topic's cases are its material.
    material = await zhao.press("第 1 条写成报告")
    assert any("5 件诉求" in m.text for m in material), [m.text for m in material]
    forged = await zhao.send(callback_id="f", callback_data="hot:report:1-x")
    assert any("失效" in m.text for m in forged)
    unknown = await zhao.send(callback_id="f", callback_data="hot:report:1-999")
    assert any("#999" in m.text for m in unknown), unknown
    # A made-up topic is refused and dismisses nothing, now or when its number becomes a case.
    for data in ("hot:dismiss:999", "hot:dismiss:0", "hot:dismiss:-1", "hot:dismiss:1x"):
        made_up = await zhao.send(callback_id="f", callback_data=data)
        assert any("失效" in m.text for m in made_up), data
    assert await rows(service, "SELECT count(*) FROM hot_dismissed") == [(0,)]
    # Dismissed, a topic is never listed again; bad arguments are refused.
    await zhao.press("忽略第 1 条")
    assert "暂无热点问题" in (await zhao.command("hot", "30d"))[-1].text
    assert "用法" in (await zhao.command("hot", "90d 农业 extra"))[-1].text
    member = chat(service, "11")
    assert "不是您能用的命令" in (await member.command("hot"))[-1].text


async def test_a_hot_topic_counts_everyone_behind_its_merged_duplicates(
    service: Service, clock: Clock
) -> None:
    _, _, _, zhao = await staff(service, sqlite_fetch(database(service)))
    residents = [chat(service, str(600 + n)) for n in range(3)]
    for resident in residents:
        await resident.command("start")
    clock.advance(days=2)
    await draft(residents[0], WAGES)
    await residents[0].press("确认提交")
    await draft(residents[1], WAGES_AGAIN)
    await residents[1].press("确认提交")
    await draft(residents[2], WAGES_TOO)
    await residents[2].press("附议 #2")
    assert "暂无热点问题" not in (await zhao.command("hot"))[-1].text
    # Merged, #2 is no concern of its own: its resident and its voice stand behind #1.
    await zhao.command("merge", "2 1")
    hot = (await zhao.command("hot"))[-1].text
    assert "3 位居民" in hot and "#1" in hot and "#2" not in hot, hot


async def test_the_weekly_digest_counts_the_residents_behind_the_cases_as_stats_does(
    service: Service, clock: Clock
) -> None:
    _, _, _, zhao = await staff(service, sqlite_fetch(database(service)))
    await filed(service, "501", WAGES)
    await filed(service, "502", WAGES_AGAIN)
    await zhao.command("merge", "2 1")
    clock.advance(days=5)
    assert service.district.local(clock.now).weekday() == 0
    stats = (await zhao.command("stats", "7d"))[-1].text
    assert "2 位居民反映了 1 件案件" in stats and "案件总数：1" in stats
    await service.weekly_digest()
    digest = [m.text for m in to("99", await all_sent(service)) if "案件总数" in m.text]
    assert digest and "2 位居民反映了 1 件案件" in digest[-1] and "案件总数：1" in digest[-1]


async def all_sent(service: Service) -> list[Outbound]:
    """Every message in the outbox."""
    ids = [int(str(r[0])) for r in await rows(service, "SELECT id FROM outbox ORDER BY id")]
    return await sqlite_fetch(database(service))(ids)


async def test_a_case_card_names_its_similar_open_cases_for_staff_only(service: Service) -> None:
    _, _, _, zhao = await staff(service, sqlite_fetch(database(service)))
    first = await filed(service, "501", WAGES)
    await filed(service, "502", WAGES_AGAIN)
    card = (await zhao.command("case", "2"))[-1]
    assert "相近的在办案件：#1" in card.text and "/similar #2" in card.text
    own = (await first.command("case", "1"))[-1]
    assert "相近" not in own.text  # a resident never learns of others' cases


async def test_a_nearby_station_counts_as_the_same_place(
    tmp_path: Path, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    db = await Database.open(tmp_path / "near.db")
    near = dataclasses.replace(district, nearby=(("daodi", "huanggezhuang"),))
    service = sqlite_service(db, near, classifier, clock)
    await filed(service, "501", WAGES)
    neighbour = chat(service, "502")
    await neighbour.text(WAGES_AGAIN)
    await neighbour.press("黄各庄镇")
    assert "#1" in offer(await neighbour.text("不留电话")).text
    far = chat(service, "503")
    await far.text(WAGES_AGAIN)
    await far.press("钱营镇")
    assert not any("您的邻居也反映过" in m.text for m in await far.text("不留电话"))
    await db.close()


def test_nearby_stations_are_read_both_ways_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "stations.toml"
    path.write_text(
        '[stations.a]\nname_zh = "甲镇"\nnearby = ["b"]\n[stations.b]\nname_zh = "乙镇"\n',
        encoding="utf-8",
    )
    assert load_nearby(path) == (("a", "b"),)
    path.write_text('[stations.a]\nname_zh = "甲镇"\nnearby = ["zz"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="zz"):
        load_nearby(path)
    assert load_nearby() == ()  # none configured in config/stations.toml

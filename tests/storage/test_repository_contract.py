"""One contract for core's storage ports, run against the in-memory fake and real SQLite alike.

Core tests run on the fake (tests/core/memory.py); the bot runs on SQLite. Every test here runs
on both, so the fake cannot drift from what the SQL does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.messages import Outbound
from core.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Correction,
    DialogState,
    Invite,
    KeywordHit,
    Person,
    Role,
)
from core.ports import UnitOfWork
from storage.db import Database
from storage.outbox import OutboxDeliveries
from storage.pg import PgDatabase, pg_unit_factory
from storage.pg_claims import PgOutboxDeliveries
from storage.unit_of_work import unit_factory
from tests.core.memory import MemoryState, MemoryUnitOfWork
from tests.pg import fresh_schema

NOW = datetime(2026, 11, 25, 2, 0, 0, 123456, tzinfo=UTC)  # SQL keeps milliseconds


def ms(moment: datetime) -> datetime:
    """A moment as SQL stores it: whole milliseconds."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@dataclass
class Backend:
    """A storage under test: its units of work, and the sender's record of a delivery."""

    name: str
    open_unit: Callable[[], UnitOfWork]
    delivered: Callable[[int, int], Awaitable[None]]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """The fake and the real storages, in turn."""
    if request.param == "memory":
        state = MemoryState()

        async def mark(row_id: int, message_id: int) -> None:
            state.deliver(row_id, message_id)

        yield Backend("memory", lambda: MemoryUnitOfWork(state), mark)
        return
    if request.param == "postgres":
        async with fresh_schema() as (url, schema):
            pg = await PgDatabase.open(url, schema=schema)
            deliveries = PgOutboxDeliveries(pg, "telegram")

            async def pg_sent(row_id: int, message_id: int) -> None:
                await deliveries.sent(row_id, message_id, NOW)

            yield Backend("postgres", pg_unit_factory(pg), pg_sent)
            await pg.close()
        return
    db = await Database.open(tmp_path / "contract.db")
    store = OutboxDeliveries(db, "telegram")

    async def sent(row_id: int, message_id: int) -> None:
        await store.sent(row_id, message_id, NOW)

    yield Backend("sqlite", unit_factory(db), sent)
    await db.close()


def someone(external_id: str, **fields: object) -> Person:
    """A person on Telegram whose private chat has their id."""
    return Person(0, "telegram", external_id, external_id, name=f"人{external_id}", **fields)  # type: ignore[arg-type]


def concern(resident_id: int, **fields: object) -> Case:
    """A case filed now."""
    return Case(0, resident_id, "路灯坏了", NOW, NOW, **fields)  # type: ignore[arg-type]


async def add_people(backend: Backend, *people: Person, now: datetime = NOW) -> list[Person]:
    async with backend.open_unit() as uow:
        added = [await uow.people.add(p, now) for p in people]
        await uow.commit()
    return added


async def add_cases(backend: Backend, *cases: Case) -> list[Case]:
    async with backend.open_unit() as uow:
        added = [await uow.cases.add(c) for c in cases]
        await uow.commit()
    return added


async def test_people_are_found_listed_and_kept_apart_from_their_copies(backend: Backend) -> None:
    people = await add_people(
        backend,
        someone("1"),
        someone("2", role=Role.MEMBER, tank="law"),
        someone("3", role=Role.MEMBER, tank="law", active=False),
        someone("4", role=Role.COORDINATOR),
        someone("5", role=Role.COORDINATOR, active=False),
        someone("6", role=Role.MEMBER, tank="economy", station="daodi"),
    )
    ids = [p.id for p in people]
    assert ids == sorted(ids) and len(set(ids)) == 6 and ids[0] > 0
    resident, law, _, coordinator, _, economy = people
    async with backend.open_unit() as uow:
        assert await uow.people.get(resident.id) == resident
        assert await uow.people.by_external("telegram", "2") == law
        assert await uow.people.by_external("console", "2") is None
        assert await uow.people.get(ids[-1] + 100) is None
        assert [p.id for p in await uow.people.members("law")] == [law.id]
        assert [p.id for p in await uow.people.members()] == [law.id, economy.id]
        assert [p.id for p in await uow.people.coordinators()] == [coordinator.id]
        copy = await uow.people.get(resident.id)
        assert copy is not None
        copy.name = "改了"
        assert (await uow.people.get(resident.id)) == resident
        copy.locale, copy.reachable = "en", False
        await uow.people.update(copy)
        assert await uow.people.get(resident.id) == copy
        listed = (await uow.people.members("law"))[0]
        listed.active = False
        assert [p.id for p in await uow.people.members("law")] == [law.id]
        await uow.people.update(listed)
        assert await uow.people.members("law") == []
        await uow.commit()
    async with backend.open_unit() as uow:
        assert await uow.people.get(resident.id) == copy


async def test_a_case_keeps_every_field_to_the_millisecond(backend: Backend) -> None:
    (resident,) = await add_people(backend, someone("1"))
    (member,) = await add_people(backend, someone("2", role=Role.MEMBER, tank="law"))
    later = NOW + timedelta(hours=5, microseconds=999)
    case = Case(
        0,
        resident.id,
        "老板拖欠工资三个月了 <b>&",
        NOW,
        later,
        status=CaseStatus.CLAIMED,
        photos=("p1", "p2"),
        station="daodi",
        location=(39.5, 118.25),
        contact_name="王秀英",
        contact_phone="13800000000",
        tank="law",
        confidence=0.75,
        keywords=(KeywordHit("工资", 2.0, 2), KeywordHit("欠薪", 1.5, 1)),
        assignee_id=member.id,
        claimed_at=later,
        first_reply_at=later,
        rating="fair",
        due_kind="resolve",
        due_from=NOW,
        due_at=later + timedelta(days=15),
        remind_level=2,
        next_check_at=later + timedelta(days=1),
        waiting_since=later,
        extended=True,
        wider_notice_at=later,
        awaiting_member=True,
    )
    (added,) = await add_cases(backend, case)
    assert added.id > 0
    stored = dataclasses.replace(
        case,
        created_at=ms(NOW),
        updated_at=ms(later),
        claimed_at=ms(later),
        first_reply_at=ms(later),
        due_from=ms(NOW),
        due_at=ms(later + timedelta(days=15)),
        next_check_at=ms(later + timedelta(days=1)),
        waiting_since=ms(later),
        wider_notice_at=ms(later),
    )
    async with backend.open_unit() as uow:
        assert await uow.cases.get(added.id) == stored
        assert await uow.cases.get(added.id + 1) is None
        got = await uow.cases.get(added.id)
        assert got is not None
        got.status, got.closed_at, got.location = CaseStatus.REFERRED, later, None
        got.referred_to = "rexian"
        await uow.cases.update(got)
        await uow.commit()
    async with backend.open_unit() as uow:
        again = await uow.cases.get(added.id)
        assert again == dataclasses.replace(got, closed_at=ms(later))


async def test_case_lists_for_residents_members_and_the_sweep(backend: Backend) -> None:
    resident, other, m1, m2 = await add_people(
        backend,
        someone("1"),
        someone("2"),
        someone("3", role=Role.MEMBER, tank="law"),
        someone("4", role=Role.MEMBER, tank="law"),
    )
    claimed = CaseStatus.CLAIMED
    cases = await add_cases(
        backend,
        concern(resident.id, status=claimed, assignee_id=m1.id, next_check_at=NOW),
        concern(resident.id, status=CaseStatus.OPEN, next_check_at=NOW - timedelta(hours=1)),
        concern(other.id, status=claimed, assignee_id=m1.id, next_check_at=NOW + timedelta(1)),
        concern(other.id, status=claimed, assignee_id=m2.id),
        concern(resident.id, status=CaseStatus.RESOLVED, assignee_id=m1.id),
        concern(other.id, status=CaseStatus.TRIAGE, next_check_at=NOW - timedelta(hours=2)),
    )
    ids = [c.id for c in cases]
    assert ids == sorted(ids) and len(set(ids)) == 6
    async with backend.open_unit() as uow:
        mine = await uow.cases.for_resident(resident.id, 2)
        assert [c.id for c in mine] == [ids[4], ids[1]]
        assert [c.id for c in await uow.cases.for_resident(resident.id)] == [ids[4], ids[1], ids[0]]
        # claimed and resolved (a rating may reopen it); never another member's
        assert [c.id for c in await uow.cases.held_by(m1.id)] == [ids[0], ids[2], ids[4]]
        assert await uow.cases.open_counts([m1.id, m2.id, other.id]) == {m1.id: 2, m2.id: 1}
        assert await uow.cases.open_counts([]) == {}
        assert [c.id for c in await uow.cases.due(NOW, 10)] == [ids[5], ids[1], ids[0]]
        assert [c.id for c in await uow.cases.due(NOW, 2)] == [ids[5], ids[1]]
        assert await uow.cases.due(NOW - timedelta(days=1), 10) == []


async def test_a_timeline_keeps_its_order_ids_and_data_as_json(backend: Backend) -> None:
    (resident,) = await add_people(backend, someone("1"))
    first, second = await add_cases(backend, concern(resident.id), concern(resident.id))
    async with backend.open_unit() as uow:
        await uow.events.add(CaseEvent(first.id, "created", NOW, resident.id, {"tank": None}))
        await uow.events.add(CaseEvent(second.id, "note", NOW, None, {"text": "别处"}))
        data = {"text": "<b>收到</b>", "question": True, "hits": ("工资", 2), "n": 3}
        await uow.events.add(CaseEvent(first.id, "message", NOW, resident.id, data))
        data["text"] = "changed after adding"
        await uow.commit()
    async with backend.open_unit() as uow:
        timeline = await uow.events.for_case(first.id)
        assert [e.kind for e in timeline] == ["created", "message"]
        assert all(e.case_id == first.id and e.at == ms(NOW) for e in timeline)
        assert all(isinstance(e.id, int) for e in timeline)
        assert timeline[0].id is not None and timeline[1].id is not None
        assert timeline[0].id < timeline[1].id
        assert timeline[1].data == {
            "text": "<b>收到</b>",
            "question": True,
            "hits": ["工资", 2],
            "n": 3,
        }
        assert [e.kind for e in await uow.events.for_case(second.id)] == ["note"]
        assert await uow.events.for_case(second.id + 1) == []


async def test_a_conversation_state_is_stored_as_json_and_idle_is_forgotten(
    backend: Backend,
) -> None:
    async with backend.open_unit() as uow:
        assert await uow.dialogs.get("telegram", "7") == DialogState("telegram", "7")
        state = DialogState("telegram", "7", "intake.station", {"text": "路灯", "photos": ("a",)})
        await uow.dialogs.save(state, NOW)
        state.data["text"] = "changed after saving"
        await uow.commit()
    async with backend.open_unit() as uow:
        got = await uow.dialogs.get("telegram", "7")
        expected = {"text": "路灯", "photos": ["a"]}
        assert got == DialogState("telegram", "7", "intake.station", expected)
        got.data["text"] = "changed after reading"
        assert (await uow.dialogs.get("telegram", "7")).data["text"] == "路灯"
        assert await uow.dialogs.get("console", "7") == DialogState("console", "7")
        await uow.dialogs.save(DialogState("telegram", "7", "idle", {"keep": 1}), NOW)
        assert (await uow.dialogs.get("telegram", "7")).data == {"keep": 1}
        await uow.dialogs.save(DialogState("telegram", "7"), NOW)
        await uow.commit()
    async with backend.open_unit() as uow:
        assert await uow.dialogs.get("telegram", "7") == DialogState("telegram", "7")


def message(chat: str, case_id: int | None = None, key: str | None = None) -> Outbound:
    return Outbound(channel="telegram", chat_id=chat, text=f"to {chat}", case_id=case_id, key=key)


async def test_the_outbox_hands_out_ids_and_finds_keys_and_delivered_messages(
    backend: Backend,
) -> None:
    async with backend.open_unit() as uow:
        ids = [
            await uow.outbox.add(message("7", 1, "notice:1:3"), NOW),
            await uow.outbox.add(message("8", 1, "notice:1:4"), NOW),
            await uow.outbox.add(message("7", 10, "notice:10:3"), NOW),
            await uow.outbox.add(message("7", 1, "notice:1:3"), NOW),
            await uow.outbox.add(message("9", 1), NOW),
        ]
        await uow.commit()
    assert ids == sorted(ids) and len(set(ids)) == 5
    await backend.delivered(ids[4], 555)
    async with backend.open_unit() as uow:
        assert await uow.outbox.keyed(1, "notice:1:") == [
            ("telegram", "7", "notice:1:3"),
            ("telegram", "8", "notice:1:4"),
        ]
        assert await uow.outbox.keyed(10, "notice:10:") == [("telegram", "7", "notice:10:3")]
        assert await uow.outbox.keyed(2, "notice:") == []
        assert await uow.outbox.case_of_message("telegram", "9", 555) == 1
        assert await uow.outbox.case_of_message("telegram", "7", 555) is None
        next_id = await uow.outbox.add(message("7"), NOW)
        assert next_id > ids[-1]


async def test_invitations_corrections_updates_and_digests(backend: Backend) -> None:
    (coordinator, member) = await add_people(
        backend, someone("1", role=Role.COORDINATOR), someone("2")
    )
    (case,) = await add_cases(backend, concern(member.id))
    invite = Invite("code1", "law", "daodi", coordinator.id, NOW, NOW + timedelta(days=7))
    async with backend.open_unit() as uow:
        await uow.invites.add(invite)
        first = Correction(case.id, "路灯", None, "law", coordinator.id, "x", NOW)
        await uow.corrections.add(first)
        await uow.corrections.add(Correction(case.id, "路灯", "law", None, None, "", NOW))
        assert await uow.updates.first_time("telegram", 5, NOW)
        assert not await uow.updates.first_time("telegram", 5, NOW)
        assert await uow.updates.first_time("console", 5, NOW)
        assert await uow.digests.first_time("daily", "2026-11-25", member.id, NOW)
        assert not await uow.digests.first_time("daily", "2026-11-25", member.id, NOW)
        assert await uow.digests.first_time("weekly", "2026-11-25", member.id, NOW)
        await uow.commit()
    async with backend.open_unit() as uow:
        assert await uow.invites.get("code1") == dataclasses.replace(
            invite, created_at=ms(NOW), expires_at=ms(NOW + timedelta(days=7))
        )
        assert await uow.invites.get("nope") is None
        assert await uow.invites.use("code1", member.id, NOW)
        assert not await uow.invites.use("code1", coordinator.id, NOW)
        assert not await uow.invites.use("nope", member.id, NOW)
        used = await uow.invites.get("code1")
        assert used is not None and used.used_by == member.id and used.used_at == ms(NOW)
        corrections = await uow.corrections.all()
        assert [(c.old_tank, c.new_tank, c.actor_id, c.reason) for c in corrections] == [
            (None, "law", coordinator.id, "x"),
            ("law", None, None, ""),
        ]
        assert corrections[0].at == ms(NOW)


async def test_nothing_of_a_unit_stays_unless_it_commits(backend: Backend) -> None:
    (resident,) = await add_people(backend, someone("1"))
    with pytest.raises(RuntimeError):
        async with backend.open_unit() as uow:
            await uow.people.add(someone("2"), NOW)
            changed = await uow.people.get(resident.id)
            assert changed is not None
            changed.name = "改了"
            await uow.people.update(changed)
            await uow.cases.add(concern(resident.id))
            await uow.dialogs.save(DialogState("telegram", "1", "intake.describe"), NOW)
            assert await uow.updates.first_time("telegram", 1, NOW)
            uow.queued.append(await uow.outbox.add(message("1"), NOW))
            raise RuntimeError("the turn failed")
    assert uow.queued == []
    async with backend.open_unit() as uow:
        assert await uow.people.by_external("telegram", "2") is None
        assert await uow.people.get(resident.id) == resident
        assert await uow.cases.for_resident(resident.id) == []
        assert (await uow.dialogs.get("telegram", "1")).state == "idle"
        assert await uow.updates.first_time("telegram", 1, NOW)


async def test_forgetting_a_person_erases_them_everywhere_but_keeps_the_concerns(
    backend: Backend,
) -> None:
    resident, other, member = await add_people(
        backend,
        someone("7", username="wang", phone="13800000000"),
        someone("8"),
        someone("9", role=Role.MEMBER, tank="law"),
    )
    mine, theirs = await add_cases(
        backend,
        concern(
            resident.id, contact_name="王秀英", contact_phone="13800000000", location=(39.5, 118.2)
        ),
        concern(other.id, contact_name="李四"),
    )
    async with backend.open_unit() as uow:
        await uow.events.add(CaseEvent(mine.id, "created", NOW, resident.id))
        await uow.dialogs.save(DialogState("telegram", "7", "compose.comment", {"case": 1}), NOW)
        await uow.outbox.add(message("9", mine.id, f"notice:{mine.id}:{member.id}"), NOW)
        await uow.outbox.add(message("9", mine.id, "quote:1"), NOW)
        await uow.outbox.add(message("7", theirs.id, "quote:2"), NOW)
        await uow.outbox.add(message("9", theirs.id, "quote:3"), NOW)
        assert await uow.erasure.forget(resident.id, NOW) == 1
        await uow.commit()
    async with backend.open_unit() as uow:
        person = await uow.people.get(resident.id)
        assert person is not None
        assert (person.name, person.chat_id, person.phone, person.username) == ("", "", None, None)
        assert person.external_id == f"erased:{resident.id}"
        assert not person.active and not person.reachable
        assert await uow.people.by_external("telegram", "7") is None
        case = await uow.cases.get(mine.id)
        assert case is not None and case.text == "路灯坏了"
        assert (case.contact_name, case.contact_phone, case.location) == (None, None, None)
        assert case.anonymous and case.resident_id != resident.id
        holder = await uow.people.get(case.resident_id)
        assert holder is not None and holder.chat_id == "" and not holder.active
        assert await uow.cases.for_resident(resident.id) == []
        assert await uow.cases.get(theirs.id) == dataclasses.replace(
            theirs, created_at=ms(NOW), updated_at=ms(NOW)
        )
        assert [e.actor_id for e in await uow.events.for_case(mine.id)] == [case.resident_id]
        assert await uow.dialogs.get("telegram", "7") == DialogState("telegram", "7")
        assert await uow.outbox.keyed(mine.id, "notice:") != []
        assert await uow.outbox.keyed(mine.id, "quote:") == []
        assert await uow.outbox.keyed(theirs.id, "quote:") == [("telegram", "9", "quote:3")]


async def test_the_purge_erases_old_closed_cases_and_old_traces(backend: Backend) -> None:
    long_ago = NOW - timedelta(days=60)
    cutoff = NOW - timedelta(days=30)
    old, recent, active = await add_people(
        backend, someone("1"), someone("2"), someone("3"), now=long_ago
    )
    closed = CaseStatus.CLOSED
    purged, referred, kept, unrated = await add_cases(
        backend,
        concern(old.id, status=closed, closed_at=NOW - timedelta(days=40), contact_name="甲"),
        concern(
            old.id,
            status=CaseStatus.REFERRED,
            closed_at=NOW - timedelta(days=31),
            contact_name="甲",
            referred_to="rexian",
        ),
        concern(recent.id, status=closed, closed_at=NOW - timedelta(days=1), contact_name="乙"),
        concern(active.id, status=CaseStatus.RESOLVED, contact_name="丙"),
    )
    async with backend.open_unit() as uow:
        await uow.outbox.add(message("1", purged.id, "quote:1"), NOW)
        await uow.outbox.add(message("2", kept.id, "quote:2"), long_ago)
        await uow.outbox.add(message("3", unrated.id, "quote:3"), NOW)
        await uow.dialogs.save(DialogState("telegram", "2", "intake.describe"), long_ago)
        await uow.dialogs.save(DialogState("telegram", "3", "intake.describe"), NOW)
        await uow.updates.first_time("telegram", 1, NOW - timedelta(days=8))
        await uow.updates.first_time("telegram", 2, NOW - timedelta(days=6))
        await uow.commit()
    async with backend.open_unit() as uow:
        assert await uow.erasure.purge(cutoff, NOW) == 2
        await uow.commit()
    async with backend.open_unit() as uow:
        for finished in (purged, referred):
            gone = await uow.cases.get(finished.id)
            assert gone is not None and gone.anonymous and gone.contact_name is None
            assert gone.resident_id != old.id
        erased = await uow.people.get(old.id)
        assert erased is not None and erased.name == "" and erased.chat_id == ""
        for case, person in ((kept, recent), (unrated, active)):
            stays = await uow.cases.get(case.id)
            assert stays is not None and stays.contact_name is not None
            assert (await uow.people.get(person.id)) == person
        assert await uow.outbox.keyed(purged.id, "quote:") == []
        assert await uow.outbox.keyed(kept.id, "quote:") == []
        assert await uow.outbox.keyed(unrated.id, "quote:") == [("telegram", "3", "quote:3")]
        assert await uow.dialogs.get("telegram", "2") == DialogState("telegram", "2")
        assert (await uow.dialogs.get("telegram", "3")).state == "intake.describe"
        assert await uow.updates.first_time("telegram", 1, NOW)
        assert not await uow.updates.first_time("telegram", 2, NOW)


async def test_supporters_once_each_merges_undone_counted_established_and_erased(
    backend: Backend,
) -> None:
    from core.models import Supporter, Via

    old, author, voice, dup_author = await add_people(
        backend, someone("1"), someone("2"), someone("3"), someone("4")
    )
    later = NOW + timedelta(days=2)
    main, duplicate = await add_cases(
        backend,
        Case(0, author.id, "路灯坏了", later, later),
        Case(0, dup_author.id, "路灯又坏了", later, later),
    )
    async with backend.open_unit() as uow:
        store = uow.supporters
        assert await store.add(Supporter(main.id, voice.id, Via.VOICE, later, text="我也是"))
        assert not await store.add(Supporter(main.id, voice.id, Via.VOICE, later, text="再来"))
        record = Supporter(
            main.id,
            dup_author.id,
            Via.MERGE,
            later,
            merged_from=duplicate.id,
            prior_status=CaseStatus.OPEN,
        )
        assert await store.add(record)
        assert not await store.add(record)
        assert await store.merged_into(duplicate.id) == dataclasses.replace(record, at=ms(later))
        assert await store.counts([main.id, duplicate.id]) == {main.id: 2}
        assert [s.person_id for s in await store.of_person(voice.id)] == [voice.id]
        assert await store.established([main.id], timedelta(days=1)) == {
            main.id: {voice.id, dup_author.id}
        }
        assert await store.established([main.id], timedelta(days=3)) == {}
        concerns = await store.concerns(NOW, later, timedelta(days=1))
        assert [(c.case_id, c.established) for c in concerns] == [(main.id, True)]
        await store.unmerge(duplicate.id)
        assert await store.merged_into(duplicate.id) is None
        await store.keep_clusters({main.id: [main.id, duplicate.id]})
        assert await store.clusters() == {main.id: [main.id, duplicate.id]}
        await store.dismiss(main.id, old.id, later)
        assert await store.dismissed() == {main.id}
        await uow.erasure.forget(voice.id, later)
        (kept,) = await store.of_case(main.id)
        assert kept.text is None  # counted still, as nobody: their own row has no identity
        erased = await uow.people.get(kept.person_id)
        assert erased is not None and not erased.chat_id and erased.name != voice.name
        await uow.commit()


# The in-memory fake reads nothing from a store: it has nothing to read ahead.
@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_what_a_unit_reads_ahead_for_cases_is_what_it_would_read(backend: Backend) -> None:
    resident, law, _, boss, _, other = await add_people(
        backend,
        someone("1"),
        someone("2", role=Role.MEMBER, tank="law"),
        someone("3", role=Role.MEMBER, tank="law", active=False),
        someone("4", role=Role.COORDINATOR),
        someone("5", role=Role.COORDINATOR, active=False),
        someone("6", role=Role.MEMBER, tank="economy"),
    )
    first, second = await add_cases(
        backend,
        concern(resident.id, tank="law", assignee_id=law.id, status=CaseStatus.CLAIMED),
        concern(resident.id, tank="economy"),
    )
    async with backend.open_unit() as uow:
        await uow.events.add(CaseEvent(first.id, "filed", NOW, resident.id, {"text": "路灯"}))
        await uow.outbox.add(
            Outbound(chat_id="2", text="a", key=f"notice:{first.id}:2", case_id=first.id), NOW
        )
        await uow.outbox.add(
            Outbound(chat_id="6", text="b", key=f"notice:{second.id}:6", case_id=second.id), NOW
        )
        await uow.commit()

    async def reads(ahead: bool) -> list[Any]:
        async with backend.open_unit() as uow:
            if ahead:
                await uow.people.read_ahead({resident.id, law.id, 999_999}, {"law"})  # type: ignore[attr-defined]
                await uow.outbox.read_ahead([first.id, second.id])  # type: ignore[attr-defined]
                await uow.events.read_ahead([first.id, second.id])  # type: ignore[attr-defined]
            # what the unit writes after reading ahead is seen, as a read would see it
            later = NOW + timedelta(microseconds=1500)
            await uow.events.add(CaseEvent(first.id, "claimed", later, law.id, {"n": (1, 2)}))
            await uow.outbox.add(
                Outbound(chat_id="2", text="c", key=f"notice:{first.id}:2", case_id=first.id), NOW
            )
            await uow.outbox.add(
                Outbound(chat_id="4", text="d", key=f"notice:{first.id}:4", case_id=first.id), NOW
            )
            await uow.outbox.add(
                Outbound(chat_id="4", text="e", key=f"act:{first.id}:x", case_id=first.id), NOW
            )
            got: list[Any] = [
                await uow.people.get(resident.id),
                await uow.people.get(999_999),
                await uow.people.members("law"),
                await uow.people.members("economy"),
                await uow.people.coordinators(),
                await uow.outbox.keyed(first.id, f"notice:{first.id}:"),
                await uow.outbox.keyed(second.id, f"notice:{second.id}:"),
                await uow.outbox.keyed(first.id, "act:"),
                [dataclasses.replace(e, id=None) for e in await uow.events.for_case(first.id)],
                await uow.events.for_case(second.id),
            ]
        return got

    expected = await reads(ahead=False)
    assert expected[2] == [law] and expected[4] == [boss] and expected[3] == [other]
    assert [k[2] for k in expected[5]] == [f"notice:{first.id}:2", f"notice:{first.id}:4"]
    assert [e.kind for e in expected[8]] == ["filed", "claimed"]
    assert await reads(ahead=True) == expected

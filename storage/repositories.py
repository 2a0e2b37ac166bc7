"""The repositories of people, dialogs and the update log, on a unit of work's connection."""

from __future__ import annotations

import copy
import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

import aiosqlite

from core.models import DialogState, Person, Role
from storage.buffer import BufferedConnection
from storage.db import to_ms
from storage.dialect import among

PERSON_COLUMNS = (
    "id, channel, external_id, chat_id, name, username, locale, role, tank, station, "
    "active, reachable, phone"
)
BY_EXTERNAL = f"SELECT {PERSON_COLUMNS} FROM people WHERE channel = ? AND external_id = ?"


def person_of(row: aiosqlite.Row) -> Person:
    """A person from a row of PERSON_COLUMNS."""
    return Person(
        id=row["id"],
        channel=row["channel"],
        external_id=row["external_id"],
        chat_id=row["chat_id"],
        name=row["name"],
        username=row["username"],
        locale=row["locale"],
        role=Role(row["role"]),
        tank=row["tank"],
        station=row["station"],
        active=bool(row["active"]),
        reachable=bool(row["reachable"]),
        phone=row["phone"],
    )


class SqlPeople:
    """People in SQLite. Lists of members and coordinators are remembered for the unit of work
    (which holds the writer lock, so only it can change them) until it changes a person."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn
        self._lists: dict[tuple[str, str | None], list[Person]] = {}
        self._by_id: dict[int, Person | None] = {}

    async def _one(self, where: str, params: tuple[Any, ...]) -> Person | None:
        sql = f"SELECT {PERSON_COLUMNS} FROM people WHERE {where}"
        row = await self.conn.fetchone(sql, params)
        return person_of(row) if row else None

    async def _many(self, where: str, params: tuple[Any, ...]) -> list[Person]:
        sql = f"SELECT {PERSON_COLUMNS} FROM people WHERE {where} ORDER BY id"
        rows = await self.conn.execute_fetchall(sql, params)
        return [person_of(row) for row in rows]

    async def get(self, person_id: int) -> Person | None:
        """The person with this id, if any."""
        if person_id not in self._by_id:
            self._by_id[person_id] = await self._one("id = ?", (person_id,))
        return copy.copy(self._by_id[person_id])

    def expect(self, channel: str, external_id: str) -> None:
        """Read this person with the next round trip (by_external takes it from there)."""
        self.conn.peek(f"person:{channel}:{external_id}", BY_EXTERNAL, (channel, external_id))

    async def by_external(self, channel: str, external_id: str) -> Person | None:
        """The person known by this channel's user id, if any."""
        rows = self.conn.take(f"person:{channel}:{external_id}")
        if rows is None:
            rows = list(await self.conn.execute_fetchall(BY_EXTERNAL, (channel, external_id)))
        return person_of(rows[0]) if rows else None

    async def add(self, person: Person, now: datetime) -> Person:
        """Store a new person; returns it with its id."""
        cursor = await self.conn.execute(
            "INSERT INTO people (channel, external_id, chat_id, name, username, locale, role,"
            " tank, station, active, reachable, phone, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*self._values(person), to_ms(now)),
        )
        person.id = int(cursor.lastrowid or 0)
        self._forget()
        return person

    async def update(self, person: Person) -> None:
        """Store a person's changed fields."""
        self._forget()
        self.conn.queue(
            "UPDATE people SET channel = ?, external_id = ?, chat_id = ?, name = ?, username = ?,"
            " locale = ?, role = ?, tank = ?, station = ?, active = ?, reachable = ?, phone = ?"
            " WHERE id = ?",
            (*self._values(person), person.id),
        )

    async def read_ahead(self, ids: Collection[int], tanks: Collection[str]) -> None:
        """Read in one statement these people, the members of these tanks and the coordinators,
        and remember them as get, members and coordinators would have read them."""
        dialect = getattr(self.conn, "dialect", "sqlite")
        by_id, id_params = among(dialect, "id", sorted(ids))
        in_tanks, tank_params = among(dialect, "tank", sorted(tanks))
        people = await self._many(
            f"{by_id} OR (active = 1 AND (role = 'coordinator' OR (role = 'member' AND"
            f" {in_tanks})))",
            (*id_params, *tank_params),
        )
        self._by_id.update({person_id: None for person_id in ids})
        for tank in tanks:
            self._lists[("members", tank)] = []
        self._lists[("coordinators", None)] = []
        for person in people:
            self._by_id[person.id] = person
            if person.active and person.role == Role.COORDINATOR:
                self._lists[("coordinators", None)].append(person)
            elif person.active and person.role == Role.MEMBER and person.tank in tanks:
                self._lists[("members", person.tank)].append(person)

    def _forget(self) -> None:
        """Drop what was remembered or read ahead: a person changed."""
        self._lists.clear()
        self._by_id.clear()
        self.conn.drop("person:")

    @staticmethod
    def _values(p: Person) -> tuple[Any, ...]:
        return (
            p.channel,
            p.external_id,
            p.chat_id,
            p.name,
            p.username,
            p.locale,
            p.role.value,
            p.tank,
            p.station,
            int(p.active),
            int(p.reachable),
            p.phone,
        )

    async def members(self, tank: str | None = None) -> list[Person]:
        """Active members, of one tank or of all."""
        if tank is None:
            return await self._listed(("members", None), "role = 'member' AND active = 1", ())
        where = "role = 'member' AND active = 1 AND tank = ?"
        return await self._listed(("members", tank), where, (tank,))

    async def coordinators(self) -> list[Person]:
        """Everyone with the coordinator role."""
        return await self._listed(("coordinators", None), "role = 'coordinator' AND active = 1", ())

    async def _listed(
        self, key: tuple[str, str | None], where: str, params: tuple[Any, ...]
    ) -> list[Person]:
        if key not in self._lists:
            self._lists[key] = await self._many(where, params)
        return [copy.copy(p) for p in self._lists[key]]


DIALOG = "SELECT state, data FROM dialogs WHERE channel = ? AND chat_id = ?"


class SqlDialogs:
    """Conversation state per chat in SQLite."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    def expect(self, channel: str, chat_id: str) -> None:
        """Read this chat's state with the next round trip (get takes it from there)."""
        self.conn.peek(f"dialog:{channel}:{chat_id}", DIALOG, (channel, chat_id))

    async def get(self, channel: str, chat_id: str) -> DialogState:
        """The chat's state; idle when there is none."""
        rows = self.conn.take(f"dialog:{channel}:{chat_id}")
        if rows is None:
            rows = list(await self.conn.execute_fetchall(DIALOG, (channel, chat_id)))
        if not rows:
            return DialogState(channel, chat_id)
        return DialogState(channel, chat_id, rows[0]["state"], json.loads(rows[0]["data"]))

    async def save(self, state: DialogState, now: datetime) -> None:
        """Store the chat's state; an idle state with no data is removed."""
        self.conn.drop("dialog:")
        if state.state == "idle" and not state.data:
            self.conn.queue(
                "DELETE FROM dialogs WHERE channel = ? AND chat_id = ?",
                (state.channel, state.chat_id),
            )
            return
        self.conn.queue(
            "INSERT INTO dialogs (channel, chat_id, state, data, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, chat_id) DO UPDATE SET state = excluded.state,"
            " data = excluded.data, updated_at = excluded.updated_at",
            (
                state.channel,
                state.chat_id,
                state.state,
                json.dumps(state.data, ensure_ascii=False),
                to_ms(now),
            ),
        )


class SqlUpdateLog:
    """Handled update ids in SQLite."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    async def first_time(self, channel: str, update_id: int, now: datetime) -> bool:
        """Record an update id; False if it was handled before."""
        cursor = await self.conn.execute(
            "INSERT OR IGNORE INTO processed_updates (channel, update_id, at) VALUES (?, ?, ?)",
            (channel, update_id, to_ms(now)),
        )
        return cursor.rowcount == 1

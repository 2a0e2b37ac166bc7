"""What the desk's parts share: its repository in the turn, argument parsing, the residents
behind cases and telling them an outcome (跟踪问效)."""

from __future__ import annotations

from datetime import datetime

from core.callbacks import parse_id
from core.cases.lifecycle import Refused
from core.context import Turn, notify
from core.desk.ports import DeskRepository, DeskUnit
from core.models import Person
from core.ports import UnitOfWork
from core.texts import t

MAX_CASES = 20
CLIP = 200


def desk_of(uow: UnitOfWork) -> DeskRepository:
    """The desk's repository of a unit of work; Refused when the store has none."""
    if not isinstance(uow, DeskUnit):
        raise Refused("desk_unavailable")
    return uow.desk


def desk(turn: Turn) -> DeskRepository:
    """The desk's repository of the turn's unit of work."""
    return desk_of(turn.uow)


def case_numbers(words: list[str]) -> list[int] | None:
    """Case numbers written as 3, #3 or ＃3, each once in the order given; None when a word is
    not one or there are none or too many."""
    numbers: list[int] = []
    for word in words:
        number = parse_id(word.lstrip("#＃"))
        if number is None:
            return None
        if number not in numbers:
            numbers.append(number)
    return numbers if 0 < len(numbers) <= MAX_CASES else None


def clip(text: str, limit: int = CLIP) -> str:
    """A text cut to limit characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


async def residents_behind(uow: UnitOfWork, case_ids: tuple[int, ...]) -> dict[int, list[int]]:
    """The residents who raised these cases, each with their case numbers."""
    found: dict[int, list[int]] = {}
    for case_id in case_ids:
        case = await uow.cases.get(case_id)
        if case is not None:
            found.setdefault(case.resident_id, []).append(case_id)
    return found


async def tell_residents(
    uow: UnitOfWork,
    case_ids: tuple[int, ...],
    kind: str,
    ref_id: int,
    now: datetime,
    key: str,
    round_: int = 1,
    **values: object,
) -> int:
    """Tell every resident behind the cases, once for this outcome, in plain words on their
    own channel what became of what they raised; returns how many were told. A resident who
    asked to be forgotten has no chat and is told nothing; no staff name is given."""
    told = 0
    repository = desk_of(uow)
    for resident_id, numbers in (await residents_behind(uow, case_ids)).items():
        resident = await uow.people.get(resident_id)
        if resident is None or not resident.chat_id:
            continue
        if not await repository.first_told(kind, ref_id, resident_id, round_, now):
            continue
        refs = "、".join(f"#{n}" for n in numbers)
        await notify(uow, resident, t(resident.locale, key, refs=refs, **values), now)
        told += 1
    return told


async def names_of(uow: UnitOfWork, person_ids: tuple[int, ...]) -> tuple[str, ...]:
    """Members' names as they may be named (a member without one by number)."""
    names = []
    for person_id in person_ids:
        person = await uow.people.get(person_id)
        names.append(person.name if person is not None and person.name else f"#{person_id}")
    return tuple(names)


async def tell_coordinators(uow: UnitOfWork, now: datetime, key: str, **values: object) -> None:
    """A word for every coordinator, in their language."""
    for person in await uow.people.coordinators():
        await notify(uow, person, t(person.locale, key, **values), now)


def person_ref(person: Person) -> str:
    """A member as others read them: the name, else the number."""
    return person.name or f"#{person.id}"

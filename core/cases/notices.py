"""Who is told what when a case moves: each function queues the messages for one step."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import callbacks
from core.callbacks import Scope
from core.cases import access, cards, lifecycle, measures
from core.context import ACTIONS, District, notify, queue
from core.messages import Button, Kind, Outbound
from core.models import Case, CaseStatus, Person
from core.ports import UnitOfWork
from core.texts import Localized, shorten, t

NOTICE = "notice"


def notice_key(case_id: int, person_id: int) -> str:
    """The outbox key of a case's notice in one person's chat, for later edits."""
    return f"{NOTICE}:{case_id}:{person_id}"


def notice_buttons(locale: str, case: Case) -> list[list[Button]]:
    """The buttons of a new-case notice: claim, transfer, details."""
    return [
        [
            Button(text=t(locale, "btn_claim"), data=callbacks.pack(Scope.CASE, "claim", case.id)),
            Button(
                text=t(locale, "btn_transfer"), data=callbacks.pack(Scope.CASE, "transfer", case.id)
            ),
            Button(
                text=t(locale, "btn_detail"), data=callbacks.pack(Scope.CASE, "detail", case.id)
            ),
        ]
    ]


def triage_buttons(
    locale: str, district: District, case_id: int, answer: bool = True
) -> list[list[Button]]:
    """One button per tank, for a coordinator routing a case out of triage; then the way out
    for a concern no tank can take: answer the resident (a case in triage only) and refer."""
    buttons = [
        Button(text=tank.name(locale), data=callbacks.pack(Scope.CASE, "route", case_id, tank.code))
        for tank in district.tanks
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    way_out = [
        Button(text=t(locale, "btn_refer"), data=callbacks.pack(Scope.REFER, "pick", case_id))
    ]
    if answer:
        way_out.insert(
            0,
            Button(
                text=t(locale, "btn_answer"), data=callbacks.pack(Scope.REFER, "answer", case_id)
            ),
        )
    return [*rows, way_out]


def assignee_buttons(locale: str, case: Case) -> list[list[Button]]:
    """What the member holding a case can do with it."""
    pack = callbacks.pack
    return [
        [
            Button(text=t(locale, "btn_reply"), data=pack(Scope.CASE, "reply", case.id)),
            Button(text=t(locale, "btn_ask"), data=pack(Scope.CASE, "ask", case.id)),
        ],
        [
            Button(text=t(locale, "btn_resolve"), data=pack(Scope.CASE, "resolve", case.id)),
            Button(text=t(locale, "btn_transfer"), data=pack(Scope.CASE, "transfer", case.id)),
            Button(text=t(locale, "btn_detail"), data=pack(Scope.CASE, "detail", case.id)),
        ],
    ]


def holder_actions(person: Person, case: Case) -> list[list[Button]]:
    """The buttons a case's card carries for this viewer: the claim card's actions for the
    member holding it while it is in hand, none for anyone else."""
    if not lifecycle.is_assignee(person, case) or case.status != CaseStatus.CLAIMED:
        return []
    return assignee_buttons(person.locale, case)


def desk_actions(person: Person, case: Case) -> list[list[Button]]:
    """The desk's button on a case's card for staff who may cite it: a report from the case."""
    if not access.is_staff_of(person, case):
        return []
    data = callbacks.pack(Scope.DESK, "rnew", case.id)
    return [[Button(text=t(person.locale, "btn_report_from_case"), data=data)]]


def open_buttons(refs: list[tuple[int, str]], per_row: int = 4) -> list[list[Button]]:
    """One button per case of a list that opens its card: (case id, reference) pairs."""
    buttons = [
        Button(text=f"📄 {ref}", data=callbacks.pack(Scope.CASE, "detail", case_id))
        for case_id, ref in refs
    ]
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


async def audience_for(
    uow: UnitOfWork, district: District, case: Case, now: datetime
) -> list[Person]:
    """Who hears of a new case first: the tank's members at its station when there are some
    (the rest of the tank later, if still unclaimed), else the whole tank, else coordinators."""
    members = [m for m in await uow.people.members(case.tank) if m.reachable] if case.tank else []
    local = [m for m in members if case.station is not None and m.station == case.station]
    if local and len(local) < len(members):
        case.wider_notice_at = now + timedelta(hours=district.wider_notice_hours)
        lifecycle.plan_check(case)
        return local
    return members or await uow.people.coordinators()


async def announce_wider(uow: UnitOfWork, district: District, case: Case, now: datetime) -> None:
    """Tell the rest of the tank of a case nobody at its station has claimed."""
    told = {
        int(key.rsplit(":", 1)[1])
        for _, _, key in await uow.outbox.keyed(case.id, f"{NOTICE}:{case.id}:")
    }
    rest = [m for m in await uow.people.members(case.tank) if m.id not in told and m.reachable]
    case.wider_notice_at = None
    lifecycle.plan_check(case)
    await announce(uow, district, case, now, rest)


async def announce(
    uow: UnitOfWork, district: District, case: Case, now: datetime, audience: list[Person]
) -> None:
    """Send the new-case notice (with photos first) to each person of the audience."""
    for person in audience:
        if case.photos:
            await notify(uow, person, "", now, photos=case.photos, case_id=case.id)
        text = cards.member_notice(person.locale, district, case)
        buttons = (
            triage_buttons(person.locale, district, case.id, case.status == CaseStatus.TRIAGE)
            if access.coordinates(person)
            else notice_buttons(person.locale, case)
        )
        await notify(
            uow,
            person,
            text,
            now,
            buttons=buttons,
            key=notice_key(case.id, person.id),
            case_id=case.id,
        )


async def close_notices(
    uow: UnitOfWork,
    district: District,
    case: Case,
    now: datetime,
    key: str,
    **kw: str | Localized,
) -> None:
    """Edit every earlier notice of the case to say what became of it, without buttons."""
    for channel, chat_id, notice in await uow.outbox.keyed(case.id, f"{NOTICE}:{case.id}:"):
        person_id = int(notice.rsplit(":", 1)[1])
        person = await uow.people.get(person_id)
        if person is None or not access.is_staff(person):
            continue  # they no longer hold the role: nothing more about the case reaches them
        locale = person.locale
        text = cards.member_notice(locale, district, case) + "\n\n" + t(locale, key, **kw)
        message = Outbound(
            kind=Kind.EDIT, channel=channel, chat_id=chat_id, text=text, edit_key=notice
        )
        await queue(uow, message, now, locale)


async def retire_buttons(uow: UnitOfWork, case: Case, now: datetime) -> None:
    """Take the buttons off every message that carries the case's actions (it is closed)."""
    for channel, chat_id, key in await uow.outbox.keyed(case.id, f"{ACTIONS}:{case.id}:"):
        message = Outbound(kind=Kind.EDIT, channel=channel, chat_id=chat_id, edit_key=key)
        await queue(uow, message, now, "zh")


async def holder(uow: UnitOfWork, case: Case) -> Person | None:
    """The member holding the case while they still serve in a tank: nothing goes to someone
    who no longer holds the role."""
    if case.assignee_id is None:
        return None
    person = await uow.people.get(case.assignee_id)
    return person if person is not None and access.serves_in_tank(person) else None


async def send_pin(uow: UnitOfWork, person: Person, case: Case, now: datetime) -> None:
    """The map pin of the location the resident shared, if any, for the member taking the case."""
    if case.location is not None:
        await notify(uow, person, "", now, location=case.location, case_id=case.id)


async def tell_resident(
    uow: UnitOfWork,
    case: Case,
    now: datetime,
    key: str,
    buttons: list[list[Button]] | None = None,
    **kw: str | Localized,
) -> None:
    """Queue a catalogue text for the case's resident."""
    resident = await uow.people.get(case.resident_id)
    if resident is None:
        return
    text = t(resident.locale, key, ref=case.ref, **kw)
    await notify(
        uow, resident, text, now, buttons=tuple(tuple(r) for r in buttons or ()), case_id=case.id
    )


async def tell_coordinators(
    uow: UnitOfWork, case: Case, now: datetime, key: str, **kw: str | Localized
) -> None:
    """Queue a catalogue text for every coordinator, with the case's details button."""
    for person in await uow.people.coordinators():
        text = t(person.locale, key, ref=case.ref, **kw)
        detail = Button(
            text=t(person.locale, "btn_detail"), data=callbacks.pack(Scope.CASE, "detail", case.id)
        )
        await notify(uow, person, text, now, buttons=((detail,),), case_id=case.id)


def quote(text: str) -> str:
    """A user's words as they appear inside a notification."""
    return shorten(text, 1500)


def rating_buttons(locale: str, case: Case) -> list[list[Button]]:
    """满意 / 基本满意 / 不满意."""
    return [
        [
            Button(
                text=t(locale, f"rating_{r}"), data=callbacks.pack(Scope.CASE, "rate", case.id, r)
            )
            for r in measures.RATINGS
        ]
    ]


async def tell_coordinators_resident_wrote(
    uow: UnitOfWork, district: District, case: Case, now: datetime, text: str
) -> None:
    """A resident's words on a case in triage go to the coordinators, who own it until a tank
    does, with the buttons to answer, route or refer it."""
    for person in await uow.people.coordinators():
        loc = person.locale
        named = not case.anonymous and case.contact_name
        who = case.contact_name if named else t(loc, "anonymous_resident")
        body = t(loc, "to_member", ref=case.ref, who=who, text=quote(text))
        detail = Button(
            text=t(loc, "btn_detail"), data=callbacks.pack(Scope.CASE, "detail", case.id)
        )
        buttons = [*triage_buttons(loc, district, case.id), [detail]]
        await notify(
            uow, person, body, now, buttons=tuple(tuple(r) for r in buttons), case_id=case.id
        )


def case_text_for(person: Person, key: str, case: Case, **kw: str | Localized) -> str:
    """A catalogue text about a case, in the locale of the person who reads it."""
    return t(person.locale, key, ref=case.ref, **kw)


async def behind(uow: UnitOfWork, case: Case) -> list[int]:
    """Everyone behind a case besides its author, in the order they came: its supporters, and
    those behind each duplicate merged into it (their voices, and duplicates merged into those)."""
    out: list[int] = []
    seen, todo = {case.id}, [case.id]
    while todo:
        for supporter in await uow.supporters.of_case(todo.pop(0)):
            if supporter.person_id not in out:
                out.append(supporter.person_id)
            merged = supporter.merged_from
            if merged is not None and merged not in seen:
                seen.add(merged)
                todo.append(merged)
    return [p for p in out if p != case.resident_id]


async def tell_supporters(
    uow: UnitOfWork, case: Case, now: datetime, key: str, **kw: str | Localized
) -> None:
    """Tell everyone behind a case besides its author (voices added, duplicates merged) of what
    became of it, once each."""
    told: set[int] = {case.resident_id}
    author = await uow.people.get(case.resident_id)
    # Words written to the author may name them: never to the others behind the case.
    theirs = {case.contact_name, case.contact_phone, author.name if author else None}
    secrets = sorted((s for s in theirs if s and len(s.strip()) >= 2), key=len, reverse=True)
    for person_id in await behind(uow, case):
        if person_id in told:
            continue
        told.add(person_id)
        person = await uow.people.get(person_id)
        if person is not None:  # not the case's message: a reply to it is not for its member
            mask = t(person.locale, "withheld")
            words = {k: _without(v, secrets, mask) for k, v in kw.items()}
            await notify(uow, person, case_text_for(person, key, case, **words), now)


def _without(value: str | Localized, secrets: list[str], mask: str) -> str | Localized:
    """A text with the author's name and phone number withheld."""
    if not isinstance(value, str):
        return value
    for secret in secrets:
        value = value.replace(secret, mask)
    return value

"""议事会: a coordinator schedules one (topic, time, station, cases), the bot proposes whom to
invite (the residents behind the cases, the cases' tanks' members), invitations carry 参加 /
不参加, a reminder goes the day before, the organiser reads the attendance, and the minutes
close it, the residents behind it told.

Residents are listed to the organiser by the cases they raised, never by name or contact.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core import callbacks
from core.callbacks import Callback, Scope
from core.cases import access
from core.cases.lifecycle import Refused
from core.context import District, Turn, notify
from core.desk.common import case_numbers, desk, desk_of, residents_behind, tell_residents
from core.desk.records import Consultation, ConsultationStatus
from core.messages import Button
from core.models import Person
from core.ports import UnitOfWork
from core.states import Conversation
from core.texts import Markup, t

TOPIC_LIMIT = 100
MINUTES_LIMIT = 3000
GUEST_LIMIT = 50
MOST_GUESTS = 30
ANSWERS = ("yes", "no")


async def command(turn: Turn, state: Conversation) -> None:
    """/meet new YYYY-MM-DD HH:MM 站点 主题 [#3 #7] | guest N 名称 | list N | minutes N 纪要 |
    link N report|proposal M."""
    words = turn.inbound.args.split()
    if not words:
        await turn.reply(turn.t("meet_usage"))
        return
    action = words[0].lower()
    if action == "new":
        await schedule(turn, words[1:])
        return
    number = callbacks.parse_id(words[1].lstrip("#＃")) if len(words) > 1 else None
    if number is None:
        await turn.reply(turn.t("meet_usage"))
        return
    meeting = await load(turn, number)
    rest = turn.inbound.args.split(maxsplit=2)[2].strip() if len(words) > 2 else ""
    if action == "list" and not rest:
        await attendance(turn, meeting)
    elif action == "guest" and rest:
        await add_guest(turn, meeting, rest)
    elif action == "minutes" and rest:
        await record_minutes(turn, meeting, rest)
    elif action == "link" and len(words) == 4 and words[2].lower() in ("report", "proposal"):
        await link(turn, meeting, words[2].lower(), callbacks.parse_id(words[3].lstrip("#＃")))
    else:
        await turn.reply(turn.t("meet_usage"))


async def load(turn: Turn, number: int | None) -> Consultation:
    """A consultation, for coordinators."""
    meeting = await desk(turn).consultation(number) if number else None
    if meeting is None or not access.runs_desk(turn.person):
        raise Refused("meet_not_found", number=number or "?")
    return meeting


def _moment(district: District, day: str, clock: str) -> datetime | None:
    try:
        local = datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M")
    except ValueError:
        return None
    return local.replace(tzinfo=district.timezone)


async def schedule(turn: Turn, words: list[str]) -> None:
    """A new consultation and the invitations proposed for it."""
    cases_at = next((i for i, w in enumerate(words) if w.startswith(("#", "＃"))), len(words))
    head, tail = words[:cases_at], words[cases_at:]
    numbers = case_numbers(tail) if tail else []
    at = _moment(turn.district, head[0], head[1]) if len(head) >= 4 else None
    station = turn.district.station(head[2]) if len(head) >= 4 else None
    topic = " ".join(head[3:]).strip()
    if at is None or station is None or numbers is None or not 0 < len(topic) <= TOPIC_LIMIT:
        await turn.reply(turn.t("meet_usage"))
        return
    if at <= turn.now:
        raise Refused("meet_in_past")
    for number in numbers:
        case = await turn.uow.cases.get(number)
        if case is None or not access.is_staff_of(turn.person, case):
            raise Refused("report_case_refused", ref=f"#{number}")
    meeting = await desk(turn).add_consultation(
        Consultation(
            0, topic, at, turn.person.id, turn.now, station=station.code, cases=tuple(numbers)
        )
    )
    residents = await residents_behind(turn.uow, meeting.cases)
    members = await _members(turn, meeting)
    refs = "、".join(f"#{n}" for n in meeting.cases) or "-"
    names = "、".join(m.name or f"#{m.id}" for m in members) or "-"
    send = callbacks.pack(Scope.DESK, "msend", meeting.id)
    await turn.reply(
        turn.t(
            "meet_scheduled",
            number=meeting.id,
            topic=topic,
            when=turn.district.show_time(at),
            place=station.name(turn.locale),
            residents=len(residents),
            refs=refs,
            members=names,
        ),
        [[Button(text=turn.t("btn_meet_send"), data=send)]],
    )


async def _members(turn: Turn, meeting: Consultation) -> list[Person]:
    tanks: list[str] = []
    for number in meeting.cases:
        case = await turn.uow.cases.get(number)
        if case is not None and case.tank and case.tank not in tanks:
            tanks.append(case.tank)
    found = []
    for tank in tanks:
        found.extend(await turn.uow.people.members(tank))
    return found


def invitation(locale: str, district: District, meeting: Consultation) -> str:
    """The invitation's text (a guest's may be forwarded as it is)."""
    place = district.station_name(meeting.station, locale)
    return t(
        locale,
        "meet_invitation",
        topic=meeting.topic,
        when=district.show_time(meeting.at),
        place=place,
    )


def answer_buttons(locale: str, meeting: Consultation) -> tuple[tuple[Button, ...], ...]:
    """参加 / 不参加."""
    return (
        tuple(
            Button(
                text=t(locale, f"btn_meet_{a}"),
                data=callbacks.pack(Scope.DESK, "mrsvp", meeting.id, a),
            )
            for a in ANSWERS
        ),
    )


async def send_invitations(turn: Turn, meeting: Consultation) -> None:
    """Invite the residents behind the cases and the tanks' members, each once."""
    if meeting.status is not ConsultationStatus.SCHEDULED:
        raise Refused("meet_not_scheduled", number=meeting.id)
    repository = desk(turn)
    invited = 0
    people = [
        *[await turn.uow.people.get(r) for r in await residents_behind(turn.uow, meeting.cases)],
        *await _members(turn, meeting),
    ]
    for person in people:
        if (
            person is None
            or not person.chat_id
            or not await repository.invite(meeting.id, person.id)
        ):
            continue
        invited += 1
        await notify(
            turn.uow,
            person,
            invitation(person.locale, turn.district, meeting),
            turn.now,
            buttons=answer_buttons(person.locale, meeting),
        )
    await turn.answer()
    await turn.reply(turn.t("meet_invited", number=meeting.id, count=invited))


async def add_guest(turn: Turn, meeting: Consultation, name: str) -> None:
    """A guest from a department or a company: named, and given the text to forward."""
    if len(name) > GUEST_LIMIT or len(meeting.guests) >= MOST_GUESTS:
        await turn.reply(turn.t("meet_guest_bad", limit=GUEST_LIMIT, most=MOST_GUESTS))
        return
    await desk(turn).add_guest(meeting.id, name)
    text = invitation(turn.locale, turn.district, meeting)
    await turn.reply(turn.t("meet_guest_forward", name=name, invitation=Markup(text)))


async def attendance(turn: Turn, meeting: Consultation) -> None:
    """Who comes, who does not, who has not answered; residents by their cases only."""
    await turn.reply(await attendance_text(turn.uow, turn.locale, meeting))


async def attendance_text(uow: UnitOfWork, locale: str, meeting: Consultation) -> str:
    """The attendance list as the organiser reads it: members by name, residents by the cases
    they raised, guests as named."""
    behind = await residents_behind(uow, meeting.cases)
    sep = t(locale, "list_separator")
    groups: dict[str | None, list[str]] = {"yes": [], "no": [], None: []}
    for person_id, answer in meeting.answers.items():
        if person_id in behind:
            refs = sep.join(f"#{n}" for n in behind[person_id])
            shown = t(locale, "meet_resident", refs=refs)
        else:
            person = await uow.people.get(person_id)
            shown = (person.name if person else "") or f"#{person_id}"
        groups[answer].append(shown)
    return t(
        locale,
        "meet_attendance",
        number=meeting.id,
        topic=meeting.topic,
        yes=sep.join(groups["yes"]) or "-",
        no=sep.join(groups["no"]) or "-",
        waiting=sep.join(groups[None]) or "-",
        guests=sep.join(meeting.guests) or "-",
    )


async def record_minutes(turn: Turn, meeting: Consultation, text: str) -> None:
    """The minutes: the consultation was held; the residents behind it hear."""
    if len(text) > MINUTES_LIMIT:
        await turn.reply(turn.t("meet_minutes_long", limit=MINUTES_LIMIT))
        return
    if meeting.status is ConsultationStatus.CANCELLED:
        raise Refused("meet_not_scheduled", number=meeting.id)
    meeting.status, meeting.minutes = ConsultationStatus.HELD, text
    await desk(turn).update_consultation(meeting)
    await tell_residents(
        turn.uow,
        meeting.cases,
        "meet.held",
        meeting.id,
        turn.now,
        "outcome_meet_held",
        topic=meeting.topic,
    )
    await turn.reply(turn.t("meet_minutes_saved", number=meeting.id))


async def link(turn: Turn, meeting: Consultation, kind: str, number: int | None) -> None:
    """Link the consultation's outcome to a report or a proposal that exists."""
    repository = desk(turn)
    if kind == "report":
        if number is None or await repository.report(number) is None:
            raise Refused("report_not_found", number=number or "?")
        meeting.report_id = number
    else:
        if number is None or await repository.proposal(number) is None:
            raise Refused("proposal_not_found", number=number or "?")
        meeting.proposal_id = number
    await repository.update_consultation(meeting)
    await turn.reply(turn.t(f"meet_linked_{kind}", number=meeting.id, target=number))


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """Send the invitations (coordinators), or answer one (who was invited)."""
    number = cb.int_arg(0)
    meeting = await desk(turn).consultation(number) if number else None
    if meeting is None:
        raise Refused("button_stale")
    if cb.action == "msend":
        if not access.runs_desk(turn.person):
            raise Refused("not_allowed")
        await send_invitations(turn, meeting)
        return
    answer = cb.arg(1)
    if cb.action != "mrsvp" or answer not in ANSWERS:
        raise Refused("button_stale")
    if meeting.status is not ConsultationStatus.SCHEDULED:
        raise Refused("meet_not_scheduled", number=meeting.id)
    if not await desk(turn).answer(meeting.id, turn.person.id, answer, turn.now):
        raise Refused("meet_not_invited")
    await turn.answer(turn.t(f"meet_answered_{answer}"))


async def remind(uow: UnitOfWork, district: District, now: datetime) -> None:
    """The day before: a reminder to everyone invited who has not declined, and the
    attendance list to the organiser."""
    repository = desk_of(uow)
    for meeting in await repository.consultations_from(now, now + timedelta(days=1)):
        if meeting.reminded:
            continue
        meeting.reminded = True
        await repository.update_consultation(meeting)
        for person_id, answer in meeting.answers.items():
            person = await uow.people.get(person_id)
            if person is None or answer == "no":
                continue
            shown = Markup(invitation(person.locale, district, meeting))
            await notify(uow, person, t(person.locale, "meet_reminder", invitation=shown), now)
        organiser = await uow.people.get(meeting.organiser_id)
        if organiser is not None:
            text = await attendance_text(uow, organiser.locale, meeting)
            await notify(uow, organiser, text, now)

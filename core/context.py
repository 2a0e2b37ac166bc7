"""What a service works with: the district's set-up, and the turn of one inbound event."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from core.callbacks import Scope
from core.channels import limits
from core.engines import Classifier, NoSimilarCases, SimilarCases
from core.messages import Button, Inbound, KeyButton, Kind, Outbound
from core.models import Deadlines, Person, ReferralBody, Role, Station, ThinkTank
from core.office import OfficeFiles, WorkingDays
from core.ports import Conflict, UnitOfWork
from core.texts import Localized, t
from core.views import CaseViews

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 3  # a unit that lost to another transaction runs again up to twice more

Buttons = Sequence[Sequence[Button]]
Reply = tuple[str, Buttons]
Deferred = Callable[[CaseViews], Awaitable[list[Reply]]]
Menu = tuple[tuple[str, str], ...]


class Menus(Protocol):
    """Each role's commands, as the command table gives them. The table and the handlers it
    names sit at the top of core (core.conversation.menus is the one implementation), so a
    part below that changes a role or shows /help is handed the menus with the turn."""

    def menu(self, role: Role, locale: str) -> Menu:
        """The (command, description) pairs of a role's menu."""
        ...

    def help_text(self, role: Role, locale: str) -> str:
        """The /help answer for a role."""
        ...


@dataclass(frozen=True)
class District:
    """The district's think tanks, stations and time zone, as configured."""

    tanks: tuple[ThinkTank, ...]
    stations: tuple[Station, ...]
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    triage_deadlines: Deadlines = field(default_factory=Deadlines)
    wider_notice_hours: float = 2.0
    bot_username: str = "minqing_bot"
    quiet_start: time = time(22, 0)
    quiet_end: time = time(8, 0)
    escalate_in_quiet_hours: bool = False
    digest_time: time = time(9, 0)
    invite_days: float = 7.0
    referral_bodies: tuple[ReferralBody, ...] = ()
    # Pairs of stations whose concerns may be about one problem (similar concerns).
    nearby: tuple[tuple[str, str], ...] = ()
    issuer: str = "政协"  # who issues the office files, e.g. 丰南区政协
    calendar: WorkingDays | None = None  # China's working days; None counts calendar days
    proposal_reply_days: int = 0  # working days a body has to reply; 0: three months
    work_start: time = time(9, 0)
    work_end: time = time(17, 30)
    working_day: Callable[[date], bool] = field(default=lambda day: day.weekday() < 5)  # Mon-Fri
    # Words of the coordinators' other fields (路灯, 物业) with weights: they count against
    # routing to any tank (nlp.classifier), from the tanks file's [other_fields] table.
    other_fields: tuple[tuple[str, float], ...] = ()

    def in_quiet_hours(self, moment: datetime) -> bool:
        """True when local time is within the quiet hours (which may span midnight)."""
        now = self.local(moment).time()
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return False
        return start <= now or now < end if start > end else start <= now < end

    def quiet_hours_end(self, moment: datetime) -> datetime:
        """The first moment after `moment` when the quiet hours are over (UTC)."""
        local = self.local(moment)
        end = datetime.combine(local.date(), self.quiet_end, tzinfo=self.timezone)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(UTC)

    def tank(self, code: str | None) -> ThinkTank | None:
        """The tank with this code, if configured."""
        return next((tank for tank in self.tanks if tank.code == code), None)

    def deadlines(self, tank: str | None) -> Deadlines:
        """The deadlines of a tank's cases; triage's for cases without a tank; those counted in
        working days with the district's calendar."""
        found = self.tank(tank)
        deadlines = found.deadlines if found else self.triage_deadlines
        if deadlines.working_days and self.calendar is not None:
            return replace(deadlines, calendar=self.calendar)
        return deadlines

    def tank_label(self, code: str | None) -> Localized:
        """A tank's display name in whichever locale the text it goes into is read."""
        return partial(self.tank_name, code)

    def station(self, code: str | None) -> Station | None:
        """The station with this code, if configured."""
        return next((s for s in self.stations if s.code == code), None)

    def referral_body(self, code: str | None) -> ReferralBody | None:
        """The body outside the tanks with this code, if configured."""
        return next((b for b in self.referral_bodies if b.code == code), None)

    def tank_name(self, code: str | None, locale: str) -> str:
        """A tank's display name; the triage label when there is none."""
        tank = self.tank(code)
        return tank.name(locale) if tank else t(locale, "triage_name")

    def place_name(self, tank: str | None, referred_to: str | None, locale: str) -> str:
        """Where a case is, as people read it: the body it was referred to, else its tank (or
        the triage label)."""
        if referred_to is None:
            return self.tank_name(tank, locale)
        body = self.referral_body(referred_to)
        return body.name(locale) if body else referred_to

    def station_name(self, code: str | None, locale: str) -> str:
        """A station's display name; 'not given' when there is none."""
        station = self.station(code)
        return station.name(locale) if station else t(locale, "not_given")

    def local(self, moment: datetime) -> datetime:
        """A UTC moment in the district's time zone."""
        return moment.astimezone(self.timezone)

    def show_time(self, moment: datetime | None) -> str:
        """A moment as residents read it: local date and minute."""
        return self.local(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


def message_to(person: Person, text: str, **fields: Any) -> Outbound:
    """A message for a person's chat."""
    return Outbound(channel=person.channel, chat_id=person.chat_id, text=text, **fields)


async def queue(uow: UnitOfWork, message: Outbound, now: datetime, locale: str) -> None:
    """Queue a message in the unit of work, as messages its channel accepts (see
    core.channels.limits): the one way into the outbox, so that no message is too long to be
    delivered."""
    for part in limits.fit(message, locale):
        uow.queued.append(await uow.outbox.add(part, now))


ACTIONS = "act"


def actions_key(fields: dict[str, Any]) -> str | None:
    """A new message's key when it carries a case's buttons, so that they can be taken off
    when the case closes: act:<case>:<unique>."""
    buttons, case_id = fields.get("buttons") or (), fields.get("case_id")
    if fields.get("key") or not case_id or fields.get("kind", Kind.SEND) != Kind.SEND:
        return fields.get("key")
    if not any(b.data.startswith(f"{Scope.CASE}:") for row in buttons for b in row):
        return None
    return f"{ACTIONS}:{case_id}:{secrets.token_hex(4)}"


async def notify(uow: UnitOfWork, person: Person, text: str, now: datetime, **fields: Any) -> None:
    """Queue a message for a person, in the unit of work: none for an erased person, and none
    into the chat of one known unreachable (who blocked the bot: it would only be refused
    again; writing to the bot in private makes them reachable), but a button's answer."""
    if not person.chat_id:
        return
    if not person.reachable and fields.get("kind", Kind.SEND) in (Kind.SEND, Kind.EDIT):
        return
    fields["key"] = actions_key(fields)
    await queue(uow, message_to(person, text, **fields), now, person.locale)


@dataclass(frozen=True)
class FileJob:
    """A file to build after the turn commits (off the event loop and outside the writer
    lock) and send to a person as a document, with its caption."""

    person: Person
    caption: str
    filename: str
    mime: str
    build: Callable[[OfficeFiles], Awaitable[bytes]]


@dataclass
class Turn:
    """One inbound event being handled: who sent it, and everything a service may use."""

    uow: UnitOfWork
    district: District
    classifier: Classifier
    now: datetime
    person: Person
    inbound: Inbound
    menus: Menus
    answered: bool = False
    deferred: Deferred | None = None
    deferred_case: int | None = None
    similar: SimilarCases = field(default_factory=NoSimilarCases)
    files: list[FileJob] = field(default_factory=list)

    @property
    def locale(self) -> str:
        """The sender's locale."""
        return self.person.locale

    def t(self, key: str, **kwargs: Any) -> str:
        """A catalogue text in the sender's locale."""
        return t(self.locale, key, **kwargs)

    async def reply(
        self,
        text: str,
        buttons: Buttons = (),
        keyboard: Sequence[Sequence[KeyButton]] = (),
        **fields: Any,
    ) -> None:
        """Send a message to the sender's chat."""
        await self.send_to(self.person, text, buttons=buttons, keyboard=keyboard, **fields)

    async def send_to(
        self,
        person: Person,
        text: str,
        buttons: Buttons = (),
        keyboard: Sequence[Sequence[KeyButton]] = (),
        **fields: Any,
    ) -> None:
        """Send a message to another person's chat."""
        rows = tuple(tuple(row) for row in buttons)
        keys = tuple(tuple(row) for row in keyboard)
        await notify(self.uow, person, text, self.now, buttons=rows, keyboard=keys, **fields)

    async def edit(self, person: Person, key: str, text: str, buttons: Buttons = ()) -> None:
        """Edit a message sent earlier under key in a person's chat."""
        rows = tuple(tuple(row) for row in buttons)
        await notify(self.uow, person, text, self.now, kind=Kind.EDIT, edit_key=key, buttons=rows)

    async def send_menu(self, person: Person) -> None:
        """Queue the menu of a person's role for their chat (after a role changes)."""
        commands = self.menus.menu(person.role, person.locale)
        message = message_to(person, "", kind=Kind.COMMANDS, commands=commands)
        await queue(self.uow, message, self.now, person.locale)

    def defer(self, work: Deferred, case_id: int | None = None) -> None:
        """Answer with read-side work done after this turn commits, outside the write lock
        (its replies about case_id, when given: a reply to them reaches the case)."""
        self.deferred, self.deferred_case = work, case_id

    def send_file(self, job: FileJob) -> None:
        """Build a file after this turn commits and send it (see FileJob)."""
        self.files.append(job)

    async def answer(self, text: str = "", alert: bool = False) -> None:
        """Answer the button press that caused this turn (once)."""
        if self.inbound.callback_id is None or self.answered:
            return
        self.answered = True
        await notify(
            self.uow,
            self.person,
            text,
            self.now,
            kind=Kind.ANSWER,
            callback_id=self.inbound.callback_id,
            alert=alert,
            forget_after=True,
        )


async def retried(what: str, work: Callable[[], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    """Run work, again from its start when a unit of work in it lost to another transaction
    (Conflict: rolled back, nothing sent, its outbox ids never handed out); each retry logged.
    Work must open its units itself and do nothing outside them that cannot run twice."""
    for attempt in range(1, attempts):
        try:
            return await work()
        except Conflict as e:
            log.warning(
                "%s: %s; running it again (attempt %d of %d)", what, e, attempt + 1, attempts
            )
    return await work()

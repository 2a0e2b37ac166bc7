"""Where a chat's conversation stands, typed: the step (an Enum), the intake draft and what each
other step holds; read from the stored record (core.models.DialogState: the step's name and a
JSON object) and turned back into it.

Reading is forgiving of the past and honest about the rest: the shapes older versions wrote are
read as they were meant (a keyword hit of three fields, a location as a list), and a step this
version does not have, or one holding what it cannot read, comes back idle with `lost` set, so
that the conversation starts over with a clear word instead of failing (the step renamed since,
compose.comment, is moved on by migration 0005).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    field_validator,
)

from core.models import DialogState, KeywordHit, stored_hit


class Talk(StrEnum):
    """The conversations a step belongs to."""

    IDLE = "idle"
    INTAKE = "intake"  # the resident's concern becoming a case (core.conversation.intake)
    COMPOSE = "compose"  # a text for a case: a message, a transfer's reason, a resolution
    REFER = "refer"  # a coordinator's answer to a resident, or a referral (core.staff.referral)
    FOLLOWUP = "followup"  # a comment after a rating, an answer held for its case
    DESK = "desk"  # a report's sections written step by step (core.desk.reports)


class Step(StrEnum):
    """Where a conversation stands; the value is what the database stores."""

    IDLE = "idle"
    DESCRIBE = "intake.describe"
    STATION = "intake.station"
    CONTACT = "intake.contact"
    CONFIRM = "intake.confirm"
    TANK = "intake.tank"
    SIMILAR = "intake.similar"  # open cases like the concern offered before the card
    WRITE_MESSAGE = "compose.message"
    WRITE_TRANSFER = "compose.transfer"
    WRITE_RESOLUTION = "compose.resolve"
    WRITE_ANSWER = "refer.answer"
    WRITE_REFERRAL = "refer.text"
    COMMENT = "followup.comment"
    PICK_CASE = "followup.pick"
    REPORT_TITLE = "desk.title"
    REPORT_SITUATION = "desk.situation"
    REPORT_PROBLEMS = "desk.problems"
    REPORT_SUGGESTIONS = "desk.suggestions"

    @property
    def conversation(self) -> Talk:
        """The conversation the step belongs to."""
        return Talk(self.value.partition(".")[0])

    @property
    def name_in_texts(self) -> str:
        """The step's own name, as texts about it are keyed (expect_station)."""
        return self.value.partition(".")[2]


class Held(BaseModel):
    """What a step holds; unknown fields of older or newer versions are left out."""

    model_config = ConfigDict(extra="ignore")


class Draft(Held):
    """A concern being written: the resident's words and what they chose so far."""

    id: str = Field(min_length=1, max_length=16, pattern=r"^[\w.\-]+$")  # in the buttons
    text: str = ""
    photos: list[str] = []
    album: str | None = None
    station: str | None = None
    location: tuple[float, float] | None = None
    contact: Literal["phone", "none", "anonymous"] | None = None
    phone: str | None = None
    tank: str | None = None
    tank_chosen: bool = False
    confidence: float = 0.0
    hits: tuple[KeywordHit, ...] = ()
    judged: str | None = None  # the digest of the text last classified
    offered: list[int] = []  # the open cases offered to add a voice to (their buttons)

    @field_validator("hits", mode="before")
    @classmethod
    def _hits(cls, value: Any) -> Any:
        """Hits as stored: keyword, weight, count, the word as written if it differs (or ""
        before the fifth) and true for a word of other fields."""
        if isinstance(value, list | tuple):
            return tuple(
                KeywordHit(
                    str(h[0]),
                    float(h[1]),
                    int(h[2]),
                    str(h[3]) if len(h) > 3 else "",
                    bool(h[4]) if len(h) > 4 else False,
                )
                if isinstance(h, list | tuple)
                else h
                for h in value
            )
        return value

    @field_serializer("hits")
    def _store_hits(self, hits: tuple[KeywordHit, ...]) -> list[list[Any]]:
        return [stored_hit(h) for h in hits]


class CaseText(Held):
    """A text being written for a case: a resolution, a coordinator's answer."""

    case: int = Field(gt=0)


class Message(CaseText):
    """A message to the other side of a case; a member's may be a question that pauses it."""

    question: bool = False


class Transfer(CaseText):
    """The reason for sending a case to another tank, or to triage."""

    to: str = Field(min_length=1)


class Referral(CaseText):
    """The text that refers a case to a body outside the tanks."""

    body: str = Field(min_length=1)


class CommentPrompt(Held):
    """The prompt after a rating: the resident's next plain text is a comment on the case."""

    case: int = Field(gt=0)
    since: datetime


class ReportDraft(Held):
    """The report whose section is being written."""

    report: int = Field(gt=0)


class HeldText(Held):
    """A resident's text waiting while they pick which case it answers."""

    text: str


H = TypeVar("H", bound=Held)


def holds(step: Step) -> type[Held] | None:
    """What a step holds (nothing when idle)."""
    match step:
        case Step.IDLE:
            return None
        case Step.DESCRIBE | Step.STATION | Step.CONTACT | Step.CONFIRM | Step.TANK | Step.SIMILAR:
            return Draft
        case Step.WRITE_MESSAGE:
            return Message
        case Step.WRITE_TRANSFER:
            return Transfer
        case Step.WRITE_RESOLUTION | Step.WRITE_ANSWER:
            return CaseText
        case Step.WRITE_REFERRAL:
            return Referral
        case Step.COMMENT:
            return CommentPrompt
        case Step.PICK_CASE:
            return HeldText
        case (
            Step.REPORT_TITLE
            | Step.REPORT_SITUATION
            | Step.REPORT_PROBLEMS
            | Step.REPORT_SUGGESTIONS
        ):
            return ReportDraft


@dataclass
class Conversation:
    """A chat's conversation during a turn: its step, what the step holds, and, when the stored
    step could not be continued, its name (the turn says so and starts over)."""

    step: Step = Step.IDLE
    held: Held | None = None
    lost: str | None = None

    def begin(self, step: Step, held: Held | None = None) -> None:
        """Go to a step with what it holds (a step of the same kind keeps the current)."""
        held = held if held is not None else self.held
        kind = holds(step)
        if kind is None:
            held = None
        elif type(held) is not kind:
            raise TypeError(f"{step} holds a {kind.__name__}, not {type(held).__name__}")
        self.step, self.held = step, held

    def end(self) -> None:
        """Back to idle, holding nothing."""
        self.step, self.held = Step.IDLE, None

    @property
    def draft(self) -> Draft:
        """The intake draft; TypeError outside the intake."""
        return self.holding(Draft)

    def holding(self, kind: type[H]) -> H:
        """What the step holds, as the kind the caller expects; TypeError if it is not."""
        if not isinstance(self.held, kind):
            raise TypeError(f"{self.step} holds no {kind.__name__}")
        return self.held

    @property
    def idle(self) -> bool:
        """True when no conversation is going on."""
        return self.step is Step.IDLE


def load(record: DialogState) -> Conversation:
    """The typed conversation of a stored record; idle, with `lost` set, when this version
    cannot continue it (a step it does not have, or what a step holds in a shape it cannot
    read)."""
    try:
        step = Step(record.state)
    except ValueError:
        return Conversation(lost=record.state)
    kind = holds(step)
    if kind is None:
        return Conversation()
    try:
        return Conversation(step, kind.model_validate(record.data))
    except ValidationError:
        return Conversation(lost=record.state)


def dump(conversation: Conversation, channel: str, chat_id: str) -> DialogState:
    """The record to store for a chat's conversation (idle holding nothing is no record)."""
    held = conversation.held
    data = held.model_dump(mode="json", exclude_defaults=True) if held is not None else {}
    return DialogState(channel, chat_id, conversation.step.value, data)

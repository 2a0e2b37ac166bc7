"""What bot.py wires, built from the settings: the district, tokenizer, classifier, similarity."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from config.desk import load_desk, load_holidays
from config.nearby import load_nearby
from config.referrals import load_referrals
from config.settings import Settings
from config.tanks import (
    ConfigError,
    check_codes,
    load_defaults,
    load_other_fields,
    load_stations,
    load_tanks,
)
from core.context import District
from core.engines import Classifier, SimilarCases
from core.models import ThinkTank
from documents.workdays import Schedule
from handlers.office import ChinaWorkingDays
from storage.db import Database

if TYPE_CHECKING:
    from nlp.tokenizer import Tokenizer


def load_district(settings: Settings) -> District:
    """The configured tanks, stations, referral bodies, deadlines and quiet hours."""
    try:
        tanks = tuple(load_tanks(settings.think_tanks))
        triage = load_defaults(settings.think_tanks)
        other_fields = tuple(load_other_fields(settings.think_tanks).items())
        check_codes([t.code for t in tanks], "think tank")
    except ConfigError as e:
        raise ConfigError(f"MINQING_THINK_TANKS: {e}") from e
    try:
        stations = tuple(load_stations(settings.stations))
        check_codes([s.code for s in stations], "station")
        nearby = load_nearby(settings.stations)
    except ConfigError as e:
        raise ConfigError(f"MINQING_STATIONS: {e}") from e
    try:
        bodies = tuple(load_referrals(settings.referrals))
    except ConfigError as e:
        raise ConfigError(f"MINQING_REFERRALS: {e}") from e
    try:
        desk = load_desk(settings.desk)
    except ConfigError as e:
        raise ConfigError(f"MINQING_DESK: {e}") from e
    try:
        schedule = load_holidays(settings.holidays)
    except ConfigError as e:
        raise ConfigError(f"MINQING_HOLIDAYS: {e}") from e
    quiet_start, quiet_end = settings.quiet
    return District(
        tanks=tanks,
        stations=stations,
        timezone=settings.zone,
        triage_deadlines=triage,
        wider_notice_hours=settings.wider_notice_hours,
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        escalate_in_quiet_hours=settings.escalate_in_quiet_hours,
        digest_time=settings.digest_time,
        invite_days=settings.invite_days,
        referral_bodies=bodies,
        nearby=nearby,
        issuer=desk.issuer,
        calendar=ChinaWorkingDays(settings.zone, schedule),
        proposal_reply_days=desk.proposal_reply_working_days,
        work_start=settings.working[0],
        work_end=settings.working[1],
        working_day=partial(working_day, schedule),
        other_fields=other_fields,
    )


def working_day(schedule: Schedule, day: date) -> bool:
    """China's working days (holidays off, make-up days on), then the district's schedule for
    later years; Monday to Friday for a year neither has data for yet."""
    from documents.errors import BeyondCalendarData
    from documents.workdays import is_working_day

    try:
        return is_working_day(day, schedule)
    except BeyondCalendarData:
        return day.weekday() < 5


def build_tokenizer(tanks: Sequence[ThinkTank], backend: str) -> Tokenizer:
    """The tokenizer, every tank's domain words and keywords in its dictionary."""
    from nlp.tokenizer import Tokenizer

    words = [w for tank in tanks for w in (*tank.domain_words, *tank.keywords)]
    return Tokenizer(words, backend=backend)


def build_classifier(district: District, backend: str) -> Classifier:
    """The keyword classifier, its tokenizer's dictionary loaded once, here."""
    from nlp.classifier import KeywordClassifier

    tokenizer = build_tokenizer(district.tanks, backend)
    return KeywordClassifier(district.tanks, tokenizer, dict(district.other_fields))


def build_similar(db: Database, district: District, classifier: Classifier) -> SimilarCases:
    """The similarity engine over the open cases, filled from the database on first use; it
    explains with the classifier's tokenizer (no second dictionary) when it has one."""
    from nlp.classifier import KeywordClassifier
    from nlp.tokenizer import Tokenizer
    from similar.index import OpenCase
    from similar.place import Places
    from similar.port import IndexedSimilarCases
    from similar.terms import Featurizer
    from storage.supporters import open_cases

    tokenizer = classifier.tokenizer if isinstance(classifier, KeywordClassifier) else Tokenizer()

    async def load() -> list[OpenCase]:
        return [OpenCase(*row) for row in await open_cases(db)]

    places = Places.of(district.nearby)
    return IndexedSimilarCases(Featurizer(tokenizer.cut), places, load=load)

"""Fixtures for every suite."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from config.referrals import load_referrals
from config.tanks import load_stations, load_tanks
from core.context import District
from storage.db import Database
from tests.pg import fresh_schema
from tests.support import RULES, Clock, RuleClassifier

# PTB 22 warns (an error under filterwarnings=error) when it builds a RetryAfter unless durations
# are timedeltas; nothing above imports telegram, so this is early enough.
os.environ.setdefault("PTB_TIMEDELTA", "1")
# A catalogue text rendered without one of its placeholders raises instead of showing a blank.
os.environ["MINQING_STRICT_TEXTS"] = "1"


@pytest.fixture
def district() -> District:
    """The district as configured in config/."""
    return District(
        tuple(load_tanks()), tuple(load_stations()), referral_bodies=tuple(load_referrals())
    )


@pytest.fixture
def clock() -> Clock:
    """A clock that moves only when told to."""
    return Clock()


@pytest.fixture
def classifier() -> RuleClassifier:
    """A rule-based stand-in for the keyword classifier."""
    return RuleClassifier(RULES)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database in a real SQLite file."""
    database = await Database.open(tmp_path / "minqing.db")
    yield database
    await database.close()


@pytest.fixture
async def pg_schema() -> AsyncIterator[tuple[str, str]]:
    """A fresh, empty schema on the test PostgreSQL server (MINQING_TEST_POSTGRES), dropped
    afterwards: (server url, schema). Skips, saying why, when no server answers."""
    async with fresh_schema() as found:
        yield found

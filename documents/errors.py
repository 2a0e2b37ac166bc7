"""What the builders refuse: each error says in one line which field, how long, and the limit.

The desk turns them into catalogue texts for the person writing; their own messages are for logs.
"""

from __future__ import annotations

from datetime import date


class DocumentInputError(ValueError):
    """A record a file cannot be built from; nothing was built."""


class FieldTooLong(DocumentInputError):
    """One field is longer than a file allows."""

    def __init__(self, field: str, length: int, limit: int) -> None:
        self.field = field
        self.length = length
        self.limit = limit
        super().__init__(f"{field} has {length:,} characters; at most {limit:,} are allowed")


class ReportTooLong(DocumentInputError):
    """A report over the one-matter-one-report (一事一报) length."""

    def __init__(self, length: int, limit: int) -> None:
        self.length = length
        self.limit = limit
        super().__init__(
            f"the report has {length:,} characters (title and the three sections, blanks not "
            f"counted); one matter, one report (一事一报) allows at most {limit:,}"
        )


class BeyondCalendarData(DocumentInputError):
    """A day the holiday calendar has no data for: working days cannot be told there."""

    def __init__(self, day: date, first: date, last: date) -> None:
        self.day = day
        self.first = first
        self.last = last
        super().__init__(
            f"{day.isoformat()} lies beyond the holiday calendar's data "
            f"({first.isoformat()} to {last.isoformat()}); update chinese-calendar or add the "
            "year's schedule"
        )

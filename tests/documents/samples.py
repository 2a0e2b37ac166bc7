"""Records the office-file tests build from, and a look inside the files they get back."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta

from documents.records import (
    CasesByTank,
    NamedResident,
    Rate,
    Report,
    Summary,
    WeeklyRates,
)

SECRET_NAME = "王秀英"
SECRET_PHONE = "13912345678"


def report(**changes: object) -> Report:
    """A report from three cases, one of them an anonymous resident's."""
    fields: dict[str, object] = {
        "title": "关于黄各庄镇大棚区道路破损影响农产品运输的情况反映",
        "situation": "近期，黄各庄镇多名群众反映大棚区道路坑洼不平。\n雨天积水，运菜车辆难以通行。",
        "problems": "（一）道路年久失修。修路资金没有着落。\n（二）养护责任不清",
        "suggestions": "建议区交通运输局会同黄各庄镇政府尽快修复，明确养护责任。",
        "authors": ("张立新", "李秀梅"),
        "issuer": "丰南区政协办公室",
        "issued": date(2026, 11, 20),
        "number": 12,
        "cases": (3, 7, 12),
        "concerns": 5,
        "residents": (
            NamedResident(SECRET_NAME, SECRET_PHONE, consented=False),
            NamedResident("刘建国", "", consented=True),
        ),
    }
    fields.update(changes)
    return Report(**fields)  # type: ignore[arg-type]


def summary(**changes: object) -> Summary:
    """November 2026's figures."""
    fields: dict[str, object] = {
        "issuer": "丰南区政协",
        "year": 2026,
        "month": 11,
        "issued": date(2026, 12, 1),
        "concerns_received": 120,
        "concerns_solved": 98,
        "reports_written": 15,
        "reports_adopted": 9,
        "special_reports": 2,
        "proposals": (("已提交", 3), ("已立案", 2), ("已答复", 1)),
        "consultations_held": 4,
        "people_reached": 86,
        "response": Rate(114, 120),
        "resolution": Rate(98, 120),
        "satisfaction": Rate(0, 0),
    }
    fields.update(changes)
    return Summary(**fields)  # type: ignore[arg-type]


def cases_by_tank() -> CasesByTank:
    """Three tanks in four states."""
    return CasesByTank(
        tanks=("法律", "经济", "农业"),
        states=("待认领", "办理中", "已办结", "已转办"),
        counts=((3, 5, 10, 1), (2, 4, 8, 0), (6, 7, 20, 2)),
    )


def weekly_rates(weeks: int = 8) -> WeeklyRates:
    """Weeks of rates with one week of no resolutions."""
    starts = tuple(date(2026, 10, 5) + timedelta(weeks=i) for i in range(weeks))
    return WeeklyRates(
        weeks=starts,
        response=tuple(0.7 + 0.02 * i for i in range(weeks)),
        resolution=tuple(None if i == 2 else 0.5 + 0.03 * i for i in range(weeks)),
        satisfaction=tuple(0.9 for _ in range(weeks)),
    )


def moment(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2026, in UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def package_text(data: bytes) -> str:
    """Every member of an OOXML package (a zip), decompressed and joined as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())


def package_member(data: bytes, name: str) -> str:
    """One member of an OOXML package, as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")

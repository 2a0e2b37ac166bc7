"""The console demo's scripted `:tour`: a concern's week through all three roles, and its clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from core.service import Service

if TYPE_CHECKING:
    from handlers.console import Console

TOUR_PAUSE = 2.0  # seconds between the tour's 27 lines: about a minute


async def play_tour(console: Console) -> None:
    """Play one concern's week through the three roles, a step at a time, from the next
    working morning."""
    console.clock.offset += tour_start(console.service, console.clock()) - console.clock()
    console.out.write(TOUR_INTRO.format(now=console.service.district.show_time(console.clock())))
    for caption, lines in TOUR:
        console.out.write(f"\n════ {caption}\n")
        for line in lines:
            console.out.write(f"[{console.me}] › {line}\n")
            await console.line(line)
            await asyncio.sleep(console.pause)
    console.out.write(TOUR_END)


def to_working_morning(service: Service, now: datetime) -> timedelta:
    """How far to move the clock so that the demo starts in working time: nothing when it is
    already; else to the next working morning, when the quiet hours hold nothing back."""
    district = service.district
    local = district.local(now)
    start = max(district.work_start, district.quiet_end)
    if district.working_day(local.date()) and start <= local.time() < district.work_end:
        return timedelta()
    return next_working_morning(service, now) - now


def next_working_morning(service: Service, now: datetime) -> datetime:
    """The start of the next working day's hours after now."""
    district = service.district
    local = district.local(now)
    start = max(district.work_start, district.quiet_end)
    day = local.date() + timedelta(days=1 if local.time() >= start else 0)
    while not district.working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, start, tzinfo=district.timezone)


def tour_start(service: Service, now: datetime) -> datetime:
    """The tour's first moment: the next Monday that is a working day, at its morning (now,
    when it is that moment already), so that its week runs the same whenever it is played."""
    morning = next_working_morning(service, now - timedelta(minutes=1))
    while service.district.local(morning).weekday() != 0:
        morning = next_working_morning(service, morning)
    return morning


TOUR_INTRO = """
══════ 一件事的一周 / a concern's week ══════
居民反映 → 委员认领 → 催办 → 日报 → 超期升级 → 询问与答复 → 办结 → 评价
resident raises it → a member claims it → reminders → digest → escalation → question and answer
→ resolved → rated. The clock starts {now}, a Monday morning.
"""

TOUR_END = """
══════ 完 / the end ══════
这就是一件事的一生。现在轮到您：直接输入文字，或 :help 看演示命令。
That was a concern's whole life. Your turn: type a concern, or :help for the demo's commands.
"""

# (what the step shows, the console lines that play it)
TOUR: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "1 居民反映问题：卡片说明转给谁、为什么；回执写明何时接手、何时答复"
        " / a resident raises a concern; the receipt promises when",
        (
            ":as resident",
            "包工头拖欠我们三个月的工资，一直找不到人",
            ":press 跳过",
            ":press 不留电话",
            ":press 确认提交",
        ),
    ),
    (
        "2 周二早上：无人认领，催办本智库委员 / Tuesday morning: nobody has claimed it, a reminder",
        (":time +1410m",),
    ),
    ("3 委员认领 / a member claims it", (":as law", ":press 认领")),
    (
        "4 周三 9 点：委员收到今日待办日报 / Wednesday 09:00: the member's daily digest",
        (":time +1470m",),
    ),
    (
        "5 周四：首次答复到期，提醒委员；承诺居民的答复时间已到，告诉居民晚了"
        " / Thursday: the answer is due; the resident is told it is late",
        (":time +1d",),
    ),
    (
        "6 周五：超期升级到协调员 / Friday: escalated to the coordinators",
        (":time +1d", ":as coordinator", "/overdue"),
    ),
    (
        "7 委员询问居民，居民点「回复」答复 / the member asks, the resident answers",
        (
            ":as law",
            ":press 询问居民",
            "请问您有工资条或者和包工头的聊天记录吗？",
            ":as resident",
            ":press 回复",
            "有工资条，还有微信聊天记录。",
        ),
    ),
    (
        "8 委员办结，居民评价 / the member resolves it, the resident rates it",
        (
            ":as law",
            "/mine",
            ":press #",
            ":press 办结",
            "已联系劳动监察大队，包工头答应本周五前结清工钱。",
            ":as resident",
            ":press 满意",
            ":press 跳过",
        ),
    ),
)

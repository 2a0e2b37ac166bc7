"""Simulated people under load: Minqing's residents filing a concern, and the echo bot's users.

Every reply is timed from the moment the update that caused it was pushed to the fake (when the
bot's waiting getUpdates is woken) to the moment the bot's call carrying it reached the fake; and
every step (one update and all the replies it brings, which the person waits for before going on)
from that moment to its last reply.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import FakeBotAPI, FakeUser, SentMessage
from tests.fakes.methods import Files, Params

WAIT = 300.0  # an upper bound only: with Telegram's limits 200 residents take minutes
SIMILAR = "🤝"  # the offer to add a voice to similar open cases, before the draft card if any
NEW_CASE = "继续提交新的反映"  # its button: file a case of one's own after all
STATIONS = ("钱营镇", "黄各庄镇", "稻地镇", "胥各庄街道", "丰南镇", "其他")
CONCERNS = (
    "老板拖欠工资三个月了，一直推说没钱，我们十几个工人怎么办",
    "我家大棚蔬菜今年受冻损失很大，想问问有没有补贴",
    "开了个小饭馆想申请贷款扩大经营，银行说手续不全",
    "村里的灌溉水渠堵了好几年没人修，玉米地浇不上水",
    "房东到期不退押金还扣了一个月房租，合同上没写",
    "小区门口的路灯坏了半年，晚上出行很不安全",
)


class StampedServer:
    """The fake Bot API, noting when each message and each callback answer reached it, and when
    the first getUpdates did."""

    def __init__(self, server: FakeBotAPI) -> None:
        self.server = server
        self.arrived: dict[tuple[int | str, int], float] = {}
        self.answered: dict[str, float] = {}
        self.first_poll: float | None = None
        loop = asyncio.get_running_loop()
        state, queue = server.state, server.queue
        get_updates = queue.get

        async def stamped_get(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
            if self.first_poll is None:
                self.first_poll = loop.time()
            return await get_updates(*args, **kwargs)

        deliver = state.deliver
        answer = state.methods["answerCallbackQuery"]

        def stamped_deliver(chat: Any, sent: SentMessage) -> dict[str, Any]:
            self.arrived[(sent.chat_id, sent.message_id)] = loop.time()
            return deliver(chat, sent)

        def stamped_answer(params: Params, files: Files) -> Any:
            self.answered[str(params.get("callback_query_id", ""))] = loop.time()
            return answer(params, files)

        state.deliver = stamped_deliver  # type: ignore[method-assign]
        state.methods["answerCallbackQuery"] = stamped_answer
        queue.get = stamped_get  # type: ignore[method-assign]

    def arrival(self, message: SentMessage) -> float:
        """When a message reached the fake."""
        return self.arrived[(message.chat_id, message.message_id)]


@dataclass
class Outcome:
    """One simulated person's run: reply latencies in seconds, and what went wrong."""

    latencies: list[float] = field(default_factory=list)
    error: str | None = None
    case: int | None = None
    steps: list[float] = field(default_factory=list)  # until each step's last reply


class Driver:
    """Pushes one person's updates and times the replies."""

    def __init__(self, stamps: StampedServer, user: FakeUser) -> None:
        self.stamps, self.user = stamps, user
        self.loop = asyncio.get_running_loop()
        self.outcome = Outcome()
        self._step_from = 0

    async def message(self, what: Callable[[SentMessage], bool], since: float, label: str) -> Any:
        """Wait for the next bot message, which must satisfy `what`; time it from `since`."""
        found = await self.user.next_message(WAIT)
        if not what(found):
            raise AssertionError(f"expected {label}, got {found.text!r}")
        self.outcome.latencies.append(self.stamps.arrival(found) - since)
        return found

    async def answer(self, update: dict[str, Any], since: float) -> None:
        """Wait for the answer to the button press in `update`; time it from `since`."""
        query_id = update["callback_query"]["id"]
        answered = self.stamps.answered

        def probe() -> float | None:
            return answered.get(query_id)

        at = await self.user.chat.signal.wait_until(probe, WAIT, lambda: f"answer {query_id}")
        self.outcome.latencies.append(at - since)

    def end_step(self) -> None:
        """Note the step just done: its latency is that of its last reply."""
        replies = self.outcome.latencies[self._step_from :]
        self.outcome.steps.append(max(replies))
        self._step_from = len(self.outcome.latencies)


def text_of(message: SentMessage) -> str:
    """A message's text or caption."""
    return message.text or message.caption or ""


async def resident(stamps: StampedServer, user: FakeUser, n: int, phone: bool) -> Outcome:
    """A resident's whole intake: the concern, a station, a phone (or none), confirmation, #N.
    Four updates (five when similar open cases are offered first: the resident files anew)."""
    d = Driver(stamps, user)
    try:
        await user.send_text(CONCERNS[n % len(CONCERNS)])
        await d.message(lambda m: "哪个镇" in text_of(m), d.loop.time(), "the station question")
        d.end_step()
        pressed = await user.press(STATIONS[n % len(STATIONS)])
        since = d.loop.time()
        await d.answer(pressed, since)
        await d.message(lambda m: "电话" in text_of(m), since, "the contact question")
        d.end_step()
        if phone:
            await user.send_contact(f"138{n:08d}", own=True)
        else:
            await user.send_text("不留电话")
        since = d.loop.time()
        await d.message(lambda m: m.reply_markup == {"remove_keyboard": True}, since, "noted")
        card = await d.message(draft_or_similar, since, "the draft card")
        d.end_step()
        if text_of(card).startswith(SIMILAR):  # neighbours' open cases like this one: a new one
            pressed = await user.press(NEW_CASE)
            since = d.loop.time()
            await d.answer(pressed, since)
            await d.message(lambda m: "请确认您的反映" in text_of(m), since, "the draft card")
            d.end_step()
        pressed = await user.press("✅ 确认提交")
        since = d.loop.time()
        await d.answer(pressed, since)
        ack = await d.message(lambda m: "已受理" in text_of(m), since, "the acknowledgement")
        d.end_step()
        number = re.search(r"#(\d+)", text_of(ack))
        d.outcome.case = int(number[1]) if number else None
        if d.outcome.case is None:
            raise AssertionError(f"no case number in {text_of(ack)!r}")
    except Exception as e:
        d.outcome.error = f"{type(e).__name__}: {e}"[:300]
    return d.outcome


def draft_or_similar(message: SentMessage) -> bool:
    """The draft card, or the similar open cases offered before it."""
    return "请确认您的反映" in text_of(message) or text_of(message).startswith(SIMILAR)


REPLIES_PER_RESIDENT = 8  # six messages and two answers to button presses
STEPS_PER_RESIDENT = 4  # the concern, the station, the contact, the confirmation


def echoes(text: str) -> Callable[[SentMessage], bool]:
    """A test for the echo of text."""
    return lambda message: message.text == text


async def echo_user(stamps: StampedServer, user: FakeUser, n: int, count: int) -> Outcome:
    """Sends `count` texts one after another, each when the echo of the one before came back."""
    d = Driver(stamps, user)
    try:
        for i in range(count):
            text = f"回声 {n}-{i}"
            await user.send_text(text)
            await d.message(echoes(text), d.loop.time(), f"the echo of {text}")
            d.end_step()
    except Exception as e:
        d.outcome.error = f"{type(e).__name__}: {e}"[:300]
    return d.outcome

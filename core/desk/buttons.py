"""The desk's buttons, to the part whose action they name: r… reports, p… proposals, m…
consultations; whoever presses one is checked there."""

from __future__ import annotations

from core.callbacks import Callback
from core.cases.lifecycle import Refused
from core.context import Turn
from core.desk import consultations, proposals, reports
from core.states import Conversation


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """A press on a desk button."""
    match cb.action[:1]:
        case "r":
            await reports.on_button(turn, state, cb)
        case "p":
            await proposals.on_button(turn, state, cb)
        case "m":
            await consultations.on_button(turn, state, cb)
        case _:
            raise Refused("button_stale")

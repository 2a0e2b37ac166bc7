"""Similar cases and merging (并单) for members and coordinators: /similar, /merge, /unmerge."""

from __future__ import annotations

from core import callbacks
from core.callbacks import Scope
from core.cases import cards, casework, merging
from core.cases.lifecycle import Refused
from core.context import Turn
from core.messages import Button
from core.models import Case
from core.states import Conversation
from core.texts import shorten

SHOWN = 5
TEXT = 60


async def similar_cases(turn: Turn, case: Case) -> list[tuple[Case, tuple[str, ...]]]:
    """The open cases of the same tank and place that read like this one, best first."""
    found = await turn.similar.similar(
        case.text, case.tank, case.station, case.location, k=SHOWN + 3, exclude=[case.id]
    )
    out: list[tuple[Case, tuple[str, ...]]] = []
    for suggestion in found:
        other = await turn.uow.cases.get(suggestion.case_id)
        if other is None or not other.is_open:
            await turn.similar.remove(suggestion.case_id)
        elif other.tank == case.tank:
            out.append((other, suggestion.words))
    return out[:SHOWN]


async def similar(turn: Turn, state: Conversation) -> None:
    """/similar <number>: the open cases like it, each with a button to merge the newer of the
    two into the older."""
    number, _ = casework.split_number(turn.inbound.args)
    if number is None:
        raise Refused("similar_usage")
    case = await casework.load(turn, number)
    found = await similar_cases(turn, case)
    if not found:
        await turn.reply(turn.t("similar_none", ref=case.ref))
        return
    counts = await turn.uow.supporters.counts([case.id, *(c.id for c, _ in found)])
    loc, district = turn.locale, turn.district
    lines = [turn.t("similar_header", ref=case.ref, count=str(1 + counts.get(case.id, 0)))]
    buttons: list[list[Button]] = []
    for other, words in found:
        lines.append(
            turn.t(
                "similar_line",
                ref=other.ref,
                status=cards.status_name(loc, other),
                station=district.station_name(other.station, loc),
                date=district.local(other.created_at).strftime("%m-%d"),
                residents=str(1 + counts.get(other.id, 0)),
                words=turn.t("keyword_separator").join(words) or "-",
                text=shorten(other.text, TEXT),
            )
        )
        main, dup = sorted((case, other), key=lambda c: c.id)
        data = callbacks.pack(Scope.CASE, "merge", dup.id, main.id)
        buttons.append([Button(text=turn.t("btn_merge", dup=dup.ref, ref=main.ref), data=data)])
    await turn.reply("\n\n".join(lines), buttons=buttons, case_id=case.id)


async def merge(turn: Turn, state: Conversation) -> None:
    """/merge <duplicate> <main>."""
    parts = turn.inbound.args.split()
    numbers = [casework.parse_case_number(p) for p in parts[:2]]
    if len(parts) != 2 or None in numbers:
        raise Refused("merge_usage")
    duplicate = await merging.visible(turn, numbers[0])
    main = await merging.visible(turn, numbers[1])
    await merging.merge(turn, duplicate, main)


async def unmerge(turn: Turn, state: Conversation) -> None:
    """/unmerge <duplicate>."""
    number, _ = casework.split_number(turn.inbound.args)
    if number is None:
        raise Refused("unmerge_usage")
    await merging.unmerge(turn, await merging.visible(turn, number))

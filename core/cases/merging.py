"""Merging a duplicate into a main case (并单), and undoing it while the main case is open.

A merged duplicate closes; its resident becomes a supporter of the main case (they follow it and
are told of its outcome), and the status it had is kept, so that an unmerge gives it back.
"""

from __future__ import annotations

from core.callbacks import Callback
from core.cases import access, lifecycle, notices
from core.cases.lifecycle import Refused
from core.context import Turn
from core.models import Case, CaseEvent, CaseStatus, Supporter, Via
from core.states import Conversation


async def residents_behind(turn: Turn, case: Case) -> int:
    """The distinct residents behind a case: its author and its supporters."""
    return 1 + len(await notices.behind(turn.uow, case))


def _check(turn: Turn, duplicate: Case, main: Case) -> None:
    """Refused unless the duplicate may be merged into the main case by the sender."""
    refs = {"dup": duplicate.ref, "ref": main.ref}
    if duplicate.id == main.id:
        raise Refused("merge_same")
    if not access.may_merge(turn.person, duplicate, main):
        raise Refused("merge_not_allowed")
    for case in (duplicate, main):
        if not case.is_open:
            raise Refused("merge_not_open", ref=case.ref)
    if duplicate.tank != main.tank:
        raise Refused("merge_other_tank", **refs)


async def merge(turn: Turn, duplicate: Case, main: Case) -> None:
    """Close the duplicate as merged into the main case; its resident is told and follows it."""
    _check(turn, duplicate, main)
    uow, now = turn.uow, turn.now
    prior = duplicate.status
    record = Supporter(
        main.id, duplicate.resident_id, Via.MERGE, now, merged_from=duplicate.id, prior_status=prior
    )
    if not await uow.supporters.add(record):
        raise Refused("merge_already", ref=duplicate.ref)
    duplicate.status, duplicate.closed_at, duplicate.updated_at = CaseStatus.CLOSED, now, now
    lifecycle.set_due(duplicate, None, now, 0)
    await uow.cases.update(duplicate)
    actor = turn.person.id
    await uow.events.add(CaseEvent(duplicate.id, "merged", now, actor, {"into": main.id}))
    count = await residents_behind(turn, main)
    data = {"dup": duplicate.id, "count": count}
    await uow.events.add(CaseEvent(main.id, "merged_in", now, actor, data))
    await notices.retire_buttons(uow, duplicate, now)
    await _tell(turn, duplicate, main, "resident_merged")
    await turn.similar.remove(duplicate.id)
    await turn.reply(turn.t("merge_done", dup=duplicate.ref, ref=main.ref, count=str(count)))


async def _tell(turn: Turn, duplicate: Case, main: Case, key: str) -> None:
    """Tell the duplicate's resident what became of it (their own case's messages)."""
    resident = await turn.uow.people.get(duplicate.resident_id)
    if resident is not None:
        text = notices.case_text_for(resident, key, main, dup=duplicate.ref)
        await turn.send_to(resident, text, case_id=duplicate.id)


async def unmerge(turn: Turn, duplicate: Case) -> None:
    """Give a merged duplicate back its own life, while its main case is still open."""
    uow, now = turn.uow, turn.now
    record = await uow.supporters.merged_into(duplicate.id)
    main = await uow.cases.get(record.case_id) if record is not None else None
    if record is None or main is None:
        raise Refused("unmerge_not_merged", dup=duplicate.ref)
    if not access.may_merge(turn.person, duplicate, main):
        raise Refused("merge_not_allowed")
    if not main.is_open:
        ended = main.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
        if ended and await uow.supporters.merged_into(main.id) is None:
            raise Refused("unmerge_too_late", ref=main.ref)
        raise Refused("unmerge_main_closed", ref=main.ref)
    await uow.supporters.unmerge(duplicate.id)
    prior = record.prior_status or CaseStatus.OPEN
    duplicate.closed_at, duplicate.updated_at = None, now
    deadlines = turn.district.deadlines(duplicate.tank)
    if prior == CaseStatus.CLAIMED and await notices.holder(uow, duplicate) is not None:
        duplicate.status = CaseStatus.CLAIMED
        lifecycle.set_due(duplicate, "resolve", now, deadlines.resolve)
    else:
        lifecycle.route(duplicate, duplicate.tank, now, deadlines, fresh=True)
    await uow.cases.update(duplicate)
    actor = turn.person.id
    await uow.events.add(CaseEvent(duplicate.id, "unmerged", now, actor, {"into": main.id}))
    await uow.events.add(CaseEvent(main.id, "unmerged_out", now, actor, {"dup": duplicate.id}))
    await _tell(turn, duplicate, main, "resident_unmerged")
    await turn.similar.add(duplicate)
    await turn.reply(turn.t("unmerge_done", dup=duplicate.ref))


async def visible(turn: Turn, case_id: int | None) -> Case:
    """A case the sender may see; Refused with the not-found text otherwise."""
    case = await turn.uow.cases.get(case_id) if case_id else None
    if case is None or not access.can_view(turn.person, case):
        raise Refused("case_not_found", ref=f"#{case_id or '?'}")
    return case


async def merge_button(turn: Turn, state: Conversation, duplicate: Case, cb: Callback) -> None:
    """case:merge:<duplicate>:<main>, from the similar cases' list."""
    main = await visible(turn, cb.int_arg(1))
    await merge(turn, duplicate, main)  # a refusal answers the press itself
    await turn.answer()

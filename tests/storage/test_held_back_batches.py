"""How a unit's held-back writes are cut into runs of one statement (one executemany each):
in order, but for the statements that commute, which are gathered between two that do not."""

from __future__ import annotations

from storage.buffer import batches

EVENT, OUTBOX, CASE = "INSERT INTO case_events", "INSERT INTO outbox", "UPDATE cases"
OTHER = "UPDATE people"


def test_writes_that_do_not_commute_keep_their_order() -> None:
    queued = [(EVENT, (1,)), (OUTBOX, (2,)), (EVENT, (3,)), (EVENT, (4,))]
    assert batches(queued, set()) == [
        (EVENT, [(1,)]),
        (OUTBOX, [(2,)]),
        (EVENT, [(3,), (4,)]),
    ]


def test_commuting_writes_are_gathered_by_statement_each_in_its_first_place() -> None:
    queued = [(CASE, (1,)), (EVENT, (2,)), (OUTBOX, (3,)), (CASE, (4,)), (OUTBOX, (5,))]
    queued += [(EVENT, (6,))]
    assert batches(queued, {CASE, EVENT, OUTBOX}) == [
        (CASE, [(1,), (4,)]),
        (EVENT, [(2,), (6,)]),
        (OUTBOX, [(3,), (5,)]),
    ]


def test_a_write_that_does_not_commute_is_never_crossed() -> None:
    queued = [(EVENT, (1,)), (OUTBOX, (2,)), (OTHER, (3,)), (EVENT, (4,)), (OUTBOX, (5,))]
    queued += [(OTHER, (6,)), (OTHER, (7,)), (EVENT, (8,))]
    assert batches(queued, {EVENT, OUTBOX}) == [
        (EVENT, [(1,)]),
        (OUTBOX, [(2,)]),
        (OTHER, [(3,)]),
        (EVENT, [(4,)]),
        (OUTBOX, [(5,)]),
        (OTHER, [(6,), (7,)]),
        (EVENT, [(8,)]),
    ]


def test_nothing_held_back_is_no_run() -> None:
    assert batches([], {EVENT}) == []

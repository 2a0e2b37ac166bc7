"""The Official Account's customer-service window and quota, as the platform counts them.

A resident's message allows 5 customer-service messages within 48 hours (a later message starts
a new allowance of 5); a msgmenu tap, a custom-menu click or a subscription allows 3 within one
minute. The platform spends the allowance that ends first. Outside every allowance a template
message is the only way to reach the resident.
"""

from __future__ import annotations

from storage.ingress import Opened

WINDOW_MS = 48 * 3600 * 1000
TAP_MS = 60 * 1000
MESSAGE_QUOTA = 5
TAP_QUOTA = 3


def allowances(opened: Opened, now_ms: int) -> list[tuple[str, int]]:
    """The messages the chat may still get now, in the order the platform spends them: each as
    (what opened it, the ingress row that opened it)."""
    live: list[tuple[int, str, int, int]] = []  # (ends at, opens, opened by, left)
    if opened.tap_at is not None and now_ms < opened.tap_at + TAP_MS:
        left = TAP_QUOTA - opened.tap_sent
        live.append((opened.tap_at + TAP_MS, "tap", opened.tap_row, left))
    if opened.message_at is not None and now_ms < opened.message_at + WINDOW_MS:
        left = MESSAGE_QUOTA - opened.message_sent
        live.append((opened.message_at + WINDOW_MS, "message", opened.message_row, left))
    return [(kind, row) for _, kind, row, left in sorted(live) for _ in range(max(0, left))]

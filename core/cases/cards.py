"""Cards: how a draft or a case is shown to each audience. Who sees what is decided here."""

from __future__ import annotations

from core.cases import measures
from core.context import District, Turn
from core.models import Case, CaseEvent, KeywordHit
from core.states import Draft
from core.texts import CATALOGUES, Markup, esc, m, placeholders, shorten, t

CARD_TEXT = 900
LIST_TEXT = 40
EVENT_TEXT = 200
TIMELINE_EVENTS = 25
ROUTE_WORDS = 2  # the resident's words the card names as the reason for its routing
SYSTEM_REASONS = ("triage_reason", "member_retired")  # stored in the words of whoever acted


def keyword_list(locale: str, hits: tuple[KeywordHit, ...], limit: int = 6) -> Markup:
    """The deciding words as the resident wrote them, with their weights: 欠薪（3）、工资（0.8）."""
    return Markup(
        t(locale, "keyword_separator").join(
            t(locale, "keyword_weight", word=h.shown, weight=f"{h.weight:g}") for h in hits[:limit]
        )
    )


def _routing_line(
    locale: str, district: District, tank: str | None, hits: tuple[KeywordHit, ...]
) -> Markup:
    """Where the concern goes and why, in plain words: the words of theirs that decided it."""
    if tank is None:
        return m(locale, "card_route_triage")
    name = district.tank_name(tank, locale)
    if not hits:
        return m(locale, "card_route", tank=name)
    # Single words first (in the order they counted), a rule's words found after: 工钱 says
    # the reason more plainly than 欠了…不给.
    plain_first = sorted(hits, key=lambda h: h.combined)
    words = Markup(
        t(locale, "keyword_separator").join(
            t(locale, "keyword_quoted", word=h.shown) for h in plain_first[:ROUTE_WORDS]
        )
    )
    return m(locale, "card_route_because", tank=name, keywords=words)


def _contact_line(locale: str, draft: Draft) -> Markup:
    kind = draft.contact
    if kind == "phone":
        line = m(locale, "card_contact_phone", phone=draft.phone or "")
    else:
        line = m(locale, "card_contact_anonymous" if kind == "anonymous" else "card_contact_none")
    if draft.location:
        line = Markup(line + "\n" + m(locale, "card_location"))
    return line


def draft_card(turn: Turn, draft: Draft) -> str:
    """The confirmation card a resident checks before submitting."""
    loc = turn.locale
    hits = () if draft.tank_chosen else draft.hits
    return t(
        loc,
        "draft_card",
        text=shorten(draft.text, CARD_TEXT),
        photos=len(draft.photos),
        station=turn.district.station_name(draft.station, loc),
        contact=_contact_line(loc, draft),
        route=_routing_line(loc, turn.district, draft.tank, hits),
    )


def status_name(locale: str, case: Case) -> str:
    """A case's status in words."""
    return t(locale, f"status_{case.status.value}")


def case_line(locale: str, district: District, case: Case) -> str:
    """One line of a case list."""
    return t(
        locale,
        "case_line",
        ref=case.ref,
        status=status_name(locale, case),
        tank=district.place_name(case.tank, case.referred_to, locale),
        date=district.local(case.created_at).strftime("%m-%d"),
        text=shorten(case.text, LIST_TEXT),
    )


def _other_fields_line(locale: str, district: District, hits: tuple[KeywordHit, ...]) -> Markup:
    """Why a concern stayed out of the tanks: the words of other fields it holds (路灯)."""
    others = [h for h in hits if h.other]
    if not others:
        return Markup("")
    sep = t(locale, "keyword_separator")
    words = Markup(sep.join(t(locale, "keyword_quoted", word=h.shown) for h in others[:3]))
    tanks = sep.join(tank.name(locale) for tank in district.tanks)
    return m(locale, "notice_other_fields", words=words, tanks=tanks)


def member_notice(locale: str, district: District, case: Case) -> str:
    """A new case as members see it: no name, no contact.

    A concern in triage because of other fields' words (nlp.classifier) names them on a line
    of its own; the tanks' words found, if any, stay on the keywords line.
    """
    own = tuple(h for h in case.keywords if not h.other)
    line = (
        m(
            locale,
            "notice_keywords",
            keywords=keyword_list(locale, own),
            confidence=f"{case.confidence:.0%}",
        )
        if own
        else ""
    )
    keywords = Markup(line + _other_fields_line(locale, district, case.keywords))
    tank = {"tank": district.tank_name(case.tank, locale)} if case.tank else {}
    return t(
        locale,
        "member_notice" if case.tank else "triage_notice",
        ref=case.ref,
        **tank,
        text=shorten(case.text, CARD_TEXT),
        station=district.station_name(case.station, locale),
        photos=len(case.photos),
        keywords=keywords,
        time=district.show_time(case.created_at),
    )


def event_line(locale: str, district: District, event: CaseEvent) -> str:
    """One entry of a case's timeline."""
    data: dict[str, object] = {
        k: v for k, v in event.data.items() if isinstance(v, str | int | float) and k != "tank"
    }
    if isinstance(data.get("text"), str):
        data["text"] = shorten(str(data["text"]), EVENT_TEXT)
    data["tank"] = district.tank_name(event.data.get("tank"), locale)
    data["side_label"] = t(
        locale, "side_resident" if data.get("side") == "resident" else "side_member"
    )
    reason = _system_reason(data.get("reason"))
    if reason is not None:
        data["reason"] = t(locale, reason)
    owed = data.get("owed")
    if isinstance(owed, str) and f"owed_{owed}" in CATALOGUES["zh"]:
        data["owed"] = t(locale, f"owed_{owed}")
    if "name_zh" in data:  # a body outside the tanks, named in both languages when recorded
        data["name"] = data["name_zh"] if locale == "zh" else data.get("name_en", data["name_zh"])
    rating = data.get("rating")
    data["rating_label"] = t(locale, f"rating_{rating}") if rating in measures.RATINGS else ""
    key = f"event_{event.kind}"
    if key in CATALOGUES["zh"]:  # an event's data fills the placeholders its text has
        wanted = placeholders(CATALOGUES[locale].get(key) or CATALOGUES["zh"][key])
        label = t(locale, key, **{k: v for k, v in data.items() if k in wanted})
    else:
        label = esc(event.kind)
    return f"{esc(district.show_time(event.at))}  {label}"


def _system_reason(reason: object) -> str | None:
    """The catalogue key of a reason the bot gave (in any locale), if it is one."""
    for key in SYSTEM_REASONS:
        if any(reason == catalogue[key] for catalogue in CATALOGUES.values()):
            return key
    return None


def case_timeline(
    locale: str,
    district: District,
    case: Case,
    events: list[CaseEvent],
    contact: bool = False,
    location: bool = False,
    staff: bool = True,
) -> str:
    """A case with its timeline, for someone allowed to see it (contact and location only when
    told they may); a resident's in their words, a member's or coordinator's in the office's."""
    lines = [event_line(locale, district, e) for e in events[-TIMELINE_EVENTS:]]
    if len(events) > TIMELINE_EVENTS:
        lines.insert(0, t(locale, "timeline_more", count=len(events) - TIMELINE_EVENTS))
    contact_text = Markup("")
    if contact:
        contact_text = (
            m(locale, "case_contact_anonymous")
            if case.anonymous
            else m(
                locale,
                "case_contact",
                name=case.contact_name or "-",
                phone=case.contact_phone or t(locale, "not_given"),
            )
        )
    if location and case.location is not None:
        lat, lon = case.location
        place = m(locale, "case_location", lat=f"{lat:.5f}", lon=f"{lon:.5f}")
        contact_text = Markup(f"{contact_text}\n{place}" if contact_text else place)
    return t(
        locale,
        "case_detail_staff" if staff else "case_detail",
        ref=case.ref,
        status=t(locale, f"staff_status_{case.status.value}")
        if staff
        else status_name(locale, case),
        tank=district.place_name(case.tank, case.referred_to, locale),
        station=district.station_name(case.station, locale),
        text=shorten(case.text, 1500),
        contact=contact_text,
        timeline=Markup("\n".join(lines)),
    )

"""The hostile and malformed inputs of the abuse part, each with the answer it must get."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes import FakeUser
from tests.fakes.content import message_dict
from tests.stress.crowd import text_of

NOT_ALLOWED = "不是您能用的命令"
STALE = "该按钮已失效"
NEED_WORDS = "请用文字描述您的问题"
UNSUPPORTED = "暂不支持"

Send = Callable[[FakeUser], Awaitable[dict[str, Any]]]


def not_found(number: object) -> str:
    """The refusal for a case the asker may not see."""
    return f"没有找到编号为 #{number} 的事项"


@dataclass
class Probe:
    """One hostile input: who sends it, what, and what the answer must contain."""

    name: str
    who: str
    send: Send
    expect: str
    button: bool = False  # the answer is a button-press answer (an alert), not a message


@dataclass
class Outcome:
    """What became of a probe."""

    probe: Probe
    ok: bool
    got: str


def text(value: str) -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        return await user.send_text(value)

    return send


def command(name: str, args: str = "") -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        return await user.send_command(name, args)

    return send


def forged(data: str) -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        return await user.forge_callback(data)

    return send


def raw(content: dict[str, Any]) -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        return await user.send_message(**content)

    return send


def no_data_press() -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        server, message = user.server, user.last_message
        assert message is not None
        query_id = f"{user.id}{len(user.answers) + 1:04d}"
        server.state.open_queries[query_id] = user.id
        query = {
            "id": query_id,
            "from": user.user,
            "message": message_dict(message, user.chat, server.bot_user),
            "chat_instance": str(user.id),
        }
        return server.push({"callback_query": query})

    return send


def unreadable_then_help() -> Send:
    """An update the bot's library cannot read (a poll without the fields a newer Bot API made
    required, as after a Bot API change), then /help: the bot must skip the first and answer."""

    async def send(user: FakeUser) -> dict[str, Any]:
        await user.send_message(poll={"id": "1", "question": "?", "options": []})
        return await user.send_command("help")

    return send


def press(label: str) -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        return await user.press(label)

    return send


def media(kind: str, **fields: Any) -> dict[str, Any]:
    """A message of an unsupported kind."""
    item = {"file_id": f"{kind}-file", "file_unique_id": f"{kind}-unique", **fields}
    return {kind: item}


def probes(own: int, other: int, claimed: int) -> list[Probe]:
    """The hostile inputs. `own` is the nosy resident's case, `other` someone else's, `claimed`
    a case the first law member holds."""
    staff_only = [
        ("pending", ""),
        ("mine", ""),
        ("stats", ""),
        ("overdue", ""),
        ("triage", ""),
        ("assign", f"{other} law"),
        ("find", "工资"),
        ("invite", "law"),
        ("members", ""),
        ("removemember", "1"),
        ("extend", f"{other} 3 拖延一下"),
        ("deadlines", ""),
        ("resolve", f"{other} 已办结"),
        ("note", f"{other} 内部备注"),
        ("transfer", f"{other} economy 冒充转交"),
        ("refer", f"{other} rexian 冒充转办"),
    ]
    found = [
        Probe(f"/{name} from a resident", "intruder", command(name, args), NOT_ALLOWED)
        for name, args in staff_only
    ]
    found += [
        Probe("someone else's case", "nosy", command("case", str(other)), not_found(other)),
        Probe(
            "/reply to someone else's case",
            "nosy",
            command("reply", f"{other} 我是冒充的"),
            not_found(other),
        ),
        Probe("a case that does not exist", "nosy", command("case", "99999"), not_found(99999)),
        Probe("#-style number, not theirs", "nosy", command("case", f"#{other}"), not_found(other)),
        Probe(
            "full-width ＃ number, not theirs",
            "nosy",
            command("case", f"＃{claimed}"),
            not_found(claimed),
        ),
        Probe("SQL in a case number", "nosy", command("case", "1' OR '1'='1"), "请写上编号"),
        Probe("SQL after a case number", "nosy", command("case", "1; DROP TABLE cases"), "请写上"),
        Probe("4,096-character case number", "nosy", command("case", "9" * 4090), "请写上编号"),
    ]
    forged_presses = [
        ("claim button on someone else's case", f"case:claim:{other}", not_found(other)),
        ("resolve button on someone else's case", f"case:resolve:{other}", not_found(other)),
        ("rating button on someone else's case", f"case:rate:{other}:good", not_found(other)),
        ("triage routing button", f"case:route:{other}:law", not_found(other)),
        ("transfer target button", f"case:xfer:{claimed}:economy", not_found(claimed)),
        ("details of someone else's case", f"case:detail:{claimed}", not_found(claimed)),
        ("reply button on someone else's case", f"case:reply:{claimed}", not_found(claimed)),
        ("claim button on their own case", f"case:claim:{own}", "该案件不属于您所在的智库"),
        ("rating their own unresolved case", f"case:rate:{own}:good", "这件事现在不需要评价"),
        ("unknown action on their own case", f"case:frobnicate:{own}", STALE),
        ("negative case number", "case:claim:-1", not_found("?")),
        ("14-digit case number", "case:claim:99999999999999", not_found("?")),
        ("SQL in button data", "case:claim:1 OR 1=1", STALE),
        ("statement in button data", "case:claim:1;DROP TABLE cases", STALE),
        ("unknown scope", "案件:认领:1", STALE),
        ("forged draft id", "in:ok:deadbeef", STALE),
        ("forged draft tank choice", "in:tank:deadbeef:law", STALE),
        ("forged erase-me variant", "me:nuke", STALE),
        ("100 bytes of button data", "x" * 100, STALE),
        ("empty button data", "", STALE),
        ("Arabic-Indic digits for a case number", "case:claim:١", not_found("?")),
        ("referral of someone else's case", f"refer:to:{other}:rexian", not_found(other)),
        ("rating someone else's referral", f"refer:rate:{other}:good", not_found(other)),
    ]
    found += [
        Probe(f"forged: {name}", "nosy" if i < 10 else "forger", forged(data), expect, button=True)
        for i, (name, data, expect) in enumerate(forged_presses)
    ]
    found.append(Probe("a press with no data at all", "forger", no_data_press(), STALE, True))
    location = {"location": {"latitude": 39.6, "longitude": 118.1}}
    contact = {"contact": {"phone_number": "13900000000", "first_name": "别人"}}
    sticker = media("sticker", type="regular", width=1, height=1, is_animated=False, is_video=False)
    odd: list[tuple[str, Send, str]] = [
        ("empty text", text(""), NEED_WORDS),
        ("blank text", text(" \n\t "), NEED_WORDS),
        ("zero-width characters only", text("\u200b\u200c\u200d\u2060\ufeff"), NEED_WORDS),
        ("right-to-left controls only", text("\u202e\u202b\u200f\u061c"), NEED_WORDS),
        ("emoji only", text("😀🙏🔥"), NEED_WORDS),
        ("a location first", raw(location), "请先用文字描述"),
        ("someone else's phone first", raw(contact), "请先用文字描述"),
        ("sticker", raw(sticker), UNSUPPORTED),
        ("voice", raw(media("voice", duration=3)), UNSUPPORTED),
        ("document", raw(media("document", file_name="x.exe")), UNSUPPORTED),
        ("video", raw(media("video", width=1, height=1, duration=1)), UNSUPPORTED),
        ("video note", raw(media("video_note", length=1, duration=1)), UNSUPPORTED),
        ("audio", raw(media("audio", duration=1)), UNSUPPORTED),
        ("dice", raw({"dice": {"emoji": "🎲", "value": 6}}), UNSUPPORTED),
        ("an update the bot's library cannot read, then /help", unreadable_then_help(), "您可以："),
        ("unknown command", command("frobnicate"), "/frobnicate 不是您能用的命令"),
        ("64-letter command", command("x" * 64), "不是您能用的命令"),
        ("a forged invitation", command("start", "not-a-real-code"), "邀请链接无效"),
        # Letters and digits among the control bytes: taken as the start of a concern.
        ("binary-looking text", text("\x00\x01\x02\x7f\x1b[0;31m\ufffd\x08"), "请再多写几句"),
        ("SQL as a concern (a draft begins)", text("'); DROP TABLE cases; -- 工资"), "哪个镇"),
        ("HTML added to the draft", text("<script>alert(1)</script>"), "已补充"),
        ("/cancel of that draft", command("cancel"), "已取消"),
        ("4,096-character concern", text(("欠薪<&>" * 1000)[:4096]), "哪个镇"),
        ("/cancel", command("cancel"), "已取消"),
    ]
    found += [Probe(name, "odd", send, expect) for name, send, expect in odd]
    found.insert(
        -2,
        Probe("a station button pressed after /cancel", "odd", press("钱营镇"), STALE, True),
    )
    found += [
        Probe("HTML in a name", "html", command("start"), "<b>老板</b> & <i>"),
        Probe("/forgetme from a member", "member", command("forgetme"), NOT_ALLOWED),
        Probe("coordinator command from a member", "member", command("stats"), NOT_ALLOWED),
        Probe(
            "another tank's case, by a member",
            "member",
            command("resolve", f"{claimed} 办结"),
            not_found(claimed),
        ),
        Probe(
            "claim on a case another member holds",
            "rival",
            forged(f"case:claim:{claimed}"),
            "该案件已被其他委员认领",
            button=True,
        ),
    ]
    return found


async def run_probe(user: FakeUser, probe: Probe) -> Outcome:
    """Send one probe and judge its answer."""
    seen = len(user.messages)
    update = await probe.send(user)
    try:
        if probe.button:
            query_id = update["callback_query"]["id"]
            answer = await user.chat.signal.wait_until(
                lambda: next((a for a in user.answers if a.callback_query_id == query_id), None),
                20,
                lambda: f"the answer to {probe.name}",
            )
            got = answer.text or ""
        else:
            message = await user.chat.signal.wait_until(
                lambda: next((m for m in user.messages[seen:] if probe.expect in text_of(m)), None),
                20,
                lambda: f"the answer to {probe.name}",
            )
            got = text_of(message)
    except AssertionError:
        later = [text_of(m) for m in user.messages[seen:]]
        return Outcome(probe, False, " / ".join(later)[:200] or "(no answer)")
    return Outcome(probe, probe.expect in got, got[:120])

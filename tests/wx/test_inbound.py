"""Safe XML parsing of callback bodies and the typed inbound records of both platforms."""

from __future__ import annotations

import pytest

from handlers.wx.wechat_inbound import (
    WeChatEvent,
    WeChatImage,
    WeChatLocation,
    WeChatText,
    WeChatUnsupported,
    WeChatVoice,
    parse_wechat,
)
from handlers.wx.wecom_inbound import (
    WeComCardEvent,
    WeComEvent,
    WeComImage,
    WeComLocation,
    WeComText,
    WeComUnsupported,
    parse_wecom,
)
from handlers.wx.xmlsafe import MAX_BODY, MalformedMessage, XmlRefused, parse_fields

HEAD = (
    "<xml><ToUserName><![CDATA[gh_fengnan]]></ToUserName>"
    "<FromUserName><![CDATA[oRes1dent]]></FromUserName><CreateTime>1764400000</CreateTime>"
)
WECOM_HEAD = (
    "<xml><ToUserName><![CDATA[ww_corp]]></ToUserName>"
    "<FromUserName><![CDATA[zhang.lawyer]]></FromUserName><CreateTime>1764400000</CreateTime>"
)


def wechat(body: str) -> object:
    return parse_wechat(parse_fields((HEAD + body + "</xml>").encode()))


def wecom(body: str) -> object:
    return parse_wecom(
        parse_fields((WECOM_HEAD + body + "<AgentID>1000002</AgentID></xml>").encode())
    )


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<xml><Content>&lol3;</Content></xml>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><Content>&xxe;</Content></xml>"
)
QUADRATIC = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "' + "a" * 5000 + '">]>'
    "<xml><Content>" + "&a;" * 5000 + "</Content></xml>"
)
EXTERNAL_DTD = '<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://127.0.0.1:1/x.dtd"><xml/>'
PARAMETER_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p">%p;]><xml/>'
)


@pytest.mark.parametrize(
    "body",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, QUADRATIC, EXTERNAL_DTD, PARAMETER_ENTITY],
    ids=["billion-laughs", "external-entity", "quadratic-blowup", "external-dtd", "parameter"],
)
def test_xml_bombs_and_doctypes_are_refused(body: str) -> None:
    with pytest.raises(XmlRefused):
        parse_fields(body.encode())


@pytest.mark.parametrize(
    "body",
    [b"", b"   ", b"\x00\xff\xfe binary", b"<xml><a>open</xml>", b"<html/>", b"not xml", b"<xml>"],
)
def test_junk_and_other_roots_are_refused(body: bytes) -> None:
    with pytest.raises(XmlRefused):
        parse_fields(body)


def test_body_cap_and_field_cap() -> None:
    padded = b"<xml><Content>" + b"x" * MAX_BODY + b"</Content></xml>"
    with pytest.raises(XmlRefused, match="too large"):
        parse_fields(padded)
    many = "<xml>" + "".join(f"<F{i}>1</F{i}>" for i in range(100)) + "</xml>"
    with pytest.raises(XmlRefused, match="too many"):
        parse_fields(many.encode())


def test_cdata_text_is_kept_verbatim_and_markup_in_it_is_text() -> None:
    fields = parse_fields(
        b"<xml><Content><![CDATA[<b>\xe5\x9d\x91</b> &amp; =1+1 ]]></Content><X>1</X><X>2</X></xml>"
    )
    assert fields.get("Content") == "<b>坑</b> &amp; =1+1 "
    assert fields.get("X") == "1"


def test_wechat_text_and_msgmenu_tap() -> None:
    text = wechat(
        "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[路灯坏了]]></Content><MsgId>2420</MsgId>"
    )
    assert isinstance(text, WeChatText)
    assert (text.open_id, text.content, text.menu_id, text.dedupe_key) == (
        "oRes1dent",
        "路灯坏了",
        None,
        "wechat:msg:2420",
    )
    tap = wechat(
        "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[确认提交]]></Content>"
        "<MsgId>2421</MsgId><bizmsgmenuid>intake:confirm</bizmsgmenuid>"
    )
    assert isinstance(tap, WeChatText) and tap.menu_id == "intake:confirm"


def test_wechat_media_and_location() -> None:
    image = wechat(
        "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz/p.jpg]]></PicUrl>"
        "<MediaId><![CDATA[media_1]]></MediaId><MsgId>1</MsgId>"
    )
    assert isinstance(image, WeChatImage) and (image.media_id, image.pic_url) == (
        "media_1",
        "http://mmbiz/p.jpg",
    )
    voice = wechat(
        "<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[v1]]></MediaId>"
        "<Format><![CDATA[amr]]></Format><Recognition><![CDATA[路灯坏了]]></Recognition><MsgId>2</MsgId>"
    )
    assert isinstance(voice, WeChatVoice) and (voice.format, voice.recognition) == (
        "amr",
        "路灯坏了",
    )
    bare = wechat(
        "<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[v2]]></MediaId><MsgId>3</MsgId>"
    )
    assert isinstance(bare, WeChatVoice) and bare.recognition is None
    place = wechat(
        "<MsgType><![CDATA[location]]></MsgType><Location_X>39.6243</Location_X>"
        "<Location_Y>118.0856</Location_Y><Scale>15</Scale><Label><![CDATA[丰南区]]></Label><MsgId>4</MsgId>"
    )
    assert isinstance(place, WeChatLocation)
    assert (place.latitude, place.longitude, place.scale, place.label) == (
        39.6243,
        118.0856,
        15,
        "丰南区",
    )


def test_wechat_events_and_their_dedupe_keys() -> None:
    sub = wechat("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>")
    unsub = wechat("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[unsubscribe]]></Event>")
    click = wechat(
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event>"
        "<EventKey><![CDATA[menu:report]]></EventKey>"
    )
    done = wechat(
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>"
        "<MsgID>200163836</MsgID><Status><![CDATA[failed:user block]]></Status>"
    )
    assert isinstance(sub, WeChatEvent) and isinstance(unsub, WeChatEvent)
    assert isinstance(click, WeChatEvent) and (click.event, click.event_key) == (
        "click",
        "menu:report",
    )
    assert isinstance(done, WeChatEvent)
    assert (done.event, done.template_msg_id, done.status) == (
        "templatesendjobfinish",
        "200163836",
        "failed:user block",
    )
    assert sub.dedupe_key == "wechat:event:oRes1dent:1764400000:subscribe"
    keys = {sub.dedupe_key, unsub.dedupe_key, click.dedupe_key, done.dedupe_key}
    assert len(keys) == 4
    again = wechat("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>")
    assert again.dedupe_key == sub.dedupe_key  # type: ignore[attr-defined]


def test_wechat_unsupported_and_malformed() -> None:
    video = wechat("<MsgType><![CDATA[video]]></MsgType><MediaId>m</MediaId><MsgId>9</MsgId>")
    assert isinstance(video, WeChatUnsupported) and video.msg_type == "video"
    for body in (
        "<MsgType><![CDATA[text]]></MsgType>",  # no Content
        "<MsgType><![CDATA[image]]></MsgType>",  # no MediaId
        "<MsgType><![CDATA[location]]></MsgType><Location_X>north</Location_X><Location_Y>1</Location_Y>",
        "<MsgType><![CDATA[location]]></MsgType><Location_X>nan</Location_X><Location_Y>1</Location_Y>",
        "<MsgType><![CDATA[event]]></MsgType>",  # no Event
    ):
        with pytest.raises(MalformedMessage):
            wechat(body)
    with pytest.raises(MalformedMessage):
        parse_wechat(parse_fields(b"<xml><MsgType>text</MsgType><Content>x</Content></xml>"))
    with pytest.raises(MalformedMessage):
        parse_wechat(
            parse_fields(
                b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName>"
                b"<CreateTime>-1</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>"
            )
        )


def test_wecom_messages_and_card_press() -> None:
    text = wecom(
        "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[/cases]]></Content><MsgId>77</MsgId>"
    )
    assert isinstance(text, WeComText)
    assert (text.user_id, text.agent_id, text.dedupe_key) == (
        "zhang.lawyer",
        "1000002",
        "wecom:msg:77",
    )
    image = wecom(
        "<MsgType><![CDATA[image]]></MsgType><MediaId><![CDATA[m]]></MediaId><MsgId>78</MsgId>"
    )
    assert isinstance(image, WeComImage)
    place = wecom(
        "<MsgType><![CDATA[location]]></MsgType><Location_X>39.6</Location_X>"
        "<Location_Y>118.1</Location_Y><Label><![CDATA[稻地镇]]></Label><MsgId>79</MsgId>"
    )
    assert isinstance(place, WeComLocation) and place.label == "稻地镇"
    press = wecom(
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
        "<EventKey><![CDATA[case:claim:12]]></EventKey><TaskId><![CDATA[case-12-n7]]></TaskId>"
        "<CardType><![CDATA[button_interaction]]></CardType>"
        "<ResponseCode><![CDATA[rc-abc]]></ResponseCode>"
    )
    assert isinstance(press, WeComCardEvent)
    assert (press.event_key, press.task_id, press.response_code) == (
        "case:claim:12",
        "case-12-n7",
        "rc-abc",
    )
    assert press.dedupe_key == "wecom:card:zhang.lawyer:case-12-n7:case:claim:12:1764400000"
    enter = wecom(
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><EventKey></EventKey>"
    )
    click = wecom(
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[click]]></Event>"
        "<EventKey><![CDATA[menu:cases]]></EventKey>"
    )
    assert isinstance(enter, WeComEvent) and enter.event == "enter_agent"
    assert isinstance(click, WeComEvent) and click.event_key == "menu:cases"
    assert enter.dedupe_key != click.dedupe_key
    voice = wecom("<MsgType><![CDATA[voice]]></MsgType><MediaId>v</MediaId><MsgId>80</MsgId>")
    assert isinstance(voice, WeComUnsupported) and voice.msg_type == "voice"
    with pytest.raises(MalformedMessage):  # a card press without its task id
        wecom(
            "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
            "<EventKey><![CDATA[case:claim:12]]></EventKey>"
        )

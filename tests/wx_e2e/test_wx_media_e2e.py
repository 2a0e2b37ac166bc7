"""Photos, voice and places from WeChat: a photo's MediaId (valid three days) is downloaded at
once and kept, so members see it through a signed link; a voice message is kept as an
attachment; a location becomes the case's place."""

from __future__ import annotations

from tests.wx_e2e.conftest import WxBot, got, got_wecom
from tests.wx_e2e.test_wechat_life_e2e import CONCERN, PHONE

JPEG = b"\xff\xd8\xff\xe0 a resident's photo of the unpaid wage slip"


async def test_a_photo_voice_and_place_reach_the_member(wx: WxBot) -> None:
    zhang = await wx.add_member("zhang", "law", "张律师")
    api = wx.wechat_api
    resident = wx.resident("o_media")
    # The platform is busy at first: the download is tried again, the photo not lost.
    wx.wechat_api.faults.fail_next("/cgi-bin/media/get", "busy", times=2)
    await resident.send_image(JPEG)
    await got(api, "o_media", "照片")
    await resident.send_voice(recognition=None)
    await resident.send_location(39.57, 118.08, "钱营镇政府")
    await resident.send_text(CONCERN)
    await got(api, "o_media", "哪个镇")
    # The platform forgets the media after three days: what the bot kept does not depend on it.
    api.media.clear()
    await resident.tap("钱营镇")
    await got(api, "o_media", "联系电话")
    await resident.send_text(PHONE)
    await got(api, "o_media", "请确认您的反映")
    await resident.tap("✅ 确认提交")
    await got(api, "o_media", "已受理")
    await wx.settle()

    assert wx.wechat_api.faults.injected["busy"] == 2
    kept = await wx.rows("SELECT id, kind, content_type, content FROM files ORDER BY id")
    assert [(k, t) for _, k, t, _ in kept] == [("image", "image/jpeg"), ("voice", "audio/amr")]
    assert kept[0][3] == JPEG
    assert await wx.rows("SELECT photos, latitude, longitude FROM cases") == [
        (f'["file:{kept[0][0]}", "file:{kept[1][0]}"]', 39.57, 118.08)
    ]

    # The member sees the photo and hears the voice in the app (image and voice messages
    # uploaded from what the bot kept), the place on a map once claimed.
    photo = await got_wecom(wx.wecom_api, "zhang", ".jpg")
    assert photo.kind == "image" and photo.upload is not None and photo.upload.content == JPEG
    voice = await got_wecom(wx.wecom_api, "zhang", ".amr")
    assert voice.kind == "voice"
    assert all("files.example" not in d.text for d in wx.wecom_api.received("zhang"))
    # A kept file is also behind a signed link (where the platform refuses the upload).
    link = wx.channels.files.url(f"file:{kept[0][0]}")
    assert link is not None
    path = link.removeprefix("http://files.example")
    served = await wx.http.get(wx.channels.url + path)
    assert (served.status_code, served.content) == (200, JPEG)
    forged = path.rsplit("/", 1)[0] + "/" + "0" * 32
    assert (await wx.http.get(wx.channels.url + forged)).status_code == 404
    other = path.replace(f"/files/{kept[0][0]}/", f"/files/{kept[1][0]}/")
    assert (await wx.http.get(wx.channels.url + other)).status_code == 404
    await zhang.press("✋ 认领")
    pin = await got_wecom(wx.wecom_api, "zhang", "uri.amap.com")
    assert "118.08,39.57" in pin.text


async def test_a_photo_the_platform_no_longer_has_is_answered_and_changes_nothing(
    wx: WxBot,
) -> None:
    resident = wx.resident("o_late")
    wx.wechat_api.faults.fail_next("/cgi-bin/media/get", "40007")
    await resident.send_image(JPEG)
    await got(wx.wechat_api, "o_late", "这类消息")
    await wx.settle()
    assert await wx.rows("SELECT count(*) FROM files") == [(0,)]
    assert await wx.rows("SELECT count(*) FROM ingress WHERE handled_at IS NULL") == [(0,)]

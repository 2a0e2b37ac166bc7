"""The callback crypto against the platforms' published vectors, and every way it must refuse."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from handlers.wx.crypto import (
    BadCiphertext,
    BadSignature,
    CallbackCrypto,
    StaleTimestamp,
    WrongReceiver,
    aes_key,
    check_signature,
    check_timestamp,
    signature,
)
from tests.wx import vectors as v


def at(timestamp: str) -> datetime:
    return datetime.fromtimestamp(int(timestamp), UTC)


def test_wecom_url_verification_vector() -> None:
    crypto = CallbackCrypto(v.WECOM_TOKEN, v.WECOM_AES_KEY, v.WECOM_CORP_ID)
    q = v.WECOM_VERIFY
    plain = crypto.open(
        q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"], at(q["timestamp"])
    )
    assert plain.decode() == v.WECOM_VERIFY_PLAIN


def test_wecom_callback_vector() -> None:
    crypto = CallbackCrypto(v.WECOM_TOKEN, v.WECOM_AES_KEY, v.WECOM_CORP_ID)
    encrypted = re.search(r"CDATA\[([^\]]+)\]\]></Encrypt", v.WECOM_POST_BODY)
    assert encrypted is not None
    q = v.WECOM_POST
    plain = crypto.open(
        q["msg_signature"], q["timestamp"], q["nonce"], encrypted.group(1), at(q["timestamp"])
    ).decode()
    assert "<Content><![CDATA[hello]]></Content>" in plain
    assert "<MsgId>4561255354251345929</MsgId>" in plain


def test_official_account_encryption_vectors_with_fixed_random() -> None:
    crypto = CallbackCrypto("any", v.MP_AES_KEY, v.MP_APP_ID)
    assert crypto.encrypt(v.MP_PLAIN, v.MP_RANDOM) == v.MP_ENCRYPTED
    assert crypto.encrypt(v.MP_PLAIN_2, v.MP_RANDOM) == v.MP_ENCRYPTED_2
    assert crypto.decrypt(v.MP_ENCRYPTED).decode() == v.MP_PLAIN
    assert crypto.decrypt(v.MP_ENCRYPTED_2).decode() == v.MP_PLAIN_2


def test_official_account_safe_mode_vectors() -> None:
    two = CallbackCrypto(v.MP_TOKEN_2, v.MP_AES_KEY, v.MP_APP_ID_2)
    q = v.MP_POST_2
    plain = two.open(
        q["msg_signature"], q["timestamp"], q["nonce"], v.MP_ENCRYPT_2, at("1409735669")
    )
    assert b"<Content><![CDATA[abcdteT]]></Content>" in plain

    three = CallbackCrypto(v.MP_TOKEN_3, v.MP_AES_KEY_3, v.MP_APP_ID_3)
    q3 = v.MP_POST_3
    check_signature(q3["signature"], v.MP_TOKEN_3, q3["timestamp"], q3["nonce"])
    plain3 = three.open(
        q3["msg_signature"], q3["timestamp"], q3["nonce"], v.MP_ENCRYPT_3, at(q3["timestamp"])
    )
    assert b"<MsgId>3333</MsgId>" in plain3


def test_round_trip_and_seal() -> None:
    crypto = CallbackCrypto("tok", v.MP_AES_KEY, "wxapp")
    for message in ("", "a", "长" * 1000, "x" * 11, "y" * 12):  # 11/12: pads of 32 and 31
        assert crypto.decrypt(crypto.encrypt(message)).decode() == message
    encrypted, signed = crypto.seal("<xml/>", "1700000000", "n1")
    assert signed == signature("tok", "1700000000", "n1", encrypted)
    assert crypto.open(signed, "1700000000", "n1", encrypted, at("1700000100")) == b"<xml/>"
    assert crypto.encrypt("same") != crypto.encrypt("same")  # random prefix


def test_signature_refusals() -> None:
    good = signature("tok", "1700000000", "n")
    check_signature(good, "tok", "1700000000", "n")
    for bad in (good.upper(), good[:-1], "", "中文", signature("tok", "1700000000", "m")):
        with pytest.raises(BadSignature):
            check_signature(bad, "tok", "1700000000", "n")
    crypto = CallbackCrypto("tok", v.MP_AES_KEY, "wxapp")
    _, signed = crypto.seal("hi", "1700000000", "n")
    with pytest.raises(BadSignature):  # a signature over another body
        crypto.open(signed, "1700000000", "n", crypto.encrypt("hi"), at("1700000000"))


def test_timestamps_outside_five_minutes_are_refused() -> None:
    now = at("1700000000")
    assert check_timestamp("1700000000", now) == 1700000000
    check_timestamp(str(1700000000 - 300), now)
    check_timestamp(str(1700000000 + 300), now)
    for bad in (str(1700000000 - 301), str(1700000000 + 301), "", "-5", "17e8", "1" * 13, "１"):
        with pytest.raises(StaleTimestamp):
            check_timestamp(bad, now)
    crypto = CallbackCrypto("tok", v.MP_AES_KEY, "wxapp")
    encrypted, signed = crypto.seal("hi", "1699999000", "n")
    with pytest.raises(StaleTimestamp):  # a valid old callback, replayed
        crypto.open(signed, "1699999000", "n", encrypted, now)


def raw_encrypt(key: str, plain: bytes) -> str:
    k = aes_key(key)
    enc = Cipher(algorithms.AES(k), modes.CBC(k[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def test_every_malformed_ciphertext_is_refused() -> None:
    crypto = CallbackCrypto("tok", v.MP_AES_KEY, "wxapp")
    good = crypto.encrypt("hello")
    frame = b"r" * 16 + (5).to_bytes(4, "big") + b"hello" + b"wxapp"  # 30 bytes
    cases = {
        "not base64": "!!!not base64!!!",
        "non-ascii": "密文" * 20,
        "base64 with junk": good[:-4] + "*" + good[-3:],
        "short": base64.b64encode(b"x" * 16).decode(),
        "not whole blocks": base64.b64encode(base64.b64decode(good) + b"x").decode(),
        "truncated": base64.b64encode(base64.b64decode(good)[:-16]).decode(),
        "pad zero": raw_encrypt(v.MP_AES_KEY, frame + b"\x01" + b"\x00"),
        "pad over 32": raw_encrypt(v.MP_AES_KEY, frame + b"\x21" * 34),
        "pad bytes differ": raw_encrypt(v.MP_AES_KEY, frame + b"\x01" + b"\x02"),
        "length past end": raw_encrypt(
            v.MP_AES_KEY, b"r" * 16 + (999).to_bytes(4, "big") + b"hello" + b"\x07" * 7
        ),
        "no frame": raw_encrypt(v.MP_AES_KEY, b"r" * 16 + b"\x10" * 16),
    }
    for name, encrypted in cases.items():
        with pytest.raises(BadCiphertext):
            crypto.decrypt(encrypted)
            pytest.fail(name)


def test_wrong_receive_id_and_wrong_key() -> None:
    ours = CallbackCrypto("tok", v.MP_AES_KEY, "wxapp")
    theirs = CallbackCrypto("tok", v.MP_AES_KEY, "wxother")
    with pytest.raises(WrongReceiver):
        ours.decrypt(theirs.encrypt("hello"))
    other_key = CallbackCrypto("tok", v.WECOM_AES_KEY, "wxapp")
    with pytest.raises((BadCiphertext, WrongReceiver)):
        ours.decrypt(other_key.encrypt("hello"))


@pytest.mark.parametrize(
    "key", ["", "short", v.MP_AES_KEY + "A", v.MP_AES_KEY[:-1] + "=", "长" * 43]
)
def test_encoding_aes_key_must_be_43_letters_and_digits(key: str) -> None:
    with pytest.raises(ValueError, match="43"):
        CallbackCrypto("tok", key, "wxapp")

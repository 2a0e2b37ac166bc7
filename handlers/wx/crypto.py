"""Callback signatures and message encryption, as the WeChat Official Account and WeCom share them.

Plain mode signs a callback with sha1 over the sorted [token, timestamp, nonce]; safe mode adds the
encrypted body to the list (`msg_signature`). The body is AES-256-CBC with key =
base64(EncodingAESKey + "="), IV = key[:16], PKCS#7 padding to 32-byte blocks, over
16 random bytes + 4-byte big-endian length + message + receive id (the app id of an Official
Account, the corp id of a WeCom app).

Invariants: signatures are compared in constant time; a timestamp outside the allowed window is
refused before anything else is looked at; decryption checks the base64, the block length, every
padding byte, the length field and the receive id, and raises a VerificationError subclass on any
of them, so that nothing from a forged or damaged callback is ever returned.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from datetime import datetime

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # the platforms pad to 32 bytes, not to AES's 16
MAX_AGE = 300.0  # seconds a callback's timestamp may lie in the past
MAX_AHEAD = 300.0  # ... or in the future (clock skew)
_AES_KEY = re.compile(r"^[A-Za-z0-9]{43}$")
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")


class VerificationError(Exception):
    """A callback that failed verification: nothing in it may be trusted or acted on."""


class BadSignature(VerificationError):
    """The signature does not match the token, timestamp, nonce (and body)."""


class StaleTimestamp(VerificationError):
    """The timestamp is malformed, too old or too far in the future."""


class BadCiphertext(VerificationError):
    """The encrypted body is not valid base64, AES blocks, padding or framing."""


class WrongReceiver(VerificationError):
    """The body decrypted, but for another app id or corp id."""


def signature(token: str, timestamp: str, nonce: str, *extra: str) -> str:
    """The sha1 hex digest of the sorted, concatenated parts (plain or safe mode)."""
    joined = "".join(sorted((token, timestamp, nonce, *extra)))
    return hashlib.sha1(joined.encode()).hexdigest()  # the platforms' scheme, not a secret


def check_signature(given: str, token: str, timestamp: str, nonce: str, *extra: str) -> None:
    """Raise BadSignature unless `given` is the signature of the parts (constant time)."""
    expected = signature(token, timestamp, nonce, *extra)
    if not hmac.compare_digest(given.encode(errors="replace"), expected.encode()):
        raise BadSignature("signature mismatch")


def check_timestamp(
    timestamp: str, now: datetime, max_age: float = MAX_AGE, max_ahead: float = MAX_AHEAD
) -> int:
    """The timestamp as epoch seconds; StaleTimestamp if malformed or outside the window."""
    if not _TIMESTAMP.match(timestamp):
        raise StaleTimestamp("malformed timestamp")
    seconds = int(timestamp)
    age = now.timestamp() - seconds
    if age > max_age or -age > max_ahead:
        raise StaleTimestamp(f"timestamp {age:.0f} s off")
    return seconds


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key of an EncodingAESKey; ValueError if it is not 43 letters/digits."""
    if not _AES_KEY.match(encoding_aes_key):
        raise ValueError("EncodingAESKey must be 43 letters and digits")
    key = base64.b64decode(encoding_aes_key + "=", validate=True)
    if len(key) != 32:  # pragma: no cover - 43 base64 characters always decode to 32 bytes
        raise ValueError("EncodingAESKey must decode to 32 bytes")
    return key


class CallbackCrypto:
    """Encrypts and decrypts callback bodies of one app: a token, a key and a receive id."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        self.token = token
        self.receive_id = receive_id.encode()
        self._key = aes_key(encoding_aes_key)
        self._cipher = Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, message: bytes | str, random_prefix: bytes | None = None) -> str:
        """The base64 ciphertext of a message (random_prefix fixes the 16 random bytes)."""
        body = message.encode() if isinstance(message, str) else message
        prefix = os.urandom(16) if random_prefix is None else random_prefix
        if len(prefix) != 16:
            raise ValueError("the random prefix must be 16 bytes")
        plain = prefix + len(body).to_bytes(4, "big") + body + self.receive_id
        pad = BLOCK - len(plain) % BLOCK
        plain += bytes([pad]) * pad
        encryptor = self._cipher.encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> bytes:
        """The message inside a ciphertext, after checking padding, framing and receive id."""
        try:
            raw = base64.b64decode(encrypted.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as e:
            raise BadCiphertext("not base64") from e
        if len(raw) < BLOCK or len(raw) % 16:
            raise BadCiphertext("not whole AES blocks")
        decryptor = self._cipher.decryptor()
        plain = decryptor.update(raw) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise BadCiphertext("bad padding")
        plain = plain[:-pad]
        if len(plain) < 20:
            raise BadCiphertext("truncated")
        length = int.from_bytes(plain[16:20], "big")
        if length > len(plain) - 20:
            raise BadCiphertext("length field past the end")
        message, receiver = plain[20 : 20 + length], plain[20 + length :]
        if not hmac.compare_digest(receiver, self.receive_id):
            raise WrongReceiver("receive id mismatch")
        return message

    def open(
        self, msg_signature: str, timestamp: str, nonce: str, encrypted: str, now: datetime
    ) -> bytes:
        """Verify the timestamp and msg_signature of an encrypted part, then decrypt it."""
        check_timestamp(timestamp, now)
        check_signature(msg_signature, self.token, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)

    def seal(self, message: bytes | str, timestamp: str, nonce: str) -> tuple[str, str]:
        """Encrypt a message and sign it: (encrypted, msg_signature)."""
        encrypted = self.encrypt(message)
        return encrypted, signature(self.token, timestamp, nonce, encrypted)

"""The WeChat Official Account (residents) and WeCom (members): a protocol layer, and the
adapters that wire it to core.

The wiring: channels (WxChannels: the callback server, one ingress worker and one outbox sender
per channel), config and account (settings, start-up checks), events (callbacks as core's
inbound events), handlers.ingress_worker (recorded callbacks to core, in order per chat; shared
with Telegram's webhook), window (the
48-hour window and quota), wechat_transport and wecom_transport (outbox rows to API calls:
customer-service messages or the template, cards and their updates), files (kept photos behind
signed links). Storage: storage.ingress and storage.wx_state. The protocol layer:

- crypto: plain-mode `signature` and safe-mode `msg_signature` (sha1 of the sorted parts),
  `CallbackCrypto` (AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[:16], PKCS#7 to
  32 bytes, 16 random bytes + big-endian length + message + receive id; the app id for WeChat, the
  corp id for WeCom), `check_timestamp` (five minutes either way, `now` given). Refusals raise a
  `VerificationError` subclass. Tested against the platforms' published sample vectors.
- xmlsafe: `parse_fields` (defusedxml, every DTD refused, a body cap) into `Fields`;
  wechat_inbound / wecom_inbound: `parse_wechat` / `parse_wecom` into small frozen pydantic records
  (text with the msgmenu `menu_id`, image, voice, location, events; WeCom card presses with
  EventKey, TaskId and ResponseCode), each with a `dedupe_key` that a platform retry repeats.
- callback_app: `callback_app(now=..., wechat=WeChatEndpoint(...), wecom=WeComEndpoint(...))`, an
  aiohttp application serving GET/POST `/wechat`, `/wecom` and `/health` (or `callback_routes`,
  the same routes on the shared server's application); a verified message goes
  to the endpoint's sink (an async callable: the port to core), which must record it durably and
  return; then the platform gets `success` (WeChat) or an empty body (WeCom). Anything unverified
  gets 403/400/413 and an empty body; a failing sink 500, so the platform retries.
- wechat_api / wecom_api: `WeChatClient` and `WeComClient` on httpx, base URL a parameter; one
  token per app (tokens.TokenCache: renewed before expiry under a lock, refreshed and retried once
  when refused); UTF-8 JSON bodies with no \\u escapes. Errors (api_errors) are the outbox sender's:
  RetryLater (busy, throttled, 5xx, timeouts, a misconfigured account), Unreachable (unsubscribed,
  not a member), Rejected (invalid content), and WindowClosed (45015/45047: outside the 48-hour
  window or over the quota), on which the adapter sends the template message instead.
- plain, wechat_render, wecom_render: pure functions from core's `Outbound` (Telegram HTML and
  buttons) to payloads: plain text cut at 2048 bytes, a msgmenu whose item ids are the callback
  data, a `button_interaction` card whose button keys are the callback data (`task_id_for` makes a
  task id from a name and a per-delivery nonce), and the notification template's four fields.

Button data stays core's one scheme: a msgmenu id comes back as `bizmsgmenuid`, a card key as
`EventKey`, both the callback data itself, parsed and checked in core like Telegram's.
"""

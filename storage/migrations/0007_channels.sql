-- The WeChat Official Account and WeCom channels. People and chats were keyed by channel and a
-- text id from the start (an OpenID, a WeCom userid); what the new channels add:
--
-- ingress: every verified callback message, recorded before the platform is answered, under its
-- dedupe key (the MsgId, or the sender and time of an event): a platform retry of the same
-- callback is the same row, so it can never become a second case. Its id is the update id core
-- records (processed_updates) in the same transaction as the handling, so a row handled but not
-- yet marked is never handled twice. `opens` says whether the message opened the resident's
-- 48-hour customer-service window ('message') or a one-minute allowance ('tap': a msgmenu tap or
-- a custom-menu click).
CREATE TABLE ingress (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel     TEXT    NOT NULL,
    dedupe_key  TEXT    NOT NULL,
    chat_id     TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    opens       TEXT    CHECK (opens IN ('message', 'tap')),
    received_at INTEGER NOT NULL,
    handled_at  INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    UNIQUE (channel, dedupe_key)
);
CREATE INDEX ingress_pending ON ingress (channel, id) WHERE handled_at IS NULL;
CREATE INDEX ingress_windows ON ingress (channel, chat_id, opens, received_at)
    WHERE opens IS NOT NULL;

-- Customer-service messages sent within the window a resident's message (or tap) opened: the
-- ingress row that opened it, and how many were sent since.
CREATE TABLE wx_quota (
    channel    TEXT    NOT NULL,
    chat_id    TEXT    NOT NULL,
    opens      TEXT    NOT NULL,
    opened_at  INTEGER NOT NULL,  -- the ingress id of the message or tap
    sent       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel, chat_id, opens)
) WITHOUT ROWID;

-- The last choices a chat was offered (a msgmenu), so that a typed "1" or a label answers them.
CREATE TABLE wx_menus (
    channel TEXT    NOT NULL,
    chat_id TEXT    NOT NULL,
    items   TEXT    NOT NULL,  -- JSON [[callback data, label], ...]
    at      INTEGER NOT NULL,
    PRIMARY KEY (channel, chat_id)
) WITHOUT ROWID;

-- A WeCom card's latest response code: update_template_card takes it once.
CREATE TABLE wecom_cards (
    task_id       TEXT    PRIMARY KEY,
    user_id       TEXT    NOT NULL,
    response_code TEXT    NOT NULL,
    at            INTEGER NOT NULL
) WITHOUT ROWID;

-- Photos and voice messages residents sent, downloaded at once (a MediaId expires in 3 days):
-- a case refers to them as file:<id>.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    channel      TEXT    NOT NULL,
    chat_id      TEXT    NOT NULL,
    media_id     TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('image', 'voice')),
    content_type TEXT    NOT NULL,
    content      BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (channel, media_id)
);

-- Messages a resident could not be sent outside the window (a template told them what changed):
-- sent again, in order, as soon as they write and the window opens.
CREATE TABLE wx_held (
    id      INTEGER PRIMARY KEY,
    channel TEXT    NOT NULL,
    chat_id TEXT    NOT NULL,
    payload TEXT    NOT NULL,  -- the outbound message as the outbox keeps it
    at      INTEGER NOT NULL
);
CREATE INDEX wx_held_by_chat ON wx_held (channel, chat_id, id);

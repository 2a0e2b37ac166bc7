-- ../0011_ingress_leases.sql with PostgreSQL's types, and the index of the claim: a chat's
-- pending rows in order, to find whether a row is its chat's oldest pending one.
ALTER TABLE ingress ADD COLUMN leased_until BIGINT;
ALTER TABLE ingress ADD COLUMN leased_by TEXT;
CREATE INDEX ingress_pending_chats ON ingress (channel, chat_id, id) WHERE handled_at IS NULL;

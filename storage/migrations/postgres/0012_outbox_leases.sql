-- ../0012_outbox_leases.sql with PostgreSQL's types (leased_until is in 0001 already), and the
-- index of a sender's heartbeat: the pending rows it holds, renewed in one statement.
ALTER TABLE outbox ADD COLUMN leased_by TEXT;
CREATE INDEX outbox_leased ON outbox (channel, leased_by) WHERE status = 'pending';

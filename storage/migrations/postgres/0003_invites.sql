-- Coordinators can revoke an invitation before it is used; a revoked one opens nothing.
ALTER TABLE invites ADD COLUMN revoked_at BIGINT;
ALTER TABLE invites ADD COLUMN revoked_by BIGINT REFERENCES people (id);

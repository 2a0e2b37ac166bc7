-- Coordinators can revoke an invitation before it is used; a revoked one opens nothing.
ALTER TABLE invites ADD COLUMN revoked_at INTEGER;
ALTER TABLE invites ADD COLUMN revoked_by INTEGER REFERENCES people (id);

-- The audit trail (issue 14): every operator action — who, when, what, on which tenant, and how it ended.
-- Append-only: the table refuses UPDATE and DELETE (a trigger), so a row once written stays as written.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text        NOT NULL,          -- "os:alice" (GUI/CLI), "apikey:3:crm" (HTTP API)
    action      text        NOT NULL,          -- connect, reconnect, deactivate, rotate-keys, unlock, sync, ...
    tenant_id   text,                          -- no foreign key: the trail outlives a deleted tenant
    details     jsonb       NOT NULL DEFAULT '{}',
    outcome     text        NOT NULL           -- "ok" or the error an operator saw
);
CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, at DESC);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

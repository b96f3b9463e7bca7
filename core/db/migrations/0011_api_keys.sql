-- API keys of the HTTP API (issue 12). The key itself is shown once when created and never stored: only
-- its SHA-256 (a key is 32 random bytes, so a fast hash is enough; nothing to brute-force). Scopes nest:
-- admin ⊃ sync ⊃ read. A key may be restricted to one tenant and may expire; revoking keeps the row.
CREATE TABLE api_keys (
    id              bigserial PRIMARY KEY,
    name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    key_hash        bytea       NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    key_prefix      text        NOT NULL, -- the key's first characters, to recognise it in lists
    scope           text        NOT NULL CHECK (scope IN ('read', 'sync', 'admin')),
    tenant_id       text        REFERENCES tenants (id) ON DELETE CASCADE,
    expires_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text        NOT NULL DEFAULT '',
    last_used_at    timestamptz,
    revoked_at      timestamptz
);

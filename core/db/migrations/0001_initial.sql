-- 0001: the original design's tables, in snake_case. timestamptz everywhere.
-- Applied in one transaction by db::Migrator, which records it in schema_migrations.

CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TABLE tenants (
    id                  text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    display_name        text NOT NULL DEFAULT '',
    gmail_address       text NOT NULL CHECK (gmail_address ~ '^[^@\s]+@[^@\s]+$'),
    gmail_history_id    bigint,
    -- The sync lease: one running sync per tenant. Holder, lease start and heartbeat; a lease whose
    -- heartbeat is older than the configured staleness (default 30 min) may be overridden.
    sync_locked_by      text,
    sync_locked_at      timestamptz,
    sync_heartbeat_at   timestamptz,
    last_sync_at        timestamptz,            -- last successful sync
    watch_topic         text,
    watch_expires_at    timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((sync_locked_by IS NULL) = (sync_locked_at IS NULL))
);
-- Gmail addresses are case-insensitive: Alice@Example.com and alice@example.com are one mailbox.
CREATE UNIQUE INDEX tenants_gmail_address_lower_key ON tenants (lower(gmail_address));
CREATE TRIGGER tenants_updated_at BEFORE UPDATE ON tenants FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE integrations (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id           text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    source              text NOT NULL DEFAULT 'gmail' CHECK (source IN ('gmail', 'outlook')),
    auth_type           text NOT NULL CHECK (auth_type IN ('oauth', 'service_account')),
    encrypted_keys      bytea NOT NULL,         -- crypto::Vault envelope; never plaintext
    key_id              text NOT NULL,          -- which master key sealed encrypted_keys
    status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reauth', 'inactive')),
    status_reason       text,
    token_expires_at    timestamptz,
    last_used_at        timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, source)
);
CREATE TRIGGER integrations_updated_at BEFORE UPDATE ON integrations FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE emails (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id           text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    gmail_message_id    text NOT NULL,
    gmail_thread_id     text NOT NULL,
    history_id          bigint,
    subject             text,
    from_name           text,
    from_address        text,
    to_addresses        text[] NOT NULL DEFAULT '{}',
    cc_addresses        text[] NOT NULL DEFAULT '{}',
    bcc_addresses       text[] NOT NULL DEFAULT '{}',
    reply_to            text,
    message_id_header   text,                   -- RFC 5322 Message-ID
    in_reply_to         text,
    references_header   text,
    sent_at             timestamptz,            -- the Date header
    internal_date       timestamptz NOT NULL,   -- Gmail internalDate
    labels              text[] NOT NULL DEFAULT '{}',
    snippet             text,
    body_html           text,
    body_text           text,
    attachments         jsonb NOT NULL DEFAULT '[]',  -- [{filename, mimeType, size, attachmentId}]
    priority            text NOT NULL DEFAULT 'normal' CHECK (priority IN ('high', 'normal', 'low')),
    size_estimate       integer,
    parse_warnings      text[] NOT NULL DEFAULT '{}',
    -- Full-text search kept by the database itself. 'simple' (no stemming) because mailboxes are
    -- multilingual; bodies are capped so one huge message cannot exceed tsvector's 1 MB limit.
    search_vector       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, coalesce(subject, '')), 'A') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(from_name, '') || ' ' || coalesce(from_address, '')), 'B') ||
        setweight(to_tsvector('simple'::regconfig, left(coalesce(body_text,
            regexp_replace(coalesce(body_html, ''), '<[^>]*>', ' ', 'g')), 200000)), 'C')
    ) STORED,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, gmail_message_id)
);
CREATE INDEX emails_thread_idx ON emails (tenant_id, gmail_thread_id, internal_date);
CREATE INDEX emails_date_idx ON emails (tenant_id, internal_date DESC);
CREATE INDEX emails_search_idx ON emails USING gin (search_vector);
CREATE TRIGGER emails_updated_at BEFORE UPDATE ON emails FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE sync_jobs (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id           text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind                text NOT NULL CHECK (kind IN ('initial', 'incremental', 'historical', 'push')),
    status              text NOT NULL DEFAULT 'queued'
                        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    params              jsonb NOT NULL DEFAULT '{}',   -- e.g. {"from":"2024-01-01","to":"2024-03-31"}
    checkpoint          jsonb NOT NULL DEFAULT '{}',   -- e.g. {"month":"2024-02","pageToken":"…"}
    force               boolean NOT NULL DEFAULT false, -- ignores the per-tenant start limit
    attempts            integer NOT NULL DEFAULT 0,
    run_after           timestamptz NOT NULL DEFAULT now(),
    worker_id           text,
    heartbeat_at        timestamptz,
    phase               text,
    progress_total      bigint,
    messages_per_second double precision,
    processed_count     bigint NOT NULL DEFAULT 0,
    inserted_count      bigint NOT NULL DEFAULT 0,
    updated_count       bigint NOT NULL DEFAULT 0,
    deleted_count       bigint NOT NULL DEFAULT 0,
    skipped_count       bigint NOT NULL DEFAULT 0,
    start_history_id    bigint,
    end_history_id      bigint,
    error_message       text,
    error_detail        text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    finished_at         timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_jobs_queue_idx ON sync_jobs (run_after, id) WHERE status = 'queued';
CREATE INDEX sync_jobs_running_idx ON sync_jobs (heartbeat_at) WHERE status = 'running';
CREATE INDEX sync_jobs_tenant_idx ON sync_jobs (tenant_id, created_at DESC);
CREATE INDEX sync_jobs_started_idx ON sync_jobs (tenant_id, started_at);
CREATE TRIGGER sync_jobs_updated_at BEFORE UPDATE ON sync_jobs FOR EACH ROW EXECUTE FUNCTION set_updated_at();

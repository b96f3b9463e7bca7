-- 0007: per-message failure isolation. A message that still fails after the client's retries (or that
-- was being processed when a worker died) is recorded here instead of failing its step; the step commits
-- the rest and the job ends succeeded with a failed count. Later syncs of the tenant retry these first;
-- a success removes the row; `attempts` reaching the configured limit (2 for a worker crash) marks the
-- row permanent: shown, not retried automatically (gmail-sync sync --retry-failed retries it).
CREATE TABLE message_failures (
    tenant_id           text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    gmail_message_id    text        NOT NULL,
    job_id              bigint      REFERENCES sync_jobs (id) ON DELETE SET NULL, -- the last job it failed in
    kind                text        NOT NULL CHECK (kind IN ('fetch', 'too_large', 'parse', 'crash')),
    last_error          text        NOT NULL,
    attempts            integer     NOT NULL DEFAULT 1 CHECK (attempts > 0),
    permanent           boolean     NOT NULL DEFAULT false,
    first_seen_at       timestamptz NOT NULL DEFAULT now(),
    last_seen_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, gmail_message_id)
);
CREATE INDEX message_failures_retry_idx ON message_failures (tenant_id, last_seen_at) WHERE NOT permanent;

-- Messages counted failed by a job (recorded in message_failures), beside its other counts.
ALTER TABLE sync_jobs ADD COLUMN failed_count bigint NOT NULL DEFAULT 0;
-- The ids a running job has fetched or is fetching but not yet committed, written before each chunk:
-- when its worker dies, the job's next claimer records them as suspects of the crash (kind 'crash').
ALTER TABLE sync_jobs ADD COLUMN in_flight_ids text[] NOT NULL DEFAULT '{}';

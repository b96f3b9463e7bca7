-- Alerts (issue 12): conditions an operator must hear about, raised by any worker's scan and POSTed to the
-- configured webhooks. One open alert per tenant and condition (the partial unique index): a condition that
-- stays true does not alert again; it alerts anew only after it was resolved. Delivery is claimed with
-- FOR UPDATE SKIP LOCKED, so many workers deliver each alert once, retried with backoff.
CREATE TABLE alerts (
    id               bigserial   PRIMARY KEY,
    tenant_id        text        NOT NULL,
    condition        text        NOT NULL CHECK (condition IN ('job_failed', 'needs_reauth', 'watch_lapsed',
                                                               'failed_items')),
    message          text        NOT NULL,
    raised_at        timestamptz NOT NULL DEFAULT now(),
    resolved_at      timestamptz,
    delivered_at     timestamptz,
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text
);
CREATE UNIQUE INDEX alerts_open_idx ON alerts (tenant_id, condition) WHERE resolved_at IS NULL;
CREATE INDEX alerts_undelivered_idx ON alerts (next_attempt_at) WHERE delivered_at IS NULL;

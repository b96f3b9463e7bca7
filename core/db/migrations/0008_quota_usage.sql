-- 0008: the Gmail API's per-project limit ("rateLimitExceeded", 1,200,000 units per minute per Cloud
-- project: developers.google.com/workspace/gmail/api/reference/quota) is shared by every worker of a
-- deployment, so its accounting lives here. Each process reserves blocks of units (a few seconds'
-- worth) for the current minute with one UPSERT; `units` is the demand reserved in that minute and may
-- pass the limit (the part of a block above it was not granted). Rows older than an hour are pruned.
CREATE TABLE quota_usage (
    project  text        NOT NULL,
    minute   timestamptz NOT NULL,
    units    bigint      NOT NULL CHECK (units >= 0),
    PRIMARY KEY (project, minute)
);

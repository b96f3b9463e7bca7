-- 0006: the ids a full (re)sync of a window has listed, kept per job in the database rather than in the
-- worker's memory: memory stays flat at any mailbox size, and a resumed job keeps what it listed before
-- (each page's ids are written in the same transaction as the checkpoint that moves past the page).
-- The window sweep removes stored rows of the window that are not listed here, then forgets them.
CREATE TABLE sync_job_seen_ids (
    job_id            bigint NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
    gmail_message_id  text   NOT NULL,
    PRIMARY KEY (job_id, gmail_message_id)
);

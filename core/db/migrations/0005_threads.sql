-- 0005: per-thread summaries and per-tenant email counts for the admin GUI, kept by triggers on `emails`
-- so the thread list and the tenant overview stay fast at a million emails (one indexed row per thread /
-- tenant instead of a GROUP BY or count(*) over `emails` on every page).
--
-- Statement-level triggers with transition tables (PostgreSQL 15 docs, CREATE TRIGGER, "REFERENCING"):
-- one bulk upsert of n messages recomputes each touched thread once, not n times. A trigger with
-- transition tables may name only one event, hence three triggers.

CREATE TABLE threads (
    tenant_id           text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    gmail_thread_id     text NOT NULL,
    subject             text,                       -- the first message's non-empty subject
    participants        text[] NOT NULL DEFAULT '{}', -- senders (name, else address), first appearance first
    first_date          timestamptz NOT NULL,
    last_date           timestamptz NOT NULL,
    message_count       integer NOT NULL,
    labels              text[] NOT NULL DEFAULT '{}', -- union of the messages' labels, sorted
    snippet             text,                       -- the newest message's snippet
    PRIMARY KEY (tenant_id, gmail_thread_id)
);
-- Keyset paging, newest first: per tenant, and across tenants.
CREATE INDEX threads_tenant_recent_idx ON threads (tenant_id, last_date, gmail_thread_id);
CREATE INDEX threads_recent_idx ON threads (last_date, tenant_id, gmail_thread_id);

CREATE TABLE tenant_email_counts (
    tenant_id           text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    email_count         bigint NOT NULL DEFAULT 0
);

-- Recomputes the summary rows of the given (tenant, thread) pairs from `emails`; a thread left without
-- messages loses its row.
CREATE FUNCTION threads_refresh(p_tenants text[], p_threads text[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM threads th
    USING unnest(p_tenants, p_threads) AS k(tenant_id, thread_id)
    WHERE th.tenant_id = k.tenant_id AND th.gmail_thread_id = k.thread_id
      AND NOT EXISTS (SELECT 1 FROM emails e
                      WHERE e.tenant_id = k.tenant_id AND e.gmail_thread_id = k.thread_id);

    INSERT INTO threads AS th (tenant_id, gmail_thread_id, subject, participants, first_date, last_date,
                               message_count, labels, snippet)
    SELECT k.tenant_id, k.thread_id, agg.subject,
           ARRAY(SELECT p.who
                 FROM (SELECT coalesce(nullif(e.from_name, ''), e.from_address) AS who,
                              min(e.internal_date) AS first_seen
                       FROM emails e
                       WHERE e.tenant_id = k.tenant_id AND e.gmail_thread_id = k.thread_id
                       GROUP BY 1) p
                 WHERE p.who IS NOT NULL
                 ORDER BY p.first_seen, p.who),
           agg.first_date, agg.last_date, agg.message_count,
           ARRAY(SELECT DISTINCT l.label
                 FROM emails e, unnest(e.labels) AS l(label)
                 WHERE e.tenant_id = k.tenant_id AND e.gmail_thread_id = k.thread_id
                 ORDER BY l.label),
           agg.snippet
    FROM (SELECT DISTINCT u.tenant_id, u.thread_id
          FROM unnest(p_tenants, p_threads) AS u(tenant_id, thread_id)) k
    CROSS JOIN LATERAL (
        SELECT count(*) AS message_count,
               min(e.internal_date) AS first_date,
               max(e.internal_date) AS last_date,
               (array_agg(e.subject ORDER BY e.internal_date, e.id)
                    FILTER (WHERE coalesce(e.subject, '') <> ''))[1] AS subject,
               (array_agg(e.snippet ORDER BY e.internal_date DESC, e.id DESC))[1] AS snippet
        FROM emails e
        WHERE e.tenant_id = k.tenant_id AND e.gmail_thread_id = k.thread_id
    ) agg
    WHERE agg.message_count > 0
    ON CONFLICT (tenant_id, gmail_thread_id) DO UPDATE
        SET subject = excluded.subject, participants = excluded.participants,
            first_date = excluded.first_date, last_date = excluded.last_date,
            message_count = excluded.message_count, labels = excluded.labels, snippet = excluded.snippet;
$$;

CREATE FUNCTION tenant_email_counts_add(p_tenants text[], p_deltas bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tenant_email_counts AS c (tenant_id, email_count)
    SELECT d.tenant_id, d.delta FROM unnest(p_tenants, p_deltas) AS d(tenant_id, delta)
    -- A tenant deleted in the same statement (ON DELETE CASCADE) has no row to count for.
    WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.id = d.tenant_id)
    ON CONFLICT (tenant_id) DO UPDATE SET email_count = c.email_count + excluded.email_count;
$$;

CREATE FUNCTION emails_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM threads_refresh(array_agg(n.tenant_id), array_agg(n.gmail_thread_id)) FROM new_rows n;
    PERFORM tenant_email_counts_add(array_agg(c.tenant_id), array_agg(c.n))
    FROM (SELECT tenant_id, count(*) AS n FROM new_rows GROUP BY tenant_id) c;
    RETURN NULL;
END $$;

CREATE FUNCTION emails_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM threads_refresh(array_agg(k.tenant_id), array_agg(k.gmail_thread_id))
    FROM (SELECT tenant_id, gmail_thread_id FROM old_rows
          UNION SELECT tenant_id, gmail_thread_id FROM new_rows) k;
    RETURN NULL;
END $$;

CREATE FUNCTION emails_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM threads_refresh(array_agg(o.tenant_id), array_agg(o.gmail_thread_id)) FROM old_rows o;
    PERFORM tenant_email_counts_add(array_agg(c.tenant_id), array_agg(-c.n))
    FROM (SELECT tenant_id, count(*) AS n FROM old_rows GROUP BY tenant_id) c;
    RETURN NULL;
END $$;

CREATE TRIGGER emails_threads_insert AFTER INSERT ON emails
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION emails_after_insert();
CREATE TRIGGER emails_threads_update AFTER UPDATE ON emails
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION emails_after_update();
CREATE TRIGGER emails_threads_delete AFTER DELETE ON emails
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION emails_after_delete();

-- Existing mailboxes get their summaries now.
SELECT threads_refresh(array_agg(k.tenant_id), array_agg(k.gmail_thread_id))
FROM (SELECT DISTINCT tenant_id, gmail_thread_id FROM emails) k;
INSERT INTO tenant_email_counts (tenant_id, email_count)
SELECT tenant_id, count(*) FROM emails GROUP BY tenant_id;

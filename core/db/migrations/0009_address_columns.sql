-- 0009: recipients stored as addresses. Until now to/cc/bcc_addresses held what the parser prints
-- ("Name <addr>", "\"Doe, John\" <addr>" or a bare addr), so `'x@y' = ANY(to_addresses)` found nothing.
-- Now *_addresses hold bare addr-specs in lower case and *_names the display names beside them
-- ('' when none), element for element.
--
-- Why parallel text[] columns rather than one jsonb array of {name, address}: the lookup is on the
-- address alone, and a GIN index over text[] (default array_ops) serves `to_addresses @> ARRAY['x@y']`
-- and `&&` directly; the names are only read back for display. jsonb would need a jsonb_path_ops index
-- and `@> '[{"address": "x@y"}]'` queries, and store the key names in every element.

ALTER TABLE emails
    ADD COLUMN to_names  text[] NOT NULL DEFAULT '{}',
    ADD COLUMN cc_names  text[] NOT NULL DEFAULT '{}',
    ADD COLUMN bcc_names text[] NOT NULL DEFAULT '{}';

-- The rules of db::MailAddress::parse, for the rows written before this migration. A quoted-string
-- name (RFC 5322 §3.2.4) loses its quotes and backslash escapes.
CREATE FUNCTION gsa_0009_unquote(n text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN length(n) >= 2 AND left(n, 1) = '"' AND right(n, 1) = '"'
                THEN regexp_replace(substr(n, 2, length(n) - 2), '\\(.)', '\1', 'g')
                ELSE n END
$$;

-- {name, address} of one formatted mailbox: the address is the last <…> that ends the string (the
-- greedy prefix lets a quoted name hold angle brackets or commas); without one the whole string is a
-- bare address.
CREATE FUNCTION gsa_0009_mailbox(s text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN r.m IS NULL THEN ARRAY['', lower(btrim(s, E' \t\r\n'))]
                ELSE ARRAY[gsa_0009_unquote(btrim(r.m[1], E' \t\r\n')), lower(btrim(r.m[2], E' \t\r\n'))]
           END
    FROM regexp_match(s, '^(.*)<([^<>]*)>\s*$') AS r(m)
$$;

CREATE FUNCTION gsa_0009_part(list text[], part int) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg((gsa_0009_mailbox(u.x))[part] ORDER BY u.i), '{}')
    FROM unnest(list) WITH ORDINALITY AS u(x, i)
$$;

-- The thread summaries do not read recipients: no need to recompute every thread for this rewrite.
ALTER TABLE emails DISABLE TRIGGER emails_threads_update;
UPDATE emails SET
    to_names = gsa_0009_part(to_addresses, 1),   to_addresses = gsa_0009_part(to_addresses, 2),
    cc_names = gsa_0009_part(cc_addresses, 1),   cc_addresses = gsa_0009_part(cc_addresses, 2),
    bcc_names = gsa_0009_part(bcc_addresses, 1), bcc_addresses = gsa_0009_part(bcc_addresses, 2)
WHERE cardinality(to_addresses) + cardinality(cc_addresses) + cardinality(bcc_addresses) > 0;
ALTER TABLE emails ENABLE TRIGGER emails_threads_update;

DROP FUNCTION gsa_0009_part(text[], int);
DROP FUNCTION gsa_0009_mailbox(text);
DROP FUNCTION gsa_0009_unquote(text);

-- "Mail to/from this address": each array column has its GIN index (a query ORs them into one
-- BitmapOr), the sender its expression index. Query with `col @> ARRAY[addr]`: `addr = ANY(col)`
-- finds the same rows but cannot use a GIN index (PostgreSQL docs §11.2, GIN operator classes).
CREATE INDEX emails_to_addresses_idx ON emails USING gin (to_addresses);
CREATE INDEX emails_cc_addresses_idx ON emails USING gin (cc_addresses);
CREATE INDEX emails_bcc_addresses_idx ON emails USING gin (bcc_addresses);
CREATE INDEX emails_from_address_idx ON emails (lower(from_address));

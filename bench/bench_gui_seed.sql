-- bench_gui only: emails lo..hi (bound values) of one tenant, 20 per thread, newest first by number, with words to
-- search for. One statement per chunk so the 0005 statement-level triggers summarise each chunk once.
INSERT INTO emails (tenant_id, gmail_message_id, gmail_thread_id, subject, from_name, from_address,
                    to_addresses, internal_date, labels, snippet, body_text)
SELECT CAST(:tenant AS text), 'm' || g, 't' || (g / 20),
       'Thread ' || (g / 20) || ' ' || (ARRAY['invoice', 'meeting', 'report', 'travel', 'budget'])[1 + (g / 20) % 5],
       'Sender ' || (g % 997), 's' || (g % 997) || '@example.com', ARRAY['ops@bench.example'],
       now() - make_interval(secs => g * 30), ARRAY['INBOX'], 'snippet of message ' || g,
       'Message ' || g || ' about the ' || (ARRAY['quarterly', 'roadmap', 'offsite', 'hiring', 'pricing'])[1 + g % 5]
           || ' plan, word' || (g % 5000) || '. Regards, Sender ' || (g % 997)
FROM generate_series(CAST(:lo AS bigint), CAST(:hi AS bigint)) AS g

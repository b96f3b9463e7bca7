-- Typed jobs (core/jobs): a job's parameters and checkpoint are read strictly, every field present and
-- none unknown. Rewrite those of jobs that have not finished into that shape, so jobs queued by an older
-- version run after the upgrade. Finished jobs keep what they ran with.

-- Initial and incremental: {"days", "retryFailed"}. The admin application queued {"months": N}, which the
-- engine ignored (it ran 30 days): N months become N × 30 days, what the operator asked for.
UPDATE sync_jobs
   SET params = jsonb_build_object(
           'days', CASE
                       WHEN jsonb_typeof(params -> 'days') = 'number' THEN params -> 'days'
                       WHEN jsonb_typeof(params -> 'months') = 'number'
                           THEN to_jsonb(LEAST(GREATEST(round((params ->> 'months')::numeric * 30), 1), 10000)::int)
                       ELSE to_jsonb(30)
                   END,
           'retryFailed', coalesce(params -> 'retryFailed', 'false'::jsonb))
 WHERE status IN ('queued', 'running') AND kind IN ('initial', 'incremental');

UPDATE sync_jobs
   SET params = jsonb_build_object(
           'notifiedHistoryId', coalesce(params -> 'notifiedHistoryId', '"0"'::jsonb),
           'days', coalesce(params -> 'days', to_jsonb(30)),
           'retryFailed', coalesce(params -> 'retryFailed', 'false'::jsonb))
 WHERE status IN ('queued', 'running') AND kind = 'push';

-- A historical job without its range stays without it: the engine then fails it with a clear error.
UPDATE sync_jobs
   SET params = jsonb_build_object(
           'from', params -> 'from',
           'to', params -> 'to',
           'retryFailed', coalesce(params -> 'retryFailed', 'false'::jsonb))
 WHERE status IN ('queued', 'running') AND kind = 'historical';

-- Checkpoints. Window (re)syncs written before migration 0006 did not keep their listed ids (seenInDb).
UPDATE sync_jobs
   SET checkpoint = jsonb_build_object(
           'mode', checkpoint -> 'mode',
           'historyId', checkpoint -> 'historyId',
           'after', checkpoint -> 'after',
           'pageToken', coalesce(checkpoint -> 'pageToken', '""'::jsonb),
           'listed', coalesce(checkpoint -> 'listed', 'false'::jsonb),
           'seenInDb', coalesce(checkpoint -> 'seenInDb', 'false'::jsonb),
           'swept', coalesce(checkpoint -> 'swept', 'false'::jsonb))
 WHERE status IN ('queued', 'running') AND checkpoint ->> 'mode' IN ('initial', 'resync');

UPDATE sync_jobs
   SET checkpoint = jsonb_build_object(
           'mode', 'incremental',
           'startHistoryId', checkpoint -> 'startHistoryId',
           'latestHistoryId', coalesce(checkpoint -> 'latestHistoryId', checkpoint -> 'startHistoryId'),
           'pageToken', coalesce(checkpoint -> 'pageToken', '""'::jsonb))
 WHERE status IN ('queued', 'running') AND checkpoint ->> 'mode' = 'incremental';

UPDATE sync_jobs
   SET checkpoint = jsonb_build_object(
           'mode', 'historical',
           'month', checkpoint -> 'month',
           'pageToken', coalesce(checkpoint -> 'pageToken', '""'::jsonb),
           'done', coalesce(checkpoint -> 'done', 'false'::jsonb))
 WHERE status IN ('queued', 'running') AND checkpoint ->> 'mode' = 'historical';

-- A checkpoint that names no known mode cannot be resumed: the job starts over (every write is idempotent).
UPDATE sync_jobs
   SET checkpoint = '{}'::jsonb
 WHERE status IN ('queued', 'running') AND checkpoint <> '{}'::jsonb
   AND coalesce(checkpoint ->> 'mode', '') NOT IN ('initial', 'resync', 'incremental', 'historical');

-- Migration Job Runs: every execution of a job, the events watchers follow, run logs, and the
-- incremental cursors a successful run leaves for the next.

ALTER TABLE migration_jobs ADD CONSTRAINT migration_jobs_id_namespace_key UNIQUE (id, namespace);

CREATE TABLE migration_job_runs (
    id                   uuid PRIMARY KEY,
    migration_job_id     uuid NOT NULL,
    namespace            text NOT NULL,
    state                text NOT NULL CHECK (state IN ('fresh', 'queued', 'running', 'succeeded', 'failed', 'cancelled')),
    trigger              text NOT NULL CHECK (trigger IN ('manual', 'schedule', 'retry')),
    -- The schedule tick it is for; NULL for manual runs. A retry keeps its first attempt's tick.
    scheduled_time       timestamptz,
    attempt              integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    retry_of_run_id      uuid REFERENCES migration_job_runs (id) ON DELETE SET NULL,
    error                text NOT NULL DEFAULT '',
    spark_application_id text NOT NULL DEFAULT '',
    -- dms.v1.RunMetrics and dms.v1.RunProgress, serialized protobuf.
    metrics              bytea NOT NULL DEFAULT '',
    progress             bytea NOT NULL DEFAULT '',
    cancel_requested     boolean NOT NULL DEFAULT false,
    -- The replica supervising it, and the fencing token of that claim: every change a supervisor
    -- makes names the fence it holds, so a replica that lost its claim cannot overwrite anything.
    replica              text NOT NULL DEFAULT '',
    fence                bigint NOT NULL DEFAULT 0,
    lease_expire_time    timestamptz,
    -- Not claimed before this time (retry backoff).
    not_before           timestamptz NOT NULL DEFAULT now(),
    log_bytes            bigint NOT NULL DEFAULT 0,
    create_time          timestamptz NOT NULL DEFAULT now(),
    update_time          timestamptz NOT NULL DEFAULT now(),
    start_time           timestamptz,
    end_time             timestamptz,
    CONSTRAINT migration_job_runs_job_fk FOREIGN KEY (migration_job_id, namespace)
        REFERENCES migration_jobs (id, namespace) ON DELETE CASCADE,
    CONSTRAINT migration_job_runs_end_rule CHECK ((end_time IS NOT NULL) = (state IN ('succeeded', 'failed', 'cancelled')))
);
-- One run per schedule tick, whichever replica saw it first.
CREATE UNIQUE INDEX migration_job_runs_tick_key ON migration_job_runs (migration_job_id, scheduled_time) WHERE trigger = 'schedule';
CREATE INDEX migration_job_runs_active_idx ON migration_job_runs (state, not_before) WHERE state IN ('fresh', 'queued', 'running');
CREATE INDEX migration_job_runs_job_idx ON migration_job_runs (migration_job_id, create_time DESC, id DESC);
CREATE INDEX migration_job_runs_namespace_idx ON migration_job_runs (namespace, create_time DESC, id DESC);
CREATE INDEX migration_job_runs_recent_idx ON migration_job_runs (create_time DESC, id DESC);

-- Every change of every run, in commit order (writers take one transaction-scoped advisory lock
-- before inserting, so a watcher reading "after sequence n" can never skip a later-committing
-- smaller sequence). Pruned by age.
CREATE TABLE run_events (
    sequence         bigserial PRIMARY KEY,
    run_id           uuid NOT NULL,
    migration_job_id uuid NOT NULL,
    namespace        text NOT NULL,
    -- dms.v1.RunEvent, serialized protobuf, its sequence left 0 (the column is the truth).
    event            bytea NOT NULL,
    create_time      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX run_events_time_idx ON run_events (create_time);
-- A first row no filter matches, so that a listing's event_sequence is never 0 (which
-- WatchRunsRequest.resume_after reads as "from now"). Pruning always keeps the newest row.
INSERT INTO run_events (run_id, migration_job_id, namespace, event)
VALUES ('00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000', '', '');

-- Run logs, in chunks appended by the supervising replica; offsets are byte offsets in the log.
CREATE TABLE run_logs (
    run_id   uuid NOT NULL REFERENCES migration_job_runs (id) ON DELETE CASCADE,
    "offset" bigint NOT NULL,
    data     text NOT NULL,
    PRIMARY KEY (run_id, "offset")
);

-- Incremental reads: the high-water mark per job and table, written only by a successful run.
CREATE TABLE job_cursors (
    migration_job_id uuid NOT NULL REFERENCES migration_jobs (id) ON DELETE CASCADE,
    table_name       text NOT NULL,
    cursor_column    text NOT NULL,
    value            text NOT NULL,
    run_id           uuid NOT NULL,
    update_time      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (migration_job_id, table_name)
);

-- The scheduler: where each job's schedule stands, and what became of every tick.

-- The job's next tick not yet turned into a run; NULL: not computed yet (a new or changed
-- schedule), the scheduler computes it from the database's clock. Only a replica holding the
-- job's row lock moves it, in the same transaction as the runs of the ticks it passes.
ALTER TABLE migration_jobs ADD COLUMN next_fire_time timestamptz;
-- Set by ResumeJob: ticks up to this instant came while the job was paused and count as missed.
ALTER TABLE migration_jobs ADD COLUMN missed_before timestamptz;
CREATE INDEX migration_jobs_due_idx ON migration_jobs (next_fire_time NULLS FIRST) WHERE schedule <> '' AND NOT paused;

-- What a schedule run stands for (see dms.v1.MigrationJobRun: ticks, first_tick_time, skipped,
-- overlapped_run_id).
ALTER TABLE migration_job_runs ADD COLUMN ticks integer NOT NULL DEFAULT 0 CHECK (ticks >= 0);
ALTER TABLE migration_job_runs ADD COLUMN first_tick_time timestamptz;
ALTER TABLE migration_job_runs ADD COLUMN skipped boolean NOT NULL DEFAULT false;
ALTER TABLE migration_job_runs ADD COLUMN overlapped_run_id uuid REFERENCES migration_job_runs (id) ON DELETE SET NULL;
CREATE INDEX migration_job_runs_job_active_idx ON migration_job_runs (migration_job_id, create_time)
    WHERE state IN ('fresh', 'queued', 'running');
-- Leases that ran out: what every replica looks for to rescue runs of a replica that died.
CREATE INDEX migration_job_runs_lease_idx ON migration_job_runs (lease_expire_time) WHERE state = 'running';

-- The job queue: heavy work (a label or a barcode photo read) as rows any number of
-- workers, on any machine sharing the database, take in turn. A worker's claim holds
-- until lease_until; a job whose worker died is taken again after it. The input (the
-- photo) is dropped when the job ends; ended jobs are purged after a day.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    params TEXT NOT NULL,
    input BLOB,
    result TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    claim TEXT,
    lease_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX jobs_waiting ON jobs (state, id);
CREATE INDEX jobs_owner ON jobs (user_id, state);

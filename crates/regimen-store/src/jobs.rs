//! The job queue: heavy work (a label or a barcode photo read) as rows of `jobs`, taken
//! in turn by any number of workers on any machine that shares the database.
//!
//! - A job is queued with its input (the photo) and its parameters, within the owner's
//!   number of waiting jobs ([`Store::enqueue_job`]).
//! - A worker claims the next one ([`Store::claim_job`]): people with fewer jobs running
//!   first, then the oldest, so one person's ten photos do not hold another's one. On
//!   PostgreSQL the row is locked `FOR UPDATE SKIP LOCKED` (two workers never take the
//!   same); SQLite's writes take turns. The claim holds for a lease; a job whose worker
//!   died (kill -9) is taken again when it ends, up to a number of attempts.
//! - The result is recorded only by the claim that holds the job
//!   ([`Store::finish_job`]): a worker that outlived its lease records nothing, so every
//!   job ends once. Its input goes then.

use crate::{now, only_row, Backend, Result, Store};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A job as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Its id.
    pub id: i64,
    /// Its owner.
    pub user_id: i64,
    /// What it does (`label`, `barcode`).
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// Its parameters (JSON).
    pub params: String,
    /// What it found (JSON), once done.
    pub result: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// How many times a worker took it.
    pub attempts: i64,
    /// When it was queued (RFC 3339).
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// A job a worker holds: the job, its input, and the claim that records its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The job.
    pub job: Job,
    /// Its input.
    pub input: Vec<u8>,
    /// This worker's claim (only it can record the job's end).
    pub claim: String,
}

const JOB_COLUMNS: &str =
    "id, user_id, kind, state, params, result, error, attempts, created_at, updated_at";

fn job(row: &AnyRow) -> Result<Job> {
    Ok(Job {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        kind: row.try_get("kind")?,
        state: row.try_get("state")?,
        params: row.try_get("params")?,
        result: row.try_get("result")?,
        error: row.try_get("error")?,
        attempts: row.try_get("attempts")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// RFC 3339, `seconds` from now.
fn after(seconds: u64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(i64::try_from(seconds).unwrap_or(i64::MAX)))
        .to_rfc3339()
}

impl Store {
    /// Queues a job of `user_id`'s, unless they have `most_waiting` queued or running
    /// already (`None`).
    pub async fn enqueue_job(
        &self,
        user_id: i64,
        kind: &str,
        params: &str,
        input: &[u8],
        most_waiting: i64,
    ) -> Result<Option<Job>> {
        let at = now();
        // Counted and queued in one transaction that holds the owner's row, so jobs sent
        // together cannot pass the limit between them.
        let mut transaction = self.write_transaction().await?;
        sqlx::query("UPDATE users SET id = id WHERE id = $1")
            .bind(user_id)
            .execute(&mut *transaction)
            .await?;
        let rows = sqlx::query(&format!(
            "INSERT INTO jobs (user_id, kind, state, params, input, attempts, created_at, updated_at) \
             SELECT $1, $2, 'queued', $3, $4, 0, $5, $5 \
             WHERE (SELECT COUNT(*) FROM jobs WHERE user_id = $1 AND state IN ('queued', 'running')) < $6 \
             RETURNING {JOB_COLUMNS}"
        ))
        .bind(user_id)
        .bind(kind)
        .bind(params)
        .bind(input)
        .bind(at)
        .bind(most_waiting)
        .fetch_all(&mut *transaction)
        .await?;
        let queued = rows.first().map(job).transpose()?;
        transaction.commit().await?;
        Ok(queued)
    }

    /// Removes every job of `user_id`'s, waiting or ended (their data is going).
    pub async fn delete_jobs(&self, user_id: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM jobs WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// One of `user_id`'s jobs.
    pub async fn job(&self, user_id: i64, id: i64) -> Result<Option<Job>> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE user_id = $1 AND id = $2"
        ))
        .bind(user_id)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.first().map(job).transpose()
    }

    /// Claims the next job for `lease_seconds` under `claim` (unique per claim): people
    /// with fewer jobs running first, then the oldest; a job whose lease ran out is taken
    /// again, and one taken `max_attempts` times already has failed.
    pub async fn claim_job(
        &self,
        claim: &str,
        lease_seconds: u64,
        max_attempts: i64,
    ) -> Result<Option<Claimed>> {
        let at = now();
        sqlx::query(
            "UPDATE jobs SET state = 'failed', error = 'the work stopped before it ended, too many times', \
             input = NULL, updated_at = $1 \
             WHERE state = 'running' AND lease_until < $1 AND attempts >= $2",
        )
        .bind(&at)
        .bind(max_attempts)
        .execute(&self.pool)
        .await?;
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let rows = sqlx::query(&format!(
            "UPDATE jobs SET state = 'running', claim = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3 \
             WHERE id = (SELECT j.id FROM jobs j \
                 WHERE (j.state = 'queued' OR (j.state = 'running' AND j.lease_until < $3)) AND j.attempts < $4 \
                 ORDER BY (SELECT COUNT(*) FROM jobs r WHERE r.user_id = j.user_id AND r.state = 'running' AND r.lease_until >= $3), j.id \
                 LIMIT 1 {lock}) \
             RETURNING {JOB_COLUMNS}, input"
        ))
        .bind(claim)
        .bind(after(lease_seconds))
        .bind(&at)
        .bind(max_attempts)
        .fetch_all(&self.pool)
        .await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        Ok(Some(Claimed {
            job: job(row)?,
            input: row
                .try_get::<Option<Vec<u8>>, _>("input")?
                .unwrap_or_default(),
            claim: claim.to_string(),
        }))
    }

    /// Records the end of a job held by `claim`: its result, or why it failed. `false`
    /// when the claim no longer holds it (its lease ran out and another took it): then
    /// nothing is recorded.
    pub async fn finish_job(
        &self,
        id: i64,
        claim: &str,
        outcome: std::result::Result<&str, &str>,
    ) -> Result<bool> {
        let (state, result, error) = match outcome {
            Ok(result) => ("done", Some(result), None),
            Err(error) => ("failed", None, Some(error)),
        };
        let done = sqlx::query(
            "UPDATE jobs SET state = $1, result = $2, error = $3, input = NULL, lease_until = NULL, updated_at = $4 \
             WHERE id = $5 AND claim = $6 AND state = 'running'",
        )
        .bind(state)
        .bind(result)
        .bind(error)
        .bind(now())
        .bind(id)
        .bind(claim)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Holds a job `claim` is still working on for `lease_seconds` more (a long job's
    /// worker renews its lease while it runs, so only a worker that died loses it).
    /// `false` when the claim no longer holds the job.
    pub async fn renew_job(&self, id: i64, claim: &str, lease_seconds: u64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_until = $1 WHERE id = $2 AND claim = $3 AND state = 'running'",
        )
        .bind(after(lease_seconds))
        .bind(id)
        .bind(claim)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes jobs that ended before `before` (RFC 3339); how many went.
    pub async fn purge_jobs(&self, before: &str) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM jobs WHERE state IN ('done', 'failed') AND updated_at < $1")
                .bind(before)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }

    /// How many jobs are in each state, for `/healthz` and tests: (queued, running,
    /// done, failed).
    pub async fn job_counts(&self) -> Result<(i64, i64, i64, i64)> {
        let rows = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM jobs WHERE state = 'queued') AS queued, \
               (SELECT COUNT(*) FROM jobs WHERE state = 'running') AS running, \
               (SELECT COUNT(*) FROM jobs WHERE state = 'done') AS done, \
               (SELECT COUNT(*) FROM jobs WHERE state = 'failed') AS failed",
        )
        .fetch_all(&self.pool)
        .await?;
        let row = only_row(&rows)?;
        Ok((
            row.try_get("queued")?,
            row.try_get("running")?,
            row.try_get("done")?,
            row.try_get("failed")?,
        ))
    }
}

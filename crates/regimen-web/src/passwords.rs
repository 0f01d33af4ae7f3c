//! Password hashing: argon2id with the crate's default parameters (19 MiB, 2 passes, one
//! lane: OWASP's recommended minimum), bounded so that a burst of sign-ins cannot take
//! the machine's memory.
//!
//! - At most one hash per core runs at a time; other requests wait for a slot (up to
//!   [`WAIT`]) and are then answered 503 with Retry-After.
//! - Each running hash uses a 19 MiB memory block taken from a pool and given back,
//!   never freed: the process holds at most one block per core, however many people
//!   sign in (the allocator kept every freed block of the unbounded version: 3 GB after
//!   200 sign-ins).
//! - An unknown username is checked against a hash with the same parameters, so it
//!   takes as long as a wrong password (no enumeration by timing).

use crate::error::ApiError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How long a sign-in waits for a hashing slot before it is answered 503.
pub const WAIT: Duration = Duration::from_secs(10);

/// A hash of a random password made with the same parameters: what an unknown username
/// is checked against.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$x8A+5b5u5Q5FMPTJ1JexG1h8G6QdGT0kxX9N2Z+d6rM";

/// The bounded hasher.
#[derive(Debug)]
pub struct Passwords {
    slots: tokio::sync::Semaphore,
    blocks: Mutex<Vec<Vec<Block>>>,
}

impl Passwords {
    /// A hasher running at most `slots` hashes at a time.
    pub fn new(slots: usize) -> Passwords {
        Passwords {
            slots: tokio::sync::Semaphore::new(slots.max(1)),
            blocks: Mutex::new(Vec::new()),
        }
    }

    /// Runs `work` with a memory block on the blocking pool, within a slot.
    async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = tokio::time::timeout(WAIT, self.slots.acquire())
            .await
            .map_err(|_| ApiError::Busy)?
            .map_err(|_| ApiError::Busy)?;
        let this = Arc::clone(self);
        let result = tokio::task::spawn_blocking(move || {
            let mut block = this
                .blocks
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop()
                .unwrap_or_default();
            let out = work(&mut block);
            this.blocks
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(block);
            out
        })
        .await
        .map_err(|e| ApiError::Internal(format!("hashing task: {e}")));
        drop(permit);
        result
    }

    /// The PHC string of a new hash of `password`.
    pub async fn hash(self: &Arc<Self>, password: String) -> Result<String, ApiError> {
        self.run(move |block| {
            let params = Params::default();
            let salt = SaltString::generate(&mut OsRng);
            let mut salt_bytes = [0u8; 64];
            let salt_raw = salt
                .decode_b64(&mut salt_bytes)
                .map_err(|e| ApiError::Internal(format!("salt: {e}")))?;
            let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
            compute(
                &params,
                Version::V0x13,
                password.as_bytes(),
                salt_raw,
                &mut out,
                block,
            )?;
            let phc = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params)
                    .map_err(|e| ApiError::Internal(format!("params: {e}")))?,
                salt: Some(salt.as_salt()),
                hash: Some(Output::new(&out).map_err(|e| ApiError::Internal(e.to_string()))?),
            };
            Ok(phc.to_string())
        })
        .await?
    }

    /// Whether `password` matches `stored`; with no stored hash (an unknown username) the
    /// same work is done against a dummy and the answer is no.
    pub async fn verify(
        self: &Arc<Self>,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, ApiError> {
        self.run(move |block| {
            let known = stored.is_some();
            let text = stored.as_deref().unwrap_or(DUMMY);
            let Ok(parsed) = PasswordHash::new(text) else {
                return false;
            };
            let (Ok(params), Some(salt), Some(expected)) =
                (Params::try_from(&parsed), parsed.salt, parsed.hash)
            else {
                return false;
            };
            let version = parsed
                .version
                .and_then(|v| Version::try_from(v).ok())
                .unwrap_or_default();
            let mut salt_bytes = [0u8; 64];
            let Ok(salt_raw) = salt.decode_b64(&mut salt_bytes) else {
                return false;
            };
            let mut out = vec![0u8; expected.len()];
            if compute(
                &params,
                version,
                password.as_bytes(),
                salt_raw,
                &mut out,
                block,
            )
            .is_err()
            {
                return false;
            }
            // `Output` compares in constant time.
            known && Output::new(&out).is_ok_and(|computed| computed == expected)
        })
        .await
    }
}

/// argon2id into `out`, in `block` (grown once to the size the parameters need).
fn compute(
    params: &Params,
    version: Version,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    block: &mut Vec<Block>,
) -> Result<(), ApiError> {
    if block.len() != params.block_count() {
        block.clear();
        block.resize(params.block_count(), Block::default());
    }
    Argon2::new(Algorithm::Argon2id, version, params.clone())
        .hash_password_into_with_memory(password, salt, out, block.as_mut_slice())
        .map_err(|e| ApiError::Internal(format!("hashing: {e}")))
}

#[cfg(test)]
mod tests {
    use super::Passwords;
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    use std::sync::Arc;

    #[tokio::test]
    async fn hashes_verify_here_and_with_the_argon2_crate() {
        let passwords = Arc::new(Passwords::new(2));
        let hash = passwords
            .hash("correct horse battery".into())
            .await
            .expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        let parsed = PasswordHash::new(&hash).expect("PHC");
        assert!(argon2::Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        let check = |p: &str, h: Option<String>| passwords.verify(p.into(), h);
        assert!(check("correct horse battery", Some(hash.clone()))
            .await
            .expect("verify"));
        assert!(!check("wrong horse battery", Some(hash))
            .await
            .expect("verify"));
        assert!(!check("correct horse battery", None).await.expect("verify"));
        // One block per slot at most, reused.
        assert!(passwords.blocks.lock().expect("lock").len() <= 2);
    }
}

//! Passwords (argon2id), bearer tokens (random, stored only as their SHA-256) and the login
//! rate limiter (per account and per address).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_BYTES: usize = 1024;

pub fn check_password_rules(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "The password is too short: use at least {MIN_PASSWORD_CHARS} characters."
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!(
            "The password is too long (at most {MAX_PASSWORD_BYTES} bytes)."
        ));
    }
    Ok(())
}

pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2id with default parameters hashes any input")
        .to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so a wrong e-mail costs as
/// long as a wrong password and timing reveals nothing.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("porchlight-decoy-password"))
}

/// A new opaque bearer token: 32 random bytes, hex, with a recognisable prefix.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("plt_{}", hex::encode(bytes))
}

/// What the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Fixed-window login limiter: failures per account, attempts per address.
pub struct LoginLimiter {
    window: Duration,
    max_failures_per_account: u32,
    max_attempts_per_address: u32,
    accounts: Mutex<HashMap<String, (Instant, u32)>>,
    addresses: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(Duration::from_secs(300), 5, 30)
    }
}

impl LoginLimiter {
    pub fn new(window: Duration, per_account: u32, per_address: u32) -> LoginLimiter {
        LoginLimiter {
            window,
            max_failures_per_account: per_account,
            max_attempts_per_address: per_address,
            accounts: Mutex::new(HashMap::new()),
            addresses: Mutex::new(HashMap::new()),
        }
    }

    fn retry_after(&self, started: Instant, now: Instant) -> Duration {
        (started + self.window)
            .saturating_duration_since(now)
            .max(Duration::from_secs(1))
    }

    /// Counts an attempt from `addr` for `account`; `Err(retry_after)` when either is over
    /// its limit.
    pub fn attempt(&self, account: &str, addr: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        {
            let accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((started, n)) = accounts.get(account) {
                if now.duration_since(*started) < self.window && *n >= self.max_failures_per_account
                {
                    return Err(self.retry_after(*started, now));
                }
            }
        }
        let mut addresses = self.addresses.lock().unwrap_or_else(|p| p.into_inner());
        if addresses.len() > 100_000 {
            addresses.retain(|_, (s, _)| now.duration_since(*s) < self.window);
        }
        let entry = addresses.entry(addr).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max_attempts_per_address {
            return Err(self.retry_after(entry.0, now));
        }
        entry.1 += 1;
        Ok(())
    }

    pub fn failed(&self, account: &str) {
        let now = Instant::now();
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if accounts.len() > 100_000 {
            accounts.retain(|_, (s, _)| now.duration_since(*s) < self.window);
        }
        let entry = accounts.entry(account.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }

    pub fn succeeded(&self, account: &str) {
        self.accounts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_unique_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn limiter_blocks_an_account_after_failures_and_an_address_after_attempts() {
        let l = LoginLimiter::new(Duration::from_secs(60), 3, 5);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..3 {
            l.attempt("a@x.co", ip).unwrap();
            l.failed("a@x.co");
        }
        let wait = l.attempt("a@x.co", ip).unwrap_err();
        assert!(wait <= Duration::from_secs(60) && wait >= Duration::from_secs(1));
        // Another account from the same address still works until the address limit.
        l.attempt("b@x.co", ip).unwrap();
        l.attempt("b@x.co", ip).unwrap();
        assert!(l.attempt("b@x.co", ip).is_err());
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        l.attempt("b@x.co", other).unwrap();
    }
}

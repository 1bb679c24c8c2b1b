//! Passwords (argon2id), bearer tokens (random, stored only as their SHA-256) and the login
//! limits (per account, per client network, concurrent hashes), session lifetimes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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
    verify_in(password, hash, &mut Vec::new())
}

/// Verifies with argon2's working memory in `memory` (grown to the hash's size if needed),
/// so a server that keeps a few such buffers never asks the allocator for more: freed 19 MiB
/// blocks otherwise linger in per-thread allocator arenas and add up.
fn verify_in(password: &str, hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .is_ok()
        // `Output` compares in constant time.
        && Output::new(&out).is_ok_and(|o| o == expected)
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

/// The network a client address counts for in rate limits: an IPv4 address itself, an
/// IPv6 address by its /64 (one household or server usually holds a whole /64).
pub fn client_network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// How long a sign-in lasts: `idle` without any request, `absolute` at most. Each server
/// process reads them once from PORCHLIGHT_SESSION_IDLE_SECS / PORCHLIGHT_SESSION_MAX_SECS
/// (defaults 30 and 90 days); the CLI reads the same variables.
#[derive(Debug, Clone, Copy)]
pub struct SessionLifetimes {
    pub idle_ms: i64,
    pub absolute_ms: i64,
}

impl SessionLifetimes {
    pub fn from_env() -> SessionLifetimes {
        static LIFETIMES: std::sync::OnceLock<SessionLifetimes> = std::sync::OnceLock::new();
        *LIFETIMES.get_or_init(|| {
            let secs = |var: &str, default: i64| {
                std::env::var(var)
                    .ok()
                    .and_then(|v| v.parse::<i64>().ok())
                    .filter(|v| *v > 0)
                    .unwrap_or(default)
            };
            SessionLifetimes {
                idle_ms: secs("PORCHLIGHT_SESSION_IDLE_SECS", 30 * 86_400) * 1000,
                absolute_ms: secs("PORCHLIGHT_SESSION_MAX_SECS", 90 * 86_400) * 1000,
            }
        })
    }

    /// Whether a session made at `created` and last used at `last_used` has run out.
    pub fn expired(&self, created: i64, last_used: i64, now: i64) -> bool {
        now - created >= self.absolute_ms || now - last_used >= self.idle_ms
    }

    /// How stale "last used" may get before a request writes it again: at most once a
    /// minute per session keeps writes cheap, and far inside the idle lifetime.
    pub fn touch_after_ms(&self) -> i64 {
        (self.idle_ms / 4).clamp(1, 60_000)
    }
}

/// Why a sign-in attempt may not go ahead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Refusal {
    /// Too many attempts for the account or from the address: retry after this long.
    Limited(Duration),
    /// Every password-hashing slot stayed taken for the whole wait.
    Busy,
}

/// How long an attempt waits for a hashing slot before the server answers busy.
const HASH_SLOT_WAIT: Duration = Duration::from_secs(2);

/// Login limits, in this process's memory: per account, attempts that have not succeeded
/// (each is reserved before the password hash runs, so parallel guesses count at once);
/// per client network, every attempt. And a bound on concurrent password hashes, each of
/// which holds argon2's ~19 MiB.
pub struct LoginLimiter {
    window: Duration,
    max_failures_per_account: u32,
    max_attempts_per_address: u32,
    accounts: Mutex<HashMap<String, (Instant, u32)>>,
    addresses: Mutex<HashMap<IpAddr, (Instant, u32)>>,
    hashing: Arc<tokio::sync::Semaphore>,
    /// One argon2 working memory per hashing slot, made on first use and kept.
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(Duration::from_secs(300), 5, 30)
    }
}

/// One attempt's place in the account's and the address's counts: dropped without
/// [`Reservation::succeeded`] it stays counted as a failure.
pub struct Reservation<'a> {
    limiter: &'a LoginLimiter,
    account: String,
    /// The client's network, once its place there is taken.
    network: Option<IpAddr>,
    /// Given back when the attempt never reached the password check.
    give_back: bool,
}

impl Reservation<'_> {
    /// The password was right: the account's failures are forgiven, and the attempt leaves
    /// the address's count (a team behind one address all signs in at nine; guessing and
    /// hashing floods are failures, and they stay counted).
    pub fn succeeded(mut self) {
        self.limiter.lock_accounts().remove(&self.account);
        if let Some(network) = self.network.take() {
            let mut addresses = self
                .limiter
                .addresses
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if let Some((_, n)) = addresses.get_mut(&network) {
                *n = n.saturating_sub(1);
            }
        }
    }

    /// The attempt ended before the password was checked (the server was busy).
    fn release(mut self) {
        self.give_back = true;
    }

    /// Waits (briefly) for a hashing slot; `Err(Busy)` when none frees up in time, and
    /// then the attempt no longer counts.
    pub async fn hashing_slot(self) -> Result<(Self, HashSlot), Refusal> {
        let sem = self.limiter.hashing.clone();
        match tokio::time::timeout(HASH_SLOT_WAIT, sem.acquire_owned()).await {
            Ok(Ok(permit)) => {
                let pool = self.limiter.memory.clone();
                let memory = pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
                let slot = HashSlot {
                    _permit: permit,
                    memory: memory.unwrap_or_default(),
                    pool,
                };
                Ok((self, slot))
            }
            _ => {
                self.release();
                Err(Refusal::Busy)
            }
        }
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if self.give_back {
            let mut accounts = self.limiter.lock_accounts();
            if let Some((_, n)) = accounts.get_mut(&self.account) {
                *n = n.saturating_sub(1);
            }
        }
    }
}

/// Permission to run one password hash, with the working memory for it; both go back
/// when the slot is dropped.
pub struct HashSlot {
    _permit: tokio::sync::OwnedSemaphorePermit,
    memory: Vec<Block>,
    pool: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl HashSlot {
    /// [`verify_password`] in this slot's memory. Blocking (tens of milliseconds).
    pub fn verify(mut self, password: &str, hash: &str) -> bool {
        verify_in(password, hash, &mut self.memory)
    }
}

impl Drop for HashSlot {
    fn drop(&mut self) {
        let memory = std::mem::take(&mut self.memory);
        self.pool
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(memory);
    }
}

/// Forgets entries whose window has passed once a map tracks this many.
const MAX_TRACKED: usize = 100_000;

impl LoginLimiter {
    pub fn new(window: Duration, per_account: u32, per_address: u32) -> LoginLimiter {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        LoginLimiter {
            window,
            max_failures_per_account: per_account,
            max_attempts_per_address: per_address,
            accounts: Mutex::new(HashMap::new()),
            addresses: Mutex::new(HashMap::new()),
            hashing: Arc::new(tokio::sync::Semaphore::new(cores.max(2))),
            memory: Arc::new(Mutex::new(Vec::new())),
        }
    }

    fn lock_accounts(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, u32)>> {
        self.accounts.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn retry_after(&self, started: Instant, now: Instant) -> Duration {
        (started + self.window)
            .saturating_duration_since(now)
            .max(Duration::from_secs(1))
    }

    /// Counts one more in a fixed window, unless `max` are already counted.
    fn take(&self, entry: &mut (Instant, u32), max: u32, now: Instant) -> Result<(), Duration> {
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= max {
            return Err(self.retry_after(entry.0, now));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Reserves an attempt for `account` from `addr` before any password work:
    /// `Err(Limited(retry_after))` when the account or the address is over its limit.
    pub fn reserve(&self, account: &str, addr: IpAddr) -> Result<Reservation<'_>, Refusal> {
        let now = Instant::now();
        {
            let mut accounts = self.lock_accounts();
            if accounts.len() >= MAX_TRACKED {
                accounts.retain(|_, (s, _)| now.duration_since(*s) < self.window);
            }
            let entry = accounts.entry(account.to_string()).or_insert((now, 0));
            self.take(entry, self.max_failures_per_account, now)
                .map_err(Refusal::Limited)?;
        }
        let mut reservation = Reservation {
            limiter: self,
            account: account.to_string(),
            network: None,
            give_back: false,
        };
        let network = client_network(addr);
        let mut addresses = self.addresses.lock().unwrap_or_else(|p| p.into_inner());
        if addresses.len() >= MAX_TRACKED {
            addresses.retain(|_, (s, _)| now.duration_since(*s) < self.window);
        }
        let entry = addresses.entry(network).or_insert((now, 0));
        if let Err(wait) = self.take(entry, self.max_attempts_per_address, now) {
            drop(addresses);
            reservation.release();
            return Err(Refusal::Limited(wait));
        }
        reservation.network = Some(network);
        Ok(reservation)
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
    fn limiter_reserves_before_the_hash_and_counts_per_network() {
        let l = LoginLimiter::new(Duration::from_secs(60), 3, 5);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        // Three attempts in flight at once hold the account's three places.
        let held: Vec<_> = (0..3).map(|_| l.reserve("a@x.co", ip).unwrap()).collect();
        let Err(Refusal::Limited(wait)) = l.reserve("a@x.co", ip) else {
            panic!("a fourth parallel attempt must be refused")
        };
        assert!(wait <= Duration::from_secs(60) && wait >= Duration::from_secs(1));
        drop(held);
        assert!(l.reserve("a@x.co", ip).is_err(), "failures stay counted");
        // The address holds those three failures (the refused fourth did not count there).
        // Successful sign-ins leave its count: a whole team behind one address gets in.
        for _ in 0..20 {
            l.reserve("b@x.co", ip).unwrap().succeeded();
        }
        // Failures with other accounts fill it up.
        drop(l.reserve("c@x.co", ip).unwrap());
        drop(l.reserve("d@x.co", ip).unwrap());
        assert!(
            l.reserve("b@x.co", ip).is_err(),
            "five failures from one address"
        );
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        l.reserve("b@x.co", other).unwrap().succeeded();
        // One IPv6 /64 is one client.
        let l = LoginLimiter::new(Duration::from_secs(60), 100, 1);
        l.reserve("c@x.co", "2001:db8:1:2::1".parse().unwrap())
            .unwrap();
        assert!(l
            .reserve("c@x.co", "2001:db8:1:2:ff::9".parse().unwrap())
            .is_err());
        assert!(l
            .reserve("c@x.co", "2001:db8:1:3::1".parse().unwrap())
            .is_ok());
    }

    #[test]
    fn a_success_forgives_and_a_busy_server_gives_the_place_back() {
        let l = LoginLimiter::new(Duration::from_secs(60), 2, 100);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        drop(l.reserve("a@x.co", ip).unwrap());
        l.reserve("a@x.co", ip).unwrap().succeeded();
        l.reserve("a@x.co", ip).unwrap().release();
        l.reserve("a@x.co", ip).unwrap();
        l.reserve("a@x.co", ip).unwrap();
        assert!(l.reserve("a@x.co", ip).is_err());
    }

    #[test]
    fn sessions_run_out_when_idle_or_old() {
        let l = SessionLifetimes {
            idle_ms: 10,
            absolute_ms: 100,
        };
        assert!(!l.expired(0, 0, 9));
        assert!(l.expired(0, 0, 10));
        assert!(!l.expired(0, 95, 99));
        assert!(l.expired(0, 95, 100));
    }
}

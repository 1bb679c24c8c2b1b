//! The portal's two guards: tracking-link tokens (HMAC-SHA256 of the ticket id under the
//! server's secret, URL-safe base64, compared in constant time) and a per-client-IP rate limit.
//!
//! The rate limit lives in this process's memory: it resets on restart, and several server
//! processes behind a load balancer each allow the limit. The client IP is the connection's
//! peer address (no `X-Forwarded-For` is trusted), so behind a reverse proxy every customer
//! shares the proxy's budget; IPv6 addresses count per /64 network.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::auth::client_network;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], ticket_id: &str) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length");
    m.update(ticket_id.as_bytes());
    m
}

/// The token of a ticket's tracking link.
pub fn token(secret: &[u8], ticket_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(secret, ticket_id).finalize().into_bytes())
}

/// Whether `token` belongs to `ticket_id`. Non-canonical base64 (a changed last character
/// that only touches padding bits) is refused too.
pub fn verify(secret: &[u8], ticket_id: &str, token: &str) -> bool {
    match URL_SAFE_NO_PAD.decode(token) {
        Ok(sig) => mac(secret, ticket_id).verify_slice(&sig).is_ok(),
        Err(_) => false,
    }
}

/// At most `max` accepted actions per client network within `window`.
pub struct RateLimit {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

/// Beyond this many tracked networks, the ones with no recent hit are forgotten.
const MAX_TRACKED: usize = 10_000;

impl RateLimit {
    pub fn new(max: usize, window: Duration) -> RateLimit {
        RateLimit {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` when this client has used its budget: how long until it may act again.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        let Some(q) = hits.get_mut(&client_network(ip)) else {
            return Ok(());
        };
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        match q.front() {
            Some(first) if q.len() >= self.max => {
                Err(self.window.saturating_sub(now.duration_since(*first)))
            }
            _ => Ok(()),
        }
    }

    /// Counts one accepted action.
    pub fn record(&self, ip: IpAddr) {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() >= MAX_TRACKED {
            let window = self.window;
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let q = hits.entry(client_network(ip)).or_default();
        q.push_back(now);
        while q.len() > self.max {
            q.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_fits_one_ticket_and_no_changed_character() {
        let secret = [7u8; 32];
        let t = token(&secret, "ticket-a");
        assert_eq!(t.len(), 43);
        assert!(verify(&secret, "ticket-a", &t));
        assert!(!verify(&secret, "ticket-b", &t));
        assert!(!verify(&[8u8; 32], "ticket-a", &t));
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 0..t.len() {
            for c in alphabet.chars().filter(|c| *c != t.as_bytes()[i] as char) {
                let mut changed = t.clone();
                changed.replace_range(i..i + 1, &c.to_string());
                assert!(!verify(&secret, "ticket-a", &changed), "{changed}");
            }
        }
        for bad in ["", "x", "%%%", &t[..42], &format!("{t}A"), &format!("{t}=")] {
            assert!(!verify(&secret, "ticket-a", bad), "{bad}");
        }
    }

    #[test]
    fn the_limit_counts_per_network() {
        let limit = RateLimit::new(2, Duration::from_secs(3600));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        limit.record(a);
        assert!(limit.check(a).is_ok());
        limit.record(a);
        let wait = limit.check(a).unwrap_err();
        assert!(wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600));
        assert!(limit.check(b).is_ok());
        // One IPv6 /64 is one client.
        let v6a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let v6b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        limit.record(v6a);
        limit.record(v6b);
        assert!(limit.check(v6a).is_err());
        assert!(limit.check("2001:db8:1:3::1".parse().unwrap()).is_ok());
    }

    #[test]
    fn an_empty_window_forgets() {
        let limit = RateLimit::new(1, Duration::ZERO);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        limit.record(a);
        assert!(limit.check(a).is_ok());
    }
}

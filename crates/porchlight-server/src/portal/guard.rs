//! The portal's guards: tracking-link tokens (HMAC-SHA256 of the ticket id under the
//! server's secret, URL-safe base64, compared in constant time), a per-client-IP rate limit,
//! and the slots that bound how many form bodies are read at once.
//!
//! The rate limit lives in this process's memory: it resets on restart, and several server
//! processes behind a load balancer each allow the limit. The client IP is the connection's
//! peer address (no `X-Forwarded-For` is trusted), so behind a reverse proxy every customer
//! shares the proxy's budget; IPv6 addresses count per /64 network.

use porchlight_domain::survey::SurveyKind;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

fn survey_subject(ticket_id: &str, kind: SurveyKind) -> String {
    format!("survey/{ticket_id}/{}", kind.as_str())
}

/// The token of a ticket's survey of `kind` (another kind or ticket has another token).
pub fn survey_token(secret: &[u8], ticket_id: &str, kind: SurveyKind) -> String {
    token(secret, &survey_subject(ticket_id, kind))
}

/// Whether `token` belongs to the survey of `kind` on `ticket_id`.
pub fn verify_survey(secret: &[u8], ticket_id: &str, kind: SurveyKind, token: &str) -> bool {
    verify(secret, &survey_subject(ticket_id, kind), token)
}

/// The path of a ticket's survey page of `kind`.
pub fn survey_path(secret: &[u8], ticket_id: &str, kind: SurveyKind) -> String {
    format!(
        "/help/survey/{ticket_id}/{}/{}",
        kind.as_str(),
        survey_token(secret, ticket_id, kind)
    )
}

/// The full link of a ticket's survey page, in the customer's language.
pub fn survey_link(
    base: &str,
    secret: &[u8],
    ticket_id: &str,
    kind: SurveyKind,
    lang: &str,
) -> String {
    format!(
        "{}{}?lang={lang}",
        base.trim_end_matches('/'),
        survey_path(secret, ticket_id, kind)
    )
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

    /// Counts one action of this client now, before any of its work is done, so parallel
    /// requests cannot all pass a check and then all be counted. `Err(wait)` when the client
    /// has used its budget: how long until it may act again. The returned instant names the
    /// reservation for [`RateLimit::give_back`].
    pub fn reserve(&self, ip: IpAddr) -> Result<Instant, Duration> {
        let now = Instant::now();
        let window = self.window;
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() >= MAX_TRACKED {
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let q = hits.entry(client_network(ip)).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        match q.front() {
            Some(first) if q.len() >= self.max => {
                Err(window.saturating_sub(now.duration_since(*first)))
            }
            _ => {
                q.push_back(now);
                Ok(now)
            }
        }
    }

    /// Returns a reservation whose action was not taken. Callers decide when that is fair
    /// (see the portal's handlers); a reservation already expired changes nothing.
    pub fn give_back(&self, ip: IpAddr, reserved_at: Instant) {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(q) = hits.get_mut(&client_network(ip)) {
            if let Some(i) = q.iter().position(|t| *t == reserved_at) {
                q.remove(i);
            }
        }
    }
}

/// Bounds how many form bodies are read at once: `per_client` for one network, `total` for
/// all. A client's further uploads wait for its own earlier ones, so a few slow senders
/// cannot hold every slot.
pub struct UploadSlots {
    total: Arc<Semaphore>,
    per_client: usize,
    clients: Mutex<HashMap<IpAddr, Arc<Semaphore>>>,
}

/// A body being read; its slots are free again when this is dropped.
pub struct UploadSlot {
    _client: OwnedSemaphorePermit,
    _total: OwnedSemaphorePermit,
}

impl UploadSlots {
    pub fn new(total: usize, per_client: usize) -> UploadSlots {
        UploadSlots {
            total: Arc::new(Semaphore::new(total)),
            per_client,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a slot of this client's network, then for one of all.
    pub async fn take(&self, ip: IpAddr) -> UploadSlot {
        let mine = {
            let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
            // A network nobody holds or waits for is forgotten.
            clients.retain(|_, s| Arc::strong_count(s) > 1);
            clients
                .entry(client_network(ip))
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_client)))
                .clone()
        };
        // Neither semaphore is ever closed.
        let client = mine.acquire_owned().await.expect("upload slots stay open");
        let total = self
            .total
            .clone()
            .acquire_owned()
            .await
            .expect("upload slots stay open");
        UploadSlot {
            _client: client,
            _total: total,
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
        assert!(limit.reserve(a).is_ok());
        assert!(limit.reserve(a).is_ok());
        let wait = limit.reserve(a).unwrap_err();
        assert!(wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600));
        assert!(limit.reserve(b).is_ok());
        // One IPv6 /64 is one client.
        let v6a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let v6b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert!(limit.reserve(v6a).is_ok());
        assert!(limit.reserve(v6b).is_ok());
        assert!(limit.reserve(v6a).is_err());
        assert!(limit.reserve("2001:db8:1:3::1".parse().unwrap()).is_ok());
    }

    #[test]
    fn parallel_reservations_never_exceed_the_budget() {
        let limit = std::sync::Arc::new(RateLimit::new(5, Duration::from_secs(3600)));
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let granted: usize = (0..20)
            .map(|_| {
                let limit = limit.clone();
                std::thread::spawn(move || limit.reserve(ip).is_ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap() as usize)
            .sum();
        assert_eq!(granted, 5);
    }

    #[test]
    fn a_returned_reservation_frees_its_place() {
        let limit = RateLimit::new(1, Duration::from_secs(3600));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let at = limit.reserve(a).unwrap();
        assert!(limit.reserve(a).is_err());
        limit.give_back(a, at);
        assert!(limit.reserve(a).is_ok());
        assert!(limit.reserve(a).is_err());
    }

    #[test]
    fn an_empty_window_forgets() {
        let limit = RateLimit::new(1, Duration::ZERO);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(limit.reserve(a).is_ok());
        assert!(limit.reserve(a).is_ok());
    }

    #[test]
    fn one_client_waits_for_its_own_uploads_not_for_others() {
        use futures_util::FutureExt;
        let slots = UploadSlots::new(3, 2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let first = slots.take(a).now_or_never().expect("a free slot");
        let _second = slots.take(a).now_or_never().expect("a free slot");
        assert!(
            slots.take(a).now_or_never().is_none(),
            "a third for one client"
        );
        let other = slots.take(b).now_or_never().expect("another client's slot");
        // All three are taken: the next client waits too.
        assert!(slots
            .take("192.0.2.3".parse().unwrap())
            .now_or_never()
            .is_none());
        drop(first);
        drop(other);
        assert!(slots.take(a).now_or_never().is_some());
    }
}

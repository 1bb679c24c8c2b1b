//! The listener: accepts connections within a cap per client address and in total, and serves
//! each over HTTP/1 with deadlines for request heads, bodies and stalled writes, so slow
//! clients cannot hold it.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tower_service::Service;

use crate::http::Failure;

/// The limits a connection lives under. `from_env` reads them; tests shrink them.
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    /// How long a connection may take to send a complete request head. Hyper runs this clock
    /// whenever the connection waits for a head, so it also closes idle keep-alive connections.
    pub header_timeout: Duration,
    /// A request body must arrive within this time, plus one second per `body_min_rate` bytes
    /// received, so large uploads on slow links finish while a trickle is cut off.
    pub body_timeout: Duration,
    pub body_min_rate: u64,
    /// A response the client stops reading for this long closes its connection (a slow
    /// reader would otherwise hold a place and the response's memory for good).
    pub write_stall_timeout: Duration,
    pub max_connections: usize,
    /// Per client address; IPv6 clients are grouped by their /64, which one host usually owns.
    pub max_per_address: usize,
}

/// File descriptors left to the database, attachments and connections being refused.
fn total_cap_for(fd_limit: u64) -> usize {
    let usable = fd_limit.saturating_mul(3) / 4;
    usable.saturating_sub(64).clamp(16, 1 << 20) as usize
}

/// The soft RLIMIT_NOFILE of this process.
#[cfg(unix)]
fn fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes only into the struct it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0;
    if ok && lim.rlim_cur != libc::RLIM_INFINITY {
        #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 on every Unix
        let soft = lim.rlim_cur as u64;
        soft
    } else {
        // Unknown or unlimited: the usual default.
        1024
    }
}

/// Windows has no per-process descriptor limit of this kind; sockets are bounded by memory.
#[cfg(not(unix))]
fn fd_limit() -> u64 {
    8192
}

/// A number from the environment, or `default` when unset; a value that does not parse is
/// an error, so a typo does not silently leave the server unprotected.
pub fn env_number(name: &str, default: u64) -> anyhow::Result<u64> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .map_err(|_| anyhow::anyhow!("{name} must be a whole number, not '{v}'")),
        Err(_) => Ok(default),
    }
}

impl ConnectionLimits {
    /// PORCHLIGHT_HEADER_TIMEOUT_MS (10 s), PORCHLIGHT_BODY_TIMEOUT_MS (60 s),
    /// PORCHLIGHT_BODY_MIN_RATE (bytes a second, 16384), PORCHLIGHT_WRITE_STALL_TIMEOUT_MS
    /// (60 s), PORCHLIGHT_MAX_CONNECTIONS (from the
    /// file-descriptor limit) and PORCHLIGHT_MAX_CONNECTIONS_PER_ADDRESS (64).
    pub fn from_env() -> anyhow::Result<ConnectionLimits> {
        let ms = |name, default| env_number(name, default).map(Duration::from_millis);
        let limits = ConnectionLimits {
            header_timeout: ms("PORCHLIGHT_HEADER_TIMEOUT_MS", 10_000)?,
            body_timeout: ms("PORCHLIGHT_BODY_TIMEOUT_MS", 60_000)?,
            body_min_rate: env_number("PORCHLIGHT_BODY_MIN_RATE", 16 * 1024)?,
            write_stall_timeout: ms("PORCHLIGHT_WRITE_STALL_TIMEOUT_MS", 60_000)?,
            max_connections: env_number(
                "PORCHLIGHT_MAX_CONNECTIONS",
                total_cap_for(fd_limit()) as u64,
            )? as usize,
            max_per_address: env_number("PORCHLIGHT_MAX_CONNECTIONS_PER_ADDRESS", 64)? as usize,
        };
        if limits.header_timeout.is_zero()
            || limits.body_timeout.is_zero()
            || limits.write_stall_timeout.is_zero()
            || limits.max_connections == 0
            || limits.max_per_address == 0
        {
            anyhow::bail!("connection timeouts and caps must be greater than zero");
        }
        Ok(limits)
    }
}

/// The address a client is counted under.
fn address_group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Open connections, in total and per address group.
struct OpenConnections {
    limits: ConnectionLimits,
    counts: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// One admitted connection; dropping it frees its place.
struct Admission {
    open: Arc<OpenConnections>,
    group: IpAddr,
}

impl OpenConnections {
    /// Takes a place for a new connection before any of its bytes are read, or refuses it.
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<Admission> {
        let group = address_group(ip);
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per) = &mut *counts;
        let mine = per.get(&group).copied().unwrap_or(0);
        if *total >= self.limits.max_connections || mine >= self.limits.max_per_address {
            return None;
        }
        *total += 1;
        per.insert(group, mine + 1);
        Some(Admission {
            open: self.clone(),
            group,
        })
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut counts = self.open.counts.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per) = &mut *counts;
        *total -= 1;
        if let Some(n) = per.get_mut(&self.group) {
            *n -= 1;
            if *n == 0 {
                per.remove(&self.group);
            }
        }
    }
}

/// What the refused get: a complete answer that fits any socket buffer, then the close.
const REFUSAL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\nretry-after: 5\r\n\r\n";

fn refuse(stream: TcpStream) {
    // Never waits. What the client already sent is read first, so the close is a clean one
    // the client can read the answer before, not a reset; a few reads at most.
    let mut sink = [0u8; 4096];
    for _ in 0..4 {
        match stream.try_read(&mut sink) {
            Ok(n) if n > 0 => continue,
            _ => break,
        }
    }
    let _ = stream.try_write(REFUSAL);
}

/// The client's socket, failing a write that has made no progress for `stall`.
struct StallGuarded {
    inner: TcpStream,
    stall: Duration,
    stalled_since: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl StallGuarded {
    fn progress<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if polled.is_ready() {
            self.stalled_since = None;
            return polled;
        }
        let stall = self.stall;
        let timer = self
            .stalled_since
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(stall)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading the response",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for StallGuarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for StallGuarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.progress(cx, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.progress(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_flush(cx);
        self.progress(cx, polled)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// How much of a request body has arrived, shared between the body and its deadline.
#[derive(Default)]
struct BodyArrival {
    bytes: AtomicU64,
    complete: AtomicBool,
}

/// The request body as the router reads it, reporting its progress.
struct WatchedBody {
    inner: Incoming,
    arrival: Arc<BodyArrival>,
}

impl HttpBody for WatchedBody {
    type Data = <Incoming as HttpBody>::Data;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.arrival
                        .bytes
                        .fetch_add(data.len() as u64, Ordering::Relaxed);
                }
                if self.inner.is_end_stream() {
                    self.arrival.complete.store(true, Ordering::Relaxed);
                }
            }
            // An error ends the body too: the handler answers it, not the deadline.
            Poll::Ready(_) => self.arrival.complete.store(true, Ordering::Relaxed),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

fn body_timed_out(limits: &ConnectionLimits) -> Response {
    let mut res = Failure::new(
        StatusCode::REQUEST_TIMEOUT,
        "body_timeout",
        format!(
            "The request body arrived too slowly (it must arrive within {} seconds, plus one second for every {} bytes).",
            limits.body_timeout.as_secs(),
            limits.body_min_rate
        ),
    )
    .into_response();
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

/// Runs one request through the router. Until its body has fully arrived, a deadline runs
/// beside the handler; once the body is in (or was empty) the handler may take its time,
/// and a response that streams (the event stream) is never limited.
async fn handle(
    mut router: Router,
    limits: Arc<ConnectionLimits>,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Result<Response, std::convert::Infallible> {
    let started = tokio::time::Instant::now();
    let arrival = Arc::new(BodyArrival::default());
    if req.body().is_end_stream() {
        arrival.complete.store(true, Ordering::Relaxed);
    }
    let mut req = req.map(|inner| {
        Body::new(WatchedBody {
            inner,
            arrival: arrival.clone(),
        })
    });
    req.extensions_mut().insert(ConnectInfo(peer));
    let handler = router.call(req);
    tokio::pin!(handler);
    let deadline = tokio::time::sleep(limits.body_timeout);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            res = &mut handler => return res,
            () = &mut deadline, if !arrival.complete.load(Ordering::Relaxed) => {
                if arrival.complete.load(Ordering::Relaxed) {
                    continue;
                }
                let received = arrival.bytes.load(Ordering::Relaxed);
                let earned = Duration::from_secs(received / limits.body_min_rate.max(1));
                let until = started + limits.body_timeout + earned;
                if until > tokio::time::Instant::now() {
                    deadline.as_mut().reset(until);
                    continue;
                }
                tracing::info!(peer = %peer.ip(), received, "request body too slow; closing");
                return Ok(body_timed_out(&limits));
            }
        }
    }
}

/// Accepts and serves connections until `shutdown` resolves, then lets requests in flight
/// finish (streams that never end must be ended by whoever resolves `shutdown`).
pub async fn serve_connections(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tracing::info!(
        header_timeout_ms = limits.header_timeout.as_millis() as u64,
        body_timeout_ms = limits.body_timeout.as_millis() as u64,
        body_min_rate = limits.body_min_rate,
        write_stall_timeout_ms = limits.write_stall_timeout.as_millis() as u64,
        max_connections = limits.max_connections,
        max_per_address = limits.max_per_address,
        "connection limits"
    );
    let open = Arc::new(OpenConnections {
        limits: limits.clone(),
        counts: Mutex::new((0, HashMap::new())),
    });
    let limits = Arc::new(limits);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let graceful = GracefulShutdown::new();
    // Refusals are summed into one warning at most every ten seconds: a flood must not
    // become a flood of log lines.
    let (mut refused, mut last_warning) = (0u64, None::<tokio::time::Instant>);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors or a connection reset before it was accepted: the
                    // listener itself is fine, so wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Some(admission) = open.admit(peer.ip()) else {
            refuse(stream);
            refused += 1;
            if last_warning.is_none_or(|at| at.elapsed() >= Duration::from_secs(10)) {
                tracing::warn!(
                    refused,
                    last_peer = %peer.ip(),
                    "connections refused: over the cap per address or in total"
                );
                (refused, last_warning) = (0, Some(tokio::time::Instant::now()));
            }
            continue;
        };
        let service = {
            let (router, limits) = (router.clone(), limits.clone());
            hyper::service::service_fn(move |req| handle(router.clone(), limits.clone(), peer, req))
        };
        let io = StallGuarded {
            inner: stream,
            stall: limits.write_stall_timeout,
            stalled_since: None,
        };
        let conn = graceful.watch(http.serve_connection(TokioIo::new(io), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(admission);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_share_their_slash_64_and_mapped_ipv4_counts_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_group(a), address_group(b));
        assert_ne!(address_group(a), address_group(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(
            address_group(mapped),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn the_total_cap_leaves_descriptors_for_the_database() {
        assert_eq!(total_cap_for(1024), 704);
        assert!(total_cap_for(20_000) < 20_000 - 1000);
        assert_eq!(total_cap_for(10), 16);
    }

    #[test]
    fn places_are_reserved_per_group_and_freed_on_drop() {
        let open = Arc::new(OpenConnections {
            limits: ConnectionLimits {
                header_timeout: Duration::from_secs(1),
                body_timeout: Duration::from_secs(1),
                body_min_rate: 1,
                write_stall_timeout: Duration::from_secs(1),
                max_connections: 3,
                max_per_address: 2,
            },
            counts: Mutex::new((0, HashMap::new())),
        });
        let one: IpAddr = "10.0.0.1".parse().unwrap();
        let two: IpAddr = "10.0.0.2".parse().unwrap();
        let a = open.admit(one).unwrap();
        let _b = open.admit(one).unwrap();
        assert!(open.admit(one).is_none(), "a third from one address");
        let _c = open.admit(two).unwrap();
        assert!(open.admit(two).is_none(), "over the total");
        drop(a);
        assert!(open.admit(two).is_some(), "a freed place is reusable");
    }
}

//! Connection-level abuse over real sockets: slow request heads from one address and from many,
//! request bodies that trickle, responses nobody reads, and the event stream that must outlive
//! every such deadline.
//! Client sockets are bound to 127.0.0.x to look like different machines.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
use std::time::Duration;

use serde_json::json;
use socket2::{Domain, Socket, Type};

use crate::common::{self, Backend, Server};

/// Short deadlines so a slow client is cut within seconds; the caps are set per test.
const HEADER_TIMEOUT_MS: &str = "2500";
const BODY_TIMEOUT_MS: &str = "2500";
/// Bytes a second an upload must keep up to earn more time than the body timeout.
const BODY_MIN_RATE: &str = "20000";

fn start(extra: &[(&str, &str)]) -> Server {
    start_on(Backend::Sqlite, extra)
}

fn start_on(backend: Backend, extra: &[(&str, &str)]) -> Server {
    let mut env = vec![
        ("PORCHLIGHT_HEADER_TIMEOUT_MS", HEADER_TIMEOUT_MS),
        ("PORCHLIGHT_BODY_TIMEOUT_MS", BODY_TIMEOUT_MS),
        ("PORCHLIGHT_BODY_MIN_RATE", BODY_MIN_RATE),
    ];
    env.extend_from_slice(extra);
    Server::start_env(backend, &env)
}

fn server_addr(s: &Server) -> SocketAddr {
    s.url.trim_start_matches("http://").parse().unwrap()
}

/// A TCP socket bound to 127.0.0.`host`, not yet connected.
fn socket_from(host: u8) -> std::io::Result<Socket> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    let local = SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, host), 0);
    socket.bind(&local.into())?;
    Ok(socket)
}

/// A TCP connection to the server from 127.0.0.`host`.
fn connect_from(host: u8, server: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = socket_from(host)?;
    socket.connect(&server.into())?;
    Ok(socket.into())
}

/// GET /healthz from 127.0.0.`host` on a fresh connection; the status, or 0 when the
/// connection failed without an answer.
fn healthz_from(host: u8, server: SocketAddr) -> u16 {
    let Ok(mut s) = connect_from(host, server) else {
        return 0;
    };
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    if s.write_all(b"GET /healthz HTTP/1.1\r\nhost: porchlight\r\nconnection: close\r\n\r\n")
        .is_err()
    {
        return 0;
    }
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    status_of(&answer).unwrap_or(0)
}

fn status_of(answer: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(answer.get(..12)?).ok()?;
    text.strip_prefix("HTTP/1.1 ")?.parse().ok()
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

/// How a slow client's connection ended.
#[derive(Debug, Default)]
struct Outcomes {
    /// Answered 503: over a cap.
    refused: usize,
    /// Closed without a word: the header deadline.
    closed: usize,
    /// Reset before a word: a close that found data unread (after a refusal or the deadline).
    reset: usize,
    still_open: usize,
}

impl Outcomes {
    /// Every one of `sockets` ended (the head never completes, so an admitted one ends only
    /// by the header deadline), no more than `cap` were held open at once (`most_fds` is the
    /// server's descriptor count at its highest, `fds_before` before the attack), and the
    /// excess was refused with an answer or a reset.
    fn assert_capped(&self, sockets: usize, cap: usize, fds_before: usize, most_fds: usize) {
        assert_eq!(self.still_open, 0, "every slow connection ends: {self:?}");
        assert!(self.closed <= cap, "no more than {cap} got in: {self:?}");
        assert!(
            self.refused + self.reset >= sockets - cap,
            "the excess was refused: {self:?}"
        );
        assert!(self.refused > 0, "refusals are answered: {self:?}");
        assert!(
            most_fds <= fds_before + cap + 8,
            "the cap bounds the descriptors: {most_fds} with {fds_before} at the start"
        );
    }
}

/// One header line at a time: the request head never completes.
struct Slowloris {
    socket: TcpStream,
    answer: Vec<u8>,
}

enum Seen {
    Open,
    Refused,
    Closed,
    Reset,
}

impl Slowloris {
    fn open(host: u8, server: SocketAddr) -> Slowloris {
        let mut socket = connect_from(host, server).expect("connect");
        // The request line goes out at once; a refused connection may have gone already.
        let _ = socket.write_all(b"GET /healthz HTTP/1.1\r\n");
        socket.set_nonblocking(true).unwrap();
        Slowloris {
            socket,
            answer: Vec::new(),
        }
    }

    fn look(&mut self) -> Seen {
        let mut buf = [0u8; 512];
        loop {
            match self.socket.read(&mut buf) {
                Ok(0) if self.answer.is_empty() => return Seen::Closed,
                Ok(0) => return Seen::Refused,
                Ok(n) => {
                    self.answer.extend_from_slice(&buf[..n]);
                    assert_eq!(
                        status_of(&self.answer),
                        Some(503),
                        "a slow client got an answer other than a refusal: {:?}",
                        String::from_utf8_lossy(&self.answer)
                    );
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Seen::Open,
                Err(e) if e.kind() == ErrorKind::ConnectionReset && self.answer.is_empty() => {
                    return Seen::Reset
                }
                Err(e) if e.kind() == ErrorKind::ConnectionReset => return Seen::Refused,
                Err(e) => panic!("unexpected socket error: {e}"),
            }
        }
    }

    fn drip(&mut self, n: usize) {
        let _ = self
            .socket
            .write_all(format!("x-drip-{n}: 1\r\n").as_bytes());
    }
}

/// Drips a header line into every open socket each round until all have ended (or
/// `max_rounds` passed); `each_round` runs between rounds.
fn run_slowloris(
    mut sockets: Vec<Slowloris>,
    max_rounds: usize,
    mut each_round: impl FnMut(),
) -> Outcomes {
    let mut out = Outcomes::default();
    for round in 0..max_rounds {
        sockets.retain_mut(|s| match s.look() {
            Seen::Open => {
                s.drip(round);
                true
            }
            Seen::Refused => {
                out.refused += 1;
                false
            }
            Seen::Closed => {
                out.closed += 1;
                false
            }
            Seen::Reset => {
                out.reset += 1;
                false
            }
        });
        if sockets.is_empty() {
            break;
        }
        each_round();
        std::thread::sleep(Duration::from_millis(300));
    }
    out.still_open = sockets.len();
    out
}

#[test]
fn slow_heads_from_one_address_are_capped_and_cut_while_others_are_served() {
    let s = start(&[("PORCHLIGHT_MAX_CONNECTIONS_PER_ADDRESS", "64")]);
    let addr = server_addr(&s);
    let fds_before = open_fds(s.pid());
    let sockets: Vec<Slowloris> = (0..300).map(|_| Slowloris::open(1, addr)).collect();
    let (mut asked, mut answered, mut most_fds) = (0, 0, 0);
    let out = run_slowloris(sockets, 100, || {
        most_fds = most_fds.max(open_fds(s.pid()));
        asked += 1;
        if healthz_from(2, addr) == 200 {
            answered += 1;
        }
    });
    eprintln!(
        "300 slow heads from 127.0.0.1: {out:?}; /healthz from 127.0.0.2 answered {answered} of {asked}; server descriptors {fds_before} before, at most {most_fds} during"
    );
    out.assert_capped(300, 64, fds_before, most_fds);
    assert!(asked > 0);
    assert_eq!(answered, asked, "another address is always served");
    assert!(s.stop(), "the server stops cleanly afterwards");
}

#[test]
fn slow_heads_from_many_addresses_meet_the_total_cap_and_descriptors_come_back() {
    let s = start(&[
        ("PORCHLIGHT_MAX_CONNECTIONS", "40"),
        ("PORCHLIGHT_MAX_CONNECTIONS_PER_ADDRESS", "8"),
    ]);
    let addr = server_addr(&s);
    assert_eq!(healthz_from(2, addr), 200);
    let fds_before = open_fds(s.pid());
    // Two from each of 127.0.0.3 … 127.0.0.60: 116 sockets, none over the per-address cap.
    let sockets: Vec<Slowloris> = (3..=60u8)
        .flat_map(|host| [host, host])
        .map(|host| Slowloris::open(host, addr))
        .collect();
    let mut most_fds = 0;
    let out = run_slowloris(sockets, 100, || most_fds = most_fds.max(open_fds(s.pid())));
    let fds_after = open_fds(s.pid());
    eprintln!(
        "116 slow heads from 58 addresses: {out:?}; server descriptors {fds_before} before, at most {most_fds} during, {fds_after} after"
    );
    out.assert_capped(116, 40, fds_before, most_fds);
    assert!(
        fds_after <= fds_before + 2,
        "descriptors return: {fds_after} after, {fds_before} before"
    );
    assert_eq!(
        healthz_from(2, addr),
        200,
        "served again once they are gone"
    );
}

/// A login whose body is sent in `chunks` pieces, `pause` apart; the status, or 0 when the
/// server closed the connection before answering, and how many pieces went out.
fn paced_login(
    host: u8,
    server: SocketAddr,
    body: &[u8],
    chunks: usize,
    pause: Duration,
) -> (u16, usize) {
    let mut s = connect_from(host, server).unwrap();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nhost: porchlight\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.set_nonblocking(true).unwrap();
    let mut answer = Vec::new();
    let mut sent = 0;
    let piece = body.len().div_ceil(chunks);
    let mut buf = [0u8; 4096];
    for part in body.chunks(piece) {
        match s.read(&mut buf) {
            Ok(0) => return (status_of(&answer).unwrap_or(0), sent),
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => return (status_of(&answer).unwrap_or(0), sent),
        }
        if status_of(&answer).is_some() {
            return (status_of(&answer).unwrap(), sent);
        }
        if s.write_all(part).is_err() {
            break;
        }
        sent += 1;
        std::thread::sleep(pause);
    }
    s.set_nonblocking(false).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    answer.extend_from_slice(&rest);
    (status_of(&answer).unwrap_or(0), sent)
}

#[test]
fn a_trickling_body_is_cut_off_and_a_steady_upload_and_other_clients_are_not() {
    let s = start(&[]);
    let addr = server_addr(&s);
    let trickle =
        br#"{"email":"slow@example.com","password":"correct horse battery staple","device_name":"a long name that keeps coming"}"#;
    // Four clients drip their body a byte every 200 ms.
    let drips: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                paced_login(
                    10 + i,
                    addr,
                    trickle,
                    trickle.len(),
                    Duration::from_millis(200),
                )
            })
        })
        .collect();
    // Meanwhile, from other addresses: an honest login and an upload that keeps pace.
    std::thread::sleep(Duration::from_millis(300));
    let honest = common::call(
        &s.url,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": "nobody@example.com", "password": "wrong password here"})),
    );
    let steady_body = json!({
        "email": "steady@example.com",
        "password": "correct horse battery staple",
        "device_name": "d".repeat(100_000),
    })
    .to_string();
    // 100 kB in 25 pieces 100 ms apart: 40 kB a second, twice the minimum rate.
    let (steady, _) = paced_login(
        20,
        addr,
        steady_body.as_bytes(),
        25,
        Duration::from_millis(100),
    );
    let cut: Vec<(u16, usize)> = drips.into_iter().map(|t| t.join().unwrap()).collect();
    eprintln!(
        "trickling bodies of {} bytes ended as (status, bytes sent): {cut:?}; honest login {}; steady upload {steady}",
        trickle.len(),
        honest.status
    );
    for (status, sent) in &cut {
        assert!(
            *status == 408 || *status == 0,
            "a trickle is answered 408 or closed, got {status}"
        );
        assert!(
            *sent < trickle.len(),
            "cut off before the body was complete"
        );
    }
    assert_eq!(honest.status, 401, "{}", honest.body);
    assert_eq!(
        steady, 401,
        "an upload that keeps pace is answered normally"
    );
}

#[test]
fn an_idle_keep_alive_connection_is_closed() {
    let s = start(&[]);
    let addr = server_addr(&s);
    let mut c = connect_from(30, addr).unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nhost: porchlight\r\n\r\n")
        .unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    // Reads the answer, then waits: the server ends the idle connection with a close.
    let closed = loop {
        match c.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(_) => break false,
        }
    };
    assert_eq!(status_of(&answer), Some(200));
    assert!(closed, "the idle connection was closed by the server");
}

fn an_event_stream_outlives_the_deadlines(backend: Backend) {
    let s = start_on(backend, &[]);
    s.add_user("ines@example.com", "Inés", "agent");
    s.add_user("omar@example.com", "Omar", "agent");
    let listener = s.login("ines@example.com");
    let events = common::events(&s.url, &listener.token);
    let first = events.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(first["type"], "presence", "{first}");
    // Longer than the header and body deadlines, with nothing sent either way.
    std::thread::sleep(Duration::from_millis(6000));
    let mut other = s.login("omar@example.com");
    let (_, ticket) = common::create_ticket("Parcel lost", "customer@example.com");
    assert_eq!(other.push(&[ticket]).status, 200);
    let poked = std::iter::from_fn(|| events.recv_timeout(Duration::from_secs(10)).ok())
        .any(|e| e["type"] == "poke");
    assert!(poked, "the long-open event stream still receives pokes");
}

crate::on_both_backends!(an_event_stream_outlives_the_deadlines);

/// A GET of `path` from 127.0.0.`host` with a tiny receive window, never read.
fn unread_download(host: u8, server: SocketAddr, path: &str, token: &str) -> TcpStream {
    let socket = socket_from(host).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(&server.into()).unwrap();
    let mut s: TcpStream = socket.into();
    let head =
        format!("GET {path} HTTP/1.1\r\nhost: porchlight\r\nauthorization: Bearer {token}\r\n\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s
}

#[test]
fn a_client_that_stops_reading_loses_its_connection() {
    let s = start(&[
        ("PORCHLIGHT_WRITE_STALL_TIMEOUT_MS", "2000"),
        ("PORCHLIGHT_MAX_CONNECTIONS_PER_ADDRESS", "2"),
    ]);
    let addr = server_addr(&s);
    s.add_user("lale@example.com", "Lale", "agent");
    let agent = s.login("lale@example.com");
    // Larger than the server's and the client's socket buffers together.
    let size = 12 * 1024 * 1024;
    let id = common::uuid();
    let put = common::raw(
        &s.url,
        "PUT",
        &format!("/api/v1/attachments/{id}"),
        Some(&agent.token),
        Some("a".repeat(size)),
    );
    assert_eq!(put.status, 204, "{}", put.body);
    let path = format!("/api/v1/attachments/{id}");
    let mut stalled: Vec<TcpStream> = (0..2)
        .map(|_| unread_download(40, addr, &path, &agent.token))
        .collect();
    let while_held = healthz_from(40, addr);
    // Past the stall timeout, with the two downloads still unread.
    std::thread::sleep(Duration::from_millis(6000));
    let after = healthz_from(40, addr);
    let received: Vec<usize> = stalled
        .iter_mut()
        .map(|c| {
            c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            let mut got = Vec::new();
            let _ = c.read_to_end(&mut got);
            got.len()
        })
        .collect();
    eprintln!(
        "two unread {size}-byte downloads: /healthz from the same address {while_held} while they were held, {after} after; bytes they received {received:?}"
    );
    assert_eq!(
        while_held, 503,
        "the unread downloads hold the address's places"
    );
    assert_eq!(after, 200, "their places came back");
    for r in received {
        assert!(r < size, "the stalled download was cut off ({r} bytes)");
    }
}

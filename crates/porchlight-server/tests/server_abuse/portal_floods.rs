//! The customers' portal under floods and tricks, on the real server process over real sockets
//! (SQLite and PostgreSQL): parallel requests and replies from one address against the rate
//! limits, large uploads from an address over its limit and from many honest ones against the
//! server's memory, and a stranger using a customer's e-mail address to read their thread
//! after an agent merges the two tickets.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::*;
use crate::{in_parallel, peak_rss_mb};

crate::on_both_backends!(
    parallel_requests_from_one_address_create_exactly_the_limit,
    parallel_replies_on_one_link_store_at_most_the_limit,
    an_address_over_its_limit_cannot_make_the_server_read_large_bodies,
    parallel_honest_uploads_are_stored_whole_in_bounded_memory,
    a_merge_never_shows_a_link_what_was_written_on_the_other_ticket,
);

/// The server's limits (portal::REQUESTS_PER_HOUR, REPLIES_PER_HOUR, MAX_FILE_BYTES).
const REQUESTS_PER_HOUR: usize = 5;
const REPLIES_PER_HOUR: usize = 30;
const MB: u64 = 1024 * 1024;
/// What the server process may reach at its peak (VmHWM) in the upload scenarios.
const MEMORY_CEILING_MB: u64 = 300;

const BOUNDARY: &str = "----porchlight-flood-9QwErTy";

/// A file part whose bytes are made while they are sent: `size` bytes from `seed`.
#[derive(Clone, Copy)]
struct GeneratedFile {
    seed: u64,
    size: u64,
}

impl GeneratedFile {
    /// Fills `buf` with the bytes at `offset` (a stream of xorshift words).
    fn bytes_at(&self, offset: u64, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            let pos = offset + i as u64;
            let mut x = (pos / 8).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ self.seed;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = (x >> ((pos % 8) * 8)) as u8;
        }
    }

    fn sha256(&self) -> String {
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut at = 0;
        while at < self.size {
            let n = (self.size - at).min(buf.len() as u64) as usize;
            self.bytes_at(at, &mut buf[..n]);
            h.update(&buf[..n]);
            at += n as u64;
        }
        hex::encode(h.finalize())
    }
}

struct Answer {
    status: u16,
    headers: String,
    body: String,
}

/// A TCP connection to the server from `local` (any 127.x.y.z address is this machine).
fn connect_from(local: IpAddr, server: &str) -> TcpStream {
    let addr: SocketAddr = server
        .strip_prefix("http://")
        .unwrap()
        .parse()
        .expect("server address");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let stream = rt
        .block_on(async {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind(SocketAddr::new(local, 0))?;
            socket.connect(addr).await
        })
        .expect("connect from a loopback address")
        .into_std()
        .unwrap();
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(180)))
        .unwrap();
    stream
}

/// POSTs a multipart form from `local` as a browser would, writing the body on its own
/// thread while the answer is read, so a server that answers before reading everything is
/// seen answering. Bodies are generated while sent: 24 uploads of 20 MB cost the test nothing.
fn post_from(
    local: IpAddr,
    server: &str,
    path: &str,
    fields: &[(&str, &str)],
    files: &[GeneratedFile],
) -> Answer {
    let mut head_parts = String::new();
    for (name, value) in fields {
        head_parts.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    let file_head = |i: usize| {
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"part-{i}.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
    };
    let tail = format!("--{BOUNDARY}--\r\n");
    let length = head_parts.len() as u64
        + files
            .iter()
            .enumerate()
            .map(|(i, f)| file_head(i).len() as u64 + f.size + 2)
            .sum::<u64>()
        + tail.len() as u64;
    let mut stream = connect_from(local, server);
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    let mut writer = stream.try_clone().unwrap();
    let files = files.to_vec();
    let sender = std::thread::spawn(move || -> std::io::Result<()> {
        writer.write_all(request.as_bytes())?;
        writer.write_all(head_parts.as_bytes())?;
        let mut buf = vec![0u8; 64 * 1024];
        for (i, f) in files.iter().enumerate() {
            writer.write_all(file_head(i).as_bytes())?;
            let mut at = 0;
            while at < f.size {
                let n = (f.size - at).min(buf.len() as u64) as usize;
                f.bytes_at(at, &mut buf[..n]);
                writer.write_all(&buf[..n])?;
                at += n as u64;
            }
            writer.write_all(b"\r\n")?;
        }
        writer.write_all(tail.as_bytes())
    });
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    // Until the server closes (or resets once its answer is out).
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = sender.join();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = headers
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Answer {
        status,
        headers: headers.to_ascii_lowercase(),
        body: body.to_owned(),
    }
}

fn loopback(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

fn request_fields<'a>(
    email: &'a str,
    subject: &'a str,
    message: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Flood Tester"),
        ("email", email),
        ("subject", subject),
        ("message", message),
        ("website", ""),
    ]
}

/// The tracking link's path on a "request received" page.
fn tracking_link(body: &str) -> String {
    let at = body
        .find("data-testid=\"tracking-link\">")
        .unwrap_or_else(|| panic!("no tracking link in {body}"));
    let rest = &body[at + "data-testid=\"tracking-link\">".len()..];
    rest[..rest.find('<').unwrap()].to_owned()
}

fn ticket_id_of(link: &str) -> String {
    link.split('/').nth(3).unwrap().to_owned()
}

/// Submits a request from `local`; returns its tracking link.
fn submit_from(
    local: IpAddr,
    s: &Server,
    email: &str,
    subject: &str,
    message: &str,
    files: &[GeneratedFile],
) -> String {
    let a = post_from(
        local,
        &s.url,
        "/help/en/requests/new",
        &request_fields(email, subject, message),
        files,
    );
    assert_eq!(a.status, 200, "{}", a.body);
    tracking_link(&a.body)
}

fn team(backend: Backend) -> (Server, Client) {
    let s = Server::start(backend);
    s.add_user("lead@example.com", "Lea Lead", "admin");
    let c = s.login("lead@example.com");
    (s, c)
}

fn tickets_with_subject(docs: &BTreeMap<String, Value>, prefix: &str) -> usize {
    docs.iter()
        .filter(|(k, v)| {
            k.starts_with("ticket:") && v["subject"].as_str().unwrap_or("").starts_with(prefix)
        })
        .count()
}

fn is_limit_answer(a: &Answer) -> bool {
    a.status == 429
        && a.headers.contains("\r\nretry-after: ")
        && a.body.contains("data-testid=\"form-errors\"")
}

fn parallel_requests_from_one_address_create_exactly_the_limit(backend: Backend) {
    let (s, agent) = team(backend);
    let url = s.url.clone();
    let answers = in_parallel(20, move |i| {
        let subject = format!("Flood request {i}");
        post_from(
            loopback(2),
            &url,
            "/help/en/requests/new",
            &request_fields("flood@example.com", &subject, "Hello, please help."),
            &[],
        )
    });
    let received = answers
        .iter()
        .filter(|a| a.status == 200 && a.body.contains("data-testid=\"request-received\""))
        .count();
    let limited = answers.iter().filter(|a| is_limit_answer(a)).count();
    assert_eq!(
        (received, limited),
        (REQUESTS_PER_HOUR, 20 - REQUESTS_PER_HOUR),
        "statuses: {:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert_eq!(
        tickets_with_subject(&agent.pull_all(), "Flood request"),
        REQUESTS_PER_HOUR
    );
    // Another address still has its whole budget.
    submit_from(
        loopback(3),
        &s,
        "other@example.com",
        "Flood request other",
        "Hi",
        &[],
    );
}

fn parallel_replies_on_one_link_store_at_most_the_limit(backend: Backend) {
    let (s, agent) = team(backend);
    let link = submit_from(
        loopback(2),
        &s,
        "chatty@example.com",
        "Chatty",
        "First",
        &[],
    );
    let (url, path) = (s.url.clone(), format!("{link}?lang=en"));
    let answers = in_parallel(60, move |i| {
        let text = format!("Flood reply {i}");
        post_from(loopback(4), &url, &path, &[("message", &text)], &[])
    });
    let accepted = answers.iter().filter(|a| a.status == 303).count();
    let limited = answers
        .iter()
        .filter(|a| a.status == 429 && a.body.contains("data-testid=\"error-message\""))
        .count();
    assert_eq!(
        (accepted, limited),
        (REPLIES_PER_HOUR, 60 - REPLIES_PER_HOUR),
        "statuses: {:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    let stored = agent
        .pull_all()
        .values()
        .filter(|d| {
            d["body_text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Flood reply"))
        })
        .count();
    assert!(stored <= REPLIES_PER_HOUR, "{stored} replies stored");
    assert_eq!(stored, accepted);
}

fn an_address_over_its_limit_cannot_make_the_server_read_large_bodies(backend: Backend) {
    let (s, agent) = team(backend);
    for i in 0..REQUESTS_PER_HOUR {
        submit_from(
            loopback(5),
            &s,
            "big@example.com",
            &format!("Big {i}"),
            "Hi",
            &[],
        );
    }
    let url = s.url.clone();
    let answers = in_parallel(24, move |i| {
        // Two files of 10 MB: as much as one form may carry.
        let files = [
            GeneratedFile {
                seed: 2 * i as u64,
                size: 10 * MB,
            },
            GeneratedFile {
                seed: 2 * i as u64 + 1,
                size: 10 * MB,
            },
        ];
        post_from(
            loopback(5),
            &url,
            "/help/en/requests/new",
            &request_fields("big@example.com", "Big flood", "Files attached."),
            &files,
        )
    });
    let limited = answers.iter().filter(|a| is_limit_answer(a)).count();
    assert_eq!(
        limited,
        24,
        "statuses: {:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    let peak = peak_rss_mb(s.pid());
    eprintln!("{backend:?}: server peak memory after 24 refused 20 MB posts: {peak} MB");
    assert!(
        peak < MEMORY_CEILING_MB,
        "the server reached {peak} MB for posts it refused"
    );
    assert_eq!(
        tickets_with_subject(&agent.pull_all(), "Big"),
        REQUESTS_PER_HOUR
    );
}

fn parallel_honest_uploads_are_stored_whole_in_bounded_memory(backend: Backend) {
    let (s, agent) = team(backend);
    let url = s.url.clone();
    let files = |i: usize| {
        [
            GeneratedFile {
                seed: 1000 + 2 * i as u64,
                size: 8 * MB,
            },
            GeneratedFile {
                seed: 1001 + 2 * i as u64,
                size: 8 * MB,
            },
        ]
    };
    let answers = in_parallel(8, move |i| {
        let subject = format!("Upload {i}");
        post_from(
            loopback(10 + i as u8),
            &url,
            "/help/en/requests/new",
            &request_fields(&format!("up{i}@example.com"), &subject, "Two files."),
            &files(i),
        )
    });
    for a in &answers {
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let peak = peak_rss_mb(s.pid());
    eprintln!("{backend:?}: server peak memory after 8 parallel posts of 2 × 8 MB: {peak} MB");
    assert!(peak < MEMORY_CEILING_MB, "the server reached {peak} MB");

    // Every file is stored, and its bytes (fetched as an agent) hash to what was sent.
    let docs = agent.pull_all();
    let http = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .build();
    for i in 0..8 {
        let subject = format!("Upload {i}");
        let (ticket_key, _) = docs
            .iter()
            .find(|(k, v)| k.starts_with("ticket:") && v["subject"] == subject.as_str())
            .unwrap_or_else(|| panic!("no ticket {subject}"));
        let ticket_id = ticket_key.strip_prefix("ticket:").unwrap();
        let ids: Vec<String> = docs
            .values()
            .filter(|d| d["ticket_id"] == ticket_id && d["author_kind"] == "customer")
            .flat_map(|d| d["attachment_ids"].as_array().unwrap().clone())
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids.len(), 2, "{subject}");
        let mut got: Vec<(String, u64)> = ids
            .iter()
            .map(|id| {
                let r = http
                    .get(&format!("{}/api/v1/attachments/{id}", s.url))
                    .set("Authorization", &format!("Bearer {}", agent.token))
                    .call()
                    .unwrap();
                let mut h = Sha256::new();
                let mut n = 0u64;
                let mut reader = r.into_reader();
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let k = reader.read(&mut buf).unwrap();
                    if k == 0 {
                        break;
                    }
                    h.update(&buf[..k]);
                    n += k as u64;
                }
                let meta = agent.call("GET", &format!("/api/v1/attachments/{id}/meta"), None);
                let hash = hex::encode(h.finalize());
                assert_eq!(meta.body["sha256"], hash.as_str(), "{}", meta.body);
                (hash, n)
            })
            .collect();
        got.sort();
        let mut sent: Vec<(String, u64)> = files(i).iter().map(|f| (f.sha256(), f.size)).collect();
        sent.sort();
        assert_eq!(got, sent, "{subject}");
    }
}

fn page(s: &Server, path: &str) -> (u16, String) {
    let r = ureq::AgentBuilder::new()
        .redirects(0)
        .build()
        .get(&format!("{}{path}", s.url))
        .call();
    let r = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{path}: {e}"),
    };
    (r.status(), r.into_string().unwrap())
}

fn reply_through(s: &Server, link: &str, text: &str) {
    let a = post_from(
        loopback(7),
        &s.url,
        &format!("{link}?lang=en"),
        &[("message", text)],
        &[],
    );
    assert_eq!(a.status, 303, "{}", a.body);
}

fn push_all(agent: &mut Client, ms: &[Value]) {
    let r = agent.push(ms);
    assert_eq!(r.status, 200, "{}", r.body);
    for x in r.body["results"].as_array().unwrap() {
        assert_eq!(x["outcome"], "applied", "{}", r.body);
    }
}

fn shows(page: &str, words: &[&str]) -> Vec<String> {
    words
        .iter()
        .filter(|w| page.contains(**w))
        .map(|w| w.to_string())
        .collect()
}

fn a_merge_never_shows_a_link_what_was_written_on_the_other_ticket(backend: Backend) {
    for stranger_into_real in [true, false] {
        let (s, mut agent) = team(backend);
        let secret_file = GeneratedFile {
            seed: 77,
            size: 1000,
        };
        // The real customer, their private detail and the agents' answer.
        let real = submit_from(
            loopback(8),
            &s,
            "real@example.com",
            "My card",
            "R-PRIVATE: my card ends 4242",
            &[secret_file],
        );
        let real_id = ticket_id_of(&real);
        push_all(
            &mut agent,
            &[reply_to(
                &real_id,
                "AGENT-TO-R: refund of 77 EUR sent to your card",
                "reply",
            )],
        );
        let real_files: Vec<String> = agent
            .pull_all()
            .values()
            .filter(|d| d["ticket_id"] == real_id.as_str() && d["author_kind"] == "customer")
            .flat_map(|d| d["attachment_ids"].as_array().unwrap().clone())
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(real_files.len(), 1);
        // A stranger writes in with the real customer's address: filed under that customer.
        let stranger = submit_from(
            loopback(9),
            &s,
            "real@example.com",
            "Hello",
            "S-ASKS: what did I order?",
            &[],
        );
        let stranger_id = ticket_id_of(&stranger);
        push_all(
            &mut agent,
            &[reply_to(
                &stranger_id,
                "AGENT-TO-S: which order do you mean?",
                "reply",
            )],
        );
        let (source, target) = if stranger_into_real {
            (&stranger_id, &real_id)
        } else {
            (&real_id, &stranger_id)
        };
        push_all(
            &mut agent,
            &[json!({"name": "merge_tickets", "args": {"source_id": source, "target_id": target}})],
        );
        // Agents go on answering on the ticket that stayed open.
        push_all(
            &mut agent,
            &[reply_to(target, "AGENT-AFTER-MERGE", "reply")],
        );
        // Each customer replies through their old link.
        reply_through(&s, &stranger, "S-AGAIN: hello?");
        reply_through(&s, &real, "R-AGAIN: thanks");

        let written_on_real = ["R-PRIVATE", "AGENT-TO-R", "R-AGAIN", "part-0.bin"];
        let written_on_stranger = ["S-ASKS", "AGENT-TO-S", "S-AGAIN"];
        let (sp, stranger_page) = page(&s, &stranger);
        let (rp, real_page) = page(&s, &real);
        assert_eq!((sp, rp), (200, 200), "{stranger_into_real}");
        let case = if stranger_into_real {
            "stranger merged into the real ticket"
        } else {
            "real ticket merged into the stranger's"
        };
        assert_eq!(
            shows(&stranger_page, &written_on_real),
            Vec::<String>::new(),
            "{case}: the stranger's link shows the real customer's thread"
        );
        assert_eq!(
            shows(&stranger_page, &written_on_stranger).len(),
            written_on_stranger.len(),
            "{case}: {stranger_page}"
        );
        assert_eq!(
            shows(&real_page, &written_on_real).len(),
            written_on_real.len(),
            "{case}: the real customer's link lost their thread: {real_page}"
        );
        assert_eq!(
            shows(&real_page, &written_on_stranger),
            Vec::<String>::new(),
            "{case}"
        );
        // What agents wrote on the open ticket after the merge shows on its own link only;
        // the merged one says it was merged, naming nothing of the other ticket.
        let (open_page, merged_page) = if stranger_into_real {
            (&real_page, &stranger_page)
        } else {
            (&stranger_page, &real_page)
        };
        assert!(open_page.contains("AGENT-AFTER-MERGE"), "{case}");
        assert!(!merged_page.contains("AGENT-AFTER-MERGE"), "{case}");
        assert!(
            merged_page.contains("data-testid=\"ticket-merged\""),
            "{case}"
        );
        assert!(
            !open_page.contains("data-testid=\"ticket-merged\""),
            "{case}"
        );
        let docs = agent.pull_all();
        let target_number = docs[&format!("ticket:{target}")]["number"].to_string();
        assert!(
            !merged_page.contains(&format!("#{target_number}")),
            "{case}"
        );
        // Both replies reached the ticket agents work on, each in its writer's own words.
        for text in ["S-AGAIN: hello?", "R-AGAIN: thanks"] {
            let m = docs
                .values()
                .find(|d| d["body_text"] == text)
                .unwrap_or_else(|| panic!("{case}: {text} not stored"));
            assert_eq!(m["ticket_id"], target.as_str(), "{case}: {text}");
            assert_eq!(m["author_kind"], "customer");
        }
        // The real customer's file is not the stranger's to fetch.
        let (status, _) = page(&s, &format!("{stranger}/files/{}", real_files[0]));
        assert_eq!(status, 404, "{case}");
        let (status, _) = page(&s, &format!("{real}/files/{}", real_files[0]));
        assert_eq!(status, 200, "{case}");
    }
}

//! `server_abuse`: the real server process attacked the way an attacker would — many clients in
//! parallel over real sockets, slow clients, floods from one address, sessions revoked while
//! their streams are open, lost responses and reused mutation ids. Each module owns one front.

#[path = "../common/mod.rs"]
mod common;

mod connections;
mod content;
mod logins;
mod portal_floods;
mod sync_integrity;

use std::sync::{Arc, Barrier};

/// Runs `n` calls of `f(i)` at once (released together by a barrier) and collects the answers.
fn in_parallel<T: Send + 'static>(
    n: usize,
    f: impl Fn(usize) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let f = Arc::new(f);
    let start = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (f, start) = (f.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                f(i)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

/// A process's peak resident memory so far (VmHWM), in MB.
fn peak_rss_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmHWM in /proc/<pid>/status");
    kb / 1024
}

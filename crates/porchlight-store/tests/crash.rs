#![cfg(unix)]
//! kill -9 during a burst of writes: every write acknowledged before the kill is on disk and
//! the database passes `PRAGMA integrity_check`. The child is this test binary re-run with an
//! environment variable, so the writer is the real store code in a separate process.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::{Channel, MessageKind, Mutation, Priority, TicketType};
use porchlight_store::{new_id, Store};

const CHILD_ENV: &str = "PORCHLIGHT_CRASH_CHILD_DIR";

/// In the child: 500 writes, printing each id only after `apply` returned (the same moment
/// the desktop acknowledges a write to the UI).
#[test]
fn crash_child_writer() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let s = Store::open(std::path::Path::new(&dir)).unwrap();
    let ticket = std::fs::read_to_string(std::path::Path::new(&dir).join("ticket")).unwrap();
    for i in 0..500 {
        let id = new_id();
        let m = if i % 5 == 0 {
            Mutation::AddTag {
                ticket_id: ticket.clone(),
                tag: format!("t{i}"),
            }
        } else {
            Mutation::AddMessage {
                message_id: id.clone(),
                ticket_id: ticket.clone(),
                kind: if i % 2 == 0 {
                    MessageKind::Note
                } else {
                    MessageKind::Reply
                },
                from_customer: false,
                body_text: format!("burst message {i} {}", "lorem ipsum ".repeat(i % 40)),
                body_html: None,
                attachment_ids: vec![],
                cc: None,
            }
        };
        s.apply(m).unwrap();
        println!("ACK {i} {id}");
    }
}

#[test]
fn kill_9_mid_burst_loses_no_acknowledged_write() {
    let exe = std::env::current_exe().unwrap();
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let ticket = {
            let s = Store::open(dir.path()).unwrap();
            s.create_profile("Crash Tester", "crash@example.com")
                .unwrap();
            let id = new_id();
            s.apply(Mutation::CreateTicket {
                ticket_id: id.clone(),
                message_id: new_id(),
                subject: "Burst".into(),
                requester: RequesterRef::New {
                    id: new_id(),
                    name: "C".into(),
                    email: None,
                    phone: None,
                },
                channel: Channel::Manual,
                priority: Priority::Normal,
                ticket_type: TicketType::Task,
                assignee_id: None,
                group_id: None,
                tags: vec![],
                body_text: "start".into(),
                attachment_ids: vec![],
                outbound: false,
            })
            .unwrap();
            id
        };
        std::fs::write(dir.path().join("ticket"), &ticket).unwrap();
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child_writer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        // Kill after a varying number of acknowledged writes: 10..490.
        let kill_after = 10 + (round * 97) % 480;
        let mut acked: Vec<(usize, String)> = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if let Some(rest) = line.strip_prefix("ACK ") {
                let (i, id) = rest.split_once(' ').unwrap();
                acked.push((i.parse().unwrap(), id.to_string()));
                if acked.len() == kill_after {
                    unsafe { libc_kill(child.id() as i32) };
                    break;
                }
            }
        }
        let _ = child.wait();
        std::thread::sleep(Duration::from_millis(10));
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.integrity_check().unwrap(), "ok", "round {round}");
        let d = s.ticket_detail(&ticket, &[]).unwrap();
        let ids: std::collections::HashSet<&str> =
            d.messages.iter().map(|m| m.id.as_str()).collect();
        for (i, id) in &acked {
            if i % 5 == 0 {
                assert!(
                    d.ticket.tags.contains(&format!("t{i}")),
                    "round {round}: tag t{i} lost"
                );
            } else {
                assert!(ids.contains(id.as_str()), "round {round}: message {i} lost");
            }
        }
        assert!(
            acked.len() >= kill_after.min(500),
            "round {round}: child stopped early"
        );
    }
}

extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
}

/// SIGKILL: no destructor, no flush, no chance to finish the transaction.
unsafe fn libc_kill(pid: i32) {
    kill(pid, 9);
}

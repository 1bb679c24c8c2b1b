//! kill -9 of the real app during a burst of 500 writes sent through its IPC, 20 times: every
//! write the UI saw acknowledged is in the store afterwards, and SQLite's integrity check passes.

use std::path::Path;
use std::time::{Duration, Instant};

use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::{Channel, Mutation, Priority, TicketType};
use porchlight_e2e::{app_pid, Driver};
use porchlight_store::{new_id, Store};
use serde_json::json;

const BURST: &str = r#"
const ticket = arguments[0];
window.__acks = [];
window.__burstError = null;
(async () => {
  for (let i = 0; i < 500; i++) {
    const id = crypto.randomUUID();
    await window.__TAURI_INTERNALS__.invoke("mutate", { mutation: { name: "add_message", args: {
      message_id: id, ticket_id: ticket, kind: i % 2 ? "reply" : "note", from_customer: false,
      body_text: "burst write " + i, body_html: null, attachment_ids: [] } } });
    window.__acks.push(id);
  }
})().catch(e => { window.__burstError = String(e && e.message || e); });
return true;
"#;

fn prepare(dir: &Path) -> String {
    let store = Store::open(dir).unwrap();
    store
        .create_profile("Crash Tester", "crash@example.com")
        .unwrap();
    let id = new_id();
    store
        .apply(Mutation::CreateTicket {
            ticket_id: id.clone(),
            message_id: new_id(),
            subject: "Burst target".into(),
            requester: RequesterRef::New {
                id: new_id(),
                name: "Customer".into(),
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
}

#[test]
fn kill_9_during_a_burst_loses_no_acknowledged_write() {
    let bin = std::env::var("PORCHLIGHT_BIN").expect("PORCHLIGHT_BIN");
    for round in 0..20u32 {
        let dir = tempfile::tempdir().unwrap();
        let ticket = prepare(dir.path());
        let driver = Driver::start();
        let s = driver.launch(dir.path());
        s.el("ticket-list");
        assert_eq!(s.js(BURST, json!([ticket])), json!(true));
        // Kill after a different number of acknowledged writes each round: 5 … 480.
        let kill_after = 5 + (round as u64 * 83) % 476;
        let deadline = Instant::now() + Duration::from_secs(60);
        let acked: Vec<String> = loop {
            let v = s.js(
                "return [window.__acks.slice(), window.__burstError];",
                json!([]),
            );
            assert!(v[1].is_null(), "round {round}: the burst failed: {}", v[1]);
            let acks: Vec<String> = serde_json::from_value(v[0].clone()).unwrap();
            if acks.len() as u64 >= kill_after || acks.len() == 500 {
                break acks;
            }
            assert!(
                Instant::now() < deadline,
                "round {round}: only {} writes after 60 s",
                acks.len()
            );
        };
        let pid = app_pid(Path::new(&bin), dir.path()).expect("the app's pid");
        std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        drop(s);
        drop(driver);

        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok", "round {round}");
        let stored: std::collections::HashSet<String> = store
            .ticket_detail(&ticket, &[])
            .unwrap()
            .messages
            .into_iter()
            .map(|m| m.id)
            .collect();
        let lost: Vec<&String> = acked.iter().filter(|id| !stored.contains(*id)).collect();
        assert!(
            lost.is_empty(),
            "round {round}: {} acknowledged writes lost (of {})",
            lost.len(),
            acked.len()
        );
        eprintln!(
            "[e2e] crash round {round}: killed after {} acknowledged writes, all present",
            acked.len()
        );
    }
}

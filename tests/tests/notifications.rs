//! Native notifications against a real notification daemon on this D-Bus session (started by
//! `cargo xtask e2e`), watched with `dbus-monitor`: a colleague on the team server assigns a
//! ticket to agent A → A's app sends exactly one `org.freedesktop.Notifications.Notify` whose
//! text holds the subject, and the bell shows it; clicking it (the daemon's "default" action)
//! opens the ticket; a customer's reply on it pops up once more; with assignments switched off
//! in Settings the next one only reaches the bell. A's own actions (a ticket of their own,
//! assigning it to themselves, a reply) send none.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::sync::{LoginResponse, PushMutation, PushRequest};
use porchlight_domain::{Channel, Mutation, Priority, TicketType};
use porchlight_e2e::{
    artifacts, create_profile, new_phone_ticket, Driver, Session, TestServer, SHORT,
};
use serde_json::{json, Value};

const PASSWORD: &str = "a long enough team password";
const SUBJECT: &str = "Invoice 5521 charged twice";
const OWN_SUBJECT: &str = "Call back about the warranty";

/// `dbus-monitor` on the session bus, writing Notify calls and method returns to a file.
struct Monitor {
    child: Child,
    path: std::path::PathBuf,
}

impl Monitor {
    fn start() -> Monitor {
        let path = artifacts().join("notifications-dbus-monitor.log");
        let out = std::fs::File::create(&path).unwrap();
        let child = Command::new("dbus-monitor")
            .args([
                "--session",
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
                "type='method_return'",
            ])
            .stdout(out)
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor (package dbus-bin)");
        // It subscribes asynchronously; give it a moment before anything is sent.
        std::thread::sleep(Duration::from_millis(500));
        Monitor { child, path }
    }

    fn log(&self) -> String {
        let mut s = String::new();
        std::fs::File::open(&self.path)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    }

    /// Each Notify call seen so far: (sender, serial, its arguments as printed).
    fn notifies(&self) -> Vec<(String, String, String)> {
        let log = self.log();
        let mut out = Vec::new();
        let mut lines = log.lines().peekable();
        while let Some(l) = lines.next() {
            if l.starts_with("method call") && l.contains("member=Notify") {
                let sender = field(l, "sender=");
                let serial = field(l, "serial=");
                let mut args = String::new();
                // Arguments run until the next message (a string may span lines).
                while let Some(next) = lines.peek() {
                    if ["method call", "method return", "signal", "error"]
                        .iter()
                        .any(|p| next.starts_with(p))
                    {
                        break;
                    }
                    args.push_str(lines.next().unwrap());
                    args.push('\n');
                }
                out.push((sender, serial, args));
            }
        }
        out
    }

    /// The id the daemon answered the Notify call `serial` of `sender` with (serials are
    /// per connection).
    fn notification_id(&self, sender: &str, serial: &str) -> Option<u32> {
        let log = self.log();
        let mut lines = log.lines();
        while let Some(l) = lines.next() {
            if l.starts_with("method return")
                && field(l, "destination=") == sender
                && field(l, "reply_serial=") == serial
            {
                return lines
                    .next()?
                    .trim()
                    .strip_prefix("uint32 ")
                    .and_then(|v| v.parse().ok());
            }
        }
        None
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn field(line: &str, name: &str) -> String {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(name))
        .unwrap_or_default()
        .to_string()
}

fn login(server: &str, email: &str) -> LoginResponse {
    let v: Value = ureq::post(&format!("{server}/api/v1/auth/login"))
        .send_json(json!({"email": email, "password": PASSWORD, "device_name": "e2e colleague"}))
        .expect("login")
        .into_json()
        .unwrap();
    serde_json::from_value(v).unwrap()
}

/// Pushes one mutation as the agent behind `token` (a colleague's desktop, without a window).
fn push_as(server: &str, token: &str, schema_version: u32, m: Mutation) {
    let wire = serde_json::to_value(&m).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let req = PushRequest {
        client_id: porchlight_store::new_id(),
        schema_version,
        mutations: vec![PushMutation {
            id: 1,
            name: wire["name"].as_str().unwrap().to_string(),
            args: wire["args"].clone(),
            at: now,
        }],
        workspace_id: None,
    };
    let res: Value = ureq::post(&format!("{server}/api/v1/sync/push"))
        .set("Authorization", &format!("Bearer {token}"))
        .send_json(serde_json::to_value(&req).unwrap())
        .expect("push")
        .into_json()
        .unwrap();
    assert_eq!(
        res["results"][0]["outcome"], "applied",
        "the colleague's change was applied: {res}"
    );
}

fn connect(s: &Session, url: &str) {
    // Right after the profile is made the first click can land before the sidebar is live.
    for _ in 0..5 {
        s.click_id("settings-button");
        if s.find_all("[data-testid=\"server-url\"]").len() == 1 {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    s.type_id("server-url", url);
    s.wait_js(
        "e-mail prefilled",
        "document.querySelector('[data-testid=\"server-email\"]').value !== ''",
        SHORT,
    );
    s.type_id("server-password", PASSWORD);
    s.click_id("server-connect");
    s.wait_js(
        "signed in",
        "document.querySelector('[data-testid=\"server-state\"]')?.dataset.state === 'online'",
        SHORT,
    );
    s.click_id("settings-done");
}

fn wait_until<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn synced(s: &Session) {
    s.wait_js(
        "nothing unsent",
        "document.querySelector('[data-testid=\"sync-status\"]')?.dataset.state === 'online' && !document.querySelector('[data-testid=\"sync-unsent\"]')",
        SHORT,
    );
}

#[test]
fn a_colleagues_assignment_pops_up_once_and_own_actions_never() {
    let has_daemon = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.Notifications",
        ])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
        .unwrap_or(false);
    assert!(
        has_daemon,
        "a notification daemon must own org.freedesktop.Notifications (run through `cargo xtask e2e`)"
    );
    std::env::set_var(
        "PORCHLIGHT_KEYRING_SERVICE",
        format!("app.porchlight.e2e-notify-{}", std::process::id()),
    );
    let server = TestServer::start("notifications-server.log", PASSWORD);
    server.add_user("ada@example.com", "Ada Lovelace", "agent");
    server.add_user("bora@example.com", "Bora Kaya", "agent");
    let monitor = Monitor::start();

    let driver = Driver::start();
    let dir = tempfile::tempdir().unwrap();
    let a = driver.launch(dir.path());
    create_profile(&a, "Ada Lovelace", "ada@example.com", false);
    connect(&a, &server.url);
    synced(&a);

    // A's own work first: a ticket of their own, assigned to themselves, and a reply.
    new_phone_ticket(
        &a,
        "Chen Wei",
        "chen@example.com",
        OWN_SUBJECT,
        "My kettle stopped working.",
    );
    a.wait_css("[data-testid=\"composer-body\"]", SHORT);
    a.js("document.activeElement?.blur();", json!([]));
    a.click_id("assign-to-me");
    a.click_id("composer-mode-reply");
    a.type_id("composer-body", "We will call you back today.");
    a.click_id("composer-send");
    synced(&a);
    // Long enough for a pop-up to be sent if one were coming (the shell checks every 5 s at
    // the latest, and at once after each change and sync round).
    std::thread::sleep(Duration::from_secs(7));
    assert_eq!(
        monitor.notifies().len(),
        0,
        "A's own actions sent no notification; monitor log:\n{}",
        monitor.log()
    );

    // Bora, on the server, records a ticket and assigns it to Ada.
    let ada = login(&server.url, "ada@example.com").agent;
    let bora = login(&server.url, "bora@example.com");
    let ticket_id = porchlight_store::new_id();
    push_as(
        &server.url,
        &bora.token,
        bora.schema_version,
        Mutation::CreateTicket {
            ticket_id: ticket_id.clone(),
            message_id: porchlight_store::new_id(),
            subject: SUBJECT.into(),
            requester: RequesterRef::New {
                id: porchlight_store::new_id(),
                name: "Marta Nowak".into(),
                email: Some("marta@example.com".into()),
                phone: None,
            },
            channel: Channel::Email,
            priority: Priority::High,
            ticket_type: TicketType::Problem,
            assignee_id: Some(ada.id.clone()),
            group_id: None,
            tags: vec![],
            body_text: "My card was charged twice for invoice 5521.".into(),
            attachment_ids: vec![],
            outbound: false,
        },
    );

    // Exactly one Notify, with the subject; the bell counts one unread.
    let (sender, serial, args) = wait_until("A's Notify call", Duration::from_secs(20), || {
        monitor.notifies().into_iter().next()
    });
    assert!(
        args.contains(SUBJECT),
        "the pop-up names the subject: {args}"
    );
    assert!(
        args.contains("Assigned to you"),
        "the pop-up says why: {args}"
    );
    a.wait_js(
        "bell shows one unread",
        "document.querySelector('[data-testid=\"notifications-badge\"]')?.dataset.count === '1'",
        SHORT,
    );
    std::thread::sleep(Duration::from_secs(7));
    let all = monitor.notifies();
    assert_eq!(all.len(), 1, "exactly one Notify: {all:?}");

    // Clicking the pop-up (the daemon reports the "default" action) opens that ticket.
    let id = wait_until("the daemon's notification id", SHORT, || {
        monitor.notification_id(&sender, &serial)
    });
    a.click_id("notifications-button");
    a.wait_css("[data-testid=\"notification-item\"]", SHORT);
    a.screenshot("notifications-center");
    a.click_id("notifications-button");
    let sent = Command::new("dbus-send")
        .args([
            "--session",
            "--type=signal",
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications.ActionInvoked",
            &format!("uint32:{id}"),
            "string:default",
        ])
        .status()
        .unwrap();
    assert!(sent.success());
    a.wait_js(
        "the clicked ticket is open",
        &format!("document.querySelector('[data-testid=\"ticket-subject\"]')?.textContent.includes({SUBJECT:?})"),
        SHORT,
    );
    a.wait_js(
        "opening it read it",
        "!document.querySelector('[data-testid=\"notifications-badge\"]')",
        SHORT,
    );
    assert_eq!(monitor.notifies().len(), 1, "still exactly one Notify");

    // The customer writes back on that ticket (Bora records it): one more pop-up, saying so.
    a.wait_js(
        "A's own ticket is in the list",
        &format!("[...document.querySelectorAll('[data-testid=\"ticket-row\"]')].some(r => r.textContent.includes({OWN_SUBJECT:?}))"),
        SHORT,
    );
    let own = a
        .find_all("[data-testid=\"ticket-row\"]")
        .into_iter()
        .find(|r| a.text(r).contains(OWN_SUBJECT))
        .unwrap();
    a.click(&own);
    push_as(
        &server.url,
        &bora.token,
        bora.schema_version,
        Mutation::AddMessage {
            message_id: porchlight_store::new_id(),
            ticket_id: ticket_id.clone(),
            kind: porchlight_domain::MessageKind::Reply,
            from_customer: true,
            body_text: "Any news about the double charge?".into(),
            body_html: None,
            attachment_ids: vec![],
            cc: None,
        },
    );
    let (_, _, reply) = wait_until("the reply's Notify", Duration::from_secs(20), || {
        monitor.notifies().into_iter().nth(1)
    });
    assert!(reply.contains("Customer replied"), "{reply}");
    assert!(
        reply.contains("Any news about the double charge?"),
        "{reply}"
    );

    // Assignments switched off in Settings: the next one is in the center, with no pop-up.
    a.click_id("settings-button");
    a.wait_css("[data-testid=\"notify-pref-assigned\"]", SHORT);
    a.click_id("notify-pref-assigned");
    a.wait_js(
        "the preference is off",
        "document.querySelector('[data-testid=\"notify-pref-assigned\"]').checked === false",
        SHORT,
    );
    std::thread::sleep(Duration::from_secs(1));
    a.click_id("settings-done");
    push_as(
        &server.url,
        &bora.token,
        bora.schema_version,
        Mutation::CreateTicket {
            ticket_id: porchlight_store::new_id(),
            message_id: porchlight_store::new_id(),
            subject: "Quiet assignment".into(),
            requester: RequesterRef::New {
                id: porchlight_store::new_id(),
                name: "Jan Kowalski".into(),
                email: Some("jan@example.com".into()),
                phone: None,
            },
            channel: Channel::Email,
            priority: Priority::Normal,
            ticket_type: TicketType::Question,
            assignee_id: Some(ada.id.clone()),
            group_id: None,
            tags: vec![],
            body_text: "Hello".into(),
            attachment_ids: vec![],
            outbound: false,
        },
    );
    a.wait_js(
        "the quiet assignment is in the center",
        "document.querySelector('[data-testid=\"notifications-badge\"]')?.dataset.count === '2'",
        Duration::from_secs(20),
    );
    std::thread::sleep(Duration::from_secs(7));
    let all = monitor.notifies();
    assert_eq!(all.len(), 2, "no pop-up for a switched-off kind: {all:?}");
    a.quit();
}

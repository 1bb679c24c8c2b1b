//! Hostile customer content in the real window: script tags, event handlers, javascript:
//! links, SVG and a remote tracking image stay inert, and viewing them invokes no command.

use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::{Channel, MessageKind, Mutation, Priority, TicketType};
use porchlight_e2e::{Driver, SHORT};
use porchlight_store::{new_id, Store};
use serde_json::json;

const SUBJECT: &str = "<img src=x onerror=\"window.__pwned='subject'\">Invoice question";
const HTML: &str = r#"<p onmouseover="window.__pwned='hover'">Please see <a href="javascript:window.__pwned='link'">my invoice</a>.</p>
<script>window.__pwned='script'</script><svg onload="window.__pwned='svg'"><circle r="4"/></svg>
<img src="x" onerror="window.__pwned='img'"><img src="https://tracker.example/pixel.gif?u=1">
<iframe src="javascript:window.__pwned='iframe'"></iframe>"#;

#[test]
fn hostile_html_is_inert_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let ticket = new_id();
    {
        let store = Store::open(dir.path()).unwrap();
        store
            .create_profile("Piotr Nowak", "piotr@example.pl")
            .unwrap();
        store
            .apply(Mutation::CreateTicket {
                ticket_id: ticket.clone(),
                message_id: new_id(),
                subject: SUBJECT.into(),
                requester: RequesterRef::New {
                    id: new_id(),
                    name: "<b onclick=alert(1)>Mallory</b>".into(),
                    email: Some("mallory@example.com".into()),
                    phone: None,
                },
                channel: Channel::Email,
                priority: Priority::Normal,
                ticket_type: TicketType::Question,
                assignee_id: None,
                group_id: None,
                tags: vec![],
                body_text: "<script>window.__pwned='body'</script> plain text body".into(),
                attachment_ids: vec![],
                outbound: false,
            })
            .unwrap();
        store
            .apply(Mutation::AddMessage {
                message_id: new_id(),
                ticket_id: ticket.clone(),
                kind: MessageKind::Reply,
                from_customer: true,
                body_text: String::new(),
                body_html: Some(HTML.into()),
                attachment_ids: vec![],
                cc: None,
            })
            .unwrap();
    }
    let version_before = Store::open(dir.path())
        .unwrap()
        .ticket(&ticket)
        .unwrap()
        .version;

    let driver = Driver::start();
    let s = driver.launch(dir.path());
    s.el("ticket-list");
    s.click_id("view-open");
    s.wait_js(
        "row",
        "document.querySelectorAll('[data-testid=\"ticket-row\"]').length === 1",
        SHORT,
    );
    s.click(&s.el("ticket-row"));
    s.wait_js(
        "thread",
        "document.querySelectorAll('[data-testid=\"message\"]').length >= 2",
        SHORT,
    );

    // The subject and customer name are shown as the literal text they are.
    s.wait_js("subject", "document.querySelector('[data-testid=\"ticket-subject\"]')?.textContent.includes('Invoice question')", SHORT);
    let subject = s.text(&s.el("ticket-subject"));
    assert!(
        subject.contains("<img src=x"),
        "subject shown literally: {subject}"
    );
    let thread = s.el("thread");
    let bad = s.js(
        "const t = arguments[0];
         // Customer content lives in the message bodies; the app's own icons are SVG too.
         const bodies = [...t.querySelectorAll('[data-testid=\"message-body\"]')];
         const all = (sel) => bodies.flatMap(b => [...b.querySelectorAll(sel)]);
         const handlers = [...t.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on')));
         return {
           scripts: t.querySelectorAll('script, iframe, object, embed').length + all('svg').length,
           handlers: handlers.length,
           jsLinks: [...t.querySelectorAll('a')].filter(a => (a.getAttribute('href') || '').toLowerCase().includes('javascript')).length,
           remote: all('img').filter(i => (i.getAttribute('src') || '').includes('tracker.example')).length,
         };",
        json!([porchlight_e2e::Session::element_arg(&thread)]),
    );
    assert_eq!(
        bad,
        json!({"scripts": 0, "handlers": 0, "jsLinks": 0, "remote": 0}),
        "thread must be inert"
    );
    assert!(s.text(&thread).contains("plain text body"));

    // Hover and click everything a curious agent might.
    for link in s.find_all("[data-testid=\"thread\"] a") {
        s.click(&link);
    }
    for img in s.find_all("[data-testid=\"thread\"] img") {
        let _ = s.js(
            "arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))",
            json!([porchlight_e2e::Session::element_arg(&img)]),
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(
        s.js("return window.__pwned === undefined", json!([])),
        json!(true),
        "no injected code ran"
    );

    // Remote images load only on request.
    s.click_id("show-images");
    s.wait_js("images shown", "[...document.querySelectorAll('[data-testid=\"thread\"] img')].some(i => (i.getAttribute('src')||'').includes('tracker.example'))", SHORT);
    assert_eq!(
        s.js("return window.__pwned === undefined", json!([])),
        json!(true)
    );
    s.screenshot("hostile");
    s.quit();

    // Looking at hostile content changed nothing in the store: no command was invoked.
    let after = Store::open(dir.path()).unwrap().ticket(&ticket).unwrap();
    assert_eq!(after.version, version_before);
}

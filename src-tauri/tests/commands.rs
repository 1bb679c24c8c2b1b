//! The commands through Tauri's real IPC layer (mock runtime, the app's real config and
//! capabilities), against a real store on disk. No window needed.

use std::sync::Arc;

use porchlight_store::Store;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

struct Harness {
    _dir: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let app = porchlight_app::with_commands(tauri::test::mock_builder(), store)
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap();
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        _dir: dir,
        _app: app,
        window,
    }
}

fn request(cmd: &str, body: InvokeBody, headers: &[(&'static str, &str)]) -> InvokeRequest {
    let mut h = tauri::http::HeaderMap::new();
    for (k, v) in headers {
        h.insert(*k, v.parse().unwrap());
    }
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: if cfg!(windows) {
            "http://tauri.localhost"
        } else {
            "tauri://localhost"
        }
        .parse()
        .unwrap(),
        body,
        headers: h,
        invoke_key: INVOKE_KEY.to_string(),
    }
}

impl Harness {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(&self.window, request(cmd, InvokeBody::Json(args), &[]))
            .map(|r| r.deserialize::<Value>().unwrap())
    }
}

fn uuid() -> String {
    porchlight_store::new_id()
}

#[test]
fn a_ticket_through_the_ipc_layer() {
    let h = harness();
    let info = h.call("workspace_info", json!({})).unwrap();
    assert!(info["profile"].is_null());
    let me = h
        .call(
            "create_profile",
            json!({"name": "Zeynep Kaya", "email": "zeynep@example.com"}),
        )
        .unwrap();
    let ticket_id = uuid();
    h.call(
        "mutate",
        json!({"mutation": {"name": "create_ticket", "args": {
            "ticket_id": ticket_id, "message_id": uuid(), "subject": "Kargo hasarlı geldi",
            "requester": {"kind": "new", "id": uuid(), "name": "Ayşe Yılmaz", "email": "ayse@example.com", "phone": null},
            "channel": "walk_in", "priority": "high", "ticket_type": "incident", "assignee_id": me["id"],
            "group_id": null, "tags": ["shipping"], "body_text": "Kutu ezik geldi.", "attachment_ids": []
        }}}),
    )
    .unwrap();
    let views = h.call("views", json!({})).unwrap();
    let mine = views
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "mine")
        .unwrap();
    assert_eq!(mine["count"], 1);
    let page = h
        .call(
            "ticket_page",
            json!({"view_id": "mine", "sort": "updated", "cursor": null, "limit": 50}),
        )
        .unwrap();
    assert_eq!(page["rows"][0]["subject"], "Kargo hasarlı geldi");
    assert_eq!(page["rows"][0]["number"], 1001);
    let detail = h
        .call(
            "ticket_detail",
            json!({"ticket_id": ticket_id, "show_images": []}),
        )
        .unwrap();
    assert_eq!(detail["requester"]["name"], "Ayşe Yılmaz");
    assert_eq!(detail["ticket"]["status"], "open");
    let found = h
        .call("search", json!({"query": "kutu", "limit": 10}))
        .unwrap();
    assert_eq!(found["hits"][0]["ticket"]["id"], ticket_id);
}

#[test]
fn refusals_arrive_as_coded_errors() {
    let h = harness();
    h.call(
        "create_profile",
        json!({"name": "Anna", "email": "anna@example.pl"}),
    )
    .unwrap();
    let err = h
        .call(
            "mutate",
            json!({"mutation": {"name": "create_ticket", "args": {
                "ticket_id": uuid(), "message_id": uuid(), "subject": " ",
                "requester": {"kind": "new", "id": uuid(), "name": "X", "email": null, "phone": null},
                "channel": "phone", "priority": "normal", "ticket_type": "question", "assignee_id": null,
                "group_id": null, "tags": [], "body_text": "hi", "attachment_ids": []
            }}}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "empty_field");
    assert_eq!(err["field"], "subject");
    assert_eq!(err["message"], "The subject must not be empty.");

    let err = h
        .call(
            "mutate",
            json!({"mutation": {"name": "drop_database", "args": {}}}),
        )
        .unwrap_err();
    assert!(
        err.as_str().unwrap_or_default().contains("drop_database"),
        "{err}"
    );

    // The capability grants listening to events, not emitting them or any other core command.
    let err = h
        .call("plugin:event|emit", json!({"event": "x", "payload": null}))
        .unwrap_err();
    assert!(err.to_string().contains("not allowed"), "{err}");
    let err = h.call("plugin:window|close", json!({})).unwrap_err();
    assert!(err.to_string().contains("not allowed"), "{err}");

    let err = h
        .call("open_link", json!({"url": "file:///etc/passwd"}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_value");
    let err = h
        .call("set_preference", json!({"key": "locale", "value": "xx"}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_value");
}

#[test]
fn attachments_arrive_as_raw_bytes() {
    let h = harness();
    h.call(
        "create_profile",
        json!({"name": "Piotr", "email": "piotr@example.pl"}),
    )
    .unwrap();
    let bytes = b"%PDF-1.7 faktura".to_vec();
    let res = get_ipc_response(
        &h.window,
        request(
            "stage_attachment",
            InvokeBody::Raw(bytes),
            &[
                ("x-filename", "faktura%20%C5%9Bwi%C4%99ta.pdf"),
                ("x-mime", "application/pdf"),
            ],
        ),
    )
    .unwrap()
    .deserialize::<Value>()
    .unwrap();
    assert_eq!(res["filename"], "faktura święta.pdf");
    assert_eq!(res["size"], 16);

    let big = vec![7u8; 26 * 1024 * 1024];
    let err = get_ipc_response(
        &h.window,
        request(
            "stage_attachment",
            InvokeBody::Raw(big),
            &[("x-filename", "big.iso")],
        ),
    )
    .unwrap_err();
    assert_eq!(err["code"], "attachment_too_large");
    assert_eq!(
        err["message"],
        "big.iso is 26.0 MB; attachments can be at most 25 MB."
    );
}

#[test]
fn data_dir_choice() {
    use porchlight_app::data_dir_from;
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        data_dir_from(&args(&["--data-dir", "/tmp/a"]), Some("/tmp/env".into())).unwrap(),
        std::path::PathBuf::from("/tmp/a")
    );
    assert_eq!(
        data_dir_from(&args(&["--data-dir=/tmp/b"]), None).unwrap(),
        std::path::PathBuf::from("/tmp/b")
    );
    assert_eq!(
        data_dir_from(&args(&[]), Some("/tmp/env".into())).unwrap(),
        std::path::PathBuf::from("/tmp/env")
    );
    assert!(data_dir_from(&args(&["--data-dir"]), None).is_err());
    assert!(data_dir_from(&args(&[]), None)
        .unwrap()
        .ends_with("app.porchlight.desktop"));
}

#[test]
fn team_server_sign_in_refusals_change_nothing() {
    let h = harness();
    h.call(
        "create_profile",
        json!({"name": "Zeynep Kaya", "email": "zeynep@example.com"}),
    )
    .unwrap();
    let status = h.call("sync_status", json!({})).unwrap();
    assert_eq!(status["state"], "standalone");
    let e = h
        .call(
            "connect_server",
            json!({"server_url": "help example com", "email": "a@b.co", "password": "x"}),
        )
        .unwrap_err();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("invalid_value"), Some("server_url"))
    );
    let e = h
        .call(
            "connect_server",
            json!({"server_url": "https://help.example.com", "email": "", "password": "x"}),
        )
        .unwrap_err();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("empty_field"), Some("email"))
    );
    // Nothing listens on port 9 of this machine: the server is unreachable.
    let e = h
        .call(
            "connect_server",
            json!({"server_url": "http://127.0.0.1:9", "email": "a@b.co", "password": "correct horse"}),
        )
        .unwrap_err();
    assert_eq!(e["code"], "offline", "{e}");
    assert_eq!(
        h.call("sync_status", json!({})).unwrap()["state"],
        "standalone"
    );
    // Without a server, asking to sync or to share presence is harmless.
    h.call("sync_now", json!({})).unwrap();
    h.call(
        "set_presence",
        json!({"ticket_id": null, "activity": "viewing"}),
    )
    .unwrap();
}

#[test]
fn the_knowledge_base_through_the_ipc_layer() {
    let h = harness();
    h.call(
        "create_profile",
        json!({"name": "Maryam", "email": "maryam@example.ir"}),
    )
    .unwrap();
    let article = uuid();
    let hostile = "# Tips\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) <iframe src=\"https://evil.example\"></iframe>";
    h.call(
        "kb_mutate",
        json!({"mutation": {"name": "create_article", "args": {
            "id": article, "revision_id": uuid(), "category_id": null, "source_locale": "FA",
            "title": "راهنمای بازپرداخت", "body_markdown": hostile, "visibility": "public", "tags": []
        }}}),
    )
    .unwrap();
    let list = h
        .call("kb_articles", json!({"filter": {"query": "بازپرداخت"}}))
        .unwrap();
    assert_eq!(list[0]["id"], article);
    assert_eq!(list[0]["locale"], "fa", "locale tags are stored canonical");

    let html = h
        .call("kb_render", json!({"markdown": hostile}))
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    // Every tag the preview holds is harmless: no script, frame or image element, no event
    // handler attribute, no javascript: link (the text of the raw HTML may show, escaped).
    for tag in html
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap())
    {
        let name = tag
            .trim_start_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or("");
        assert!(
            !["script", "iframe", "img"].contains(&name),
            "<{tag}> survived: {html}"
        );
        assert!(!tag.contains(" on"), "an event handler survived: <{tag}>");
        assert!(
            !tag.contains("javascript:"),
            "a javascript: link survived: <{tag}>"
        );
    }
    assert!(
        html.contains("&lt;script&gt;"),
        "raw HTML is shown as text: {html}"
    );
    let img = h
        .call(
            "kb_render",
            json!({"markdown": "![shot](attachments/abc-123)"}),
        )
        .unwrap();
    assert!(
        img.as_str()
            .unwrap()
            .contains("src=\"attachment://localhost/abc-123\"")
            || cfg!(windows)
    );

    let err = h
        .call(
            "kb_mutate",
            json!({"mutation": {"name": "save_translation", "args": {
                "article_id": article, "locale": "fa", "revision_id": uuid(), "base_revision": 1,
                "source_revision": null, "title": "", "body_markdown": "x"
            }}}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "empty_field");
    assert_eq!(err["field"], "title");
    let diff = h
        .call("kb_diff", json!({"old": "a\nb", "new": "a\nc"}))
        .unwrap();
    assert_eq!(diff[1], json!({"kind": "removed", "text": "b"}));
    assert_eq!(diff[2], json!({"kind": "added", "text": "c"}));
}

#[test]
fn the_configuration_editors_through_the_ipc_layer() {
    let h = harness();
    let me = h
        .call(
            "create_profile",
            json!({"name": "Deniz Kaya", "email": "deniz@example.com"}),
        )
        .unwrap();
    let zones = h.call("time_zones", json!({})).unwrap();
    let zones: Vec<String> = serde_json::from_value(zones).unwrap();
    assert!(zones.contains(&"Europe/Warsaw".to_string()));
    assert!(zones.windows(2).all(|w| w[0] < w[1]), "sorted");
    let ops = h.call("rule_operators", json!({})).unwrap();
    let tags = ops
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[0] == "tags")
        .unwrap();
    assert_eq!(tags[1], json!(["contains", "not_contains"]));

    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:Yılbaşı\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let holidays = h.call("holidays_from_ics", json!({"text": ics})).unwrap();
    assert_eq!(holidays, json!([{"date": "2027-01-01", "name": "Yılbaşı"}]));
    let err = h
        .call("holidays_from_ics", json!({"text": "not a calendar"}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_value");

    // A calendar with an overlapping range is refused and names the day.
    let mut calendar = json!({"id": "cal-ist", "name": "Istanbul office", "time_zone": "Europe/Istanbul",
        "hours": {"monday": [{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "18:00"}]},
        "holidays": holidays});
    let err = h
        .call(
            "config_mutate",
            json!({"mutation": {"name": "save_calendar", "args": {"calendar": calendar}}}),
        )
        .unwrap_err();
    assert_eq!(err["field"], "hours.monday");
    assert!(h
        .call("config_calendars", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .is_empty());
    calendar["hours"]["monday"][1]["start"] = json!("13:30");
    h.call(
        "config_mutate",
        json!({"mutation": {"name": "save_calendar", "args": {"calendar": calendar}}}),
    )
    .unwrap();
    let calendars = h.call("config_calendars", json!({})).unwrap();
    assert_eq!(calendars[0]["holidays"][0]["date"], "2027-01-01");

    let targets = json!({"first_response": 60, "next_response": null, "resolution": 480});
    for (id, position) in [("sla-b", 2), ("sla-a", 1)] {
        h.call(
            "config_mutate",
            json!({"mutation": {"name": "save_sla_policy", "args": {"policy": {
                "id": id, "name": id, "position": position,
                "conditions": {"priorities": ["high"], "group_ids": [], "channels": [], "organization_ids": [], "tags_any": []},
                "targets": {"low": targets, "normal": targets, "high": targets, "urgent": targets},
                "calendar_id": "cal-ist"
            }}}}),
        )
        .unwrap();
    }
    let policies = h.call("config_sla_policies", json!({})).unwrap();
    assert_eq!(policies[0]["id"], "sla-a", "in the order they are tried");

    let group_id = uuid();
    h.call(
        "mutate",
        json!({"mutation": {"name": "save_group", "args": {"id": group_id, "name": "Billing", "description": ""}}}),
    )
    .unwrap();
    let mut rule = json!({"id": "r1", "name": " ", "position": 1, "active": true, "trigger": "created",
        "match_mode": "all", "conditions": [{"field": "tags", "op": "contains", "value": "refund"}],
        "actions": [{"action": "set_group", "group_id": group_id}, {"action": "set_priority", "priority": "high"}]});
    let err = h
        .call(
            "config_mutate",
            json!({"mutation": {"name": "save_rule", "args": {"rule": rule}}}),
        )
        .unwrap_err();
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("empty_field"), Some("name"))
    );
    rule["name"] = json!("Refunds to Billing");
    h.call(
        "config_mutate",
        json!({"mutation": {"name": "save_rule", "args": {"rule": rule}}}),
    )
    .unwrap();
    assert_eq!(
        h.call("config_rules", json!({})).unwrap()[0]["name"],
        "Refunds to Billing"
    );

    h.call(
        "config_mutate",
        json!({"mutation": {"name": "save_macro", "args": {"macro": {
            "id": "m1", "name": "Refund received", "owner_id": me["id"],
            "body": "Hi {{customer.first_name}}, about {{ticket.number}}: done. {{agent.first_name}}",
            "set_status": "pending", "set_priority": null, "set_type": null, "add_tags": [], "updated_at": 0
        }}}}),
    )
    .unwrap();
    assert_eq!(h.call("config_macros", json!({})).unwrap()[0]["id"], "m1");

    let ticket_id = uuid();
    h.call(
        "mutate",
        json!({"mutation": {"name": "create_ticket", "args": {
            "ticket_id": ticket_id, "message_id": uuid(), "subject": "Refund please",
            "requester": {"kind": "new", "id": uuid(), "name": "Ayşe Yılmaz", "email": "ayse@example.com", "phone": null},
            "channel": "email", "priority": "normal", "ticket_type": "question", "assignee_id": null,
            "group_id": null, "tags": ["refund"], "body_text": "Money back?", "attachment_ids": []
        }}}),
    )
    .unwrap();
    let detail = h
        .call(
            "ticket_detail",
            json!({"ticket_id": ticket_id, "show_images": []}),
        )
        .unwrap();
    assert_eq!(detail["ticket"]["group_id"], json!(group_id));
    assert_eq!(detail["ticket"]["priority"], "high");
    let text = h
        .call(
            "macro_text",
            json!({"macro_id": "m1", "ticket_id": ticket_id}),
        )
        .unwrap();
    assert_eq!(text, "Hi Ayşe, about #1001: done. Deniz");
    let err = h
        .call(
            "macro_text",
            json!({"macro_id": "nope", "ticket_id": ticket_id}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
    h.call(
        "config_mutate",
        json!({"mutation": {"name": "delete_macro", "args": {"id": "m1"}}}),
    )
    .unwrap();
    assert!(h
        .call("config_macros", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn notifications_through_the_ipc_layer() {
    let h = harness();
    h.call(
        "create_profile",
        json!({"name": "Deniz", "email": "deniz@example.com"}),
    )
    .unwrap();
    let page = h
        .call("notifications", json!({"before": null, "limit": 30}))
        .unwrap();
    assert_eq!(page["items"], json!([]));
    assert_eq!(page["unread"], 0);
    assert_eq!(page["next_before"], Value::Null);
    let prefs = h.call("notification_prefs", json!({})).unwrap();
    assert_eq!(prefs["kinds"].as_array().unwrap().len(), 7);
    assert_eq!(prefs["dnd_enabled"], false);
    let mut quiet = prefs.clone();
    quiet["dnd_enabled"] = json!(true);
    quiet["dnd_start"] = json!("21:30");
    quiet["kinds"][2]["enabled"] = json!(false);
    let saved = h
        .call("set_notification_prefs", json!({"prefs": quiet}))
        .unwrap();
    assert_eq!(saved, quiet);
    assert_eq!(h.call("notification_prefs", json!({})).unwrap(), quiet);
    quiet["dnd_end"] = json!("7 o'clock");
    let err = h
        .call("set_notification_prefs", json!({"prefs": quiet}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_value");
    assert_eq!(err["field"], "dnd_end");
    h.call("mark_all_notifications_read", json!({})).unwrap();
    h.call("mark_notification_read", json!({"id": "nope"}))
        .unwrap();
    h.call(
        "mark_ticket_notifications_read",
        json!({"ticket_id": "nope"}),
    )
    .unwrap();
}

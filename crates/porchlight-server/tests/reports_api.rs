//! The server's reports give the desktop's numbers. A demo helpdesk (ratings, merges, SLA
//! outcomes, months of history) loaded into the server's storage reports exactly what the
//! desktop it came from reports, for several periods, clocks and filters; and through the real
//! process, a synced team's tickets give the same overview, people table and per-ticket lines
//! over HTTP as the desktop shows, kept current on write (a deletion, an SLA policy added
//! later), as JSON and CSV, with specific refusals for bad queries.

mod common;

use std::sync::Arc;

use common::{call, fields, message, new_ticket_with, rt, Backend, Desk, Server};
use porchlight_domain::config::ConfigMutation;
use porchlight_domain::mutation::TicketFieldChanges;
use porchlight_domain::report_docs::TicketReportLine;
use porchlight_domain::reports::{
    PeopleBy, PeopleRow, ReportFilter, ReportOverview, ReportRequest, Share,
};
use porchlight_domain::{Channel, MessageKind, Mutation, Priority, TicketStatus};
use porchlight_server::storage::sqlite::SqliteBackend;
use porchlight_server::storage::Storage;
use porchlight_store::Store;

on_both_backends!(the_api_reports_what_the_desktop_shows);

const DAY: i64 = 86_400_000;

#[test]
fn a_demo_helpdesk_reports_the_same_on_the_server_as_on_the_desktop() {
    let dir = tempfile::tempdir().unwrap();
    let desk = Store::open(dir.path()).unwrap();
    desk.create_profile("Deniz Admin", "deniz@example.com")
        .unwrap();
    porchlight_store::demo::load_demo(&desk).unwrap();
    let docs = desk.canonical_dump().unwrap();
    let sdir = tempfile::tempdir().unwrap();
    let server = Storage::new(Arc::new(SqliteBackend::open(sdir.path()).unwrap()));
    server.import_documents(&docs).unwrap();

    let to = porchlight_store::now_ms() + 1;
    let group = desk.groups().unwrap()[0].id.clone();
    let filters = [
        ReportFilter::default(),
        ReportFilter {
            group_ids: vec![group],
            ..ReportFilter::default()
        },
        ReportFilter {
            languages: vec!["pl".into(), "fa".into()],
            priorities: vec![Priority::High, Priority::Normal],
            ..ReportFilter::default()
        },
        ReportFilter {
            tags: vec!["Refund".into(), "shipping".into()],
            channels: vec![Channel::Email, Channel::Web],
            ..ReportFilter::default()
        },
    ];
    let mut compared = 0;
    for (days, zone, business) in [
        (30, "Europe/Warsaw", false),
        (7, "Asia/Tehran", true),
        (365, "America/New_York", false),
    ] {
        for filter in &filters {
            let req = ReportRequest {
                from: to - days * DAY,
                to,
                time_zone: zone.into(),
                business_hours: business,
                filter: filter.clone(),
            };
            let mine = desk.report_overview(&req).unwrap();
            let theirs = server.report_overview(&req).unwrap();
            assert_eq!(mine, theirs, "{days} days in {zone}, {filter:?}");
            for by in [PeopleBy::Agent, PeopleBy::Group] {
                assert_eq!(
                    desk.report_people(&req, by).unwrap(),
                    server.report_people(&req, by).unwrap(),
                    "{by:?}, {days} days, {filter:?}"
                );
            }
            compared += 1;
        }
    }
    assert_eq!(compared, 12);
    // The comparison has something to compare: a month of a busy team, rated.
    let month = ReportRequest {
        from: to - 30 * DAY,
        to,
        time_zone: "UTC".into(),
        business_hours: false,
        filter: ReportFilter::default(),
    };
    let o = server.report_overview(&month).unwrap();
    assert!(
        o.current.solved > 5 && o.current.csat.of > 0,
        "{:?}",
        o.current
    );
    assert!(!o.comments.is_empty());
    assert!(o.current.sla_first_response.of > 0);
    // The per-ticket lines are the period's tickets: created, answered or solved in it.
    let lines = server.report_tickets(&month).unwrap();
    assert!(lines.len() as u32 >= o.current.created);
    assert!(lines.iter().any(|l| l.csat.is_some()));
}

fn status(ticket_id: &str, status: TicketStatus) -> Mutation {
    fields(
        ticket_id,
        TicketFieldChanges {
            status: Some(status),
            ..Default::default()
        },
    )
}

fn the_api_reports_what_the_desktop_shows(backend: Backend) {
    let rt = rt();
    let s = Server::start(backend);
    s.add_user("lead@example.com", "Lena Lead", "admin");
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let lead = Desk::connect(&rt, &s, "lead@example.com");
    let ali = s.login("ali@example.com");

    // A morning's work: three calls, two answered, one solved at once, one solved and
    // reopened by the customer, one entered by mistake and deleted.
    let (a, create_a) =
        new_ticket_with("Parcel lost in Kraków", "ayse@example.com", Priority::High);
    let (b, create_b) = new_ticket_with("Refund twice?", "jan@example.com", Priority::Normal);
    let (c, create_c) = new_ticket_with("test", "nobody@example.com", Priority::Low);
    for m in [create_a, create_b, create_c] {
        lead.store.apply(m).unwrap();
    }
    lead.store
        .apply(Mutation::SetTicketFields {
            ticket_id: a.clone(),
            changes: TicketFieldChanges {
                assignee_id: Some(Some(lead.agent.id.clone())),
                ..Default::default()
            },
        })
        .unwrap();
    lead.store
        .apply(message(
            &a,
            "We found it; it arrives tomorrow.",
            MessageKind::Reply,
            false,
        ))
        .unwrap();
    lead.store.apply(status(&a, TicketStatus::Solved)).unwrap();
    lead.store
        .apply(message(
            &b,
            "The second charge is returned.",
            MessageKind::Reply,
            false,
        ))
        .unwrap();
    lead.store.apply(status(&b, TicketStatus::Solved)).unwrap();
    lead.store
        .apply(message(
            &b,
            "It is still on my card!",
            MessageKind::Reply,
            true,
        ))
        .unwrap();
    lead.store
        .apply(Mutation::DeleteTicket {
            ticket_id: c.clone(),
        })
        .unwrap();
    lead.sync(&rt);

    let now = porchlight_store::now_ms();
    let req = |filter: ReportFilter| ReportRequest {
        from: now - DAY,
        to: now + DAY,
        time_zone: "Europe/Istanbul".into(),
        business_hours: false,
        filter,
    };
    let query = format!("from={}&to={}&tz=Europe/Istanbul", now - DAY, now + DAY);
    let overview = |extra: &str| -> ReportOverview {
        let r = ali.call(
            "GET",
            &format!("/api/v1/reports/overview?{query}{extra}"),
            None,
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        serde_json::from_value(r.body).unwrap()
    };
    let o = overview("");
    assert_eq!(
        o,
        lead.store
            .report_overview(&req(ReportFilter::default()))
            .unwrap()
    );
    // The deleted ticket counts nowhere; the reopened one is open again.
    assert_eq!(
        (o.current.created, o.current.solved, o.current.reopened),
        (2, 1, 1)
    );
    assert_eq!(o.current.backlog, 1);
    assert_eq!(o.current.one_touch.n, 1);
    // A filter narrows as on the desktop.
    let high = overview("&priority=high,urgent&tag=REFUND");
    let filter = ReportFilter {
        priorities: vec![Priority::High, Priority::Urgent],
        tags: vec!["REFUND".into()],
        ..ReportFilter::default()
    };
    assert_eq!(high, lead.store.report_overview(&req(filter)).unwrap());
    assert_eq!(high.current.created, 1);

    // People, per agent and per group, as the desktop lists them.
    for (by, name) in [(PeopleBy::Agent, "agent"), (PeopleBy::Group, "group")] {
        let r = ali.call(
            "GET",
            &format!("/api/v1/reports/people?{query}&by={name}"),
            None,
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        let rows: Vec<PeopleRow> = serde_json::from_value(r.body).unwrap();
        assert_eq!(
            rows,
            lead.store
                .report_people(&req(ReportFilter::default()), by)
                .unwrap()
        );
    }
    let r = ali.call("GET", &format!("/api/v1/reports/people?{query}"), None);
    let rows: Vec<PeopleRow> = serde_json::from_value(r.body).unwrap();
    let lena = rows
        .iter()
        .find(|r| r.name == "Lena Lead")
        .expect("the lead's line");
    assert_eq!((lena.solved, lena.replies), (1, 2));

    // Per ticket, for BI tools: the two live tickets, with their figures.
    let r = ali.call("GET", &format!("/api/v1/reports/tickets?{query}"), None);
    let lines: Vec<TicketReportLine> = serde_json::from_value(r.body).unwrap();
    assert_eq!(lines.len(), 2);
    let line_a = lines.iter().find(|l| l.ticket_id == a).unwrap();
    assert!(line_a.first_contact_resolution && line_a.solved_at.is_some());
    assert!(line_a.first_response_ms.is_some());
    assert!(lines.iter().all(|l| l.ticket_id != c));

    // CSV: a header and a line per ticket, per day, per agent.
    let csv = |path: &str| -> String {
        let r = ali.call("GET", &format!("{path}?{query}&format=csv"), None);
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body.as_str().expect("CSV text").to_owned()
    };
    let t = csv("/api/v1/reports/tickets");
    let rows: Vec<&str> = t.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(rows[0].starts_with("ticket_id,number,subject,"), "{t}");
    assert_eq!(rows.len(), 3, "{t}");
    assert!(
        t.contains(",Parcel lost in Kraków,") && t.contains(",Refund twice?,"),
        "{t}"
    );
    let d = csv("/api/v1/reports/overview");
    assert!(
        d.starts_with("day,created,solved,reopened,backlog\r\n"),
        "{d}"
    );
    assert!(csv("/api/v1/reports/people").contains("Lena Lead"));

    // An SLA policy added later decides the tickets changed after it, not the outcomes
    // concluded before (on both sides).
    lead.store
        .apply_config(ConfigMutation::SaveSlaPolicy {
            policy: porchlight_store::demo::demo_sla_policy(),
        })
        .unwrap();
    let (d, create_d) = new_ticket_with("Wrong size", "ola@example.com", Priority::Urgent);
    lead.store.apply(create_d).unwrap();
    lead.store
        .apply(message(
            &d,
            "A new pair is on its way.",
            MessageKind::Reply,
            false,
        ))
        .unwrap();
    lead.sync(&rt);
    let o = overview("");
    assert_eq!(
        o,
        lead.store
            .report_overview(&req(ReportFilter::default()))
            .unwrap()
    );
    assert_eq!(o.current.created, 3);
    assert_eq!(
        o.current.sla_first_response,
        Share { n: 1, of: 1 },
        "{:?}",
        o.current
    );
    assert_eq!(o.current.sla_resolution, Share { n: 0, of: 0 });

    // Refusals name what is wrong.
    let refused = |q: &str, status: u16, code: &str, words: &str| {
        let r = ali.call("GET", &format!("/api/v1/reports/overview?{q}"), None);
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (status, Some(code)),
            "{q}: {:?}",
            r.body
        );
        let message = r.body["message"].as_str().unwrap();
        assert!(message.contains(words), "{q}: {message}");
    };
    refused(
        "from=2026-01-01&to=2026-02-01&tz=Mars/Base",
        422,
        "invalid_input",
        "time zone",
    );
    refused(
        "from=2026-13-01&to=2026-02-01",
        422,
        "invalid_input",
        "2026-13-01",
    );
    refused(
        "from=2026-02-01&to=2026-01-01",
        422,
        "invalid_input",
        "must end after",
    );
    refused(
        "from=2020-01-01&to=2026-01-01",
        422,
        "invalid_input",
        "at most",
    );
    refused(
        "from=2026-01-01&to=2026-02-01&channel=fax",
        422,
        "invalid_input",
        "channel",
    );
    refused(
        "from=2026-01-01&to=2026-02-01&format=xlsx",
        422,
        "invalid_input",
        "xlsx",
    );
    refused(
        "from=2026-01-01&to=2026-02-01&colour=red",
        400,
        "invalid_query",
        "colour",
    );
    refused("to=2026-02-01", 400, "invalid_query", "from");
    let r = ali.call(
        "GET",
        &format!("/api/v1/reports/people?{query}&by=team"),
        None,
    );
    assert_eq!(r.status, 422, "{:?}", r.body);
    let anonymous = call(
        &s.url,
        "GET",
        &format!("/api/v1/reports/overview?{query}"),
        None,
        None,
    );
    assert_eq!(anonymous.status, 401);
    // Days are the time zone's: a date is midnight there.
    let r = ali.call(
        "GET",
        "/api/v1/reports/overview?from=2026-03-01&to=2026-03-03&tz=Asia/Tehran",
        None,
    );
    let o: ReportOverview = serde_json::from_value(r.body).unwrap();
    assert_eq!(o.days.len(), 2);
    assert_eq!(o.days[0].day, "2026-03-01");
    assert_eq!(o.days[0].start, 1_772_310_600_000);
}

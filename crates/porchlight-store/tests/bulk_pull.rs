//! The first pull of a helpdesk: a pull from cursor 0 that spans several pages is written in
//! bulk (derived triggers dropped, full-text indexes and counts rebuilt once with the last
//! page). It must leave exactly the store the row-by-row path leaves: the same documents, the
//! same search answers, the same counts, and live triggers afterwards.

use porchlight_domain::docs::{AgentDoc, Doc, DocKey, DocKind};
use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::sync::{Change, PullResponse};
use porchlight_domain::{Channel, MessageKind, Mutation, Priority, SortKey, TicketType};
use porchlight_store::demo::{seed, SeedOptions};
use porchlight_store::{new_id, Store};

/// A generated helpdesk as the server would hold it: every document at its own version.
/// Messages and events come before their tickets, so pages routinely hold a message whose
/// ticket arrives only on a later page.
fn server_documents() -> (Vec<Doc>, AgentDoc) {
    let dir = tempfile::tempdir().unwrap();
    let source = Store::open(dir.path()).unwrap();
    let me = source
        .create_profile("Deniz Agent", "deniz@porchlight.example")
        .unwrap();
    seed(
        &source,
        &SeedOptions {
            tickets: 300,
            messages_per_ticket: 5,
            seed: 7,
        },
    )
    .unwrap();
    let mut docs = source.canonical_dump().unwrap();
    let rank = |d: &Doc| match d.key().kind {
        DocKind::Group => 0,
        DocKind::Tag => 1,
        DocKind::Organization => 2,
        DocKind::Agent => 3,
        DocKind::Customer => 4,
        DocKind::Message => 5,
        DocKind::Event => 6,
        DocKind::Ticket => 7,
        _ => 8,
    };
    docs.sort_by_key(|d| (rank(d), d.key()));
    let agent = docs
        .iter()
        .find_map(|d| match d {
            Doc::Agent(a) if a.id == me.id => Some(a.clone()),
            _ => None,
        })
        .expect("the profile is an agent document");
    (docs, agent)
}

fn pages(docs: &[Doc], first_version: i64, size: usize, last_cursor: i64) -> Vec<PullResponse> {
    let chunks: Vec<&[Doc]> = docs.chunks(size).collect();
    let n = chunks.len();
    let mut version = first_version;
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let changes: Vec<Change> = chunk
                .iter()
                .map(|d| {
                    version += 1;
                    Change {
                        version,
                        key: d.key(),
                        doc: Some(d.clone()),
                    }
                })
                .collect();
            let last = i + 1 == n;
            PullResponse {
                changes,
                cursor: if last { last_cursor } else { version },
                last_mutation_id: 0,
                has_more: !last,
                reset: false,
                workspace_id: None,
            }
        })
        .collect()
}

fn connected(agent: &AgentDoc) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .connect_to_server("http://127.0.0.1:9", "workspace-1", agent)
        .unwrap();
    (dir, store)
}

const QUERIES: &[&str] = &[
    "refund",
    "order",
    "sipariş",
    "zamówienie",
    "سفارش",
    "invo",
    "status:open refund",
    "tag:refund order",
    "hasarlı",
    "Emma",
];

/// Everything a person would see: documents, search answers, view counts, tags.
fn snapshot(s: &Store) -> (Vec<Doc>, Vec<String>, String, String, i64) {
    let searches = QUERIES
        .iter()
        .map(|q| format!("{:?}", s.search(q, 50).unwrap()))
        .collect();
    (
        s.canonical_dump().unwrap(),
        searches,
        format!("{:?}", s.views().unwrap()),
        format!("{:?}", s.tags().unwrap()),
        s.workspace_info().unwrap().ticket_count,
    )
}

fn new_ticket(subject: &str) -> (String, Mutation) {
    let id = new_id();
    (
        id.clone(),
        Mutation::CreateTicket {
            ticket_id: id,
            message_id: new_id(),
            subject: subject.into(),
            requester: RequesterRef::New {
                id: new_id(),
                name: "Zofia Nowak".into(),
                email: Some(format!("{}@przyklad.pl", new_id())),
                phone: None,
            },
            channel: Channel::Phone,
            priority: Priority::High,
            ticket_type: TicketType::Question,
            assignee_id: None,
            group_id: None,
            tags: vec!["vip".into()],
            body_text: "The quokka invoice never arrived.".into(),
            attachment_ids: vec![],
            outbound: false,
        },
    )
}

#[test]
fn a_bulk_first_pull_leaves_the_same_store_as_row_by_row_writes() {
    let (docs, agent) = server_documents();
    assert!(docs.len() > 2000, "{} documents", docs.len());
    let top = docs.len() as i64;

    // Row by row: everything in one page (a single page never takes the bulk path).
    let (_a_dir, rows) = connected(&agent);
    for p in pages(&docs, 0, docs.len(), top) {
        rows.apply_pull(&p).unwrap();
    }

    // Bulk: the same documents from cursor 0 in pages of 250.
    let (_b_dir, bulk) = connected(&agent);
    for p in pages(&docs, 0, 250, top) {
        bulk.apply_pull(&p).unwrap();
    }

    // Row by row over several pages: a store that has pulled before (a group, so its cursor
    // is past 0). Pages
    // hold messages whose tickets come later; foreign keys are checked with the last page.
    let (_c_dir, later) = connected(&agent);
    later.apply_pull(&pages(&docs[..1], 0, 1, 1)[0]).unwrap();
    for p in pages(&docs[1..], 1, 250, top) {
        later.apply_pull(&p).unwrap();
    }

    let expected = snapshot(&rows);
    assert_eq!(
        expected.0,
        docs_sorted(&docs),
        "row by row keeps every document"
    );
    assert!(expected.4 >= 300);
    let misses: Vec<&&str> = QUERIES
        .iter()
        .zip(&expected.1)
        .filter(|(_, hits)| !hits.contains("hits: [SearchHit"))
        .map(|(q, _)| q)
        .collect();
    assert!(misses.is_empty(), "found nothing for {misses:?}");
    let got = snapshot(&bulk);
    assert_eq!(got.0, expected.0, "bulk: same documents");
    assert_eq!(got.1, expected.1, "bulk: same search answers");
    assert_eq!(got.2, expected.2, "bulk: same view counts");
    assert_eq!(got.3, expected.3, "bulk: same tag counts");
    assert_eq!(got.4, expected.4, "bulk: same ticket total");
    assert_eq!(snapshot(&later), expected, "multi-page row by row");
    assert_eq!(bulk.integrity_check().unwrap(), "ok");

    // The derived triggers are live again: a new ticket is searchable and counted at once.
    for s in [&rows, &bulk] {
        let (id, create) = new_ticket("Quokka shipment stuck at customs");
        s.apply(create).unwrap();
        let found = s.search("quokka", 50).unwrap();
        assert_eq!(found.hits.len(), 1, "{found:?}");
        assert_eq!(found.hits[0].ticket.id, id);
        assert_eq!(s.workspace_info().unwrap().ticket_count, expected.4 + 1);
        let tags = s.tags().unwrap();
        let vip = |t: &[porchlight_domain::TagUsage]| {
            t.iter().find(|t| t.name == "vip").map(|t| t.ticket_count)
        };
        assert_eq!(vip(&tags), vip(&rows.tags().unwrap()));
    }
}

fn docs_sorted(docs: &[Doc]) -> Vec<Doc> {
    let mut v = docs.to_vec();
    v.sort_by_key(|d| d.key());
    v
}

#[test]
fn unsent_work_made_during_a_bulk_pull_is_rebased_once_at_the_end() {
    let (docs, agent) = server_documents();
    let top = docs.len() as i64;
    let (_dir, s) = connected(&agent);
    let all = pages(&docs, 0, 250, top);
    let (first, rest) = all.split_first().unwrap();
    s.apply_pull(first).unwrap();

    // The agent records a phone call while the first sync is still running.
    let (id, create) = new_ticket("Quokka plush toy arrived torn");
    s.apply(create).unwrap();
    assert_eq!(s.outbox_len().unwrap(), 1);
    for p in rest {
        s.apply_pull(p).unwrap();
    }

    // After the last page it is there again, on top of the server's data, still unsent,
    // found by search and counted.
    assert_eq!(s.outbox_len().unwrap(), 1);
    let t = s.ticket_detail(&id, &[]).unwrap();
    assert_eq!(t.messages.len(), 1);
    assert_eq!(t.messages[0].kind, MessageKind::Reply);
    let found = s.search("quokka", 50).unwrap();
    assert_eq!(found.hits.len(), 1, "{found:?}");
    let page = s.ticket_page("open", SortKey::Created, None, 50).unwrap();
    assert!(!page.rows.is_empty());
    let pulled = docs.iter().filter(|d| matches!(d, Doc::Ticket(_))).count() as i64;
    assert_eq!(s.workspace_info().unwrap().ticket_count, pulled + 1);
    let dump = s.canonical_dump().unwrap();
    assert!(dump.iter().any(|d| d.key()
        == DocKey {
            kind: DocKind::Ticket,
            id: id.clone()
        }));
}

#[test]
fn an_app_that_quits_between_the_pages_of_its_first_pull_starts_whole() {
    let (docs, agent) = server_documents();
    let top = docs.len() as i64;
    let dir = tempfile::tempdir().unwrap();
    let all = pages(&docs, 0, 250, top);
    let (id, create) = new_ticket("Quokka mug chipped in transit");
    let arrived = {
        let s = Store::open(dir.path()).unwrap();
        s.connect_to_server("http://127.0.0.1:9", "workspace-1", &agent)
            .unwrap();
        s.apply(create).unwrap();
        // Three pages arrive, then the app is closed (or crashes) before the fourth.
        for p in &all[..3] {
            s.apply_pull(p).unwrap();
        }
        all[..3]
            .iter()
            .flat_map(|p| &p.changes)
            .filter(|c| matches!(c.doc, Some(Doc::Ticket(_))))
            .count() as i64
    };

    let s = Store::open(dir.path()).unwrap();
    // The sidebar counts what is here, the agent's unsent ticket is back (counted and found),
    // and new work is indexed and counted at once.
    assert_eq!(s.workspace_info().unwrap().ticket_count, arrived + 1);
    assert_eq!(s.outbox_len().unwrap(), 1);
    assert_eq!(s.ticket_detail(&id, &[]).unwrap().messages.len(), 1);
    assert_eq!(s.search("quokka", 50).unwrap().hits.len(), 1);
    let (later, create) = new_ticket("Second quokka mug chipped too");
    s.apply(create).unwrap();
    assert_eq!(s.workspace_info().unwrap().ticket_count, arrived + 2);
    let found = s.search("quokka", 50).unwrap();
    assert!(found.hits.iter().any(|h| h.ticket.id == later), "{found:?}");

    // The rest of the pull then completes the helpdesk: every server document, plus the
    // agent's two unsent tickets on top.
    for p in &all[3..] {
        s.apply_pull(p).unwrap();
    }
    let pulled = docs.iter().filter(|d| matches!(d, Doc::Ticket(_))).count() as i64;
    assert_eq!(s.workspace_info().unwrap().ticket_count, pulled + 2);
    assert_eq!(s.outbox_len().unwrap(), 2);
    assert_eq!(s.search("quokka", 50).unwrap().hits.len(), 2);
    assert_eq!(s.integrity_check().unwrap(), "ok");
}

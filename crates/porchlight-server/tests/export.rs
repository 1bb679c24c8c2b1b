//! Taking the data out and back in: a standalone desktop's export (tickets with messages,
//! notes and events, a file, customers, an organization, an article) imported by
//! `porchlight-server import` into an empty server holds exactly the desktop's documents and
//! files; that server's own export (`porchlight-server export`, the real binary) imported
//! into an empty PostgreSQL database holds them again. Imports into a helpdesk, from a
//! damaged export or a newer format are refused by name and write nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use porchlight_domain::kb::{ArticleVisibility, KbMutation};
use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::{Channel, MessageKind, Mutation, Priority, TicketType};
use porchlight_server::storage::{canonical_dump, Storage};
use porchlight_server::{open_storage, Database};
use porchlight_store::{new_id, now_ms, Store};

fn desktop(dir: &Path) -> (Store, String) {
    let s = Store::open(dir).unwrap();
    s.create_profile("Deniz Admin", "deniz@example.com")
        .unwrap();
    let photo = s
        .stage_attachment("lamba.jpg", "image/jpeg", &[0xFF, 0xD8, 1, 2, 3])
        .unwrap();
    let ticket = new_id();
    s.apply(Mutation::CreateTicket {
        ticket_id: ticket.clone(),
        message_id: new_id(),
        subject: "=HYPERLINK(\"http://evil.example\") lamba".into(),
        requester: RequesterRef::New {
            id: new_id(),
            name: "Ayşe Yılmaz".into(),
            email: Some("ayse@customer.example".into()),
            phone: None,
        },
        channel: Channel::Email,
        priority: Priority::High,
        ticket_type: TicketType::Incident,
        assignee_id: None,
        group_id: None,
        tags: vec!["lamba".into()],
        body_text: "Lamba yanmıyor.".into(),
        attachment_ids: vec![photo.id.clone()],
        outbound: false,
    })
    .unwrap();
    for (kind, text) in [
        (MessageKind::Reply, "Yeni lamba yolda."),
        (MessageKind::Note, "Kargo firmasını aradım."),
    ] {
        s.apply(Mutation::AddMessage {
            message_id: new_id(),
            ticket_id: ticket.clone(),
            kind,
            from_customer: false,
            body_text: text.into(),
            body_html: None,
            attachment_ids: vec![],
            cc: None,
        })
        .unwrap();
    }
    porchlight_store::demo_kb::seed_kb(&s, 3, 7).unwrap();
    // An article showing a picture (a file no message carries).
    let shot = s
        .stage_attachment("shot.png", "image/png", b"\x89PNG\r\n\x1a\nshot")
        .unwrap();
    s.apply_kb(KbMutation::CreateArticle {
        id: new_id(),
        revision_id: new_id(),
        category_id: None,
        source_locale: "en".into(),
        title: "Changing the bulb".into(),
        body_markdown: format!("Unscrew it.\n\n![the lamp](attachments/{})", shot.id),
        visibility: ArticleVisibility::Public,
        tags: vec![],
    })
    .unwrap();
    (s, photo.sha256)
}

fn bin_cli(args: &[&str]) -> (bool, String) {
    let out = Command::new(common::BIN).args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn only_dir(parent: &Path) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

fn file_bytes(storage: &Storage, docs: &[porchlight_domain::docs::Doc]) -> Vec<u8> {
    let id = docs
        .iter()
        .find_map(|d| match d {
            porchlight_domain::docs::Doc::Message(m) => m.attachment_ids.first().cloned(),
            _ => None,
        })
        .expect("a message with the file");
    storage.attachment_with_bytes(&id).unwrap().unwrap().1
}

#[test]
fn a_desktop_export_moves_to_a_server_and_the_servers_export_to_another() {
    let home = tempfile::tempdir().unwrap();
    let (s, sha) = desktop(&home.path().join("desk"));
    let exports = home.path().join("exports");
    let info = s.export_to(&exports, "0.1.0", now_ms()).unwrap();
    let folder = PathBuf::from(&info.path);
    assert_eq!(
        (info.tickets, info.attachments),
        (1, 2),
        "the photo and the article's picture"
    );
    assert!(info.articles >= 3);
    assert!(folder.join("attachments").join(&sha).is_file());
    // A spreadsheet gets text, not a formula, and reads the file as UTF-8.
    let csv = std::fs::read_to_string(folder.join("tickets.csv")).unwrap();
    assert!(csv.starts_with("\u{feff}number,subject,status"), "{csv}");
    assert!(csv.contains("\"'=HYPERLINK"), "{csv}");
    let customers = std::fs::read_to_string(folder.join("customers.csv")).unwrap();
    assert!(
        customers.contains("Ayşe Yılmaz,ayse@customer.example"),
        "{customers}"
    );

    // Into an empty server on SQLite, as `porchlight-server import` does.
    let sqlite_dir = home.path().join("server");
    let server = open_storage(&Database::Sqlite(sqlite_dir.clone())).unwrap();
    porchlight_server::export::import(&server, &folder).unwrap();
    let desk_docs = s.canonical_dump().unwrap();
    let server_docs = canonical_dump(&server).unwrap();
    assert_eq!(server_docs, desk_docs);
    assert_eq!(file_bytes(&server, &server_docs), vec![0xFF, 0xD8, 1, 2, 3]);
    let shown = porchlight_domain::export::article_files(&server_docs);
    assert_eq!(shown.len(), 1);
    let picture = server
        .attachment_with_bytes(shown.iter().next().unwrap())
        .unwrap()
        .expect("the article's picture on the server")
        .1;
    assert!(picture.ends_with(b"shot"));
    // A second import into that helpdesk is refused and writes nothing.
    let e = porchlight_server::export::import(&server, &folder).unwrap_err();
    assert!(e.to_string().contains("already holds a helpdesk"), "{e}");
    assert_eq!(canonical_dump(&server).unwrap(), desk_docs);
    drop(server);

    // The server's own export, by the real binary, into an empty PostgreSQL database.
    let server_exports = home.path().join("server-exports");
    let (ok, out) = bin_cli(&[
        "export",
        "--to",
        server_exports.to_str().unwrap(),
        "--data-dir",
        sqlite_dir.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    assert!(out.contains("exported"), "{out}");
    let url = common::fresh_postgres_database();
    let (ok, out) = bin_cli(&[
        "import",
        "--from",
        only_dir(&server_exports).to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert!(ok, "{out}");
    let pg = open_storage(&Database::Postgres(url)).unwrap();
    let pg_docs = canonical_dump(&pg).unwrap();
    assert_eq!(pg_docs, desk_docs);
    assert_eq!(file_bytes(&pg, &pg_docs), vec![0xFF, 0xD8, 1, 2, 3]);
}

#[test]
fn damaged_or_newer_exports_are_refused_and_write_nothing() {
    let home = tempfile::tempdir().unwrap();
    let (s, sha) = desktop(&home.path().join("desk"));
    let info = s
        .export_to(&home.path().join("x"), "0.1.0", now_ms())
        .unwrap();
    let folder = PathBuf::from(&info.path);
    let empty = || open_storage(&Database::Sqlite(tempfile::tempdir().unwrap().keep())).unwrap();

    // No export at all.
    let e = porchlight_server::export::import(&empty(), home.path()).unwrap_err();
    assert!(e.to_string().contains("is not a Porchlight export"), "{e}");

    // A file that is not what its name says.
    let damaged = home.path().join("damaged");
    copy_dir(&folder, &damaged);
    std::fs::write(damaged.join("attachments").join(&sha), b"not the photo").unwrap();
    let target = empty();
    let e = porchlight_server::export::import(&target, &damaged).unwrap_err();
    assert!(e.to_string().contains("does not match its SHA-256"), "{e}");
    assert!(canonical_dump(&target).unwrap().is_empty());

    // A broken line is named.
    let broken = home.path().join("broken");
    copy_dir(&folder, &broken);
    let docs = std::fs::read_to_string(broken.join("documents.jsonl")).unwrap();
    std::fs::write(broken.join("documents.jsonl"), format!("{docs}{{oops\n")).unwrap();
    let e = porchlight_server::export::import(&empty(), &broken).unwrap_err();
    let line = docs.lines().count() + 1;
    assert!(e.to_string().contains(&format!("line {line}")), "{e}");

    // A format from the future.
    let newer = home.path().join("newer");
    copy_dir(&folder, &newer);
    let m = std::fs::read_to_string(newer.join("manifest.json")).unwrap();
    std::fs::write(
        newer.join("manifest.json"),
        m.replace("\"format\": 1", "\"format\": 99"),
    )
    .unwrap();
    let e = porchlight_server::export::import(&empty(), &newer).unwrap_err();
    assert!(e.to_string().contains("format 99"), "{e}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

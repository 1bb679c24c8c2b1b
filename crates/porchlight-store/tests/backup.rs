//! Backups of a real store file and restoring them: made while another thread keeps writing,
//! checked (`PRAGMA integrity_check`) and restored at the next start with every ticket and
//! file there; the backups kept are pruned; every bad backup and setting is refused by name
//! and changes nothing.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::{Channel, MessageKind, Mutation, Priority, TicketType};
use porchlight_store::backup::{check_backup, list_backups};
use porchlight_store::{new_id, now_ms, Store, StoreError};

fn store(dir: &Path) -> Store {
    let s = Store::open(dir).unwrap();
    s.create_profile("Deniz Agent", "deniz@porchlight.example")
        .unwrap();
    s
}

fn create(s: &Store, subject: &str, attachment_ids: Vec<String>) -> String {
    let id = new_id();
    s.apply(Mutation::CreateTicket {
        ticket_id: id.clone(),
        message_id: new_id(),
        subject: subject.into(),
        requester: RequesterRef::New {
            id: new_id(),
            name: "Ayşe Yılmaz".into(),
            email: Some(format!("{}@customer.example", new_id())),
            phone: None,
        },
        channel: Channel::Phone,
        priority: Priority::Normal,
        ticket_type: TicketType::Question,
        assignee_id: None,
        group_id: None,
        tags: vec![],
        body_text: format!("{subject}: the lamp is dark."),
        attachment_ids,
        outbound: false,
    })
    .unwrap();
    id
}

fn note(s: &Store, ticket_id: &str, text: &str) {
    s.apply(Mutation::AddMessage {
        message_id: new_id(),
        ticket_id: ticket_id.into(),
        kind: MessageKind::Note,
        from_customer: false,
        body_text: text.into(),
        body_html: None,
        attachment_ids: vec![],
        cc: None,
    })
    .unwrap();
}

fn field(e: StoreError) -> Option<String> {
    porchlight_domain::DomainError::from(e).field
}

#[test]
fn a_backup_made_while_writing_restores_every_ticket_and_file_at_the_next_start() {
    let home = tempfile::tempdir().unwrap();
    let (shop, backups) = (home.path().join("shop"), home.path().join("backups"));
    let s = Arc::new(store(&shop));
    let photo = s
        .stage_attachment("lamba.jpg", "image/jpeg", &[0xFF, 0xD8, 7, 7, 7])
        .unwrap();
    let first = create(&s, "Lamba yanmıyor", vec![photo.id.clone()]);
    for i in 0..40 {
        create(&s, &format!("Ticket {i}"), vec![]);
    }
    let before = s.canonical_dump().unwrap();

    // A backup while another thread keeps adding notes.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (s, stop, t) = (s.clone(), stop.clone(), first.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                note(&s, &t, &format!("note {n}"));
                n += 1;
            }
            n
        })
    };
    let info = s.back_up_to(&backups, "0.1.0", now_ms()).unwrap();
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0, "the writer was not held up");
    assert_eq!(info.tickets, 41);
    assert_eq!(info.attachments, 1);
    assert!(info.bytes > 0);
    let checked = check_backup(Path::new(&info.path)).unwrap();
    assert_eq!(checked.tickets, 41);
    assert_eq!(list_backups(&backups).unwrap().len(), 1);
    // Nothing half-written is left beside it.
    assert_eq!(std::fs::read_dir(&backups).unwrap().count(), 1);

    // Another shop's desktop takes the backup: staged now, in place at the next start.
    let other = home.path().join("other");
    let o = store(&other);
    create(&o, "Someone else's ticket", vec![]);
    let staged = o.stage_restore(Path::new(&info.path)).unwrap();
    assert_eq!(staged.tickets, 41);
    drop(o);
    let o = Store::open(&other).unwrap();
    let after = o.canonical_dump().unwrap();
    // Every document of the backup's moment: the tickets before it, and those of the notes
    // that were written before the copy began.
    for d in &before {
        let key = d.key();
        assert!(
            after.iter().any(|a| a.key() == key),
            "{key:?} missing after the restore"
        );
    }
    assert!(after.len() >= before.len());
    assert!(after.len() <= before.len() + 2 * written);
    let detail = o.ticket_detail(&first, &[]).unwrap();
    let file = detail
        .messages
        .iter()
        .flat_map(|m| m.attachments.iter())
        .next()
        .cloned()
        .expect("the photo");
    assert_eq!(
        o.attachment_bytes(&file).unwrap(),
        vec![0xFF, 0xD8, 7, 7, 7]
    );
    // The replaced store was moved aside, not deleted.
    let aside: Vec<_> = std::fs::read_dir(&other)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("before-restore-")
        })
        .collect();
    assert_eq!(aside.len(), 1);
    assert!(aside[0].path().join("porchlight.db").is_file());
    let c = rusqlite::Connection::open(other.join("porchlight.db")).unwrap();
    let verdict: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(verdict, "ok");
}

#[test]
fn old_backups_beyond_the_number_kept_are_removed() {
    let home = tempfile::tempdir().unwrap();
    let s = store(&home.path().join("shop"));
    let dir = home.path().join("b");
    std::fs::create_dir_all(&dir).unwrap();
    s.set_backup_settings(dir.to_str().unwrap(), true, 2)
        .unwrap();
    let t0 = now_ms();
    for day in 0..3 {
        create(&s, &format!("Day {day}"), vec![]);
        s.back_up_now("0.1.0", t0 + day * 86_400_000).unwrap();
    }
    let view = s.backups().unwrap();
    assert_eq!(view.backups.len(), 2);
    assert_eq!(
        view.backups.iter().map(|b| b.tickets).collect::<Vec<_>>(),
        vec![3, 2],
        "the newest two, newest first"
    );
    assert!(!s.daily_backup_due(t0 + 2 * 86_400_000 + 1000).unwrap());
    assert!(s.daily_backup_due(t0 + 3 * 86_400_000).unwrap());
}

#[test]
fn bad_backups_and_settings_are_refused_by_name_and_change_nothing() {
    let home = tempfile::tempdir().unwrap();
    let shop = home.path().join("shop");
    let s = store(&shop);
    create(&s, "Kept", vec![]);
    let kept = s.canonical_dump().unwrap();

    // Settings.
    assert_eq!(
        field(s.set_backup_settings("", true, 0).unwrap_err()).as_deref(),
        Some("keep")
    );
    assert_eq!(
        field(s.set_backup_settings("relative/dir", true, 7).unwrap_err()).as_deref(),
        Some("dir")
    );
    let missing = home.path().join("no-such-folder");
    let e = s
        .set_backup_settings(missing.to_str().unwrap(), true, 7)
        .unwrap_err();
    assert!(e.to_string().contains("no such folder"), "{e}");

    // A folder that is no backup.
    let plain = home.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let e = s.stage_restore(&plain).unwrap_err();
    assert!(e.to_string().contains("is not a Porchlight backup"), "{e}");

    // A damaged database.
    let info = s
        .back_up_to(&home.path().join("b"), "0.1.0", now_ms())
        .unwrap();
    let damaged = home.path().join("damaged");
    std::fs::create_dir_all(&damaged).unwrap();
    for f in ["porchlight.db", "porchlight-backup.json"] {
        std::fs::copy(Path::new(&info.path).join(f), damaged.join(f)).unwrap();
    }
    let db = damaged.join("porchlight.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let page = 4096;
    for b in &mut bytes[3 * page..3 * page + 200] {
        *b = 0x5A;
    }
    std::fs::write(&db, bytes).unwrap();
    let e = s.stage_restore(&damaged).unwrap_err();
    assert!(
        e.to_string().contains("damaged") || e.to_string().contains("cannot be read"),
        "{e}"
    );

    // One from a newer app.
    let newer = home.path().join("newer");
    std::fs::create_dir_all(&newer).unwrap();
    for f in ["porchlight.db", "porchlight-backup.json"] {
        std::fs::copy(Path::new(&info.path).join(f), newer.join(f)).unwrap();
    }
    rusqlite::Connection::open(newer.join("porchlight.db"))
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let e = s.stage_restore(&newer).unwrap_err();
    assert!(e.to_string().contains("newer Porchlight"), "{e}");

    // None of it staged anything: the store reopens as it was.
    drop(s);
    let s = Store::open(&shop).unwrap();
    assert_eq!(s.canonical_dump().unwrap(), kept);
}

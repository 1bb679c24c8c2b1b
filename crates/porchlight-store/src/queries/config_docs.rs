//! Configuration documents ⇄ rows (the `config_docs` table: rules, macros, SLA policies,
//! calendars, mailboxes), and the parsed configuration every change reads (rules, mailboxes,
//! SLA policies and calendars). Below the documents' projection (`queries::docs`) and all
//! that reads configuration; the config write path is `queries::config`.

use porchlight_domain::docs::{Doc, DocKind};
use porchlight_domain::mail::Mailbox;
use porchlight_domain::rules::Rule;
use porchlight_domain::sla::{BusinessCalendar, SlaBook, SlaPolicy};
use rusqlite::{params, Connection, OptionalExtension};
use std::sync::{Arc, Mutex};

use crate::StoreResult;

pub(crate) fn write_doc(c: &Connection, doc: &Doc) -> StoreResult<()> {
    let body = match doc {
        Doc::Rule(r) => serde_json::to_string(r)?,
        Doc::Macro(m) => serde_json::to_string(m)?,
        Doc::SlaPolicy(p) => serde_json::to_string(p)?,
        Doc::Calendar(c) => serde_json::to_string(c)?,
        Doc::Mailbox(m) => serde_json::to_string(m)?,
        _ => unreachable!("config write_doc is only called with configuration documents"),
    };
    let key = doc.key();
    c.prepare_cached(
        "INSERT INTO config_docs(kind, id, doc) VALUES (?1, ?2, ?3)
         ON CONFLICT(kind, id) DO UPDATE SET doc = excluded.doc",
    )?
    .execute(params![key.kind.as_str(), key.id, body])?;
    Ok(())
}

pub(crate) fn delete_doc(c: &Connection, kind: DocKind, id: &str) -> StoreResult<()> {
    c.prepare_cached("DELETE FROM config_docs WHERE kind = ?1 AND id = ?2")?
        .execute(params![kind.as_str(), id])?;
    Ok(())
}

fn body(c: &Connection, kind: DocKind, id: &str) -> StoreResult<Option<String>> {
    Ok(
        c.prepare_cached("SELECT doc FROM config_docs WHERE kind = ?1 AND id = ?2")?
            .query_row(params![kind.as_str(), id], |r| r.get(0))
            .optional()?,
    )
}

pub(crate) fn read_doc(c: &Connection, kind: DocKind, id: &str) -> StoreResult<Option<Doc>> {
    let Some(b) = body(c, kind, id)? else {
        return Ok(None);
    };
    Ok(Some(match kind {
        DocKind::Rule => Doc::Rule(serde_json::from_str(&b)?),
        DocKind::Macro => Doc::Macro(serde_json::from_str(&b)?),
        DocKind::SlaPolicy => Doc::SlaPolicy(serde_json::from_str(&b)?),
        DocKind::Calendar => Doc::Calendar(serde_json::from_str(&b)?),
        DocKind::Mailbox => Doc::Mailbox(serde_json::from_str(&b)?),
        _ => unreachable!("config read_doc is only called with configuration documents"),
    }))
}

pub(crate) fn ids_sql(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Rule => "SELECT id FROM config_docs WHERE kind = 'rule'",
        DocKind::Macro => "SELECT id FROM config_docs WHERE kind = 'macro'",
        DocKind::SlaPolicy => "SELECT id FROM config_docs WHERE kind = 'sla_policy'",
        DocKind::Calendar => "SELECT id FROM config_docs WHERE kind = 'calendar'",
        DocKind::Mailbox => "SELECT id FROM config_docs WHERE kind = 'mailbox'",
        _ => unreachable!("config ids_sql is only called with configuration kinds"),
    }
}

pub(crate) fn all<T: serde::de::DeserializeOwned>(
    c: &Connection,
    kind: DocKind,
) -> StoreResult<Vec<T>> {
    let mut st = c.prepare_cached("SELECT doc FROM config_docs WHERE kind = ?1 ORDER BY id")?;
    let rows = st
        .query_map([kind.as_str()], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter().map(|b| Ok(serde_json::from_str(b)?)).collect()
}

/// A kind's documents as last parsed, with the stored text they were parsed from.
struct Parsed<T> {
    text: Vec<String>,
    docs: Arc<Vec<T>>,
}

type Memo<T> = Mutex<Option<Parsed<T>>>;

static RULES: Memo<Rule> = Mutex::new(None);
static POLICIES: Memo<SlaPolicy> = Mutex::new(None);
static CALENDARS: Memo<BusinessCalendar> = Mutex::new(None);

/// Every document of a kind, parsed again only when its stored text changed: every ticket
/// change reads the rules and the SLA configuration, and parsing their JSON each time cost
/// more than the change's own writes. The text is read and compared on every call, so a
/// change by any connection or store, or one rolled back, is never missed.
fn all_memo<T: serde::de::DeserializeOwned>(
    c: &Connection,
    kind: DocKind,
    memo: &Memo<T>,
    order: fn(&mut Vec<T>),
) -> StoreResult<Arc<Vec<T>>> {
    let text: Vec<String> = c
        .prepare_cached("SELECT doc FROM config_docs WHERE kind = ?1 ORDER BY id")?
        .query_map([kind.as_str()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut memo = memo.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = memo.as_ref().filter(|p| p.text == text) {
        return Ok(Arc::clone(&p.docs));
    }
    let mut docs = text
        .iter()
        .map(|b| serde_json::from_str(b))
        .collect::<Result<Vec<T>, _>>()?;
    order(&mut docs);
    let docs = Arc::new(docs);
    *memo = Some(Parsed {
        text,
        docs: Arc::clone(&docs),
    });
    Ok(docs)
}

/// Every rule, in evaluation order.
pub(crate) fn rules(c: &Connection) -> StoreResult<Arc<Vec<Rule>>> {
    all_memo(c, DocKind::Rule, &RULES, |rules| {
        rules.sort_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)))
    })
}

/// Every mailbox, in id order.
pub(crate) fn mailboxes(c: &Connection) -> StoreResult<Vec<Mailbox>> {
    all(c, DocKind::Mailbox)
}

/// Every SLA policy and business calendar, for choosing a ticket's business hours.
pub(crate) fn sla_config(c: &Connection) -> StoreResult<SlaConfig> {
    Ok((
        all_memo(c, DocKind::SlaPolicy, &POLICIES, |_| {})?,
        all_memo(c, DocKind::Calendar, &CALENDARS, |_| {})?,
    ))
}

/// The SLA policies and the business calendars, each in id order.
pub(crate) type SlaConfig = (Arc<Vec<SlaPolicy>>, Arc<Vec<BusinessCalendar>>);

/// The SLA book compiled from the configuration [`sla_config`] returned, compiled again only
/// when that changed (its calendars' schedules take longer to build than a ticket's SLA).
pub(crate) fn sla_book(c: &Connection) -> StoreResult<Arc<SlaBook>> {
    type Compiled = (SlaConfig, Arc<SlaBook>);
    static BOOK: Mutex<Option<Compiled>> = Mutex::new(None);
    let config = sla_config(c)?;
    let mut memo = BOOK.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, book)) = memo
        .as_ref()
        .filter(|((p, cal), _)| Arc::ptr_eq(p, &config.0) && Arc::ptr_eq(cal, &config.1))
    {
        return Ok(Arc::clone(book));
    }
    let book = Arc::new(SlaBook::new(config.0.to_vec(), &config.1));
    *memo = Some((config, Arc::clone(&book)));
    Ok(book)
}

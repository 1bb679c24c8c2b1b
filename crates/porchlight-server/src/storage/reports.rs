//! Report rows on the server, computed with the desktop's definitions
//! (`porchlight_domain::report_docs`): every document written for a ticket (the ticket, a
//! message, an event, a rating) marks the ticket in the same transaction, and a catch-up
//! computes each marked ticket's [`ReportTicket`] from its documents, in batches, after the
//! writes (so a push pays one insert per document, not a ticket's history): every minute,
//! and before any report is answered, so a report always counts every change made before it.
//! A report reads the rows of the tickets active since its comparison period began (the
//! overview also counts those open now, or reads them when a filter asks what they are); it
//! never walks messages.

use std::collections::HashMap;

use porchlight_domain::docs::{Doc, DocKey, DocKind};
use porchlight_domain::report_docs::{
    overview_of, people_of, report_ticket, ticket_lines, ReportTicket, TicketReportLine,
};
use porchlight_domain::reports::{
    PeopleBy, PeopleRow, ReportFilter, ReportOverview, ReportRequest,
};
use porchlight_domain::sla::SlaBook;

use super::automation::sla_book;
use super::{children, doc, Storage, StorageError, StorageResult, Tx};

/// How many tickets one catch-up transaction computes.
const CATCH_UP_BATCH: i64 = 500;

/// The ticket a written document (`None`: a tombstone of `key`) belongs to, for its report
/// row. A change of SLA policies or calendars is not among them: an outcome is what the
/// policy of its time decided (as on the desktop).
pub(super) fn ticket_of(key: &DocKey, doc: Option<&Doc>) -> Option<String> {
    match doc {
        Some(d) => match d {
            Doc::Ticket(t) => Some(t.id.clone()),
            Doc::Message(_) | Doc::Event(_) | Doc::Rating(_) => d.parent().map(str::to_owned),
            _ => None,
        },
        None => (key.kind == DocKind::Ticket).then(|| key.id.clone()),
    }
}

/// Marks these tickets' report rows for the catch-up, each once, in one call.
pub(super) fn mark(tx: &mut dyn Tx, mut tickets: Vec<String>) -> StorageResult<()> {
    if tickets.is_empty() {
        return Ok(());
    }
    tickets.sort_unstable();
    tickets.dedup();
    tx.mark_reports(&tickets)
}

/// Computes one ticket's row again from its documents.
fn compute(tx: &mut dyn Tx, book: &SlaBook, id: &str) -> StorageResult<()> {
    let Some(Doc::Ticket(t)) = doc(tx, DocKind::Ticket, id)? else {
        return tx.put_report_row(id, None);
    };
    let organization_id = match doc(tx, DocKind::Customer, &t.requester_id)? {
        Some(Doc::Customer(c)) => c.organization_id,
        _ => None,
    };
    let (mut messages, mut events, mut ratings) = (Vec::new(), Vec::new(), Vec::new());
    for kind in [DocKind::Message, DocKind::Event, DocKind::Rating] {
        for d in children(tx, kind, id)? {
            match d {
                Doc::Message(m) => messages.push(m),
                Doc::Event(e) => events.push(e),
                Doc::Rating(r) => ratings.push(r),
                _ => {}
            }
        }
    }
    match report_ticket(
        &t,
        organization_id.as_deref(),
        &messages,
        &events,
        &ratings,
        book,
    ) {
        Some(row) => {
            let body = serde_json::to_string(&row)?;
            tx.put_report_row(id, Some((row.last_at(), row.is_open(), &body)))
        }
        None => tx.put_report_row(id, None),
    }
}

/// The rows of the tickets active since `since` (and with `idle_open` those open now that
/// were not).
fn rows(tx: &mut dyn Tx, since: i64, idle_open: bool) -> StorageResult<Vec<ReportTicket>> {
    tx.report_rows(since, idle_open)?
        .iter()
        .map(|b| serde_json::from_str::<ReportTicket>(b).map_err(Into::into))
        .collect()
}

/// The names of documents of a kind by id (an agent's or group's, a customer's).
fn names(
    tx: &mut dyn Tx,
    kind: DocKind,
    ids: impl IntoIterator<Item = String>,
) -> StorageResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    for id in ids {
        if out.contains_key(&id) {
            continue;
        }
        let name = match doc(tx, kind, &id)? {
            Some(Doc::Agent(a)) => a.name,
            Some(Doc::Group(g)) => g.name,
            Some(Doc::Customer(c)) => c.name,
            _ => continue,
        };
        out.insert(id, name);
    }
    Ok(out)
}

impl Storage {
    /// Computes the rows marked for a catch-up, in batches; returns how many were computed.
    pub fn catch_up_reports(&self) -> StorageResult<usize> {
        let mut done = 0;
        loop {
            let n = self.write(|tx| {
                // In line with every other writer, so no push's newer row is overwritten.
                tx.lock_version()?;
                let ids = tx.take_report_marks(CATCH_UP_BATCH)?;
                if !ids.is_empty() {
                    let book = sla_book(tx)?;
                    for id in &ids {
                        compute(tx, &book, id)?;
                    }
                }
                Ok(ids.len())
            })?;
            done += n;
            if (n as i64) < CATCH_UP_BATCH {
                return Ok(done);
            }
        }
    }

    /// The overview of a period, compared with the one before, as the desktop computes it.
    pub fn report_overview(&self, req: &ReportRequest) -> StorageResult<ReportOverview> {
        let tz = req.validated().map_err(StorageError::Refused)?;
        self.catch_up_reports()?;
        self.read(|tx| {
            let since = req.previous().0;
            // Open tickets idle since the comparison period began count only in the backlog:
            // unfiltered, the storage counts them; a filter must read what they are.
            let unfiltered = req.filter == ReportFilter::default();
            let tickets = rows(tx, since, !unfiltered)?;
            let idle_open = if unfiltered {
                tx.idle_open_count(since)? as u32
            } else {
                0
            };
            let customers: Vec<String> = tickets
                .iter()
                .flat_map(|t| t.ratings.iter())
                .filter(|r| !r.comment.is_empty() && r.at >= req.from && r.at < req.to)
                .map(|r| r.customer_id.clone())
                .collect();
            let names = names(tx, DocKind::Customer, customers)?;
            Ok(overview_of(req, tz, &tickets, idle_open, |id| {
                names.get(id).cloned().unwrap_or_default()
            }))
        })
    }

    /// The people table of a period, with the agents' or groups' names.
    pub fn report_people(
        &self,
        req: &ReportRequest,
        by: PeopleBy,
    ) -> StorageResult<Vec<PeopleRow>> {
        req.validated().map_err(StorageError::Refused)?;
        self.catch_up_reports()?;
        self.read(|tx| {
            let tickets = rows(tx, req.from, false)?;
            let mut lines = people_of(req, &tickets, by);
            let kind = match by {
                PeopleBy::Agent => DocKind::Agent,
                PeopleBy::Group => DocKind::Group,
            };
            let names = names(tx, kind, lines.iter().filter_map(|l| l.id.clone()))?;
            for l in &mut lines {
                if let Some(id) = &l.id {
                    // A deleted agent or group keeps its line, under its id.
                    l.name = names.get(id).cloned().unwrap_or_else(|| id.clone());
                }
            }
            Ok(lines)
        })
    }

    /// The period's tickets with their figures, for BI tools.
    pub fn report_tickets(&self, req: &ReportRequest) -> StorageResult<Vec<TicketReportLine>> {
        req.validated().map_err(StorageError::Refused)?;
        self.catch_up_reports()?;
        self.read(|tx| Ok(ticket_lines(req, &rows(tx, req.from, false)?)))
    }
}

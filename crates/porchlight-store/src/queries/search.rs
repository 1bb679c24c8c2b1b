//! Full-text search over subjects, message bodies and customers, newest activity first.
//! Each FTS table is walked in descending rowid order (rows are inserted in time order), so a
//! common word costs a page of index reads, not a ranking of every match.

use std::collections::HashMap;

use porchlight_domain::{
    SearchHit, SearchQuery, SearchResults, SnippetPart, SortKey, TicketSummary,
};
use rusqlite::{params_from_iter, types::Value, Connection};

use super::tickets::{summary_row, SUMMARY_COLS, SUMMARY_JOINS, SUMMARY_LEN};
use crate::filter_sql::where_clause;
use crate::{Store, StoreResult};

const OPEN: char = '\u{2}';
const CLOSE: char = '\u{3}';

/// Splits an FTS5 snippet with control-character markers into plain parts; text stays text.
pub(crate) fn snippet_parts(s: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut hit = false;
    for ch in s.chars() {
        if ch == OPEN || ch == CLOSE {
            if !cur.is_empty() {
                parts.push(SnippetPart {
                    text: std::mem::take(&mut cur),
                    hit,
                });
            }
            hit = ch == OPEN;
        } else {
            cur.push(if ch == '\n' { ' ' } else { ch });
        }
    }
    if !cur.is_empty() {
        parts.push(SnippetPart { text: cur, hit });
    }
    parts
}

struct Candidate {
    ticket: TicketSummary,
    matched_in: String,
    snippet: Vec<SnippetPart>,
}

/// Runs one FTS source query, keeping the first (newest) hit per ticket, until `want` tickets
/// are found or `scan_cap` rows were read.
fn collect(
    c: &Connection,
    sql: &str,
    params: Vec<Value>,
    want: usize,
    scan_cap: usize,
    out: &mut HashMap<String, Candidate>,
    kind_of: impl Fn(&str) -> String,
) -> StoreResult<bool> {
    let mut st = c.prepare_cached(sql)?;
    let mut rows = st.query(params_from_iter(params))?;
    let mut scanned = 0;
    let mut found = 0;
    while let Some(r) = rows.next()? {
        scanned += 1;
        let ticket = summary_row(r)?;
        let snippet: String = r.get(SUMMARY_LEN)?;
        let kind: String = r.get(SUMMARY_LEN + 1)?;
        if !out.contains_key(&ticket.id) {
            found += 1;
            out.insert(
                ticket.id.clone(),
                Candidate {
                    ticket,
                    matched_in: kind_of(&kind),
                    snippet: snippet_parts(&snippet),
                },
            );
        }
        if found >= want || scanned >= scan_cap {
            return Ok(true);
        }
    }
    Ok(false)
}

impl Store {
    /// Searches with words and `field:value` filters (status:open assignee:me tag:refund
    /// from:ayse@example.com …). Without words, lists the filtered tickets.
    pub fn search(&self, input: &str, limit: usize) -> StoreResult<SearchResults> {
        // "#1042" or "1042" alone: the ticket with that number, then anything mentioning it.
        let number = input.trim().trim_start_matches('#');
        if !number.is_empty() && number.len() < 12 && number.chars().all(|c| c.is_ascii_digit()) {
            if let Some(t) = self.ticket_by_number(number.parse().unwrap_or(0))? {
                let mut rest = self.search(&format!("\"{number}\""), limit)?;
                rest.hits.retain(|h| h.ticket.id != t.id);
                rest.hits.insert(
                    0,
                    SearchHit {
                        snippet: vec![SnippetPart {
                            text: t.subject.clone(),
                            hit: false,
                        }],
                        ticket: t,
                        matched_in: "number".into(),
                    },
                );
                rest.hits.truncate(limit.max(1));
                return Ok(rest);
            }
        }
        let q = SearchQuery::parse(input)?;
        let limit = limit.clamp(1, 200);
        let me = self.me();
        let Some(expr) = q.fts_expression() else {
            let page = self.read(|c| {
                super::tickets::page(
                    c,
                    &q.filter,
                    me.as_deref(),
                    SortKey::Updated,
                    None,
                    limit,
                    crate::now_ms(),
                )
            })?;
            return Ok(SearchResults {
                truncated: page.next.is_some(),
                hits: page
                    .rows
                    .into_iter()
                    .map(|t| SearchHit {
                        snippet: vec![SnippetPart {
                            text: t.preview.clone(),
                            hit: false,
                        }],
                        ticket: t,
                        matched_in: "filter".into(),
                    })
                    .collect(),
            });
        };
        let w = where_clause(&q.filter, me.as_deref(), true, crate::now_ms());
        self.read(|c| {
            let mut found: HashMap<String, Candidate> = HashMap::new();
            let mut truncated = false;
            let with = |first: Vec<Value>| {
                let mut p = first;
                p.extend(w.params.iter().cloned());
                p.push(Value::Integer((limit * 4) as i64));
                p
            };
            // Subjects.
            let sql = format!(
                "SELECT {SUMMARY_COLS}, snippet(tickets_fts, 0, '{OPEN}', '{CLOSE}', '…', 12), 'subject'
                 FROM tickets_fts f JOIN tickets t ON t.rowid = f.rowid {SUMMARY_JOINS}
                 WHERE tickets_fts MATCH ? AND {} ORDER BY f.rowid DESC LIMIT ?",
                w.sql
            );
            truncated |= collect(c, &sql, with(vec![Value::Text(expr.clone())]), limit, limit * 4, &mut found, |_| "subject".into())?;
            // Message bodies (replies, notes and customer messages).
            let sql = format!(
                "SELECT {SUMMARY_COLS}, snippet(messages_fts, 0, '{OPEN}', '{CLOSE}', '…', 14), m.kind
                 FROM messages_fts f JOIN messages m ON m.rowid = f.rowid
                 JOIN tickets t ON t.id = m.ticket_id {SUMMARY_JOINS}
                 WHERE messages_fts MATCH ? AND {} ORDER BY f.rowid DESC LIMIT ?",
                w.sql
            );
            truncated |= collect(c, &sql, with(vec![Value::Text(expr.clone())]), limit, limit * 4, &mut found, |k| {
                if k == "note" { "note".into() } else { "message".into() }
            })?;
            // Customers by name or e-mail: their most recent tickets.
            let sql = format!(
                "SELECT {SUMMARY_COLS}, snippet(customers_fts, -1, '{OPEN}', '{CLOSE}', '…', 8), 'customer'
                 FROM customers_fts f JOIN customers c ON c.rowid = f.rowid
                 JOIN tickets t ON t.requester_id = c.id
                 LEFT JOIN agents a ON a.id = t.assignee_id LEFT JOIN agent_group g ON g.id = t.group_id
                 WHERE customers_fts MATCH ? AND {} ORDER BY f.rowid DESC, t.updated_at DESC LIMIT ?",
                w.sql
            );
            truncated |= collect(c, &sql, with(vec![Value::Text(expr.clone())]), limit, limit * 4, &mut found, |_| "customer".into())?;

            let mut hits: Vec<Candidate> = found.into_values().collect();
            hits.sort_by(|a, b| b.ticket.updated_at.cmp(&a.ticket.updated_at).then(b.ticket.id.cmp(&a.ticket.id)));
            truncated |= hits.len() > limit;
            hits.truncate(limit);
            Ok(SearchResults {
                truncated,
                hits: hits
                    .into_iter()
                    .map(|h| SearchHit { ticket: h.ticket, matched_in: h.matched_in, snippet: h.snippet })
                    .collect(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_markers_become_parts() {
        let p = snippet_parts("…the \u{2}refund\u{3} for <b>order</b>…");
        assert_eq!(p.len(), 3);
        assert_eq!(
            p[1],
            SnippetPart {
                text: "refund".into(),
                hit: true
            }
        );
        assert_eq!(p[2].text, " for <b>order</b>…");
        assert!(!p[2].hit);
    }
}

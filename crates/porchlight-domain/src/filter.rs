//! Ticket filters shared by views and search: parsed from saved clauses (`field` + values) or
//! from `field:value` words typed into the search box, and refused when a field is unknown.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DomainError, ErrorCode};
use crate::model::{Channel, Priority, TicketStatus, TicketType};
use crate::sla::SlaStatus;

/// One condition of a saved view: `field` is one of [`TicketFilter::FIELDS`]; a ticket matches
/// the clause when it matches any of the values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FilterClause {
    pub field: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentRef {
    Me,
    Nobody,
    /// An agent id, e-mail or name, resolved by the store.
    Named(String),
}

/// A validated filter; every clause narrows the result (AND), values within a clause widen it (OR).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilter {
    pub statuses: Vec<TicketStatus>,
    pub priorities: Vec<Priority>,
    pub types: Vec<TicketType>,
    pub channels: Vec<Channel>,
    pub assignees: Vec<AgentRef>,
    /// Group ids or names; "none" for tickets without a group.
    pub groups: Vec<String>,
    pub tags: Vec<String>,
    /// Customer ids or e-mail addresses.
    pub requesters: Vec<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    pub updated_from: Option<i64>,
    pub updated_to: Option<i64>,
    /// The customer's language as detected on the ticket (e.g. "fa").
    pub languages: Vec<String>,
    /// Mailbox ids: the mailbox of the ticket's first e-mail.
    pub mailboxes: Vec<String>,
    /// When it was last solved (reports open their tickets by it).
    pub solved_from: Option<i64>,
    pub solved_to: Option<i64>,
    /// SLA badge at the time of the query: on track, at risk, breached.
    pub sla: Vec<SlaStatus>,
}

impl TicketFilter {
    pub const FIELDS: &'static [&'static str] = &[
        "status",
        "priority",
        "type",
        "channel",
        "assignee",
        "group",
        "tag",
        "requester",
        "from",
        "created_after",
        "created_before",
        "updated_after",
        "updated_before",
        "solved_after",
        "solved_before",
        "language",
        "mailbox",
        "sla",
    ];

    pub fn from_clauses(clauses: &[FilterClause]) -> Result<Self, DomainError> {
        let mut f = TicketFilter::default();
        for c in clauses {
            if c.values.is_empty() {
                return Err(DomainError::new(
                    ErrorCode::EmptyField,
                    Some(&c.field),
                    format!("The filter on '{}' has no value.", c.field),
                ));
            }
            for v in &c.values {
                f.add(&c.field, v)?;
            }
        }
        Ok(f)
    }

    /// Adds one `field = value` condition.
    pub fn add(&mut self, field: &str, value: &str) -> Result<(), DomainError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(DomainError::new(
                ErrorCode::EmptyField,
                Some(field),
                format!("The filter on '{field}' has an empty value."),
            ));
        }
        let lower = value.to_lowercase();
        match field {
            "status" => {
                // "open" in a filter means every status an agent still works on.
                if lower == "unsolved" {
                    self.statuses.extend(
                        TicketStatus::ALL
                            .iter()
                            .copied()
                            .filter(|s| s.is_open_like()),
                    );
                } else {
                    self.statuses.push(TicketStatus::parse("status", &lower)?)
                }
            }
            "priority" => self.priorities.push(Priority::parse("priority", &lower)?),
            "type" => self.types.push(TicketType::parse("type", &lower)?),
            "channel" => self.channels.push(Channel::parse("channel", &lower)?),
            "assignee" => self.assignees.push(match lower.as_str() {
                "me" => AgentRef::Me,
                "none" | "nobody" | "unassigned" => AgentRef::Nobody,
                _ => AgentRef::Named(value.to_string()),
            }),
            "group" => self.groups.push(value.to_string()),
            "tag" => self.tags.push(lower),
            "requester" | "from" => self.requesters.push(lower),
            "created_after" => self.created_from = Some(parse_date(field, value)?),
            "created_before" => self.created_to = Some(parse_date(field, value)?),
            "updated_after" => self.updated_from = Some(parse_date(field, value)?),
            "updated_before" => self.updated_to = Some(parse_date(field, value)?),
            "language" => self.languages.push(lower),
            "mailbox" => self.mailboxes.push(value.to_string()),
            "solved_after" => self.solved_from = Some(parse_date(field, value)?),
            "solved_before" => self.solved_to = Some(parse_date(field, value)?),
            "sla" => self
                .sla
                .push(SlaStatus::parse(field, &lower.replace([' ', '-'], "_"))?),
            other => {
                return Err(DomainError::new(
                    ErrorCode::UnknownField,
                    Some(other),
                    format!(
                        "'{other}' is not a field a view can filter on; use one of: {}.",
                        Self::FIELDS.join(", ")
                    ),
                ))
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        *self == TicketFilter::default()
    }
}

/// Accepts `YYYY-MM-DD` (midnight UTC) or milliseconds since the epoch.
fn parse_date(field: &str, s: &str) -> Result<i64, DomainError> {
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(ms);
    }
    let bad = || {
        DomainError::invalid(
            field,
            format!("'{s}' is not a date; write it as YYYY-MM-DD."),
        )
    };
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3 {
        return Err(bad());
    }
    let y: i64 = parts[0].parse().map_err(|_| bad())?;
    let m: i64 = parts[1].parse().map_err(|_| bad())?;
    let d: i64 = parts[2].parse().map_err(|_| bad())?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    Ok(days_from_civil(y, m, d) * 86_400_000)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A search box query: free words (matched by prefix on the last word) plus filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub words: Vec<String>,
    pub filter: TicketFilter,
}

impl SearchQuery {
    /// Splits `refund status:open from:ayse@example.com "exact phrase"` into words and filters.
    /// A `word:` whose prefix is not a known field is kept as an ordinary word (times like
    /// 10:30 or URLs are common in support text).
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let mut q = SearchQuery::default();
        for token in tokenize(input) {
            if let Some((field, value)) = token.split_once(':') {
                let field_l = field.to_lowercase();
                if TicketFilter::FIELDS.contains(&field_l.as_str()) && !value.is_empty() {
                    q.filter.add(&field_l, value)?;
                    continue;
                }
            }
            q.words.push(token);
        }
        Ok(q)
    }

    /// The FTS5 MATCH expression: every word must occur; each word is quoted so operators and
    /// punctuation in user input are literal; the last word also matches as a prefix.
    pub fn fts_expression(&self) -> Option<String> {
        fts_match(&self.words, false)
    }
}

/// An FTS5 MATCH expression over words a person typed: each word quoted (operators and
/// punctuation are literal), words without letters or digits dropped, the last word also
/// matched as a prefix. `any`: one word suffices (suggestions) instead of every word.
pub fn fts_match<S: AsRef<str>>(words: &[S], any: bool) -> Option<String> {
    let words: Vec<String> = words
        .iter()
        .map(|w| w.as_ref().replace('"', ""))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    if words.is_empty() {
        return None;
    }
    let last = words.len() - 1;
    let quoted: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last && !any {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect();
    Some(quoted.join(if any { " OR " } else { " " }))
}

fn tokenize(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in input.chars() {
        match ch {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A built-in or saved view in the sidebar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ViewInfo {
    /// "unassigned", "mine", "open", "pending", "solved", "at_risk", "breached" or a saved
    /// view's id.
    pub id: String,
    /// Saved views carry their own name; built-in ones are named by the UI catalogue.
    pub name: Option<String>,
    pub builtin: bool,
    pub filters: Vec<FilterClause>,
    #[ts(type = "number")]
    pub count: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_filters_are_separated() {
        let q =
            SearchQuery::parse("refund status:open tag:VIP from:ayse@example.com late").unwrap();
        assert_eq!(q.words, vec!["refund", "late"]);
        assert_eq!(q.filter.statuses, vec![TicketStatus::Open]);
        assert_eq!(q.filter.tags, vec!["vip"]);
        assert_eq!(q.filter.requesters, vec!["ayse@example.com"]);
        assert_eq!(q.fts_expression().unwrap(), "\"refund\" \"late\"*");
    }

    #[test]
    fn unknown_prefixes_stay_words_and_bad_values_are_refused() {
        let q = SearchQuery::parse("meeting at 10:30").unwrap();
        assert_eq!(q.words, vec!["meeting", "at", "10:30"]);
        let err = SearchQuery::parse("status:frozen").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidValue);
        assert!(err.message.contains("frozen"));
    }

    #[test]
    fn view_clause_with_unknown_field_is_refused() {
        let err = TicketFilter::from_clauses(&[FilterClause {
            field: "colour".into(),
            values: vec!["red".into()],
        }])
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::UnknownField);
        assert!(err.message.contains("colour"));
    }

    #[test]
    fn fts_expression_neutralises_operators() {
        let q = SearchQuery::parse("\"NOT\" OR payment* (x)").unwrap();
        let e = q.fts_expression().unwrap();
        assert_eq!(e, "\"NOT\" \"OR\" \"payment*\" \"(x)\"*");
    }

    #[test]
    fn dates_parse_to_utc_midnight() {
        let mut f = TicketFilter::default();
        f.add("created_after", "2026-11-22").unwrap();
        assert_eq!(f.created_from, Some(1_795_305_600_000));
        assert!(f.add("created_after", "22/11/2026").is_err());
    }
}

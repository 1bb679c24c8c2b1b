//! Turns a validated `TicketFilter` into a WHERE clause with bound parameters over the
//! `tickets` table aliased `t`. Used by views, counts and search alike.

use porchlight_domain::filter::AgentRef;
use porchlight_domain::sla::SlaStatus;
use porchlight_domain::TicketFilter;
use rusqlite::types::Value;

#[derive(Debug, Default)]
pub(crate) struct SqlFilter {
    pub sql: String,
    pub params: Vec<Value>,
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(",")
}

/// `me` is the local agent id (for `assignee:me`). `for_listing` is true when the rows are
/// read in a sort order (pages), false for counts, which want the status index. `now` is what
/// the SLA badge is judged against (the same test as `sla::sla_status`).
pub(crate) fn where_clause(
    f: &TicketFilter,
    me: Option<&str>,
    for_listing: bool,
    now: i64,
) -> SqlFilter {
    let plus = if for_listing { "+" } else { "" };
    let mut parts: Vec<String> = vec!["t.deleted_at IS NULL".into()];
    let mut params: Vec<Value> = Vec::new();

    let mut in_list = |parts: &mut Vec<String>, col: &str, vals: Vec<String>| {
        if vals.is_empty() {
            return;
        }
        // `+col` keeps SQLite from picking the status index and sorting the whole result:
        // walking the sort index and filtering stops after one page.
        parts.push(format!("{plus}t.{col} IN ({})", placeholders(vals.len())));
        params.extend(vals.into_iter().map(Value::Text));
    };
    in_list(
        &mut parts,
        "status",
        f.statuses.iter().map(|s| s.as_str().to_string()).collect(),
    );
    in_list(
        &mut parts,
        "priority",
        f.priorities
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
    );
    in_list(
        &mut parts,
        "ticket_type",
        f.types.iter().map(|s| s.as_str().to_string()).collect(),
    );
    in_list(
        &mut parts,
        "channel",
        f.channels.iter().map(|s| s.as_str().to_string()).collect(),
    );

    if !f.assignees.is_empty() {
        let mut ors = Vec::new();
        for a in &f.assignees {
            match a {
                AgentRef::Me => {
                    ors.push(format!("{plus}t.assignee_id = ?"));
                    params.push(Value::Text(me.unwrap_or("").to_string()));
                }
                AgentRef::Nobody => ors.push(format!("{plus}t.assignee_id IS NULL")),
                AgentRef::Named(n) => {
                    ors.push(
                        "t.assignee_id IN (SELECT id FROM agents WHERE id = ? OR lower(email) = ? OR lower(name) = ?)"
                            .to_string(),
                    );
                    let l = n.to_lowercase();
                    params.extend([
                        Value::Text(n.clone()),
                        Value::Text(l.clone()),
                        Value::Text(l),
                    ]);
                }
            }
        }
        parts.push(format!("({})", ors.join(" OR ")));
    }
    if !f.groups.is_empty() {
        let mut ors = Vec::new();
        for g in &f.groups {
            if g.eq_ignore_ascii_case("none") {
                ors.push("t.group_id IS NULL".to_string());
            } else {
                ors.push(
                    "t.group_id IN (SELECT id FROM agent_group WHERE id = ? OR lower(name) = ?)"
                        .to_string(),
                );
                params.extend([Value::Text(g.clone()), Value::Text(g.to_lowercase())]);
            }
        }
        parts.push(format!("({})", ors.join(" OR ")));
    }
    if !f.tags.is_empty() {
        parts.push(format!(
            "EXISTS (SELECT 1 FROM ticket_tags tt WHERE tt.ticket_id = t.id AND tt.tag IN ({}))",
            placeholders(f.tags.len())
        ));
        params.extend(f.tags.iter().cloned().map(Value::Text));
    }
    if !f.languages.is_empty() {
        parts.push(format!(
            "t.language IN ({})",
            placeholders(f.languages.len())
        ));
        params.extend(f.languages.iter().cloned().map(Value::Text));
    }
    if !f.mailboxes.is_empty() {
        // The mailbox of a ticket's first e-mail, kept on its report row.
        parts.push(format!(
            "t.rowid IN (SELECT ticket_rowid FROM ticket_metrics WHERE mailbox_id IN ({}))",
            placeholders(f.mailboxes.len())
        ));
        params.extend(f.mailboxes.iter().cloned().map(Value::Text));
    }
    if !f.requesters.is_empty() {
        let n = f.requesters.len();
        parts.push(format!(
            "(t.requester_id IN ({p}) OR t.requester_id IN (SELECT customer_id FROM customer_emails WHERE email IN ({p})))",
            p = placeholders(n)
        ));
        params.extend(f.requesters.iter().cloned().map(Value::Text));
        params.extend(f.requesters.iter().cloned().map(Value::Text));
    }
    for (col, op, v) in [
        ("created_at", ">=", f.created_from),
        ("created_at", "<", f.created_to),
        ("updated_at", ">=", f.updated_from),
        ("updated_at", "<", f.updated_to),
        ("solved_at", ">=", f.solved_from),
        ("solved_at", "<", f.solved_to),
    ] {
        if let Some(v) = v {
            parts.push(format!("{plus}t.{col} {op} ?"));
            params.push(Value::Integer(v));
        }
    }
    if !f.sla.is_empty() {
        let ors: Vec<&str> = f
            .sla
            .iter()
            .map(|s| match s {
                SlaStatus::Breached => "t.sla_due_at < ?",
                SlaStatus::AtRisk => "(t.sla_warn_at <= ? AND t.sla_due_at >= ?)",
                SlaStatus::OnTrack => "t.sla_warn_at > ?",
            })
            .collect();
        for s in &f.sla {
            let n = if *s == SlaStatus::AtRisk { 2 } else { 1 };
            params.extend(std::iter::repeat_n(Value::Integer(now), n));
        }
        parts.push(format!("({})", ors.join(" OR ")));
    }
    SqlFilter {
        sql: parts.join(" AND "),
        params,
    }
}

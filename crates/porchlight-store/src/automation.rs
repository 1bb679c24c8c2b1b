//! Standalone automation: after an agent's change to a ticket, the domain's rule engine runs
//! here, in the same transaction, and what the rules decide is applied as the rule (the
//! timeline reads "Rule <name>"). Connected to a server the desktop runs no rules: the server
//! does, once, and its results arrive with the next pull.

use porchlight_domain::apply::Actor;
use porchlight_domain::docs::{Changed, TicketDoc};
use porchlight_domain::notify::{NotifyEventValue, NOTIFY_FIELD};
use porchlight_domain::rules::{
    rule_actor_id, rule_actor_name, run_triggers, RuleEffect, RuleEnv, RuleEvent, RuleTrigger,
    TicketFacts,
};
use porchlight_domain::{AgentRole, AuthorKind};
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::queries::events;
use crate::queries::{config, config_docs, docs, settings};
use crate::{new_id, StoreResult};

use porchlight_domain::config::ticket_within_business_hours;

fn last_event_at(tx: &Transaction<'_>, ticket_id: &str, field: &str) -> StoreResult<Option<i64>> {
    Ok(tx
        .prepare_cached(
            "SELECT max(created_at) FROM ticket_events WHERE ticket_id = ?1 AND field = ?2",
        )?
        .query_row(params![ticket_id, field], |r| r.get(0))
        .optional()?
        .flatten())
}

/// The customer's satisfaction answer on a ticket, if any.
fn satisfaction_of(tx: &Transaction<'_>, ticket_id: &str) -> StoreResult<Option<i64>> {
    Ok(tx
        .prepare_cached("SELECT score FROM ratings WHERE ticket_id = ?1 AND kind = 'csat'")?
        .query_row([ticket_id], |r| r.get(0))
        .optional()?)
}

fn facts(tx: &Transaction<'_>, t: TicketDoc, now: i64) -> StoreResult<TicketFacts> {
    let organization_id: Option<String> = tx
        .prepare_cached("SELECT organization_id FROM customers WHERE id = ?1")?
        .query_row([&t.requester_id], |r| r.get(0))
        .optional()?
        .flatten();
    let status_since = last_event_at(tx, &t.id, "status")?.unwrap_or(t.created_at);
    let assigned_at = last_event_at(tx, &t.id, "assignee")?;
    let (policies, calendars) = config_docs::sla_config(tx)?;
    let within_business_hours =
        ticket_within_business_hours(&policies, &calendars, &t, organization_id.as_deref(), now);
    let satisfaction = satisfaction_of(tx, &t.id)?;
    Ok(TicketFacts {
        organization_id,
        status_since,
        assigned_at,
        within_business_hours,
        satisfaction,
        ticket: t,
    })
}

struct Env<'a> {
    tx: &'a Transaction<'a>,
}

impl Env<'_> {
    /// Active members of a group, by id (a stable order for taking turns).
    fn members(&self, group_id: &str) -> Vec<String> {
        let Ok(mut st) = self.tx.prepare_cached(
            "SELECT a.id FROM agent_group_member m JOIN agents a ON a.id = m.agent_id
             WHERE m.group_id = ?1 AND a.active = 1 ORDER BY a.id",
        ) else {
            return Vec::new();
        };
        st.query_map([group_id], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .unwrap_or_default()
    }
}

impl RuleEnv for Env<'_> {
    fn round_robin(&mut self, group_id: &str) -> Option<String> {
        let members = self.members(group_id);
        if members.is_empty() {
            return None;
        }
        let key = format!("round_robin:{group_id}");
        let turn: usize = settings::get(self.tx, &key)
            .ok()
            .flatten()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        settings::set(self.tx, &key, &(turn + 1).to_string()).ok()?;
        Some(members[turn % members.len()].clone())
    }

    fn fewest_open(&mut self, group_id: &str) -> Option<String> {
        let members = self.members(group_id);
        let open = |agent: &str| -> i64 {
            self.tx
                .prepare_cached(
                    "SELECT coalesce(sum(n), 0) FROM ticket_counts
                     WHERE assignee_id = ?1 AND status IN ('new', 'open', 'pending', 'on_hold')",
                )
                .and_then(|mut st| st.query_row([agent], |r| r.get(0)))
                .unwrap_or(i64::MAX)
        };
        members.into_iter().min_by_key(|a| (open(a), a.clone()))
    }

    fn macro_reply(&mut self, macro_id: &str, ticket: &TicketDoc) -> Option<String> {
        config::shared_macro_text(self.tx, macro_id, ticket)
            .ok()
            .flatten()
    }

    fn new_id(&mut self) -> String {
        new_id()
    }
}

/// An agent's change to a ticket, as the rules see it.
pub(crate) struct Change<'a> {
    pub ticket_id: &'a str,
    pub kind: RuleTrigger,
    pub author: Option<AuthorKind>,
    /// The ticket before the change (`None` for a new one).
    pub before: Option<&'a TicketDoc>,
    /// The satisfaction answer the change recorded, if it recorded one.
    pub rated: Option<i64>,
}

/// Runs the triggers for a change the agent just made to a ticket, with the
/// rules already read, and applies what fires. A rule that can no longer act (its group was
/// deleted, say) is skipped and says so in the ticket's timeline; the agent's change
/// stands either way.
pub(crate) fn after_change(
    tx: &Transaction<'_>,
    rules: &[porchlight_domain::rules::Rule],
    change: Change<'_>,
    at: i64,
    tickets: &docs::TicketCache,
) -> StoreResult<Changed> {
    let Change {
        ticket_id,
        kind,
        author,
        before,
        rated,
    } = change;
    if rules.is_empty() {
        return Ok(Changed::default());
    }
    let Some(after) = docs::read_ticket(tx, tickets, ticket_id)? else {
        return Ok(Changed::default());
    };
    let facts = facts(tx, after, at)?;
    let event = RuleEvent {
        kind,
        before,
        author,
        rated,
        now: at,
    };
    let fired = run_triggers(rules, &facts, &event, &mut Env { tx });
    apply_fired(tx, ticket_id, fired, at, tickets)
}

pub(crate) fn apply_fired(
    tx: &Transaction<'_>,
    ticket_id: &str,
    fired: Vec<porchlight_domain::rules::Fired>,
    at: i64,
    tickets: &docs::TicketCache,
) -> StoreResult<Changed> {
    let mut changed = Changed::default();
    for f in fired {
        // Whatever a rule does (or fails to do) leaves something on its ticket.
        changed.ticket(ticket_id);
        let name = rule_actor_name(&f.rule_name);
        let id = rule_actor_id(&f.rule_id);
        let actor = Actor {
            id,
            name,
            role: AgentRole::Admin,
        };
        tx.execute("SAVEPOINT rule", [])?;
        let mut result = Ok(());
        for effect in f.effects {
            result = match effect {
                RuleEffect::Mutate(m) => m
                    .validated()
                    .map_err(Into::into)
                    .and_then(|m| crate::mutate::apply_one(tx, &m, &actor, at, false, tickets))
                    .map(|c| changed.merge(c)),
                // Recorded as a `notify` event, as the server does; the named agents'
                // notifications are derived from it (see `queries::notifications`).
                RuleEffect::Notify { agent_ids, text } => events::record(
                    tx,
                    ticket_id,
                    &actor,
                    NOTIFY_FIELD,
                    None,
                    Some(&NotifyEventValue { agent_ids, text }.to_value()),
                    at,
                ),
            };
            if result.is_err() {
                break;
            }
        }
        match result {
            Ok(()) => tx.execute("RELEASE rule", [])?,
            Err(e) => {
                tx.execute("ROLLBACK TO rule", [])?;
                tickets.clear();
                tx.execute("RELEASE rule", [])?;
                events::record(
                    tx,
                    ticket_id,
                    &actor,
                    "rule_failed",
                    None,
                    Some(&e.to_string()),
                    at,
                )?;
                0
            }
        };
    }
    Ok(changed)
}

/// What one every-minute pass of the time rules did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeRulesPass {
    /// Open tickets looked at.
    pub checked: usize,
    /// Rule firings applied.
    pub fired: usize,
    /// What they changed.
    pub changed: Changed,
}

impl crate::Store {
    /// The every-minute pass of the time rules over every open ticket (standalone; a
    /// connected desktop leaves this to its server). Tickets are read in one query with
    /// only what the rules test; the firings are applied in one transaction.
    pub fn run_time_rules(&self, now: i64) -> StoreResult<TimeRulesPass> {
        let (rules, connected) = self.read(|c| {
            let rules: Vec<_> = config_docs::rules(c)?
                .iter()
                .filter(|r| r.active && r.trigger == RuleTrigger::Time)
                .cloned()
                .collect();
            Ok((rules, crate::outbox::is_connected(c)?))
        })?;
        if rules.is_empty() || connected {
            return Ok(TimeRulesPass::default());
        }
        use porchlight_domain::rules::RuleField;
        let uses = |f: RuleField| {
            rules
                .iter()
                .any(|r| r.conditions.iter().any(|c| c.field == f))
        };
        let since = |field: &str, wanted: bool| {
            if wanted {
                format!("(SELECT max(created_at) FROM ticket_events e WHERE e.ticket_id = t.id AND e.field = '{field}')")
            } else {
                "NULL".to_string()
            }
        };
        // Only tickets some rule could match: each rule's simple conditions as SQL (a rule
        // without any reads every open ticket); the engine then decides exactly.
        let mut args: Vec<Value> = Vec::new();
        let mut any_of = Vec::new();
        for r in &rules {
            match prefilter(r, now, &mut args) {
                Some(sql) => any_of.push(sql),
                None => {
                    any_of.clear();
                    args.clear();
                    break;
                }
            }
        }
        let narrowed = if any_of.is_empty() {
            String::new()
        } else {
            format!(" AND ({})", any_of.join(" OR "))
        };
        let sql = format!(
            "SELECT {cols}, (SELECT group_concat(tag, char(31)) FROM ticket_tags g WHERE g.ticket_id = t.id),
               {status_since}, {assigned_at},
               (SELECT organization_id FROM customers c WHERE c.id = t.requester_id),
               (SELECT score FROM ratings r WHERE r.ticket_id = t.id AND r.kind = 'csat')
             FROM tickets t
             WHERE t.deleted_at IS NULL AND t.merged_into_id IS NULL
               AND t.status IN ('new', 'open', 'pending', 'on_hold'){narrowed}",
            cols = docs::TICKET_DOC_COLS,
            status_since = since("status", uses(RuleField::HoursInStatus)),
            assigned_at = since("assignee", uses(RuleField::HoursSinceAssigned)),
        );
        let candidates = self.read(|c| {
            let (policies, calendars) = config_docs::sla_config(c)?;
            let mut st = c.prepare(&sql)?;
            let n = docs::TICKET_DOC_COLS.split(',').count();
            let rows = st
                .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                    let mut t = docs::ticket_doc_row(r)?;
                    t.tags = r
                        .get::<_, Option<String>>(n)?
                        .map(|s| s.split('\u{1f}').map(str::to_owned).collect())
                        .unwrap_or_default();
                    t.tags.sort();
                    let status_since = r.get::<_, Option<i64>>(n + 1)?.unwrap_or(t.created_at);
                    let organization_id: Option<String> = r.get(n + 3)?;
                    Ok(TicketFacts {
                        satisfaction: r.get(n + 4)?,
                        status_since,
                        assigned_at: r.get(n + 2)?,
                        within_business_hours: ticket_within_business_hours(
                            &policies,
                            &calendars,
                            &t,
                            organization_id.as_deref(),
                            now,
                        ),
                        organization_id,
                        ticket: t,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })?;
        let event = RuleEvent {
            kind: RuleTrigger::Time,
            before: None,
            author: None,
            rated: None,
            now,
        };
        let mut matching: Vec<&TicketFacts> = candidates
            .iter()
            .filter(|f| rules.iter().any(|r| r.matches(f, &event)))
            .collect();
        // In id order, as the server takes them, so that rules taking turns (round robin)
        // give each ticket the same agent on both.
        matching.sort_by(|a, b| a.ticket.id.cmp(&b.ticket.id));
        let open: i64 = self.read(|c| {
            Ok(c.query_row(
                "SELECT coalesce(sum(n), 0) FROM ticket_counts WHERE status IN ('new', 'open', 'pending', 'on_hold')",
                [],
                |r| r.get(0),
            )?)
        })?;
        let mut pass = TimeRulesPass {
            checked: open as usize,
            ..TimeRulesPass::default()
        };
        if matching.is_empty() {
            return Ok(pass);
        }
        // In short transactions, so an agent's own change never waits behind a long
        // catch-up (after the app was closed for days, say).
        for batch in matching.chunks(200) {
            self.with_tx(|tx| {
                let mark = crate::queries::notifications::watermark(tx)?;
                for facts in batch {
                    // Re-read inside the write: an agent may have changed the ticket meanwhile.
                    let tickets = docs::TicketCache::default();
                    let Some(t) = docs::read_ticket(tx, &tickets, &facts.ticket.id)? else {
                        continue;
                    };
                    let fresh = self::facts(tx, t, now)?;
                    let fired = run_triggers(&rules, &fresh, &event, &mut Env { tx });
                    pass.fired += fired.len();
                    let changed = apply_fired(tx, &fresh.ticket.id, fired, now, &tickets)?;
                    pass.changed.merge(changed);
                }
                crate::queries::notifications::derive_local(tx, mark)?;
                Ok(())
            })?;
        }
        Ok(pass)
    }
}

const HOUR: i64 = 3_600_000;

/// A rule's simple conditions as a SQL filter over `tickets t` (parameters appended to
/// `args`): never narrower than the rule (conditions it cannot express are left to the
/// engine), `None` when it expresses none (any-of rules, or only unsupported fields).
fn prefilter(
    rule: &porchlight_domain::rules::Rule,
    now: i64,
    args: &mut Vec<Value>,
) -> Option<String> {
    use porchlight_domain::rules::{MatchMode, RuleField as F, RuleOp as O};
    if rule.match_mode != MatchMode::All {
        return None;
    }
    let mut parts: Vec<String> = Vec::new();
    let mut push = |sql: &str, v: Option<Value>| {
        parts.push(sql.to_string());
        args.extend(v);
    };
    for c in &rule.conditions {
        let v = c.value.clone();
        let hours = v.parse::<i64>().unwrap_or(0);
        // hours(x) > n  ⇔  x >= (n + 1) h;  hours(x) < n  ⇔  x < n h.
        let older = now - (hours + 1) * HOUR;
        let newer = now - hours * HOUR;
        match (c.field, c.op) {
            (F::Status, O::Is) => push("t.status = ?", Some(v.into())),
            (F::Status, O::IsNot) => push("t.status != ?", Some(v.into())),
            (F::Priority, O::Is) => push("t.priority = ?", Some(v.into())),
            (F::Priority, O::GreaterThan | O::LessThan) => {
                let rank = porchlight_domain::Priority::parse("value", &v).map_or(0, |p| p.rank());
                let op = if c.op == O::GreaterThan { ">" } else { "<" };
                push(&format!("t.priority_rank {op} ?"), Some(rank.into()));
            }
            (F::TicketType, O::Is) => push("t.ticket_type = ?", Some(v.into())),
            (F::Channel, O::Is) => push("t.channel = ?", Some(v.into())),
            (F::Assignee | F::Group, O::Is | O::IsNot) => {
                let col = if c.field == F::Assignee { "t.assignee_id" } else { "t.group_id" };
                match (c.op, v.is_empty()) {
                    (O::Is, true) => push(&format!("{col} IS NULL"), None),
                    (O::IsNot, true) => push(&format!("{col} IS NOT NULL"), None),
                    (O::Is, false) => push(&format!("{col} = ?"), Some(v.into())),
                    _ => push(&format!("{col} IS NOT ?"), Some(v.into())),
                }
            }
            (F::Tags, O::Contains) => push(
                "EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = ?)",
                Some(v.into()),
            ),
            (F::Tags, O::NotContains) => push(
                "NOT EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = ?)",
                Some(v.into()),
            ),
            (F::HoursSinceCreated, O::GreaterThan) => push("t.created_at <= ?", Some(older.into())),
            (F::HoursSinceCreated, O::LessThan) => push("t.created_at > ?", Some(newer.into())),
            (F::HoursSinceUpdated, O::GreaterThan) => push("t.updated_at <= ?", Some(older.into())),
            (F::HoursSinceUpdated, O::LessThan) => push("t.updated_at > ?", Some(newer.into())),
            (F::HoursInStatus, O::GreaterThan) => push(
                "coalesce((SELECT max(e.created_at) FROM ticket_events e WHERE e.ticket_id = t.id AND e.field = 'status'), t.created_at) <= ?",
                Some(older.into()),
            ),
            _ => {}
        }
    }
    (!parts.is_empty()).then(|| format!("({})", parts.join(" AND ")))
}

#[cfg(test)]
mod tests {
    use porchlight_domain::docs::TicketDoc;
    use porchlight_domain::mutation::{RequesterRef, TicketFieldChanges};
    use porchlight_domain::rules::{Fired, RuleEffect};
    use porchlight_domain::{Channel, Mutation, Priority, TicketType};

    use crate::queries::docs;
    use crate::{new_id, Store};

    fn fired(name: &str, effects: Vec<Mutation>) -> Fired {
        Fired {
            rule_id: new_id(),
            rule_name: name.into(),
            effects: effects.into_iter().map(RuleEffect::Mutate).collect(),
        }
    }

    /// The ticket after two rules fire on it, the first failing after it already wrote
    /// (when `broken`).
    fn after_rules(broken: bool) -> TicketDoc {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        s.create_profile("Ola Admin", "ola@example.com").unwrap();
        let id = new_id();
        s.apply(Mutation::CreateTicket {
            ticket_id: id.clone(),
            message_id: new_id(),
            subject: "Refund".into(),
            requester: RequesterRef::New {
                id: new_id(),
                name: "Kemal Aras".into(),
                email: Some("kemal@example.com".into()),
                phone: None,
            },
            channel: Channel::Email,
            priority: Priority::Normal,
            ticket_type: TicketType::Question,
            assignee_id: None,
            group_id: None,
            tags: vec![],
            body_text: "Please.".into(),
            attachment_ids: vec![],
            outbound: false,
        })
        .unwrap();
        let mut rules = vec![fired(
            "Urgent",
            vec![Mutation::SetTicketFields {
                ticket_id: id.clone(),
                changes: TicketFieldChanges {
                    priority: Some(Priority::Urgent),
                    ..Default::default()
                },
            }],
        )];
        if broken {
            let to_nowhere = Mutation::SetTicketFields {
                ticket_id: id.clone(),
                changes: TicketFieldChanges {
                    group_id: Some(Some("no-such-group".into())),
                    ..Default::default()
                },
            };
            let tag = Mutation::AddTag {
                ticket_id: id.clone(),
                tag: "billing".into(),
            };
            rules.insert(0, fired("Broken", vec![tag, to_nowhere]));
        }
        s.with_tx(|tx| {
            let tickets = docs::TicketCache::default();
            super::apply_fired(tx, &id, rules, crate::now_ms(), &tickets)
        })
        .unwrap();
        s.with_tx(|tx| docs::read_ticket(tx, &docs::TicketCache::default(), &id))
            .unwrap()
            .unwrap()
    }

    /// A rule rolled back after it wrote leaves nothing behind, in the store or in what the
    /// change remembers of its ticket: the next rule starts from the ticket as stored.
    #[test]
    fn a_rule_rolled_back_leaves_nothing_for_the_next() {
        let (clean, after_broken) = (after_rules(false), after_rules(true));
        assert_eq!(after_broken.priority, Priority::Urgent);
        assert!(after_broken.tags.is_empty());
        assert_eq!(after_broken.version, clean.version);
        assert_eq!(after_broken.group_id, None);
    }
}

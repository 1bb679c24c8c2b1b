//! Standalone automation: after an agent's change to a ticket, the domain's rule engine runs
//! here, in the same transaction, and what the rules decide is applied as the rule (the
//! timeline reads "Rule <name>"). Connected to a server the desktop runs no rules: the server
//! does, once, and its results arrive with the next pull.

use porchlight_domain::docs::{Doc, DocKind, TicketDoc};
use porchlight_domain::rules::{
    rule_actor_id, rule_actor_name, run_triggers, RuleEffect, RuleEnv, RuleEvent, RuleTrigger,
    TicketFacts,
};
use porchlight_domain::AuthorKind;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::queries::events::{self, Actor};
use crate::queries::{config, docs, settings};
use crate::{new_id, StoreResult};

pub(crate) use porchlight_domain::rules::event_of;

pub(crate) fn ticket_doc(tx: &Transaction<'_>, id: &str) -> StoreResult<Option<TicketDoc>> {
    Ok(match docs::read(tx, DocKind::Ticket, id)? {
        Some(Doc::Ticket(t)) => Some(t),
        _ => None,
    })
}

fn last_event_at(tx: &Transaction<'_>, ticket_id: &str, field: &str) -> StoreResult<Option<i64>> {
    Ok(tx
        .prepare_cached(
            "SELECT max(created_at) FROM ticket_events WHERE ticket_id = ?1 AND field = ?2",
        )?
        .query_row(params![ticket_id, field], |r| r.get(0))
        .optional()?
        .flatten())
}

pub(crate) fn facts(tx: &Transaction<'_>, t: TicketDoc) -> StoreResult<TicketFacts> {
    let organization_id: Option<String> = tx
        .prepare_cached("SELECT organization_id FROM customers WHERE id = ?1")?
        .query_row([&t.requester_id], |r| r.get(0))
        .optional()?
        .flatten();
    let status_since = last_event_at(tx, &t.id, "status")?.unwrap_or(t.created_at);
    let assigned_at = last_event_at(tx, &t.id, "assignee")?;
    Ok(TicketFacts {
        organization_id,
        status_since,
        assigned_at,
        // Business calendars arrive with SLA policies; until then every hour is one.
        within_business_hours: true,
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

/// Runs the triggers for a change the agent just made to `ticket_id` (`before`: the ticket
/// before it) and applies what fires. A rule that can no longer act (its group was
/// deleted, say) is skipped and says so in the ticket's timeline; the agent's change
/// stands either way.
pub(crate) fn after_change(
    tx: &Transaction<'_>,
    ticket_id: &str,
    kind: RuleTrigger,
    author: Option<AuthorKind>,
    before: Option<&TicketDoc>,
    at: i64,
) -> StoreResult<()> {
    let rules = config::rules(tx)?;
    if rules.is_empty() {
        return Ok(());
    }
    let Some(after) = ticket_doc(tx, ticket_id)? else {
        return Ok(());
    };
    let facts = facts(tx, after)?;
    let event = RuleEvent {
        kind,
        before,
        author,
        now: at,
    };
    let fired = run_triggers(&rules, &facts, &event, &mut Env { tx });
    apply_fired(tx, ticket_id, fired, at)
}

pub(crate) fn apply_fired(
    tx: &Transaction<'_>,
    ticket_id: &str,
    fired: Vec<porchlight_domain::rules::Fired>,
    at: i64,
) -> StoreResult<()> {
    for f in fired {
        let name = rule_actor_name(&f.rule_name);
        let id = rule_actor_id(&f.rule_id);
        let actor = Actor {
            id: Some(&id),
            name: &name,
        };
        tx.execute("SAVEPOINT rule", [])?;
        let mut result = Ok(());
        for effect in f.effects {
            if let RuleEffect::Mutate(m) = effect {
                result = m
                    .validated()
                    .map_err(Into::into)
                    .and_then(|m| crate::mutate::apply_one(tx, &m, &actor, at));
                if result.is_err() {
                    break;
                }
            }
        }
        match result {
            Ok(()) => tx.execute("RELEASE rule", [])?,
            Err(e) => {
                tx.execute("ROLLBACK TO rule", [])?;
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
    Ok(())
}

//! `Store::apply`: an agent's changes in one transaction, each through the write path
//! (`mutate`) and then, standalone, the automation rules (`automation`, which apply their
//! effects through the same write path); recorded, and queued for the server when connected.

use porchlight_domain::apply::authorize;
use porchlight_domain::docs::Changed;
use porchlight_domain::rules::event_of;
use porchlight_domain::{DomainError, ErrorCode, Mutation};
use rusqlite::params;

use crate::automation::{after_change, Change};
use crate::mutate::{actor_of, apply_one};
use crate::outbox;
use crate::queries::{config_docs, docs, notifications};
use crate::{now_ms, Store, StoreResult};

impl Store {
    /// Applies one mutation as the local agent; returns what it changed.
    pub fn apply(&self, m: Mutation) -> StoreResult<Changed> {
        self.apply_many(vec![m])
    }

    /// Applies several mutations in one transaction, now: all or nothing (bulk actions), one
    /// time for the whole batch. Returns what they changed (what the rules did included).
    pub fn apply_many(&self, ms: Vec<Mutation>) -> StoreResult<Changed> {
        self.apply_many_at(ms, now_ms())
    }

    /// Records a customer's survey answer ([`Mutation::RateTicket`]) at `at`, as the customer:
    /// standalone, where this desktop takes in the customer's e-mail. In a team the server
    /// records answers (its survey page, its mail channel) and they arrive with a pull.
    pub fn rate_as_customer(&self, m: Mutation, at: i64) -> StoreResult<Changed> {
        if !matches!(m, Mutation::RateTicket { .. }) {
            return Err(DomainError::new(
                ErrorCode::Forbidden,
                None,
                "Only a survey answer is recorded as the customer.",
            )
            .into());
        }
        let m = m.validated()?;
        self.with_tx(|tx| {
            if crate::outbox::is_connected(tx)? {
                return Err(DomainError::new(
                    ErrorCode::Forbidden,
                    None,
                    "In a team, the server records the customers' answers.",
                )
                .into());
            }
            let tickets = crate::queries::docs::TicketCache::default();
            let actor = porchlight_domain::apply::Actor {
                id: String::new(),
                name: String::new(),
                role: porchlight_domain::AgentRole::Agent,
            };
            let writes = crate::mutate::decide(tx, &m, &actor, at, &tickets)?;
            crate::mutate::write_change(tx, &m, writes, false, &tickets)
        })
    }

    /// [`Store::apply_many`] for changes made at a known time `at` (UTC ms; work whose time
    /// is known, such as an import): the documents, audit events and rule runs of the batch
    /// carry `at`, and a connected store sends it with each mutation, as it does for any
    /// offline work. Successive calls are expected in time order, as the clock gives them.
    pub fn apply_many_at(&self, ms: Vec<Mutation>, at: i64) -> StoreResult<Changed> {
        let me = self.me().ok_or_else(|| {
            DomainError::new(
                ErrorCode::NotFound,
                Some("profile"),
                "Create your agent profile first.",
            )
        })?;
        self.with_tx(|tx| {
            let actor = actor_of(tx, &me)?;
            // The agent's role first, then the mutation's own checks, as on the server.
            let ms = ms
                .into_iter()
                .map(|m| authorize(&m, &actor).and_then(|()| m.validated()))
                .collect::<Result<Vec<_>, _>>()?;
            let connected = outbox::is_connected(tx)?;
            // Standalone, this desktop runs the automation rules (a server runs them once
            // for everyone in team mode).
            let rules = if connected {
                Default::default()
            } else {
                config_docs::rules(tx)?
            };
            let automate = !rules.is_empty();
            // What the rules do (never the agent's own part) may notify the agent.
            let mark = if automate {
                Some(notifications::watermark(tx)?)
            } else {
                None
            };
            let mut changed = Changed::default();
            for m in &ms {
                let shared = outbox::is_shared(m);
                let tickets = docs::TicketCache::default();
                if let Some((ticket, kind, author)) =
                    event_of(m).filter(|_| automate)
                {
                    let before = docs::read_ticket(tx, &tickets, ticket)?;
                    changed.merge(apply_one(tx, m, &actor, at, false, &tickets)?);
                    let event = Change {
                        ticket_id: ticket,
                        kind,
                        author,
                        before: before.as_ref(),
                        // Agents record no answers (a customer's come by mail or from
                        // the server).
                        rated: None,
                    };
                    changed.merge(after_change(
                        tx, &rules, event, at, &tickets,
                    )?);
                } else {
                    changed.merge(apply_one(
                        tx,
                        m,
                        &actor,
                        at,
                        connected && shared,
                        &tickets,
                    )?);
                }
                if connected && shared {
                    outbox::append_outbox(tx, m, at)?;
                }
                tx.prepare_cached("INSERT INTO mutations(actor_id, name, args, created_at) VALUES (?1, ?2, ?3, ?4)")?
                    .execute(params![me, m.name(), serde_json::to_string(m)?, now_ms()])?;
            }
            if let Some(mark) = mark {
                notifications::derive_local(tx, mark)?;
            }
            Ok(changed)
        })
    }
}

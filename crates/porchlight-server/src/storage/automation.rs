//! Team-mode automation: after a change to a ticket is stored (a desktop's push, a customer's
//! request or reply), the domain's rule engine runs here, in the same transaction and at the
//! same workspace version, and each rule's actions are applied as that rule. Desktops never
//! run rules while connected, so with any number of them a trigger fires exactly once.

use porchlight_domain::apply::{self, Actor, ApplyContext};
use porchlight_domain::docs::{Doc, DocKind, TicketDoc};
use porchlight_domain::notify::{NotifyEventValue, NOTIFY_FIELD};
use porchlight_domain::rules::{
    rule_actor_id, rule_actor_name, run_triggers, Fired, Rule, RuleEffect, RuleEnv, RuleEvent,
    RuleTrigger, TicketFacts,
};
use porchlight_domain::{AgentRole, AuthorKind, Mutation};

use super::{store_writes, StorageError, StorageResult, Tx, TxState};

/// Every configuration document of a kind (they all carry the lookup key `key`).
pub(super) fn all_of<T>(
    tx: &mut dyn Tx,
    kind: DocKind,
    key: &str,
    pick: impl Fn(Doc) -> Option<T>,
) -> StorageResult<Vec<T>> {
    let mut out = Vec::new();
    for id in tx.ids_by_lookup(kind, key, 100_000)? {
        if let Some(body) = tx.get_doc(kind, &id)? {
            out.extend(pick(serde_json::from_str::<Doc>(&body)?));
        }
    }
    Ok(out)
}

/// Every rule, in evaluation order.
fn rules(tx: &mut dyn Tx) -> StorageResult<Vec<Rule>> {
    let mut out = all_of(tx, DocKind::Rule, "rule", |d| match d {
        Doc::Rule(r) => Some(r),
        _ => None,
    })?;
    out.sort_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)));
    Ok(out)
}

pub(super) fn ticket(tx: &mut dyn Tx, id: &str) -> StorageResult<Option<TicketDoc>> {
    Ok(match tx.get_doc(DocKind::Ticket, id)? {
        Some(body) => match serde_json::from_str::<Doc>(&body)? {
            Doc::Ticket(t) => Some(t),
            _ => None,
        },
        None => None,
    })
}

/// The SLA policies and business calendars that decide a ticket's business hours, read
/// once per transaction or time-rule pass (not per ticket).
#[derive(Default)]
struct SlaConfig {
    policies: Vec<porchlight_domain::sla::SlaPolicy>,
    calendars: Vec<porchlight_domain::sla::BusinessCalendar>,
}

impl SlaConfig {
    fn read(tx: &mut dyn Tx) -> StorageResult<SlaConfig> {
        Ok(SlaConfig {
            policies: all_of(tx, DocKind::SlaPolicy, "sla_policy", |d| match d {
                Doc::SlaPolicy(p) => Some(p),
                _ => None,
            })?,
            calendars: all_of(tx, DocKind::Calendar, "calendar", |d| match d {
                Doc::Calendar(c) => Some(c),
                _ => None,
            })?,
        })
    }
}

/// The workspace's SLA policies and calendars, compiled for many tickets.
pub(super) fn sla_book(tx: &mut dyn Tx) -> StorageResult<porchlight_domain::sla::SlaBook> {
    let c = SlaConfig::read(tx)?;
    Ok(porchlight_domain::sla::SlaBook::new(
        c.policies,
        &c.calendars,
    ))
}

fn facts(tx: &mut dyn Tx, t: TicketDoc, now: i64, sla: &SlaConfig) -> StorageResult<TicketFacts> {
    let organization_id = match super::doc(tx, DocKind::Customer, &t.requester_id)? {
        Some(Doc::Customer(c)) => c.organization_id,
        _ => None,
    };
    let (mut status_since, mut assigned_at) = (t.created_at, None);
    for d in super::children(tx, DocKind::Event, &t.id)? {
        if let Doc::Event(e) = d {
            match e.field.as_str() {
                "status" => status_since = status_since.max(e.created_at),
                "assignee" => assigned_at = assigned_at.max(Some(e.created_at)),
                _ => {}
            }
        }
    }
    let within_business_hours = porchlight_domain::config::ticket_within_business_hours(
        &sla.policies,
        &sla.calendars,
        &t,
        organization_id.as_deref(),
        now,
    );
    let rating = porchlight_domain::records::rating_doc_id(
        &t.id,
        porchlight_domain::records::SurveyKind::Csat,
    );
    let satisfaction = match super::doc(tx, DocKind::Rating, &rating)? {
        Some(Doc::Rating(r)) => Some(r.score),
        _ => None,
    };
    Ok(TicketFacts {
        organization_id,
        status_since,
        assigned_at,
        within_business_hours,
        satisfaction,
        ticket: t,
    })
}

/// What the rules ask of the server's data. A storage failure is remembered and ends the
/// transaction as a storage error.
struct Env<'a> {
    tx: &'a mut dyn Tx,
    failure: Option<StorageError>,
}

impl Env<'_> {
    fn keep<T>(&mut self, r: StorageResult<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.failure.get_or_insert(e);
                None
            }
        }
    }

    fn doc(&mut self, kind: DocKind, id: &str) -> Option<Doc> {
        let body = self.tx.get_doc(kind, id);
        let body = self.keep(body)??;
        let doc = serde_json::from_str::<Doc>(&body).map_err(StorageError::from);
        self.keep(doc)
    }

    /// Active members of a group, by id (a stable order for taking turns).
    fn members(&mut self, group_id: &str) -> Vec<String> {
        let ids = self
            .tx
            .ids_by_lookup(DocKind::Agent, &format!("group:{group_id}"), 10_000);
        let mut out: Vec<String> = self
            .keep(ids)
            .unwrap_or_default()
            .into_iter()
            .filter(|id| matches!(self.doc(DocKind::Agent, id), Some(Doc::Agent(a)) if a.active))
            .collect();
        out.sort();
        out
    }

    fn name(&mut self, kind: DocKind, id: &str) -> String {
        match self.doc(kind, id) {
            Some(Doc::Agent(a)) => a.name,
            Some(Doc::Customer(c)) => c.name,
            _ => String::new(),
        }
    }
}

impl RuleEnv for Env<'_> {
    fn round_robin(&mut self, group_id: &str) -> Option<String> {
        let members = self.members(group_id);
        if members.is_empty() {
            return None;
        }
        let turn = self.tx.next_counter(&format!("round_robin:{group_id}"), 0);
        let turn = self.keep(turn)?;
        Some(members[((turn - 1).max(0) as usize) % members.len()].clone())
    }

    fn fewest_open(&mut self, group_id: &str) -> Option<String> {
        let mut best: Option<(i64, String)> = None;
        for a in self.members(group_id) {
            let n = self
                .tx
                .count_by_lookup(DocKind::Ticket, &format!("open_by:{a}"));
            let n = self.keep(n)?;
            if best.as_ref().is_none_or(|(m, _)| n < *m) {
                best = Some((n, a));
            }
        }
        best.map(|(_, a)| a)
    }

    fn macro_reply(&mut self, macro_id: &str, t: &TicketDoc) -> Option<String> {
        let Some(Doc::Macro(m)) = self.doc(DocKind::Macro, macro_id) else {
            return None;
        };
        // Rules may send shared macros only.
        if m.owner_id.is_some() {
            return None;
        }
        let agent_name = match &t.assignee_id {
            Some(a) => self.name(DocKind::Agent, a),
            None => String::new(),
        };
        let customer_name = self.name(DocKind::Customer, &t.requester_id);
        Some(porchlight_domain::config::render_macro(
            &m.body,
            &porchlight_domain::config::MacroContext {
                customer_name,
                ticket_number: t.number,
                ticket_subject: t.subject.clone(),
                agent_name,
            },
        ))
    }

    fn new_id(&mut self) -> String {
        uuid::Uuid::now_v7().to_string()
    }
}

/// The ticket event a stored change was, for the rules: its ticket, kind, author, and the
/// ticket as it was before (read before the change is applied).
pub(super) struct Pending {
    pub ticket_id: String,
    pub kind: RuleTrigger,
    pub author: Option<AuthorKind>,
    pub before: Option<TicketDoc>,
}

impl Pending {
    /// Reads what the rules will need, before `m` is applied.
    pub fn of(tx: &mut dyn Tx, m: &Mutation) -> StorageResult<Option<Pending>> {
        let Some((ticket_id, kind, author)) = porchlight_domain::rules::event_of(m) else {
            return Ok(None);
        };
        let before = match kind {
            RuleTrigger::Created => None,
            _ => ticket(tx, ticket_id)?,
        };
        Ok(Some(Pending {
            ticket_id: ticket_id.to_string(),
            kind,
            author,
            before,
        }))
    }
}

/// The rules and the SLA configuration the triggers read, loaded once per write
/// transaction (a group of pushes runs many ticket changes in one) and again after a
/// configuration change inside it.
#[derive(Default)]
pub(super) struct Setup {
    rules: Option<Vec<Rule>>,
    sla: Option<SlaConfig>,
}

impl Setup {
    /// Forgets what was read: a configuration mutation was applied.
    pub fn forget(&mut self) {
        *self = Setup::default();
    }

    fn rules(&mut self, tx: &mut dyn Tx) -> StorageResult<&[Rule]> {
        if self.rules.is_none() {
            self.rules = Some(rules(tx)?);
        }
        Ok(self.rules.as_deref().unwrap_or_default())
    }

    fn sla(&mut self, tx: &mut dyn Tx) -> StorageResult<&SlaConfig> {
        if self.sla.is_none() {
            self.sla = Some(SlaConfig::read(tx)?);
        }
        Ok(self.sla.get_or_insert_with(SlaConfig::default))
    }
}

/// Runs the triggers for a change already stored at `version` (its `writes`: a satisfaction
/// answer among them is the event's `rated`) and stores what the rules do at the same
/// version. A rule whose actions cannot apply (its group was deleted, say) does nothing and
/// leaves a "rule_failed" event in the ticket's timeline.
pub(super) fn run_after(
    tx: &mut dyn Tx,
    setup: &mut Setup,
    version: i64,
    p: Pending,
    writes: &[porchlight_domain::docs::DocWrite],
    at: i64,
) -> StorageResult<Vec<Fired>> {
    if setup.rules(tx)?.is_empty() {
        return Ok(Vec::new());
    }
    let Some(after) = ticket(tx, &p.ticket_id)? else {
        return Ok(Vec::new());
    };
    let sla = setup.sla(tx)?;
    let facts = facts(tx, after, at, sla)?;
    let event = RuleEvent {
        kind: p.kind,
        before: p.before.as_ref(),
        author: p.author,
        rated: porchlight_domain::docs::satisfaction_given(writes),
        now: at,
    };
    let rules = setup.rules(tx)?;
    let mut env = Env { tx, failure: None };
    let fired = run_triggers(rules, &facts, &event, &mut env);
    if let Some(e) = env.failure {
        return Err(e);
    }
    apply_fired(tx, version, &p.ticket_id, &fired, at)?;
    Ok(fired)
}

/// Applies what fired, each rule all or nothing as that rule, at `version`.
fn apply_fired(
    tx: &mut dyn Tx,
    version: i64,
    ticket_id: &str,
    fired: &[Fired],
    at: i64,
) -> StorageResult<()> {
    for f in fired {
        let actor = Actor {
            id: rule_actor_id(&f.rule_id),
            name: rule_actor_name(&f.rule_name),
            role: AgentRole::Admin,
        };
        let ms = f
            .effects
            .iter()
            .filter_map(|e| match e {
                RuleEffect::Mutate(m) => Some(m.clone().validated()),
                RuleEffect::Notify { .. } => None,
            })
            .collect::<Result<Vec<_>, _>>();
        let mut new_id = || uuid::Uuid::now_v7().to_string();
        let mut ctx = ApplyContext {
            actor: &actor,
            at,
            new_id: &mut new_id,
        };
        let mut view = TxState::new(tx);
        let result = ms.and_then(|ms| apply::apply_all(&ms, &mut ctx, &mut view));
        if let Some(e) = view.failure.take() {
            return Err(e);
        }
        let writes = match result {
            // A "notify agents" action is stored as a `notify` event on the ticket: it
            // replicates like any event, and each named agent's desktop raises it.
            Ok(mut writes) => {
                writes.extend(f.effects.iter().filter_map(|e| {
                    match e {
                        RuleEffect::Notify { agent_ids, text } => {
                            Some(porchlight_domain::docs::DocWrite::Put {
                                doc: Doc::Event(porchlight_domain::TicketEvent {
                                    id: uuid::Uuid::now_v7().to_string(),
                                    ticket_id: ticket_id.to_string(),
                                    actor_id: Some(actor.id.clone()),
                                    actor_name: actor.name.clone(),
                                    field: NOTIFY_FIELD.into(),
                                    old_value: None,
                                    new_value: Some(
                                        NotifyEventValue {
                                            agent_ids: agent_ids.clone(),
                                            text: text.clone(),
                                        }
                                        .to_value(),
                                    ),
                                    created_at: at,
                                }),
                            })
                        }
                        RuleEffect::Mutate(_) => None,
                    }
                }));
                writes
            }
            Err(refusal) => {
                // Recorded on the ticket as the rule, so an admin sees why it did nothing.
                let event = porchlight_domain::TicketEvent {
                    id: uuid::Uuid::now_v7().to_string(),
                    ticket_id: ticket_id.to_string(),
                    actor_id: Some(actor.id.clone()),
                    actor_name: actor.name.clone(),
                    field: "rule_failed".into(),
                    old_value: None,
                    new_value: Some(refusal.message),
                    created_at: at,
                };
                vec![porchlight_domain::docs::DocWrite::Put {
                    doc: Doc::Event(event),
                }]
            }
        };
        store_writes(tx, version, &writes)?;
    }
    Ok(())
}

/// Tickets the every-minute pass looks at carry this lookup key (see `Doc::lookup_keys`).
pub const OPEN_KEY: &str = "open";

impl super::Storage {
    /// The every-minute pass of the time rules over the open tickets (team mode: the
    /// server's job). Tickets are checked in a read; each one a rule matches is handled in
    /// its own short write at a new version, re-checked there. Returns the new version when
    /// anything fired.
    pub fn run_time_rules(&self, now: i64) -> StorageResult<Option<i64>> {
        let event = RuleEvent {
            kind: RuleTrigger::Time,
            before: None,
            author: None,
            rated: None,
            now,
        };
        let mut due: Vec<String> = Vec::new();
        let mut rules_now: Vec<Rule> = Vec::new();
        self.read(|tx| {
            rules_now = rules(tx)?
                .into_iter()
                .filter(|r| r.active && r.trigger == RuleTrigger::Time)
                .collect();
            if rules_now.is_empty() {
                return Ok(());
            }
            let sla = SlaConfig::read(tx)?;
            // In id order, as a standalone desktop's pass takes them: rules taking turns
            // (round robin) then give each ticket the same agent.
            for id in tx.ids_by_lookup(DocKind::Ticket, OPEN_KEY, i64::MAX)? {
                let Some(t) = ticket(tx, &id)? else { continue };
                let f = facts(tx, t, now, &sla)?;
                if rules_now.iter().any(|r| r.matches(&f, &event)) {
                    due.push(id);
                }
            }
            Ok(())
        })?;
        let mut last = None;
        for id in due {
            let fired = self.write(|tx| {
                let version = tx.lock_version()? + 1;
                let Some(t) = ticket(tx, &id)? else {
                    return Ok(None);
                };
                let sla = SlaConfig::read(tx)?;
                let facts = facts(tx, t, now, &sla)?;
                let mut env = Env { tx, failure: None };
                let fired = run_triggers(&rules_now, &facts, &event, &mut env);
                if let Some(e) = env.failure {
                    return Err(e);
                }
                if fired.is_empty() {
                    return Ok(None);
                }
                apply_fired(tx, version, &id, &fired, now)?;
                tx.set_version(version)?;
                Ok(Some(version))
            })?;
            last = fired.or(last);
        }
        Ok(last)
    }
}

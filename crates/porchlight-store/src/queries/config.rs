//! Shared configuration on the desktop: automation rules and macros as documents, changed
//! only through [`Store::apply_config`] (the domain's config engine), and the macros an agent
//! may use, with their placeholders filled for a ticket. The documents' rows and the parsed
//! configuration other modules read are `queries::config_docs`, below this.

use porchlight_domain::apply::Actor;
use porchlight_domain::config::{render_macro, ConfigMutation, Macro, MacroContext};
use porchlight_domain::config_apply::{apply_config, ConfigView};
use porchlight_domain::docs::{Doc, DocKind, DocWrite};
use porchlight_domain::mail::Mailbox;
use porchlight_domain::rules::Rule;
use porchlight_domain::sla::{BusinessCalendar, SlaPolicy};
use porchlight_domain::{DomainError, ErrorCode};
use rusqlite::{params, Connection, Transaction};

use super::config_docs::{all, delete_doc, mailboxes, read_doc, rules, write_doc};
use super::{agents, customers};
use crate::{now_ms, Store, StoreResult};

struct View<'a>(&'a Connection);

fn storage(e: crate::StoreError) -> DomainError {
    match e {
        crate::StoreError::Domain(d) => d,
        other => DomainError::new(ErrorCode::Storage, None, other.to_string()),
    }
}

impl ConfigView for View<'_> {
    fn rule(&mut self, id: &str) -> Result<Option<Rule>, DomainError> {
        match read_doc(self.0, DocKind::Rule, id).map_err(storage)? {
            Some(Doc::Rule(r)) => Ok(Some(r)),
            _ => Ok(None),
        }
    }
    fn macro_doc(&mut self, id: &str) -> Result<Option<Macro>, DomainError> {
        match read_doc(self.0, DocKind::Macro, id).map_err(storage)? {
            Some(Doc::Macro(m)) => Ok(Some(m)),
            _ => Ok(None),
        }
    }
    fn sla_policy(&mut self, id: &str) -> Result<Option<SlaPolicy>, DomainError> {
        match read_doc(self.0, DocKind::SlaPolicy, id).map_err(storage)? {
            Some(Doc::SlaPolicy(p)) => Ok(Some(p)),
            _ => Ok(None),
        }
    }
    fn calendar(&mut self, id: &str) -> Result<Option<BusinessCalendar>, DomainError> {
        match read_doc(self.0, DocKind::Calendar, id).map_err(storage)? {
            Some(Doc::Calendar(c)) => Ok(Some(c)),
            _ => Ok(None),
        }
    }
    fn sla_policies(&mut self) -> Result<Vec<SlaPolicy>, DomainError> {
        all(self.0, DocKind::SlaPolicy).map_err(storage)
    }
    fn mailboxes(&mut self) -> Result<Vec<Mailbox>, DomainError> {
        mailboxes(self.0).map_err(storage)
    }
}

pub(crate) fn apply_in_tx(
    tx: &Transaction<'_>,
    m: &ConfigMutation,
    actor: &Actor,
    at: i64,
    connected: bool,
) -> StoreResult<()> {
    let writes = apply_config(m, actor, at, &mut View(tx))?;
    for w in &writes {
        let key = w.key();
        if connected {
            crate::outbox::shadow(tx, key.kind, &key.id)?;
        }
        match w {
            DocWrite::Put { doc } => write_doc(tx, doc)?,
            DocWrite::Delete { key } => delete_doc(tx, key.kind, &key.id)?,
        }
    }
    Ok(())
}

impl Store {
    /// Saves or deletes a rule or macro: validated, authorised (rules and shared macros need
    /// an admin), recorded and queued for the server when connected.
    pub fn apply_config(&self, m: ConfigMutation) -> StoreResult<()> {
        let me = self.me().ok_or_else(|| {
            DomainError::new(
                ErrorCode::NotFound,
                Some("profile"),
                "Create your agent profile first.",
            )
        })?;
        let m = m.validated()?;
        self.with_tx(|tx| {
            let a = agents::get(tx, &me)?;
            let actor = Actor {
                id: a.id,
                name: a.name,
                role: a.role,
            };
            let connected = crate::outbox::is_connected(tx)?;
            let at = now_ms();
            apply_in_tx(tx, &m, &actor, at, connected)?;
            if connected {
                crate::outbox::append_outbox_entry(tx, m.name(), &serde_json::to_value(&m)?, at)?;
            }
            tx.prepare_cached(
                "INSERT INTO mutations(actor_id, name, args, created_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![me, m.name(), serde_json::to_string(&m)?, now_ms()])?;
            Ok(())
        })
    }

    pub fn rules(&self) -> StoreResult<Vec<Rule>> {
        self.read(|c| Ok(rules(c)?.to_vec()))
    }

    /// Every SLA policy in the order they are tried (the first that matches applies).
    pub fn sla_policies(&self) -> StoreResult<Vec<SlaPolicy>> {
        self.read(|c| {
            let mut ps: Vec<SlaPolicy> = all(c, DocKind::SlaPolicy)?;
            ps.sort_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)));
            Ok(ps)
        })
    }

    /// Every business calendar, by name.
    pub fn calendars(&self) -> StoreResult<Vec<BusinessCalendar>> {
        self.read(|c| {
            let mut cs: Vec<BusinessCalendar> = all(c, DocKind::Calendar)?;
            cs.sort_by_key(|c| c.name.to_lowercase());
            Ok(cs)
        })
    }

    /// The macros this agent may use: shared ones and their own, by name.
    pub fn macros(&self) -> StoreResult<Vec<Macro>> {
        let me = self.me();
        self.read(|c| {
            let mut ms: Vec<Macro> = all(c, DocKind::Macro)?;
            ms.retain(|m| m.owner_id.is_none() || m.owner_id == me);
            ms.sort_by_key(|m| m.name.to_lowercase());
            Ok(ms)
        })
    }

    /// A macro's reply text for a ticket, placeholders filled for its requester and this
    /// agent.
    pub fn macro_text(&self, macro_id: &str, ticket_id: &str) -> StoreResult<String> {
        let me = self.me().unwrap_or_default();
        self.read(|c| {
            let m = match read_doc(c, DocKind::Macro, macro_id)? {
                Some(Doc::Macro(m))
                    if m.owner_id.is_none() || m.owner_id.as_deref() == Some(&me) =>
                {
                    m
                }
                _ => return Err(DomainError::not_found("macro", macro_id).into()),
            };
            let t = super::tickets::get(c, ticket_id)?;
            let agent = agents::name_of(c, &me).unwrap_or_default();
            fill(
                c,
                &m,
                &t.summary.requester_id,
                t.summary.number,
                &t.summary.subject,
                agent,
            )
        })
    }
}

fn fill(
    c: &Connection,
    m: &Macro,
    requester_id: &str,
    number: Option<i64>,
    subject: &str,
    agent_name: String,
) -> StoreResult<String> {
    let customer = customers::get(c, requester_id)?;
    Ok(render_macro(
        &m.body,
        &MacroContext {
            customer_name: customer.name,
            ticket_number: number,
            ticket_subject: subject.to_string(),
            agent_name,
        },
    ))
}

/// A shared macro's text for a ticket, as a rule sends it (signed by the ticket's assignee,
/// or unsigned); `None` when there is no such shared macro.
pub(crate) fn shared_macro_text(
    c: &Connection,
    macro_id: &str,
    t: &porchlight_domain::docs::TicketDoc,
) -> StoreResult<Option<String>> {
    let m = match read_doc(c, DocKind::Macro, macro_id)? {
        Some(Doc::Macro(m)) if m.owner_id.is_none() => m,
        _ => return Ok(None),
    };
    let agent = match &t.assignee_id {
        Some(a) => agents::name_of(c, a).unwrap_or_default(),
        None => String::new(),
    };
    fill(c, &m, &t.requester_id, t.number, &t.subject, agent).map(Some)
}

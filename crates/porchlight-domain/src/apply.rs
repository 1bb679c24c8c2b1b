//! The mutation engine of the server and the desktop store alike: applies one validated
//! intent-level mutation to the replicated documents and returns the writes. Pure: reads go
//! through [`StateView`], the caller supplies the time, the acting agent and fresh ids, and
//! stores the writes in one transaction.
//!
//! The ticket rules (statuses, metric timestamps, audit events, system messages, error
//! messages) exist only here, so a change made offline and one made through the server look
//! the same.

use std::collections::BTreeMap;

use crate::docs::{
    AgentDoc, CustomerDoc, Doc, DocKey, DocKind, DocWrite, GroupDoc, MessageDoc, OrganizationDoc,
    RatingDoc, TagDoc, TicketDoc,
};
use crate::error::{DomainError, ErrorCode};
use crate::mail::{
    outgoing_mail_id, reply_references, route, Delivery, DeliveryState, InboundMail, Mailbox,
    MessageMail,
};
use crate::model::{
    AgentRole, AuthorKind, Channel, MessageKind, Priority, TicketEvent, TicketStatus, TicketType,
};
use crate::mutation::{Mutation, RequesterRef, TicketFieldChanges};
use crate::records::{RatingVia, SurveyKind};
use crate::sanitize::{html_to_text, sanitize_for_storage};

/// Read access to the current documents. Storage failures are reported as
/// `DomainError` with code `Storage`.
pub trait StateView {
    fn ticket(&mut self, id: &str) -> Result<Option<TicketDoc>, DomainError>;
    fn message(&mut self, id: &str) -> Result<Option<MessageDoc>, DomainError>;
    /// Every message of a ticket, oldest first.
    fn messages_of(&mut self, ticket_id: &str) -> Result<Vec<MessageDoc>, DomainError>;
    fn customer(&mut self, id: &str) -> Result<Option<CustomerDoc>, DomainError>;
    /// The customer owning a (lower-case) address.
    fn customer_by_email(&mut self, email: &str) -> Result<Option<CustomerDoc>, DomainError>;
    fn organization(&mut self, id: &str) -> Result<Option<OrganizationDoc>, DomainError>;
    fn agent(&mut self, id: &str) -> Result<Option<AgentDoc>, DomainError>;
    /// The agent signing in with a (lower-case) address; addresses are unique among agents.
    fn agent_by_email(&mut self, email: &str) -> Result<Option<AgentDoc>, DomainError>;
    fn group(&mut self, id: &str) -> Result<Option<GroupDoc>, DomainError>;
    fn tag(&mut self, name: &str) -> Result<Option<TagDoc>, DomainError>;
    /// How many tickets (deleted ones included) carry the tag.
    fn tag_use_count(&mut self, name: &str) -> Result<i64, DomainError>;
    /// The next human ticket number (1001 on an empty helpdesk); each call reserves one.
    fn next_ticket_number(&mut self) -> Result<i64, DomainError>;
    /// An organization listing the (lower-case) e-mail domain, e.g. "acme.com"; of several,
    /// the one with the smallest id (so every storage picks the same). A saved customer
    /// without an organization joins the one matching an address, as on the desktop.
    /// Storage without a domain lookup may keep the default (no automatic membership).
    fn organization_by_domain(
        &mut self,
        _domain: &str,
    ) -> Result<Option<OrganizationDoc>, DomainError> {
        Ok(None)
    }
    /// The message received or sent with this (normalised) Message-ID.
    fn message_by_mail_id(&mut self, mail_id: &str) -> Result<Option<MessageDoc>, DomainError>;
    /// The ticket with this human number.
    fn ticket_by_number(&mut self, number: i64) -> Result<Option<TicketDoc>, DomainError>;
    /// Every mailbox, in id order.
    fn mailboxes(&mut self) -> Result<Vec<Mailbox>, DomainError>;
    /// A customer's rating by id (see `records::rating_doc_id`).
    fn rating(&mut self, id: &str) -> Result<Option<RatingDoc>, DomainError>;
    /// When a survey of `kind` was last mailed to `address` (on any ticket), if ever: the
    /// messages whose `email.survey` is `kind` and whose first recipient is `address` (see
    /// `docs::survey_lookup_key`).
    fn last_survey_to(
        &mut self,
        address: &str,
        kind: SurveyKind,
    ) -> Result<Option<i64>, DomainError>;
}

pub use crate::model::Actor;

pub struct ApplyContext<'a> {
    pub actor: &'a Actor,
    /// The time of the change (UTC ms), decided by the caller.
    pub at: i64,
    /// Fresh ids for rows the engine creates itself (audit events, system messages).
    pub new_id: &'a mut dyn FnMut() -> String,
}

const PREVIEW_CHARS: usize = 160;

/// The list preview of a message: whitespace collapsed, at most 160 characters.
pub fn preview(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= PREVIEW_CHARS {
        flat
    } else {
        flat.chars().take(PREVIEW_CHARS - 1).collect::<String>() + "…"
    }
}

/// Checks the actor's role allows the mutation. Admins may do everything; agents and KB
/// editors do ticket and customer work and edit their own profile (without changing their own
/// role or active flag: [`apply`] checks that against the stored profile).
pub fn authorize(m: &Mutation, actor: &Actor) -> Result<(), DomainError> {
    if matches!(
        m,
        Mutation::ReceiveMail { .. } | Mutation::SetDelivery { .. }
    ) {
        return Err(DomainError::new(
            ErrorCode::Forbidden,
            None,
            "Only the mail channel records received mail and deliveries.",
        ));
    }
    if matches!(m, Mutation::RateTicket { .. }) {
        return Err(DomainError::new(
            ErrorCode::Forbidden,
            None,
            "Only the customer rates their ticket.",
        ));
    }
    if actor.role == AgentRole::Admin {
        return Ok(());
    }
    // Exhaustive on purpose: a new mutation must be classified here.
    let admin_only = match m {
        Mutation::SaveAgent { id, .. } if *id != actor.id => Some("Editing another agent"),
        Mutation::SaveGroup { .. } => Some("Creating or editing groups"),
        Mutation::SetAgentGroups { .. } => Some("Changing group membership"),
        Mutation::DeleteTag { .. } => Some("Deleting tags"),
        Mutation::DeleteTicket { .. } => Some("Deleting tickets"),
        Mutation::ReceiveMail { .. }
        | Mutation::SetDelivery { .. }
        | Mutation::RateTicket { .. } => {
            unreachable!("refused above")
        }
        Mutation::CreateTicket { .. }
        | Mutation::AddMessage { .. }
        | Mutation::RetryDelivery { .. }
        | Mutation::SetTicketFields { .. }
        | Mutation::AddTag { .. }
        | Mutation::RemoveTag { .. }
        | Mutation::MergeTickets { .. }
        | Mutation::SaveCustomer { .. }
        | Mutation::SaveOrganization { .. }
        | Mutation::SaveAgent { .. }
        | Mutation::CreateTag { .. }
        | Mutation::SaveView { .. }
        | Mutation::DeleteView { .. } => None,
    };
    match admin_only {
        Some(what) => Err(forbidden(what)),
        None => Ok(()),
    }
}

fn forbidden(what: &str) -> DomainError {
    DomainError::new(
        ErrorCode::Forbidden,
        None,
        format!("{what} needs an admin; ask one of your admins to do it."),
    )
}

/// Applies one validated mutation (see [`Mutation::validated`]) and returns the final state of
/// every document it created or changed, each key once, in the order they were first written.
/// On error nothing is to be written.
pub fn apply(
    m: &Mutation,
    ctx: &mut ApplyContext<'_>,
    state: &mut dyn StateView,
) -> Result<Vec<DocWrite>, DomainError> {
    let mut engine = Engine {
        view: Overlay {
            base: state,
            writes: Vec::new(),
            index: BTreeMap::new(),
        },
        ctx,
        by_customer: false,
    };
    engine.run(m)?;
    Ok(engine.view.writes)
}

/// Applies several validated mutations as one change, each seeing the ones before it: all
/// apply or none (the writes of all, each key once). What an automation rule does to a
/// ticket is applied this way.
pub fn apply_all(
    ms: &[Mutation],
    ctx: &mut ApplyContext<'_>,
    state: &mut dyn StateView,
) -> Result<Vec<DocWrite>, DomainError> {
    let mut engine = Engine {
        view: Overlay {
            base: state,
            writes: Vec::new(),
            index: BTreeMap::new(),
        },
        ctx,
        by_customer: false,
    };
    for m in ms {
        engine.run(m)?;
    }
    Ok(engine.view.writes)
}

/// Applies what the mail channel records: a fetched mail ([`Mutation::ReceiveMail`]) or a
/// delivery report ([`Mutation::SetDelivery`]); anything else is refused. No agent acts: a
/// mail's changes carry its sender's name and no agent id, like a customer's reply in the
/// portal. The mutation must already be validated.
pub fn apply_mail(
    m: &Mutation,
    at: i64,
    new_id: &mut dyn FnMut() -> String,
    state: &mut dyn StateView,
) -> Result<Vec<DocWrite>, DomainError> {
    let name = match m {
        Mutation::ReceiveMail { mail, .. } if mail.from_name.is_empty() => mail.from.clone(),
        Mutation::ReceiveMail { mail, .. } => mail.from_name.clone(),
        Mutation::SetDelivery { .. } => "Porchlight".to_owned(),
        _ => {
            return Err(DomainError::new(
                ErrorCode::Forbidden,
                None,
                "The mail channel only records received mail and deliveries.",
            ))
        }
    };
    run_without_agent(m, name, at, new_id, state)
}

/// Runs the engine for a change no agent makes (a customer's, the mail channel's): audit
/// events carry `name` and no agent id.
fn run_without_agent(
    m: &Mutation,
    name: String,
    at: i64,
    new_id: &mut dyn FnMut() -> String,
    state: &mut dyn StateView,
) -> Result<Vec<DocWrite>, DomainError> {
    let actor = Actor {
        id: String::new(),
        name,
        role: AgentRole::Agent,
    };
    let mut ctx = ApplyContext {
        actor: &actor,
        at,
        new_id,
    };
    let mut engine = Engine {
        view: Overlay {
            base: state,
            writes: Vec::new(),
            index: BTreeMap::new(),
        },
        ctx: &mut ctx,
        by_customer: true,
    };
    engine.run(m)?;
    Ok(engine.view.writes)
}

/// The ticket a `ReceiveMail` landed on, from its writes, and whether the mail created it:
/// what the automation triggers of the desktop and the server run on (created, or updated by
/// the customer).
pub fn mail_landed(m: &Mutation, writes: &[DocWrite]) -> Option<(String, bool)> {
    let Mutation::ReceiveMail {
        ticket_id,
        message_id,
        ..
    } = m
    else {
        return None;
    };
    writes.iter().find_map(|w| match w {
        DocWrite::Put {
            doc: Doc::Message(msg),
        } if msg.id == *message_id => Some((msg.ticket_id.clone(), msg.ticket_id == *ticket_id)),
        _ => None,
    })
}

/// Applies a change the customer made themselves (a request submitted in the help center, a
/// reply on their tracking page): no agent acts, so audit events carry the customer's name and
/// no agent id, like a customer's reply that reopens a ticket. Only two shapes are accepted: a
/// new ticket with no assignee, group or tags, and a message `from_customer`; anything else
/// is refused as forbidden. The mutation must already be validated. `language` is the one the
/// customer wrote in: a new ticket and a new customer without a language of their own take it.
///
/// A reply to a ticket merged away continues on the ticket it was merged into (as agents are
/// told: "continue there"), still in the name of the requester of the ticket it was written
/// on, so a merge never makes one customer speak as another.
pub fn apply_as_customer(
    m: &Mutation,
    language: Option<&str>,
    at: i64,
    new_id: &mut dyn FnMut() -> String,
    state: &mut dyn StateView,
) -> Result<Vec<DocWrite>, DomainError> {
    let rerouted = match m {
        Mutation::AddMessage {
            ticket_id,
            from_customer: true,
            ..
        } => merge_destination(state, ticket_id)?.map(|(target, source)| {
            let mut moved = m.clone();
            if let Mutation::AddMessage { ticket_id, .. } = &mut moved {
                *ticket_id = target;
            }
            (moved, source)
        }),
        _ => None,
    };
    let written_on = rerouted.as_ref().map(|(_, source)| source.clone());
    let m = rerouted.as_ref().map_or(m, |(moved, _)| moved);
    let name = match m {
        Mutation::CreateTicket {
            requester,
            assignee_id: None,
            group_id: None,
            tags,
            outbound: false,
            ..
        } if tags.is_empty() => match requester {
            RequesterRef::New { name, email, .. } => {
                let known = match email {
                    Some(e) => state.customer_by_email(e)?,
                    None => None,
                };
                known.map_or_else(|| name.clone(), |c| c.name)
            }
            RequesterRef::Existing { id } => {
                state
                    .customer(id)?
                    .ok_or_else(|| DomainError::not_found("customer", id))?
                    .name
            }
        },
        Mutation::AddMessage {
            ticket_id,
            from_customer: true,
            ..
        } => match written_on
            .clone()
            .map_or_else(|| state.ticket(ticket_id), |t| Ok(Some(t)))?
        {
            Some(t) => state
                .customer(&t.requester_id)?
                .map(|c| c.name)
                .unwrap_or_default(),
            // The engine answers for a missing ticket.
            None => String::new(),
        },
        Mutation::RateTicket { ticket_id, .. } => match state.ticket(ticket_id)? {
            Some(t) => state
                .customer(&t.requester_id)?
                .map(|c| c.name)
                .unwrap_or_default(),
            None => String::new(),
        },
        _ => {
            return Err(DomainError::new(
                ErrorCode::Forbidden,
                None,
                "A customer can only open a request, reply on their own ticket or rate it.",
            ))
        }
    };
    let mut writes = run_without_agent(m, name, at, new_id, state)?;
    if let (Mutation::CreateTicket { ticket_id, .. }, Some(lang)) =
        (m, language.filter(|l| !l.is_empty()))
    {
        for w in &mut writes {
            match w {
                DocWrite::Put {
                    doc: Doc::Ticket(t),
                } if t.id == *ticket_id && t.language.is_empty() => t.language = lang.to_owned(),
                // Only a customer this request created is written with this time.
                DocWrite::Put {
                    doc: Doc::Customer(c),
                } if c.created_at == at && c.language.is_empty() => c.language = lang.to_owned(),
                _ => {}
            }
        }
    }
    if let (Some(source), Mutation::AddMessage { message_id, .. }) = (written_on, m) {
        let author = state.customer(&source.requester_id)?;
        for w in &mut writes {
            if let DocWrite::Put {
                doc: Doc::Message(msg),
            } = w
            {
                if msg.id == *message_id {
                    msg.author_id = Some(source.requester_id.clone());
                    if let Some(c) = &author {
                        msg.author_name = c.name.clone();
                    }
                }
            }
        }
    }
    Ok(writes)
}

/// Where a reply to `ticket_id` lands when that ticket was merged away: the end of its merge
/// chain (a few hops at most; a cycle stops where it started), with the ticket it was
/// written on. `None` when the ticket was not merged.
fn merge_destination(
    state: &mut dyn StateView,
    ticket_id: &str,
) -> Result<Option<(String, TicketDoc)>, DomainError> {
    let Some(source) = state.ticket(ticket_id)? else {
        return Ok(None);
    };
    let Some(mut target) = source.merged_into_id.clone() else {
        return Ok(None);
    };
    for _ in 0..16 {
        match state.ticket(&target)?.and_then(|t| t.merged_into_id) {
            Some(next) if next != ticket_id => target = next,
            _ => break,
        }
    }
    Ok(Some((target, source)))
}

/// What an automatic mail says and where it goes (see `Engine::queue_automatic_mail`).
struct AutomaticMail {
    to: String,
    subject: String,
    body: String,
    references: Vec<String>,
    survey: Option<SurveyKind>,
    /// Not sent before this instant (a survey's delay).
    not_before: Option<i64>,
}

/// The stored state with this mutation's pending writes on top, so later steps of a mutation
/// read what earlier steps wrote (CreateTicket creates the customer, then reads it).
struct Overlay<'s> {
    base: &'s mut dyn StateView,
    writes: Vec<DocWrite>,
    index: BTreeMap<DocKey, usize>,
}

impl Overlay<'_> {
    /// Records a write; a document written again replaces its earlier write in place.
    fn write(&mut self, w: DocWrite) {
        let key = w.key();
        match self.index.get(&key) {
            Some(&i) => self.writes[i] = w,
            None => {
                self.index.insert(key, self.writes.len());
                self.writes.push(w);
            }
        }
    }

    fn put(&mut self, doc: Doc) {
        self.write(DocWrite::Put { doc });
    }

    /// `None`: not written by this mutation; `Some(None)`: deleted; `Some(Some(doc))`: written.
    fn pending(&self, kind: DocKind, id: &str) -> Option<Option<&Doc>> {
        let key = DocKey {
            kind,
            id: id.to_owned(),
        };
        self.index.get(&key).map(|&i| match &self.writes[i] {
            DocWrite::Put { doc } => Some(doc),
            DocWrite::Delete { .. } => None,
        })
    }

    fn pending_docs(&self) -> impl Iterator<Item = &Doc> {
        self.writes.iter().filter_map(|w| match w {
            DocWrite::Put { doc } => Some(doc),
            DocWrite::Delete { .. } => None,
        })
    }
}

/// Reads by id: a pending write wins over the stored document.
macro_rules! read_through {
    ($($method:ident: $variant:ident => $ty:ty),+ $(,)?) => {$(
        fn $method(&mut self, id: &str) -> Result<Option<$ty>, DomainError> {
            match self.pending(DocKind::$variant, id) {
                Some(Some(Doc::$variant(d))) => Ok(Some(d.clone())),
                Some(_) => Ok(None),
                None => self.base.$method(id),
            }
        }
    )+};
}

impl StateView for Overlay<'_> {
    read_through! {
        ticket: Ticket => TicketDoc,
        message: Message => MessageDoc,
        customer: Customer => CustomerDoc,
        organization: Organization => OrganizationDoc,
        agent: Agent => AgentDoc,
        group: Group => GroupDoc,
        tag: Tag => TagDoc,
        rating: Rating => RatingDoc,
    }

    fn messages_of(&mut self, ticket_id: &str) -> Result<Vec<MessageDoc>, DomainError> {
        let mut msgs: Vec<MessageDoc> = self.base.messages_of(ticket_id)?;
        // Pending versions replace stored ones (a merge moves messages to another ticket).
        msgs.retain(|m| self.pending(DocKind::Message, &m.id).is_none());
        msgs.extend(self.pending_docs().filter_map(|d| match d {
            Doc::Message(m) if m.ticket_id == ticket_id => Some(m.clone()),
            _ => None,
        }));
        msgs.sort_by_key(|m| m.created_at);
        Ok(msgs)
    }

    fn customer_by_email(&mut self, email: &str) -> Result<Option<CustomerDoc>, DomainError> {
        let email = email.to_owned();
        let pending = self.pending_docs().find_map(|d| match d {
            Doc::Customer(c) if c.emails.contains(&email) => Some(c.clone()),
            _ => None,
        });
        if pending.is_some() {
            return Ok(pending);
        }
        // A stored owner rewritten by this mutation no longer holds the address.
        let stored = self.base.customer_by_email(&email)?;
        Ok(stored.filter(|c| self.pending(DocKind::Customer, &c.id).is_none()))
    }

    fn agent_by_email(&mut self, email: &str) -> Result<Option<AgentDoc>, DomainError> {
        let pending = self.pending_docs().find_map(|d| match d {
            Doc::Agent(a) if a.email == email => Some(a.clone()),
            _ => None,
        });
        if pending.is_some() {
            return Ok(pending);
        }
        let stored = self.base.agent_by_email(email)?;
        Ok(stored.filter(|a| self.pending(DocKind::Agent, &a.id).is_none()))
    }

    fn organization_by_domain(
        &mut self,
        domain: &str,
    ) -> Result<Option<OrganizationDoc>, DomainError> {
        let domain = domain.to_owned();
        let pending = self.pending_docs().find_map(|d| match d {
            Doc::Organization(o) if o.domains.contains(&domain) => Some(o.clone()),
            _ => None,
        });
        if pending.is_some() {
            return Ok(pending);
        }
        let stored = self.base.organization_by_domain(&domain)?;
        Ok(stored.filter(|o| self.pending(DocKind::Organization, &o.id).is_none()))
    }

    fn tag_use_count(&mut self, name: &str) -> Result<i64, DomainError> {
        let name = name.to_owned();
        let mut count = self.base.tag_use_count(&name)?;
        let pending: Vec<(String, bool)> = self
            .pending_docs()
            .filter_map(|d| match d {
                Doc::Ticket(t) => Some((t.id.clone(), t.tags.contains(&name))),
                _ => None,
            })
            .collect();
        for (id, has) in pending {
            let had = self
                .base
                .ticket(&id)?
                .is_some_and(|t| t.tags.contains(&name));
            count += i64::from(has) - i64::from(had);
        }
        Ok(count)
    }

    fn next_ticket_number(&mut self) -> Result<i64, DomainError> {
        self.base.next_ticket_number()
    }

    fn message_by_mail_id(&mut self, mail_id: &str) -> Result<Option<MessageDoc>, DomainError> {
        let pending = self.pending_docs().find_map(|d| match d {
            Doc::Message(m) if m.email.as_ref().is_some_and(|e| e.mail_id == mail_id) => {
                Some(m.clone())
            }
            _ => None,
        });
        if pending.is_some() {
            return Ok(pending);
        }
        // A stored message rewritten here (moved by a merge) is read through.
        match self.base.message_by_mail_id(mail_id)? {
            Some(m) => self.message(&m.id),
            None => Ok(None),
        }
    }

    fn ticket_by_number(&mut self, number: i64) -> Result<Option<TicketDoc>, DomainError> {
        let pending = self.pending_docs().find_map(|d| match d {
            Doc::Ticket(t) if t.number == Some(number) => Some(t.clone()),
            _ => None,
        });
        if pending.is_some() {
            return Ok(pending);
        }
        match self.base.ticket_by_number(number)? {
            Some(t) => self.ticket(&t.id),
            None => Ok(None),
        }
    }

    fn mailboxes(&mut self) -> Result<Vec<Mailbox>, DomainError> {
        self.base.mailboxes()
    }

    fn last_survey_to(
        &mut self,
        address: &str,
        kind: SurveyKind,
    ) -> Result<Option<i64>, DomainError> {
        let stored = self.base.last_survey_to(address, kind)?;
        let pending = self
            .pending_docs()
            .filter_map(|d| match d {
                Doc::Message(m) => Some(m),
                _ => None,
            })
            .filter(|m| asks(m, kind, address))
            .map(|m| m.created_at)
            .max();
        Ok(stored.max(pending))
    }
}

/// Whether `m` is a survey mail of `kind` to `address`.
fn asks(m: &MessageDoc, kind: SurveyKind, address: &str) -> bool {
    m.email
        .as_ref()
        .and_then(|e| e.survey_to())
        .is_some_and(|asked| asked == (kind, address))
}

/// Who an audit event or message is attributed to.
struct Who {
    id: Option<String>,
    name: String,
}

struct Engine<'s, 'c, 'a> {
    view: Overlay<'s>,
    ctx: &'c mut ApplyContext<'a>,
    /// The customer acts (see [`apply_as_customer`]): changes carry no agent id.
    by_customer: bool,
}

impl Engine<'_, '_, '_> {
    fn run(&mut self, m: &Mutation) -> Result<(), DomainError> {
        let at = self.ctx.at;
        let me = self.me();
        match m {
            Mutation::CreateTicket {
                ticket_id,
                message_id,
                subject,
                requester,
                channel,
                priority,
                ticket_type,
                assignee_id,
                group_id,
                tags,
                body_text,
                attachment_ids,
                outbound,
            } => {
                if *outbound && self.by_customer {
                    return Err(DomainError::new(
                        ErrorCode::Forbidden,
                        None,
                        "Only an agent can write to a customer first.",
                    ));
                }
                if *outbound && *channel != Channel::Email {
                    return Err(DomainError::invalid(
                        "channel",
                        "A ticket the agent opens by writing to the customer is an e-mail ticket.",
                    ));
                }
                if self.view.ticket(ticket_id)?.is_some() {
                    return Err(DomainError::new(
                        ErrorCode::Conflict,
                        Some("ticket_id"),
                        "This ticket was already created.",
                    ));
                }
                let requester = self.requester(requester)?;
                if *outbound && requester.emails.is_empty() {
                    return Err(DomainError::invalid(
                        "requester",
                        format!("{} has no e-mail address to write to.", requester.name),
                    ));
                }
                // The agent who writes first follows the ticket up unless it is given to someone.
                let assignee_id = match (assignee_id, *outbound, &me.id) {
                    (None, true, Some(id)) if self.view.agent(id)?.is_some_and(|a| a.active) => {
                        Some(id.clone())
                    }
                    (a, _, _) => a.clone(),
                };
                let assignee = match &assignee_id {
                    Some(a) => Some(self.require_agent(a)?.name),
                    None => None,
                };
                if let Some(g) = group_id {
                    self.require_group(g)?;
                }
                // Checked before a number is reserved, so a refused ticket leaves no gap.
                self.require_new_message(message_id)?;
                let mut sorted_tags = Vec::new();
                for tag in tags {
                    self.ensure_tag(tag)?;
                    add_tag(&mut sorted_tags, tag);
                }
                let mut t = TicketDoc {
                    id: ticket_id.clone(),
                    number: Some(self.view.next_ticket_number()?),
                    subject: subject.clone(),
                    status: if *outbound {
                        // The agent has spoken; the customer's answer reopens it.
                        TicketStatus::Pending
                    } else if assignee_id.is_some() {
                        TicketStatus::Open
                    } else {
                        TicketStatus::New
                    },
                    priority: *priority,
                    ticket_type: *ticket_type,
                    channel: *channel,
                    requester_id: requester.id.clone(),
                    assignee_id: assignee_id.clone(),
                    group_id: group_id.clone(),
                    tags: sorted_tags,
                    language: requester.language.clone(),
                    preview: String::new(),
                    message_count: 0,
                    created_at: at,
                    updated_at: at,
                    // Nobody waits for a first answer to the agent's own mail.
                    first_response_at: outbound.then_some(at),
                    last_customer_message_at: (!outbound).then_some(at),
                    last_agent_reply_at: outbound.then_some(at),
                    solved_at: None,
                    reopen_count: 0,
                    merged_into_id: None,
                    deleted_at: None,
                    version: 1,
                };
                // The ticket goes before its message and events; the final put replaces it.
                self.view.put(Doc::Ticket(t.clone()));
                let (author_kind, author_id, author_name, email) = if *outbound {
                    let Some(mail) = self.outgoing_mail(&t, message_id, None)? else {
                        return Err(DomainError::invalid(
                            "mailbox",
                            "No mailbox can send this e-mail: set one up under Automation → Mailboxes.",
                        ));
                    };
                    (
                        AuthorKind::Agent,
                        me.id.clone(),
                        me.name.clone(),
                        Some(mail),
                    )
                } else {
                    (
                        AuthorKind::Customer,
                        Some(requester.id),
                        requester.name,
                        None,
                    )
                };
                self.insert_message(
                    &mut t,
                    MessageDoc {
                        id: message_id.clone(),
                        ticket_id: ticket_id.clone(),
                        kind: MessageKind::Reply,
                        author_kind,
                        author_id,
                        author_name,
                        body_text: body_text.clone(),
                        body_html: None,
                        attachment_ids: attachment_ids.clone(),
                        created_at: at,
                        email,
                    },
                )?;
                self.event(ticket_id, &me, "created", None, Some(channel.as_str()));
                if let Some(name) = &assignee {
                    self.event(ticket_id, &me, "assignee", None, Some(name));
                }
                self.view.put(Doc::Ticket(t));
            }
            Mutation::AddMessage {
                message_id,
                ticket_id,
                kind,
                from_customer,
                body_text,
                body_html,
                attachment_ids,
                cc,
            } => {
                let mut t = self.live_ticket(ticket_id)?;
                let clean_html = body_html
                    .as_deref()
                    .filter(|h| !h.trim().is_empty())
                    .map(sanitize_for_storage);
                let text = match (&clean_html, body_text.is_empty()) {
                    (Some(h), true) => html_to_text(h),
                    _ => body_text.clone(),
                };
                if text.trim().is_empty() && attachment_ids.is_empty() {
                    return Err(DomainError::empty("message"));
                }
                // A customer's message is the requester's, and always public.
                let (author_kind, author, kind) = if *from_customer {
                    let c = self
                        .view
                        .customer(&t.requester_id)?
                        .ok_or_else(|| DomainError::not_found("customer", &t.requester_id))?;
                    let who = Who {
                        id: Some(c.id),
                        name: c.name,
                    };
                    (AuthorKind::Customer, who, MessageKind::Reply)
                } else {
                    (AuthorKind::Agent, self.me(), *kind)
                };
                let email = match (author_kind, kind) {
                    (AuthorKind::Agent, MessageKind::Reply) => {
                        self.outgoing_mail(&t, message_id, cc.as_deref())?
                    }
                    _ => None,
                };
                self.insert_message(
                    &mut t,
                    MessageDoc {
                        id: message_id.clone(),
                        ticket_id: ticket_id.clone(),
                        kind,
                        author_kind,
                        author_id: author.id.clone(),
                        author_name: author.name.clone(),
                        body_text: text,
                        body_html: clean_html,
                        attachment_ids: attachment_ids.clone(),
                        created_at: at,
                        email,
                    },
                )?;
                match (author_kind, kind) {
                    (AuthorKind::Customer, _) => self.customer_wrote(&mut t, author.name)?,
                    (_, MessageKind::Reply) => {
                        t.last_agent_reply_at = Some(at);
                        t.first_response_at.get_or_insert(at);
                        if t.status == TicketStatus::New {
                            self.set_status(&mut t, TicketStatus::Open, &me)?;
                        }
                    }
                    _ => {}
                }
                self.save_ticket(t);
            }
            Mutation::ReceiveMail {
                ticket_id,
                message_id,
                mail,
            } => self.receive_mail(ticket_id, message_id, mail)?,
            Mutation::SetDelivery {
                message_id,
                state,
                error,
            } => {
                let mut msg = self.mailed_message(message_id)?;
                if let Some(d) = msg.email.as_mut().and_then(|e| e.delivery.as_mut()) {
                    if *state != DeliveryState::Queued {
                        d.attempts += 1;
                    }
                    d.state = *state;
                    d.error = error.clone().filter(|_| *state == DeliveryState::Failed);
                    d.updated_at = at;
                }
                self.view.put(Doc::Message(msg));
            }
            Mutation::RetryDelivery { message_id } => {
                let mut msg = self.mailed_message(message_id)?;
                self.live_ticket(&msg.ticket_id)?;
                if let Some(d) = msg.email.as_mut().and_then(|e| e.delivery.as_mut()) {
                    if d.state != DeliveryState::Failed {
                        return Err(DomainError::new(
                            ErrorCode::Conflict,
                            Some("message_id"),
                            "Only a mail that failed can be sent again.",
                        ));
                    }
                    d.state = DeliveryState::Queued;
                    d.error = None;
                    d.updated_at = at;
                }
                self.view.put(Doc::Message(msg));
            }
            Mutation::SetTicketFields { ticket_id, changes } => {
                let mut t = self.live_ticket(ticket_id)?;
                let was_open = t.status.is_open_like();
                self.set_fields(&mut t, changes, &me)?;
                if was_open && t.status == TicketStatus::Solved {
                    self.ask_satisfaction(&mut t)?;
                }
                self.save_ticket(t);
            }
            Mutation::AddTag { ticket_id, tag } => {
                let mut t = self.live_ticket(ticket_id)?;
                self.ensure_tag(tag)?;
                if add_tag(&mut t.tags, tag) {
                    self.event(ticket_id, &me, "tag", None, Some(tag));
                    self.save_ticket(t);
                }
            }
            Mutation::RemoveTag { ticket_id, tag } => {
                let mut t = self.live_ticket(ticket_id)?;
                let before = t.tags.len();
                t.tags.retain(|g| g != tag);
                if t.tags.len() != before {
                    self.event(ticket_id, &me, "tag", Some(tag), None);
                    self.save_ticket(t);
                }
            }
            Mutation::MergeTickets {
                source_id,
                target_id,
            } => self.merge(source_id, target_id, &me)?,
            Mutation::DeleteTicket { ticket_id } => {
                let mut t = self.live_ticket(ticket_id)?;
                t.deleted_at = Some(at);
                self.withdraw_scheduled_surveys(ticket_id)?;
                self.event(ticket_id, &me, "deleted", None, None);
                self.save_ticket(t);
            }
            Mutation::RateTicket {
                ticket_id,
                kind,
                score,
                comment,
                via,
            } => self.record_rating(ticket_id, *kind, *score, comment, *via)?,
            Mutation::SaveCustomer {
                id,
                name,
                emails,
                phone,
                organization_id,
                language,
                notes,
            } => {
                self.save_customer(CustomerDoc {
                    id: id.clone(),
                    name: name.clone(),
                    emails: emails.clone(),
                    phone: phone.clone(),
                    organization_id: organization_id.clone(),
                    language: language.clone(),
                    notes: notes.clone(),
                    created_at: at,
                    updated_at: at,
                })?;
            }
            Mutation::SaveOrganization {
                id,
                name,
                domains,
                notes,
            } => {
                let created_at = self.view.organization(id)?.map_or(at, |o| o.created_at);
                self.view.put(Doc::Organization(OrganizationDoc {
                    id: id.clone(),
                    name: name.clone(),
                    domains: domains.clone(),
                    notes: notes.clone(),
                    created_at,
                    updated_at: at,
                }));
            }
            Mutation::SaveAgent {
                id,
                name,
                email,
                role,
                active,
            } => {
                if *id == self.ctx.actor.id && !active {
                    return Err(DomainError::invalid(
                        "active",
                        "You cannot deactivate your own profile.",
                    ));
                }
                let existing = self.view.agent(id)?;
                // Profile edits by non-admins must leave role and active flag as they are
                // (for a profile not stored yet: the actor's own role, active).
                if self.ctx.actor.role != AgentRole::Admin {
                    let (old_role, old_active) = existing
                        .as_ref()
                        .map_or((self.ctx.actor.role, true), |a| (a.role, a.active));
                    if (*role, *active) != (old_role, old_active) {
                        return Err(forbidden("Changing a role or (de)activating an agent"));
                    }
                    // The address is what the agent signs in with: changing it takes their
                    // password, which a synced profile edit does not carry.
                    if existing.as_ref().is_some_and(|a| a.email != *email) {
                        return Err(DomainError::new(
                            ErrorCode::Forbidden,
                            Some("email"),
                            "Change your e-mail address in your account settings, with your password.",
                        ));
                    }
                }
                if let Some(owner) = self.view.agent_by_email(email)? {
                    if owner.id != *id {
                        return Err(DomainError::new(
                            ErrorCode::Conflict,
                            Some("email"),
                            format!("Another agent already uses {email}."),
                        ));
                    }
                }
                let (group_ids, created_at) =
                    existing.map_or((Vec::new(), at), |a| (a.group_ids, a.created_at));
                self.view.put(Doc::Agent(AgentDoc {
                    id: id.clone(),
                    name: name.clone(),
                    email: email.clone(),
                    role: *role,
                    active: *active,
                    group_ids,
                    created_at,
                }));
            }
            Mutation::SaveGroup {
                id,
                name,
                description,
            } => {
                let created_at = self.view.group(id)?.map_or(at, |g| g.created_at);
                self.view.put(Doc::Group(GroupDoc {
                    id: id.clone(),
                    name: name.clone(),
                    description: description.clone(),
                    created_at,
                }));
            }
            Mutation::SetAgentGroups {
                agent_id,
                group_ids,
            } => {
                let mut agent = self.require_agent(agent_id)?;
                for g in group_ids {
                    self.require_group(g)?;
                }
                agent.group_ids = group_ids.clone();
                agent.group_ids.sort();
                agent.group_ids.dedup();
                self.view.put(Doc::Agent(agent));
            }
            Mutation::CreateTag { name } => self.ensure_tag(name)?,
            Mutation::DeleteTag { name } => {
                let used = self.view.tag_use_count(name)?;
                if used > 0 {
                    return Err(DomainError::invalid(
                        "tag",
                        format!("'{name}' is on {used} tickets; remove it from them first."),
                    ));
                }
                // Deleting an unknown tag changes nothing, as on the desktop.
                if self.view.tag(name)?.is_some() {
                    self.view.write(DocWrite::Delete {
                        key: DocKey {
                            kind: DocKind::Tag,
                            id: name.clone(),
                        },
                    });
                }
            }
            Mutation::SaveView { .. } | Mutation::DeleteView { .. } => {
                return Err(DomainError::invalid(
                    "name",
                    "Saved views stay on this desktop; they are not shared through the server.",
                ));
            }
        }
        Ok(())
    }

    fn me(&self) -> Who {
        Who {
            id: (!self.by_customer).then(|| self.ctx.actor.id.clone()),
            name: self.ctx.actor.name.clone(),
        }
    }

    /// A ticket that can still take changes: it exists, is not deleted and not merged away.
    fn live_ticket(&mut self, id: &str) -> Result<TicketDoc, DomainError> {
        let t = self
            .view
            .ticket(id)?
            .ok_or_else(|| DomainError::not_found("ticket", id))?;
        let label = t
            .number
            .map_or_else(|| "This ticket".to_owned(), |n| format!("#{n}"));
        if t.deleted_at.is_some() {
            return Err(DomainError::new(
                ErrorCode::TicketDeleted,
                None,
                format!("{label} was deleted; nothing was changed."),
            ));
        }
        if let Some(target) = &t.merged_into_id {
            let into = self
                .view
                .ticket(target)?
                .and_then(|t| t.number)
                .map_or_else(|| "another ticket".to_owned(), |n| format!("#{n}"));
            return Err(DomainError::new(
                ErrorCode::TicketMerged,
                None,
                format!("{label} was merged into {into}; continue there. Nothing was changed."),
            ));
        }
        Ok(t)
    }

    /// Writes a changed ticket, bumping `updated_at` (strictly increasing, so every change
    /// sorts after the previous one even within one millisecond) and `version`.
    fn save_ticket(&mut self, mut t: TicketDoc) {
        t.updated_at = (t.updated_at + 1).max(self.ctx.at);
        t.version += 1;
        self.view.put(Doc::Ticket(t));
    }

    fn event(
        &mut self,
        ticket_id: &str,
        who: &Who,
        field: &str,
        old: Option<&str>,
        new: Option<&str>,
    ) {
        let event = TicketEvent {
            id: (self.ctx.new_id)(),
            ticket_id: ticket_id.to_owned(),
            actor_id: who.id.clone(),
            actor_name: who.name.clone(),
            field: field.to_owned(),
            old_value: old.map(str::to_owned),
            new_value: new.map(str::to_owned),
            created_at: self.ctx.at,
        };
        self.view.put(Doc::Event(event));
    }

    /// Changes the status with its audit event and metrics. Solving or closing an open ticket
    /// sets `solved_at`; closing a solved one keeps it; leaving solved/closed counts a reopen.
    fn set_status(
        &mut self,
        t: &mut TicketDoc,
        to: TicketStatus,
        who: &Who,
    ) -> Result<(), DomainError> {
        let from = t.status;
        if from == to {
            return Ok(());
        }
        if !to.is_open_like() {
            t.solved_at = match (from.is_open_like(), t.solved_at) {
                (false, Some(kept)) => Some(kept),
                _ => Some(self.ctx.at),
            };
        }
        if !from.is_open_like() && to.is_open_like() {
            t.reopen_count += 1;
            self.withdraw_scheduled_surveys(&t.id)?;
        }
        t.status = to;
        self.event(&t.id, who, "status", Some(from.as_str()), Some(to.as_str()));
        Ok(())
    }

    /// A survey still waiting for its delay (`Mailbox::survey_delay_minutes`) is not sent
    /// once the ticket is reopened or deleted: the customer is not asked how it went while it
    /// is still going. The mail stays in the thread, withdrawn, and counts as no survey (see
    /// `MessageMail::survey_to`), so solving the ticket again asks again.
    fn withdraw_scheduled_surveys(&mut self, ticket_id: &str) -> Result<(), DomainError> {
        let at = self.ctx.at;
        for mut msg in self.view.messages_of(ticket_id)? {
            let Some(e) = msg.email.as_mut().filter(|e| e.survey.is_some()) else {
                continue;
            };
            let Some(d) = e.delivery.as_mut().filter(|d| d.is_scheduled(at)) else {
                continue;
            };
            d.state = DeliveryState::Withdrawn;
            d.updated_at = at;
            self.view.put(Doc::Message(msg));
        }
        Ok(())
    }

    /// Field changes in the desktop's order, one event per field that really changes.
    fn set_fields(
        &mut self,
        t: &mut TicketDoc,
        ch: &TicketFieldChanges,
        me: &Who,
    ) -> Result<(), DomainError> {
        let id = t.id.clone();
        if let Some(s) = ch.subject.as_ref().filter(|s| **s != t.subject) {
            self.event(&id, me, "subject", Some(&t.subject), Some(s));
            t.subject = s.clone();
        }
        if let Some(p) = ch.priority.filter(|p| *p != t.priority) {
            self.event(
                &id,
                me,
                "priority",
                Some(t.priority.as_str()),
                Some(p.as_str()),
            );
            t.priority = p;
        }
        if let Some(ty) = ch.ticket_type.filter(|ty| *ty != t.ticket_type) {
            self.event(
                &id,
                me,
                "type",
                Some(t.ticket_type.as_str()),
                Some(ty.as_str()),
            );
            t.ticket_type = ty;
        }
        if let Some(a) = ch.assignee_id.as_ref().filter(|a| **a != t.assignee_id) {
            let new_name = match a {
                Some(a) => Some(self.require_agent(a)?.name),
                None => None,
            };
            let old_name = match &t.assignee_id {
                Some(o) => Some(self.agent_name(o)?),
                None => None,
            };
            self.event(
                &id,
                me,
                "assignee",
                old_name.as_deref(),
                new_name.as_deref(),
            );
            t.assignee_id = a.clone();
            // Someone took a new ticket: it is being worked on now.
            if a.is_some() && t.status == TicketStatus::New && ch.status.is_none() {
                self.set_status(t, TicketStatus::Open, me)?;
            }
        }
        if let Some(g) = ch.group_id.as_ref().filter(|g| **g != t.group_id) {
            let new_name = match g {
                Some(g) => Some(self.require_group(g)?.name),
                None => None,
            };
            let old_name = match &t.group_id {
                Some(o) => Some(self.require_group(o)?.name),
                None => None,
            };
            self.event(&id, me, "group", old_name.as_deref(), new_name.as_deref());
            t.group_id = g.clone();
        }
        if let Some(s) = ch.status {
            self.set_status(t, s, me)?;
        }
        Ok(())
    }

    /// Moves every message of the source to the target and closes the source, pointing to
    /// the target, with events and a system message on both.
    fn merge(&mut self, source_id: &str, target_id: &str, me: &Who) -> Result<(), DomainError> {
        let mut src = self.live_ticket(source_id)?;
        let mut dst = self.live_ticket(target_id)?;
        let label =
            |n: Option<i64>| n.map_or_else(|| "a pending ticket".to_owned(), |n| format!("#{n}"));
        let (src_label, dst_label) = (label(src.number), label(dst.number));
        for mut msg in self.view.messages_of(source_id)? {
            msg.ticket_id = target_id.to_owned();
            self.view.put(Doc::Message(msg));
        }
        for tag in &src.tags {
            add_tag(&mut dst.tags, tag);
        }
        dst.message_count = self
            .view
            .messages_of(target_id)?
            .iter()
            .filter(|m| m.kind != MessageKind::System)
            .count() as i64;
        src.merged_into_id = Some(target_id.to_owned());
        src.message_count = 0;
        self.set_status(&mut src, TicketStatus::Closed, me)?;
        self.event(source_id, me, "merged_into", None, Some(&dst_label));
        self.event(target_id, me, "merged_from", None, Some(&src_label));
        let into_target = format!("{} merged {src_label} into this ticket.", me.name);
        self.system_message(&mut dst, &into_target)?;
        let into_source = format!("{} merged this ticket into {dst_label}.", me.name);
        self.system_message(&mut src, &into_source)?;
        self.save_ticket(src);
        self.save_ticket(dst);
        Ok(())
    }

    /// The customer wrote: a solved or waiting ticket needs an agent again. The change is the
    /// customer's doing, so no agent id.
    fn customer_wrote(&mut self, t: &mut TicketDoc, name: String) -> Result<(), DomainError> {
        t.last_customer_message_at = Some(self.ctx.at);
        if !t.status.is_open_like() || t.status == TicketStatus::Pending {
            let customer = Who { id: None, name };
            self.set_status(t, TicketStatus::Open, &customer)?;
        }
        Ok(())
    }

    /// A message that is (to be) sent by e-mail.
    fn mailed_message(&mut self, id: &str) -> Result<MessageDoc, DomainError> {
        let msg = self
            .view
            .message(id)?
            .ok_or_else(|| DomainError::not_found("message", id))?;
        if msg
            .email
            .as_ref()
            .and_then(|e| e.delivery.as_ref())
            .is_none()
        {
            return Err(DomainError::invalid(
                "message_id",
                "This message is not sent by e-mail.",
            ));
        }
        Ok(msg)
    }

    /// The e-mail an agent's reply becomes: to the requester, CC as the agent chose or as the
    /// thread's latest mail had it, threaded under that mail. `None` when there is no mailbox
    /// or the requester has no address: the reply stays in Porchlight (and the agent is told).
    fn outgoing_mail(
        &mut self,
        t: &TicketDoc,
        message_id: &str,
        cc: Option<&[String]>,
    ) -> Result<Option<MessageMail>, DomainError> {
        // A helpdesk that reads no mail pays nothing more per reply: the thread is read
        // only when there is a mailbox to send from.
        let mailboxes = self.view.mailboxes()?;
        if !mailboxes.iter().any(|b| b.active) {
            return Ok(None);
        }
        // Acknowledgements and auto-replies are no one's words: the reply answers the
        // latest mail a person wrote, to everyone on it.
        let last = self
            .view
            .messages_of(&t.id)?
            .into_iter()
            .rev()
            .find_map(|m| m.email.filter(|e| !e.automatic));
        let requester = self
            .view
            .customer(&t.requester_id)?
            .and_then(|c| c.emails.first().cloned());
        let Ok(r) = route(last.as_ref(), &mailboxes, requester.as_deref()) else {
            return Ok(None);
        };
        let cc = match cc {
            Some(list) => list.iter().filter(|a| **a != r.to).cloned().collect(),
            None => r.cc,
        };
        Ok(Some(MessageMail {
            mailbox_id: r.mailbox.id.clone(),
            mail_id: outgoing_mail_id(message_id, r.mailbox.domain()),
            from: r.mailbox.address.clone(),
            from_name: r.mailbox.name.clone(),
            to: vec![r.to],
            cc,
            subject: t.subject.clone(),
            references: reply_references(last.as_ref()),
            raw_attachment_id: None,
            delivery: Some(Delivery {
                state: DeliveryState::Queued,
                error: None,
                attempts: 0,
                updated_at: self.ctx.at,
                not_before: None,
            }),
            problems: Vec::new(),
            auth_warning: None,
            automatic: false,
            new_text: None,
            survey: None,
        }))
    }

    /// Whether `address` takes part in a ticket: its requester, or anyone a mail on it came
    /// from or went to.
    fn on_ticket(&mut self, t: &TicketDoc, address: &str) -> Result<bool, DomainError> {
        if self
            .view
            .customer(&t.requester_id)?
            .is_some_and(|c| c.emails.iter().any(|e| e == address))
        {
            return Ok(true);
        }
        Ok(self.view.messages_of(&t.id)?.iter().any(|m| {
            m.email.as_ref().is_some_and(|e| {
                e.from == address || e.to.iter().chain(&e.cc).any(|a| a == address)
            })
        }))
    }

    /// A fetched mail: it joins the ticket it answers (by Message-ID, then by subject tag;
    /// merged tickets redirect) when its sender takes part in that ticket; otherwise it starts
    /// a ticket, linked to the one it pointed at, so it never shows in another customer's
    /// thread. A mail from an agent's address joins as an internal note, never as that agent's
    /// reply. A new ticket's customer gets an acknowledgement unless the mail was automatic.
    fn receive_mail(
        &mut self,
        ticket_id: &str,
        message_id: &str,
        mail: &InboundMail,
    ) -> Result<(), DomainError> {
        let at = self.ctx.at;
        if self.view.message_by_mail_id(&mail.mail_id)?.is_some() {
            return Err(DomainError::new(
                ErrorCode::Conflict,
                Some("mail_id"),
                "This e-mail was already received.",
            ));
        }
        let mailboxes = self.view.mailboxes()?;
        let mailbox = mailboxes
            .iter()
            .find(|b| b.id == mail.mailbox_id)
            .cloned()
            .ok_or_else(|| DomainError::not_found("mailbox", &mail.mailbox_id))?;
        if mailboxes.iter().any(|b| b.address == mail.from) {
            return Err(DomainError::invalid(
                "from",
                "Mail from one of the helpdesk's own addresses is not taken in: it would loop.",
            ));
        }
        let mut answered: Option<TicketDoc> = None;
        // The survey the mail answers, if it answers one: (kind, the survey's ticket).
        let mut survey: Option<(SurveyKind, String)> = None;
        for key in &mail.references {
            if let Some(m) = self.view.message_by_mail_id(key)? {
                answered = self.view.ticket(&m.ticket_id)?;
                if answered.is_some() {
                    survey = m
                        .email
                        .as_ref()
                        .and_then(|e| e.survey)
                        .map(|k| (k, m.ticket_id.clone()));
                    break;
                }
            }
        }
        if answered.is_none() {
            if let Some(n) = mail.tag_number {
                answered = self.view.ticket_by_number(n)?;
            }
        }
        if let Some(t) = &answered {
            if let Some((target, _)) = merge_destination(&mut self.view, &t.id)? {
                answered = self.view.ticket(&target)?;
            }
        }
        let answered = answered.filter(|t| t.deleted_at.is_none() && t.merged_into_id.is_none());
        let agent = self.view.agent_by_email(&mail.from)?;
        let joins = match &answered {
            Some(t) => agent.is_some() || self.on_ticket(t, &mail.from)?,
            None => false,
        };
        let body_html = mail
            .body_html
            .as_deref()
            .filter(|h| !h.trim().is_empty())
            .map(sanitize_for_storage);
        let body_text = match (&body_html, mail.body_text.trim().is_empty()) {
            (Some(h), true) => html_to_text(h),
            _ => mail.body_text.clone(),
        };
        let meta = MessageMail {
            mailbox_id: mail.mailbox_id.clone(),
            mail_id: mail.mail_id.clone(),
            from: mail.from.clone(),
            from_name: mail.from_name.clone(),
            to: mail.to.clone(),
            cc: mail.cc.clone(),
            subject: mail.subject.clone(),
            references: mail.references.clone(),
            raw_attachment_id: mail.raw_attachment_id.clone(),
            delivery: None,
            problems: mail.problems.clone(),
            auth_warning: mail.auth_warning.clone(),
            automatic: mail.automatic,
            new_text: mail.new_text.clone(),
            survey: None,
        };
        let sender_name = if mail.from_name.is_empty() {
            mail.from.split('@').next().unwrap_or(&mail.from).to_owned()
        } else {
            mail.from_name.clone()
        };

        // The requester's reply to a survey that begins with an answer is recorded as their
        // rating: kept on the ticket as a system message, without reopening it.
        if let (Some((kind, survey_ticket)), Some(mut t), None) =
            (&survey, answered.clone(), &agent)
        {
            let text = mail.new_text.as_deref().unwrap_or(&body_text);
            let requester = self.view.customer_by_email(&mail.from)?;
            if let (Some(c), Some((score, comment))) = (
                requester.filter(|c| c.id == t.requester_id),
                crate::mail::survey_answer(text, *kind),
            ) {
                let on = t.id.clone();
                self.insert_message(
                    &mut t,
                    MessageDoc {
                        id: message_id.to_owned(),
                        ticket_id: on,
                        kind: MessageKind::System,
                        author_kind: AuthorKind::Customer,
                        author_id: Some(c.id.clone()),
                        author_name: c.name.clone(),
                        body_text,
                        body_html,
                        attachment_ids: mail.attachment_ids.clone(),
                        created_at: at,
                        email: Some(meta),
                    },
                )?;
                self.save_ticket(t);
                return self.record_rating(survey_ticket, *kind, score, &comment, RatingVia::Email);
            }
        }

        if let (Some(mut t), true) = (answered.clone(), joins) {
            let (kind, author_kind, author_id, author_name) = match &agent {
                // Anyone can write an agent's address in From: shown as what it is.
                Some(a) => (
                    MessageKind::Note,
                    AuthorKind::Agent,
                    None,
                    format!("{} <{}>", a.name, mail.from),
                ),
                None => {
                    let c = self.sender(mail, &sender_name)?;
                    (MessageKind::Reply, AuthorKind::Customer, Some(c.id), c.name)
                }
            };
            let on = t.id.clone();
            self.insert_message(
                &mut t,
                MessageDoc {
                    id: message_id.to_owned(),
                    ticket_id: on,
                    kind,
                    author_kind,
                    author_id,
                    author_name: author_name.clone(),
                    body_text,
                    body_html,
                    attachment_ids: mail.attachment_ids.clone(),
                    created_at: at,
                    email: Some(meta),
                },
            )?;
            // An out-of-office answer is kept but does not reopen the ticket.
            if author_kind == AuthorKind::Customer && !mail.automatic {
                self.customer_wrote(&mut t, author_name)?;
            }
            self.save_ticket(t);
            return Ok(());
        }

        let requester = self.sender(mail, &sender_name)?;
        let subject = if mail.subject.is_empty() {
            let p = preview(&body_text);
            let first: String = p.chars().take(80).collect();
            if first.is_empty() {
                format!("{}: {}", mailbox.name, mail.from)
            } else {
                first
            }
        } else {
            mail.subject.clone()
        };
        let group_id = match &mailbox.group_id {
            Some(g) if self.view.group(g)?.is_some() => Some(g.clone()),
            _ => None,
        };
        let create = Mutation::CreateTicket {
            ticket_id: ticket_id.to_owned(),
            message_id: message_id.to_owned(),
            subject,
            requester: RequesterRef::Existing {
                id: requester.id.clone(),
            },
            channel: Channel::Email,
            priority: Priority::Normal,
            ticket_type: TicketType::Question,
            assignee_id: None,
            group_id,
            tags: Vec::new(),
            body_text: body_text.clone(),
            attachment_ids: mail.attachment_ids.clone(),
            outbound: false,
        };
        self.run(&create)?;
        let mut t = self
            .view
            .ticket(ticket_id)?
            .ok_or_else(|| DomainError::not_found("ticket", ticket_id))?;
        if let Some(Doc::Message(m)) = self.view.pending(DocKind::Message, message_id).flatten() {
            let mut m = m.clone();
            m.body_html = body_html;
            m.email = Some(meta);
            self.view.put(Doc::Message(m));
        }
        let language = if requester.language.is_empty() {
            mail.language.clone()
        } else {
            requester.language.clone()
        };
        if t.language.is_empty() && !language.is_empty() {
            t.language = language.clone();
            self.view.put(Doc::Ticket(t.clone()));
        }
        if let Some(linked) = answered {
            let label = linked
                .number
                .map_or_else(|| linked.id.clone(), |n| format!("#{n}"));
            let who = self.me();
            self.event(ticket_id, &who, "linked", None, Some(&label));
        }
        if !mail.automatic {
            self.acknowledge(&mut t, &mailbox, mail, &requester, &language)?;
            self.view.put(Doc::Ticket(t));
        }
        Ok(())
    }

    /// The customer a mail is from: known by address, else created with the mail's name and
    /// language.
    fn sender(&mut self, mail: &InboundMail, name: &str) -> Result<CustomerDoc, DomainError> {
        if let Some(c) = self.view.customer_by_email(&mail.from)? {
            return Ok(c);
        }
        let id = (self.ctx.new_id)();
        self.save_customer(CustomerDoc {
            id,
            name: name.to_owned(),
            emails: vec![mail.from.clone()],
            phone: String::new(),
            organization_id: None,
            language: mail.language.clone(),
            notes: String::new(),
            created_at: self.ctx.at,
            updated_at: self.ctx.at,
        })
    }

    /// Stores a customer's answer (one per ticket and kind; answering again changes it) with
    /// an audit event in the customer's name. A ticket merged away keeps its rating: the
    /// answer is about that ticket.
    fn record_rating(
        &mut self,
        ticket_id: &str,
        kind: SurveyKind,
        score: i64,
        comment: &str,
        via: RatingVia,
    ) -> Result<(), DomainError> {
        let at = self.ctx.at;
        let t = self
            .view
            .ticket(ticket_id)?
            .filter(|t| t.deleted_at.is_none())
            .ok_or_else(|| DomainError::not_found("ticket", ticket_id))?;
        let id = crate::records::rating_doc_id(ticket_id, kind);
        let before = self.view.rating(&id)?;
        if before
            .as_ref()
            .is_some_and(|r| r.score == score && r.comment == comment)
        {
            return Ok(());
        }
        let old = before
            .as_ref()
            .map(|r| format!("{}:{}", kind.as_str(), r.score));
        self.view.put(Doc::Rating(RatingDoc {
            id,
            kind,
            ticket_id: ticket_id.to_owned(),
            customer_id: t.requester_id.clone(),
            score,
            comment: comment.to_owned(),
            via,
            created_at: before.as_ref().map_or(at, |r| r.created_at),
            updated_at: at,
        }));
        let who = self.me();
        let new = format!("{}:{score}", kind.as_str());
        self.event(ticket_id, &who, "rating", old.as_deref(), Some(&new));
        Ok(())
    }

    /// The survey mails when a ticket is solved: sent from the mailbox the conversation used,
    /// each kind that mailbox asks (`Mailbox::asks`: satisfaction, effort, recommendation) in
    /// its own mail, once per ticket, to the requester, in their language, unless that address
    /// was asked the same kind within the mailbox's pause (`Mailbox::survey_pause_days`; the
    /// recommendation question at most every 90 days). The customer answers by replying with
    /// a number (see `receive_mail`), or on the server's survey page. A ticket that never went
    /// by e-mail is not surveyed.
    fn ask_satisfaction(&mut self, t: &mut TicketDoc) -> Result<(), DomainError> {
        let thread = self.view.messages_of(&t.id)?;
        let Some(last) = thread.iter().rev().find_map(|m| m.email.as_ref()) else {
            return Ok(());
        };
        let Some(customer) = self.view.customer(&t.requester_id)? else {
            return Ok(());
        };
        let mailboxes = self.view.mailboxes()?;
        let Ok(r) = route(
            Some(last),
            &mailboxes,
            customer.emails.first().map(String::as_str),
        ) else {
            return Ok(());
        };
        let language = if t.language.is_empty() {
            customer.language.as_str()
        } else {
            t.language.as_str()
        };
        let locale = crate::catalog::Locale::closest(language);
        let number = t.number.map_or_else(String::new, |n| format!("#{n}"));
        let references = reply_references(Some(last));
        for kind in SurveyKind::ALL.iter().copied() {
            if !r.mailbox.asks(kind) {
                continue;
            }
            let asked_here = thread
                .iter()
                .filter_map(|m| m.email.as_ref()?.survey_to())
                .any(|(k, _)| k == kind);
            if asked_here {
                continue;
            }
            let pause = r.mailbox.survey_pause_days(kind) as i64 * 86_400_000;
            if pause > 0
                && self
                    .view
                    .last_survey_to(&r.to, kind)?
                    .is_some_and(|at| at > self.ctx.at - pause)
            {
                continue;
            }
            let (subject, body) = match kind {
                SurveyKind::Csat => ("mail.survey_subject", "mail.survey_body"),
                SurveyKind::Ces => ("mail.survey_ces_subject", "mail.survey_ces_body"),
                SurveyKind::Nps => ("mail.survey_nps_subject", "mail.survey_nps_body"),
            };
            let args = [
                ("subject", t.subject.as_str()),
                ("name", customer.name.as_str()),
                ("number", number.as_str()),
            ];
            let mail = AutomaticMail {
                to: r.to.clone(),
                subject: crate::catalog::fill(locale.t(subject), &args),
                body: crate::catalog::fill(locale.t(body), &args),
                references: references.clone(),
                survey: Some(kind),
                not_before: r.mailbox.survey_delay(self.ctx.at),
            };
            self.queue_automatic_mail(t, &r.mailbox, mail)?;
        }
        Ok(())
    }

    /// An automatic mail from `mailbox` (an acknowledgement, a survey) as a system message
    /// queued for sending: it is no agent's response.
    fn queue_automatic_mail(
        &mut self,
        t: &mut TicketDoc,
        mailbox: &Mailbox,
        mail: AutomaticMail,
    ) -> Result<(), DomainError> {
        let id = (self.ctx.new_id)();
        let msg = MessageDoc {
            id: id.clone(),
            ticket_id: t.id.clone(),
            kind: MessageKind::System,
            author_kind: AuthorKind::System,
            author_id: None,
            author_name: mailbox.name.clone(),
            body_text: mail.body,
            body_html: None,
            attachment_ids: Vec::new(),
            created_at: self.ctx.at,
            email: Some(MessageMail {
                mailbox_id: mailbox.id.clone(),
                mail_id: outgoing_mail_id(&id, mailbox.domain()),
                from: mailbox.address.clone(),
                from_name: mailbox.name.clone(),
                to: vec![mail.to],
                cc: Vec::new(),
                subject: mail.subject,
                references: mail.references,
                raw_attachment_id: None,
                delivery: Some(Delivery {
                    state: DeliveryState::Queued,
                    error: None,
                    attempts: 0,
                    updated_at: self.ctx.at,
                    not_before: mail.not_before,
                }),
                problems: Vec::new(),
                auth_warning: None,
                automatic: true,
                new_text: None,
                survey: mail.survey,
            }),
        };
        self.insert_message(t, msg)
    }

    /// The automatic "we received your request" mail, in the customer's language, as a system
    /// message queued for sending (it is no agent's first response).
    fn acknowledge(
        &mut self,
        t: &mut TicketDoc,
        mailbox: &Mailbox,
        mail: &InboundMail,
        customer: &CustomerDoc,
        language: &str,
    ) -> Result<(), DomainError> {
        let number = t.number.map_or_else(String::new, |n| format!("#{n}"));
        let (subject, body) = match mailbox.acknowledgement(language) {
            Some(a) => {
                let ctx = crate::config::MacroContext {
                    customer_name: customer.name.clone(),
                    ticket_number: t.number,
                    ticket_subject: t.subject.clone(),
                    agent_name: mailbox.name.clone(),
                };
                (
                    crate::config::render_macro(&a.subject, &ctx),
                    crate::config::render_macro(&a.body, &ctx),
                )
            }
            None => {
                let locale = crate::catalog::Locale::closest(language);
                let args = [
                    ("subject", t.subject.as_str()),
                    ("name", customer.name.as_str()),
                    ("number", number.as_str()),
                ];
                (
                    crate::catalog::fill(locale.t("mail.ack_subject"), &args),
                    crate::catalog::fill(locale.t("mail.ack_body"), &args),
                )
            }
        };
        let ack = AutomaticMail {
            to: mail.from.clone(),
            subject,
            body,
            references: vec![mail.mail_id.clone()],
            survey: None,
            not_before: None,
        };
        self.queue_automatic_mail(t, mailbox, ack)
    }

    fn require_new_message(&mut self, id: &str) -> Result<(), DomainError> {
        if self.view.message(id)?.is_some() {
            return Err(DomainError::new(
                ErrorCode::Conflict,
                Some("message_id"),
                "This message was already sent.",
            ));
        }
        Ok(())
    }

    /// Adds a message to a ticket. Replies and notes count; only replies become the preview
    /// (notes are internal), and system messages do neither.
    fn insert_message(&mut self, t: &mut TicketDoc, msg: MessageDoc) -> Result<(), DomainError> {
        self.require_new_message(&msg.id)?;
        match msg.kind {
            MessageKind::System => {}
            MessageKind::Note => t.message_count += 1,
            MessageKind::Reply => {
                t.message_count += 1;
                t.preview = preview(&msg.body_text);
            }
        }
        self.view.put(Doc::Message(msg));
        Ok(())
    }

    fn system_message(&mut self, t: &mut TicketDoc, text: &str) -> Result<(), DomainError> {
        let msg = MessageDoc {
            id: (self.ctx.new_id)(),
            ticket_id: t.id.clone(),
            kind: MessageKind::System,
            author_kind: AuthorKind::System,
            author_id: None,
            author_name: "Porchlight".to_owned(),
            body_text: text.to_owned(),
            body_html: None,
            attachment_ids: Vec::new(),
            created_at: self.ctx.at,
            email: None,
        };
        self.insert_message(t, msg)
    }

    /// An agent who can take tickets.
    fn require_agent(&mut self, id: &str) -> Result<AgentDoc, DomainError> {
        match self.view.agent(id)? {
            Some(a) if a.active => Ok(a),
            Some(a) => Err(DomainError::invalid(
                "assignee",
                format!("{} is deactivated and cannot take tickets.", a.name),
            )),
            None => Err(DomainError::not_found("agent", id)),
        }
    }

    /// The name shown for a (possibly deactivated or unknown) agent in the audit trail.
    fn agent_name(&mut self, id: &str) -> Result<String, DomainError> {
        Ok(self
            .view
            .agent(id)?
            .map_or_else(|| "Unknown agent".to_owned(), |a| a.name))
    }

    fn require_group(&mut self, id: &str) -> Result<GroupDoc, DomainError> {
        self.view
            .group(id)?
            .ok_or_else(|| DomainError::not_found("group", id))
    }

    fn ensure_tag(&mut self, name: &str) -> Result<(), DomainError> {
        if self.view.tag(name)?.is_none() {
            self.view.put(Doc::Tag(TagDoc {
                name: name.to_owned(),
                created_at: self.ctx.at,
            }));
        }
        Ok(())
    }

    /// The requester of a new ticket: an existing customer, the owner of the given address,
    /// or a new customer.
    fn requester(&mut self, r: &RequesterRef) -> Result<CustomerDoc, DomainError> {
        match r {
            RequesterRef::Existing { id } => self
                .view
                .customer(id)?
                .ok_or_else(|| DomainError::not_found("customer", id)),
            RequesterRef::New {
                id,
                name,
                email,
                phone,
            } => {
                // A known address means a known customer: reuse, never duplicate.
                if let Some(e) = email {
                    if let Some(known) = self.view.customer_by_email(e)? {
                        return Ok(known);
                    }
                }
                // A new customer under a used id would overwrite someone else's record.
                if let Some(owner) = self.view.customer(id)? {
                    return Err(DomainError::new(
                        ErrorCode::Conflict,
                        Some("requester"),
                        format!("The customer id {id} already belongs to {}.", owner.name),
                    ));
                }
                self.save_customer(CustomerDoc {
                    id: id.clone(),
                    name: name.clone(),
                    emails: email.iter().cloned().collect(),
                    phone: phone.clone().unwrap_or_default(),
                    organization_id: None,
                    language: String::new(),
                    notes: String::new(),
                    created_at: self.ctx.at,
                    updated_at: self.ctx.at,
                })
            }
        }
    }

    /// Creates or updates a customer (keeping its `created_at`). An address of another
    /// customer is refused, so one address always leads to one requester; without an
    /// organization the customer joins the one owning an address's domain.
    fn save_customer(&mut self, mut c: CustomerDoc) -> Result<CustomerDoc, DomainError> {
        for e in &c.emails {
            if let Some(owner) = self.view.customer_by_email(e)? {
                if owner.id != c.id {
                    return Err(DomainError::new(
                        ErrorCode::Conflict,
                        Some("email"),
                        format!("{e} already belongs to the customer {}.", owner.name),
                    ));
                }
            }
        }
        match &c.organization_id {
            Some(org) => {
                if self.view.organization(org)?.is_none() {
                    return Err(DomainError::not_found("organization", org));
                }
            }
            None => {
                for e in &c.emails {
                    let Some((_, domain)) = e.split_once('@') else {
                        continue;
                    };
                    if let Some(o) = self.view.organization_by_domain(domain)? {
                        c.organization_id = Some(o.id);
                        break;
                    }
                }
            }
        }
        if let Some(old) = self.view.customer(&c.id)? {
            c.created_at = old.created_at;
        }
        c.updated_at = self.ctx.at;
        self.view.put(Doc::Customer(c.clone()));
        Ok(c)
    }
}

/// Adds a tag keeping the list sorted and unique; false when it was already there.
fn add_tag(tags: &mut Vec<String>, tag: &str) -> bool {
    match tags.binary_search_by(|g| g.as_str().cmp(tag)) {
        Ok(_) => false,
        Err(i) => {
            tags.insert(i, tag.to_owned());
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::model::{Channel, Priority, TicketType};

    /// An in-memory store: documents by id, an e-mail index and a ticket number counter.
    struct MemState {
        tickets: BTreeMap<String, TicketDoc>,
        messages: BTreeMap<String, MessageDoc>,
        events: Vec<TicketEvent>,
        customers: BTreeMap<String, CustomerDoc>,
        emails: BTreeMap<String, String>,
        organizations: BTreeMap<String, OrganizationDoc>,
        agents: BTreeMap<String, AgentDoc>,
        groups: BTreeMap<String, GroupDoc>,
        tags: BTreeMap<String, TagDoc>,
        ratings: BTreeMap<String, RatingDoc>,
        mailboxes: Vec<Mailbox>,
        last_number: i64,
        clock: i64,
        last_id: u64,
    }

    impl StateView for MemState {
        fn ticket(&mut self, id: &str) -> Result<Option<TicketDoc>, DomainError> {
            Ok(self.tickets.get(id).cloned())
        }
        fn last_survey_to(
            &mut self,
            address: &str,
            kind: SurveyKind,
        ) -> Result<Option<i64>, DomainError> {
            Ok(self
                .messages
                .values()
                .filter(|m| asks(m, kind, address))
                .map(|m| m.created_at)
                .max())
        }
        fn rating(&mut self, id: &str) -> Result<Option<RatingDoc>, DomainError> {
            Ok(self.ratings.get(id).cloned())
        }
        fn message(&mut self, id: &str) -> Result<Option<MessageDoc>, DomainError> {
            Ok(self.messages.get(id).cloned())
        }
        fn messages_of(&mut self, ticket_id: &str) -> Result<Vec<MessageDoc>, DomainError> {
            let mut v: Vec<MessageDoc> = self
                .messages
                .values()
                .filter(|m| m.ticket_id == ticket_id)
                .cloned()
                .collect();
            v.sort_by_key(|m| m.created_at);
            Ok(v)
        }
        fn customer(&mut self, id: &str) -> Result<Option<CustomerDoc>, DomainError> {
            Ok(self.customers.get(id).cloned())
        }
        fn customer_by_email(&mut self, email: &str) -> Result<Option<CustomerDoc>, DomainError> {
            Ok(self
                .emails
                .get(email)
                .and_then(|id| self.customers.get(id))
                .cloned())
        }
        fn organization(&mut self, id: &str) -> Result<Option<OrganizationDoc>, DomainError> {
            Ok(self.organizations.get(id).cloned())
        }
        fn agent(&mut self, id: &str) -> Result<Option<AgentDoc>, DomainError> {
            Ok(self.agents.get(id).cloned())
        }
        fn agent_by_email(&mut self, email: &str) -> Result<Option<AgentDoc>, DomainError> {
            Ok(self.agents.values().find(|a| a.email == email).cloned())
        }
        fn group(&mut self, id: &str) -> Result<Option<GroupDoc>, DomainError> {
            Ok(self.groups.get(id).cloned())
        }
        fn tag(&mut self, name: &str) -> Result<Option<TagDoc>, DomainError> {
            Ok(self.tags.get(name).cloned())
        }
        fn tag_use_count(&mut self, name: &str) -> Result<i64, DomainError> {
            let name = name.to_owned();
            Ok(self
                .tickets
                .values()
                .filter(|t| t.tags.contains(&name))
                .count() as i64)
        }
        fn next_ticket_number(&mut self) -> Result<i64, DomainError> {
            self.last_number += 1;
            Ok(self.last_number)
        }
        fn organization_by_domain(
            &mut self,
            domain: &str,
        ) -> Result<Option<OrganizationDoc>, DomainError> {
            let domain = domain.to_owned();
            Ok(self
                .organizations
                .values()
                .find(|o| o.domains.contains(&domain))
                .cloned())
        }
        fn message_by_mail_id(&mut self, mail_id: &str) -> Result<Option<MessageDoc>, DomainError> {
            Ok(self
                .messages
                .values()
                .find(|m| m.email.as_ref().is_some_and(|e| e.mail_id == mail_id))
                .cloned())
        }
        fn ticket_by_number(&mut self, number: i64) -> Result<Option<TicketDoc>, DomainError> {
            Ok(self
                .tickets
                .values()
                .find(|t| t.number == Some(number))
                .cloned())
        }
        fn mailboxes(&mut self) -> Result<Vec<Mailbox>, DomainError> {
            Ok(self.mailboxes.clone())
        }
    }

    fn agent_doc(id: &str, name: &str, role: AgentRole, active: bool) -> AgentDoc {
        AgentDoc {
            id: id.into(),
            name: name.into(),
            email: format!("{id}@desk.example"),
            role,
            active,
            group_ids: vec!["g1".into()],
            created_at: 1,
        }
    }

    impl MemState {
        /// Admin a1 (Deniz), agent a2 (Ola), deactivated a3 (Kim), group g1 (Billing).
        fn new() -> Self {
            let agents = [
                agent_doc("a1", "Deniz", AgentRole::Admin, true),
                agent_doc("a2", "Ola", AgentRole::Agent, true),
                agent_doc("a3", "Kim", AgentRole::Agent, false),
            ];
            let group = GroupDoc {
                id: "g1".into(),
                name: "Billing".into(),
                description: String::new(),
                created_at: 1,
            };
            MemState {
                tickets: BTreeMap::new(),
                messages: BTreeMap::new(),
                events: Vec::new(),
                customers: BTreeMap::new(),
                emails: BTreeMap::new(),
                organizations: BTreeMap::new(),
                agents: agents.into_iter().map(|a| (a.id.clone(), a)).collect(),
                groups: BTreeMap::from([("g1".into(), group)]),
                tags: BTreeMap::new(),
                ratings: BTreeMap::new(),
                mailboxes: Vec::new(),
                last_number: 1000,
                clock: 1_000_000,
                last_id: 0,
            }
        }

        fn store(&mut self, writes: &[DocWrite]) {
            for w in writes {
                match w.clone() {
                    DocWrite::Delete { key } => {
                        assert_eq!(key.kind, DocKind::Tag, "only tags are deleted");
                        self.tags.remove(&key.id);
                    }
                    DocWrite::Put { doc } => match doc {
                        Doc::Ticket(t) => {
                            self.tickets.insert(t.id.clone(), t);
                        }
                        Doc::Message(m) => {
                            self.messages.insert(m.id.clone(), m);
                        }
                        Doc::Event(e) => self.events.push(e),
                        Doc::Customer(c) => {
                            self.emails.retain(|_, owner| *owner != c.id);
                            for e in &c.emails {
                                self.emails.insert(e.clone(), c.id.clone());
                            }
                            self.customers.insert(c.id.clone(), c);
                        }
                        Doc::Organization(o) => {
                            self.organizations.insert(o.id.clone(), o);
                        }
                        Doc::Agent(a) => {
                            self.agents.insert(a.id.clone(), a);
                        }
                        Doc::Group(g) => {
                            self.groups.insert(g.id.clone(), g);
                        }
                        Doc::Tag(t) => {
                            self.tags.insert(t.name.clone(), t);
                        }
                        Doc::Rating(r) => {
                            self.ratings.insert(r.id.clone(), r);
                        }
                        other => panic!("the ticket engine wrote a KB document: {other:?}"),
                    },
                }
            }
        }

        /// Validates, authorises and applies a mutation one second after the previous one,
        /// checks each key is written once, and stores the writes.
        fn run(&mut self, actor: &Actor, m: Mutation) -> Result<Vec<DocWrite>, DomainError> {
            let m = m.validated()?;
            authorize(&m, actor)?;
            self.clock += 1000;
            let mut last_id = self.last_id;
            let mut new_id = || {
                last_id += 1;
                format!("gen{last_id}")
            };
            let mut ctx = ApplyContext {
                actor,
                at: self.clock,
                new_id: &mut new_id,
            };
            let writes = apply(&m, &mut ctx, self)?;
            self.last_id = last_id;
            let keys: BTreeSet<DocKey> = writes.iter().map(DocWrite::key).collect();
            assert_eq!(keys.len(), writes.len(), "a key written twice: {writes:#?}");
            self.store(&writes);
            Ok(writes)
        }

        fn ok(&mut self, actor: &Actor, m: Mutation) -> Vec<DocWrite> {
            self.run(actor, m).expect("mutation refused")
        }

        /// Like `run`, for a change the customer makes in the help center.
        fn run_as_customer(&mut self, m: Mutation) -> Result<Vec<DocWrite>, DomainError> {
            self.run_as_customer_in(m, None)
        }

        fn run_as_customer_in(
            &mut self,
            m: Mutation,
            language: Option<&str>,
        ) -> Result<Vec<DocWrite>, DomainError> {
            let m = m.validated()?;
            self.clock += 1000;
            let mut last_id = self.last_id;
            let mut new_id = || {
                last_id += 1;
                format!("gen{last_id}")
            };
            let writes = apply_as_customer(&m, language, self.clock, &mut new_id, self)?;
            self.last_id = last_id;
            self.store(&writes);
            Ok(writes)
        }

        fn events(&self, ticket_id: &str, field: &str) -> Vec<&TicketEvent> {
            self.events
                .iter()
                .filter(|e| e.ticket_id == ticket_id && e.field == field)
                .collect()
        }
    }

    fn admin() -> Actor {
        Actor {
            id: "a1".into(),
            name: "Deniz".into(),
            role: AgentRole::Admin,
        }
    }

    fn agent() -> Actor {
        Actor {
            id: "a2".into(),
            name: "Ola".into(),
            role: AgentRole::Agent,
        }
    }

    fn new_ticket(id: &str, email: Option<&str>) -> Mutation {
        Mutation::CreateTicket {
            ticket_id: id.into(),
            message_id: format!("m-{id}"),
            subject: "Where is my order?".into(),
            requester: RequesterRef::New {
                id: format!("c-{id}"),
                name: "Ayşe Yılmaz".into(),
                email: email.map(Into::into),
                phone: None,
            },
            channel: Channel::Email,
            priority: Priority::Normal,
            ticket_type: TicketType::Question,
            assignee_id: None,
            group_id: None,
            tags: vec!["Refund".into()],
            body_text: "My   order\n never came.".into(),
            attachment_ids: vec![],
            outbound: false,
        }
    }

    fn message(ticket: &str, id: &str, kind: MessageKind, from_customer: bool) -> Mutation {
        Mutation::AddMessage {
            message_id: id.into(),
            ticket_id: ticket.into(),
            kind,
            from_customer,
            body_text: format!("text of {id}"),
            body_html: None,
            attachment_ids: vec![],
            cc: None,
        }
    }

    fn fields(ticket: &str, changes: TicketFieldChanges) -> Mutation {
        Mutation::SetTicketFields {
            ticket_id: ticket.into(),
            changes,
        }
    }

    fn status(ticket: &str, s: TicketStatus) -> Mutation {
        fields(
            ticket,
            TicketFieldChanges {
                status: Some(s),
                ..Default::default()
            },
        )
    }

    fn tag(ticket: &str, name: &str, add: bool) -> Mutation {
        let (ticket_id, tag) = (ticket.to_owned(), name.to_owned());
        if add {
            Mutation::AddTag { ticket_id, tag }
        } else {
            Mutation::RemoveTag { ticket_id, tag }
        }
    }

    fn save_customer(id: &str, emails: &[&str], language: &str) -> Mutation {
        Mutation::SaveCustomer {
            id: id.into(),
            name: format!("Customer {id}"),
            emails: emails.iter().map(|e| e.to_string()).collect(),
            phone: String::new(),
            organization_id: None,
            language: language.into(),
            notes: String::new(),
        }
    }

    fn code(r: Result<Vec<DocWrite>, DomainError>) -> (ErrorCode, String) {
        let e = r.expect_err("mutation should be refused");
        (e.code, e.message)
    }

    #[test]
    fn create_ticket_creates_the_customer_then_reuses_them_by_address() {
        let mut st = MemState::new();
        let writes = st.ok(&admin(), new_ticket("t1", Some("Ayse@Example.com")));
        let kinds: Vec<DocKind> = writes.iter().map(|w| w.key().kind).collect();
        assert_eq!(
            kinds,
            [
                DocKind::Customer,
                DocKind::Tag,
                DocKind::Ticket,
                DocKind::Message,
                DocKind::Event
            ]
        );
        let t = &st.tickets["t1"];
        assert_eq!(t.number, Some(1001));
        assert_eq!(t.status, TicketStatus::New);
        assert_eq!((t.message_count, t.version), (1, 1));
        assert_eq!(t.preview, "My order never came.");
        assert_eq!(t.tags, ["refund"]);
        assert_eq!(t.last_customer_message_at, Some(st.clock));
        assert_eq!(st.customers["c-t1"].emails, ["ayse@example.com"]);
        assert_eq!(st.messages["m-t1"].author_id.as_deref(), Some("c-t1"));
        let created = st.events("t1", "created");
        assert_eq!(created[0].new_value.as_deref(), Some("email"));
        assert_eq!(created[0].actor_id.as_deref(), Some("a1"));

        // The requester's language becomes the ticket's; a known address is the same person.
        st.ok(&admin(), save_customer("c-t1", &["ayse@example.com"], "tr"));
        st.ok(&admin(), new_ticket("t2", Some("ayse@example.com")));
        let t2 = &st.tickets["t2"];
        assert_eq!((t2.requester_id.as_str(), t2.number), ("c-t1", Some(1002)));
        assert_eq!(t2.language, "tr");
        assert!(!st.customers.contains_key("c-t2"));
        assert_eq!(st.customers["c-t1"].created_at, 1_001_000);
    }

    #[test]
    fn create_ticket_with_an_assignee_opens_it_and_duplicates_conflict() {
        let mut st = MemState::new();
        let mut m = new_ticket("t1", None);
        if let Mutation::CreateTicket { assignee_id, .. } = &mut m {
            *assignee_id = Some("a2".into());
        }
        st.ok(&admin(), m.clone());
        assert_eq!(st.tickets["t1"].status, TicketStatus::Open);
        assert_eq!(
            st.events("t1", "assignee")[0].new_value.as_deref(),
            Some("Ola")
        );
        let (c, _) = code(st.run(&admin(), m));
        assert_eq!(c, ErrorCode::Conflict);
        let (c, msg) = code(st.run(&admin(), message("t1", "m-t1", MessageKind::Reply, false)));
        assert_eq!(
            (c, msg.as_str()),
            (ErrorCode::Conflict, "This message was already sent.")
        );
        let mut reused = new_ticket("t9", None);
        if let Mutation::CreateTicket { message_id, .. } = &mut reused {
            *message_id = "m-t1".into();
        }
        let (c, _) = code(st.run(&admin(), reused));
        assert_eq!(c, ErrorCode::Conflict);
        assert_eq!(st.last_number, 1001, "a refused ticket reserves no number");
        // A "new" requester under a known customer's id does not overwrite that customer.
        let before = st.customers["c-t1"].clone();
        let mut stolen = new_ticket("t8", Some("mallory@example.com"));
        if let Mutation::CreateTicket {
            requester: RequesterRef::New { id, .. },
            ..
        } = &mut stolen
        {
            *id = "c-t1".into();
        }
        let (c, _) = code(st.run(&admin(), stolen));
        assert_eq!(c, ErrorCode::Conflict);
        assert_eq!(st.customers["c-t1"], before);
        assert!(!st.tickets.contains_key("t8"));
    }

    fn rate(kind: crate::records::SurveyKind, score: i64, comment: &str) -> Mutation {
        Mutation::RateTicket {
            ticket_id: "t1".into(),
            kind,
            score,
            comment: comment.into(),
            via: crate::records::RatingVia::Page,
        }
    }

    #[test]
    fn a_customer_rates_once_per_kind_and_answering_again_changes_the_answer() {
        use crate::records::SurveyKind;
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", Some("ayse@example.com")));
        st.run_as_customer(rate(SurveyKind::Csat, 1, "  Slow.  "))
            .unwrap();
        let first = st.ratings["t1/csat"].clone();
        assert_eq!((first.score, first.comment.as_str()), (1, "Slow."));
        assert_eq!(first.customer_id, st.tickets["t1"].requester_id);
        st.run_as_customer(rate(SurveyKind::Csat, 3, "Sorted in the end."))
            .unwrap();
        let again = &st.ratings["t1/csat"];
        assert_eq!(st.ratings.len(), 1, "changed, not added");
        assert_eq!((again.score, again.created_at), (3, first.created_at));
        assert!(again.updated_at > first.updated_at);
        // The timeline says what changed, in the customer's name.
        let events = st.events("t1", "rating");
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].old_value.as_deref(), Some("csat:1"));
        assert_eq!(events[1].new_value.as_deref(), Some("csat:3"));
        assert_eq!(events[1].actor_id, None);
        // Each kind is its own answer.
        st.run_as_customer(rate(SurveyKind::Nps, 9, "")).unwrap();
        assert_eq!(st.ratings.len(), 2);
    }

    #[test]
    fn a_rating_out_of_its_scale_or_by_an_agent_is_refused() {
        use crate::records::SurveyKind;
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", None));
        let err = st
            .run_as_customer(rate(SurveyKind::Csat, 4, ""))
            .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("score"));
        assert!(err.message.contains("1 to 3"), "{}", err.message);
        let err = st
            .run_as_customer(rate(SurveyKind::Nps, -1, ""))
            .unwrap_err();
        assert!(err.message.contains("0 to 10"), "{}", err.message);
        let long = "x".repeat(crate::validate::MAX_COMMENT + 1);
        assert!(st.run_as_customer(rate(SurveyKind::Ces, 5, &long)).is_err());
        let (c, _) = code(st.run(&admin(), rate(SurveyKind::Csat, 3, "")));
        assert_eq!(c, ErrorCode::Forbidden);
        assert!(st.ratings.is_empty());
    }

    #[test]
    fn first_agent_reply_sets_first_response_and_opens() {
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", None));
        st.ok(&agent(), message("t1", "r1", MessageKind::Reply, false));
        let first = st.clock;
        let t = st.tickets["t1"].clone();
        assert_eq!(t.status, TicketStatus::Open);
        assert_eq!(
            (t.first_response_at, t.last_agent_reply_at),
            (Some(first), Some(first))
        );
        assert_eq!((t.message_count, t.preview.as_str()), (2, "text of r1"));
        assert_eq!((t.updated_at, t.version), (first, 2));
        let ev = st.events("t1", "status");
        assert_eq!(ev.len(), 1);
        assert_eq!(
            (ev[0].old_value.as_deref(), ev[0].new_value.as_deref()),
            (Some("new"), Some("open"))
        );
        assert_eq!(ev[0].actor_name, "Ola");
        assert_eq!(st.messages["r1"].author_id.as_deref(), Some("a2"));

        st.ok(&agent(), message("t1", "r2", MessageKind::Reply, false));
        let t = &st.tickets["t1"];
        assert_eq!(t.first_response_at, Some(first));
        assert_eq!(t.last_agent_reply_at, Some(st.clock));
        assert_eq!(st.events("t1", "status").len(), 1);
    }

    #[test]
    fn a_note_counts_but_neither_becomes_the_preview_nor_responds() {
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", None));
        st.ok(&agent(), message("t1", "n1", MessageKind::Note, false));
        let t = &st.tickets["t1"];
        assert_eq!(
            (t.message_count, t.preview.as_str()),
            (2, "My order never came.")
        );
        assert_eq!((t.status, t.first_response_at), (TicketStatus::New, None));
        assert_eq!(st.messages["n1"].kind, MessageKind::Note);
    }

    #[test]
    fn a_customer_reply_reopens_a_solved_ticket_as_the_customer() {
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", None));
        st.ok(&admin(), status("t1", TicketStatus::Solved));
        let solved = st.clock;
        assert_eq!(st.tickets["t1"].solved_at, Some(solved));
        // Closing a solved ticket keeps the time it was solved.
        st.ok(&admin(), status("t1", TicketStatus::Closed));
        assert_eq!(st.tickets["t1"].solved_at, Some(solved));

        // A customer message is the requester's and always a public reply.
        st.ok(&admin(), message("t1", "c1", MessageKind::Note, true));
        let t = &st.tickets["t1"];
        assert_eq!((t.status, t.reopen_count), (TicketStatus::Open, 1));
        assert_eq!(t.last_customer_message_at, Some(st.clock));
        assert_eq!(
            (t.preview.as_str(), t.first_response_at),
            ("text of c1", None)
        );
        let m = &st.messages["c1"];
        assert_eq!(
            (m.kind, m.author_kind),
            (MessageKind::Reply, AuthorKind::Customer)
        );
        assert_eq!(
            (m.author_id.as_deref(), m.author_name.as_str()),
            (Some("c-t1"), "Ayşe Yılmaz")
        );
        let ev = st.events("t1", "status").pop().unwrap();
        assert_eq!(
            (ev.actor_id.as_deref(), ev.actor_name.as_str()),
            (None, "Ayşe Yılmaz")
        );
        assert_eq!(ev.old_value.as_deref(), Some("closed"));

        // Waiting on the customer is over too, but that is no reopen.
        st.ok(&admin(), status("t1", TicketStatus::Pending));
        st.ok(&admin(), message("t1", "c2", MessageKind::Reply, true));
        let t = &st.tickets["t1"];
        assert_eq!((t.status, t.reopen_count), (TicketStatus::Open, 1));
    }

    #[test]
    fn a_customer_opens_a_request_and_replies_with_no_agent_acting() {
        let mut st = MemState::new();
        st.ok(&admin(), save_customer("known", &["ali@example.com"], "tr"));
        let web = |id: &str, email: &str| {
            let mut m = new_ticket(id, Some(email));
            if let Mutation::CreateTicket { channel, tags, .. } = &mut m {
                *channel = Channel::Web;
                tags.clear();
            }
            m
        };
        // A known address: the request joins that customer, who is named in the audit.
        st.run_as_customer(web("w1", "ali@example.com")).unwrap();
        let t = &st.tickets["w1"];
        assert_eq!(
            (t.requester_id.as_str(), t.channel, t.status),
            ("known", Channel::Web, TicketStatus::New)
        );
        let m = &st.messages["m-w1"];
        assert_eq!(
            (m.author_kind, m.author_id.as_deref()),
            (AuthorKind::Customer, Some("known"))
        );
        let created = st.events("w1", "created").pop().unwrap();
        assert_eq!(
            (created.actor_id.as_deref(), created.actor_name.as_str()),
            (None, "Customer known")
        );
        // A new address makes a new customer, named as typed, in the language they wrote in.
        st.run_as_customer_in(web("w2", "new@example.com"), Some("fa"))
            .unwrap();
        let t = &st.tickets["w2"];
        let c = &st.customers[&t.requester_id];
        assert_eq!(
            (t.language.as_str(), c.name.as_str(), c.language.as_str()),
            ("fa", "Ayşe Yılmaz", "fa")
        );
        assert_eq!(st.events("w2", "created")[0].actor_name, "Ayşe Yılmaz");
        // A known customer keeps their own language, and their ticket takes it.
        st.run_as_customer_in(web("w5", "ali@example.com"), Some("pl"))
            .unwrap();
        assert_eq!(st.tickets["w5"].language, "tr");
        assert_eq!(st.customers["known"].language, "tr");

        // The customer's reply reopens a solved ticket, with no agent id anywhere.
        st.ok(&admin(), status("w1", TicketStatus::Solved));
        st.run_as_customer(message("w1", "c1", MessageKind::Reply, true))
            .unwrap();
        let t = &st.tickets["w1"];
        assert_eq!((t.status, t.reopen_count), (TicketStatus::Open, 1));
        let ev = st.events("w1", "status").pop().unwrap();
        assert_eq!(
            (ev.actor_id.as_deref(), ev.actor_name.as_str()),
            (None, "Customer known")
        );
        assert_eq!(st.messages["c1"].author_kind, AuthorKind::Customer);

        // Anything an agent would do is refused and writes nothing.
        let before = st.messages.len();
        let mut assigned = web("w3", "x@example.com");
        if let Mutation::CreateTicket { assignee_id, .. } = &mut assigned {
            *assignee_id = Some("a1".into());
        }
        for m in [
            message("w1", "n1", MessageKind::Note, false),
            message("w1", "r1", MessageKind::Reply, false),
            new_ticket("w4", Some("y@example.com")),
            assigned,
            status("w1", TicketStatus::Closed),
        ] {
            assert_eq!(code(st.run_as_customer(m)).0, ErrorCode::Forbidden);
        }
        assert_eq!(st.messages.len(), before);
        assert!(!st.tickets.contains_key("w3"));
        // A deleted ticket takes no customer reply either.
        st.ok(
            &admin(),
            Mutation::DeleteTicket {
                ticket_id: "w2".into(),
            },
        );
        let refused = st.run_as_customer(message("w2", "c2", MessageKind::Reply, true));
        assert_eq!(code(refused).0, ErrorCode::TicketDeleted);
    }

    #[test]
    fn a_customer_reply_to_a_merged_ticket_continues_on_its_target_in_their_own_name() {
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", Some("first@example.com")));
        st.ok(&admin(), new_ticket("t2", Some("second@example.com")));
        st.ok(&admin(), new_ticket("t3", Some("third@example.com")));
        for (source, target) in [("t1", "t2"), ("t2", "t3")] {
            st.ok(
                &agent(),
                Mutation::MergeTickets {
                    source_id: source.into(),
                    target_id: target.into(),
                },
            );
        }
        st.ok(&admin(), status("t3", TicketStatus::Solved));
        st.run_as_customer(message("t1", "c1", MessageKind::Reply, true))
            .unwrap();
        let m = &st.messages["c1"];
        assert_eq!(
            (m.ticket_id.as_str(), m.author_id.as_deref(), m.author_kind),
            ("t3", Some("c-t1"), AuthorKind::Customer)
        );
        assert_eq!(st.tickets["t3"].status, TicketStatus::Open);
        // An agent's write to the merged ticket is still refused.
        let (c, _) = code(st.run(&agent(), message("t1", "late", MessageKind::Reply, false)));
        assert_eq!(c, ErrorCode::TicketMerged);
    }

    #[test]
    fn set_fields_records_one_event_per_changed_field_with_names() {
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", None));
        st.ok(
            &admin(),
            fields(
                "t1",
                TicketFieldChanges {
                    subject: Some("  Order #55 missing ".into()),
                    priority: Some(Priority::Normal), // unchanged: no event
                    ticket_type: Some(TicketType::Incident),
                    assignee_id: Some(Some("a2".into())),
                    group_id: Some(Some("g1".into())),
                    status: None,
                },
            ),
        );
        let fields_seen: Vec<&str> = st.events.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields_seen,
            ["created", "subject", "type", "assignee", "status", "group"]
        );
        let value = |st: &MemState, f: &str| {
            let e = st.events("t1", f).pop().unwrap();
            (e.old_value.clone(), e.new_value.clone())
        };
        assert_eq!(
            value(&st, "subject"),
            (
                Some("Where is my order?".into()),
                Some("Order #55 missing".into())
            )
        );
        assert_eq!(
            value(&st, "type"),
            (Some("question".into()), Some("incident".into()))
        );
        assert_eq!(value(&st, "assignee"), (None, Some("Ola".into())));
        assert_eq!(value(&st, "group"), (None, Some("Billing".into())));
        // Assigning a new ticket opens it.
        assert_eq!(
            value(&st, "status"),
            (Some("new".into()), Some("open".into()))
        );
        let t = &st.tickets["t1"];
        assert_eq!(
            (t.status, t.subject.as_str(), t.version),
            (TicketStatus::Open, "Order #55 missing", 2)
        );

        let unassign = TicketFieldChanges {
            assignee_id: Some(None),
            ..Default::default()
        };
        st.ok(&admin(), fields("t1", unassign));
        assert_eq!(value(&st, "assignee"), (Some("Ola".into()), None));

        let to_kim = TicketFieldChanges {
            assignee_id: Some(Some("a3".into())),
            ..Default::default()
        };
        let (c, msg) = code(st.run(&admin(), fields("t1", to_kim)));
        assert_eq!(
            (c, msg.as_str()),
            (
                ErrorCode::InvalidValue,
                "Kim is deactivated and cannot take tickets."
            )
        );
    }

    #[test]
    fn assigning_with_an_explicit_status_takes_that_status_only() {
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", None));
        let changes = TicketFieldChanges {
            assignee_id: Some(Some("a2".into())),
            status: Some(TicketStatus::Pending),
            ..Default::default()
        };
        st.ok(&admin(), fields("t1", changes));
        let ev = st.events("t1", "status");
        assert_eq!(ev.len(), 1);
        assert_eq!(
            (ev[0].old_value.as_deref(), ev[0].new_value.as_deref()),
            (Some("new"), Some("pending"))
        );
        assert_eq!(st.tickets["t1"].solved_at, None);
    }

    #[test]
    fn tags_change_once_and_repeats_write_nothing() {
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", None));
        let writes = st.ok(&agent(), tag("t1", " VIP ", true));
        assert_eq!(writes.len(), 3, "tag, event, ticket: {writes:#?}");
        assert_eq!(st.tickets["t1"].tags, ["refund", "vip"]);
        assert_eq!(st.tags["vip"].created_at, st.clock);
        let version = st.tickets["t1"].version;
        assert!(st.ok(&agent(), tag("t1", "vip", true)).is_empty());

        st.ok(&agent(), tag("t1", "vip", false));
        assert_eq!(st.tickets["t1"].tags, ["refund"]);
        assert_eq!(st.tickets["t1"].version, version + 1);
        assert!(st.ok(&agent(), tag("t1", "vip", false)).is_empty());
        let ev: Vec<_> = st
            .events("t1", "tag")
            .iter()
            .map(|e| (e.old_value.clone(), e.new_value.clone()))
            .collect();
        assert_eq!(ev, [(None, Some("vip".into())), (Some("vip".into()), None)]);
        // The tag itself stays known.
        assert!(st.tags.contains_key("vip"));
    }

    #[test]
    fn merge_moves_the_thread_and_locks_the_source() {
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", None));
        st.ok(&admin(), new_ticket("t2", None));
        st.ok(&admin(), tag("t1", "urgent-order", true));
        st.ok(&agent(), message("t1", "r1", MessageKind::Reply, false));
        let writes = st.ok(
            &agent(),
            Mutation::MergeTickets {
                source_id: "t1".into(),
                target_id: "t2".into(),
            },
        );
        assert!(writes.iter().any(|w| w.key().id == "t2"));
        let moved: Vec<&str> = st
            .messages
            .values()
            .filter(|m| m.kind != MessageKind::System)
            .map(|m| m.ticket_id.as_str())
            .collect();
        assert_eq!(moved, ["t2", "t2", "t2"]);
        let (src, dst) = (&st.tickets["t1"], &st.tickets["t2"]);
        assert_eq!(src.merged_into_id.as_deref(), Some("t2"));
        assert_eq!((src.status, src.message_count), (TicketStatus::Closed, 0));
        assert_eq!(src.solved_at, Some(st.clock));
        assert_eq!(dst.message_count, 3);
        assert_eq!(dst.tags, ["refund", "urgent-order"]);
        assert_eq!(dst.updated_at, st.clock);
        let system: BTreeMap<&str, &str> = st
            .messages
            .values()
            .filter(|m| m.kind == MessageKind::System)
            .map(|m| (m.ticket_id.as_str(), m.body_text.as_str()))
            .collect();
        assert_eq!(system["t2"], "Ola merged #1001 into this ticket.");
        assert_eq!(system["t1"], "Ola merged this ticket into #1002.");
        assert_eq!(
            st.events("t1", "merged_into")[0].new_value.as_deref(),
            Some("#1002")
        );
        assert_eq!(
            st.events("t2", "merged_from")[0].new_value.as_deref(),
            Some("#1001")
        );
        assert_eq!(st.events("t1", "status").len(), 2);

        let (c, msg) = code(st.run(&agent(), message("t1", "late", MessageKind::Reply, false)));
        assert_eq!(c, ErrorCode::TicketMerged);
        assert_eq!(
            msg,
            "#1001 was merged into #1002; continue there. Nothing was changed."
        );
    }

    #[test]
    fn a_deleted_ticket_takes_no_more_changes() {
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", None));
        st.ok(
            &admin(),
            Mutation::DeleteTicket {
                ticket_id: "t1".into(),
            },
        );
        assert_eq!(st.tickets["t1"].deleted_at, Some(st.clock));
        assert_eq!(st.events("t1", "deleted").len(), 1);
        for m in [
            tag("t1", "x", true),
            status("t1", TicketStatus::Open),
            message("t1", "m2", MessageKind::Note, false),
        ] {
            let (c, msg) = code(st.run(&admin(), m));
            assert_eq!(
                (c, msg.as_str()),
                (
                    ErrorCode::TicketDeleted,
                    "#1001 was deleted; nothing was changed."
                )
            );
        }
        let (c, _) = code(st.run(&admin(), tag("nope", "x", true)));
        assert_eq!(c, ErrorCode::NotFound);
    }

    #[test]
    fn an_address_belongs_to_one_customer() {
        let mut st = MemState::new();
        st.ok(&agent(), save_customer("c1", &["ali@example.com"], ""));
        st.ok(&agent(), save_customer("c2", &["veli@example.com"], ""));
        let e = st
            .run(
                &agent(),
                save_customer("c2", &["veli@example.com", "ALI@example.com"], ""),
            )
            .unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::Conflict, Some("email"))
        );
        assert_eq!(
            e.message,
            "ali@example.com already belongs to the customer Customer c1."
        );
        // Once c1 gives the address up, c2 may take it.
        st.ok(&agent(), save_customer("c1", &[], ""));
        st.ok(
            &agent(),
            save_customer("c2", &["veli@example.com", "ali@example.com"], ""),
        );
        assert_eq!(st.emails["ali@example.com"], "c2");
    }

    #[test]
    fn customers_join_organizations_which_must_exist() {
        let mut st = MemState::new();
        let mut m = save_customer("c1", &["ali@acme.com"], "");
        if let Mutation::SaveCustomer {
            organization_id, ..
        } = &mut m
        {
            *organization_id = Some("o1".into());
        }
        let (c, _) = code(st.run(&agent(), m.clone()));
        assert_eq!(c, ErrorCode::NotFound);
        let org = Mutation::SaveOrganization {
            id: "o1".into(),
            name: "Acme".into(),
            domains: vec!["@Acme.com".into()],
            notes: String::new(),
        };
        st.ok(&agent(), org.clone());
        let created = st.clock;
        st.ok(&agent(), org);
        assert_eq!(st.organizations["o1"].created_at, created);
        assert_eq!(st.organizations["o1"].updated_at, st.clock);
        // Without an explicit organization the address's domain decides.
        st.ok(&agent(), save_customer("c2", &["veli@acme.com"], ""));
        assert_eq!(st.customers["c2"].organization_id.as_deref(), Some("o1"));
        st.ok(&agent(), m);
        assert_eq!(st.customers["c1"].organization_id.as_deref(), Some("o1"));
    }

    #[test]
    fn a_tag_in_use_cannot_be_deleted() {
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", None));
        let delete = Mutation::DeleteTag {
            name: "refund".into(),
        };
        let (c, msg) = code(st.run(&admin(), delete.clone()));
        assert_eq!(c, ErrorCode::InvalidValue);
        assert_eq!(msg, "'refund' is on 1 tickets; remove it from them first.");
        st.ok(&admin(), tag("t1", "refund", false));
        let writes = st.ok(&admin(), delete.clone());
        assert_eq!(
            writes,
            [DocWrite::Delete {
                key: DocKey {
                    kind: DocKind::Tag,
                    id: "refund".into()
                }
            }]
        );
        assert!(st.ok(&admin(), delete).is_empty());
        let create = Mutation::CreateTag {
            name: "Later".into(),
        };
        assert_eq!(st.ok(&agent(), create.clone()).len(), 1);
        assert!(st.ok(&agent(), create).is_empty());
    }

    #[test]
    fn agent_groups_are_sorted_and_must_exist() {
        let mut st = MemState::new();
        let save_group = |id: &str| Mutation::SaveGroup {
            id: id.into(),
            name: format!("Group {id}"),
            description: String::new(),
        };
        st.ok(&admin(), save_group("g0"));
        let set = |ids: &[&str]| Mutation::SetAgentGroups {
            agent_id: "a2".into(),
            group_ids: ids.iter().map(|g| g.to_string()).collect(),
        };
        st.ok(&admin(), set(&["g1", "g0", "g1"]));
        assert_eq!(st.agents["a2"].group_ids, ["g0", "g1"]);
        let (c, _) = code(st.run(&admin(), set(&["g9"])));
        assert_eq!(c, ErrorCode::NotFound);
        // Saving the profile keeps the memberships and the creation time.
        let profile = Mutation::SaveAgent {
            id: "a2".into(),
            name: "Ola N.".into(),
            email: "a2@desk.example".into(),
            role: AgentRole::Agent,
            active: true,
        };
        st.ok(&agent(), profile);
        let a = &st.agents["a2"];
        assert_eq!((a.name.as_str(), a.created_at), ("Ola N.", 1));
        assert_eq!(a.group_ids, ["g0", "g1"]);
    }

    #[test]
    fn authorize_matrix() {
        let save_agent = |id: &str, role: AgentRole, active: bool| Mutation::SaveAgent {
            id: id.into(),
            name: "Someone".into(),
            email: "someone@desk.example".into(),
            role,
            active,
        };
        let admin_only = [
            save_agent("a1", AgentRole::Agent, true),
            Mutation::SaveGroup {
                id: "g2".into(),
                name: "Sales".into(),
                description: String::new(),
            },
            Mutation::SetAgentGroups {
                agent_id: "a2".into(),
                group_ids: vec![],
            },
            Mutation::DeleteTag { name: "x".into() },
            Mutation::DeleteTicket {
                ticket_id: "t1".into(),
            },
        ];
        let kb_editor = Actor {
            role: AgentRole::KbEditor,
            ..agent()
        };
        for m in &admin_only {
            assert_eq!(authorize(m, &admin()), Ok(()));
            for who in [agent(), kb_editor.clone()] {
                let e = authorize(m, &who).unwrap_err();
                assert_eq!(e.code, ErrorCode::Forbidden, "{}", m.name());
                assert!(e.message.contains("needs an admin"), "{}", e.message);
            }
        }
        let ticket_work = [
            new_ticket("t1", None),
            message("t1", "m", MessageKind::Note, false),
            status("t1", TicketStatus::Solved),
            tag("t1", "x", true),
            tag("t1", "x", false),
            Mutation::MergeTickets {
                source_id: "t1".into(),
                target_id: "t2".into(),
            },
            save_customer("c1", &[], ""),
            Mutation::CreateTag { name: "x".into() },
            save_agent("a2", AgentRole::Agent, true),
        ];
        for m in &ticket_work {
            assert_eq!(authorize(m, &agent()), Ok(()), "{}", m.name());
            assert_eq!(authorize(m, &kb_editor), Ok(()), "{}", m.name());
        }
    }

    #[test]
    fn agents_edit_their_own_name_but_not_their_role_or_active_flag() {
        let mut st = MemState::new();
        let me = |name: &str, role: AgentRole, active: bool| Mutation::SaveAgent {
            id: "a2".into(),
            name: name.into(),
            email: "a2@desk.example".into(),
            role,
            active,
        };
        st.ok(&agent(), me("Ola Nowak", AgentRole::Agent, true));
        assert_eq!(st.agents["a2"].name, "Ola Nowak");
        let (c, _) = code(st.run(&agent(), me("Ola", AgentRole::Admin, true)));
        assert_eq!(c, ErrorCode::Forbidden);
        let (c, msg) = code(st.run(&agent(), me("Ola", AgentRole::Agent, false)));
        assert_eq!(
            (c, msg.as_str()),
            (
                ErrorCode::InvalidValue,
                "You cannot deactivate your own profile."
            )
        );
        // An admin may change someone else's role, not deactivate themselves.
        st.ok(&admin(), me("Ola", AgentRole::KbEditor, false));
        assert_eq!(
            (st.agents["a2"].role, st.agents["a2"].active),
            (AgentRole::KbEditor, false)
        );
        let (c, _) = code(st.run(
            &admin(),
            Mutation::SaveAgent {
                id: "a1".into(),
                name: "Deniz".into(),
                email: "a1@desk.example".into(),
                role: AgentRole::Admin,
                active: false,
            },
        ));
        assert_eq!(c, ErrorCode::InvalidValue);
    }

    #[test]
    fn agent_addresses_are_unique_and_only_admins_change_them_by_sync() {
        let mut st = MemState::new();
        let save = |id: &str, email: &str, role: AgentRole| Mutation::SaveAgent {
            id: id.into(),
            name: "Someone".into(),
            email: email.into(),
            role,
            active: true,
        };
        // An agent taking the admin's address, or any new one, is refused on "email".
        for email in ["a1@desk.example", "ola@elsewhere.example"] {
            let e = st
                .run(&agent(), save("a2", email, AgentRole::Agent))
                .unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                (ErrorCode::Forbidden, Some("email"))
            );
        }
        assert_eq!(st.agents["a2"].email, "a2@desk.example");
        // An admin may change it, but never to an address another agent uses.
        let e = st
            .run(&admin(), save("a2", "a3@desk.example", AgentRole::Agent))
            .unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::Conflict, Some("email"))
        );
        let e = st
            .run(&admin(), save("a9", "a1@desk.example", AgentRole::Agent))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict);
        st.ok(&admin(), save("a2", "ola@desk.example", AgentRole::Agent));
        assert_eq!(st.agents["a2"].email, "ola@desk.example");
    }

    #[test]
    fn saved_views_stay_on_the_desktop() {
        let mut st = MemState::new();
        let e = st
            .run(&admin(), Mutation::DeleteView { id: "v1".into() })
            .unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InvalidValue, Some("name"))
        );
    }

    #[test]
    fn touch_keeps_updated_at_increasing_within_one_millisecond() {
        let mut st = MemState::new();
        st.ok(&admin(), new_ticket("t1", None));
        st.clock -= 1000; // the next change happens at the creation time
        st.ok(&admin(), status("t1", TicketStatus::Open));
        let t = &st.tickets["t1"];
        assert_eq!((t.updated_at, t.version), (t.created_at + 1, 2));
    }

    #[test]
    fn preview_collapses_whitespace_and_shortens() {
        assert_eq!(preview(" a \n\t b "), "a b");
        let long = preview(&"é".repeat(200));
        assert_eq!(long.chars().count(), 160);
        assert!(long.ends_with('…'));
        assert_eq!(preview(&"x".repeat(160)), "x".repeat(160));
    }

    // ---- e-mail ----

    fn inbound(from: &str, mail_id: &str, refs: &[&str]) -> crate::mail::InboundMail {
        crate::mail::InboundMail {
            mailbox_id: "mb1".into(),
            mail_id: mail_id.into(),
            from: from.into(),
            from_name: "Ayşe Yılmaz".into(),
            to: vec!["support@desk.example".into()],
            cc: vec!["boss@customer.example".into()],
            subject: "Broken kettle".into(),
            references: refs.iter().map(|r| r.to_string()).collect(),
            tag_number: None,
            body_text: "It does not heat.".into(),
            body_html: None,
            attachment_ids: vec![],
            raw_attachment_id: Some("raw1".into()),
            problems: vec![],
            auth_warning: None,
            automatic: false,
            language: "tr".into(),
            new_text: None,
        }
    }

    impl MemState {
        fn with_mailbox() -> Self {
            let mut s = MemState::new();
            let mut mb = crate::mail::tests::mailbox("mb1", "support@desk.example");
            mb.group_id = Some("g1".into());
            s.mailboxes.push(mb);
            s
        }

        fn mail(&mut self, m: Mutation) -> Result<Vec<DocWrite>, DomainError> {
            let m = m.validated()?;
            self.clock += 1000;
            let mut last_id = self.last_id;
            let mut new_id = || {
                last_id += 1;
                format!("gen{last_id}")
            };
            let writes = apply_mail(&m, self.clock, &mut new_id, self)?;
            self.last_id = last_id;
            self.store(&writes);
            Ok(writes)
        }

        fn receive(
            &mut self,
            ticket: &str,
            msg: &str,
            mail: crate::mail::InboundMail,
        ) -> Result<Vec<DocWrite>, DomainError> {
            self.mail(Mutation::ReceiveMail {
                ticket_id: ticket.into(),
                message_id: msg.into(),
                mail,
            })
        }

        fn thread(&self, ticket: &str) -> Vec<MessageDoc> {
            let mut v: Vec<MessageDoc> = self
                .messages
                .values()
                .filter(|m| m.ticket_id == ticket)
                .cloned()
                .collect();
            v.sort_by_key(|m| m.created_at);
            v
        }
    }

    fn outbound(id: &str, email: Option<&str>) -> Mutation {
        let mut m = new_ticket(id, email);
        if let Mutation::CreateTicket { outbound, tags, .. } = &mut m {
            *outbound = true;
            tags.clear();
        }
        m
    }

    #[test]
    fn an_agent_opens_a_ticket_by_mailing_the_customer() {
        let mut s = MemState::with_mailbox();
        s.ok(&agent(), outbound("t1", Some("ayse@customer.example")));
        let t = s.tickets["t1"].clone();
        // The agent's words, mailed from the mailbox to the customer; the ticket waits on them
        // and is the writer's to follow up.
        assert_eq!(t.status, TicketStatus::Pending);
        assert_eq!(t.assignee_id.as_deref(), Some("a2"));
        assert_eq!(t.first_response_at, Some(t.created_at));
        assert_eq!(t.last_customer_message_at, None);
        let m = &s.messages["m-t1"];
        assert_eq!(
            (m.author_kind, m.kind),
            (AuthorKind::Agent, MessageKind::Reply)
        );
        assert_eq!(m.author_id.as_deref(), Some("a2"));
        let mail = m.email.as_ref().expect("mailed");
        assert_eq!(mail.to, vec!["ayse@customer.example".to_string()]);
        assert_eq!(mail.from, "support@desk.example");
        assert_eq!(mail.mail_id, "porchlight.m-t1@desk.example");
        assert_eq!(mail.delivery.as_ref().unwrap().state, DeliveryState::Queued);
        assert!(mail.references.is_empty());
        // No acknowledgement: the customer asked for nothing.
        assert_eq!(s.thread("t1").len(), 1);
        // The customer's answer threads under the agent's mail and reopens the ticket.
        s.receive(
            "t9",
            "m2",
            inbound(
                "ayse@customer.example",
                "answer@mail.example",
                &["porchlight.m-t1@desk.example"],
            ),
        )
        .unwrap();
        assert!(!s.tickets.contains_key("t9"));
        assert_eq!(s.messages["m2"].ticket_id, "t1");
        assert_eq!(s.tickets["t1"].status, TicketStatus::Open);
    }

    #[test]
    fn writing_first_needs_a_mailbox_an_address_an_email_ticket_and_an_agent() {
        // No mailbox: refused, and nothing is written (no ticket number spent).
        let mut s = MemState::new();
        let e = s
            .run(&agent(), outbound("t1", Some("ayse@customer.example")))
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("mailbox"));
        assert!(s.tickets.is_empty());
        let mut s = MemState::with_mailbox();
        let e = s.run(&agent(), outbound("t1", None)).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("requester"));
        assert!(e.message.contains("no e-mail address"), "{}", e.message);
        let mut phone = outbound("t2", Some("ayse@customer.example"));
        if let Mutation::CreateTicket { channel, .. } = &mut phone {
            *channel = Channel::Phone;
        }
        let e = s.run(&agent(), phone).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("channel"));
        let e = s
            .run_as_customer(outbound("t3", Some("ayse@customer.example")))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert!(s.tickets.is_empty());
    }

    #[test]
    fn a_new_mail_starts_a_ticket_and_is_acknowledged_in_the_customers_language() {
        let mut s = MemState::with_mailbox();
        s.receive(
            "t1",
            "m1",
            inbound("ayse@customer.example", "abc@mail.example", &[]),
        )
        .unwrap();
        let t = s.tickets["t1"].clone();
        assert_eq!(t.channel, Channel::Email);
        assert_eq!(t.group_id.as_deref(), Some("g1"));
        assert_eq!(t.language, "tr");
        assert_eq!(
            t.message_count, 1,
            "the acknowledgement is no agent's message"
        );
        assert_eq!(t.first_response_at, None);
        let c = &s.customers[&t.requester_id];
        assert_eq!(c.emails, vec!["ayse@customer.example".to_string()]);
        assert_eq!(c.language, "tr");
        let thread = s.thread("t1");
        assert_eq!(thread.len(), 2);
        let first = s.messages["m1"].email.as_ref().unwrap();
        assert_eq!(first.mail_id, "abc@mail.example");
        assert_eq!(first.raw_attachment_id.as_deref(), Some("raw1"));
        let ack = thread.iter().find(|m| m.id != "m1").unwrap();
        assert_eq!(ack.kind, MessageKind::System);
        let e = ack.email.as_ref().unwrap();
        assert!(e.automatic);
        assert_eq!(e.to, vec!["ayse@customer.example".to_string()]);
        assert_eq!(e.references, vec!["abc@mail.example".to_string()]);
        assert_eq!(e.delivery.as_ref().unwrap().state, DeliveryState::Queued);
        assert!(e.subject.starts_with("Talebinizi aldık"), "{}", e.subject);
        assert!(ack.body_text.contains("#1001"), "{}", ack.body_text);
        // The same mail fetched again is refused, so it never makes a second ticket.
        let again = s
            .receive(
                "t2",
                "m2",
                inbound("ayse@customer.example", "abc@mail.example", &[]),
            )
            .unwrap_err();
        assert_eq!(again.code, ErrorCode::Conflict);
        assert!(!s.tickets.contains_key("t2"));
    }

    #[test]
    fn replies_thread_by_message_id_or_tag_and_go_out_to_everyone_in_cc() {
        let mut s = MemState::with_mailbox();
        s.receive(
            "t1",
            "m1",
            inbound("ayse@customer.example", "abc@mail.example", &[]),
        )
        .unwrap();
        // The agent answers: an e-mail to the requester, CC as on the customer's mail.
        s.ok(&agent(), message("t1", "r1", MessageKind::Reply, false));
        let reply = s.messages["r1"].email.clone().expect("an e-mail reply");
        assert_eq!(reply.to, vec!["ayse@customer.example".to_string()]);
        assert_eq!(reply.cc, vec!["boss@customer.example".to_string()]);
        assert_eq!(reply.mail_id, "porchlight.r1@desk.example");
        assert_eq!(reply.references, vec!["abc@mail.example".to_string()]);
        // A note is never mailed.
        s.ok(&agent(), message("t1", "n1", MessageKind::Note, false));
        assert!(s.messages["n1"].email.is_none());
        // The boss answers the agent's mail: same ticket, as the boss.
        s.tickets.get_mut("t1").unwrap().status = TicketStatus::Solved;
        s.receive(
            "t9",
            "m2",
            inbound(
                "boss@customer.example",
                "def@mail.example",
                &["porchlight.r1@desk.example"],
            ),
        )
        .unwrap();
        assert!(!s.tickets.contains_key("t9"));
        let m2 = &s.messages["m2"];
        assert_eq!(m2.ticket_id, "t1");
        assert_eq!(m2.author_kind, AuthorKind::Customer);
        assert_eq!(
            s.customers[m2.author_id.as_ref().unwrap()].emails[0],
            "boss@customer.example"
        );
        assert_eq!(
            s.tickets["t1"].status,
            TicketStatus::Open,
            "a customer's mail reopens"
        );
        // A client that dropped the headers still threads by the subject tag.
        let mut tagged = inbound("ayse@customer.example", "ghi@mail.example", &[]);
        tagged.tag_number = Some(1001);
        s.receive("t8", "m3", tagged).unwrap();
        assert_eq!(s.messages["m3"].ticket_id, "t1");
        // An agent chooses CC themselves.
        let mut m = message("t1", "r2", MessageKind::Reply, false);
        if let Mutation::AddMessage { cc, .. } = &mut m {
            *cc = Some(vec!["Finance@Customer.example".into()]);
        }
        s.ok(&agent(), m);
        assert_eq!(
            s.messages["r2"].email.as_ref().unwrap().cc,
            vec!["finance@customer.example".to_string()]
        );
    }

    #[test]
    fn a_stranger_pointing_at_a_ticket_starts_a_linked_one_and_agents_addresses_are_notes() {
        let mut s = MemState::with_mailbox();
        s.receive(
            "t1",
            "m1",
            inbound("ayse@customer.example", "abc@mail.example", &[]),
        )
        .unwrap();
        let mut stranger = inbound(
            "mallory@evil.example",
            "x1@evil.example",
            &["abc@mail.example"],
        );
        stranger.cc.clear();
        s.receive("t2", "m2", stranger).unwrap();
        assert_eq!(
            s.messages["m2"].ticket_id, "t2",
            "never in another customer's thread"
        );
        assert_eq!(
            s.events("t2", "linked")[0].new_value.as_deref(),
            Some("#1001")
        );
        // Anyone can write an agent's address in From: a note, not Ola's reply.
        s.receive(
            "t3",
            "m3",
            inbound("a2@desk.example", "x2@mail.example", &["abc@mail.example"]),
        )
        .unwrap();
        let note = &s.messages["m3"];
        assert_eq!(
            (note.ticket_id.as_str(), note.kind),
            ("t1", MessageKind::Note)
        );
        assert_eq!(note.author_id, None);
        assert_eq!(s.tickets["t1"].first_response_at, None);
        // Mail from the helpdesk's own address would loop.
        let own = s
            .receive(
                "t4",
                "m4",
                inbound("support@desk.example", "x3@mail.example", &[]),
            )
            .unwrap_err();
        assert_eq!(own.field.as_deref(), Some("from"));
    }

    #[test]
    fn automatic_mail_gets_no_acknowledgement_and_merged_tickets_redirect() {
        let mut s = MemState::with_mailbox();
        let mut auto = inbound("robot@customer.example", "ooo@mail.example", &[]);
        auto.automatic = true;
        s.receive("t1", "m1", auto).unwrap();
        assert_eq!(s.thread("t1").len(), 1, "no acknowledgement to a robot");
        s.receive(
            "t2",
            "m2",
            inbound("ayse@customer.example", "abc@mail.example", &[]),
        )
        .unwrap();
        s.ok(
            &agent(),
            Mutation::MergeTickets {
                source_id: "t2".into(),
                target_id: "t1".into(),
            },
        );
        let mut answer = inbound("ayse@customer.example", "def@mail.example", &[]);
        answer.tag_number = Some(1002);
        s.receive("t3", "m3", answer).unwrap();
        assert_eq!(s.messages["m3"].ticket_id, "t1");
    }

    #[test]
    fn deliveries_are_reported_by_the_channel_and_retried_by_agents() {
        let mut s = MemState::with_mailbox();
        s.receive(
            "t1",
            "m1",
            inbound("ayse@customer.example", "abc@mail.example", &[]),
        )
        .unwrap();
        s.ok(&agent(), message("t1", "r1", MessageKind::Reply, false));
        let report = Mutation::SetDelivery {
            message_id: "r1".into(),
            state: DeliveryState::Failed,
            error: Some("550 5.1.1 mailbox unavailable".into()),
        };
        assert_eq!(
            s.run(&admin(), report.clone()).unwrap_err().code,
            ErrorCode::Forbidden
        );
        s.mail(report).unwrap();
        let d = s.messages["r1"].email.clone().unwrap().delivery.unwrap();
        assert_eq!((d.state, d.attempts), (DeliveryState::Failed, 1));
        assert_eq!(d.error.as_deref(), Some("550 5.1.1 mailbox unavailable"));
        s.ok(
            &agent(),
            Mutation::RetryDelivery {
                message_id: "r1".into(),
            },
        );
        let d = s.messages["r1"].email.clone().unwrap().delivery.unwrap();
        assert_eq!((d.state, d.error), (DeliveryState::Queued, None));
        let again = s.run(
            &agent(),
            Mutation::RetryDelivery {
                message_id: "r1".into(),
            },
        );
        assert_eq!(again.unwrap_err().code, ErrorCode::Conflict);
        // Without a mailbox, or without an address, a reply is not mailed.
        s.mailboxes.clear();
        s.ok(&agent(), message("t1", "r3", MessageKind::Reply, false));
        assert!(s.messages["r3"].email.is_none());
    }

    #[test]
    fn a_message_may_be_only_a_file() {
        let mut s = MemState::new();
        s.ok(&agent(), new_ticket("t1", None));
        let mut m = message("t1", "p1", MessageKind::Reply, false);
        if let Mutation::AddMessage {
            body_text,
            attachment_ids,
            ..
        } = &mut m
        {
            body_text.clear();
            attachment_ids.push("photo".into());
        }
        s.ok(&agent(), m);
        assert_eq!(s.messages["p1"].attachment_ids, vec!["photo".to_string()]);
        let empty = message("t1", "p2", MessageKind::Reply, false);
        let Mutation::AddMessage { .. } = &empty else {
            unreachable!()
        };
        let mut empty = empty;
        if let Mutation::AddMessage { body_text, .. } = &mut empty {
            body_text.clear();
        }
        assert_eq!(
            s.run(&agent(), empty).unwrap_err().code,
            ErrorCode::EmptyField
        );
    }

    /// A mail from Ayşe opens t1 in a mailbox that asks for ratings; an agent answers and
    /// solves it. Returns the survey mail.
    fn solved_with_survey(st: &mut MemState) -> MessageDoc {
        st.mailboxes[0].csat_survey = true;
        st.receive(
            "t1",
            "m1",
            inbound("ayse@example.com", "first@mail.example", &[]),
        )
        .unwrap();
        st.ok(&agent(), message("t1", "r1", MessageKind::Reply, false));
        st.ok(
            &agent(),
            Mutation::SetTicketFields {
                ticket_id: "t1".into(),
                changes: TicketFieldChanges {
                    status: Some(TicketStatus::Solved),
                    ..Default::default()
                },
            },
        );
        let surveys: Vec<MessageDoc> = st
            .thread("t1")
            .into_iter()
            .filter(|m| m.email.as_ref().is_some_and(|e| e.survey.is_some()))
            .collect();
        assert_eq!(surveys.len(), 1, "one survey when solved");
        surveys[0].clone()
    }

    #[test]
    fn solving_a_mailed_ticket_asks_the_customer_once_in_their_language() {
        let mut st = MemState::with_mailbox();
        let survey = solved_with_survey(&mut st);
        let e = survey.email.as_ref().unwrap();
        assert_eq!(e.to, vec!["ayse@example.com".to_string()]);
        assert_eq!(e.delivery.as_ref().unwrap().state, DeliveryState::Queued);
        assert!(e.automatic);
        // The mail was Turkish: so is the question.
        assert!(survey.body_text.contains("3 – iyi"), "{}", survey.body_text);
        assert!(e.references.contains(&"first@mail.example".to_string()));
        // Reopened and solved again: not asked twice.
        for status in [TicketStatus::Open, TicketStatus::Solved] {
            st.ok(
                &agent(),
                Mutation::SetTicketFields {
                    ticket_id: "t1".into(),
                    changes: TicketFieldChanges {
                        status: Some(status),
                        ..Default::default()
                    },
                },
            );
        }
        let asked = st
            .thread("t1")
            .iter()
            .filter(|m| m.email.as_ref().is_some_and(|e| e.survey.is_some()))
            .count();
        assert_eq!(asked, 1);
    }

    /// A mail from Ayşe on a new ticket, answered and solved: the survey mails it got.
    fn solve_another(st: &mut MemState, ticket: &str, mail_id: &str) -> Vec<SurveyKind> {
        st.receive(
            ticket,
            &format!("m-{ticket}"),
            inbound("ayse@example.com", mail_id, &[]),
        )
        .unwrap();
        st.ok(
            &agent(),
            message(ticket, &format!("r-{ticket}"), MessageKind::Reply, false),
        );
        st.ok(
            &agent(),
            Mutation::SetTicketFields {
                ticket_id: ticket.into(),
                changes: TicketFieldChanges {
                    status: Some(TicketStatus::Solved),
                    ..Default::default()
                },
            },
        );
        st.thread(ticket)
            .iter()
            .filter_map(|m| m.email.as_ref().and_then(|e| e.survey))
            .collect()
    }

    #[test]
    fn effort_and_recommendation_are_asked_too_the_recommendation_at_most_every_90_days() {
        let mut st = MemState::with_mailbox();
        st.mailboxes[0].csat_survey = true;
        st.mailboxes[0].ces_survey = true;
        st.mailboxes[0].nps_survey = true;
        let first = solve_another(&mut st, "t1", "a@mail.example");
        assert_eq!(
            first,
            vec![SurveyKind::Csat, SurveyKind::Ces, SurveyKind::Nps],
            "each in its own mail"
        );
        // Her next ticket: satisfaction and effort again, no recommendation question.
        let second = solve_another(&mut st, "t2", "b@mail.example");
        assert_eq!(second, vec![SurveyKind::Csat, SurveyKind::Ces]);
        // Ninety days on, she is asked again.
        st.clock += 91 * 86_400_000;
        let later = solve_another(&mut st, "t3", "c@mail.example");
        assert_eq!(
            later,
            vec![SurveyKind::Csat, SurveyKind::Ces, SurveyKind::Nps]
        );

        // Her answer to the recommendation mail is that kind's answer.
        let nps = st
            .thread("t3")
            .into_iter()
            .find(|m| {
                m.email
                    .as_ref()
                    .is_some_and(|e| e.survey == Some(SurveyKind::Nps))
            })
            .unwrap();
        let mut answer = inbound(
            "ayse@example.com",
            "nps-answer@mail.example",
            &[&nps.email.unwrap().mail_id],
        );
        answer.body_text = "9 – you were quick".into();
        st.receive("t9", "m9", answer).unwrap();
        let r = &st.ratings["t3/nps"];
        assert_eq!(
            (r.kind, r.score, r.comment.as_str()),
            (SurveyKind::Nps, 9, "you were quick")
        );
    }

    #[test]
    fn a_customer_is_asked_at_most_once_in_the_mailboxs_pause() {
        let mut st = MemState::with_mailbox();
        st.mailboxes[0].csat_survey = true;
        st.mailboxes[0].survey_every_days = 30;
        assert_eq!(
            solve_another(&mut st, "t1", "a@mail.example"),
            vec![SurveyKind::Csat]
        );
        st.clock += 86_400_000;
        assert!(solve_another(&mut st, "t2", "b@mail.example").is_empty());
        st.clock += 30 * 86_400_000;
        assert_eq!(
            solve_another(&mut st, "t3", "c@mail.example"),
            vec![SurveyKind::Csat]
        );
        // Too long a pause is refused, naming the field.
        let mut mb = st.mailboxes[0].clone();
        mb.survey_every_days = 400;
        assert_eq!(
            mb.validated().unwrap_err().field.as_deref(),
            Some("survey_every_days")
        );
    }

    #[test]
    fn a_delayed_survey_waits_and_is_withdrawn_when_the_customer_writes_back_first() {
        use crate::docs::{mail_due_key, MAIL_QUEUED};
        let mut st = MemState::with_mailbox();
        st.mailboxes[0].csat_survey = true;
        st.mailboxes[0].survey_delay_minutes = 120;
        let solved_at = st.clock;
        assert_eq!(
            solve_another(&mut st, "t1", "a@mail.example"),
            vec![SurveyKind::Csat]
        );
        let survey = |st: &MemState| {
            st.thread("t1")
                .into_iter()
                .filter(|m| m.email.as_ref().is_some_and(|e| e.survey.is_some()))
                .collect::<Vec<_>>()
        };
        let first = survey(&st).remove(0);
        let d = first.email.as_ref().unwrap().delivery.clone().unwrap();
        let due = solved_at + 120 * 60_000;
        assert!(d.not_before.is_some_and(|t| t >= due && t < due + 60_000));
        // The senders find it among the mails due at its time, not in the queue of now.
        let keys = Doc::Message(first.clone()).lookup_keys();
        assert!(keys.contains(&mail_due_key(d.not_before.unwrap())));
        assert!(!keys.contains(&MAIL_QUEUED.to_string()));

        // She writes back an hour later: the ticket reopens and the survey never goes.
        st.clock += 3_600_000;
        let answered = first.email.as_ref().unwrap().mail_id.clone();
        let mut more = inbound("ayse@example.com", "more@mail.example", &[&answered]);
        more.body_text = "It broke again.".into();
        st.receive("t-new", "m-more", more).unwrap();
        assert_eq!(st.tickets["t1"].status, TicketStatus::Open);
        let withdrawn = survey(&st).remove(0);
        let e = withdrawn.email.as_ref().unwrap();
        assert_eq!(e.delivery.as_ref().unwrap().state, DeliveryState::Withdrawn);
        assert_eq!(e.survey_to(), None, "a withdrawn survey asked nobody");
        let keys = Doc::Message(withdrawn).lookup_keys();
        assert!(keys
            .iter()
            .all(|k| !k.starts_with("mail_due:") && !k.starts_with("survey:")));

        // Solved again: she is asked now, since the first question never reached her.
        st.ok(
            &agent(),
            Mutation::SetTicketFields {
                ticket_id: "t1".into(),
                changes: TicketFieldChanges {
                    status: Some(TicketStatus::Solved),
                    ..Default::default()
                },
            },
        );
        let states: Vec<DeliveryState> = survey(&st)
            .iter()
            .map(|m| m.email.as_ref().unwrap().delivery.as_ref().unwrap().state)
            .collect();
        assert_eq!(
            states,
            vec![DeliveryState::Withdrawn, DeliveryState::Queued]
        );

        // A week at most, refused by field beyond.
        let mut mb = st.mailboxes[0].clone();
        mb.survey_delay_minutes = crate::mail::MAX_SURVEY_DELAY_MINUTES + 1;
        assert_eq!(
            mb.validated().unwrap_err().field.as_deref(),
            Some("survey_delay_minutes")
        );
    }

    #[test]
    fn a_mailbox_that_does_not_ask_sends_no_survey() {
        let mut st = MemState::with_mailbox();
        st.receive(
            "t1",
            "m1",
            inbound("ayse@example.com", "first@mail.example", &[]),
        )
        .unwrap();
        st.ok(
            &agent(),
            Mutation::SetTicketFields {
                ticket_id: "t1".into(),
                changes: TicketFieldChanges {
                    status: Some(TicketStatus::Solved),
                    ..Default::default()
                },
            },
        );
        assert!(st
            .thread("t1")
            .iter()
            .all(|m| m.email.as_ref().is_none_or(|e| e.survey.is_none())));
    }

    #[test]
    fn a_reply_to_the_survey_with_a_number_is_the_rating_and_reopens_nothing() {
        let mut st = MemState::with_mailbox();
        let survey = solved_with_survey(&mut st);
        let sid = survey.email.unwrap().mail_id;
        let mut answer = inbound("ayse@example.com", "answer@mail.example", &[&sid]);
        answer.body_text = "3 – çok hızlıydınız, teşekkürler\n\n> Nasıl yardımcı olduk?".into();
        answer.new_text = Some("3 – çok hızlıydınız, teşekkürler".into());
        st.receive("t9", "m9", answer).unwrap();
        let t = &st.tickets["t1"];
        assert_eq!(
            t.status,
            TicketStatus::Solved,
            "an answer is no new request"
        );
        assert_eq!(t.reopen_count, 0);
        assert!(!st.tickets.contains_key("t9"));
        let r = &st.ratings["t1/csat"];
        assert_eq!(
            (r.score, r.comment.as_str()),
            (3, "çok hızlıydınız, teşekkürler")
        );
        assert_eq!(r.via, RatingVia::Email);
        // The mail is kept on the ticket.
        assert!(st.thread("t1").iter().any(|m| m.id == "m9"));

        // Words that only begin with a number are no answer: the ticket reopens.
        let mut more = inbound("ayse@example.com", "more@mail.example", &[&sid]);
        more.body_text = "2 more questions about the invoice".into();
        st.receive("t10", "m10", more).unwrap();
        assert_eq!(st.tickets["t1"].status, TicketStatus::Open);
        assert_eq!(st.ratings["t1/csat"].score, 3);
    }
}

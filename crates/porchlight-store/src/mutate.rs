//! The write path of ticket work: the domain's mutation engine (`domain::apply`) run over the
//! documents of the store's own transaction; what it returns is written through the
//! projection a pull uses. The ticket rules live only in the domain. Saved views, this
//! desktop's own, are kept here. Below what runs it: `Store::apply` (`apply`), the
//! automation rules, the mail channel and the rebase of unsent work (`sync`).

use porchlight_domain::apply::{apply, apply_mail, Actor, ApplyContext, StateView};
use porchlight_domain::docs::{
    AgentDoc, Changed, CustomerDoc, Doc, DocKind, DocWrite, GroupDoc, MessageDoc, OrganizationDoc,
    RatingDoc, TagDoc, TicketDoc,
};
use porchlight_domain::mail::Mailbox;
use porchlight_domain::{DomainError, ErrorCode, Mutation};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::queries::{agents, attachments, docs};
use crate::{new_id, StoreError, StoreResult};

/// The documents as this transaction sees them. A storage failure is kept and reported as
/// itself (not as a refusal), so a broken database never looks like bad input.
struct TxView<'c> {
    c: &'c Connection,
    tickets: &'c docs::TicketCache,
    failure: Option<StoreError>,
}

impl TxView<'_> {
    fn fail(&mut self, e: StoreError) -> DomainError {
        let d = DomainError::new(
            ErrorCode::Storage,
            None,
            format!("The store could not read its data: {e}"),
        );
        self.failure.get_or_insert(e);
        d
    }

    fn doc(&mut self, kind: DocKind, id: &str) -> Result<Option<Doc>, DomainError> {
        docs::read(self.c, kind, id).map_err(|e| self.fail(e))
    }

    fn first_id(&mut self, sql: &str, key: &str) -> Result<Option<String>, DomainError> {
        let found = self
            .c
            .prepare_cached(sql)
            .and_then(|mut st| st.query_row([key], |r| r.get(0)).optional());
        found.map_err(|e| self.fail(e.into()))
    }
}

macro_rules! typed_get {
    ($fn:ident, $kind:ident, $ty:ty) => {
        fn $fn(&mut self, id: &str) -> Result<Option<$ty>, DomainError> {
            Ok(match self.doc(DocKind::$kind, id)? {
                Some(Doc::$kind(d)) => Some(d),
                _ => None,
            })
        }
    };
}

impl StateView for TxView<'_> {
    fn ticket(&mut self, id: &str) -> Result<Option<TicketDoc>, DomainError> {
        docs::read_ticket(self.c, self.tickets, id).map_err(|e| self.fail(e))
    }
    typed_get!(message, Message, MessageDoc);
    typed_get!(customer, Customer, CustomerDoc);
    typed_get!(organization, Organization, OrganizationDoc);
    typed_get!(agent, Agent, AgentDoc);
    typed_get!(group, Group, GroupDoc);
    typed_get!(tag, Tag, TagDoc);
    typed_get!(rating, Rating, RatingDoc);

    fn last_survey_to(
        &mut self,
        address: &str,
        kind: porchlight_domain::records::SurveyKind,
    ) -> Result<Option<i64>, DomainError> {
        // The partial index `messages_survey_to` answers this without a scan.
        let found = self
            .c
            .prepare_cached(
                "SELECT max(created_at) FROM messages
                 WHERE json_extract(channel_meta, '$.survey') IS NOT NULL
                   AND json_extract(channel_meta, '$.to[0]') = ?1
                   AND json_extract(channel_meta, '$.survey') = ?2
                   AND json_extract(channel_meta, '$.delivery.state') IS NOT 'withdrawn'",
            )
            .and_then(|mut st| st.query_row([address, kind.as_str()], |r| r.get(0)));
        found.map_err(|e| self.fail(e.into()))
    }

    fn messages_of(&mut self, ticket_id: &str) -> Result<Vec<MessageDoc>, DomainError> {
        let ids = self
            .c
            .prepare_cached(
                "SELECT id FROM messages WHERE ticket_id = ?1 ORDER BY created_at, rowid",
            )
            .and_then(|mut st| {
                st.query_map([ticket_id], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| self.fail(e.into()))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(m) = self.message(&id)? {
                out.push(m);
            }
        }
        Ok(out)
    }

    fn customer_by_email(&mut self, email: &str) -> Result<Option<CustomerDoc>, DomainError> {
        match self.first_id(
            "SELECT customer_id FROM customer_emails WHERE email = ?1",
            email,
        )? {
            Some(id) => self.customer(&id),
            None => Ok(None),
        }
    }

    fn agent_by_email(&mut self, email: &str) -> Result<Option<AgentDoc>, DomainError> {
        match self.first_id(
            "SELECT id FROM agents WHERE email = ?1 ORDER BY id LIMIT 1",
            email,
        )? {
            Some(id) => self.agent(&id),
            None => Ok(None),
        }
    }

    fn organization_by_domain(
        &mut self,
        domain: &str,
    ) -> Result<Option<OrganizationDoc>, DomainError> {
        // Of several organizations listing the domain, the one with the smallest id, as
        // the server's lookup picks it.
        let sql = "SELECT o.id FROM organizations o, json_each(o.domains) d WHERE d.value = ?1
                   ORDER BY o.id LIMIT 1";
        match self.first_id(sql, domain)? {
            Some(id) => self.organization(&id),
            None => Ok(None),
        }
    }

    fn tag_use_count(&mut self, name: &str) -> Result<i64, DomainError> {
        self.c
            .prepare_cached("SELECT count(*) FROM ticket_tags WHERE tag = ?1")
            .and_then(|mut st| st.query_row([name], |r| r.get(0)))
            .map_err(|e| self.fail(e.into()))
    }

    fn next_ticket_number(&mut self) -> Result<i64, DomainError> {
        self.c
            .prepare_cached("SELECT coalesce(max(number), 1000) + 1 FROM tickets")
            .and_then(|mut st| st.query_row([], |r| r.get(0)))
            .map_err(|e| self.fail(e.into()))
    }

    fn message_by_mail_id(&mut self, mail_id: &str) -> Result<Option<MessageDoc>, DomainError> {
        match self.first_id(
            "SELECT message_id FROM mail_ids WHERE mail_id = ?1",
            mail_id,
        )? {
            Some(id) => self.message(&id),
            None => Ok(None),
        }
    }

    fn ticket_by_number(&mut self, number: i64) -> Result<Option<TicketDoc>, DomainError> {
        match self.first_id(
            "SELECT id FROM tickets WHERE number = ?1",
            &number.to_string(),
        )? {
            Some(id) => self.ticket(&id),
            None => Ok(None),
        }
    }

    fn mailboxes(&mut self) -> Result<Vec<Mailbox>, DomainError> {
        crate::queries::config_docs::mailboxes(self.c).map_err(|e| self.fail(e))
    }
}

/// Whether a message or event row exists, and if so whether only this desktop has it.
fn pending_row(c: &Connection, kind: DocKind, id: &str) -> StoreResult<Option<bool>> {
    let sql = match kind {
        DocKind::Message => "SELECT pending FROM messages WHERE id = ?1",
        DocKind::Event => "SELECT pending FROM ticket_events WHERE id = ?1",
        _ => return Ok(None),
    };
    Ok(c.prepare_cached(sql)?
        .query_row([id], |r| r.get::<_, bool>(0))
        .optional()?)
}

/// Applies one validated mutation as `actor` at `at`: the domain decides, the documents it
/// returns become rows. Connected to a server (`connected`), the change is optimistic: the
/// server's version of every row it alters is kept first (`outbox::shadow`), the messages and
/// events it creates stay `pending` until the server sends them, and a new ticket waits for
/// the server's number.
pub(crate) fn apply_one(
    tx: &Transaction<'_>,
    m: &Mutation,
    actor: &Actor,
    at: i64,
    connected: bool,
    tickets: &docs::TicketCache,
) -> StoreResult<Changed> {
    match m {
        Mutation::SaveView { id, name, filters } => {
            tx.execute(
                "INSERT INTO saved_views(id, name, filters, position, created_at)
                 VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM saved_views), ?4)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, filters = excluded.filters",
                params![id, name, serde_json::to_string(filters)?, at],
            )?;
            return Ok(Changed::other());
        }
        Mutation::DeleteView { id } => {
            tx.execute("DELETE FROM saved_views WHERE id = ?1", [id])?;
            return Ok(Changed::other());
        }
        _ => {}
    }
    let writes = decide(tx, m, actor, at, tickets)?;
    write_change(tx, m, writes, connected, tickets)
}

/// What the engine makes of a mutation over this transaction's state (nothing written yet).
/// The mail channel's mutations run as the channel, not as `actor`.
pub(crate) fn decide(
    tx: &Transaction<'_>,
    m: &Mutation,
    actor: &Actor,
    at: i64,
    tickets: &docs::TicketCache,
) -> StoreResult<Vec<DocWrite>> {
    let mut view = TxView {
        c: tx,
        tickets,
        failure: None,
    };
    let mut fresh = new_id;
    let result = match m {
        Mutation::ReceiveMail { .. } | Mutation::SetDelivery { .. } => {
            apply_mail(m, at, &mut fresh, &mut view)
        }
        // Only a customer rates (see `Store::rate_as_customer`).
        Mutation::RateTicket { .. } => {
            porchlight_domain::apply::apply_as_customer(m, None, at, &mut fresh, &mut view)
        }
        _ => {
            let mut ctx = ApplyContext {
                actor,
                at,
                new_id: &mut fresh,
            };
            apply(m, &mut ctx, &mut view)
        }
    };
    if let Some(e) = view.failure.take() {
        return Err(e);
    }
    Ok(result?)
}

/// Writes a change's documents as rows (see [`apply_one`]).
pub(crate) fn write_change(
    tx: &Transaction<'_>,
    m: &Mutation,
    mut writes: Vec<DocWrite>,
    connected: bool,
    tickets: &docs::TicketCache,
) -> StoreResult<Changed> {
    // Documents of one change arrive in the engine's order (a message before its new
    // ticket): write the rows others point at first, so every foreign key holds at once.
    // (Deferring the checks with a pragma would expire every prepared statement of the
    // connection, each change paying to compile them all again.)
    writes.sort_by_key(|w| parent_rank(w.key().kind));
    let mut stays_pending: Vec<(DocKind, String)> = Vec::new();
    for w in &mut writes {
        let key = w.key();
        let existing = pending_row(tx, key.kind, &key.id)?;
        if let DocWrite::Put { doc } = w {
            match doc {
                // Only files staged on this desktop can be sent.
                Doc::Message(msg) if existing.is_none() => {
                    attachments::require_staged(tx, &msg.attachment_ids)?
                }
                Doc::Ticket(t)
                    if connected
                        && matches!(m, Mutation::CreateTicket { ticket_id, .. } if *ticket_id == t.id) =>
                {
                    t.number = None
                }
                _ => {}
            }
        }
        if !connected {
            continue;
        }
        match existing {
            Some(false) => crate::outbox::shadow(tx, key.kind, &key.id)?,
            Some(true) => stays_pending.push((key.kind, key.id)),
            None if matches!(key.kind, DocKind::Message | DocKind::Event) => {
                stays_pending.push((key.kind, key.id))
            }
            None => crate::outbox::shadow(tx, key.kind, &key.id)?,
        }
    }
    for w in &writes {
        match w {
            DocWrite::Put { doc } => docs::write_cached(tx, tickets, doc)?,
            DocWrite::Delete { key } => docs::delete_cached(tx, tickets, key.kind, &key.id)?,
        }
    }
    for (kind, id) in stays_pending {
        let sql = match kind {
            DocKind::Message => "UPDATE messages SET pending = 1 WHERE id = ?1",
            _ => "UPDATE ticket_events SET pending = 1 WHERE id = ?1",
        };
        tx.prepare_cached(sql)?.execute([&id])?;
    }
    Ok(Changed::of_writes(&writes))
}

/// Where a document's rows come in a change's writes: groups, tags and organizations before
/// the agents and customers that belong to them, those before tickets, tickets before their
/// messages and events.
fn parent_rank(kind: DocKind) -> u8 {
    match kind {
        DocKind::Group | DocKind::Tag | DocKind::Organization => 0,
        DocKind::Agent | DocKind::Customer => 1,
        DocKind::Ticket => 2,
        _ => 3,
    }
}

/// The local agent as the engine's actor.
pub(crate) fn actor_of(c: &Connection, agent_id: &str) -> StoreResult<Actor> {
    let a = agents::get(c, agent_id)?;
    Ok(Actor {
        id: a.id,
        name: a.name,
        role: a.role,
    })
}

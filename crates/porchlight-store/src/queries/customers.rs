//! Customers (requesters), their e-mail addresses, and organizations.

use porchlight_domain::{Customer, CustomerMatch, DomainError, ErrorCode, Organization};
use rusqlite::{params, Connection, OptionalExtension};

use crate::{now_ms, Store, StoreResult};

pub(crate) fn get(c: &Connection, id: &str) -> StoreResult<Customer> {
    let mut cust = c
        .query_row(
            "SELECT c.id, c.name, c.phone, c.organization_id, o.name, c.language, c.notes, c.created_at
             FROM customers c LEFT JOIN organizations o ON o.id = c.organization_id WHERE c.id = ?1",
            [id],
            |r| {
                Ok(Customer {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    emails: Vec::new(),
                    phone: r.get(2)?,
                    organization_id: r.get(3)?,
                    organization_name: r.get(4)?,
                    language: r.get(5)?,
                    notes: r.get(6)?,
                    created_at: r.get(7)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| DomainError::not_found("customer", id))?;
    let mut st = c.prepare_cached(
        "SELECT email FROM customer_emails WHERE customer_id = ?1 ORDER BY position",
    )?;
    cust.emails = st
        .query_map([id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(cust)
}

/// Which customer owns an address, if any.
pub(crate) fn by_email(c: &Connection, email: &str) -> StoreResult<Option<String>> {
    Ok(c.query_row(
        "SELECT customer_id FROM customer_emails WHERE email = ?1",
        [email],
        |r| r.get(0),
    )
    .optional()?)
}

pub(crate) struct CustomerInput<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub emails: &'a [String],
    pub phone: &'a str,
    pub organization_id: Option<&'a str>,
    pub language: &'a str,
    pub notes: &'a str,
}

/// Creates or updates a customer. An address already used by another customer is refused,
/// so one address always leads to one requester.
pub(crate) fn save(c: &Connection, input: &CustomerInput<'_>) -> StoreResult<()> {
    for e in input.emails {
        if let Some(owner) = by_email(c, e)? {
            if owner != input.id {
                let other: String =
                    c.query_row("SELECT name FROM customers WHERE id = ?1", [&owner], |r| {
                        r.get(0)
                    })?;
                return Err(DomainError::new(
                    ErrorCode::Conflict,
                    Some("email"),
                    format!("{e} already belongs to the customer {other}."),
                )
                .into());
            }
        }
    }
    if let Some(org) = input.organization_id {
        let exists: bool = c.query_row(
            "SELECT count(*) FROM organizations WHERE id = ?1",
            [org],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(DomainError::not_found("organization", org).into());
        }
    }
    let now = now_ms();
    let organization_id = input
        .organization_id
        .map(str::to_owned)
        .or(organization_for_emails(c, input.emails)?);
    c.execute(
        "INSERT INTO customers(id, name, email_list, phone, organization_id, language, notes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, email_list = excluded.email_list,
           phone = excluded.phone, organization_id = excluded.organization_id,
           language = excluded.language, notes = excluded.notes, updated_at = excluded.updated_at",
        params![
            input.id,
            input.name,
            input.emails.join(" "),
            input.phone,
            organization_id,
            input.language,
            input.notes,
            now
        ],
    )?;
    c.execute(
        "DELETE FROM customer_emails WHERE customer_id = ?1",
        [input.id],
    )?;
    for (i, e) in input.emails.iter().enumerate() {
        c.execute(
            "INSERT INTO customer_emails(email, customer_id, position) VALUES (?1, ?2, ?3)",
            params![e, input.id, i as i64],
        )?;
    }
    Ok(())
}

/// An organization whose domain matches one of the addresses (ayse@acme.com → Acme).
fn organization_for_emails(c: &Connection, emails: &[String]) -> StoreResult<Option<String>> {
    for e in emails {
        if let Some((_, domain)) = e.split_once('@') {
            let found: Option<String> = c
                .query_row(
                    "SELECT o.id FROM organizations o, json_each(o.domains) d WHERE d.value = ?1 LIMIT 1",
                    [domain],
                    |r| r.get(0),
                )
                .optional()?;
            if found.is_some() {
                return Ok(found);
            }
        }
    }
    Ok(None)
}

pub(crate) fn save_organization(c: &Connection, o: &Organization) -> StoreResult<()> {
    let now = now_ms();
    c.execute(
        "INSERT INTO organizations(id, name, domains, notes, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, domains = excluded.domains,
           notes = excluded.notes, updated_at = excluded.updated_at",
        params![o.id, o.name, serde_json::to_string(&o.domains)?, o.notes, now],
    )?;
    Ok(())
}

impl Store {
    pub fn customer(&self, id: &str) -> StoreResult<Customer> {
        self.read(|c| get(c, id))
    }

    /// Customers whose name or e-mail starts with the typed words, for the requester picker.
    pub fn find_customers(&self, query: &str, limit: usize) -> StoreResult<Vec<CustomerMatch>> {
        let q = porchlight_domain::SearchQuery {
            words: query.split_whitespace().map(str::to_owned).collect(),
            ..Default::default()
        };
        let Some(expr) = q.fts_expression() else {
            return Ok(Vec::new());
        };
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT c.id, c.name, (SELECT email FROM customer_emails e WHERE e.customer_id = c.id ORDER BY position LIMIT 1),
                        o.name,
                        (SELECT count(*) FROM tickets t WHERE t.requester_id = c.id AND t.deleted_at IS NULL
                           AND t.status NOT IN ('solved', 'closed'))
                 FROM customers_fts f JOIN customers c ON c.rowid = f.rowid
                 LEFT JOIN organizations o ON o.id = c.organization_id
                 WHERE customers_fts MATCH ?1 ORDER BY f.rank LIMIT ?2",
            )?;
            let rows = st
                .query_map(params![expr, limit as i64], |r| {
                    Ok(CustomerMatch {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        email: r.get(2)?,
                        organization_name: r.get(3)?,
                        open_tickets: r.get(4)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    pub fn organizations(&self) -> StoreResult<Vec<Organization>> {
        self.read(|c| {
            let mut st = c.prepare_cached(crate::refresh::ORGANIZATIONS)?;
            let rows = st
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(id, name, domains, notes)| {
                    Ok(Organization {
                        id,
                        name,
                        domains: serde_json::from_str(&domains)?,
                        notes,
                    })
                })
                .collect()
        })
    }
}

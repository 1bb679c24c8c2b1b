//! Customers (requesters), their e-mail addresses, and organizations.

use porchlight_domain::{Customer, CustomerMatch, DomainError, Organization};
use rusqlite::{params, Connection, OptionalExtension};

use crate::{Store, StoreResult};

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

//! Read and write queries, one file per entity.

pub mod agents;
pub mod attachments;
pub mod config;
pub mod config_docs;
pub mod customers;
pub mod docs;
pub mod events;
pub mod kb;
pub mod kb_docs;
pub mod messages;
pub mod notifications;
pub mod reports;
pub mod search;
pub mod settings;
pub mod tickets;
pub mod views;

use porchlight_domain::DomainError;
use rusqlite::Row;

/// Reads a text column holding one of a domain enum's values.
pub(crate) fn enum_col<T>(
    row: &Row<'_>,
    idx: usize,
    parse: fn(&str, &str) -> Result<T, DomainError>,
) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    parse("column", &s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

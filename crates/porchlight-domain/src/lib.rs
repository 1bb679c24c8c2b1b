//! Porchlight's vocabulary: tickets, messages, customers, views and the intent-level
//! mutations that change them. Pure: no I/O, no SQL, no clocks — callers pass ids and times.

pub mod apply;
pub mod backup;
pub mod bidi;
pub mod catalog;
pub mod config;
pub mod config_apply;
pub mod dates;
pub mod docs;
pub mod error;
pub mod export;
pub mod filter;
pub mod kb;
pub mod kb_apply;
mod macros;
pub mod mail;
pub mod markdown;
pub mod model;
pub mod mutation;
pub mod notify;
pub mod records;
pub mod report_docs;
pub mod reports;
pub mod rules;
pub mod sanitize;
pub mod sla;
pub mod survey;
pub mod sync;
pub mod update;
pub mod validate;

pub use error::{DomainError, ErrorCode};
pub use filter::{FilterClause, SearchQuery, TicketFilter, ViewInfo};
pub use model::*;
pub use mutation::Mutation;

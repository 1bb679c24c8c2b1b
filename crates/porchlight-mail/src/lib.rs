//! E-mail for Porchlight, used by the desktop (standalone) and the server (team).
//!
//! Pure functions, tested without a socket:
//! - [`parse`](parse::parse): raw bytes to a [`ParsedMail`] (addresses, threading headers,
//!   text, sanitised HTML, attachments with cleaned names, and the problems met on the way);
//! - [`classify`](classify::classify): automatic replies, bounces, failed DMARC/SPF;
//! - [`thread`]: the keys a mail threads by (Message-IDs, the subject tag) and Porchlight's
//!   own outgoing Message-IDs;
//! - [`quote`]: the new text of a reply apart from the quoted history and the signature;
//! - [`build`]: an outgoing reply as a complete MIME message.
//!
//! The I/O: [`smtp`] (send, test a connection) and [`imap`] (fetch new mail by UID, mark
//! seen, move, test a connection), both over rustls, verifying certificates always.

pub mod build;
pub mod channel;
pub mod classify;
mod headers;
pub mod imap;
pub mod inbound;
pub mod parse;
pub mod quote;
pub mod smtp;
pub mod thread;
pub mod tls;

pub use build::{build_reply, BuildError, OutgoingAttachment, OutgoingReply};
pub use classify::{classify, AuthResult, AuthVerdict, AutoSignal, Bounce, Classification};
pub use inbound::{read as read_inbound, Inbound};
pub use parse::{
    parse, Attachment, AttachmentKind, MailAddress, ParseError, ParseLimits, ParsedMail, Problem,
    ProblemKind,
};
pub use quote::{split_reply, SplitReply};
pub use thread::{outgoing_message_id, thread_keys, SubjectTag, ThreadKeys};
pub use tls::{Auth, ConnectError, ConnectErrorKind, Security, ServerConfig};

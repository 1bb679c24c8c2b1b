//! `server_abuse`: the real server process attacked the way an attacker would — many clients in
//! parallel over real sockets, slow clients, floods from one address, sessions revoked while
//! their streams are open, lost responses and reused mutation ids. Each module owns one front.

#[path = "../common/mod.rs"]
mod common;

mod connections;
mod content;
mod logins;
mod portal_floods;
mod sync_integrity;

//! The mail channel: fetching each mailbox's new mail into the helpdesk and sending what
//! waits in its queue, over a [`MailStorage`] (the desktop store standalone, the server in a
//! team). Each step is idempotent: a mail is stored raw and recognised by its hash before
//! anything else happens to it, the folder's UID is advanced only after its mails are stored,
//! and an outgoing message keeps its Message-ID when it is sent again — so a crash anywhere
//! loses nothing and duplicates nothing.

use std::sync::Arc;
use std::time::Duration;

use porchlight_domain::mail::{
    MailAuthKind, MailProblem, MailSecurity, MailServerRole, MailTestFailure, MailTestResult,
    Mailbox,
};

use crate::build::{build_reply, OutgoingReply};
use crate::imap::ImapSession;
use crate::thread::SubjectTag;
use crate::tls::{Auth, ConnectError, ConnectErrorKind, Security, ServerConfig};

/// What a delivery report becomes: the failure recorded on the reply it names (`target`, the
/// message sent with its Message-ID), or refused when no mail sent from here has that id.
/// The desktop's and the server's storage both take bounces in this way.
pub fn bounce(
    target: Option<String>,
    reason: String,
) -> (Option<porchlight_domain::Mutation>, TakenIn) {
    match target {
        Some(message_id) => (
            Some(porchlight_domain::Mutation::SetDelivery {
                message_id,
                state: porchlight_domain::mail::DeliveryState::Failed,
                error: Some(reason),
            }),
            TakenIn::Bounce,
        ),
        None => (
            None,
            TakenIn::Refused(format!(
                "A delivery report about no mail sent from here: {reason}"
            )),
        ),
    }
}

/// What the storage made of one fetched mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TakenIn {
    /// A new ticket or a reply on one (the ticket's id).
    Ticket(String),
    /// Stored before (a refetch, or the same mail in two mailboxes).
    Duplicate,
    /// A delivery failure report, recorded on the message it names.
    Bounce,
    /// Kept raw but not taken in, with the reason (no sender, mail from our own address…).
    Refused(String),
}

/// A message waiting to be sent.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub message_id: String,
    pub mailbox: Mailbox,
    pub reply: OutgoingReply,
}

/// A queued message as the mail it becomes: from its mailbox (or the first active one when
/// that one is gone), the mailbox's signature below an agent's text, `Re:` and the ticket's
/// tag in the subject, the thread's Message-IDs, the files (read by the storage). `None` when
/// the message is not mail or no mailbox is left to send it.
pub fn outgoing(
    message: &porchlight_domain::docs::MessageDoc,
    mailboxes: &[Mailbox],
    ticket_number: Option<i64>,
    attachments: Vec<crate::build::OutgoingAttachment>,
) -> Option<Outgoing> {
    let e = message.email.as_ref()?;
    let mailbox = mailboxes
        .iter()
        .find(|b| b.id == e.mailbox_id)
        .or_else(|| mailboxes.iter().find(|b| b.active))?
        .clone();
    let mut text = message.body_text.clone();
    if !mailbox.signature.trim().is_empty() && !e.automatic {
        text.push_str("\n\n-- \n");
        text.push_str(mailbox.signature.trim());
    }
    let address = |a: &String| crate::parse::MailAddress::new(None, a);
    Some(Outgoing {
        message_id: message.id.clone(),
        reply: OutgoingReply {
            from: crate::parse::MailAddress::new(Some(&mailbox.name), &mailbox.address),
            to: e.to.iter().map(address).collect(),
            cc: e.cc.iter().map(address).collect(),
            reply_to: None,
            // An acknowledgement has its own subject; a reply answers the thread's.
            subject: if e.automatic {
                e.subject.clone()
            } else {
                crate::build::reply_subject(&e.subject)
            },
            ticket_number,
            message_id: format!("<{}>", e.mail_id),
            in_reply_to: e.references.last().cloned(),
            references: e.references.clone(),
            text,
            html: None,
            attachments,
            automatic: e.automatic,
            date: None,
        },
        mailbox,
    })
}

/// What the channel needs from where the helpdesk keeps its data. Blocking calls: the channel
/// runs them off the async threads.
pub trait MailStorage: Send + Sync + 'static {
    /// Every mailbox, active or not.
    fn mailboxes(&self) -> Result<Vec<Mailbox>, String>;
    /// The password or token for one of a mailbox's servers.
    fn secret(&self, mailbox_id: &str, role: MailServerRole) -> Result<Option<String>, String>;
    /// The (UIDVALIDITY, last UID stored) of a folder.
    fn folder_state(&self, mailbox_id: &str, folder: &str) -> Result<Option<(u32, u32)>, String>;
    fn save_folder_state(
        &self,
        mailbox_id: &str,
        folder: &str,
        uid_validity: u32,
        last_uid: u32,
    ) -> Result<(), String>;
    /// Stores the raw mail first, then takes it in (see [`TakenIn`]). An error means it was
    /// not stored: the folder's UID must not move past it.
    fn take_in(&self, mailbox: &Mailbox, raw: &[u8]) -> Result<TakenIn, String>;
    /// Messages waiting to be sent, oldest first.
    fn outgoing(&self, limit: usize) -> Result<Vec<Outgoing>, String>;
    /// Records a send: `Ok` sent, `Err` refused for good with the server's words.
    fn delivered(&self, message_id: &str, outcome: Result<(), String>) -> Result<(), String>;
    /// How a mailbox's last fetch or send went, for the settings screen.
    fn report(&self, mailbox_id: &str, outcome: Result<(), String>);
}

/// Extra root certificates (PEM) trusted for mail servers besides the system's, from the file
/// named by `PORCHLIGHT_MAIL_CA_FILE`: a company's own CA, or the tests' throwaway one.
pub fn extra_roots() -> Option<String> {
    let path = std::env::var_os("PORCHLIGHT_MAIL_CA_FILE")?;
    std::fs::read_to_string(path).ok()
}

/// The connection settings of one of a mailbox's servers, with its secret.
pub fn server_config(mailbox: &Mailbox, role: MailServerRole, secret: &str) -> ServerConfig {
    let s = match role {
        MailServerRole::Imap => &mailbox.imap,
        MailServerRole::Smtp => &mailbox.smtp,
    };
    let auth = match s.auth {
        MailAuthKind::Password => Auth::Password {
            user: s.user.clone(),
            password: secret.to_string(),
        },
        MailAuthKind::Xoauth2 => Auth::OAuth2 {
            user: s.user.clone(),
            access_token: secret.to_string(),
        },
    };
    let security = match s.security {
        MailSecurity::Tls => Security::Tls,
        MailSecurity::StartTls => Security::StartTls,
    };
    let mut c = ServerConfig::new(&s.host, s.port, security, auth);
    c.extra_roots_pem = extra_roots();
    c
}

async fn blocking<S: MailStorage, T: Send + 'static>(
    storage: &Arc<S>,
    f: impl FnOnce(&S) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let s = Arc::clone(storage);
    tokio::task::spawn_blocking(move || f(&s))
        .await
        .map_err(|e| format!("mail storage task failed: {e}"))?
}

/// Why a fetch or send round stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    #[error("{0}")]
    Connect(#[from] ConnectError),
    #[error("storage: {0}")]
    Storage(String),
    #[error("no {0} password or token is stored for this mailbox")]
    NoSecret(&'static str),
}

/// How many mails are fetched per round trip: small, so a few large mails never sit in
/// memory together.
const FETCH_BATCH: usize = 10;

/// What one fetch of a mailbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchReport {
    pub stored: usize,
    pub duplicates: usize,
    pub refused: usize,
}

/// Fetches the mailbox's new mail (UID above the last stored; everything again when the
/// folder's UIDVALIDITY changed), stores and takes in each, then marks them read or moves
/// them, batch by batch.
pub async fn fetch_mailbox<S: MailStorage>(
    storage: &Arc<S>,
    mailbox: &Mailbox,
) -> Result<FetchReport, ChannelError> {
    let id = mailbox.id.clone();
    let secret = blocking(storage, move |s| s.secret(&id, MailServerRole::Imap))
        .await
        .map_err(ChannelError::Storage)?
        .ok_or(ChannelError::NoSecret("IMAP"))?;
    let config = server_config(mailbox, MailServerRole::Imap, &secret);
    let mut session = ImapSession::connect(&config).await?;
    let result = fetch_in(storage, mailbox, &mut session).await;
    session.logout().await;
    result
}

async fn fetch_in<S: MailStorage>(
    storage: &Arc<S>,
    mailbox: &Mailbox,
    session: &mut ImapSession,
) -> Result<FetchReport, ChannelError> {
    let folder = mailbox.folder.clone();
    let state = session.select(&folder).await?;
    let (id, f) = (mailbox.id.clone(), folder.clone());
    let stored = blocking(storage, move |s| s.folder_state(&id, &f))
        .await
        .map_err(ChannelError::Storage)?;
    let after = match stored {
        Some((validity, last)) if validity == state.uid_validity => last,
        // New, or the server renumbered the folder: read it all; hashes catch repeats.
        _ => 0,
    };
    let uids = session.new_uids(after).await?;
    let mut report = FetchReport::default();
    for batch in uids.chunks(FETCH_BATCH) {
        let mails = session.fetch_uids(batch).await?;
        let mut done: Vec<u32> = Vec::with_capacity(mails.len());
        for m in mails {
            let mb = mailbox.clone();
            let raw = m.raw;
            let outcome = blocking(storage, move |s| s.take_in(&mb, &raw))
                .await
                .map_err(ChannelError::Storage)?;
            match outcome {
                TakenIn::Ticket(_) | TakenIn::Bounce => report.stored += 1,
                TakenIn::Duplicate => report.duplicates += 1,
                TakenIn::Refused(_) => report.refused += 1,
            }
            done.push(m.uid);
        }
        if done.is_empty() {
            continue;
        }
        match mailbox.after_fetch {
            porchlight_domain::mail::AfterFetch::MarkRead => session.mark_seen(&done).await?,
            porchlight_domain::mail::AfterFetch::Move => {
                session.move_to(&done, &mailbox.move_to).await?
            }
        }
        let last = *done.iter().max().expect("not empty");
        let (id, f, validity) = (mailbox.id.clone(), folder.clone(), state.uid_validity);
        blocking(storage, move |s| {
            s.save_folder_state(&id, &f, validity, last)
        })
        .await
        .map_err(ChannelError::Storage)?;
    }
    Ok(report)
}

/// Whether a failed send should wait in the queue rather than fail: the server was away or
/// refused for now, or the mailbox's own settings are wrong (a password, a certificate) —
/// the message is not at fault, and goes once the settings are mended.
fn deferred(e: &ConnectError) -> bool {
    match e.kind {
        ConnectErrorKind::Unreachable
        | ConnectErrorKind::Tls
        | ConnectErrorKind::Credentials
        | ConnectErrorKind::InvalidConfig => true,
        ConnectErrorKind::Protocol => e.detail.to_ascii_lowercase().contains("transient"),
        ConnectErrorKind::Rejected | ConnectErrorKind::MissingFolder => false,
    }
}

/// What one send round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub failed: usize,
    /// Left queued for the next round (server unreachable, temporary refusal, no secret).
    pub deferred: usize,
}

/// Sends everything waiting: each message from its mailbox's SMTP server, recorded as sent
/// or failed (with the server's words). When a server cannot be reached the message stays
/// queued and the mailbox's report says why.
pub async fn send_queued<S: MailStorage>(storage: &Arc<S>) -> Result<SendReport, ChannelError> {
    let queue = blocking(storage, |s| s.outgoing(100))
        .await
        .map_err(ChannelError::Storage)?;
    let mut report = SendReport::default();
    for out in queue {
        let id = out.mailbox.id.clone();
        let secret = blocking(storage, move |s| s.secret(&id, MailServerRole::Smtp))
            .await
            .map_err(ChannelError::Storage)?;
        let Some(secret) = secret else {
            report.deferred += 1;
            let id = out.mailbox.id.clone();
            let _ = blocking(storage, move |s| {
                s.report(&id, Err("No SMTP password or token is stored.".into()));
                Ok(())
            })
            .await;
            continue;
        };
        let config = server_config(&out.mailbox, MailServerRole::Smtp, &secret);
        let tag = SubjectTag::new(&out.mailbox.tag_prefix)
            .unwrap_or_else(|_| SubjectTag::new("#").expect("the default prefix is valid"));
        let outcome = match build_reply(&out.reply, &tag) {
            Err(e) => Err(e.to_string()),
            Ok(message) => match crate::smtp::send(&config, &message).await {
                Ok(()) => Ok(()),
                Err(e) if deferred(&e) => {
                    report.deferred += 1;
                    let (id, detail) = (out.mailbox.id.clone(), e.detail.clone());
                    let _ = blocking(storage, move |s| {
                        s.report(&id, Err(detail));
                        Ok(())
                    })
                    .await;
                    continue;
                }
                Err(e) => Err(e.detail),
            },
        };
        match &outcome {
            Ok(()) => report.sent += 1,
            Err(_) => report.failed += 1,
        }
        let mid = out.message_id.clone();
        blocking(storage, move |s| s.delivered(&mid, outcome))
            .await
            .map_err(ChannelError::Storage)?;
    }
    Ok(report)
}

/// One round of the channel: every active mailbox fetched, then the queue sent. Each
/// mailbox's outcome is reported to the storage; one failing mailbox does not stop the others.
pub async fn round<S: MailStorage>(
    storage: &Arc<S>,
) -> Result<(FetchReport, SendReport), ChannelError> {
    let boxes = blocking(storage, |s| s.mailboxes())
        .await
        .map_err(ChannelError::Storage)?;
    let mut total = FetchReport::default();
    for mb in boxes.into_iter().filter(|b| b.active) {
        let outcome = fetch_mailbox(storage, &mb).await;
        let status = match &outcome {
            Ok(r) => {
                total.stored += r.stored;
                total.duplicates += r.duplicates;
                total.refused += r.refused;
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        };
        let id = mb.id.clone();
        let _ = blocking(storage, move |s| {
            s.report(&id, status);
            Ok(())
        })
        .await;
    }
    let sent = send_queued(storage).await?;
    Ok((total, sent))
}

/// How long one IMAP IDLE lasts before it is renewed (servers end them after 30 minutes).
const IDLE_FOR: Duration = Duration::from_secs(25 * 60);

/// Watches a mailbox's folder with IMAP IDLE and wakes the channel when it changes, so new
/// mail is fetched in seconds rather than at the next poll. Ends when the server has no IDLE
/// (polling covers it); after an error it waits and connects again.
async fn watch<S: MailStorage>(storage: Arc<S>, mailbox: Mailbox, wake: Arc<tokio::sync::Notify>) {
    let mut backoff = Duration::from_secs(5);
    loop {
        let id = mailbox.id.clone();
        let secret = match blocking(&storage, move |s| s.secret(&id, MailServerRole::Imap)).await {
            Ok(Some(s)) => s,
            // No password yet, or the storage failed: the regular rounds report it.
            _ => return,
        };
        let config = server_config(&mailbox, MailServerRole::Imap, &secret);
        let watched: Result<(), ConnectError> = async {
            let mut session = ImapSession::connect(&config).await?;
            if !session.supports_idle().await? {
                return Err(ConnectError::new(ConnectErrorKind::Protocol, "no IDLE"));
            }
            session.select(&mailbox.folder).await?;
            loop {
                let (s, changed) = session.idle(IDLE_FOR).await?;
                session = s;
                if changed {
                    wake.notify_one();
                }
            }
        }
        .await;
        match watched {
            Err(e) if e.detail == "no IDLE" => return,
            _ => {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(300));
            }
        }
    }
}

/// Runs rounds until `stop` resolves: one at once, then one every `every`, or sooner when
/// `fetch` is notified (IMAP IDLE saw new mail, a mailbox's settings changed). Between rounds,
/// `send` sends what waits (an agent's reply) without reading any mailbox: a busy team pushes
/// many changes, and each must not cost an IMAP round per mailbox. Every mailbox the rounds
/// read is also watched with IDLE, restarted when its settings change.
pub async fn run<S: MailStorage>(
    storage: Arc<S>,
    every: Duration,
    fetch: Arc<tokio::sync::Notify>,
    send: Arc<tokio::sync::Notify>,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    let mut watchers: std::collections::HashMap<(String, i64), tokio::task::JoinHandle<()>> =
        std::collections::HashMap::new();
    loop {
        let _ = round(&storage).await;
        // The active mailboxes as this round saw them (id, settings' time).
        let mut wanted: Vec<(String, i64)> = Vec::new();
        if let Ok(boxes) = blocking(&storage, |s| s.mailboxes()).await {
            wanted = boxes
                .iter()
                .filter(|b| b.active)
                .map(|b| (b.id.clone(), b.updated_at))
                .collect();
            // A watcher that ended (no IDLE on that server, no password yet) stays ended
            // until the mailbox's settings change.
            watchers.retain(|key, task| {
                let keep = wanted.contains(key);
                if !keep {
                    task.abort();
                }
                keep
            });
            for b in boxes.into_iter().filter(|b| b.active) {
                if let std::collections::hash_map::Entry::Vacant(slot) =
                    watchers.entry((b.id.clone(), b.updated_at))
                {
                    slot.insert(tokio::spawn(watch(
                        Arc::clone(&storage),
                        b,
                        Arc::clone(&fetch),
                    )));
                }
            }
        }
        let next_round = tokio::time::sleep(every);
        tokio::pin!(next_round);
        loop {
            tokio::select! {
                _ = &mut stop => {
                    for task in watchers.values() {
                        task.abort();
                    }
                    return;
                }
                _ = fetch.notified() => break,
                _ = &mut next_round => break,
                _ = send.notified() => {
                    let _ = send_queued(&storage).await;
                    // A mailbox added or changed (pushed like any configuration) is read now,
                    // not at the next poll.
                    let now: Option<Vec<(String, i64)>> = blocking(&storage, |s| s.mailboxes())
                        .await
                        .ok()
                        .map(|boxes| {
                            boxes
                                .iter()
                                .filter(|b| b.active)
                                .map(|b| (b.id.clone(), b.updated_at))
                                .collect()
                        });
                    if now.is_some_and(|now| now != wanted) {
                        break;
                    }
                }
            }
        }
    }
}

/// What a connection error means for the person setting up the mailbox.
pub fn problem(kind: ConnectErrorKind) -> MailProblem {
    match kind {
        ConnectErrorKind::Unreachable => MailProblem::Unreachable,
        ConnectErrorKind::Tls => MailProblem::Tls,
        ConnectErrorKind::Credentials => MailProblem::Credentials,
        ConnectErrorKind::MissingFolder => MailProblem::FolderMissing,
        ConnectErrorKind::InvalidConfig => MailProblem::InvalidConfig,
        ConnectErrorKind::Rejected | ConnectErrorKind::Protocol => MailProblem::Protocol,
    }
}

/// "Test connection": signs in to both servers (and selects the folder) at once, with the
/// secrets given. A missing secret is reported as such, not tried.
pub async fn test_mailbox(
    mailbox: &Mailbox,
    imap_secret: Option<&str>,
    smtp_secret: Option<&str>,
) -> MailTestResult {
    let no_secret = || MailTestFailure {
        problem: MailProblem::NoSecret,
        detail: String::new(),
    };
    let failure = |e: ConnectError| MailTestFailure {
        problem: problem(e.kind),
        detail: e.detail,
    };
    let imap = async {
        let secret = imap_secret?;
        let config = server_config(mailbox, MailServerRole::Imap, secret);
        crate::imap::test_connection(&config, &mailbox.folder)
            .await
            .err()
    };
    let smtp = async {
        let secret = smtp_secret?;
        let config = server_config(mailbox, MailServerRole::Smtp, secret);
        crate::smtp::test_connection(&config).await.err()
    };
    let (i, s) = tokio::join!(imap, smtp);
    MailTestResult {
        imap: match imap_secret {
            None => Some(no_secret()),
            Some(_) => i.map(failure),
        },
        smtp: match smtp_secret {
            None => Some(no_secret()),
            Some(_) => s.map(failure),
        },
    }
}

/// How one mailbox's channel last went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxRun {
    /// When mail was last fetched without error (UTC ms).
    pub last_fetch_at: Option<i64>,
    /// The last error, until a fetch succeeds.
    pub last_error: Option<String>,
}

/// What [`MailStorage::report`] hears, kept by the process running the channel for the
/// settings screen.
#[derive(Debug, Default)]
pub struct StatusBook(std::sync::Mutex<std::collections::HashMap<String, MailboxRun>>);

impl StatusBook {
    pub fn report(&self, mailbox_id: &str, outcome: Result<(), String>, now: i64) {
        let mut book = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let run = book.entry(mailbox_id.to_string()).or_default();
        match outcome {
            Ok(()) => {
                run.last_fetch_at = Some(now);
                run.last_error = None;
            }
            Err(e) => run.last_error = Some(e),
        }
    }

    pub fn get(&self, mailbox_id: &str) -> MailboxRun {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(mailbox_id)
            .cloned()
            .unwrap_or_default()
    }
}

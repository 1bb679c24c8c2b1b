//! Receiving over IMAP (async-imap on tokio, tokio-rustls): sign in with a password or
//! XOAUTH2, select a folder, and fetch the mails whose UID is above the last one stored, as
//! raw bytes with their UID. The caller keeps (UIDVALIDITY, last UID) per folder: when the
//! UIDVALIDITY changes the old UIDs mean nothing and the folder is read again (each mail is
//! then recognised by its hash and Message-ID).

use std::future::Future;

use async_imap::error::Error as ImapError;
use futures_util::TryStreamExt;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::tls::{client_config, is_tls, is_unreachable, ConnectError, ConnectErrorKind};
use crate::{Auth, Security, ServerConfig};

type Stream = TlsStream<TcpStream>;

/// A folder as selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderState {
    pub uid_validity: u32,
    /// The UID the next new mail will get, when the server says.
    pub uid_next: Option<u32>,
    /// Mails in the folder.
    pub exists: u32,
}

/// One fetched mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedMail {
    pub uid: u32,
    pub raw: Vec<u8>,
}

/// What one call to [`fetch`] read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchBatch {
    pub folder: FolderState,
    /// In UID order.
    pub mails: Vec<FetchedMail>,
    /// Whether more new mail waits beyond `max` (fetch again from the last UID).
    pub more: bool,
}

/// A signed-in IMAP connection.
pub struct ImapSession {
    session: async_imap::Session<Stream>,
    config: ServerConfig,
}

impl std::fmt::Debug for ImapSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSession")
            .field("host", &self.config.host)
            .field("port", &self.config.port)
            .finish()
    }
}

/// The XOAUTH2 exchange: the token first; a server that refuses it sends a challenge with
/// the error, answered with an empty line so it can end with NO.
struct XOAuth2 {
    response: Option<String>,
}

impl async_imap::Authenticator for XOAuth2 {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> String {
        self.response.take().unwrap_or_default()
    }
}

async fn timed<T>(
    config: &ServerConfig,
    what: &str,
    f: impl Future<Output = Result<T, ConnectError>>,
) -> Result<T, ConnectError> {
    match tokio::time::timeout(config.timeout, f).await {
        Ok(r) => r,
        Err(_) => Err(ConnectError::new(
            ConnectErrorKind::Unreachable,
            format!("{what}: no answer within {:?}", config.timeout),
        )),
    }
}

fn io_error(e: std::io::Error, what: &str) -> ConnectError {
    let kind = if is_tls(&e) {
        ConnectErrorKind::Tls
    } else if is_unreachable(&e) {
        ConnectErrorKind::Unreachable
    } else {
        ConnectErrorKind::Protocol
    };
    ConnectError::new(kind, format!("{what}: {e}"))
}

/// Maps an IMAP error; `no` is what a NO answer means for this command.
fn imap_error(e: ImapError, what: &str, no: ConnectErrorKind) -> ConnectError {
    match e {
        ImapError::Io(io) => io_error(io, what),
        ImapError::No(msg) => ConnectError::new(no, format!("{what}: {msg}")),
        other => ConnectError::new(ConnectErrorKind::Protocol, format!("{what}: {other}")),
    }
}

impl ImapSession {
    /// Connects, secures the connection (implicit TLS or STARTTLS) and signs in.
    pub async fn connect(config: &ServerConfig) -> Result<ImapSession, ConnectError> {
        let tls = TlsConnector::from(client_config(config.extra_roots_pem.as_deref())?);
        let name = ServerName::try_from(config.host.clone()).map_err(|e| {
            ConnectError::new(
                ConnectErrorKind::InvalidConfig,
                format!("host name '{}': {e}", config.host),
            )
        })?;
        let tcp = timed(config, "connect", async {
            TcpStream::connect((config.host.as_str(), config.port))
                .await
                .map_err(|e| io_error(e, "connect"))
        })
        .await?;

        let stream = match config.security {
            Security::Tls => {
                let s = timed(config, "TLS handshake", async {
                    tls.connect(name, tcp)
                        .await
                        .map_err(|e| io_error(e, "TLS handshake"))
                })
                .await?;
                let mut client = async_imap::Client::new(s);
                read_greeting(config, &mut client).await?;
                client.into_inner()
            }
            Security::StartTls => {
                let mut client = async_imap::Client::new(tcp);
                read_greeting(config, &mut client).await?;
                timed(config, "STARTTLS", async {
                    client
                        .run_command_and_check_ok("STARTTLS", None)
                        .await
                        .map_err(|e| imap_error(e, "STARTTLS", ConnectErrorKind::Tls))
                })
                .await?;
                let tcp = client.into_inner();
                timed(config, "TLS handshake", async {
                    tls.connect(name, tcp)
                        .await
                        .map_err(|e| io_error(e, "TLS handshake"))
                })
                .await?
            }
        };

        let client = async_imap::Client::new(stream);
        let session = timed(config, "sign-in", async {
            let r = match &config.auth {
                Auth::Password { user, password } => client.login(user, password).await,
                Auth::OAuth2 { user, access_token } => {
                    client
                        .authenticate(
                            "XOAUTH2",
                            XOAuth2 {
                                response: Some(Auth::xoauth2(user, access_token)),
                            },
                        )
                        .await
                }
            };
            r.map_err(|(e, _)| imap_error(e, "sign-in", ConnectErrorKind::Credentials))
        })
        .await?;
        Ok(ImapSession {
            session,
            config: config.clone(),
        })
    }

    /// Selects `folder` (read-write, so flags and moves work).
    pub async fn select(&mut self, folder: &str) -> Result<FolderState, ConnectError> {
        let config = self.config.clone();
        let session = &mut self.session;
        let mailbox = timed(&config, "SELECT", async {
            session
                .select(encode_folder_name(folder))
                .await
                .map_err(|e| {
                    imap_error(
                        e,
                        &format!("SELECT \"{folder}\""),
                        ConnectErrorKind::MissingFolder,
                    )
                })
        })
        .await?;
        let uid_validity = mailbox.uid_validity.ok_or_else(|| {
            ConnectError::new(
                ConnectErrorKind::Protocol,
                format!("the server gave no UIDVALIDITY for \"{folder}\""),
            )
        })?;
        Ok(FolderState {
            uid_validity,
            uid_next: mailbox.uid_next,
            exists: mailbox.exists,
        })
    }

    /// The UIDs above `after_uid` in the selected folder, ascending.
    pub async fn new_uids(&mut self, after_uid: u32) -> Result<Vec<u32>, ConnectError> {
        let config = self.config.clone();
        let session = &mut self.session;
        let query = format!("UID {}:*", after_uid.saturating_add(1));
        let found = timed(&config, "UID SEARCH", async {
            session
                .uid_search(&query)
                .await
                .map_err(|e| imap_error(e, "UID SEARCH", ConnectErrorKind::Protocol))
        })
        .await?;
        // `N:*` always matches the highest UID, even one below N.
        let mut uids: Vec<u32> = found.into_iter().filter(|&u| u > after_uid).collect();
        uids.sort_unstable();
        Ok(uids)
    }

    /// The raw bytes of the given UIDs (without setting \Seen), in UID order.
    pub async fn fetch_uids(&mut self, uids: &[u32]) -> Result<Vec<FetchedMail>, ConnectError> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let config = self.config.clone();
        let session = &mut self.session;
        let set = uid_set(uids);
        let mut mails = timed(&config, "UID FETCH", async {
            let stream = session
                .uid_fetch(&set, "(UID BODY.PEEK[])")
                .await
                .map_err(|e| imap_error(e, "UID FETCH", ConnectErrorKind::Protocol))?;
            let fetches: Vec<_> = stream
                .try_collect()
                .await
                .map_err(|e| imap_error(e, "UID FETCH", ConnectErrorKind::Protocol))?;
            Ok(fetches
                .into_iter()
                .filter_map(|f| {
                    Some(FetchedMail {
                        uid: f.uid?,
                        raw: f.body()?.to_vec(),
                    })
                })
                .filter(|m| uids.contains(&m.uid))
                .collect::<Vec<_>>())
        })
        .await?;
        mails.sort_by_key(|m| m.uid);
        mails.dedup_by_key(|m| m.uid);
        Ok(mails)
    }

    /// Marks mails read.
    pub async fn mark_seen(&mut self, uids: &[u32]) -> Result<(), ConnectError> {
        if uids.is_empty() {
            return Ok(());
        }
        let config = self.config.clone();
        let session = &mut self.session;
        let set = uid_set(uids);
        timed(&config, "UID STORE", async {
            let stream = session
                .uid_store(&set, "+FLAGS.SILENT (\\Seen)")
                .await
                .map_err(|e| imap_error(e, "UID STORE", ConnectErrorKind::Protocol))?;
            let _: Vec<_> = stream
                .try_collect()
                .await
                .map_err(|e| imap_error(e, "UID STORE", ConnectErrorKind::Protocol))?;
            Ok(())
        })
        .await
    }

    /// Moves mails to another folder (UID MOVE, RFC 6851).
    pub async fn move_to(&mut self, uids: &[u32], folder: &str) -> Result<(), ConnectError> {
        if uids.is_empty() {
            return Ok(());
        }
        let config = self.config.clone();
        let session = &mut self.session;
        let set = uid_set(uids);
        timed(&config, "UID MOVE", async {
            session
                .uid_mv(&set, encode_folder_name(folder))
                .await
                .map_err(|e| {
                    imap_error(
                        e,
                        &format!("UID MOVE to \"{folder}\""),
                        ConnectErrorKind::MissingFolder,
                    )
                })
        })
        .await
    }

    /// Whether the server offers IMAP IDLE (RFC 2177).
    pub async fn supports_idle(&mut self) -> Result<bool, ConnectError> {
        let config = self.config.clone();
        let session = &mut self.session;
        timed(&config, "CAPABILITY", async {
            session
                .capabilities()
                .await
                .map(|c| c.has_str("IDLE"))
                .map_err(|e| imap_error(e, "CAPABILITY", ConnectErrorKind::Protocol))
        })
        .await
    }

    /// Files a raw mail in `folder` (IMAP APPEND), unread: how a client keeps a copy of what
    /// it sent, and how a mailbox is filled without going through SMTP delivery.
    pub async fn append(&mut self, folder: &str, raw: &[u8]) -> Result<(), ConnectError> {
        let config = self.config.clone();
        let what = format!("APPEND to \"{folder}\"");
        let session = &mut self.session;
        let wire = encode_folder_name(folder);
        timed(&config, "APPEND", async {
            match session.append(&wire, None, None, raw).await {
                Ok(()) => Ok(()),
                // Refused before the mail was sent, its reason dropped by async-imap: a
                // missing folder (NO [TRYCREATE]) or a mail the server will not take. STATUS
                // tells the two apart.
                Err(ImapError::Append) => match session.status(&wire, "(MESSAGES)").await {
                    Err(ImapError::No(_)) => Err(ConnectError::new(
                        ConnectErrorKind::MissingFolder,
                        format!("{what}: there is no such folder"),
                    )),
                    Err(e) => Err(imap_error(e, &what, ConnectErrorKind::Protocol)),
                    Ok(_) => Err(ConnectError::new(
                        ConnectErrorKind::Rejected,
                        format!("{what}: the server refused the mail ({} bytes)", raw.len()),
                    )),
                },
                Err(e) => Err(imap_error(e, &what, ConnectErrorKind::Rejected)),
            }
        })
        .await
    }

    /// Waits in IMAP IDLE until the server reports a change in the selected folder or
    /// `timeout` passes (servers drop an IDLE after 30 minutes; ask for less). Returns the
    /// session, ready for commands again, and whether something changed.
    pub async fn idle(
        self,
        timeout: std::time::Duration,
    ) -> Result<(ImapSession, bool), ConnectError> {
        let ImapSession { session, config } = self;
        let mut handle = session.idle();
        timed(&config, "IDLE", async {
            handle
                .init()
                .await
                .map_err(|e| imap_error(e, "IDLE", ConnectErrorKind::Protocol))
        })
        .await?;
        let changed = {
            // Dropping the stop source would end the wait at once: it lives to the end of it.
            let (wait, _stop) = handle.wait_with_timeout(timeout);
            match wait.await {
                Ok(async_imap::extensions::idle::IdleResponse::NewData(_)) => true,
                Ok(_) => false,
                Err(e) => return Err(imap_error(e, "IDLE", ConnectErrorKind::Protocol)),
            }
        };
        let session = timed(&config, "DONE", async {
            handle
                .done()
                .await
                .map_err(|e| imap_error(e, "DONE", ConnectErrorKind::Protocol))
        })
        .await?;
        Ok((ImapSession { session, config }, changed))
    }

    /// Signs out (errors are ignored: the connection ends either way).
    pub async fn logout(mut self) {
        let timeout = self.config.timeout;
        let _ = tokio::time::timeout(timeout, self.session.logout()).await;
    }
}

async fn read_greeting<T>(
    config: &ServerConfig,
    client: &mut async_imap::Client<T>,
) -> Result<(), ConnectError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    timed(config, "greeting", async {
        match client.read_response().await {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(ConnectError::new(
                ConnectErrorKind::Protocol,
                "the server closed the connection before its greeting",
            )),
            Err(e) => Err(io_error(e, "greeting")),
        }
    })
    .await
}

/// A folder name as IMAP writes it: modified UTF-7 (RFC 3501 §5.1.3), so "Gönderilmiş",
/// "Wysłane" and "صندوق ورودی" reach the server as the folders their owners see.
pub fn encode_folder_name(name: &str) -> String {
    use base64::Engine as _;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::IMAP_MUTF7,
        base64::engine::general_purpose::NO_PAD,
    );
    let mut out = String::with_capacity(name.len());
    let mut run: Vec<u16> = Vec::new();
    let flush = |run: &mut Vec<u16>, out: &mut String| {
        if !run.is_empty() {
            let bytes: Vec<u8> = run.iter().flat_map(|u| u.to_be_bytes()).collect();
            out.push('&');
            out.push_str(&engine.encode(bytes));
            out.push('-');
            run.clear();
        }
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut run, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            run.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut run, &mut out);
    out
}

/// `1:3,7,9:10` for a sorted or unsorted list of UIDs.
pub fn uid_set(uids: &[u32]) -> String {
    let mut sorted: Vec<u32> = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        });
        i += 1;
    }
    out.join(",")
}

/// Fetches up to `max` new mails (UID above `after_uid`) from `folder`, oldest first.
pub async fn fetch(
    config: &ServerConfig,
    folder: &str,
    after_uid: u32,
    max: usize,
) -> Result<FetchBatch, ConnectError> {
    let mut s = ImapSession::connect(config).await?;
    let state = s.select(folder).await?;
    let uids = s.new_uids(after_uid).await?;
    let more = uids.len() > max;
    let mails = s.fetch_uids(&uids[..uids.len().min(max)]).await?;
    s.logout().await;
    Ok(FetchBatch {
        folder: state,
        mails,
        more,
    })
}

/// Connects, signs in and selects `folder`: what the settings screen's "Test" button runs.
pub async fn test_connection(
    config: &ServerConfig,
    folder: &str,
) -> Result<FolderState, ConnectError> {
    let mut s = ImapSession::connect(config).await?;
    let state = s.select(folder).await;
    s.logout().await;
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_in_modified_utf7() {
        let cases = [
            ("INBOX", "INBOX"),
            ("Gönderilmiş Öğeler", "G&APY-nderilmi&AV8- &ANYBHw-eler"),
            ("Wysłane", "Wys&AUI-ane"),
            ("صندوق ورودی", "&BjUGRgYvBkgGQg- &BkgGMQZIBi8GzA-"),
            ("A&B", "A&-B"),
            ("日本語", "&ZeVnLIqe-"),
        ];
        for (name, wire) in cases {
            assert_eq!(encode_folder_name(name), wire, "{name}");
        }
    }

    #[test]
    fn uid_sets_are_compact() {
        assert_eq!(uid_set(&[]), "");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[3, 1, 2, 7, 9, 10, 10]), "1:3,7,9:10");
    }

    /// Against `cargo xtask mail-server` (its JSON in `PORCHLIGHT_TEST_MAIL`): appended mails
    /// come back byte for byte, in order; a missing folder is reported as such.
    #[tokio::test]
    async fn appended_mails_are_fetched_back_and_a_missing_folder_is_named() {
        let raw = match std::env::var("PORCHLIGHT_TEST_MAIL") {
            Ok(v) => v,
            Err(_) if std::env::var_os("CI").is_some() => {
                panic!("CI is set but PORCHLIGHT_TEST_MAIL is not")
            }
            Err(_) => {
                eprintln!("skipped: export PORCHLIGHT_TEST_MAIL=$(cargo xtask mail-server) to run");
                return;
            }
        };
        let v: serde_json::Value = serde_json::from_str(&raw).expect("the mail-server JSON");
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let user = format!("append-{nanos}@desk.example");
        let mut config = ServerConfig::new(
            v["host"].as_str().unwrap(),
            v["imap"].as_u64().unwrap() as u16,
            Security::StartTls,
            Auth::Password {
                user: user.clone(),
                password: v["password"].as_str().unwrap().into(),
            },
        );
        config.extra_roots_pem = Some(std::fs::read_to_string(v["ca"].as_str().unwrap()).unwrap());
        let mails: Vec<Vec<u8>> = (0..2)
            .map(|i| {
                format!(
                    "From: Ayşe <ayse@customer.example>\r\nTo: {user}\r\nSubject: Sipariş {i}\r\n\
Message-ID: <a{i}-{nanos}@customer.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: 8bit\r\n\r\nMerhaba, siparişim {i} gelmedi.\r\n"
                )
                .into_bytes()
            })
            .collect();
        let mut s = ImapSession::connect(&config).await.unwrap();
        for m in &mails {
            s.append("INBOX", m).await.unwrap();
        }
        let missing = s
            .append("Yok Böyle Bir Klasör", &mails[0])
            .await
            .unwrap_err();
        assert_eq!(missing.kind, ConnectErrorKind::MissingFolder, "{missing:?}");
        assert!(missing.detail.contains("Yok Böyle"), "{}", missing.detail);
        s.logout().await;
        let batch = fetch(&config, "INBOX", 0, 10).await.unwrap();
        assert_eq!(batch.folder.exists, 2);
        let got: Vec<Vec<u8>> = batch.mails.into_iter().map(|m| m.raw).collect();
        assert_eq!(got, mails);
    }

    #[test]
    fn xoauth2_sends_the_token_once_then_an_empty_answer() {
        use async_imap::Authenticator;
        let mut a = XOAuth2 {
            response: Some("tok".into()),
        };
        assert_eq!(a.process(b""), "tok");
        assert_eq!(a.process(b"{\"status\":\"401\"}"), "");
    }
}

//! HTTP calls to a Porchlight server, each mapped to a typed result or a [`SyncError`] that
//! says whether to retry (offline), sign in again, or show the server's reason.

use std::time::Duration;

use futures_util::StreamExt;
use porchlight_domain::docs::AgentDoc;
use porchlight_domain::mail::{MailTestResult, Mailbox, MailboxStatus};
use porchlight_domain::sync::{
    ApiError, LoginRequest, LoginResponse, PresenceUpdate, PullResponse, PushRequest, PushResponse,
    ServerEvent, SCHEMA_VERSION,
};
use porchlight_domain::Attachment;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError {
    /// The server could not be reached (or answered 5xx): keep working, retry later.
    #[error("The server cannot be reached: {0}")]
    Offline(String),
    /// The token is missing, unknown, revoked or expired (`session_expired`), or the account
    /// disabled: sign in again.
    #[error("{message}")]
    SignedOut { code: String, message: String },
    /// This Porchlight and the server speak different sync versions.
    #[error("{0}")]
    SchemaMismatch(String),
    /// The server refused the request itself (wrong password, rate limit, bad input).
    #[error("{message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    #[error("The local store failed: {0}")]
    Store(String),
}

impl SyncError {
    pub fn code(&self) -> &str {
        match self {
            SyncError::Offline(_) => "offline",
            SyncError::SignedOut { code, .. } | SyncError::Refused { code, .. } => code,
            SyncError::SchemaMismatch(_) => "schema_mismatch",
            SyncError::Store(_) => "storage",
        }
    }
}

impl From<porchlight_store::StoreError> for SyncError {
    fn from(e: porchlight_store::StoreError) -> Self {
        SyncError::Store(e.to_string())
    }
}

/// A connection to one server with one token.
#[derive(Clone)]
pub struct ServerClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .expect("the HTTP client builds with default settings")
}

/// Normalises what a person typed: scheme defaulted to https, no trailing slash.
pub fn normalize_server_url(input: &str) -> Result<String, SyncError> {
    let t = input.trim();
    let bad = || SyncError::Refused {
        status: 0,
        code: "invalid_server_url".into(),
        message: format!("'{t}' is not a server address such as https://help.example.com"),
    };
    let (scheme, rest) = match (t.strip_prefix("https://"), t.strip_prefix("http://")) {
        (Some(r), _) => ("https", r),
        (_, Some(r)) => ("http", r),
        _ => ("https", t),
    };
    let rest = rest.trim_end_matches('/');
    if rest.is_empty()
        || rest.starts_with('/')
        || rest.contains("://")
        || rest.contains(char::is_whitespace)
    {
        return Err(bad());
    }
    Ok(format!("{scheme}://{rest}"))
}

async fn decode<T: DeserializeOwned>(
    res: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, SyncError> {
    let res = res.map_err(|e| SyncError::Offline(e.to_string()))?;
    let status = res.status();
    if status.is_success() {
        return res
            .json::<T>()
            .await
            .map_err(|e| SyncError::Offline(format!("unreadable answer: {e}")));
    }
    let code = status.as_u16();
    let body: Option<ApiError> = res.json().await.ok();
    let (c, message) = body.map(|b| (b.code, b.message)).unwrap_or_else(|| {
        (
            "http_error".into(),
            format!("The server answered {status}."),
        )
    });
    Err(classify(code, c, message))
}

/// What a refusal means to the desktop. Every 401 (`invalid_token`, `session_expired`, …)
/// signs it out; 5xx (`busy` included) is retried later.
fn classify(status: u16, code: String, message: String) -> SyncError {
    match status {
        500..=599 => SyncError::Offline(message),
        401 => SyncError::SignedOut { code, message },
        403 if code == "account_disabled" => SyncError::SignedOut { code, message },
        426 => SyncError::SchemaMismatch(message),
        _ => SyncError::Refused {
            status,
            code,
            message,
        },
    }
}

/// The server hosts another helpdesk than the one this desktop signed in to.
fn workspace_mismatch() -> SyncError {
    SyncError::Refused {
        status: 409,
        code: "workspace_mismatch".into(),
        message: "This server now hosts another helpdesk than the one this Porchlight signed in to; nothing was synced.".into(),
    }
}

impl ServerClient {
    pub fn new(base: &str, token: &str) -> ServerClient {
        ServerClient {
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            http: http(),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Signs in; the caller keeps the token in the OS keyring.
    pub async fn login(
        base: &str,
        email: &str,
        password: &str,
        device: &str,
    ) -> Result<LoginResponse, SyncError> {
        let base = normalize_server_url(base)?;
        let res = http()
            .post(format!("{base}/api/v1/auth/login"))
            .timeout(Duration::from_secs(30))
            .json(&LoginRequest {
                email: email.into(),
                password: password.into(),
                device_name: device.into(),
            })
            .send()
            .await;
        let login: LoginResponse = decode(res).await?;
        if login.schema_version != SCHEMA_VERSION {
            return Err(SyncError::SchemaMismatch(format!(
                "The server speaks sync schema {} and this Porchlight {SCHEMA_VERSION}: update Porchlight.",
                login.schema_version
            )));
        }
        Ok(login)
    }

    fn authed(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        rb.bearer_auth(&self.token)
    }

    pub async fn me(&self) -> Result<AgentDoc, SyncError> {
        let res = self
            .authed(self.http.get(format!("{}/api/v1/me", self.base)))
            .timeout(Duration::from_secs(20))
            .send()
            .await;
        decode(res).await
    }

    pub async fn logout(&self) -> Result<(), SyncError> {
        let res = self
            .authed(self.http.post(format!("{}/api/v1/auth/logout", self.base)))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        if res.status().is_success() || res.status() == 401 {
            Ok(())
        } else {
            Err(SyncError::Offline(format!(
                "logout answered {}",
                res.status()
            )))
        }
    }

    pub async fn push(&self, req: &PushRequest) -> Result<PushResponse, SyncError> {
        let res = self
            .authed(self.http.post(format!("{}/api/v1/sync/push", self.base)))
            .timeout(Duration::from_secs(60))
            .json(req)
            .send()
            .await;
        decode(res).await
    }

    /// Documents changed after `cursor` in the helpdesk `workspace_id`. An answer from a
    /// server hosting another helpdesk is refused (`workspace_mismatch`) before anything of
    /// it reaches the store.
    pub async fn pull(
        &self,
        client_id: &str,
        workspace_id: &str,
        cursor: i64,
        limit: usize,
    ) -> Result<PullResponse, SyncError> {
        let mut url = reqwest::Url::parse(&format!("{}/api/v1/sync/pull", self.base))
            .map_err(|e| SyncError::Offline(format!("bad server address: {e}")))?;
        url.query_pairs_mut()
            .append_pair("client_id", client_id)
            .append_pair("workspace_id", workspace_id)
            .append_pair("cursor", &cursor.to_string())
            .append_pair("limit", &limit.to_string())
            .append_pair("schema_version", &SCHEMA_VERSION.to_string());
        let res = self
            .authed(self.http.get(url))
            .timeout(Duration::from_secs(120))
            .send()
            .await;
        let page: PullResponse = decode(res).await?;
        match &page.workspace_id {
            Some(w) if w != workspace_id => Err(workspace_mismatch()),
            _ => Ok(page),
        }
    }

    /// The team's mailboxes as the server runs them (admins only).
    pub async fn mail_status(&self) -> Result<Vec<MailboxStatus>, SyncError> {
        let res = self
            .authed(self.http.get(format!("{}/api/v1/mail/status", self.base)))
            .timeout(Duration::from_secs(20))
            .send()
            .await;
        decode(res).await
    }

    /// Gives the server a mailbox's passwords (kept encrypted there; `None` keeps one).
    pub async fn set_mail_secrets(
        &self,
        mailbox_id: &str,
        imap_secret: Option<&str>,
        smtp_secret: Option<&str>,
    ) -> Result<(), SyncError> {
        let res = self
            .authed(self.http.put(format!(
                "{}/api/v1/mail/mailboxes/{}/secrets",
                self.base,
                urlencoding(mailbox_id)
            )))
            .timeout(Duration::from_secs(20))
            .json(&serde_json::json!({"imap_secret": imap_secret, "smtp_secret": smtp_secret}))
            .send()
            .await;
        let res = res.map_err(|e| SyncError::Offline(e.to_string()))?;
        if res.status().is_success() {
            return Ok(());
        }
        decode::<serde_json::Value>(Ok(res)).await.map(|_| ())
    }

    /// "Test connection", run by the server (it is the one that will connect).
    pub async fn test_mailbox(
        &self,
        mailbox: &Mailbox,
        imap_secret: Option<&str>,
        smtp_secret: Option<&str>,
    ) -> Result<MailTestResult, SyncError> {
        let res = self
            .authed(self.http.post(format!("{}/api/v1/mail/test", self.base)))
            .timeout(Duration::from_secs(90))
            .json(&serde_json::json!({"mailbox": mailbox, "imap_secret": imap_secret, "smtp_secret": smtp_secret}))
            .send()
            .await;
        decode(res).await
    }

    /// An attachment's name, type, size and hash (files customers upload in the help center).
    pub async fn attachment_meta(&self, id: &str) -> Result<Attachment, SyncError> {
        let res = self
            .authed(
                self.http
                    .get(format!("{}/api/v1/attachments/{id}/meta", self.base)),
            )
            .timeout(Duration::from_secs(20))
            .send()
            .await;
        decode(res).await
    }

    /// Uploads one of this desktop's files under its attachment id (a repeat is harmless).
    pub async fn upload_attachment(&self, a: &Attachment, bytes: Vec<u8>) -> Result<(), SyncError> {
        let name = urlencoding(&a.filename);
        let res = self
            .authed(
                self.http
                    .put(format!("{}/api/v1/attachments/{}", self.base, a.id)),
            )
            .header("x-filename", name)
            .header("content-type", a.mime.as_str())
            .timeout(Duration::from_secs(300))
            .body(bytes)
            .send()
            .await
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        if res.status().is_success() {
            return Ok(());
        }
        decode::<()>(Ok(res)).await
    }

    /// An attachment's bytes.
    pub async fn download_attachment(&self, id: &str) -> Result<Vec<u8>, SyncError> {
        let res = self
            .authed(
                self.http
                    .get(format!("{}/api/v1/attachments/{id}", self.base)),
            )
            .timeout(Duration::from_secs(300))
            .send()
            .await
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        if !res.status().is_success() {
            return decode::<()>(Ok(res)).await.map(|_| Vec::new());
        }
        let bytes = res
            .bytes()
            .await
            .map_err(|e| SyncError::Offline(format!("the download broke off: {e}")))?;
        Ok(bytes.to_vec())
    }

    pub async fn presence(&self, update: &PresenceUpdate) -> Result<(), SyncError> {
        let res = self
            .authed(self.http.post(format!("{}/api/v1/presence", self.base)))
            .timeout(Duration::from_secs(10))
            .json(update)
            .send()
            .await
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        if res.status().is_success() {
            return Ok(());
        }
        decode::<serde_json::Value>(Ok(res)).await.map(|_| ())
    }

    /// Opens the event stream; events arrive on the channel until the connection drops
    /// (the channel then closes).
    pub async fn events(&self) -> Result<mpsc::Receiver<ServerEvent>, SyncError> {
        let res = self
            .authed(self.http.get(format!("{}/api/v1/events", self.base)))
            .send()
            .await
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        if !res.status().is_success() {
            return Err(decode::<serde_json::Value>(Ok(res))
                .await
                .err()
                .unwrap_or_else(|| {
                    SyncError::Offline("the event stream could not be opened".into())
                }));
        }
        let (tx, rx) = mpsc::channel(64);
        let mut body = res.bytes_stream();
        tokio::spawn(async move {
            let mut buf = String::new();
            // Keep-alives arrive every 15 s; silence for longer means a dead connection.
            while let Ok(Some(Ok(chunk))) =
                tokio::time::timeout(Duration::from_secs(40), body.next()).await
            {
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let frame: String = buf.drain(..end + 2).collect();
                    let data: String = frame
                        .lines()
                        .filter_map(|l| l.strip_prefix("data:"))
                        .map(str::trim_start)
                        .collect::<Vec<_>>()
                        .join("\n");
                    if data.is_empty() {
                        continue;
                    }
                    if let Ok(ev) = serde_json::from_str::<ServerEvent>(&data) {
                        if tx.send(ev).await.is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Ok(rx)
    }
}

/// A path segment with everything but unreserved characters percent-encoded.
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_session_signs_out_and_a_busy_server_is_retried() {
        let signed_out = |c: &str| {
            matches!(
                classify(401, c.into(), String::new()),
                SyncError::SignedOut { .. }
            )
        };
        assert!(signed_out("session_expired") && signed_out("invalid_token"));
        assert!(matches!(
            classify(503, "busy".into(), String::new()),
            SyncError::Offline(_)
        ));
        assert!(matches!(
            classify(403, "client_not_yours".into(), String::new()),
            SyncError::Refused { status: 403, .. }
        ));
    }

    #[test]
    fn server_addresses_are_normalised() {
        assert_eq!(
            normalize_server_url(" help.example.com/ ").unwrap(),
            "https://help.example.com"
        );
        assert_eq!(
            normalize_server_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in ["", "  ", "help example.com", "https://"] {
            assert_eq!(
                normalize_server_url(bad).unwrap_err().code(),
                "invalid_server_url",
                "{bad}"
            );
        }
    }
}

//! What IMAP and SMTP share: where a server is, how to sign in, the TLS setup (the system's
//! roots plus any extra CA the team trusts; verification is never turned off), and the errors
//! a connection test reports.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

/// How the connection is encrypted. There is no plain-text mode: passwords and customer
/// mail never cross a network in clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Tls,
    /// A plain greeting, then STARTTLS before anything else (IMAP 143, submission 587).
    StartTls,
}

/// How to sign in.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    Password {
        user: String,
        password: String,
    },
    /// SASL XOAUTH2 with an access token (Gmail, Microsoft 365).
    OAuth2 {
        user: String,
        access_token: String,
    },
}

impl std::fmt::Debug for Auth {
    // Secrets stay out of logs and panic messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Password { user, .. } => write!(f, "Password {{ user: {user:?}, .. }}"),
            Auth::OAuth2 { user, .. } => write!(f, "OAuth2 {{ user: {user:?}, .. }}"),
        }
    }
}

impl Auth {
    pub fn user(&self) -> &str {
        match self {
            Auth::Password { user, .. } | Auth::OAuth2 { user, .. } => user,
        }
    }

    /// The XOAUTH2 initial response (before base64): `user=…^Aauth=Bearer …^A^A`.
    pub(crate) fn xoauth2(user: &str, token: &str) -> String {
        format!("user={user}\x01auth=Bearer {token}\x01\x01")
    }
}

/// A mail server and an account on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub auth: Auth,
    /// PEM text of extra root certificates to trust besides the system's (a company CA,
    /// a test server's CA).
    pub extra_roots_pem: Option<String>,
    /// For connecting and for each exchange with the server.
    pub timeout: Duration,
}

impl ServerConfig {
    pub fn new(host: &str, port: u16, security: Security, auth: Auth) -> ServerConfig {
        ServerConfig {
            host: host.to_string(),
            port,
            security,
            auth,
            extra_roots_pem: None,
            timeout: Duration::from_secs(30),
        }
    }
}

/// What went wrong, in the terms an administrator acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectErrorKind {
    /// No connection: unknown host, refused, no route, timed out.
    Unreachable,
    /// The TLS handshake failed: untrusted certificate, wrong host name, no STARTTLS.
    Tls,
    /// The server refused the user name, password or token.
    Credentials,
    /// The IMAP folder does not exist.
    MissingFolder,
    /// The server refused a message or a recipient.
    Rejected,
    /// The server said something unexpected, or closed the connection.
    Protocol,
    /// The settings themselves are unusable (bad CA file, bad host name).
    InvalidConfig,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?}: {detail}")]
pub struct ConnectError {
    pub kind: ConnectErrorKind,
    /// The underlying error, for the log and the settings screen.
    pub detail: String,
}

impl ConnectError {
    pub(crate) fn new(kind: ConnectErrorKind, detail: impl Into<String>) -> ConnectError {
        ConnectError {
            kind,
            detail: detail.into(),
        }
    }
}

/// The certificates in a PEM text; an error when there are none or one is malformed.
pub(crate) fn pem_certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, ConnectError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            ConnectError::new(
                ConnectErrorKind::InvalidConfig,
                format!("extra root certificates: {e}"),
            )
        })?;
    if certs.is_empty() {
        return Err(ConnectError::new(
            ConnectErrorKind::InvalidConfig,
            "extra root certificates: no certificate in the PEM text",
        ));
    }
    Ok(certs)
}

/// A rustls client configuration: the system's roots, plus `extra_pem`.
pub(crate) fn client_config(
    extra_pem: Option<&str>,
) -> Result<Arc<rustls::ClientConfig>, ConnectError> {
    let mut roots = RootCertStore::empty();
    // A machine without a system store still works with an extra CA.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(pem) = extra_pem {
        for cert in pem_certificates(pem)? {
            roots.add(cert).map_err(|e| {
                ConnectError::new(
                    ConnectErrorKind::InvalidConfig,
                    format!("extra root certificate: {e}"),
                )
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConnectError::new(ConnectErrorKind::InvalidConfig, e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Whether an I/O error means the server could not be reached at all.
pub(crate) fn is_unreachable(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionRefused
            | ConnectionReset
            | ConnectionAborted
            | NotConnected
            | AddrNotAvailable
            | TimedOut
            | HostUnreachable
            | NetworkUnreachable
            | NetworkDown
            | NotFound
    ) || e.to_string().contains("failed to lookup address")
}

/// Whether an I/O error comes from the TLS layer (rustls reports handshake failures as
/// `InvalidData` with a `rustls::Error` inside).
pub(crate) fn is_tls(e: &std::io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_extra_roots_are_a_config_error() {
        let e = client_config(Some("not a certificate")).unwrap_err();
        assert_eq!(e.kind, ConnectErrorKind::InvalidConfig);
        let e = client_config(Some(
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        ))
        .unwrap_err();
        assert_eq!(e.kind, ConnectErrorKind::InvalidConfig);
        assert!(client_config(None).is_ok());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let a = Auth::Password {
            user: "u@x.com".into(),
            password: "hunter2".into(),
        };
        let o = Auth::OAuth2 {
            user: "u@x.com".into(),
            access_token: "ya29.secret".into(),
        };
        let shown = format!("{a:?} {o:?}");
        assert!(shown.contains("u@x.com"));
        assert!(!shown.contains("hunter2") && !shown.contains("ya29"));
    }

    #[test]
    fn xoauth2_initial_response() {
        assert_eq!(
            Auth::xoauth2("a@b.c", "tok"),
            "user=a@b.c\u{1}auth=Bearer tok\u{1}\u{1}"
        );
    }
}

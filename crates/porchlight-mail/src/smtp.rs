//! Sending over SMTP (lettre, rustls): implicit TLS or STARTTLS, password or XOAUTH2.

use std::error::Error as _;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::tls::{is_tls, is_unreachable, pem_certificates, ConnectError, ConnectErrorKind};
use crate::{Auth, Security, ServerConfig};

fn transport(config: &ServerConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, ConnectError> {
    let mut params = TlsParameters::builder(config.host.clone());
    if let Some(pem) = &config.extra_roots_pem {
        // Checked here too so a bad PEM is a config error, not a TLS failure later.
        pem_certificates(pem)?;
        let cert = Certificate::from_pem(pem.as_bytes())
            .map_err(|e| ConnectError::new(ConnectErrorKind::InvalidConfig, e.to_string()))?;
        params = params.add_root_certificate(cert);
    }
    let params = params
        .build_rustls()
        .map_err(|e| ConnectError::new(ConnectErrorKind::InvalidConfig, e.to_string()))?;
    let tls = match config.security {
        Security::Tls => Tls::Wrapper(params),
        Security::StartTls => Tls::Required(params),
    };
    let (credentials, mechanisms) = match &config.auth {
        Auth::Password { user, password } => (
            Credentials::new(user.clone(), password.clone()),
            vec![Mechanism::Plain, Mechanism::Login],
        ),
        Auth::OAuth2 { user, access_token } => (
            Credentials::new(user.clone(), access_token.clone()),
            vec![Mechanism::Xoauth2],
        ),
    };
    // `builder_dangerous` only means "no TLS chosen yet": TLS is set right below.
    Ok(
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone())
            .port(config.port)
            .tls(tls)
            .credentials(credentials)
            .authentication(mechanisms)
            .timeout(Some(config.timeout))
            .build(),
    )
}

/// Sends a built message to the recipients its headers name.
pub async fn send(config: &ServerConfig, message: &Message) -> Result<(), ConnectError> {
    send_raw(config, message.envelope(), &message.formatted()).await
}

/// Sends raw message bytes (a queued mail, stored as sent) to an envelope.
pub async fn send_raw(
    config: &ServerConfig,
    envelope: &Envelope,
    raw: &[u8],
) -> Result<(), ConnectError> {
    let t = transport(config)?;
    t.send_raw(envelope, raw).await.map_err(classify_error)?;
    Ok(())
}

/// Connects, says EHLO, secures the connection and signs in, then quits: what the settings
/// screen's "Test" button runs.
pub async fn test_connection(config: &ServerConfig) -> Result<(), ConnectError> {
    let t = transport(config)?;
    match t.test_connection().await {
        Ok(true) => Ok(()),
        Ok(false) => Err(ConnectError::new(
            ConnectErrorKind::Protocol,
            "the server closed the connection",
        )),
        Err(e) => Err(classify_error(e)),
    }
}

fn classify_error(e: lettre::transport::smtp::Error) -> ConnectError {
    let detail = {
        let mut d = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            d.push_str(": ");
            d.push_str(&s.to_string());
            source = s.source();
        }
        d
    };
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if is_tls(io) {
                return ConnectError::new(ConnectErrorKind::Tls, detail);
            }
            if is_unreachable(io) {
                return ConnectError::new(ConnectErrorKind::Unreachable, detail);
            }
        }
        if s.downcast_ref::<rustls::Error>().is_some() {
            return ConnectError::new(ConnectErrorKind::Tls, detail);
        }
        source = s.source();
    }
    let kind = if e.is_tls() {
        ConnectErrorKind::Tls
    } else if e.is_timeout() {
        ConnectErrorKind::Unreachable
    } else if let Some(code) = e.status() {
        match code.to_string().as_str() {
            // 535 bad credentials, 534 mechanism too weak / web login required, 530 must
            // authenticate, 454 temporary authentication failure.
            "535" | "534" | "530" | "454" => ConnectErrorKind::Credentials,
            c if c.starts_with('5') => ConnectErrorKind::Rejected,
            _ => ConnectErrorKind::Protocol,
        }
    } else if detail.contains("STARTTLS") {
        ConnectErrorKind::Tls
    } else if detail.contains("authentication mechanism")
        || detail.contains("does not expect a challenge")
    {
        // XOAUTH2: a server that refuses the token answers with a 334 challenge carrying
        // the error, which lettre reports as an unexpected challenge.
        ConnectErrorKind::Credentials
    } else {
        ConnectErrorKind::Protocol
    };
    ConnectError::new(kind, detail)
}

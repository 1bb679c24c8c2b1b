//! A private IMAP + SMTP pair on loopback for the e-mail tests: Debian's Dovecot and Postfix,
//! each with its own configuration, state and queue under `<target>/mail-server`, so nothing
//! of the system's mail setup (`/etc/postfix`, `/etc/dovecot`, `/var/spool/postfix`,
//! `/var/lib/dovecot`) is read or written.
//!
//! - Dovecot: IMAP 127.0.0.1:1143 (STARTTLS) and 1993 (TLS); every address is a mailbox whose
//!   password is `secret`; XOAUTH2/OAUTHBEARER accept the token `valid-<address>`, checked by
//!   a small token service this command runs (127.0.0.1:18080). Each mailbox has INBOX and
//!   `Processed` and `İşlendi` (for tests that move mail, the second with a non-ASCII name).
//! - Postfix: SMTP 127.0.0.1:2525, submission 1587 (STARTTLS + AUTH), SMTPS 1465; every mail
//!   it accepts, for any domain, goes to Dovecot over LMTP. Nothing leaves the machine.
//! - A throwaway CA (`ca.pem`) signs the servers' certificate for localhost and 127.0.0.1;
//!   clients trust it as an extra root, never by turning verification off.
//!
//! Postfix and its own directory: `postfix -c DIR` exports `MAIL_CONFIG`, and Postfix only
//! asks for DIR to be listed in the default main.cf's `alternate_config_directories` when the
//! caller is not root (the check guards set-gid programs against a user's config). This
//! command runs as root (Dovecot must switch to the `mail` user, Postfix owns its queue), so
//! the system's main.cf is never edited — and need not even exist.
//!
//! `start` is idempotent: a running, complete set is reused; a partial one is stopped and
//! started afresh. stdout carries one line, the JSON the tests read from
//! `PORCHLIGHT_TEST_MAIL`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::deps::is_root;
use crate::target_dir;

pub const IMAP: u16 = 1143;
pub const IMAPS: u16 = 1993;
pub const SMTP: u16 = 2525;
pub const SUBMISSION: u16 = 1587;
pub const SMTPS: u16 = 1465;
const LMTP: u16 = 1024;
const AUTH: u16 = 12345;
pub const OAUTH: u16 = 18080;
pub const PASSWORD: &str = "secret";
pub const TOKEN_PREFIX: &str = "valid-";

const PORTS: &[u16] = &[OAUTH, LMTP, AUTH, IMAP, IMAPS, SMTP, SUBMISSION, SMTPS];

/// `cargo xtask mail-server [start|stop|token-service]`.
pub fn run(args: &[String]) -> Result<()> {
    let dir = target_dir().join("mail-server");
    match args.first().map(String::as_str) {
        None | Some("start") => {
            println!("{}", ensure_at(&dir)?);
            Ok(())
        }
        Some("stop") => stop_at(&dir),
        // Internal: the token service, started detached by `start`.
        Some("token-service") => token_service(OAUTH),
        Some(other) => bail!("mail-server: unknown action '{other}' (use start or stop)"),
    }
}

/// What the tests need, as one JSON object (the value of `PORCHLIGHT_TEST_MAIL`).
fn describe(dir: &Path) -> String {
    serde_json::json!({
        "host": "127.0.0.1",
        "imap": IMAP,
        "imaps": IMAPS,
        "smtp": SMTP,
        "submission": SUBMISSION,
        "smtps": SMTPS,
        "ca": dir.join("ca.pem"),
        "password": PASSWORD,
        "token_prefix": TOKEN_PREFIX,
    })
    .to_string()
}

fn port_open(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(300)).is_ok()
}

fn pid_alive(file: &Path) -> bool {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists())
}

/// Whether the configuration on disk is what this version writes (a changed one restarts).
fn configured(dir: &Path) -> bool {
    let Ok(mut files) = dovecot_files(dir) else {
        return false;
    };
    files.extend(postfix_files(dir));
    files
        .iter()
        .all(|(path, content)| std::fs::read_to_string(path).is_ok_and(|c| c == *content))
}

fn running(dir: &Path) -> bool {
    configured(dir)
        && pid_alive(&dir.join("token-service.pid"))
        && pid_alive(&dir.join("run/master.pid"))
        && Command::new("postfix")
            .arg("-c")
            .arg(dir.join("postfix"))
            .arg("status")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        && PORTS.iter().all(|&p| port_open(p))
}

fn installed() -> bool {
    Path::new("/usr/sbin/dovecot").exists()
        && Path::new("/usr/lib/dovecot/lmtp").exists()
        && Path::new("/usr/sbin/postfix").exists()
        && Path::new("/usr/bin/openssl").exists()
}

/// Starts the servers (if they are not already running) and returns their description.
pub fn ensure_at(dir: &Path) -> Result<String> {
    if !is_root() {
        bail!("mail-server: run as root (Dovecot switches to the `mail` user, Postfix owns its queue)");
    }
    if !installed() {
        crate::deps::ensure(&[crate::deps::Group::E2e])?;
    }
    if running(dir) {
        eprintln!("mail-server: already running in {}", dir.display());
        return Ok(describe(dir));
    }
    stop_at(dir)?;
    if let Some(p) = PORTS.iter().find(|&&p| port_open(p)) {
        bail!("mail-server: port {p} on 127.0.0.1 is used by another program; stop it and retry");
    }
    eprintln!(
        "mail-server: setting up Dovecot and Postfix in {}",
        dir.display()
    );
    let _ = std::fs::remove_dir_all(dir);
    for sub in ["mail", "run", "state", "postfix", "spool", "pfdata"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    make_certificates(dir)?;
    start_token_service(dir)?;
    start_dovecot(dir)?;
    start_postfix(dir)?;
    let deadline = Instant::now() + Duration::from_secs(20);
    for &p in PORTS {
        while !port_open(p) {
            if Instant::now() > deadline {
                bail!(
                    "mail-server: port {p} did not open; see {}/dovecot.log and {}/postfix.log",
                    dir.display(),
                    dir.display()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    eprintln!(
        "mail-server: IMAP 127.0.0.1:{IMAP} (STARTTLS) / {IMAPS} (TLS), SMTP {SMTP}, submission {SUBMISSION}, SMTPS {SMTPS}; CA {}",
        dir.join("ca.pem").display()
    );
    Ok(describe(dir))
}

/// Stops whatever of the set runs from `dir` (each process by the pid it recorded).
pub fn stop_at(dir: &Path) -> Result<()> {
    if dir.join("postfix/main.cf").exists() {
        let _ = Command::new("postfix")
            .arg("-c")
            .arg(dir.join("postfix"))
            .arg("stop")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    for pid_file in [dir.join("run/master.pid"), dir.join("token-service.pid")] {
        if pid_alive(&pid_file) {
            let pid = std::fs::read_to_string(&pid_file)?.trim().to_string();
            let _ = Command::new("kill").arg(&pid).status();
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while PORTS.iter().any(|&p| port_open(p))
        && Instant::now() < deadline
        && (pid_alive(&dir.join("run/master.pid")) || pid_alive(&dir.join("token-service.pid")))
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// Starts a program that puts itself in the background: its output goes to `log`, not to a
/// pipe (the daemon would hold a pipe open and `output()` would wait for it forever).
fn run_daemon(cmd: &mut Command, what: &str, log: &Path) -> Result<()> {
    let file = std::fs::File::create(log)?;
    let status = cmd
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        .status()
        .with_context(|| format!("could not run {what}"))?;
    if !status.success() {
        bail!(
            "{what} failed ({status}): {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
    }
    Ok(())
}

fn run_quiet(cmd: &mut Command, what: &str) -> Result<()> {
    let out = cmd
        .output()
        .with_context(|| format!("could not run {what}"))?;
    if !out.status.success() {
        bail!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

fn make_certificates(dir: &Path) -> Result<()> {
    let p = |f: &str| dir.join(f);
    run_quiet(
        Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
            ])
            .args(["-subj", "/CN=Porchlight Test CA"])
            .arg("-keyout")
            .arg(p("ca.key"))
            .arg("-out")
            .arg(p("ca.pem"))
            .args(["-addext", "basicConstraints=critical,CA:TRUE"])
            .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]),
        "openssl (CA)",
    )?;
    run_quiet(
        Command::new("openssl")
            .args([
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=localhost",
            ])
            .arg("-keyout")
            .arg(p("key.pem"))
            .arg("-out")
            .arg(p("req.csr")),
        "openssl (server key)",
    )?;
    std::fs::write(
        p("ext.cnf"),
        "subjectAltName=DNS:localhost,DNS:mail.porchlight.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )?;
    run_quiet(
        Command::new("openssl")
            .args(["x509", "-req", "-days", "3650", "-CAcreateserial"])
            .arg("-in")
            .arg(p("req.csr"))
            .arg("-CA")
            .arg(p("ca.pem"))
            .arg("-CAkey")
            .arg(p("ca.key"))
            .arg("-extfile")
            .arg(p("ext.cnf"))
            .arg("-out")
            .arg(p("cert.pem")),
        "openssl (server certificate)",
    )?;
    run_quiet(
        Command::new("chmod")
            .arg("644")
            .arg(p("ca.pem"))
            .arg(p("cert.pem")),
        "chmod",
    )?;
    run_quiet(
        Command::new("chmod")
            .arg("600")
            .arg(p("ca.key"))
            .arg(p("key.pem")),
        "chmod",
    )
}

/// Runs this program's token service detached, so it outlives the command.
fn start_token_service(dir: &Path) -> Result<()> {
    let exe = std::env::current_exe().context("where is xtask?")?;
    let log = std::fs::File::create(dir.join("token-service.log"))?;
    let child = Command::new("setsid")
        .arg(exe)
        .args(["mail-server", "token-service"])
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("could not start the token service (setsid)")?;
    std::fs::write(dir.join("token-service.pid"), child.id().to_string())?;
    Ok(())
}

fn mail_uid() -> Result<String> {
    let out = Command::new("id").args(["-u", "mail"]).output()?;
    let uid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || uid.is_empty() {
        bail!("mail-server: the system has no `mail` user");
    }
    Ok(uid)
}

/// Dovecot's configuration files, as (path, content).
fn dovecot_files(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let d = dir.display();
    let uid = mail_uid()?;
    let oauth = (
        dir.join("dovecot-oauth2.conf.ext"),
        format!(
            "introspection_mode = get\n\
introspection_url = http://127.0.0.1:{OAUTH}/introspect?token=\n\
username_attribute = email\n\
active_attribute = active\n\
active_value = true\n\
force_introspection = yes\n"
        ),
    );
    let conf = (
        dir.join("dovecot.conf"),
        format!(
            "protocols = imap lmtp
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
instance_name = porchlight-test
log_path = {d}/dovecot.log
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
mail_location = maildir:{d}/mail/%d/%n
mail_uid = mail
mail_gid = mail
first_valid_uid = {uid}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {d}/dovecot-oauth2.conf.ext
}}
passdb {{
  driver = static
  mechanisms = plain login
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={d}/mail/%d/%n allow_all_users=yes
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {IMAP}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {IMAPS}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {LMTP}
  }}
}}
service auth {{
  inet_listener {{
    address = 127.0.0.1
    port = {AUTH}
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@porchlight.test
}}
namespace inbox {{
  inbox = yes
  mailbox Processed {{
    auto = create
  }}
  mailbox \"İşlendi\" {{
    auto = create
  }}
}}
"
        ),
    );
    Ok(vec![oauth, conf])
}

fn start_dovecot(dir: &Path) -> Result<()> {
    run_quiet(
        Command::new("chown")
            .args(["-R", "mail:mail"])
            .arg(dir.join("mail")),
        "chown",
    )?;
    for (path, content) in dovecot_files(dir)? {
        std::fs::write(path, content)?;
    }
    run_daemon(
        Command::new("dovecot")
            .arg("-c")
            .arg(dir.join("dovecot.conf")),
        "dovecot",
        &dir.join("dovecot.out"),
    )
}

/// Postfix's services, all outside a chroot (a chroot would need copies of system files in
/// the queue directory). The system's master.cf is not read.
const MASTER_CF: &str = "\
pickup    unix  n  -  n  60    1  pickup
cleanup   unix  n  -  n  -     0  cleanup
qmgr      unix  n  -  n  300   1  qmgr
tlsmgr    unix  -  -  n  1000? 1  tlsmgr
rewrite   unix  -  -  n  -     -  trivial-rewrite
bounce    unix  -  -  n  -     0  bounce
defer     unix  -  -  n  -     0  bounce
trace     unix  -  -  n  -     0  bounce
verify    unix  -  -  n  -     1  verify
flush     unix  n  -  n  1000? 0  flush
proxymap  unix  -  -  n  -     -  proxymap
proxywrite unix -  -  n  -     1  proxymap
smtp      unix  -  -  n  -     -  smtp
relay     unix  -  -  n  -     -  smtp
showq     unix  n  -  n  -     -  showq
error     unix  -  -  n  -     -  error
retry     unix  -  -  n  -     -  error
discard   unix  -  -  n  -     -  discard
lmtp      unix  -  -  n  -     -  lmtp
anvil     unix  -  -  n  -     1  anvil
scache    unix  -  -  n  -     1  scache
postlog   unix-dgram n - n -   1  postlogd
";

/// Postfix's configuration files, as (path, content).
fn postfix_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let d = dir.display();
    let pf: PathBuf = dir.join("postfix");
    let master = (
        pf.join("master.cf"),
        format!(
            "{MASTER_CF}\
127.0.0.1:{SMTP} inet n - n - - smtpd
127.0.0.1:{SUBMISSION} inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
127.0.0.1:{SMTPS} inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
"
        ),
    );
    let main = (
        pf.join("main.cf"),
        format!(
            "compatibility_level = 3.6
queue_directory = {d}/spool
data_directory = {d}/pfdata
maillog_file = {d}/postfix.log
maillog_file_prefixes = {d}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.porchlight.test
mydomain = porchlight.test
myorigin = porchlight.test
mydestination =
relay_domains =
local_recipient_maps =
mynetworks = 127.0.0.0/8
smtp_dns_support_level = disabled
default_transport = lmtp:inet:127.0.0.1:{LMTP}
relay_transport = lmtp:inet:127.0.0.1:{LMTP}
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:{AUTH}
smtpd_tls_cert_file = {d}/cert.pem
smtpd_tls_key_file = {d}/key.pem
smtpd_tls_security_level = may
message_size_limit = 52428800
mailbox_size_limit = 0
biff = no
"
        ),
    );
    vec![master, main]
}

fn start_postfix(dir: &Path) -> Result<()> {
    let pf: PathBuf = dir.join("postfix");
    for (path, content) in postfix_files(dir) {
        std::fs::write(path, content)?;
    }
    run_quiet(
        Command::new("chown").arg("postfix").arg(dir.join("pfdata")),
        "chown",
    )?;
    // `check` creates the queue's sub-directories with their owners.
    run_quiet(
        Command::new("postfix").arg("-c").arg(&pf).arg("check"),
        "postfix check",
    )?;
    run_daemon(
        Command::new("postfix").arg("-c").arg(&pf).arg("start"),
        "postfix start",
        &dir.join("postfix.out"),
    )
}

/// The OAuth2 token check Dovecot asks (`GET /introspect?token=…`): `valid-<address>` is an
/// active token for `<address>`, anything else is refused, in the JSON form Dovecot's oauth2
/// passdb reads.
fn token_service(port: u16) -> Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("token service: port {port}"))?;
    for conn in listener.incoming() {
        let Ok(mut conn) = conn else { continue };
        let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
        let mut reader = BufReader::new(match conn.try_clone() {
            Ok(c) => c,
            Err(_) => continue,
        });
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            continue;
        }
        // Read the rest of the head; the request has no body.
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line.trim() != "" {
            line.clear();
        }
        let (status, body) = answer(&request_line);
        let _ = write!(
            conn,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    }
    Ok(())
}

fn answer(request_line: &str) -> (&'static str, String) {
    let target = request_line.split_whitespace().nth(1).unwrap_or("");
    let token = target
        .split_once("token=")
        .map(|(_, t)| t.split('&').next().unwrap_or(""))
        .map(percent_decode)
        .unwrap_or_default();
    match token.strip_prefix(TOKEN_PREFIX) {
        Some(address) if target.starts_with("/introspect") && address.contains('@') => (
            "200 OK",
            serde_json::json!({"active": "true", "email": address}).to_string(),
        ),
        _ => (
            "401 Unauthorized",
            serde_json::json!({"active": "false", "error": "invalid_token"}).to_string(),
        ),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_answers() {
        let (s, b) = answer("GET /introspect?token=valid-ann%40x.com HTTP/1.1\r\n");
        assert_eq!(s, "200 OK");
        assert_eq!(b, r#"{"active":"true","email":"ann@x.com"}"#);
        let (s, _) = answer("GET /introspect?token=valid-ann@x.com HTTP/1.1\r\n");
        assert_eq!(s, "200 OK");
        for bad in [
            "GET /introspect?token=wrong HTTP/1.1",
            "GET /introspect?token=valid- HTTP/1.1",
            "GET /other?token=valid-a@x.com HTTP/1.1",
            "GET /introspect HTTP/1.1",
        ] {
            assert_eq!(answer(bad).0, "401 Unauthorized", "{bad}");
        }
    }
}

//! `cargo xtask bench mail`, on the team server: `mail_ingest_per_s_server_postgres` and
//! `mail_ingest_per_s_server_sqlite`.
//!
//! The real `porchlight-server` (release build) serves a 100,000-ticket helpdesk (bench sync's
//! generated documents, loaded in bulk into the server's storage) with an admin account.
//! 10,000 generated mails wait in a fresh mailbox of the test IMAP server. The admin sets the
//! mailbox up as the desktop app does: its IMAP password first (`PUT
//! /api/v1/mail/mailboxes/{id}/secrets`), then the `save_mailbox` configuration mutation
//! (pushed). Measured: from that push until `GET /api/v1/mail/status` reports the mailbox's
//! first fetch done — connecting, fetching all 10,000 mails and taking each in (raw mail
//! stored, `ReceiveMail` applied, the desktops poked). A pull then checks that the 10,000 mails
//! are on tickets. The mails wait before the server hears of the mailbox, so the figure is
//! fetch and intake, not how fast the benchmark can file mail.
//!
//! No SMTP password is given: the acknowledgements the new tickets queue stay queued, so no
//! mail is sent to the generated customers' addresses.
//!
//! PostgreSQL: the benchmark's own cluster (bench sync's, on port 54332 here, or
//! `PORCHLIGHT_BENCH_PG_PORT`), stopped afterwards. Loading the 1.3M documents takes minutes,
//! so the loaded database is kept as a template and each run works on a copy of it. SQLite:
//! a copy of bench sync's cached server data. Server logs stay in target/bench/mail-server-run.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use porchlight_domain::config::ConfigMutation;
use porchlight_domain::docs::Doc;
use porchlight_domain::sync::{
    PushMutation, PushOutcome, PushRequest, MAX_PULL_LIMIT, SCHEMA_VERSION,
};
use porchlight_server::Database;
use porchlight_store::new_id;
use porchlight_sync::ServerClient;

use crate::bench_mail::{file_generated, generate, nanos, Server, MAILS};
use crate::bench_sync::{
    add_users, fresh_postgres_database, import, login, seeded_documents, server_data, ServerProc,
    DATA_VERSION,
};
use crate::{cargo, sh, target_dir};

const TICKETS: usize = 100_000;
const ADMIN: &str = "mail-admin@bench.example";
/// Not bench sync's 54331: another checkout's benchmark may hold that port.
const PG_PORT: u16 = 54332;
/// The database each run works on, copied from the template.
const RUN_DB: &str = "pl_bench_mail";
/// The key the server seals mailbox passwords with (a PostgreSQL server has no key file).
const SECRET_KEY: &str = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";
/// How long the server may take for the 10,000 mails (0.5 mails/s would be a failure anyway).
const GIVE_UP: Duration = Duration::from_secs(20 * 60);

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// Its name in `PORCHLIGHT_BENCH_MAIL`.
    pub(crate) fn part(self) -> &'static str {
        match self {
            Backend::Postgres => "server-postgres",
            Backend::Sqlite => "server-sqlite",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// The team server's part of `bench mail`, on the backends `PORCHLIGHT_BENCH_MAIL` names.
pub(crate) fn run(put: &mut dyn FnMut(&str, f64, &str)) -> Result<()> {
    let mut backends = Vec::new();
    for b in [Backend::Postgres, Backend::Sqlite] {
        if crate::bench_mail::part(b.part())? {
            backends.push(b);
        }
    }
    if backends.is_empty() {
        return Ok(());
    }
    let mail = &Server::get()?;
    let rt = &crate::bench_mail::runtime()?;
    sh(cargo().args(["build", "--release", "-p", "porchlight-server"]))?;
    let bin = target_dir().join("release/porchlight-server");
    let work = target_dir().join("bench/mail-server-run");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    for backend in backends {
        println!("mail on the server ({}) …", backend.label());
        let rate = match backend {
            Backend::Postgres => on_postgres(rt, mail, &bin, &work)?,
            Backend::Sqlite => {
                let dir = sqlite_helpdesk(&bin, &work)?;
                let args = ["--data-dir".to_string(), dir.display().to_string()];
                let rate = ingest(rt, mail, &bin, &args, &work, backend);
                // The copy is large and made afresh on each run.
                let _ = std::fs::remove_dir_all(&dir);
                rate?
            }
        };
        put(
            &format!("mail_ingest_per_s_server_{}", backend.label()),
            rate,
            "mails/s",
        );
    }
    Ok(())
}

fn on_postgres(
    rt: &tokio::runtime::Runtime,
    mail: &Server,
    bin: &Path,
    work: &Path,
) -> Result<f64> {
    let pg_root = target_dir().join("bench/postgres");
    let port = std::env::var("PORCHLIGHT_BENCH_PG_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(PG_PORT);
    let admin = crate::postgres::ensure_at(&pg_root, port)?;
    let rate = postgres_helpdesk(&admin, bin).and_then(|url| {
        let args = ["--database-url".to_string(), url];
        let rate = ingest(rt, mail, bin, &args, work, Backend::Postgres);
        // The copy is as large as the template; only the template stays between runs.
        let dropped = postgres::Client::connect(&admin, postgres::NoTls)
            .and_then(|mut c| c.batch_execute(&format!("DROP DATABASE {RUN_DB} WITH (FORCE)")));
        if let Err(e) = dropped {
            eprintln!("  could not drop {RUN_DB}: {e}");
        }
        rate
    });
    let _ = crate::postgres::stop_at(&pg_root);
    rate
}

/// A fresh database holding the 100k helpdesk and the admin account, copied from a template
/// database that the first run seeds.
fn postgres_helpdesk(admin_url: &str, bin: &Path) -> Result<String> {
    let template = format!("pl_bench_mail_seed_{DATA_VERSION}");
    let mut c = postgres::Client::connect(admin_url, postgres::NoTls)
        .context("connect to the bench PostgreSQL")?;
    let seeded = c
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&template])?
        .is_some();
    if seeded {
        println!("  server data: reusing the database {template}");
    } else {
        // Built under another name and renamed when complete, so an interrupted run leaves
        // no template that looks finished.
        let building = format!("{template}_building");
        let url = fresh_postgres_database(admin_url, &building)?;
        let started = Instant::now();
        println!("  server data: seeding {TICKETS} tickets …");
        let docs = seeded_documents(&target_dir().join("bench/mail-server-source"), TICKETS)?;
        let generated = started.elapsed().as_secs_f64();
        println!(
            "  server data: loading {} documents into PostgreSQL …",
            docs.len()
        );
        import(&Database::Postgres(url.clone()), &docs)?;
        let loaded = started.elapsed().as_secs_f64() - generated;
        add_users(
            bin,
            &["--database-url".to_string(), url],
            "admin",
            &[(ADMIN.to_string(), "Mail Bench Admin".to_string())],
        )?;
        // The loader's connections end as their backends exit, which may take a moment.
        let mut tries = 0;
        while let Err(e) =
            c.batch_execute(&format!("ALTER DATABASE {building} RENAME TO {template}"))
        {
            tries += 1;
            if tries == 20 {
                return Err(e).context("rename the seeded database");
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        println!(
            "  server data: {} documents ready in {:.0} s (generated in {generated:.0} s, loaded in {loaded:.0} s)",
            docs.len(),
            started.elapsed().as_secs_f64()
        );
    }
    // A template left by an older server is brought up to this one's schema and report rows
    // first, so each run measures intake and not that one-time upgrade.
    let base = admin_url.rsplit_once('/').context("admin URL")?.0;
    crate::bench_sync::prepare_reports(&porchlight_server::open_storage(&Database::Postgres(
        format!("{base}/{template}"),
    ))?)?;
    let started = Instant::now();
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {RUN_DB} WITH (FORCE)"))?;
    // FILE_COPY copies the files instead of logging every page: seconds, not minutes. The
    // template's last connections end as their backends exit, which may take a moment.
    let mut tries = 0;
    while let Err(e) = c.batch_execute(&format!(
        "CREATE DATABASE {RUN_DB} TEMPLATE {template} STRATEGY = FILE_COPY"
    )) {
        tries += 1;
        if tries == 20 {
            return Err(e).context("copy the seeded database");
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    println!(
        "  server data: copied into {RUN_DB} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(format!("{base}/{RUN_DB}"))
}

/// A copy of bench sync's cached 100k server data (built first when missing), with the
/// admin account.
fn sqlite_helpdesk(bin: &Path, work: &Path) -> Result<PathBuf> {
    let cached = server_data(bin)?;
    let dir = work.join("server-sqlite");
    std::fs::create_dir_all(&dir)?;
    let started = Instant::now();
    for e in std::fs::read_dir(&cached)? {
        let e = e?;
        if e.file_type()?.is_file() {
            std::fs::copy(e.path(), dir.join(e.file_name()))?;
        }
    }
    let args = ["--data-dir".to_string(), dir.display().to_string()];
    add_users(
        bin,
        &args,
        "admin",
        &[(ADMIN.to_string(), "Mail Bench Admin".to_string())],
    )?;
    println!(
        "  server data: copied in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(dir)
}

/// Files the mails, starts the server, sets the mailbox up and waits for the server to take
/// the mails in; returns mails per second.
fn ingest(
    rt: &tokio::runtime::Runtime,
    mail: &Server,
    bin: &Path,
    db_args: &[String],
    work: &Path,
    backend: Backend,
) -> Result<f64> {
    // A mailbox of its own on every run: nothing else files mail there, none is left over.
    let address = format!("bench-server-{}@acme.example", nanos());
    let mailbox = mail.mailbox(&address);
    file_generated(rt, mail, &address, &generate(&address, MAILS, 11))?;

    let server = ServerProc::start_with(
        bin,
        db_args,
        &work.join(format!("server-{}.log", backend.label())),
        &[
            ("PORCHLIGHT_SECRET_KEY", SECRET_KEY),
            ("PORCHLIGHT_MAIL_CA_FILE", mail.ca_file.as_str()),
        ],
    )?;
    let admin = login(rt, &server.url, ADMIN)?;
    let client = ServerClient::new(&server.url, &admin.token);
    rt.block_on(client.set_mail_secrets(&mailbox.id, Some(&mail.password), None))
        .context("give the server the mailbox's password")?;
    let save = ConfigMutation::SaveMailbox {
        mailbox: mailbox.clone(),
    };
    let args = serde_json::to_value(&save)?["args"].clone();
    let push = PushRequest {
        client_id: new_id(),
        schema_version: SCHEMA_VERSION,
        mutations: vec![PushMutation {
            id: 1,
            name: save.name().to_string(),
            args,
            at: 0,
        }],
        workspace_id: Some(admin.workspace_id.clone()),
    };

    let started = Instant::now();
    let res = rt.block_on(client.push(&push))?;
    let cursor = match res.results.first().map(|r| &r.outcome) {
        Some(PushOutcome::Applied { version }) => *version,
        other => bail!("the server did not apply the mailbox: {other:?}"),
    };
    let secs = loop {
        let statuses = rt.block_on(client.mail_status())?;
        let status = statuses.iter().find(|s| s.id == mailbox.id);
        if status.is_some_and(|s| s.last_fetch_at.is_some()) {
            break started.elapsed().as_secs_f64();
        }
        // Before the fetch is done, any error is the fetch's (the password was there first).
        if let Some(e) = status.and_then(|s| s.last_error.as_ref()) {
            bail!("the server's fetch of {address} failed: {e}");
        }
        if started.elapsed() > GIVE_UP {
            bail!(
                "the server had not fetched {address} after {} s",
                GIVE_UP.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    println!("  the server fetched {address} in {secs:.1} s");
    let (received, tickets) =
        received_since(rt, &client, &admin.workspace_id, cursor, &mailbox.id)?;
    server.stop();
    if received != MAILS {
        bail!("the server took in {received} of the {MAILS} mails");
    }
    println!("  {received} mails on {tickets} tickets, pulled back from the server");
    Ok(MAILS as f64 / secs)
}

/// Pulls what changed after `cursor`: the incoming mails of the mailbox, and on how many
/// tickets they are.
fn received_since(
    rt: &tokio::runtime::Runtime,
    client: &ServerClient,
    workspace_id: &str,
    mut cursor: i64,
    mailbox_id: &str,
) -> Result<(usize, usize)> {
    let client_id = new_id();
    let mut received = 0;
    let mut tickets = std::collections::HashSet::new();
    loop {
        let page = rt.block_on(client.pull(&client_id, workspace_id, cursor, MAX_PULL_LIMIT))?;
        for change in &page.changes {
            if let Some(Doc::Message(m)) = &change.doc {
                // Outgoing mail (the queued acknowledgements) has a delivery state.
                if m.email
                    .as_ref()
                    .is_some_and(|e| e.mailbox_id == mailbox_id && e.delivery.is_none())
                {
                    received += 1;
                    tickets.insert(m.ticket_id.clone());
                }
            }
        }
        cursor = page.cursor;
        if !page.has_more {
            return Ok((received, tickets.len()));
        }
    }
}

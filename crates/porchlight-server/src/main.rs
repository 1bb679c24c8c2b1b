//! `porchlight-server`: serve the team API, or manage accounts.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use porchlight_domain::AgentRole;
use porchlight_server::portal::html::utc_time;
use porchlight_server::storage::StorageError;
use porchlight_server::{auth, now_ms, open_storage, Database};

const USAGE: &str = "usage:
  porchlight-server serve [--listen ADDR] [--data-dir DIR | --database-url postgres://…]
  porchlight-server user add --email EMAIL --name NAME --role admin|agent|kb_editor [DATABASE]
  porchlight-server user list [DATABASE]
  porchlight-server user disable|enable --email EMAIL [DATABASE]
  porchlight-server user set-password --email EMAIL [DATABASE]
  porchlight-server user sessions --email EMAIL [DATABASE]
  porchlight-server user end-sessions --email EMAIL [DATABASE]
  porchlight-server backup --to DIR [--data-dir DIR]
  porchlight-server restore --from BACKUP --data-dir NEW_DIR
  porchlight-server export --to DIR [DATABASE]
  porchlight-server import --from EXPORT [DATABASE]
  porchlight-server release add FILE… [--notes TEXT] [--data-dir DIR]
  porchlight-server release list [--data-dir DIR]

DATABASE is --data-dir DIR (embedded SQLite, the default) or --database-url postgres://….
PORCHLIGHT_DATABASE_URL may hold the URL instead, so the password stays off the command line.

A backup is taken while the server runs, into a new folder under --to; a restore goes into a
data directory that holds no database yet (stop the server and point it there). PostgreSQL is
backed up with pg_dump (see the README). An export (JSON Lines and CSV, the format the README
describes, from a server or a desktop) is imported into a database that holds no helpdesk yet.

Desktop updates: `release add` copies installers (each with the .sig the release key made
beside it) into PORCHLIGHT_RELEASES_DIR (default: releases in the data directory), which the
server offers to desktops; the desktops check the signature themselves.

Passwords are read from standard input (one line). The default data directory is
./porchlight-data (or PORCHLIGHT_SERVER_DATA_DIR); the default address is 127.0.0.1:8080
(or PORCHLIGHT_LISTEN).
Logging follows RUST_LOG (default: info). A sign-in ends after PORCHLIGHT_SESSION_IDLE_SECS
without use (default 30 days) or PORCHLIGHT_SESSION_MAX_SECS in all (default 90 days).";

struct Options {
    listen: SocketAddr,
    db: Database,
    email: Option<String>,
    name: Option<String>,
    role: Option<AgentRole>,
    to: Option<PathBuf>,
    from: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options {
        listen: "127.0.0.1:8080".parse().expect("a valid default address"),
        db: Database::Sqlite(
            std::env::var_os("PORCHLIGHT_SERVER_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("porchlight-data")),
        ),
        email: None,
        name: None,
        role: None,
        to: None,
        from: None,
    };
    if let Ok(url) = std::env::var("PORCHLIGHT_DATABASE_URL") {
        if !url.is_empty() {
            o.db = Database::Postgres(url);
        }
    }
    if let Ok(v) = std::env::var("PORCHLIGHT_LISTEN") {
        if !v.is_empty() {
            o.listen = v.parse().with_context(|| {
                format!("PORCHLIGHT_LISTEN='{v}' is not an address such as 0.0.0.0:8080")
            })?;
        }
    }
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |what: &str| {
            it.next()
                .cloned()
                .with_context(|| format!("{a} needs {what}"))
        };
        match a.as_str() {
            "--listen" => {
                let v = value("an address such as 0.0.0.0:8080")?;
                o.listen = v
                    .parse()
                    .with_context(|| format!("'{v}' is not an address such as 0.0.0.0:8080"))?;
            }
            "--data-dir" => o.db = Database::Sqlite(PathBuf::from(value("a directory")?)),
            "--database-url" => {
                let v = value("a URL such as postgres://user:password@host/porchlight")?;
                if !(v.starts_with("postgres://") || v.starts_with("postgresql://")) {
                    bail!("--database-url must start with postgres:// (embedded SQLite needs no URL: use --data-dir)");
                }
                o.db = Database::Postgres(v);
            }
            "--email" => o.email = Some(value("an e-mail address")?),
            "--to" => o.to = Some(PathBuf::from(value("a directory")?)),
            "--from" => o.from = Some(PathBuf::from(value("a backup folder")?)),
            "--name" => o.name = Some(value("a name")?),
            "--role" => {
                let v = value("admin, agent or kb_editor")?;
                o.role =
                    Some(AgentRole::parse("role", &v).map_err(|e| anyhow::anyhow!(e.message))?);
            }
            other => bail!("unknown option '{other}'\n{USAGE}"),
        }
    }
    Ok(o)
}

fn read_password() -> Result<String> {
    if std::io::stdin().is_terminal() {
        eprint!(
            "Password (at least {} characters): ",
            auth::MIN_PASSWORD_CHARS
        );
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("could not read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    auth::check_password_rules(&password).map_err(anyhow::Error::msg)?;
    Ok(password)
}

fn refused(e: StorageError) -> anyhow::Error {
    match e {
        StorageError::Refused(d) => anyhow::anyhow!(d.message),
        other => anyhow::anyhow!(other),
    }
}

fn account(
    storage: &porchlight_server::storage::Storage,
    email: &str,
) -> Result<porchlight_domain::docs::AgentDoc> {
    match storage.user_by_email(email).map_err(refused)? {
        Some(u) => Ok(u.agent),
        None => bail!("No account uses {email}."),
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("porchlight-server: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).take(2).collect();
    match words.as_slice() {
        ["serve", ..] => {
            let o = parse(&args[1..])?;
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info".into()),
                )
                .with_writer(std::io::stderr)
                .init();
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?
                .block_on(porchlight_server::serve(o.listen, o.db))
        }
        ["user", sub] => {
            let o = parse(&args[2..])?;
            let storage = open_storage(&o.db)?;
            let email = || o.email.clone().context("--email EMAIL is required");
            match *sub {
                "add" => {
                    let (email, name) =
                        (email()?, o.name.clone().context("--name NAME is required")?);
                    let role = o.role.context("--role admin|agent|kb_editor is required")?;
                    let hash = auth::hash_password(&read_password()?);
                    let agent = storage
                        .add_user(&name, &email, role, &hash, now_ms())
                        .map_err(refused)?;
                    println!(
                        "added {} <{}> as {}",
                        agent.name,
                        agent.email,
                        agent.role.as_str()
                    );
                }
                "list" => {
                    for u in storage.users().map_err(refused)? {
                        println!(
                            "{}\t{}\t{}\t{}",
                            u.agent.email,
                            u.agent.name,
                            u.agent.role.as_str(),
                            // Disabled account or inactive agent: one notion.
                            if u.disabled { "disabled" } else { "active" }
                        );
                    }
                }
                "disable" | "enable" => {
                    let email = email()?;
                    storage
                        .set_user_disabled(&email, *sub == "disable")
                        .map_err(refused)?;
                    println!("{email} {}d", sub);
                }
                "set-password" => {
                    let email = email()?;
                    let hash = auth::hash_password(&read_password()?);
                    storage
                        .set_password(&email, &hash, now_ms())
                        .map_err(refused)?;
                    println!("password changed for {email}; its sessions were signed out");
                }
                "sessions" => {
                    let agent = account(&storage, &email()?)?;
                    let lifetimes = auth::SessionLifetimes::from_env();
                    let rows = storage
                        .sessions_of(&agent.id, now_ms(), lifetimes)
                        .map_err(refused)?;
                    if rows.is_empty() {
                        println!("{} has no sessions", agent.email);
                    }
                    for r in rows {
                        println!(
                            "{}\tcreated {} UTC\tlast used {} UTC{}",
                            if r.device_name.is_empty() {
                                "(unnamed device)"
                            } else {
                                &r.device_name
                            },
                            utc_time(r.created_at),
                            utc_time(r.last_used_at),
                            if r.expired { "\texpired" } else { "" }
                        );
                    }
                }
                "end-sessions" => {
                    let agent = account(&storage, &email()?)?;
                    let n = storage.end_sessions(&agent.id, now_ms()).map_err(refused)?;
                    println!("{n} sessions of {} ended", agent.email);
                }
                other => bail!("unknown user command '{other}'\n{USAGE}"),
            }
            Ok(())
        }
        ["backup", ..] => {
            let o = parse(&args[1..])?;
            let to =
                o.to.context("--to DIR is required: the folder backups go into")?;
            let Database::Sqlite(dir) = &o.db else {
                bail!("a PostgreSQL database is backed up with pg_dump: pg_dump --format=custom --file=porchlight.dump \"$PORCHLIGHT_DATABASE_URL\" (it holds the files too; see the README)");
            };
            let (path, info) = porchlight_server::backup::back_up(dir, &to, now_ms())?;
            println!(
                "backed up {} documents ({} tickets, {} MB) to {}",
                info.documents,
                info.tickets,
                info.bytes / 1_000_000,
                path.display()
            );
            Ok(())
        }
        ["restore", ..] => {
            let o = parse(&args[1..])?;
            let from = o
                .from
                .context("--from BACKUP is required: a backup folder")?;
            let Database::Sqlite(dir) = &o.db else {
                bail!("a PostgreSQL database is restored with pg_restore (see the README)");
            };
            if !args.iter().any(|a| a == "--data-dir") {
                bail!("--data-dir NEW_DIR is required: an empty directory to restore into");
            }
            let info = porchlight_server::backup::restore(&from, dir)?;
            println!(
                "restored {} documents ({} tickets) into {}; start the server with --data-dir {}",
                info.documents,
                info.tickets,
                dir.display(),
                dir.display()
            );
            Ok(())
        }
        ["export", ..] => {
            let o = parse(&args[1..])?;
            let to =
                o.to.context("--to DIR is required: the folder the export goes into")?;
            let storage = open_storage(&o.db)?;
            let (path, info) = porchlight_server::export::export(&storage, &to, now_ms())?;
            println!(
                "exported {} documents ({} tickets, {} customers, {} articles, {} files) to {}",
                info.documents,
                info.tickets,
                info.customers,
                info.articles,
                info.attachments,
                path.display()
            );
            Ok(())
        }
        ["import", ..] => {
            let o = parse(&args[1..])?;
            let from = o
                .from
                .context("--from EXPORT is required: an export folder")?;
            let storage = open_storage(&o.db)?;
            let info = porchlight_server::export::import(&storage, &from)?;
            println!(
                "imported {} documents ({} tickets, {} files) from a {} export; give the agents accounts with `user add`",
                info.documents, info.tickets, info.attachments, info.source
            );
            Ok(())
        }
        ["release", sub] => {
            // Installer files are the arguments that are no option (or an option's value).
            let mut files = Vec::new();
            let mut options = Vec::new();
            let mut notes = None;
            let mut it = args[2..].iter();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--notes" => notes = Some(it.next().context("--notes needs a text")?.clone()),
                    o if o.starts_with("--") => {
                        options.push(a.clone());
                        options.extend(it.next().cloned());
                    }
                    _ => files.push(PathBuf::from(a)),
                }
            }
            let o = parse(&options)?;
            let dir = porchlight_server::releases::releases_dir(&o.db).context(
                "set PORCHLIGHT_RELEASES_DIR: with PostgreSQL there is no data directory to keep releases in",
            )?;
            match *sub {
                "add" => {
                    let now = chrono::DateTime::from_timestamp_millis(now_ms())
                        .unwrap_or_default()
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                    for line in
                        porchlight_server::releases::add(&dir, &files, notes.as_deref(), &now)?
                    {
                        println!("added {line}");
                    }
                    println!(
                        "desktops are offered the newest release for their platform from {}",
                        dir.display()
                    );
                }
                "list" => {
                    let m = porchlight_server::releases::read_manifest(&dir)?;
                    if m.releases.is_empty() {
                        println!("no releases in {}", dir.display());
                    }
                    for r in m.releases.iter().rev() {
                        for f in &r.files {
                            println!("{}\t{}\t{}\t{}", r.version, f.platform, f.file, r.pub_date);
                        }
                    }
                }
                other => bail!("unknown release command '{other}'\n{USAGE}"),
            }
            Ok(())
        }
        ["help" | "--help" | "-h", ..] | [] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("unknown command '{}'\n{USAGE}", args.join(" ")),
    }
}

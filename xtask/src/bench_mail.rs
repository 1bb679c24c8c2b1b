//! `cargo xtask bench mail`: the e-mail channel on generated mail, in a standalone desktop and on
//! the team server.
//! - `mail_parse_per_s`: `porchlight_mail::inbound::read` (parse, sanitise, classify, thread
//!   keys, quote split, language) in memory over the mail crate's corpus and 10,000 generated
//!   mails: plain and HTML, files attached, replies quoting their original, four languages,
//!   subject tags, auto-replies.
//! - `mail_ingest_per_s`: those 10,000 mails filed in a mailbox of the test IMAP server, then
//!   fetched by the desktop into a 100k-ticket store (`channel::fetch_mailbox`), fetch included.
//! - `mail_send_p95_ms`: an agent's reply on a ticket that came by mail, from `store.apply` until
//!   the test SMTP server accepted it (`channel::send_queued`).
//! - `mail_fetch_rss_mb`: the extra peak memory of fetching one mail with a 25 MB attachment
//!   into a store, measured in a child process (`bench-mail-rss`) so nothing else the benchmark
//!   allocated counts; the child also reports how much each step (IMAP, parsing, storing)
//!   needs on its own.
//! - `mail_ingest_per_s_server_postgres` / `_sqlite`: the same 10,000 mails taken in by the
//!   team server (`porchlight-server`) on a 100k-ticket helpdesk; see bench_mail_server.rs.
//!
//! The servers are `cargo xtask mail-server`'s, or those `PORCHLIGHT_TEST_MAIL` describes.
//! `PORCHLIGHT_BENCH_MAIL=desktop,server-postgres,server-sqlite` runs only some parts
//! (default: all); `desktop` is every figure above but the server's.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use porchlight_domain::config::ConfigMutation;
use porchlight_domain::mail::{MailSecurity, MailServerRole, Mailbox};
use porchlight_domain::{MessageKind, Mutation, SortKey};
use porchlight_mail::channel;
use porchlight_mail::imap::{self, ImapSession};
use porchlight_mail::inbound::{self, Inbound};
use porchlight_mail::{
    build_reply, Auth, MailAddress, OutgoingAttachment, OutgoingReply, ParseLimits, Security,
    ServerConfig, SubjectTag,
};
use porchlight_store::mail::{DesktopMail, MailSecrets};
use porchlight_store::{new_id, Store};

use crate::bench_util::{median, p95, seed_store, timed};
use crate::target_dir;

pub(crate) const MAILS: usize = 10_000;
const REPLIES: usize = 60;
const BIG_ATTACHMENT: usize = 25 * 1024 * 1024;
/// Parallel IMAP connections filling the mailbox (Dovecot appends to one folder in turn, so
/// more gains little).
const APPENDERS: usize = 4;
/// The hidden subcommand the memory measurement runs in.
pub const RSS_CHILD: &str = "bench-mail-rss";
const PASSWORD_VAR: &str = "PORCHLIGHT_BENCH_MAIL_PASSWORD";

/// Whether `PORCHLIGHT_BENCH_MAIL` (comma-separated; empty: every part) names `part`.
pub(crate) fn part(name: &str) -> Result<bool> {
    let parts = std::env::var("PORCHLIGHT_BENCH_MAIL").unwrap_or_default();
    let known = ["desktop", "server-postgres", "server-sqlite"];
    if let Some(other) = parts
        .split(',')
        .map(str::trim)
        .find(|p| !p.is_empty() && !known.contains(p))
    {
        bail!("PORCHLIGHT_BENCH_MAIL: unknown part '{other}' (desktop, server-postgres or server-sqlite)");
    }
    Ok(parts.is_empty() || parts.split(',').any(|p| p.trim() == name))
}

/// The desktop's part: parsing, intake, sending and the channel's memory (the team server's
/// part is `bench_mail_server`).
pub fn run(put: &mut dyn FnMut(&str, f64, &str)) -> Result<()> {
    if part("desktop")? {
        let server = Server::get()?;
        let rt = runtime()?;
        bench_parse(put)?;
        let (store, mail, mailbox) = bench_ingest(&rt, &server, put)?;
        bench_send(&rt, &store, &mail, &mailbox, put)?;
        drop((mail, store));
        // The copies are made afresh on each run; they need not take disk space between runs.
        let _ = std::fs::remove_dir_all(copy_dir());
        bench_rss(&rt, &server, put)?;
        let _ = std::fs::remove_dir_all(rss_dir());
    }
    Ok(())
}

fn copy_dir() -> PathBuf {
    target_dir().join("bench/mail-store-100k")
}

fn rss_dir() -> PathBuf {
    target_dir().join("bench/mail-rss-store")
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// The test mail servers.
pub(crate) struct Server {
    host: String,
    imap: u16,
    submission: u16,
    /// The test CA's file, for the team server to trust (`PORCHLIGHT_MAIL_CA_FILE`).
    pub(crate) ca_file: String,
    ca_pem: String,
    pub(crate) password: String,
}

impl Server {
    pub(crate) fn get() -> Result<Server> {
        let json = match std::env::var("PORCHLIGHT_TEST_MAIL") {
            Ok(v) => v,
            Err(_) => crate::mail_server::ensure_at(&target_dir().join("mail-server"))?,
        };
        let v: serde_json::Value =
            serde_json::from_str(&json).context("the mail server's JSON description")?;
        let s = |k: &str| -> Result<String> {
            Ok(v[k]
                .as_str()
                .with_context(|| format!("'{k}' in the mail server's JSON"))?
                .to_string())
        };
        let p = |k: &str| -> Result<u16> {
            v[k].as_u64()
                .and_then(|n| u16::try_from(n).ok())
                .with_context(|| format!("'{k}' (a port) in the mail server's JSON"))
        };
        let ca = s("ca")?;
        // The channel trusts the test CA as a company's own CA would be trusted.
        std::env::set_var("PORCHLIGHT_MAIL_CA_FILE", &ca);
        Ok(Server {
            host: s("host")?,
            imap: p("imap")?,
            submission: p("submission")?,
            ca_pem: std::fs::read_to_string(&ca).with_context(|| format!("read {ca}"))?,
            ca_file: ca,
            password: s("password")?,
        })
    }

    fn imap_config(&self, user: &str) -> ServerConfig {
        let mut c = ServerConfig::new(
            &self.host,
            self.imap,
            Security::StartTls,
            Auth::Password {
                user: user.into(),
                password: self.password.clone(),
            },
        );
        c.extra_roots_pem = Some(self.ca_pem.clone());
        c.timeout = Duration::from_secs(120);
        c
    }

    pub(crate) fn mailbox(&self, address: &str) -> Mailbox {
        mailbox_at(&self.host, self.imap, self.submission, address)
    }
}

/// A mailbox on the test mail server: both of its servers speak STARTTLS.
fn mailbox_at(host: &str, imap: u16, smtp: u16, address: &str) -> Mailbox {
    let mut mb = Mailbox::new(&new_id(), "Acme Destek", address, host);
    mb.imap.port = imap;
    mb.imap.security = MailSecurity::StartTls;
    mb.smtp.port = smtp;
    mb.signature = "Acme — support team".into();
    mb
}

struct Password(String);
impl MailSecrets for Password {
    fn get(&self, _mailbox_id: &str, _role: MailServerRole) -> Result<Option<String>, String> {
        Ok(Some(self.0.clone()))
    }
}

pub(crate) fn nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

// ---------------------------------------------------------------- generated mail

/// xorshift64*: the same mails on every run, without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

struct Lang {
    names: &'static [(&'static str, &'static str)],
    subjects: &'static [&'static str],
    sentences: &'static [&'static str],
    reply_prefix: &'static str,
    wrote: &'static str,
}

const LANGS: [Lang; 4] = [
    Lang {
        names: &[("Emily Clark", "emily"), ("James Walker", "james"), ("Olivia Brown", "olivia")],
        subjects: &["Order not delivered", "Refund for a damaged box", "Cannot log in", "Invoice with the wrong VAT number", "Export my data"],
        sentences: &[
            "Hello, my order has not arrived yet and the tracking page has not changed for a week.",
            "Could you check where the parcel is and when it will be delivered?",
            "The box was damaged and two of the glasses inside were broken.",
            "I would like a refund to my card rather than store credit.",
            "Since yesterday the login page says my password is wrong although I reset it twice.",
            "The invoice shows our old VAT number; please send a corrected one.",
            "I attached a screenshot of the error message.",
            "Thank you for your help, I appreciate the quick answer.",
        ],
        reply_prefix: "Re:",
        wrote: "wrote:",
    },
    Lang {
        names: &[("Ayşe Yılmaz", "ayse"), ("Mehmet Öztürk", "mehmet"), ("Zeynep Çelik", "zeynep")],
        subjects: &["Kargo gelmedi", "Hasarlı ürün için iade", "Giriş yapamıyorum", "Faturada yanlış vergi numarası", "Sipariş durumu"],
        sentences: &[
            "Merhaba, siparişim hâlâ gelmedi ve kargo takip sayfası bir haftadır değişmedi.",
            "Lütfen kargonun nerede olduğunu kontrol eder misiniz?",
            "Kutu hasarlı geldi, içindeki iki bardak kırılmış.",
            "Ücretin kartıma iade edilmesini istiyorum, hediye çeki değil.",
            "Dünden beri şifremi iki kez sıfırlamama rağmen giriş yapamıyorum.",
            "Faturada şirketimizin eski vergi numarası yazıyor, düzeltilmiş faturayı gönderir misiniz?",
            "Hata mesajının ekran görüntüsünü ekledim.",
            "Yardımınız için teşekkür ederim, iyi çalışmalar.",
        ],
        reply_prefix: "Ynt:",
        wrote: "şunu yazdı:",
    },
    Lang {
        names: &[("Katarzyna Wójcik", "kasia"), ("Paweł Nowak", "pawel"), ("Agnieszka Łęcka", "aga")],
        subjects: &["Zamówienie nie dotarło", "Zwrot za uszkodzoną paczkę", "Nie mogę się zalogować", "Błędny numer NIP na fakturze", "Status zamówienia"],
        sentences: &[
            "Dzień dobry, moje zamówienie nadal nie dotarło, a status przesyłki nie zmienił się od tygodnia.",
            "Proszę o sprawdzenie, gdzie jest paczka i kiedy zostanie dostarczona.",
            "Paczka była uszkodzona, a dwie szklanki w środku były stłuczone.",
            "Chciałabym otrzymać zwrot pieniędzy na kartę, a nie bon.",
            "Od wczoraj nie mogę się zalogować, chociaż dwa razy zmieniłam hasło.",
            "Na fakturze jest nasz stary numer NIP, proszę o przesłanie korekty.",
            "W załączniku przesyłam zrzut ekranu z błędem.",
            "Dziękuję za pomoc i szybką odpowiedź.",
        ],
        reply_prefix: "Odp:",
        wrote: "napisał(a):",
    },
    Lang {
        names: &[("سارا احمدی", "sara"), ("علی رضایی", "ali"), ("مریم حسینی", "maryam")],
        subjects: &["سفارش من نرسیده است", "بازپرداخت برای جعبه آسیب دیده", "نمی‌توانم وارد شوم", "شماره مالیاتی اشتباه در فاکتور", "وضعیت سفارش"],
        sentences: &[
            "سلام، سفارش من هنوز نرسیده است و صفحه پیگیری مرسوله یک هفته است که تغییر نکرده است.",
            "لطفا بررسی کنید که بسته کجاست و چه زمانی تحویل داده می‌شود.",
            "جعبه آسیب دیده بود و دو لیوان داخل آن شکسته بودند.",
            "می‌خواهم مبلغ به کارت من بازگردانده شود، نه اعتبار فروشگاه.",
            "از دیروز با وجود اینکه دو بار رمز عبورم را عوض کردم نمی‌توانم وارد شوم.",
            "در فاکتور شماره مالیاتی قدیمی ما نوشته شده است، لطفا فاکتور اصلاح شده را بفرستید.",
            "تصویر صفحه خطا را پیوست کردم.",
            "از کمک شما متشکرم.",
        ],
        reply_prefix: "پاسخ:",
        wrote: "نوشت:",
    },
];

/// A conversation started by a generated mail, for the replies that follow it.
struct Started {
    id: String,
    lang: usize,
    from: MailAddress,
    subject: String,
    text: String,
}

/// One generated mail and whether it answers an earlier one (it must then be filed after it).
pub(crate) struct Generated {
    raw: Vec<u8>,
    is_reply: bool,
}

fn paragraph(rng: &mut Rng, lang: &Lang) -> String {
    let n = 2 + rng.below(4);
    (0..n)
        .map(|_| *rng.pick(lang.sentences))
        .collect::<Vec<_>>()
        .join(" ")
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Bytes that look like a small file of the given kind (not compressible, like real ones).
fn file_bytes(rng: &mut Rng, magic: &[u8], len: usize) -> Vec<u8> {
    let mut data = magic.to_vec();
    while data.len() < len {
        data.extend_from_slice(&rng.next().to_le_bytes());
    }
    data.truncate(len);
    data
}

/// `n` mails to `to`, as customers' clients write them: a quarter answer an earlier one
/// (quoting it, threaded by In-Reply-To and References, in text or HTML), the rest start
/// a conversation: plain text, text with HTML, HTML only with markup to sanitise, with a
/// small file, about an existing ticket by its subject tag, or an out-of-office answer.
pub(crate) fn generate(to: &str, n: usize, seed: u64) -> Vec<Generated> {
    let mut rng = Rng(seed | 1);
    let run = nanos();
    let mut started: Vec<Started> = Vec::new();
    let mut out = Vec::with_capacity(n);
    let support = MailAddress::new(Some("Acme Destek"), to);
    for i in 0..n {
        let id = format!("{run}.{i}@customer.example");
        let roll = rng.below(100);
        if roll < 25 && !started.is_empty() {
            let k = rng.below(started.len());
            let orig = &started[k];
            let lang = &LANGS[orig.lang];
            let new_text = paragraph(&mut rng, lang);
            let quoted: String = orig.text.lines().map(|l| format!("> {l}\n")).collect();
            let who = orig.from.name.clone().unwrap_or_default();
            let html = (rng.below(3) == 0).then(|| {
                format!(
                    "<div dir=\"auto\"><p>{}</p><div class=\"gmail_quote\">{} {}<blockquote style=\"margin:0 0 0 .8ex;border-left:1px #ccc solid\">{}</blockquote></div></div>",
                    escape_html(&new_text),
                    escape_html(&who),
                    lang.wrote,
                    escape_html(&orig.text)
                )
            });
            let reply = OutgoingReply {
                from: orig.from.clone(),
                to: vec![support.clone()],
                cc: Vec::new(),
                reply_to: None,
                subject: format!("{} {}", lang.reply_prefix, orig.subject),
                ticket_number: None,
                message_id: id,
                in_reply_to: Some(orig.id.clone()),
                references: vec![orig.id.clone()],
                text: format!("{new_text}\n\n{who} {}\n{quoted}", lang.wrote),
                html,
                attachments: Vec::new(),
                automatic: false,
                date: None,
            };
            out.push(Generated {
                raw: built(&reply),
                is_reply: true,
            });
            continue;
        }
        let li = rng.below(LANGS.len());
        let lang = &LANGS[li];
        let (name, local) = *rng.pick(lang.names);
        // A few hundred customers per language, so some write more than once.
        let from = MailAddress::new(
            Some(name),
            &format!("{local}.{}@customer{}.example", rng.below(300), li),
        );
        let subject = rng.pick(lang.subjects).to_string();
        let text = paragraph(&mut rng, lang);
        let mut reply = OutgoingReply {
            from: from.clone(),
            to: vec![support.clone()],
            cc: Vec::new(),
            reply_to: None,
            subject: subject.clone(),
            ticket_number: None,
            message_id: id.clone(),
            in_reply_to: None,
            references: Vec::new(),
            text: format!("{text}\n\n-- \n{name}"),
            html: None,
            attachments: Vec::new(),
            automatic: false,
            date: None,
        };
        let raw = match roll {
            25..=44 => {
                reply.html = Some(format!(
                    "<html><body><p style=\"font-family:Arial\">{}</p><p>--<br>{}</p></body></html>",
                    escape_html(&text),
                    escape_html(name)
                ));
                built(&reply)
            }
            45..=59 => {
                let (file, ct, magic, size): (&str, &str, &[u8], usize) = match rng.below(3) {
                    0 => ("fatura.pdf", "application/pdf", b"%PDF-1.4\n", 8_000),
                    1 => (
                        "ekran görüntüsü.png",
                        "image/png",
                        b"\x89PNG\r\n\x1a\n",
                        20_000,
                    ),
                    _ => ("log.txt", "text/plain", b"2026-01-01 ERROR ", 3_000),
                };
                let size = size / 2 + rng.below(size);
                reply.attachments.push(OutgoingAttachment {
                    file_name: file.into(),
                    content_type: ct.into(),
                    content_id: None,
                    data: file_bytes(&mut rng, magic, size),
                });
                built(&reply)
            }
            60..=64 => {
                // A follow-up about an existing ticket, by its subject tag.
                reply.ticket_number = Some(1 + rng.below(100_000) as i64);
                built(&reply)
            }
            65..=71 => html_only(&from, to, &subject, &id, &text),
            72..=74 => {
                reply.automatic = true;
                reply.subject = format!("Out of office: {subject}");
                built(&reply)
            }
            _ => built(&reply),
        };
        started.push(Started {
            id,
            lang: li,
            from,
            subject,
            text,
        });
        out.push(Generated {
            raw,
            is_reply: false,
        });
    }
    out
}

fn built(reply: &OutgoingReply) -> Vec<u8> {
    build_reply(reply, &SubjectTag::default())
        .expect("the generated mails are valid")
        .formatted()
}

/// An HTML-only mail as some web mailers send it, with what sanitising must remove.
fn html_only(from: &MailAddress, to: &str, subject: &str, id: &str, text: &str) -> Vec<u8> {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let html = format!(
        "<html><head><style>p{{color:red}}</style><script>alert(1)</script></head><body>\
<p onclick=\"steal()\">{}</p><img src=\"https://tracker.example/p.gif\" width=1 height=1>\
<a href=\"javascript:void(0)\">link</a></body></html>",
        escape_html(text)
    );
    let body = base64::engine::general_purpose::STANDARD.encode(html);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).expect("base64 is ASCII"))
        .collect();
    format!(
        "From: =?UTF-8?B?{}?= <{}>\r\nTo: {to}\r\nSubject: =?UTF-8?B?{}?=\r\nMessage-ID: <{id}>\r\n\
Date: Mon, 2 Feb 2026 10:00:00 +0300\r\nMIME-Version: 1.0\r\n\
Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        b64(from.name.as_deref().unwrap_or("")),
        from.email,
        b64(subject),
        lines.join("\r\n")
    )
    .into_bytes()
}

fn corpus() -> Result<Vec<Vec<u8>>> {
    let dir = crate::root().join("crates/porchlight-mail/tests/corpus");
    let mut files = Vec::new();
    for e in std::fs::read_dir(&dir).with_context(|| format!("read {}", dir.display()))? {
        let path = e?.path();
        // SOURCES.md says where each mail comes from; it is no mail.
        if path.extension().is_some_and(|x| x == "eml") {
            files.push(std::fs::read(&path)?);
        }
    }
    if files.is_empty() {
        bail!("no .eml files in {}", dir.display());
    }
    Ok(files)
}

// ---------------------------------------------------------------- 1. parsing

fn bench_parse(put: &mut dyn FnMut(&str, f64, &str)) -> Result<()> {
    // Reading in memory: no server is asked.
    let mailbox = mailbox_at("mail.acme.example", 143, 587, "support@acme.example");
    let mut mails = corpus()?;
    let from_corpus = mails.len();
    mails.extend(
        generate(&mailbox.address, MAILS, 7)
            .into_iter()
            .map(|g| g.raw),
    );
    let limits = ParseLimits::default();
    let (mut tickets, mut bounces, mut unusable) = (0, 0, 0);
    for raw in &mails {
        match inbound::read(raw, &mailbox, &limits) {
            Inbound::Mail { .. } => tickets += 1,
            Inbound::Bounce { .. } => bounces += 1,
            Inbound::Unusable { reason } => {
                unusable += 1;
                eprintln!("  unusable: {reason}");
            }
        }
    }
    if unusable > 0 {
        bail!("{unusable} of the mails could not be read");
    }
    println!(
        "  parsing {} mails ({from_corpus} from the corpus): {tickets} mails, {bounces} bounces",
        mails.len()
    );
    let mut rates = Vec::new();
    for _ in 0..3 {
        let (_, ms) = timed(|| {
            for raw in &mails {
                std::hint::black_box(inbound::read(raw, &mailbox, &limits));
            }
        });
        rates.push(mails.len() as f64 / (ms / 1000.0));
    }
    put("mail_parse_per_s", median(rates), "mails/s");
    Ok(())
}

// ---------------------------------------------------------------- 2. ingest

type Desk = DesktopMail<Password>;

/// A copy of the seeded 100k-ticket store (`bench store`'s, seeded first when missing), so
/// every run takes mail into the same helpdesk.
fn store_copy() -> Result<PathBuf> {
    let seeded = target_dir().join("bench/store-100k");
    if !seeded.join(porchlight_store::DB_FILE).exists() {
        println!("  no bench store yet: seeding 100000 tickets …");
        seed_store(&seeded, 100_000)?;
    }
    // Opening it folds its write-ahead log in, so the copy is the database file alone.
    drop(Store::open(&seeded)?);
    let copy = copy_dir();
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy)?;
    for e in std::fs::read_dir(&seeded)? {
        let e = e?;
        if e.file_type()?.is_file() {
            std::fs::copy(e.path(), copy.join(e.file_name()))?;
        }
    }
    Ok(copy)
}

async fn append_all(server: &Server, user: &str, mails: &[&[u8]]) -> Result<()> {
    let per = mails.len().div_ceil(APPENDERS).max(1);
    let mut tasks = Vec::new();
    for chunk in mails.chunks(per) {
        let config = server.imap_config(user);
        let chunk: Vec<Vec<u8>> = chunk.iter().map(|m| m.to_vec()).collect();
        tasks.push(tokio::spawn(async move {
            let mut s = ImapSession::connect(&config).await?;
            for m in &chunk {
                s.append("INBOX", m).await?;
            }
            s.logout().await;
            Ok::<_, porchlight_mail::ConnectError>(())
        }));
    }
    for t in tasks {
        t.await?.context("filing the mails over IMAP")?;
    }
    Ok(())
}

/// Files generated mails in `address`'s INBOX: replies after every first mail, so each
/// finds the ticket it answers.
pub(crate) fn file_generated(
    rt: &tokio::runtime::Runtime,
    server: &Server,
    address: &str,
    mails: &[Generated],
) -> Result<()> {
    let (replies, firsts): (Vec<&Generated>, Vec<&Generated>) =
        mails.iter().partition(|g| g.is_reply);
    let t = Instant::now();
    rt.block_on(async {
        append_all(
            server,
            address,
            &firsts.iter().map(|g| &g.raw[..]).collect::<Vec<_>>(),
        )
        .await?;
        append_all(
            server,
            address,
            &replies.iter().map(|g| &g.raw[..]).collect::<Vec<_>>(),
        )
        .await
    })?;
    println!(
        "  filed {} mails ({} replies) in {address} over IMAP in {:.1} s",
        mails.len(),
        replies.len(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn bench_ingest(
    rt: &tokio::runtime::Runtime,
    server: &Server,
    put: &mut dyn FnMut(&str, f64, &str),
) -> Result<(Arc<Store>, Arc<Desk>, Mailbox)> {
    let dir = store_copy()?;
    let store = Arc::new(Store::open(&dir)?);
    if store.workspace_info()?.profile.is_none() {
        store.create_profile("Bench Agent", "bench@porchlight.example")?;
    }
    let address = format!("support-{}@acme.example", nanos());
    let mailbox = server.mailbox(&address);
    store.apply_config(ConfigMutation::SaveMailbox {
        mailbox: mailbox.clone(),
    })?;

    file_generated(rt, server, &address, &generate(&address, MAILS, 11))?;

    let mail = Arc::new(DesktopMail::new(
        Arc::clone(&store),
        Password(server.password.clone()),
        Box::new(|_| {}),
    ));
    let t = Instant::now();
    let report = rt.block_on(channel::fetch_mailbox(&mail, &mailbox))?;
    let secs = t.elapsed().as_secs_f64();
    println!("  fetched into the 100k-ticket store in {secs:.1} s: {report:?}");
    if report.stored + report.refused + report.duplicates != MAILS || report.refused > 0 {
        bail!("expected {MAILS} mails taken in, got {report:?}");
    }
    put("mail_ingest_per_s", MAILS as f64 / secs, "mails/s");
    Ok((store, mail, mailbox))
}

// ---------------------------------------------------------------- 3. send

/// Tickets the ingest made that a reply would be mailed from, newest first.
fn mail_tickets(store: &Store, n: usize) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut cursor = None;
    while found.len() < n {
        let page = store.ticket_page("open", SortKey::Created, cursor.as_ref(), 100)?;
        for row in &page.rows {
            if store.reply_recipients(&row.id)?.from.is_some() {
                found.push(row.id.clone());
            }
        }
        if found.len() >= n || page.next.is_none() || found.is_empty() {
            break;
        }
        cursor = page.next;
    }
    if found.len() < n {
        bail!(
            "only {} tickets that came by mail to reply to, {n} needed",
            found.len()
        );
    }
    found.truncate(n);
    Ok(found)
}

fn bench_send(
    rt: &tokio::runtime::Runtime,
    store: &Arc<Store>,
    mail: &Arc<Desk>,
    mailbox: &Mailbox,
    put: &mut dyn FnMut(&str, f64, &str),
) -> Result<()> {
    // The ingest queued an acknowledgement for each new ticket. Sending them is not what is
    // measured here, so they are recorded as sent: the queue then holds only the replies.
    let mut acks = 0;
    loop {
        let queued = store.mail_outgoing(1000, porchlight_store::now_ms())?;
        if queued.is_empty() {
            break;
        }
        for o in queued {
            store.mail_delivered(&o.message_id, Ok(()))?;
            acks += 1;
        }
    }
    println!("  {acks} acknowledgements taken off the queue");
    let tickets = mail_tickets(store, REPLIES)?;
    let mut times = Vec::new();
    for (i, ticket) in tickets.iter().enumerate() {
        let reply = Mutation::AddMessage {
            message_id: new_id(),
            ticket_id: ticket.clone(),
            kind: MessageKind::Reply,
            from_customer: false,
            body_text: format!(
                "Reply {i}: your parcel left our warehouse this morning and arrives tomorrow."
            ),
            body_html: None,
            attachment_ids: vec![],
            cc: None,
        };
        let t = Instant::now();
        store.apply(reply)?;
        let sent = rt.block_on(channel::send_queued(mail))?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if sent.sent != 1 || sent.failed + sent.deferred > 0 {
            bail!(
                "reply {i} from {}: expected one mail sent, got {sent:?}",
                mailbox.address
            );
        }
        times.push(ms);
    }
    println!(
        "  {REPLIES} replies: median {:.1} ms, slowest {:.1} ms",
        median(times.clone()),
        times.iter().cloned().fold(0.0, f64::max)
    );
    put("mail_send_p95_ms", p95(times), "ms");
    Ok(())
}

// ---------------------------------------------------------------- 4. memory

fn bench_rss(
    rt: &tokio::runtime::Runtime,
    server: &Server,
    put: &mut dyn FnMut(&str, f64, &str),
) -> Result<()> {
    let dir = rss_dir();
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(&dir)?;
    store.create_profile("Bench Agent", "bench@porchlight.example")?;
    let address = format!("support-big-{}@acme.example", nanos());
    let mailbox = server.mailbox(&address);
    store.apply_config(ConfigMutation::SaveMailbox {
        mailbox: mailbox.clone(),
    })?;
    drop(store);
    {
        let mut rng = Rng(99);
        let raw = built(&OutgoingReply {
            from: MailAddress::new(Some("Mehmet Öztürk"), "mehmet@customer.example"),
            to: vec![MailAddress::new(None, &address)],
            cc: Vec::new(),
            reply_to: None,
            subject: "Kurulum videosu".into(),
            ticket_number: None,
            message_id: format!("big-{}@customer.example", nanos()),
            in_reply_to: None,
            references: Vec::new(),
            text: "Merhaba, hatanın videosunu ekledim.".into(),
            html: None,
            attachments: vec![OutgoingAttachment {
                file_name: "hata.mp4".into(),
                content_type: "video/mp4".into(),
                content_id: None,
                data: file_bytes(&mut rng, b"\0\0\0\x18ftypmp42", BIG_ATTACHMENT),
            }],
            automatic: false,
            date: None,
        });
        println!(
            "  filing a {:.1} MB mail (a {} MB attachment)",
            raw.len() as f64 / 1048576.0,
            BIG_ATTACHMENT / 1048576
        );
        rt.block_on(append_all(server, &address, &[&raw[..]]))?;
    }
    let out = std::process::Command::new(std::env::current_exe()?)
        .args([RSS_CHILD, &dir.to_string_lossy(), &mailbox.id])
        .env(PASSWORD_VAR, &server.password)
        .output()
        .context("start the memory measurement")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "the memory measurement failed: {}{}",
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut total = None;
    for line in stdout.lines() {
        match line.strip_prefix("extra_kb ") {
            Some(kb) => total = Some(kb.trim().parse::<f64>()?),
            None => println!("  {line}"),
        }
    }
    let kb = total.context("the memory measurement printed no result")?;
    put("mail_fetch_rss_mb", kb / 1024.0, "MB");
    Ok(())
}

fn status_kb(field: &str) -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .with_context(|| format!("{field} in /proc/self/status"))
}

/// Starts a new peak: the kernel sets VmHWM back to the current RSS.
fn reset_peak() -> Result<()> {
    std::fs::write("/proc/self/clear_refs", "5").context("reset the peak RSS")
}

/// The extra peak memory of `f`, in kB.
fn peak_of<T>(f: impl FnOnce() -> Result<T>) -> Result<(T, u64)> {
    reset_peak()?;
    let before = status_kb("VmRSS")?;
    let out = f()?;
    Ok((out, status_kb("VmHWM")?.saturating_sub(before)))
}

/// `bench-mail-rss DIR MAILBOX_ID`: fetches the one mail waiting in the mailbox into the store
/// in DIR, printing `extra_kb N` (the peak RSS above the RSS before the fetch), then what
/// each step needs alone: the IMAP fetch holding the raw mail, parsing it, storing it.
pub fn rss_child(args: &[String]) -> Result<()> {
    let [dir, mailbox_id] = args else {
        bail!("usage: {RSS_CHILD} STORE_DIR MAILBOX_ID");
    };
    let password = std::env::var(PASSWORD_VAR).with_context(|| format!("{PASSWORD_VAR} unset"))?;
    let store = Arc::new(Store::open(Path::new(dir))?);
    let mailbox = store
        .mailboxes()?
        .into_iter()
        .find(|m| m.id == *mailbox_id)
        .with_context(|| format!("no mailbox {mailbox_id} in {dir}"))?;
    let rt = runtime()?;
    let mail = Arc::new(DesktopMail::new(
        Arc::clone(&store),
        Password(password.clone()),
        Box::new(|_| {}),
    ));
    let (report, kb) = peak_of(|| Ok(rt.block_on(channel::fetch_mailbox(&mail, &mailbox))?))?;
    if report.stored != 1 {
        bail!("expected the one big mail stored, got {report:?}");
    }
    println!("extra_kb {kb}");

    // The steps one by one, each from a fresh peak (what they need alone; in the fetch they
    // overlap, the raw mail staying in memory while it is parsed and stored).
    let config = channel::server_config(&mailbox, MailServerRole::Imap, &password);
    let (raw, kb) = peak_of(|| {
        let mut batch = rt.block_on(imap::fetch(&config, &mailbox.folder, 0, 1))?;
        batch
            .mails
            .pop()
            .map(|m| m.raw)
            .context("the big mail is gone")
    })?;
    println!(
        "IMAP fetch of the raw mail ({:.1} MB): +{} MB",
        raw.len() as f64 / 1048576.0,
        kb / 1024
    );
    let (_, kb) = peak_of(|| {
        let limits = ParseLimits {
            max_bytes: porchlight_store::mail::MAX_RAW_MAIL,
            ..ParseLimits::default()
        };
        Ok(std::hint::black_box(inbound::read(&raw, &mailbox, &limits)))
    })?;
    println!(
        "inbound::read (parse, attachment decoded): +{} MB",
        kb / 1024
    );
    // Another Message-ID, so it is a new mail rather than a duplicate.
    let mut other = raw.clone();
    let at = find(&other, b"Message-ID: <big-").context("the big mail's Message-ID")?;
    other[at + 13] = b'B';
    let (outcome, kb) = peak_of(|| Ok(store.take_in_mail(&mailbox, &other)?.0))?;
    println!(
        "Store::take_in_mail (keep raw, parse, stage, apply): +{} MB ({outcome:?})",
        kb / 1024
    );
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

//! `help_article_rps` and `help_search_rps`: the public help center of the real
//! `porchlight-server` release binary, on 10k public articles (the generated knowledge base
//! of `demo_kb`, every article published and public: ~37k pages in en/tr/pl/fa), loaded
//! from this process — separate from the server — over keep-alive HTTP/1.1 connections for
//! a fixed time each. Part of `cargo xtask bench kb` (beside the desktop's
//! `kb_search_p95_ms`).
//!
//! The server logs every request as in production (to a file under
//! target/bench/help-center). Every page is fetched once before measuring, so article pages
//! are measured as served from the help center's cache of rendered HTML, which is how a
//! running help center answers; search pages are computed on every request.
//!
//! The load generator is a few threads, each with one connection writing a request and
//! reading its answer (status line, headers, `Content-Length` body) in a loop: small
//! enough to leave the two cores to the server. `PORCHLIGHT_BENCH_HELP_SECS` changes the
//! measuring time (default 5 s each).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use porchlight_domain::docs::Doc;
use porchlight_domain::kb::{ArticleStatus, ArticleVisibility};
use porchlight_server::Database;

use crate::bench_sync::ServerProc;
use crate::{cargo, sh, target_dir};

pub const ARTICLES: usize = 10_000;
/// Concurrent keep-alive connections of the load generator.
const CONNECTIONS: usize = 6;

/// Searches a reader would type, in the locale they read: whole words, a prefix, two words.
const QUERIES: &[(&str, &str)] = &[
    ("en", "refund"),
    ("en", "password"),
    ("en", "delivery times"),
    ("en", "invoice"),
    ("en", "two-factor"),
    ("en", "spreadsheet export"),
    ("en", "pass"),
    ("en", "order 1234"),
    ("tr", "iade"),
    ("tr", "şifre"),
    ("tr", "standart teslimat"),
    ("pl", "zwrot"),
    ("pl", "hasła"),
    ("pl", "faktur"),
    ("fa", "بازپرداخت"),
    ("fa", "گذرواژه"),
    ("fa", "ارسال سریع"),
];

pub fn run(put: &mut dyn FnMut(&str, f64, &str)) -> Result<()> {
    sh(cargo().args(["build", "--release", "-p", "porchlight-server"]))?;
    let bin = target_dir().join("release/porchlight-server");
    let work = target_dir().join("bench/help-center");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let data = work.join("data");

    let docs = public_kb_documents(ARTICLES, 42, "bench-editor");
    let started = Instant::now();
    let storage = porchlight_server::open_storage(&Database::Sqlite(data.clone()))?;
    for chunk in docs.chunks(50_000) {
        storage.import_documents(chunk)?;
    }
    drop(storage);
    println!(
        "imported {ARTICLES} public articles ({} documents) in {:.1} s",
        docs.len(),
        started.elapsed().as_secs_f64()
    );

    let server = Server::start(&bin, &data, &work.join("server.log"))?;
    let started = Instant::now();
    let home = server.wait_for_index()?;
    println!(
        "help center ready in {:.1} s ({} bytes home page)",
        started.elapsed().as_secs_f64(),
        home.len()
    );
    let articles = server.article_paths()?;
    if articles.len() < ARTICLES {
        bail!(
            "the sitemap lists {} pages, fewer than the {ARTICLES} articles imported",
            articles.len()
        );
    }
    let searches: Vec<String> = QUERIES
        .iter()
        .map(|(l, q)| format!("/help/{l}/search?q={}", encode(q)))
        .collect();
    let secs = std::env::var("PORCHLIGHT_BENCH_HELP_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    let measure = Duration::from_secs_f64(secs);

    let started = Instant::now();
    load(&server.addr, &articles, Load::Once, "<h1>", false)?;
    println!(
        "warmed {} article pages in {:.1} s",
        articles.len(),
        started.elapsed().as_secs_f64()
    );
    let article = load(&server.addr, &articles, Load::For(measure), "<h1>", false)?;
    println!(
        "articles: {} requests in {:.1} s, mean {:.2} ms",
        article.requests, article.secs, article.mean_ms
    );
    // As browsers ask: compressed (the server compresses every answer afresh).
    let article_br = load(&server.addr, &articles, Load::For(measure), "<h1>", true)?;
    println!(
        "articles, Brotli: {} requests in {:.1} s, mean {:.2} ms",
        article_br.requests, article_br.secs, article_br.mean_ms
    );
    // Readers crowd on a few articles: the 200 most read, compressed as browsers ask.
    let hot = &articles[..articles.len().min(200)];
    let hot_br = load(&server.addr, hot, Load::For(measure), "<h1>", true)?;
    println!(
        "200 hot articles, Brotli: {} requests in {:.1} s, mean {:.2} ms",
        hot_br.requests, hot_br.secs, hot_br.mean_ms
    );
    let search = load(
        &server.addr,
        &searches,
        Load::For(measure),
        "<ul class=\"list\">",
        false,
    )?;
    println!(
        "search:   {} requests in {:.1} s, mean {:.2} ms",
        search.requests, search.secs, search.mean_ms
    );
    put("help_article_rps", article.rps(), "req/s");
    put("help_article_br_rps", article_br.rps(), "req/s");
    put("help_hot_article_br_rps", hot_br.rps(), "req/s");
    put("help_search_rps", search.rps(), "req/s");
    server.stop();
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}

/// The generated knowledge base (`demo_kb`) with every article published and public.
pub(crate) fn public_kb_documents(articles: usize, seed: u64, author_id: &str) -> Vec<Doc> {
    let mut docs = porchlight_store::demo_kb::kb_documents(articles, seed, author_id);
    for d in &mut docs {
        if let Doc::KbArticle(a) = d {
            a.status = ArticleStatus::Published;
            a.visibility = ArticleVisibility::Public;
            a.deleted_at = None;
        }
    }
    docs
}

/// Percent-encodes a query value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The real server (bench_sync's process handle) and its host:port.
pub(crate) struct Server {
    process: ServerProc,
    pub(crate) addr: String,
}

impl Server {
    pub(crate) fn start(bin: &Path, data: &Path, log: &Path) -> Result<Server> {
        let process = ServerProc::start(
            bin,
            &["--data-dir".to_string(), data.display().to_string()],
            log,
        )?;
        let addr = process.url.trim_start_matches("http://").to_string();
        Ok(Server { process, addr })
    }

    /// The home page once the index holds the knowledge base (its first request waits
    /// for the load; this checks it has categories).
    fn wait_for_index(&self) -> Result<String> {
        let mut conn = Conn::open(&self.addr, false)?;
        let until = Instant::now() + Duration::from_secs(300);
        loop {
            let (status, body) = conn.get("/help/en/")?;
            if status == 200 && body.contains("/help/en/categories/") {
                return Ok(body);
            }
            if Instant::now() > until {
                bail!("the help center never listed the imported categories (status {status})");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Every article page, from the sitemap, in a fixed shuffled order (so connections do
    /// not walk one article's locales together).
    fn article_paths(&self) -> Result<Vec<String>> {
        let mut conn = Conn::open(&self.addr, false)?;
        let (status, xml) = conn.get("/help/sitemap.xml")?;
        if status != 200 {
            bail!("the sitemap answered {status}");
        }
        let prefix = format!("<loc>http://{}", self.addr);
        let mut paths: Vec<String> = xml
            .split(&prefix)
            .skip(1)
            .filter_map(|rest| rest.split("</loc>").next())
            .map(str::to_string)
            .collect();
        // A fixed permutation (a multiplicative step coprime with the length).
        let n = paths.len();
        if n > 1 {
            let mut step = 7919 % n;
            while step == 0 || gcd(step, n) != 1 {
                step += 1;
            }
            let copy = paths.clone();
            for (i, p) in paths.iter_mut().enumerate() {
                *p = copy[(i * step) % n].clone();
            }
        }
        Ok(paths)
    }

    pub(crate) fn stop(self) {
        self.process.stop();
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// One keep-alive HTTP/1.1 connection; `brotli`: it asks for compressed pages, as browsers
/// do (Accept-Encoding: br), and reads them as a browser must (chunked, then decompressed).
struct Conn {
    addr: String,
    brotli: bool,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(addr: &str, brotli: bool) -> Result<Conn> {
        let stream = TcpStream::connect(addr).with_context(|| format!("connect to {addr}"))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Conn {
            addr: addr.to_string(),
            brotli,
            writer: stream.try_clone()?,
            reader: BufReader::with_capacity(64 * 1024, stream),
        })
    }

    /// GET `path`: (status, body).
    fn get(&mut self, path: &str) -> Result<(u16, String)> {
        let accept = if self.brotli {
            "Accept-Encoding: br\r\n"
        } else {
            ""
        };
        write!(
            self.writer,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept-Language: en\r\n{accept}User-Agent: porchlight-bench\r\n\r\n",
            self.addr
        )?;
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            bail!("the server closed the connection");
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {line:?}"))?;
        let (mut length, mut chunked, mut encoding) = (None, false, String::new());
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((name, value)) = l.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse::<usize>().ok();
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    if !value.eq_ignore_ascii_case("chunked") {
                        bail!("unexpected Transfer-Encoding: {value}");
                    }
                    chunked = true;
                } else if name.eq_ignore_ascii_case("content-encoding") {
                    encoding = value.to_ascii_lowercase();
                }
            }
        }
        let body = if chunked {
            self.read_chunked()?
        } else {
            let mut body = vec![0; length.context("a response without Content-Length")?];
            self.reader.read_exact(&mut body)?;
            body
        };
        let body = match encoding.as_str() {
            "" | "identity" => body,
            "br" if self.brotli => {
                let mut out = Vec::with_capacity(body.len() * 4);
                brotli_decompressor::BrotliDecompress(&mut body.as_slice(), &mut out)
                    .context("a Brotli body that does not decompress")?;
                out
            }
            other => bail!("unexpected Content-Encoding: {other}"),
        };
        if self.brotli && status == 200 && encoding != "br" {
            bail!("{path}: a page asked for with Accept-Encoding: br came uncompressed");
        }
        Ok((status, String::from_utf8(body)?))
    }

    /// A chunked body (RFC 9112 §7.1), trailers skipped.
    fn read_chunked(&mut self) -> Result<Vec<u8>> {
        let mut body = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let size = line.trim_end().split(';').next().unwrap_or("");
            let size = usize::from_str_radix(size.trim(), 16)
                .with_context(|| format!("bad chunk size line {line:?}"))?;
            if size == 0 {
                loop {
                    line.clear();
                    if self.reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
                        return Ok(body);
                    }
                }
            }
            let start = body.len();
            body.resize(start + size, 0);
            self.reader.read_exact(&mut body[start..])?;
            line.clear();
            self.reader.read_line(&mut line)?;
        }
    }
}

pub(crate) enum Load {
    /// Each path once, shared among the connections.
    Once,
    /// Round and round the paths for this long.
    For(Duration),
}

pub(crate) struct Outcome {
    pub(crate) requests: usize,
    pub(crate) secs: f64,
    pub(crate) mean_ms: f64,
}

impl Outcome {
    pub(crate) fn rps(&self) -> f64 {
        self.requests as f64 / self.secs
    }
}

/// Runs the load: [`CONNECTIONS`] threads, each on its own connection, taking the next
/// path in turn. Every answer must be 200 and contain `expect`.
pub(crate) fn load(
    addr: &str,
    paths: &[String],
    how: Load,
    expect: &str,
    brotli: bool,
) -> Result<Outcome> {
    let paths = Arc::new(paths.to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = match how {
        Load::Once => None,
        Load::For(d) => Some(started + d),
    };
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (paths, next, addr, expect) = (
                paths.clone(),
                next.clone(),
                addr.to_string(),
                expect.to_string(),
            );
            std::thread::spawn(move || -> Result<(usize, Duration)> {
                let mut conn = Conn::open(&addr, brotli)?;
                let (mut done, mut busy) = (0, Duration::ZERO);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let path = match deadline {
                        None if i >= paths.len() => break,
                        None => &paths[i],
                        Some(d) if Instant::now() >= d => break,
                        Some(_) => &paths[i % paths.len()],
                    };
                    let t = Instant::now();
                    let (status, body) = conn.get(path)?;
                    busy += t.elapsed();
                    if status != 200 || !body.contains(&expect) {
                        bail!("{path} answered {status} without {expect:?}");
                    }
                    done += 1;
                }
                Ok((done, busy))
            })
        })
        .collect();
    let (mut requests, mut busy) = (0, Duration::ZERO);
    for w in workers {
        let (n, b) = w
            .join()
            .map_err(|_| anyhow::anyhow!("a load thread panicked"))??;
        requests += n;
        busy += b;
    }
    let secs = started.elapsed().as_secs_f64();
    if requests == 0 {
        bail!("no request completed");
    }
    Ok(Outcome {
        requests,
        secs,
        mean_ms: busy.as_secs_f64() * 1000.0 / requests as f64,
    })
}

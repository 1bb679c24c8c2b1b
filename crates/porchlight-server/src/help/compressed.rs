//! Brotli bytes of recently served pages, by content. Help-center pages are made on each
//! request (a hash lookup and string assembly, about 0.2 ms), and compressing one costs about
//! four times that; the same article is asked for again and again, so each distinct page is
//! compressed once and its bytes kept here. Keyed by the page's ETag and checked against the
//! page itself, so a hash collision can never serve another page; bounded by bytes, the
//! oldest entries leave first. Browsers that accept only gzip go through the compression
//! layer as before.

use std::collections::{HashMap, VecDeque};
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use axum::http::{header, HeaderMap};

/// Bytes kept (pages and their compressed forms together).
const BUDGET: usize = 24 << 20;
/// Brotli quality: the compression layer's level, so a page compresses the same either way.
const QUALITY: u32 = 4;
/// Brotli window (2^22 bytes), the encoder's default.
const WINDOW: u32 = 22;

#[derive(Default)]
struct Cache {
    pages: HashMap<String, (Arc<str>, Bytes)>,
    order: VecDeque<String>,
    bytes: usize,
}

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// Whether the reader's Accept-Encoding takes Brotli (`br`, not with `q=0`).
pub fn accepts_brotli(req: &HeaderMap) -> bool {
    req.get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            coding.eq_ignore_ascii_case("br") && !refused
        })
}

/// `body` compressed with Brotli: from the cache when this exact page was compressed
/// before, else compressed now and kept.
pub fn brotli(etag: &str, body: &str) -> Bytes {
    if let Some((page, br)) = cache().lock().ok().and_then(|c| c.pages.get(etag).cloned()) {
        if *page == *body {
            return br;
        }
    }
    let br = compress(body.as_bytes());
    if let Ok(mut c) = cache().lock() {
        let cost = body.len() + br.len();
        if cost <= BUDGET && !c.pages.contains_key(etag) {
            while c.bytes + cost > BUDGET {
                let Some(old) = c.order.pop_front() else {
                    break;
                };
                if let Some((p, b)) = c.pages.remove(&old) {
                    c.bytes -= p.len() + b.len();
                }
            }
            c.pages
                .insert(etag.to_string(), (Arc::from(body), br.clone()));
            c.order.push_back(etag.to_string());
            c.bytes += cost;
        }
    }
    br
}

fn compress(input: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(input.len() / 3);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 16 * 1024, QUALITY, WINDOW);
        // Writing into a Vec cannot fail.
        let _ = w.write_all(input);
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn brotli_is_taken_as_browsers_offer_it() {
        assert!(accepts_brotli(&headers("gzip, deflate, br, zstd")));
        assert!(accepts_brotli(&headers("BR;q=0.5")));
        assert!(!accepts_brotli(&headers("gzip")));
        assert!(!accepts_brotli(&headers("br;q=0, gzip")));
        assert!(!accepts_brotli(&headers("brotli")));
        assert!(!accepts_brotli(&HeaderMap::new()));
    }

    fn decompress(b: &[u8]) -> String {
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &b[..], &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_page_compresses_once_and_a_colliding_key_never_serves_another_page() {
        let page = "<h1>Refund</h1>".repeat(200);
        let first = brotli("\"test-key-1\"", &page);
        assert_eq!(decompress(&first), page);
        // The same page again: the same bytes, from the cache.
        assert_eq!(brotli("\"test-key-1\"", &page).as_ptr(), first.as_ptr());
        // Another page under the same key (a hash collision): compressed for itself.
        let other = "<h1>Other</h1>".repeat(200);
        assert_eq!(decompress(&brotli("\"test-key-1\"", &other)), other);
    }
}

//! What the help center's and the portal's pages share beside their frame: the one
//! stylesheet, the icon, `/favicon.ico` and `/robots.txt`.
//!
//! The stylesheet is small and inlined in every page (allowed by its hash in the CSP), so
//! nothing blocks the first paint and it travels compressed with the page. The icon's
//! address carries its content's hash: it is cached for a year and never revalidated.

use std::sync::OnceLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::{matches_etag, weak_etag};

/// The stylesheet of every help-center and portal page.
pub const CSS: &str = include_str!("help.css");
const ICON_SVG: &str = include_str!("icon.svg");
/// The app's own 32×32 icon, served as `/favicon.ico` inside an ICO container.
const ICON_PNG: &[u8] = include_bytes!("../../../../icons/32x32.png");

/// Immutable: the address names the content.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// `/favicon.ico` and `/robots.txt` have fixed addresses: a day, then revalidated.
const A_DAY: &str = "public, max-age=86400";

struct Static {
    style_src: String,
    icon_path: String,
    icon_etag: String,
    ico: Vec<u8>,
    ico_etag: String,
}

fn assets() -> &'static Static {
    static ALL: OnceLock<Static> = OnceLock::new();
    ALL.get_or_init(|| {
        let icon = hex::encode(Sha256::digest(ICON_SVG.as_bytes()));
        let ico = ico_of_png(ICON_PNG);
        Static {
            style_src: format!("'sha256-{}'", STANDARD.encode(Sha256::digest(CSS))),
            icon_path: format!("/help/assets/icon-{}.svg", &icon[..12]),
            icon_etag: format!("\"{}\"", &icon[..16]),
            ico_etag: format!("\"{}\"", &hex::encode(Sha256::digest(&ico))[..16]),
            ico,
        }
    })
}

/// The CSP source that allows the inline stylesheet: `'sha256-…'`.
pub fn style_src() -> &'static str {
    &assets().style_src
}

/// The icon's address, `/help/assets/icon-<hash>.svg`.
pub fn icon_path() -> &'static str {
    &assets().icon_path
}

/// An ICO file holding one PNG image (as browsers have read them since 2009).
fn ico_of_png(png: &[u8]) -> Vec<u8> {
    let side = |at: usize| {
        png.get(at..at + 4)
            .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    // 256 and more are written as 0.
    let (w, h) = (side(16).min(256) as u8, side(20).min(256) as u8);
    let mut ico = Vec::with_capacity(22 + png.len());
    ico.extend_from_slice(&[0, 0, 1, 0, 1, 0]);
    ico.extend_from_slice(&[w, h, 0, 0, 1, 0, 32, 0]);
    ico.extend_from_slice(&(png.len() as u32).to_le_bytes());
    ico.extend_from_slice(&22u32.to_le_bytes());
    ico.extend_from_slice(png);
    ico
}

/// A static body with its type, caching and validator; 304 when the reader has it.
fn fixed(
    req: &HeaderMap,
    body: impl IntoResponse,
    content_type: &'static str,
    cache: &'static str,
    etag: &str,
) -> Response {
    let mut res = if matches_etag(req, etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&weak_etag(etag)) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// `GET /help/assets/{file}`: the icon under its current name; `None` for any other name.
pub fn asset(file: &str, req: &HeaderMap) -> Option<Response> {
    let a = assets();
    (a.icon_path.rsplit('/').next() == Some(file))
        .then(|| fixed(req, ICON_SVG, "image/svg+xml", FOREVER, &a.icon_etag))
}

/// `GET /favicon.ico`, where browsers and feed readers look for a site's icon.
pub fn favicon(req: &HeaderMap) -> Response {
    let a = assets();
    fixed(req, a.ico.clone(), "image/x-icon", A_DAY, &a.ico_etag)
}

/// `GET /robots.txt`: the help center, its articles and the request form are for everyone;
/// private tracking and survey pages and the agents' API are no crawler's business. Names
/// the sitemap at the address the reader used.
pub fn robots(origin: &str) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /help/\nDisallow: /help/requests/\nDisallow: /help/survey/\n\
         Disallow: /api/\n\nSitemap: {origin}/help/sitemap.xml\n"
    );
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(A_DAY));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_favicon_is_an_ico_around_the_apps_png() {
        let ico = ico_of_png(ICON_PNG);
        assert_eq!(&ico[..6], &[0, 0, 1, 0, 1, 0]);
        assert_eq!((ico[6], ico[7]), (32, 32));
        assert_eq!(&ico[22..30], b"\x89PNG\r\n\x1a\n");
        let size = u32::from_le_bytes([ico[14], ico[15], ico[16], ico[17]]) as usize;
        assert_eq!(size + 22, ico.len());
    }

    #[test]
    fn the_stylesheet_hash_is_a_csp_source() {
        assert!(style_src().starts_with("'sha256-") && style_src().ends_with("='"));
        assert!(icon_path().starts_with("/help/assets/icon-") && icon_path().ends_with(".svg"));
    }
}

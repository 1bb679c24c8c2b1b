//! Desktop updates, served by the team's own server so that a LAN without internet updates
//! too. An admin fills a directory with `porchlight-server release add FILE…` (each installer
//! beside the `.sig` the release key made); desktops ask
//! `GET /api/v1/updates/{os}/{arch}/{bundle}/{version}` and download
//! `GET /api/v1/updates/files/{version}/{file}`. The server only hands out what it was given:
//! the desktop checks the signature against the key built into it, so a server (or anyone
//! between) cannot make a desktop install something the release key did not sign.
//!
//! The directory holds `manifest.json` (written whole, by rename) and one folder per version.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::http::Failure;
use crate::state::Shared;

pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub releases: Vec<Release>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Release {
    pub version: String,
    /// What's new, shown to agents before they update.
    #[serde(default)]
    pub notes: String,
    /// RFC 3339.
    pub pub_date: String,
    pub files: Vec<ReleaseFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReleaseFile {
    /// `{os}-{arch}-{bundle}`, as the updater names its platform: `linux-x86_64-deb`.
    pub platform: String,
    pub file: String,
    /// The `.sig` file's text (base64 of a minisign signature).
    pub signature: String,
}

/// What an installer file is, from the name the bundler gives it: (platform, version).
pub fn platform_of(name: &str) -> Option<(String, String)> {
    let arch = |a: &str| match a {
        "amd64" | "x86_64" | "x64" => Some("x86_64"),
        "arm64" | "aarch64" => Some("aarch64"),
        "i386" | "i686" | "x86" => Some("i686"),
        "armhf" | "armv7" | "armv7hl" => Some("armv7"),
        _ => None,
    };
    // Porchlight_0.1.1_amd64.deb, Porchlight_0.1.1_x64-setup.exe, Porchlight_0.1.1_x64_en-US.msi
    let underscored = |stem: &str| -> Option<(String, String)> {
        let mut parts = stem.split('_');
        let _product = parts.next()?;
        let version = parts.next()?.to_string();
        let a = arch(parts.next()?)?;
        Some((a.to_string(), version))
    };
    let (platform, version) = if let Some(stem) = name.strip_suffix(".deb") {
        let (a, v) = underscored(stem)?;
        (format!("linux-{a}-deb"), v)
    } else if let Some(stem) = name.strip_suffix(".rpm") {
        // Porchlight-0.1.1-1.x86_64.rpm
        let (rest, a) = stem.rsplit_once('.')?;
        let mut parts = rest.split('-');
        let _product = parts.next()?;
        (format!("linux-{}-rpm", arch(a)?), parts.next()?.to_string())
    } else if let Some(stem) = name.strip_suffix("-setup.exe") {
        let (a, v) = underscored(stem)?;
        (format!("windows-{a}-nsis"), v)
    } else if let Some(stem) = name.strip_suffix(".msi") {
        let (a, v) = underscored(stem)?;
        (format!("windows-{a}-msi"), v)
    } else if let Some(stem) = name.strip_suffix(".AppImage") {
        let (a, v) = underscored(stem)?;
        (format!("linux-{a}-appimage"), v)
    } else if let Some(stem) = name.strip_suffix(".app.tar.gz") {
        // Porchlight_0.1.1_aarch64.app.tar.gz (the bundler's name for macOS updates)
        let (a, v) = underscored(stem)?;
        (format!("darwin-{a}-app"), v)
    } else {
        return None;
    };
    parse_version(&version)?;
    Some((platform, version))
}

/// A version as (major, minor, patch, pre-release); `None` when it is not `N.N.N[-pre]`.
fn parse_version(v: &str) -> Option<(u64, u64, u64, Option<String>)> {
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) => (c, Some(p.to_string())),
        None => (v, None),
    };
    let mut n = core.split('.').map(|p| p.parse::<u64>().ok());
    let version = (n.next()??, n.next()??, n.next()??, pre);
    n.next().is_none().then_some(version)
}

/// Orders versions (a pre-release before its release); unreadable ones sort first.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    match (parse_version(a), parse_version(b)) {
        (Some(x), Some(y)) => (x.0, x.1, x.2)
            .cmp(&(y.0, y.1, y.2))
            .then(match (&x.3, &y.3) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(p), Some(q)) => p.cmp(q),
            }),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    match std::fs::read(dir.join(MANIFEST)) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is damaged", dir.join(MANIFEST).display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", dir.join(MANIFEST).display())),
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Adds installers (each with its `.sig` beside it) to the releases in `dir`; `notes` replace
/// the notes of the versions added. Every file is checked before anything is copied.
pub fn add(dir: &Path, files: &[PathBuf], notes: Option<&str>, now: &str) -> Result<Vec<String>> {
    if files.is_empty() {
        bail!("name the installer files to add (each with its .sig beside it)");
    }
    let mut checked = Vec::new();
    for f in files {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .with_context(|| format!("{} is not a file name", f.display()))?
            .to_string();
        if !f.is_file() {
            bail!("{} does not exist", f.display());
        }
        let (platform, version) = platform_of(&name).with_context(|| {
            format!(
                "{name} is not an installer the updater knows by its name (Porchlight_0.1.1_amd64.deb, Porchlight-0.1.1-1.x86_64.rpm, …_x64-setup.exe, …_x64_en-US.msi, …_aarch64.app.tar.gz)"
            )
        })?;
        let sig_path = PathBuf::from(format!("{}.sig", f.display()));
        let signature = std::fs::read_to_string(&sig_path)
            .with_context(|| {
                format!(
                    "{} is missing: sign the file with the release key first (tauri signer sign)",
                    sig_path.display()
                )
            })?
            .trim()
            .to_string();
        use base64::Engine;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&signature)
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        if !decoded.is_some_and(|t| t.starts_with("untrusted comment:")) {
            bail!("{} is not a minisign signature", sig_path.display());
        }
        checked.push((f.clone(), name, platform, version, signature));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut manifest = read_manifest(dir)?;
    let mut added = Vec::new();
    for (path, name, platform, version, signature) in checked {
        let folder = dir.join(&version);
        std::fs::create_dir_all(&folder)?;
        let tmp = folder.join(format!(".{name}.part"));
        std::fs::copy(&path, &tmp).with_context(|| format!("cannot copy {}", path.display()))?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, folder.join(&name))?;
        let release = match manifest.releases.iter_mut().find(|r| r.version == version) {
            Some(r) => r,
            None => {
                manifest.releases.push(Release {
                    version: version.clone(),
                    notes: String::new(),
                    pub_date: now.to_string(),
                    files: Vec::new(),
                });
                manifest.releases.last_mut().expect("just pushed")
            }
        };
        if let Some(n) = notes {
            release.notes = n.to_string();
        }
        release.files.retain(|f| f.platform != platform);
        release.files.push(ReleaseFile {
            platform: platform.clone(),
            file: name.clone(),
            signature,
        });
        added.push(format!("{version} {platform} {name}"));
    }
    manifest
        .releases
        .sort_by(|a, b| compare_versions(&a.version, &b.version));
    write_atomically(&dir.join(MANIFEST), &serde_json::to_vec_pretty(&manifest)?)?;
    Ok(added)
}

/// The newest release newer than `current` with a file for `platform`.
pub fn offer<'a>(
    m: &'a Manifest,
    platform: &str,
    current: &str,
) -> Option<(&'a Release, &'a ReleaseFile)> {
    m.releases
        .iter()
        .filter(|r| compare_versions(&r.version, current) == Ordering::Greater)
        .filter_map(|r| Some((r, r.files.iter().find(|f| f.platform == platform)?)))
        .max_by(|a, b| compare_versions(&a.0.version, &b.0.version))
}

/// Where the releases live: `PORCHLIGHT_RELEASES_DIR`, else `releases` in the SQLite data
/// directory; none with PostgreSQL unless the variable is set.
pub fn releases_dir(db: &crate::Database) -> Option<PathBuf> {
    match std::env::var_os("PORCHLIGHT_RELEASES_DIR") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => match db {
            crate::Database::Sqlite(dir) => Some(dir.join("releases")),
            crate::Database::Postgres(_) => None,
        },
    }
}

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/api/v1/updates/{os}/{arch}/{bundle}/{current}", get(check))
        .route("/api/v1/updates/files/{version}/{file}", get(file))
}

fn dir_of(state: &Shared) -> Result<PathBuf, Failure> {
    state.releases.clone().ok_or_else(|| {
        Failure::new(
            StatusCode::NOT_FOUND,
            "no_releases",
            "This server serves no desktop updates (set PORCHLIGHT_RELEASES_DIR).",
        )
    })
}

/// The address desktops reach this server at: `PORCHLIGHT_PUBLIC_URL`, else the request's
/// own host (and `X-Forwarded-Proto` from a proxy).
fn base_url(headers: &HeaderMap) -> String {
    if let Ok(u) = std::env::var("PORCHLIGHT_PUBLIC_URL") {
        if !u.is_empty() {
            return u.trim_end_matches('/').to_string();
        }
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

async fn check(
    State(state): State<Shared>,
    UrlPath((os, arch, bundle, current)): UrlPath<(String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let dir = dir_of(&state)?;
    let manifest = tokio::task::spawn_blocking(move || read_manifest(&dir))
        .await
        .map_err(|e| Failure::internal(e.to_string()))?
        .map_err(|e| Failure::internal(e.to_string()))?;
    let platform = format!("{os}-{arch}-{bundle}");
    let Some((release, file)) = offer(&manifest, &platform, &current) else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let url = format!(
        "{}/api/v1/updates/files/{}/{}",
        base_url(&headers),
        release.version,
        file.file
    );
    Ok(Json(serde_json::json!({
        "version": release.version,
        "notes": release.notes,
        "pub_date": release.pub_date,
        "url": url,
        "signature": file.signature,
    }))
    .into_response())
}

async fn file(
    State(state): State<Shared>,
    UrlPath((version, name)): UrlPath<(String, String)>,
) -> Result<Response, Failure> {
    let dir = dir_of(&state)?;
    let not_found = || {
        Failure::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "There is no such update file.",
        )
    };
    // Only names the manifest lists are served: nothing else in the directory is reachable.
    let listed = {
        let dir = dir.clone();
        let (version, name) = (version.clone(), name.clone());
        tokio::task::spawn_blocking(move || {
            read_manifest(&dir).map(|m| {
                m.releases
                    .iter()
                    .any(|r| r.version == version && r.files.iter().any(|f| f.file == name))
            })
        })
        .await
        .map_err(|e| Failure::internal(e.to_string()))?
        .map_err(|e| Failure::internal(e.to_string()))?
    };
    if !listed {
        return Err(not_found());
    }
    let path = dir.join(&version).join(&name);
    let f = tokio::fs::File::open(&path)
        .await
        .map_err(|_| not_found())?;
    let len = f.metadata().await.map(|m| m.len()).ok();
    let mut res = Response::new(Body::from_stream(chunks(f)));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Some(len) = len {
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// A file as a stream of chunks (no whole-file buffer for a 12 MB installer).
fn chunks(f: tokio::fs::File) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> {
    use tokio::io::AsyncReadExt;
    futures_util::stream::unfold(Some(f), |f| async move {
        let mut f = f?;
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(buf), Some(f)))
            }
            // The stream ends after its error.
            Err(e) => Some((Err(e), None)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installers_are_known_by_the_bundlers_names() {
        for (name, want) in [
            (
                "Porchlight_0.1.1_amd64.deb",
                Some(("linux-x86_64-deb", "0.1.1")),
            ),
            (
                "Porchlight-0.1.1-1.x86_64.rpm",
                Some(("linux-x86_64-rpm", "0.1.1")),
            ),
            (
                "Porchlight_0.2.0_x64-setup.exe",
                Some(("windows-x86_64-nsis", "0.2.0")),
            ),
            (
                "Porchlight_0.2.0_x64_en-US.msi",
                Some(("windows-x86_64-msi", "0.2.0")),
            ),
            (
                "Porchlight_1.0.0_aarch64.app.tar.gz",
                Some(("darwin-aarch64-app", "1.0.0")),
            ),
            (
                "Porchlight_0.1.1_arm64.deb",
                Some(("linux-aarch64-deb", "0.1.1")),
            ),
            ("porchlight.deb", None),
            ("Porchlight_latest_amd64.deb", None),
            ("notes.txt", None),
        ] {
            let got = platform_of(name);
            assert_eq!(
                got.as_ref().map(|(p, v)| (p.as_str(), v.as_str())),
                want,
                "{name}"
            );
        }
    }

    #[test]
    fn versions_order_numerically_with_pre_releases_first() {
        assert_eq!(compare_versions("0.10.0", "0.9.9"), Ordering::Greater);
        assert_eq!(compare_versions("1.0.0-rc.1", "1.0.0"), Ordering::Less);
        assert_eq!(compare_versions("0.1.1", "0.1.1"), Ordering::Equal);
    }
}

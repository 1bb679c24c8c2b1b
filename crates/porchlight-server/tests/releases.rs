//! Desktop updates served by the real server: `release add` (the real binary) fills the
//! releases directory; the update route offers the newest newer release for a platform, and
//! the file route streams exactly the bytes added — and nothing the manifest does not list.

mod common;

use std::path::Path;
use std::process::Command;

use base64::Engine;
use common::{call, Backend, Server, BIN};

/// A `.sig` the way minisign writes it (the server only checks its form; desktops check it).
fn signature_for(name: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!(
        "untrusted comment: signature from tauri secret key\nRUQ{name}\ntrusted comment: timestamp:1\tfile:{name}\nabc\n"
    ))
}

fn installer(dir: &Path, name: &str, bytes: &[u8], signed: bool) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    if signed {
        std::fs::write(dir.join(format!("{name}.sig")), signature_for(name)).unwrap();
    }
    path
}

fn release(s: &Server, args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN)
        .arg("release")
        .args(args)
        .args(&s.db_args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn get_bytes(url: &str) -> (u16, Vec<u8>) {
    match ureq::get(url).call() {
        Ok(r) => {
            let status = r.status();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
            (status, bytes)
        }
        Err(ureq::Error::Status(code, _)) => (code, Vec::new()),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn the_server_offers_the_newest_signed_release_for_each_platform_and_serves_only_its_files() {
    let s = Server::start(Backend::Sqlite);
    let files = tempfile::tempdir().unwrap();
    // Nothing added yet: no update for anyone.
    let none = call(
        &s.url,
        "GET",
        "/api/v1/updates/linux/x86_64/deb/0.1.0",
        None,
        None,
    );
    assert_eq!(none.status, 204);

    // Refusals name the problem and add nothing.
    let unsigned = installer(
        files.path(),
        "Porchlight_0.1.1_amd64.deb",
        b"deb 0.1.1",
        false,
    );
    let (ok, said) = release(&s, &["add", unsigned.to_str().unwrap()]);
    assert!(!ok && said.contains(".sig is missing"), "{said}");
    let odd = installer(files.path(), "porchlight-latest.deb", b"?", true);
    let (ok, said) = release(&s, &["add", odd.to_str().unwrap()]);
    assert!(!ok && said.contains("not an installer"), "{said}");
    let (ok, said) = release(&s, &["add", "/nonexistent/Porchlight_0.1.1_amd64.deb"]);
    assert!(!ok && said.contains("does not exist"), "{said}");
    assert!(!s.dir.join("releases/manifest.json").exists());

    // 0.1.1 for Debian and Fedora, then 0.1.2 for Debian only.
    let deb = installer(
        files.path(),
        "Porchlight_0.1.1_amd64.deb",
        b"deb 0.1.1 bytes",
        true,
    );
    let rpm = installer(
        files.path(),
        "Porchlight-0.1.1-1.x86_64.rpm",
        b"rpm 0.1.1",
        true,
    );
    let (ok, said) = release(
        &s,
        &[
            "add",
            deb.to_str().unwrap(),
            rpm.to_str().unwrap(),
            "--notes",
            "Faster search.",
        ],
    );
    assert!(ok, "{said}");
    let offer = call(
        &s.url,
        "GET",
        "/api/v1/updates/linux/x86_64/deb/0.1.0",
        None,
        None,
    );
    assert_eq!(offer.status, 200, "{:?}", offer.body);
    assert_eq!(offer.body["version"], "0.1.1");
    assert_eq!(offer.body["notes"], "Faster search.");
    assert_eq!(
        offer.body["signature"],
        signature_for("Porchlight_0.1.1_amd64.deb")
    );
    let url = offer.body["url"].as_str().unwrap();
    assert!(url.starts_with(&s.url), "{url}");
    assert_eq!(get_bytes(url), (200, b"deb 0.1.1 bytes".to_vec()));

    let deb2 = installer(
        files.path(),
        "Porchlight_0.1.2_amd64.deb",
        b"deb 0.1.2",
        true,
    );
    assert!(release(&s, &["add", deb2.to_str().unwrap()]).0);
    let offer = call(
        &s.url,
        "GET",
        "/api/v1/updates/linux/x86_64/deb/0.1.0",
        None,
        None,
    );
    assert_eq!(offer.body["version"], "0.1.2", "the newest for Debian");
    let offer = call(
        &s.url,
        "GET",
        "/api/v1/updates/linux/x86_64/rpm/0.1.0",
        None,
        None,
    );
    assert_eq!(offer.body["version"], "0.1.1", "Fedora has only 0.1.1");
    // Up to date, newer than anything, or another platform: nothing to offer.
    for path in [
        "/api/v1/updates/linux/x86_64/deb/0.1.2",
        "/api/v1/updates/linux/x86_64/deb/0.10.0",
        "/api/v1/updates/windows/x86_64/nsis/0.1.0",
        "/api/v1/updates/linux/x86_64/unknown/0.1.0",
    ] {
        assert_eq!(call(&s.url, "GET", path, None, None).status, 204, "{path}");
    }

    // Only files the manifest lists are served; the directory's other files are not.
    std::fs::write(s.dir.join("releases/0.1.1/secret.txt"), "not a release").unwrap();
    for path in [
        "/api/v1/updates/files/0.1.1/secret.txt",
        "/api/v1/updates/files/0.1.1/manifest.json",
        "/api/v1/updates/files/0.1.1/..%2Fmanifest.json",
        "/api/v1/updates/files/..%2F..%2Fporchlight-server.db/x",
        "/api/v1/updates/files/0.1.3/Porchlight_0.1.3_amd64.deb",
    ] {
        assert_eq!(get_bytes(&format!("{}{path}", s.url)).0, 404, "{path}");
    }

    // The list, newest first.
    let (ok, listed) = release(&s, &["list"]);
    assert!(ok, "{listed}");
    let first = listed.lines().next().unwrap();
    assert!(first.starts_with("0.1.2\tlinux-x86_64-deb"), "{listed}");
    assert_eq!(listed.lines().count(), 3, "{listed}");
}

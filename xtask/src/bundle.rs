//! `cargo xtask bundle`: release installers. The desktop app's `.deb` and `.rpm` come from
//! Tauri's bundler (the `tauri` CLI from ui/node_modules, pinned in package-lock.json); the
//! server's `.deb` is assembled here from `packaging/server` (a systemd unit, its defaults
//! file and the maintainer scripts). Both `.deb`s declare the libraries their binaries load
//! as `dpkg-shlibdeps` computes them on the build machine, so a package built on a Debian or
//! Ubuntu release installs on that release. Sizes go to target/bench/report.json.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::bench::Report;
use crate::{cargo, deps, root, sh, target_dir};

/// The files one `bundle` run made.
pub struct Artifacts {
    pub app_deb: PathBuf,
    pub app_rpm: PathBuf,
    pub server_deb: PathBuf,
}

/// What a bundle run may change from `src-tauri/tauri.conf.json` (the tests build a throwaway
/// signed pair of versions; a release uses the committed key and version).
#[derive(Default)]
pub struct Options {
    /// Another version than the workspace's.
    pub version: Option<String>,
    /// Another update public key built into the app (the tests' throwaway key).
    pub pubkey: Option<String>,
    /// The minisign private key file that signs the installers for the updater (`.sig`
    /// beside each). Else `TAURI_SIGNING_PRIVATE_KEY` when set, else no signatures.
    pub signing_key: Option<PathBuf>,
}

/// `cargo xtask bundle`: the release, signed when `TAURI_SIGNING_PRIVATE_KEY` is set.
pub fn run() -> Result<Artifacts> {
    build(&Options::default())
}

pub fn build(opts: &Options) -> Result<Artifacts> {
    if !cfg!(target_os = "linux") {
        bail!(
            "cargo xtask bundle builds the Linux packages; on macOS and Windows run the Tauri \
             bundler as the README's \"Build installers\" section says"
        );
    }
    deps::ensure(&[deps::Group::Build])?;
    crate::ui_build()?;
    let version = opts.version.clone().map_or_else(version, Ok)?;
    // Compiled into the app (its version, the update key): tauri-build merges TAURI_CONFIG.
    let mut built_in = serde_json::json!({ "version": version });
    if let Some(key) = &opts.pubkey {
        built_in["plugins"] = serde_json::json!({"updater": {"pubkey": key}});
    }
    sh(cargo()
        .args([
            "build",
            "--release",
            "--locked",
            "-p",
            "porchlight",
            "-p",
            "porchlight-server",
        ])
        .env("TAURI_CONFIG", built_in.to_string()))?;
    let release = target_dir().join("release");
    let app_bin = release.join("porchlight");
    let server_bin = release.join("porchlight-server");
    // Symbols are half of each binary and nothing a user needs.
    for bin in [&app_bin, &server_bin] {
        sh(Command::new("strip").arg("--strip-unneeded").arg(bin))?;
    }
    let arch = output_of(Command::new("dpkg").arg("--print-architecture"))?;

    let bundle_dir = release.join("bundle");
    let _ = std::fs::remove_dir_all(bundle_dir.join("deb"));
    let _ = std::fs::remove_dir_all(bundle_dir.join("rpm"));
    let mut app_depends = shlib_depends(&app_bin)?;
    // The tray (the unread count) loads its indicator library at run time, so the linker
    // does not name it.
    app_depends.push("libayatana-appindicator3-1".into());
    let signing_key = opts
        .signing_key
        .clone()
        .or_else(|| std::env::var_os("TAURI_SIGNING_PRIVATE_KEY").map(PathBuf::from));
    let mut config = built_in.clone();
    config["bundle"] = serde_json::json!({
        "linux": {"deb": {"depends": app_depends}},
        // The updater's .sig beside each installer, when there is a key to sign with.
        "createUpdaterArtifacts": signing_key.is_some(),
    });
    let mut tauri = Command::new(root().join("ui/node_modules/.bin/tauri"));
    tauri
        .args(["bundle", "--bundles", "deb,rpm", "--ci", "--config"])
        .arg(config.to_string())
        .current_dir(root().join("src-tauri"));
    if let Some(key) = &signing_key {
        tauri.env("TAURI_SIGNING_PRIVATE_KEY", key);
        if std::env::var_os("TAURI_SIGNING_PRIVATE_KEY_PASSWORD").is_none() {
            tauri.env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", "");
        }
    }
    sh(&mut tauri)?;
    let app_deb = only_file(&bundle_dir.join("deb"), ".deb")?;
    let app_rpm = only_file(&bundle_dir.join("rpm"), ".rpm")?;

    let server_deb = server_deb(&server_bin, &version, &arch, &bundle_dir.join("server"))?;

    let mut report = Report::load()?;
    for (name, file) in [
        ("deb_app_mb", &app_deb),
        ("rpm_app_mb", &app_rpm),
        ("deb_server_mb", &server_deb),
    ] {
        report.put(name, megabytes(file)?, "MB");
    }
    report.save()?;
    for f in [&app_deb, &app_rpm, &server_deb] {
        println!("bundle: {}", f.display());
    }
    Ok(Artifacts {
        app_deb,
        app_rpm,
        server_deb,
    })
}

/// The workspace version (every crate and the app share it).
pub fn version() -> Result<String> {
    let toml = std::fs::read_to_string(root().join("Cargo.toml"))?;
    let in_workspace_package = toml
        .split("[workspace.package]")
        .nth(1)
        .context("Cargo.toml has no [workspace.package]")?;
    in_workspace_package
        .lines()
        .find_map(|l| {
            let v = l.trim().strip_prefix("version")?.trim().strip_prefix('=')?;
            Some(v.trim().trim_matches('"').to_string())
        })
        .context("[workspace.package] has no version")
}

pub fn output_of(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("could not start {:?}", cmd.get_program()))?;
    if !out.status.success() {
        bail!(
            "{:?} failed: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The packages (with minimum versions) that provide the shared libraries `bin` loads, as
/// `dpkg-shlibdeps` (package dpkg-dev) reads them from this system's symbols files.
fn shlib_depends(bin: &Path) -> Result<Vec<String>> {
    let work = target_dir().join("bundle-shlibdeps");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(work.join("debian"))?;
    // dpkg-shlibdeps wants a source package around it; this one only names the binary.
    std::fs::write(
        work.join("debian/control"),
        "Source: porchlight\n\nPackage: porchlight\nArchitecture: any\n",
    )?;
    let out = output_of(
        Command::new("dpkg-shlibdeps")
            .args(["-O", "--warnings=0"])
            .arg(format!("-e{}", bin.display()))
            .current_dir(&work),
    )?;
    let list = out
        .lines()
        .find_map(|l| l.strip_prefix("shlibs:Depends="))
        .with_context(|| {
            format!(
                "dpkg-shlibdeps printed no dependencies for {}",
                bin.display()
            )
        })?;
    Ok(list
        .split(',')
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect())
}

fn only_file(dir: &Path, ext: &str) -> Result<PathBuf> {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("the bundler wrote nothing into {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!(
            "expected one {ext} in {}, found {}",
            dir.display(),
            found.len()
        ),
    }
}

fn megabytes(file: &Path) -> Result<f64> {
    Ok(file.metadata()?.len() as f64 / 1_000_000.0)
}

/// Builds `porchlight-server_{version}_{arch}.deb` in `out` with dpkg-deb.
fn server_deb(bin: &Path, version: &str, arch: &str, out: &Path) -> Result<PathBuf> {
    let name = format!("porchlight-server_{version}_{arch}");
    let tree = out.join(&name);
    let _ = std::fs::remove_dir_all(out);
    let packaging = root().join("packaging/server");
    let place = |from: &Path, to: &str, mode: u32| -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let dest = tree.join(to);
        std::fs::create_dir_all(dest.parent().unwrap())?;
        std::fs::copy(from, &dest)
            .with_context(|| format!("copying {} to {}", from.display(), dest.display()))?;
        std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(mode))?;
        Ok(())
    };
    place(bin, "usr/bin/porchlight-server", 0o755)?;
    place(
        &packaging.join("porchlight-server.service"),
        "lib/systemd/system/porchlight-server.service",
        0o644,
    )?;
    place(
        &packaging.join("porchlight-server.default"),
        "etc/default/porchlight-server",
        0o644,
    )?;
    place(
        &root().join("README.md"),
        "usr/share/doc/porchlight-server/README.md",
        0o644,
    )?;
    std::fs::write(
        tree.join("usr/share/doc/porchlight-server/copyright"),
        "Porchlight server\nCopyright 2026 the Porchlight authors\nLicense: AGPL-3.0-or-later\n \
         On Debian systems the license is in /usr/share/common-licenses/AGPL-3 when installed;\n \
         otherwise see https://www.gnu.org/licenses/agpl-3.0.html\n",
    )?;
    for script in ["postinst", "prerm", "postrm"] {
        place(&packaging.join(script), &format!("DEBIAN/{script}"), 0o755)?;
    }
    std::fs::write(
        tree.join("DEBIAN/conffiles"),
        "/etc/default/porchlight-server\n",
    )?;
    let mut depends = shlib_depends(bin)?;
    // postinst creates the service's user with adduser.
    depends.push("adduser".into());
    let installed_kib = output_of(
        Command::new("du")
            .args(["-sk", "--exclude=DEBIAN"])
            .arg(&tree),
    )?
    .split_whitespace()
    .next()
    .unwrap_or("0")
    .to_string();
    std::fs::write(
        tree.join("DEBIAN/control"),
        format!(
            "Package: porchlight-server\n\
             Version: {version}\n\
             Architecture: {arch}\n\
             Maintainer: The Porchlight authors <packages@porchlight.invalid>\n\
             Installed-Size: {installed_kib}\n\
             Depends: {depends}\n\
             Suggests: postgresql\n\
             Section: mail\n\
             Priority: optional\n\
             Description: Porchlight helpdesk server\n \
             The team server of the Porchlight helpdesk: desktops sync their tickets with it,\n \
             it fetches and sends the team's e-mail, and it hosts the public help center and\n \
             the customers' self-service portal. Embedded SQLite by default, PostgreSQL when a\n \
             team outgrows one machine. Runs as the porchlight-server systemd service, as its\n \
             own user, with its data in /var/lib/porchlight.\n",
            depends = depends.join(", "),
        ),
    )?;
    let deb = out.join(format!("{name}.deb"));
    sh(Command::new("dpkg-deb")
        .args(["--root-owner-group", "-Zxz", "--build"])
        .arg(&tree)
        .arg(&deb))?;
    Ok(deb)
}

//! A small W3C WebDriver client and the harness that starts Xvfb, tauri-driver and the real
//! `porchlight` binary. Environment: PORCHLIGHT_BIN (the app), TAURI_DRIVER (the driver),
//! both set by `cargo xtask e2e`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub type Result<T> = std::result::Result<T, String>;

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Where screenshots and page dumps go.
pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Xvfb (unless a display is given) and tauri-driver, stopped on drop.
pub struct Driver {
    xvfb: Option<Child>,
    driver: Child,
    pub url: String,
    display: String,
}

impl Driver {
    pub fn start() -> Driver {
        eprintln!("[e2e] starting display and tauri-driver");
        let (xvfb, display) = match std::env::var("E2E_DISPLAY") {
            Ok(d) => (None, d),
            Err(_) => {
                let n = (90..200)
                    .find(|n| {
                        !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                            && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
                    })
                    .expect("a free X display");
                let child = Command::new("Xvfb")
                    .args([
                        format!(":{n}"),
                        "-screen".into(),
                        "0".into(),
                        "1440x900x24".into(),
                        "-nolisten".into(),
                        "tcp".into(),
                    ])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("Xvfb (package xvfb) must be installed");
                let deadline = Instant::now() + Duration::from_secs(10);
                while !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                    assert!(Instant::now() < deadline, "Xvfb did not start on :{n}");
                    std::thread::sleep(Duration::from_millis(50));
                }
                (Some(child), format!(":{n}"))
            }
        };
        let port = free_port();
        let native = free_port();
        let bin = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
        let log =
            std::fs::File::create(artifacts().join(format!("tauri-driver-{port}.log"))).unwrap();
        let driver = Command::new(&bin)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("DISPLAY", &display)
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("[e2e] tauri-driver listening on {port}, display {display}");
        Driver {
            xvfb,
            driver,
            url,
            display,
        }
    }

    pub fn display(&self) -> &str {
        &self.display
    }

    /// Starts the app on `data_dir` and waits until its first screen is shown.
    pub fn launch(&self, data_dir: &Path) -> Session {
        let app =
            std::env::var("PORCHLIGHT_BIN").expect("PORCHLIGHT_BIN: run through `cargo xtask e2e`");
        self.launch_binary(&app, &["--data-dir", &data_dir.to_string_lossy()])
    }

    /// Starts `app` with `args` (an installed app as its desktop entry starts it, say) and
    /// waits until its first screen is shown.
    pub fn launch_binary(&self, app: &str, args: &[&str]) -> Session {
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {
            "application": app,
            "args": args,
        }}}});
        let started = Instant::now();
        // tauri-driver listens before WebKitWebDriver behind it is ready: retry briefly.
        let deadline = Instant::now() + Duration::from_secs(20);
        let v = loop {
            match post(&format!("{}/session", self.url), &caps) {
                Ok(v) => break v,
                Err(e) if Instant::now() < deadline && !e.starts_with("HTTP") => {
                    std::thread::sleep(Duration::from_millis(200))
                }
                Err(e) => panic!("new session: {e}"),
            }
        };
        let id = v["value"]["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        let s = Session {
            base: format!("{}/session/{id}", self.url),
            display: self.display.clone(),
            started,
        };
        s.wait_for_any(&["welcome", "ticket-list"], Duration::from_secs(30));
        // Errors the page throws from here on are kept for the failure dumps.
        let _ = s.cmd(
            "execute/sync",
            json!({"script": "window.__pageErrors = [];
                addEventListener('error', (e) => window.__pageErrors.push(String(e.error?.stack ?? e.message)));
                addEventListener('unhandledrejection', (e) => window.__pageErrors.push('unhandled: ' + String(e.reason?.stack ?? e.reason)));",
                "args": []}),
        );
        eprintln!("[e2e] app ready {:?} after launch", started.elapsed());
        s
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        eprintln!("[e2e] stopping tauri-driver and Xvfb");
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        if let Some(x) = &mut self.xvfb {
            // SIGTERM lets Xvfb remove its socket and lock file; SIGKILL would leave them.
            let _ = Command::new("kill")
                .args(["-TERM", &x.id().to_string()])
                .status();
            let _ = x.wait();
        }
    }
}

/// chromedriver driving headless Chromium (Debian `chromium` + `chromium-driver`), for the
/// server's help-center and portal pages; stopped on drop. `CHROMEDRIVER` and `CHROMIUM`
/// name other binaries.
pub struct Chrome {
    driver: Child,
    pub url: String,
}

impl Chrome {
    pub fn start() -> Chrome {
        let port = free_port();
        let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let log =
            std::fs::File::create(artifacts().join(format!("chromedriver-{port}.log"))).unwrap();
        let driver = Command::new(&bin)
            .arg(format!("--port={port}"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin} (package chromium-driver): {e}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Chrome {
            driver,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A new headless browser window.
    pub fn session(&self, accept_language: &str) -> Session {
        let mut args = vec![
            "--headless=new".to_string(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,900".into(),
            format!("--accept-lang={accept_language}"),
        ];
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if root {
            // Chromium refuses to start its sandbox as root.
            args.push("--no-sandbox".into());
        }
        let mut options = json!({"args": args});
        let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        if Path::new(&binary).exists() {
            options["binary"] = json!(binary);
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
        }}});
        let started = Instant::now();
        let v = post(&format!("{}/session", self.url), &caps)
            .unwrap_or_else(|e| panic!("new Chromium session: {e}"));
        let id = v["value"]["sessionId"].as_str().expect("session id");
        Session {
            base: format!("{}/session/{id}", self.url),
            display: String::new(),
            started,
        }
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Standard base64 (WebDriver screenshots).
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for v in s.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// One HTTP agent without idle connections: tauri-driver closes kept-alive connections,
/// and a pooled one would stall the next request until its timeout.
fn agent() -> &'static ureq::Agent {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::AgentBuilder::new()
            .max_idle_connections(0)
            .timeout(Duration::from_secs(60))
            .build()
    })
}

fn post(url: &str, body: &Value) -> Result<Value> {
    match agent()
        .post(url)
        .timeout(Duration::from_secs(60))
        .send_json(body.clone())
    {
        Ok(r) => r.into_json().map_err(|e| e.to_string()),
        Err(ureq::Error::Status(code, r)) => Err(format!(
            "HTTP {code}: {}",
            r.into_string().unwrap_or_default()
        )),
        Err(e) => Err(e.to_string()),
    }
}

fn get(url: &str) -> Result<Value> {
    match agent().get(url).timeout(Duration::from_secs(60)).call() {
        Ok(r) => r.into_json().map_err(|e| e.to_string()),
        Err(ureq::Error::Status(code, r)) => Err(format!(
            "HTTP {code}: {}",
            r.into_string().unwrap_or_default()
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// One running app window.
pub struct Session {
    base: String,
    display: String,
    pub started: Instant,
}

#[derive(Clone, Debug)]
pub struct Element(String);

pub fn css_testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

impl Session {
    fn cmd(&self, path: &str, body: Value) -> Result<Value> {
        let t = Instant::now();
        let out = post(&format!("{}/{path}", self.base), &body).map(|v| v["value"].clone());
        if t.elapsed() > Duration::from_secs(2) {
            eprintln!("[e2e] slow WebDriver call {path} took {:?}", t.elapsed());
        }
        out
    }

    /// Resizes the window as a person dragging its corner would (WebDriver Set Window Rect);
    /// the window's rectangle afterwards.
    pub fn set_window_size(&self, width: u32, height: u32) -> Value {
        self.cmd("window/rect", json!({"width": width, "height": height}))
            .unwrap_or_else(|e| panic!("set window rect: {e}"))
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        self.cmd("elements", json!({"using": "css selector", "value": css}))
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| e[ELEMENT_KEY].as_str().map(|s| Element(s.to_string())))
            .collect()
    }

    /// Waits for an element matching CSS; on timeout saves the page and a screenshot.
    pub fn wait_css(&self, css: &str, timeout: Duration) -> Element {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(e) = self.find_all(css).into_iter().next() {
                return e;
            }
            if Instant::now() > deadline {
                self.dump(&format!(
                    "missing-{}",
                    css.replace(|c: char| !c.is_alphanumeric(), "_")
                ));
                panic!("no element matches {css} after {timeout:?}; page saved under target/e2e/");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn el(&self, testid: &str) -> Element {
        self.wait_css(&css_testid(testid), Duration::from_secs(10))
    }

    pub fn wait_for_any(&self, testids: &[&str], timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            for t in testids {
                if !self.find_all(&css_testid(t)).is_empty() {
                    return t.to_string();
                }
            }
            if Instant::now() > deadline {
                self.dump("wait-any");
                panic!("none of {testids:?} appeared after {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls `check` (a JS expression) until it is truthy.
    pub fn wait_js(&self, what: &str, expr: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if self.js(&format!("return !!({expr});"), json!([])).as_bool() == Some(true) {
                return;
            }
            if Instant::now() > deadline {
                self.dump(&format!("wait-{}", what.replace(' ', "-")));
                panic!("{what}: `{expr}` stayed false for {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn click(&self, e: &Element) {
        self.cmd(&format!("element/{}/click", e.0), json!({}))
            .unwrap_or_else(|err| panic!("click: {err}"));
    }

    pub fn click_id(&self, testid: &str) {
        let e = self.el(testid);
        self.click(&e);
    }

    pub fn type_into(&self, e: &Element, text: &str) {
        self.cmd(&format!("element/{}/value", e.0), json!({"text": text}))
            .unwrap_or_else(|err| panic!("type: {err}"));
    }

    pub fn type_id(&self, testid: &str, text: &str) {
        let e = self.el(testid);
        self.type_into(&e, text);
    }

    /// The element's text as the DOM holds it (textContent).
    pub fn text(&self, e: &Element) -> String {
        self.js(
            "return arguments[0].textContent;",
            json!([Self::element_arg(e)]),
        )
        .as_str()
        .unwrap_or("")
        .to_string()
    }

    pub fn attr(&self, e: &Element, name: &str) -> Option<String> {
        get(&format!("{}/element/{}/attribute/{name}", self.base, e.0))
            .ok()
            .and_then(|v| v["value"].as_str().map(str::to_owned))
    }

    pub fn js(&self, script: &str, args: Value) -> Value {
        self.cmd("execute/sync", json!({"script": script, "args": args}))
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Runs an async script: it gets a callback as its last argument and calls it with the result.
    pub fn js_async(&self, script: &str, args: Value) -> Value {
        self.cmd("execute/async", json!({"script": script, "args": args}))
            .unwrap_or_else(|e| panic!("async script failed: {e}\n{script}"))
    }

    /// Presses keys as a keyboard does (WebDriver key actions: keydown and keyup through the
    /// browser's own input path, no synthetic DOM events). Each item is a key value: a
    /// character, or a WebDriver special key such as `\u{E007}` (Enter).
    pub fn keys(&self, keys: &[&str]) {
        let mut actions = Vec::new();
        for k in keys {
            actions.push(json!({"type": "keyDown", "value": k}));
            actions.push(json!({"type": "keyUp", "value": k}));
        }
        self.cmd(
            "actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        )
        .unwrap_or_else(|e| panic!("key actions {keys:?}: {e}"));
    }

    /// Presses a chord: `held` down in order, `key` pressed, then all released.
    pub fn chord(&self, held: &[&str], key: &str) {
        let mut actions = Vec::new();
        for h in held {
            actions.push(json!({"type": "keyDown", "value": h}));
        }
        actions.push(json!({"type": "keyDown", "value": key}));
        actions.push(json!({"type": "keyUp", "value": key}));
        for h in held.iter().rev() {
            actions.push(json!({"type": "keyUp", "value": h}));
        }
        self.cmd(
            "actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        )
        .unwrap_or_else(|e| panic!("key chord {held:?}+{key}: {e}"));
    }

    /// The data-testid (or, without one, the tag and text) of the focused element.
    pub fn focused(&self) -> String {
        self.js(
            "const e = document.activeElement; if (!e || e === document.body) return 'body';
             return e.dataset.testid || (e.tagName.toLowerCase() + ':' + (e.getAttribute('aria-label') || e.textContent.trim().slice(0, 40)));",
            json!([]),
        )
        .as_str()
        .unwrap_or("")
        .to_string()
    }

    /// Chooses an option of a <select> the way a user does, then notifies the app.
    pub fn select(&self, testid: &str, value: &str) {
        let e = self.el(testid);
        let ok = self.js(
            "const s = arguments[0]; if (![...s.options].some(o => o.value === arguments[1])) return false;
             s.value = arguments[1]; s.dispatchEvent(new Event('input', {bubbles: true}));
             s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
            json!([{ELEMENT_KEY: e.0}, value]),
        );
        assert_eq!(ok, json!(true), "{testid} has no option {value}");
    }

    pub fn element_arg(e: &Element) -> Value {
        json!({ELEMENT_KEY: e.0})
    }

    /// A PNG of the whole virtual display, taken with ImageMagick's `import` (WebKitWebDriver's
    /// own screenshot waits a minute for a compositor that Xvfb does not have).
    pub fn screenshot(&self, name: &str) {
        let out = artifacts().join(format!("{name}.png"));
        if self.display.is_empty() {
            // A headless browser: WebDriver's own screenshot.
            if let Ok(v) = get(&format!("{}/screenshot", self.base)) {
                let _ = std::fs::write(&out, base64_decode(v["value"].as_str().unwrap_or("")));
            }
            return;
        }
        let _ = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    pub fn dump(&self, name: &str) {
        if let Ok(v) = get(&format!("{}/source", self.base)) {
            let _ = std::fs::write(
                artifacts().join(format!("{name}.html")),
                v["value"].as_str().unwrap_or(""),
            );
        }
        self.screenshot(name);
        // What the page threw (collected since launch), beside the page.
        if let Ok(v) = self.cmd(
            "execute/sync",
            json!({"script": "return (window.__pageErrors || []).join('\\n');", "args": []}),
        ) {
            let errors = v.as_str().unwrap_or("");
            if !errors.is_empty() {
                eprintln!("[e2e] errors in the page:\n{errors}");
                let _ = std::fs::write(artifacts().join(format!("{name}.errors.txt")), errors);
            }
        }
    }

    /// Opens a page (headless browser sessions).
    pub fn goto(&self, url: &str) {
        self.cmd("url", json!({"url": url}))
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    pub fn current_url(&self) -> String {
        get(&format!("{}/url", self.base))
            .ok()
            .and_then(|v| v["value"].as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// Waits until the page's visible text contains `needle`.
    pub fn wait_text(&self, needle: &str, timeout: Duration) {
        let expr = format!(
            "document.body && document.body.innerText.includes({})",
            serde_json::to_string(needle).unwrap()
        );
        self.wait_js(&format!("text {needle}"), &expr, timeout);
    }

    /// Ends the session; tauri-driver stops the app.
    pub fn quit(self) {
        let t = Instant::now();
        let _ = agent()
            .delete(&self.base)
            .timeout(Duration::from_secs(30))
            .call();
        eprintln!("[e2e] app closed in {:?}", t.elapsed());
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Replaces an input's value the way typing does (an `input` event), then `change`.
pub fn set_value(s: &Session, css: &str, value: &str) {
    let ok = s.js(
        "const e = document.querySelector(arguments[0]); if (!e) return false;
         e.focus(); e.value = arguments[1];
         e.dispatchEvent(new Event('input', {bubbles: true}));
         e.dispatchEvent(new Event('change', {bubbles: true})); return true;",
        json!([css, value]),
    );
    assert_eq!(ok, json!(true), "no element {css}");
}

/// Fills the welcome screen; `demo` ticks "Load demo data".
pub fn create_profile(s: &Session, name: &str, email: &str, demo: bool) {
    s.type_id("welcome-name", name);
    s.type_id("welcome-email", email);
    let demo_box = s.el("welcome-demo");
    let checked = s
        .js(
            "return arguments[0].checked;",
            json!([Session::element_arg(&demo_box)]),
        )
        .as_bool()
        .unwrap_or(false);
    if checked != demo {
        s.click(&demo_box);
    }
    s.click_id("welcome-submit");
    s.el("ticket-list");
}

/// The app on a fresh data folder with a profile and the demo tickets; the folder lives as
/// long as the returned guard.
pub fn demo_workspace(driver: &Driver, name: &str, email: &str) -> (Session, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let s = driver.launch(dir.path());
    create_profile(&s, name, email, true);
    (s, dir)
}

/// Records a phone call from a new customer with the new-ticket form and waits until the new
/// ticket is open.
pub fn new_phone_ticket(s: &Session, name: &str, email: &str, subject: &str, body: &str) {
    s.click_id("new-ticket-button");
    s.click_id("nt-requester-new");
    s.type_id("nt-new-name", name);
    s.type_id("nt-new-email", email);
    s.select("nt-channel", "phone");
    s.type_id("nt-subject", subject);
    s.type_id("nt-body", body);
    s.click_id("nt-submit");
    s.wait_js(
        "new ticket open",
        &format!("document.querySelector('[data-testid=\"ticket-subject\"]')?.textContent.includes({subject:?})"),
        SHORT,
    );
}

pub const SHORT: Duration = Duration::from_secs(10);

/// The pid of the app started with `bin` on `data_dir`, found through /proc.
pub fn app_pid(bin: &Path, data_dir: &Path) -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|p| {
            let cmd = std::fs::read(format!("/proc/{p}/cmdline")).unwrap_or_default();
            let cmd = String::from_utf8_lossy(&cmd);
            cmd.starts_with(&*bin.to_string_lossy()) && cmd.contains(&*data_dir.to_string_lossy())
        })
}

/// The real `porchlight-server` (PORCHLIGHT_SERVER_BIN, set by `cargo xtask e2e`) on a
/// temporary embedded database, listening on a free port; its log goes to
/// `target/e2e/<log_name>`. Stopped when dropped.
pub struct TestServer {
    child: Child,
    pub url: String,
    pub log: PathBuf,
    dir: tempfile::TempDir,
    password: String,
}

impl TestServer {
    pub fn start(log_name: &str, password: &str) -> TestServer {
        use std::io::{BufRead, BufReader};
        let dir = tempfile::tempdir().unwrap();
        let log = artifacts().join(log_name);
        let mut child = Command::new(server_bin())
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start porchlight-server");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let url = first
            .trim()
            .strip_prefix("porchlight-server listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from the server: {first:?}"))
            .to_string();
        TestServer {
            child,
            url,
            log,
            dir,
            password: password.to_string(),
        }
    }

    /// `porchlight-server user add` with this server's test password.
    pub fn add_user(&self, email: &str, name: &str, role: &str) {
        use std::io::Write;
        let mut child = Command::new(server_bin())
            .args([
                "user", "add", "--email", email, "--name", name, "--role", role,
            ])
            .arg("--data-dir")
            .arg(self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{}", self.password).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "user add {email}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server_bin() -> String {
    std::env::var("PORCHLIGHT_SERVER_BIN")
        .expect("PORCHLIGHT_SERVER_BIN: run through `cargo xtask e2e`")
}

/// Runs axe-core (the npm package in ui/node_modules, injected into the page) against the
/// whole document for WCAG 2.2 A and AA, writes the full result to `axe-{name}.json` in the
/// artefacts and returns one line per violation, whatever its impact (the moderate ones, a
/// missing landmark or heading, matter to a screen-reader user too):
/// `rule (impact): help — target, target…`.
pub fn axe(s: &Session, name: &str) -> Vec<String> {
    let have = s.js("return typeof window.axe === 'object';", json!([]));
    if have != json!(true) {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
        let src = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `npm ci` in ui)", path.display()));
        s.js(&format!("{src}\nreturn true;"), json!([]));
    }
    let result = s.js_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {
           runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
           resultTypes: ['violations'],
         }).then(r => done({violations: r.violations.map(v => ({
             id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary, html: n.html.slice(0, 300),
               related: [...n.any, ...n.all, ...n.none].flatMap(c => c.relatedNodes.map(r => r.html.slice(0, 200)))}))
           }))}), e => done({error: String(e)}));",
        json!([]),
    );
    if let Some(e) = result.get("error") {
        panic!("axe on {name}: {e}");
    }
    let out = artifacts().join(format!("axe-{name}.json"));
    let _ = std::fs::write(
        &out,
        serde_json::to_string_pretty(&result).unwrap_or_default(),
    );
    let mut lines = Vec::new();
    for v in result["violations"].as_array().into_iter().flatten() {
        let impact = v["impact"].as_str().unwrap_or("");
        let targets: Vec<&str> = v["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n["target"].as_str())
            .take(6)
            .collect();
        let count = v["nodes"].as_array().map_or(0, Vec::len);
        lines.push(format!(
            "{name}: {} ({impact}, {count}×): {} — {}",
            v["id"].as_str().unwrap_or(""),
            v["help"].as_str().unwrap_or(""),
            targets.join(", ")
        ));
    }
    lines
}

//! Customer text that fools the eye: links whose dangerous scheme is disguised the way
//! browsers forgive (tabs, newlines, control characters, entities, case), and bidirectional
//! controls that make `invoice<U+202E>gpj.exe` read "invoiceexe.jpg" and scramble the page's own
//! words beside it. Checked where they end up: the stored documents desktops pull and the
//! pages the server shows.

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;

crate::on_both_backends!(
    disguised_link_schemes_are_stored_and_shown_inert,
    reversed_text_is_isolated_on_the_tracking_page,
    file_names_lose_their_direction_controls,
);

/// Links a browser would run or open as a document, each disguised as browsers forgive it.
const HOSTILE_HREFS: &[&str] = &[
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(2)",
    "jav&#10;ascript:alert(3)",
    "&#1;javascript:alert(4)",
    "\u{1}\u{1f} JaVaScRiPt:alert(5)",
    "javascript&colon;alert(6)",
    "&#x6A;avascript:alert(7)",
    "d&#x09;ata:text/html,<script>alert(8)</script>",
    " DATA:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==",
    "vb\nscript:msgbox(10)",
];

/// The schemes a link in a stored message may use (relative links have none).
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "cid"];

fn http() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .redirects(0)
        .build()
}

/// (status, body) of a GET, whatever the status.
fn get(url: &str) -> (u16, String) {
    match http().get(url).call() {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap_or_default()),
        Err(e) => panic!("GET {url}: {e}"),
    }
}

/// Submits the portal's request form as a browser would; returns the tracking link's path.
fn submit_request(
    url: &str,
    name: &str,
    subject: &str,
    message: &str,
    file: Option<(&str, &[u8])>,
) -> String {
    let boundary = "----porchlight-content-4fG7Qx";
    let mut body = Vec::new();
    let fields = [
        ("name", name),
        ("email", "ayse@example.com"),
        ("subject", subject),
        ("message", message),
        ("website", ""),
    ];
    for (field, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; \
                 filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let r = http()
        .post(&format!("{url}/help/en/requests/new"))
        .set(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .send_bytes(&body)
        .unwrap_or_else(|e| panic!("request form: {e}"));
    let page = r.into_string().unwrap();
    let at = page
        .find("href=\"/help/requests/")
        .unwrap_or_else(|| panic!("no tracking link in {page}"));
    let rest = &page[at + 6..];
    rest[..rest.find('"').unwrap()]
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

fn ticket_id_of(link: &str) -> &str {
    link.split('/').nth(3).unwrap()
}

/// Undoes the escaping an HTML serialiser applies to attribute values.
fn unescape_attribute(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Every value of a URL-bearing attribute in `html` (double-quoted, as the server writes).
fn url_values(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [
        "href=\"",
        "src=\"",
        "cite=\"",
        "action=\"",
        "srcset=\"",
        "poster=\"",
    ] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            out.push(unescape_attribute(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// Whether a browser could read `url` as anything but a safe link: deliberately blunter than
/// the server's check — every whitespace and control character anywhere dropped, then
/// anything before a `:` that is not a safe scheme counts as hostile.
fn hostile(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match squeezed.find([':', '/', '?', '#']) {
        Some(end) if squeezed[end..].starts_with(':') => !SAFE_SCHEMES.contains(&&squeezed[..end]),
        _ => false,
    }
}

fn add_message(ticket_id: &str, from_customer: bool, body_html: &str) -> Value {
    json!({"name": "add_message", "args": {
        "message_id": uuid(), "ticket_id": ticket_id, "kind": "reply",
        "from_customer": from_customer, "body_text": "", "body_html": body_html,
        "attachment_ids": []
    }})
}

fn disguised_link_schemes_are_stored_and_shown_inert(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("admin@example.com", "Deniz Admin", "admin");
    let mut agent = s.login("admin@example.com");
    let link = submit_request(
        &s.url,
        "Ayşe Yılmaz",
        "Links in my mail",
        "See the mail I forwarded.",
        None,
    );
    let ticket_id = ticket_id_of(&link).to_owned();

    // The customer's mail (imported by a desktop) and the agent's reply both carry every
    // disguise in every URL attribute the mail allow-list keeps, next to one good link.
    let mut html = String::from("<p>Links:</p>");
    for (i, href) in HOSTILE_HREFS.iter().enumerate() {
        html.push_str(&format!(
            "<p><a href=\"{href}\">link {i}</a><img src=\"{href}\" alt=\"img {i}\">\
             <blockquote cite=\"{href}\">quote {i}</blockquote><q cite=\"{href}\">q {i}</q></p>"
        ));
    }
    html.push_str("<p><a href=\"https://example.com/order\">order</a></p>");
    let r = agent.push(&[
        add_message(&ticket_id, true, &html),
        add_message(&ticket_id, false, &html),
    ]);
    assert_eq!(r.status, 200, "{}", r.body);

    let docs = agent.pull_all();
    let stored: Vec<&Value> = docs
        .iter()
        .filter(|(k, v)| k.starts_with("message:") && v["ticket_id"] == ticket_id.as_str())
        .map(|(_, v)| v)
        .filter(|m| m["body_html"].is_string())
        .collect();
    assert_eq!(stored.len(), 2, "both hostile messages are stored");
    for m in stored {
        let body = m["body_html"].as_str().unwrap();
        let urls = url_values(body);
        for url in &urls {
            assert!(!hostile(url), "a stored message kept {url:?}: {body}");
        }
        assert!(
            urls.iter().any(|u| u == "https://example.com/order"),
            "the good link survives: {body}"
        );
        // Nothing was lost but the addresses: every link text and quote is still there.
        let text = m["body_text"].as_str().unwrap();
        for i in 0..HOSTILE_HREFS.len() {
            assert!(text.contains(&format!("link {i}")) && text.contains(&format!("quote {i}")));
        }
    }

    // The customer's tracking page shows both messages, with no live address in them.
    let (status, page) = get(&format!("{}{link}", s.url));
    assert_eq!(status, 200);
    assert!(
        page.contains("link 0") && page.contains("quote 9"),
        "{page}"
    );
    for url in url_values(&page) {
        assert!(!hostile(&url), "the tracking page links {url:?}");
    }
    assert!(!page.contains("<a href=\"java") && !page.contains("<a href=\"d"));
}

const RLO: char = '\u{202E}';

/// The text of the first element in `html` that carries `marker` among its attributes.
fn element_text<'h>(html: &'h str, marker: &str) -> &'h str {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"));
    let open_end = at + html[at..].find('>').unwrap() + 1;
    let close = open_end + html[open_end..].find("</").unwrap();
    &html[open_end..close]
}

/// Whether the page's own stylesheet makes elements matched by `selector` bidi isolates
/// (`unicode-bidi: isolate` or `plaintext`, the CSS forms of `<bdi>`).
fn isolated_by_stylesheet(html: &str, selector: &str) -> bool {
    let css = element_text(html, "<style");
    css.split('}').any(|rule| {
        let Some((selectors, declarations)) = rule.split_once('{') else {
            return false;
        };
        // `unicode-bidi: plaintext` as written, whatever the spacing.
        let declarations: String = declarations.split_whitespace().collect();
        selectors.split(',').any(|s| s.trim() == selector)
            && (declarations.contains("unicode-bidi:isolate")
                || declarations.contains("unicode-bidi:plaintext"))
    })
}

fn reversed_text_is_isolated_on_the_tracking_page(backend: Backend) {
    let s = Server::start(backend);
    let agent_name = format!("Deniz {RLO}nimdA");
    s.add_user("admin@example.com", &agent_name, "admin");
    let mut agent = s.login("admin@example.com");
    let subject = format!("Refund for {RLO}fdp.exe");
    let customer = format!("Ayşe {RLO}zamliY");
    let body = format!("My invoice {RLO}gpj.exe did not open. سلام");
    let link = submit_request(&s.url, &customer, &subject, &body, None);
    let ticket_id = ticket_id_of(&link).to_owned();
    let r = agent.push(&[reply_to(&ticket_id, "We are on it.", "reply")]);
    assert_eq!(r.status, 200, "{}", r.body);

    let (status, page) = get(&format!("{}{link}", s.url));
    assert_eq!(status, 200);
    // Each piece of customer or agent text sits whole in its own element, and the page's
    // stylesheet makes that element an isolate, so the reversal ends where the text ends.
    let shown_subject = element_text(&page, "data-testid=\"ticket-subject\"");
    assert!(shown_subject.ends_with(&subject), "{shown_subject:?}");
    assert!(isolated_by_stylesheet(
        &page,
        "[data-testid=ticket-subject]"
    ));
    let authors: Vec<&str> = page
        .match_indices("data-testid=\"message-author\"")
        .map(|(at, _)| element_text(&page[at..], "data-testid"))
        .collect();
    assert!(authors.contains(&agent_name.as_str()), "{authors:?}");
    assert!(isolated_by_stylesheet(&page, ".msg header strong"));
    let shown_body = element_text(&page, "data-testid=\"message-body\"");
    assert_eq!(shown_body, body);
    assert!(isolated_by_stylesheet(&page, ".msg .body"));
    // The customer's name is never shown to them; wherever text carries the override, it is
    // inside one of those isolated elements and nowhere else.
    assert!(!page.contains(&customer));
    let isolated_texts = [shown_subject, shown_body]
        .into_iter()
        .chain(authors.iter().copied());
    let overrides_inside: usize = isolated_texts.map(|t| t.matches(RLO).count()).sum();
    assert_eq!(page.matches(RLO).count(), overrides_inside, "{page}");
    // The window title cannot hold markup, so the override is dropped there.
    let title = element_text(&page, "<title");
    assert_eq!(title, "Refund for fdp.exe · Help center");
}

fn file_names_lose_their_direction_controls(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("admin@example.com", "Deniz Admin", "admin");
    let agent = s.login("admin@example.com");
    // Reads "invoiceexe.jpg" where the override is honoured; it is an .exe.
    let reversed = format!("invoice{RLO}gpj.exe");
    let isolated = "\u{2067}scan\u{2069}\u{200F}.pdf";
    let link = submit_request(
        &s.url,
        "Ayşe Yılmaz",
        "My invoice",
        "Attached.",
        Some((&reversed, b"MZ\x90\x00not really an image")),
    );
    let token_link = link.clone();
    let r = http()
        .post(&format!("{}{token_link}", s.url))
        .set(
            "Content-Type",
            "multipart/form-data; boundary=----porchlight-content-reply",
        )
        .send_bytes(
            format!(
                "------porchlight-content-reply\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nAnd the scan.\r\n\
                 ------porchlight-content-reply\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"{isolated}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n------porchlight-content-reply--\r\n"
            )
            .as_bytes(),
        );
    match r {
        Ok(_) | Err(ureq::Error::Status(303, _)) => {}
        Err(e) => panic!("reply with a file: {e}"),
    }

    // The names desktops receive for the files of the pulled messages.
    let docs = agent.pull_all();
    let names: Vec<String> = docs
        .iter()
        .filter(|(k, _)| k.starts_with("message:"))
        .flat_map(|(_, m)| m["attachment_ids"].as_array().cloned().unwrap_or_default())
        .map(|id| {
            let meta = agent.call(
                "GET",
                &format!("/api/v1/attachments/{}/meta", id.as_str().unwrap()),
                None,
            );
            assert_eq!(meta.status, 200, "{}", meta.body);
            meta.body["filename"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(names.len(), 2, "{docs:?}");
    let (_, page) = get(&format!("{}{link}", s.url));
    let shown: Vec<&str> = page
        .match_indices("data-testid=\"attachment\"")
        .map(|(at, _)| element_text(&page[at..], "data-testid"))
        .collect();
    assert_eq!(shown, ["invoicegpj.exe", "scan.pdf"], "{page}");
    assert!(isolated_by_stylesheet(&page, ".files a"));
    for name in names.iter().map(String::as_str).chain(shown) {
        assert!(
            !name.chars().any(|c| matches!(c,
                '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
            ) || c.is_control()),
            "{name:?} keeps a control character"
        );
    }
}

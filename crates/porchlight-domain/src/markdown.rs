//! The one renderer of knowledge-base markdown: the desktop preview and the server's help
//! center both call [`render_html`] (or [`render_html_with`]), so an article looks — and is
//! made safe — the same way everywhere.
//!
//! Article text is treated as hostile (an editor's account can be stolen, an article can be
//! pasted from anywhere): rendering is two independent layers.
//!
//! 1. **pulldown-cmark** (CommonMark + tables, strikethrough, task lists, footnotes), with
//!    every raw HTML fragment turned into plain text *before* the HTML writer sees it: a
//!    `<script>` or `<iframe>` in the markdown shows up as the literal characters, escaped.
//!    HTML comments (`<!-- … -->`) are dropped, as authors use them for notes to each other
//!    and other renderers never show them. Headings get stable ids, footnotes ids of the
//!    form `fn-<label>`, table alignment becomes an `align` attribute (not `style`).
//!    Quotes, lists, emphasis and links nested deeper than [`MAX_NESTING`] lose their
//!    markup (not their text), which keeps rendering time linear in the article's size.
//! 2. **ammonia** with an explicit allow-list as a safety net over the generated HTML: only
//!    the tags markdown produces; no `script`, `style`, `iframe`, `object`, `embed`, `form`,
//!    `svg`; no event handlers, no `style` or `class` attributes (except the three footnote
//!    classes); `dir` kept (only `ltr`, `rtl`, `auto`).
//!
//! URL policy:
//! - links (`a href`): `http:`, `https:`, `mailto:` and relative URLs (`#anchor`,
//!   `../other`, `/help/…`). Anything with another scheme — `javascript:`, `vbscript:`,
//!   `data:`, `file:`, also when disguised by case, whitespace, control characters or
//!   entities — loses its `href` and stays as inert text. The scheme is read the way the
//!   URL standard reads it, by `sanitize::url_scheme`, the same check customer mail gets, and
//!   every other URL attribute is held to the same schemes. Every link gets
//!   `rel="noopener noreferrer nofollow"`.
//! - images (`img src`): absolute `http://` / `https://` URLs, or an attachment of the
//!   article written `attachments/<id>` (id: ASCII letters, digits, `-`, `_`; at most 64).
//!   Other relative sources are dropped, so an article cannot make the reader's browser
//!   fetch arbitrary paths of the server it is shown on. [`RenderOptions`] says where
//!   `attachments/<id>` points in each place (help center route, desktop protocol).
//! - Direction: the output carries no paragraph-level direction of its own; the page or
//!   preview container sets `dir` from the article's locale (`kb::text_direction`: `rtl`
//!   for fa, ar, he…), and the browser's bidi algorithm orders mixed Persian/English lines.
//!   (`dir="auto"` per paragraph was rejected: a Persian sentence that starts with a Latin
//!   product name would flip to left-to-right.) Code (`pre`, `code`) is always
//!   `dir="ltr"`, so `foo(bar)` inside a Persian sentence keeps its order. The allow-list
//!   keeps `dir` (`ltr`, `rtl`, `auto` only) wherever it appears.
//!
//! Also here: [`plain_text`] (search indexing) and [`excerpt`] (snippets), computed from the
//! same prepared events so the index holds exactly the words a reader sees (and never the
//! content of an HTML comment), and [`slugify`], shared by heading ids and article slugs.
//!
//! The e-mail sanitiser in `sanitize.rs` is deliberately a separate allow-list: customer
//! mail needs `data:`/`cid:` inline images, `font`/`span` markup and remote-image blocking,
//! none of which article HTML may have; article HTML needs heading ids, footnote classes and
//! task-list checkboxes, which mail must not have. Sharing one builder would weaken both.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::sanitize::{is_url_attribute, url_allowed, url_attribute_allowed, url_scheme};

/// The relative form in which an article refers to one of its attachments:
/// `![screenshot](attachments/0190a7e2-…)`.
pub const ATTACHMENT_PREFIX: &str = "attachments/";
/// Longest attachment id accepted in an `attachments/<id>` reference.
pub const MAX_ATTACHMENT_ID: usize = 64;
/// Longest slug [`slugify`] returns, in characters.
pub const MAX_SLUG_CHARS: usize = 80;
/// Schemes an article's links may use; relative links are kept too.
const LINK_SCHEMES: &[&str] = &["http", "https", "mailto"];
/// `rel` of every rendered link.
pub const LINK_REL: &str = "noopener noreferrer nofollow";

/// Where rendered `attachments/<id>` references point.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Prepended to the id of each `attachments/<id>` image source or link, e.g.
    /// `"/help/attachments/"` on the help center. Trusted configuration, never article
    /// text. `None` leaves the reference relative (`attachments/<id>`).
    pub attachment_url_prefix: Option<String>,
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
}

/// Renders article markdown to safe HTML, leaving attachment references relative.
pub fn render_html(markdown: &str) -> String {
    static DEFAULT: LazyLock<Renderer> = LazyLock::new(|| Renderer::new(&RenderOptions::default()));
    DEFAULT.render(markdown)
}

/// Renders article markdown to safe HTML with attachment references resolved as `options`
/// says. Builds the sanitiser each call; hold a [`Renderer`] to render many articles.
pub fn render_html_with(markdown: &str, options: &RenderOptions) -> String {
    Renderer::new(options).render(markdown)
}

/// A configured renderer, built once and shared (it is `Send + Sync`), e.g. by the help
/// center for every request.
pub struct Renderer {
    sanitiser: ammonia::Builder<'static>,
}

impl Renderer {
    pub fn new(options: &RenderOptions) -> Self {
        Renderer {
            sanitiser: builder(options.attachment_url_prefix.clone()),
        }
    }

    /// Article markdown as safe HTML.
    pub fn render(&self, markdown: &str) -> String {
        self.sanitiser
            .clean(&unsanitised_html(markdown))
            .to_string()
    }
}

fn unsanitised_html(markdown: &str) -> String {
    let events = prepared_events(markdown);
    let mut html = String::with_capacity(markdown.len() * 3 / 2 + 64);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// The article's visible text, for search indexing: one line per block (paragraph,
/// heading, list item, table row, code line), whitespace collapsed, no markup, no URLs, no
/// HTML comments. Image descriptions (alt text) are included.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in prepared_events(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            // Our own table-cell tags: the only `Html` events left after preparation.
            Event::Html(_) => out.push(' '),
            Event::HardBreak | Event::Rule | Event::Start(Tag::Item) => out.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::HtmlBlock,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A one-line snippet of the article's visible text, at most `max_chars` characters
/// (Unicode scalar values) including the closing `…` when it was shortened. Cuts at a word
/// boundary when one is near, never inside a character and never between a letter and its
/// combining mark.
pub fn excerpt(markdown: &str, max_chars: usize) -> String {
    let text = plain_text(markdown)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    truncate_chars(&text, max_chars)
}

/// Shortens `text` to at most `max_chars` characters, ending with `…` when it was cut.
pub fn truncate_chars(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    if max_chars == 0 {
        return String::new();
    }
    let keep = max_chars - 1; // room for the ellipsis
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let mut end = bounds[keep];
    // Never separate a base letter from the marks or joiners that follow it.
    let mut k = keep;
    while k > 0 && is_attached_mark(text[bounds[k]..].chars().next().unwrap_or(' ')) {
        k -= 1;
        end = bounds[k];
    }
    let mut cut = &text[..end];
    let next_is_space = text[end..].starts_with(char::is_whitespace);
    if !next_is_space {
        if let Some(space) = cut.rfind(char::is_whitespace) {
            // Only back off to a word boundary when it costs less than half the snippet.
            if cut[..space].chars().count() >= keep / 2 {
                cut = &cut[..space];
            }
        }
    }
    let mut out = cut.trim_end().to_string();
    out.push('…');
    out
}

/// Combining marks and joiners: they belong to the character before them.
fn is_attached_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F   // combining diacritical marks (e.g. the dot of "i̇")
        | 0x0483..=0x0489 // Cyrillic combining
        | 0x0591..=0x05BD | 0x05BF | 0x05C1..=0x05C2 | 0x05C4..=0x05C5 | 0x05C7 // Hebrew points
        | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06DC | 0x06DF..=0x06E4
        | 0x06E7..=0x06E8 | 0x06EA..=0x06ED // Arabic-script harakat and Quranic marks
        | 0x200C..=0x200D // zero-width non-joiner / joiner
        | 0x20D0..=0x20FF // combining marks for symbols
        | 0xFE00..=0xFE0F // variation selectors
        | 0xFE20..=0xFE2F // combining half marks
        | 0x1F3FB..=0x1F3FF // emoji skin tones
    )
}

/// Ids of the attachments the article refers to (`attachments/<id>` images and links), in
/// order of first use, without repeats. The help center serves an attachment only when a
/// published public article refers to it; sync fetches these with the article.
pub fn referenced_attachments(markdown: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    for event in Parser::new_ext(markdown, parser_options()) {
        if let Event::Start(Tag::Image { dest_url, .. } | Tag::Link { dest_url, .. }) = event {
            if let Some(id) = attachment_id(&dest_url) {
                if seen.insert(id.to_string()) {
                    ids.push(id.to_string());
                }
            }
        }
    }
    ids
}

/// The id in an `attachments/<id>` reference, if `url` is exactly one.
pub fn attachment_id(url: &str) -> Option<&str> {
    let id = url.strip_prefix(ATTACHMENT_PREFIX)?;
    let ok = !id.is_empty()
        && id.len() <= MAX_ATTACHMENT_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(id)
}

/// A URL path segment from free text, used for heading anchors and article slugs.
///
/// Policy: Latin letters with diacritics are folded to ASCII (Turkish `ş ğ ı İ ç ö ü`,
/// Polish `ą ć ę ł ń ó ś ź ż`, and the rest of Latin-1 and Latin Extended-A, plus Romanian
/// `ș ț`), so Turkish and Polish slugs are plain ASCII and `I`, `ı`, `İ` all become `i`
/// whatever the locale. Letters of other scripts (Persian, Arabic, Cyrillic, Greek, CJK…)
/// are kept as lower-case Unicode letters — a Persian title gives a Persian slug, which
/// browsers show readably — with optional vowel marks and the tatweel dropped, Arabic
/// `ي`/`ك` unified with Persian `ی`/`ک`, and Persian/Arabic digits written as ASCII.
/// Zero-width (non-)joiners and apostrophes vanish; every other run of non-letters
/// becomes one `-`. At most [`MAX_SLUG_CHARS`] characters, cut at a `-` when possible. May
/// be empty (a title of only punctuation or emoji); callers pick a fallback.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    let push = |out: &mut String, s: &str, pending: &mut bool| {
        if *pending && !out.is_empty() {
            out.push('-');
        }
        *pending = false;
        out.push_str(s);
    };
    for c in text.chars() {
        if let Some(folded) = fold_latin(c) {
            push(&mut out, folded, &mut pending_dash);
        } else if is_attached_mark(c) || is_silent(c) {
            continue;
        } else if let Some(d) = eastern_digit(c) {
            push(&mut out, d.encode_utf8(&mut [0; 4]), &mut pending_dash);
        } else if c.is_alphanumeric() {
            let c = match c {
                '\u{064A}' => '\u{06CC}', // Arabic yeh → Persian yeh
                '\u{0643}' => '\u{06A9}', // Arabic kaf → Persian keheh
                c => c,
            };
            let lower: String = c.to_lowercase().filter(|l| !is_attached_mark(*l)).collect();
            push(&mut out, &lower, &mut pending_dash);
        } else {
            pending_dash = true;
        }
    }
    if out.chars().count() > MAX_SLUG_CHARS {
        let end = out
            .char_indices()
            .nth(MAX_SLUG_CHARS)
            .map_or(out.len(), |(i, _)| i);
        let mut cut = &out[..end];
        if !out[end..].starts_with('-') {
            if let Some(dash) = cut.rfind('-') {
                if dash > 0 {
                    cut = &cut[..dash];
                }
            }
        }
        out = cut.trim_end_matches('-').to_string();
    }
    out
}

/// Characters dropped from slugs without leaving a separator.
fn is_silent(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | 'ʼ' | '`' | '\u{00AD}' | '\u{0640}' | '\u{200B}' | '\u{200E}' | '\u{200F}'
    )
}

fn eastern_digit(c: char) -> Option<char> {
    let base = match c as u32 {
        0x06F0..=0x06F9 => 0x06F0, // Persian
        0x0660..=0x0669 => 0x0660, // Arabic-Indic
        _ => return None,
    };
    char::from_digit(c as u32 - base, 10)
}

/// ASCII for Latin letters with diacritics (lower-cased), `None` for everything else.
fn fold_latin(c: char) -> Option<&'static str> {
    if c.is_ascii_alphanumeric() {
        const ASCII: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
        let lower = c.to_ascii_lowercase();
        let i = ASCII.find(lower)?;
        return Some(&ASCII[i..i + 1]);
    }
    Some(match c as u32 {
        0xC0..=0xC5 | 0xE0..=0xE5 | 0x100..=0x105 => "a",
        0xC6 | 0xE6 => "ae",
        0xC7 | 0xE7 | 0x106..=0x10D => "c",
        0xD0 | 0xF0 | 0x10E..=0x111 => "d",
        0xC8..=0xCB | 0xE8..=0xEB | 0x112..=0x11B => "e",
        0x11C..=0x123 => "g",
        0x124..=0x127 => "h",
        0xCC..=0xCF | 0xEC..=0xEF | 0x128..=0x131 => "i", // includes İ (0x130) and ı (0x131)
        0x132 | 0x133 => "ij",
        0x134 | 0x135 => "j",
        0x136..=0x138 => "k",
        0x139..=0x142 => "l", // includes Ł ł
        0xD1 | 0xF1 | 0x143..=0x14B => "n",
        0xD2..=0xD6 | 0xD8 | 0xF2..=0xF6 | 0xF8 | 0x14C..=0x151 => "o",
        0x152 | 0x153 => "oe",
        0x154..=0x159 => "r",
        0x15A..=0x161 | 0x17F | 0x218 | 0x219 => "s",
        0xDF => "ss",
        0x162..=0x167 | 0x21A | 0x21B => "t",
        0xDE | 0xFE => "th",
        0xD9..=0xDC | 0xF9..=0xFC | 0x168..=0x173 => "u",
        0x174 | 0x175 => "w",
        0xDD | 0xFD | 0xFF | 0x176..=0x178 => "y",
        0x179..=0x17E => "z",
        _ => return None,
    })
}

/// Parses `markdown` and makes the event stream safe and final: raw HTML becomes text,
/// comments vanish, headings and footnotes get their ids, table cells their alignment.
fn prepared_events(markdown: &str) -> Vec<Event<'_>> {
    let raw = limit_nesting(Parser::new_ext(markdown, parser_options()));

    // Footnote ids first, so heading ids can avoid them.
    let mut used: HashSet<String> = HashSet::new();
    let mut footnotes: HashMap<String, String> = HashMap::new();
    for event in &raw {
        if let Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label)) =
            event
        {
            if !footnotes.contains_key(label.as_ref()) {
                let slug = slugify(label);
                let base = if slug.is_empty() {
                    format!("fn-{}", footnotes.len() + 1)
                } else {
                    format!("fn-{slug}")
                };
                let id = unique_id(&mut used, base);
                footnotes.insert(label.to_string(), id);
            }
        }
    }

    let mut prep = Prepared {
        out: Vec::with_capacity(raw.len() + 8),
        heading: None,
        html_block: None,
        aligns: Vec::new(),
        in_head: false,
        cell: 0,
        used,
    };
    for event in raw {
        match event {
            Event::Start(Tag::HtmlBlock) => prep.html_block = Some(String::new()),
            Event::End(TagEnd::HtmlBlock) => {
                let html = prep.html_block.take().unwrap_or_default();
                let text = strip_html_comments(&html);
                let text = text.trim_end();
                if !text.trim().is_empty() {
                    prep.push(Event::Start(Tag::Paragraph));
                    prep.push(Event::Text(CowStr::from(text.to_string())));
                    prep.push(Event::End(TagEnd::Paragraph));
                }
            }
            Event::Html(h) if prep.html_block.is_some() => {
                if let Some(buf) = prep.html_block.as_mut() {
                    buf.push_str(&h);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let text = strip_html_comments(&h);
                if !text.is_empty() {
                    prep.push(Event::Text(CowStr::from(text.into_owned())));
                }
            }
            Event::Start(Tag::Heading { level, .. }) => prep.heading = Some((level, Vec::new())),
            Event::End(TagEnd::Heading(_)) => prep.finish_heading(),
            Event::FootnoteReference(label) => {
                let id = footnotes.get(label.as_ref()).cloned().unwrap_or_default();
                prep.push(Event::FootnoteReference(CowStr::from(id)));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let id = footnotes.get(label.as_ref()).cloned().unwrap_or_default();
                prep.push(Event::Start(Tag::FootnoteDefinition(CowStr::from(id))));
            }
            Event::Start(Tag::Table(aligns)) => {
                prep.aligns = aligns;
                prep.push(Event::Start(Tag::Table(Vec::new())));
            }
            Event::Start(Tag::TableHead) => {
                prep.in_head = true;
                prep.cell = 0;
                prep.push(Event::Start(Tag::TableHead));
            }
            Event::End(TagEnd::TableHead) => {
                prep.in_head = false;
                prep.push(Event::End(TagEnd::TableHead));
            }
            Event::Start(Tag::TableRow) => {
                prep.cell = 0;
                prep.push(Event::Start(Tag::TableRow));
            }
            Event::Start(Tag::TableCell) => {
                let name = if prep.in_head { "th" } else { "td" };
                let align = match prep.aligns.get(prep.cell) {
                    Some(Alignment::Left) => " align=\"left\"",
                    Some(Alignment::Center) => " align=\"center\"",
                    Some(Alignment::Right) => " align=\"right\"",
                    _ => "",
                };
                prep.push(Event::Html(CowStr::from(format!("<{name}{align}>"))));
            }
            Event::End(TagEnd::TableCell) => {
                let name = if prep.in_head { "th" } else { "td" };
                prep.cell += 1;
                prep.push(Event::Html(CowStr::from(format!("</{name}>"))));
            }
            // Not enabled in the parser options; never passed through as markup.
            Event::InlineMath(t) | Event::DisplayMath(t) => prep.push(Event::Text(t)),
            other => prep.push(other),
        }
    }
    // An unterminated heading cannot happen with pulldown-cmark; flush defensively.
    if prep.heading.is_some() {
        prep.finish_heading();
    }
    prep.out
}

/// Deepest nesting of quotes, lists, emphasis and links that is rendered as such.
pub const MAX_NESTING: usize = 32;

fn nests(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
    )
}

fn nest_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
    )
}

/// Drops the markup (not the text) of containers nested deeper than [`MAX_NESTING`]:
/// ten thousand `>` would otherwise become ten thousand nested elements, which costs the
/// HTML parser under the sanitiser quadratic time — a way to stall the help center.
fn limit_nesting<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut kept: Vec<bool> = Vec::new();
    let mut depth = 0;
    let mut out = Vec::new();
    for event in events {
        match &event {
            Event::Start(tag) if nests(tag) => {
                let keep = depth < MAX_NESTING;
                kept.push(keep);
                if keep {
                    depth += 1;
                    out.push(event);
                }
            }
            Event::End(tag) if nest_end(tag) => {
                if kept.pop().unwrap_or(true) {
                    depth = depth.saturating_sub(1);
                    out.push(event);
                }
            }
            _ => out.push(event),
        }
    }
    out
}

struct Prepared<'a> {
    out: Vec<Event<'a>>,
    heading: Option<(HeadingLevel, Vec<Event<'a>>)>,
    html_block: Option<String>,
    aligns: Vec<Alignment>,
    in_head: bool,
    cell: usize,
    used: HashSet<String>,
}

impl<'a> Prepared<'a> {
    fn push(&mut self, event: Event<'a>) {
        match &mut self.heading {
            Some((_, inner)) => inner.push(event),
            None => self.out.push(event),
        }
    }

    fn finish_heading(&mut self) {
        let Some((level, inner)) = self.heading.take() else {
            return;
        };
        let text: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                Event::SoftBreak => Some(" "),
                _ => None,
            })
            .collect();
        let slug = slugify(&text);
        let id = unique_id(
            &mut self.used,
            if slug.is_empty() {
                "section".to_string()
            } else {
                slug
            },
        );
        self.out.push(Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(id)),
            classes: Vec::new(),
            attrs: Vec::new(),
        }));
        self.out.extend(inner);
        self.out.push(Event::End(TagEnd::Heading(level)));
    }
}

/// `base`, or `base-1`, `base-2`… whichever is still free.
fn unique_id(used: &mut HashSet<String>, base: String) -> String {
    let mut id = base.clone();
    let mut n = 0;
    while used.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    used.insert(id.clone());
    id
}

/// Removes complete HTML comments; an unterminated `<!--` hides the rest, as in a browser.
fn strip_html_comments(s: &str) -> Cow<'_, str> {
    if !s.contains("<!--") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let body = &rest[start + 4..];
        // "<!-->" and "<!--->" close at once (HTML's abrupt closing of empty comments).
        let close = if let Some(after) = body.strip_prefix('>') {
            Some(body.len() - after.len())
        } else if let Some(after) = body.strip_prefix("->") {
            Some(body.len() - after.len())
        } else {
            body.find("-->").map(|i| i + 3)
        };
        match close {
            Some(end) => rest = &body[end..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

fn builder(attachment_prefix: Option<String>) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::empty();
    let tag_attributes: HashMap<&'static str, HashSet<&'static str>> = [
        ("a", &["href", "title"][..]),
        ("img", &["src", "alt", "title"]),
        ("h1", &["id"]),
        ("h2", &["id"]),
        ("h3", &["id"]),
        ("h4", &["id"]),
        ("h5", &["id"]),
        ("h6", &["id"]),
        ("div", &["id"]),
        ("ol", &["start"]),
        ("th", &["align"]),
        ("td", &["align"]),
        ("input", &["type", "checked", "disabled"]),
    ]
    .into_iter()
    .map(|(tag, attrs)| (tag, attrs.iter().copied().collect()))
    .collect();
    let classes: HashMap<&'static str, HashSet<&'static str>> = [
        ("div", ["footnote-definition"].into_iter().collect()),
        (
            "sup",
            ["footnote-reference", "footnote-definition-label"]
                .into_iter()
                .collect(),
        ),
    ]
    .into_iter()
    .collect();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(["script", "style"].into_iter().collect())
        .generic_attributes(["dir"].into_iter().collect())
        .tag_attributes(tag_attributes)
        .allowed_classes(classes)
        .url_schemes(LINK_SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some(LINK_REL))
        .strip_comments(true)
        // Task-list checkboxes: whatever reaches here is a disabled checkbox, nothing else.
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        .set_tag_attribute_value("pre", "dir", "ltr")
        .set_tag_attribute_value("code", "dir", "ltr")
        .attribute_filter(move |element, attribute, value| {
            filter_attribute(element, attribute, value, attachment_prefix.as_deref())
        });
    b
}

fn filter_attribute<'u>(
    element: &str,
    attribute: &str,
    value: &'u str,
    attachment_prefix: Option<&str>,
) -> Option<Cow<'u, str>> {
    let keep = Some(Cow::Borrowed(value));
    match (element, attribute) {
        (_, "dir") => matches!(value, "ltr" | "rtl" | "auto").then_some(Cow::Borrowed(value)),
        (_, "id") => {
            let ok = !value.is_empty()
                && value.chars().count() <= MAX_SLUG_CHARS + 8
                && value.chars().all(|c| c == '-' || c.is_alphanumeric());
            ok.then_some(Cow::Borrowed(value))
        }
        (_, "align") => {
            matches!(value, "left" | "center" | "right").then_some(Cow::Borrowed(value))
        }
        ("ol", "start") => {
            (!value.is_empty() && value.len() <= 9 && value.bytes().all(|b| b.is_ascii_digit()))
                .then_some(Cow::Borrowed(value))
        }
        ("a", "href") => {
            if let Some(url) = resolve_attachment(value, attachment_prefix) {
                return Some(url);
            }
            url_allowed(value, LINK_SCHEMES).then_some(Cow::Borrowed(value))
        }
        ("img", "src") => {
            if let Some(url) = resolve_attachment(value, attachment_prefix) {
                return Some(url);
            }
            let remote = matches!(url_scheme(value).as_deref(), Some("http" | "https"))
                && value
                    .split_once(':')
                    .is_some_and(|(_, rest)| rest.starts_with("//"));
            let clean = !value
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '\\');
            (remote && clean).then_some(Cow::Borrowed(value))
        }
        (_, attribute) if is_url_attribute(attribute) => {
            url_attribute_allowed(attribute, value, LINK_SCHEMES).then_some(Cow::Borrowed(value))
        }
        _ => keep,
    }
}

fn resolve_attachment<'u>(value: &'u str, prefix: Option<&str>) -> Option<Cow<'u, str>> {
    let id = attachment_id(value)?;
    Some(match prefix {
        Some(p) => Cow::Owned(format!("{p}{id}")),
        None => Cow::Borrowed(value),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The elements of serialised HTML as (name, [(attribute, value)]). Text is escaped by
    /// construction, so every `<` opens a real element; values are always double-quoted.
    fn elements(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            rest = &rest[start + 1..];
            if rest.starts_with('/') {
                continue;
            }
            let name_end = rest.find([' ', '>', '/']).unwrap();
            let name = rest[..name_end].to_ascii_lowercase();
            rest = &rest[name_end..];
            let mut attrs = Vec::new();
            loop {
                rest = rest.trim_start();
                if rest.starts_with('>') || rest.starts_with("/>") {
                    break;
                }
                let key_end = rest.find(['=', ' ', '>']).unwrap();
                let key = rest[..key_end].to_ascii_lowercase();
                rest = &rest[key_end..];
                let mut value = String::new();
                if let Some(after) = rest.strip_prefix("=\"") {
                    let close = after.find('"').unwrap();
                    value = after[..close].to_string();
                    rest = &after[close + 1..];
                }
                attrs.push((key, value));
            }
            out.push((name, attrs));
        }
        out
    }

    /// Only allowed tags, no event handlers or styles, no URL with a scheme other than
    /// http, https or mailto, no comment.
    fn assert_inert(html: &str) {
        assert!(!html.contains("<!--"), "comment in {html}");
        for (name, attrs) in elements(html) {
            assert!(TAGS.contains(&name.as_str()), "<{name}> in {html}");
            for (key, value) in attrs {
                assert!(!key.starts_with("on") && key != "style", "{key} in {html}");
                if key == "href" || key == "src" {
                    let scheme = url_scheme(&value);
                    assert!(
                        matches!(scheme.as_deref(), None | Some("http" | "https" | "mailto")),
                        "{key}={value} in {html}"
                    );
                }
            }
        }
    }

    /// Names of the elements in `html`, in order.
    fn names(html: &str) -> Vec<String> {
        elements(html).into_iter().map(|(n, _)| n).collect()
    }

    /// Every `href` value in the output.
    fn hrefs(html: &str) -> Vec<String> {
        html.split("href=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_string())
            .collect()
    }

    fn srcs(html: &str) -> Vec<String> {
        html.split("src=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_string())
            .collect()
    }

    #[test]
    fn ordinary_markdown_renders() {
        let html = render_html(
            "# Reset your password\n\nOpen **Settings** and *click* [Reset](https://example.com/reset).\n\n\
             - [x] done\n- [ ] todo\n\n| Name | Price |\n|:-----|------:|\n| Tea | 3 |\n\n~~old~~ `code`\n",
        );
        assert!(html.contains(r#"<h1 id="reset-your-password">"#), "{html}");
        assert!(html.contains("<strong>Settings</strong>"));
        assert!(html.contains("<em>click</em>"));
        assert!(html.contains(
            r#"<a href="https://example.com/reset" rel="noopener noreferrer nofollow">Reset</a>"#
        ));
        assert!(html.contains("<del>old</del>"));
        assert!(html.contains(r#"<code dir="ltr">code</code>"#));
        assert!(html.contains(r#"<th align="left">Name</th>"#), "{html}");
        assert!(html.contains(r#"<td align="right">3</td>"#));
        // Task-list items: two disabled checkboxes, the first one ticked.
        assert_eq!(html.matches("<input").count(), 2);
        assert_eq!(html.matches(r#"type="checkbox""#).count(), 2);
        assert_eq!(html.matches(r#"disabled="""#).count(), 2);
        assert_eq!(html.matches("checked").count(), 1);
    }

    #[test]
    fn raw_html_is_shown_as_text_never_run() {
        let md = "Hello <script>alert(1)</script> there\n\n\
                  <script>alert(2)</script>\n\n\
                  <iframe src=\"https://evil.example\"></iframe>\n\n\
                  <img src=x onerror=alert(3)>\n\n\
                  <a href=\"javascript:alert(4)\">click</a>\n\n\
                  <a href=\"jav&#x09;ascript:alert(5)\">tab</a>\n\n\
                  <svg onload=alert(6)><script>alert(7)</script></svg>\n\n\
                  <p style=\"position:fixed;top:0\">cover</p>\n\n\
                  <object data=\"x.swf\"></object><embed src=\"x.swf\">\n\n\
                  <form action=\"https://evil.example\"><input name=p></form>\n\n\
                  <style>body{display:none}</style>\n";
        let html = render_html(md);
        assert_inert(&html);
        // The author still sees what they typed, as text.
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("&lt;iframe"));
        assert!(html.contains("&lt;img src=x onerror=alert(3)&gt;"));
        // No element other than the paragraphs came out of all that.
        assert!(names(&html).iter().all(|n| n == "p"), "{html}");
    }

    /// The allow-list on its own, as if the markdown layer had let raw HTML through.
    #[test]
    fn the_sanitiser_alone_stops_active_content() {
        let hostile = r#"<p onclick="alert(1)" style="color:red" class="x">Hi<script>alert(2)</script></p>
<a href="javascript:alert(3)">a</a><a href=" JaVa&#x09;ScRiPt:alert(4)">b</a>
<a href="vbscript:x">c</a><a href="data:text/html,x">d</a><a href="https://ok.example/">ok</a>
<svg onload="alert(5)"><script>alert(6)</script></svg><math><mi>x</mi></math>
<img src="x" onerror="alert(7)"><img src="data:image/svg+xml;base64,PHN2Zz4=">
<img src="/api/v1/sync/push"><img src="https://cdn.example/a.png">
<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x">
<form action="https://evil.example"><input type="text" name="card" value="x"><button>Go</button></form>
<style>body{display:none}</style><link rel="stylesheet" href="https://evil.example/x.css">
<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example">
<div dir="rtl" id="x" onmouseover="alert(8)">سلام</div><p dir="evil">x</p><!-- note -->
<h2 id="ok" name="clobber">h</h2><h3 id="a b">bad id</h3><td align="left;x:1">c</td>"#;
        let html = builder(None).clean(hostile).to_string();
        assert_inert(&html);
        assert_eq!(
            hrefs(&html),
            ["https://ok.example/"],
            "only the safe link keeps its href: {html}"
        );
        assert_eq!(srcs(&html), ["https://cdn.example/a.png"]);
        // A text input inside a form becomes an inert, disabled checkbox; the form is gone.
        let inputs: Vec<_> = elements(&html)
            .into_iter()
            .filter(|(n, _)| n == "input")
            .collect();
        assert_eq!(inputs.len(), 1);
        let attrs = &inputs[0].1;
        assert!(
            attrs.contains(&("type".into(), "checkbox".into())),
            "{html}"
        );
        assert!(attrs.iter().any(|(k, _)| k == "disabled"));
        assert!(!attrs.iter().any(|(k, _)| k == "name" || k == "value"));
        // Direction survives; an invalid direction or id does not.
        assert!(
            html.contains(r#"<div dir="rtl" id="x">سلام</div>"#),
            "{html}"
        );
        assert!(!html.contains(r#"dir="evil""#));
        assert!(html.contains(r#"<h2 id="ok">"#) && html.contains("<h3>bad id</h3>"));
        assert!(!html.contains("class=") && !html.contains("align="));
    }

    #[test]
    fn dangerous_link_schemes_lose_their_href() {
        let cases = [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x]( javascript:alert(1))",
            "[x](<java script:alert(1)>)",
            "[x](jav&#x09;ascript:alert(1))",
            "[x](jav&#9;ascript:alert(1))",
            "[x](&#106;avascript:alert(1))",
            "[x](javascript&#58;alert(1))",
            "[x](javascript&colon;alert(1))",
            "[x](&#x01;javascript:alert(1))",
            "[x](d&#x09;ata:text/html,x)",
            "[x](java%0ascript:alert(1))",
            "[x](vbscript:msgbox(1))",
            "[x](VBScript:msgbox(1))",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[x](file:///etc/passwd)",
            "<javascript:alert(1)>",
            "<JAVASCRIPT:alert(1)>",
            "<vbscript:alert(1)>",
            "<data:text/html,<script>alert(1)</script>>",
            "[x][r]\n\n[r]: javascript:alert(1)",
            "[**nested [x](javascript:alert(1))**](https://ok.example)",
            "![x](javascript:alert(1))",
        ];
        for md in cases {
            let html = render_html(md);
            assert_inert(&html);
            for href in hrefs(&html) {
                assert!(
                    href.starts_with("https://ok.example"),
                    "{md} rendered a live link {href:?}: {html}"
                );
            }
        }
    }

    #[test]
    fn safe_links_keep_working() {
        let html = render_html(
            "[a](https://example.com/a?x=1&y=2) [b](http://example.com) [c](mailto:help@example.com) \
             [d](#install) [e](../billing/refunds) [f](/help/en/articles/12) <https://example.com/auto> \
             <help@example.com>",
        );
        assert_eq!(
            hrefs(&html),
            [
                "https://example.com/a?x=1&amp;y=2",
                "http://example.com",
                "mailto:help@example.com",
                "#install",
                "../billing/refunds",
                "/help/en/articles/12",
                "https://example.com/auto",
                "mailto:help@example.com",
            ]
        );
        assert_eq!(
            html.matches(r#"rel="noopener noreferrer nofollow""#)
                .count(),
            8
        );
    }

    #[test]
    fn images_only_from_the_web_or_the_articles_attachments() {
        let html = render_html(
            "![ok](https://cdn.example.com/a.png) ![ok2](http://cdn.example.com/b.png) \
             ![att](attachments/0190a7e2-7c1d-7aa0-9f1e-2b5c1d0e4f11) \
             ![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+) \
             ![png](data:image/png;base64,iVBORw0KGgo=) ![rel](../../api/v1/admin/delete) \
             ![root](/api/v1/sync/push) ![mail](mailto:a@b.co) ![trick](attachments/../../secret) \
             ![js](JavaScript:alert(1))",
        );
        assert_inert(&html);
        assert_eq!(
            srcs(&html),
            [
                "https://cdn.example.com/a.png",
                "http://cdn.example.com/b.png",
                "attachments/0190a7e2-7c1d-7aa0-9f1e-2b5c1d0e4f11",
            ]
        );
        // Refused images keep their description, so the reader knows something is missing.
        assert!(html.contains(r#"alt="svg""#));
    }

    #[test]
    fn attachment_references_resolve_where_the_article_is_shown() {
        let md = "![shot](attachments/abc-123) [manual](attachments/pdf_9) [x](attachments/a/b)";
        let options = RenderOptions {
            attachment_url_prefix: Some("/help/attachments/".into()),
        };
        let html = render_html_with(md, &options);
        let shared = Renderer::new(&options);
        assert_eq!(shared.render(md), html);
        assert_eq!(srcs(&html), ["/help/attachments/abc-123"]);
        // attachments/a/b is not an attachment reference: an ordinary relative link.
        assert_eq!(hrefs(&html), ["/help/attachments/pdf_9", "attachments/a/b"]);
        assert_eq!(referenced_attachments(md), ["abc-123", "pdf_9"]);
        assert_eq!(
            referenced_attachments(
                "![a](attachments/x) ![again](attachments/x) ![web](https://e.x/y)"
            ),
            ["x"]
        );
    }

    #[test]
    fn html_comments_vanish_even_across_lines() {
        let md = "Visible\n\n<!--\nInternal: refund limit is 500 EUR\n-->\n\nAlso <!-- hidden --> visible\n\n\
                  <!-- a --><script>alert(1)</script>\n";
        let html = render_html(md);
        assert_inert(&html);
        assert!(
            !html.contains("refund limit") && !html.contains("hidden"),
            "{html}"
        );
        assert!(html.contains("Also  visible"));
        // What follows a comment in the same HTML block is still shown, as text.
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        let text = plain_text(md);
        assert!(
            !text.contains("refund limit") && !text.contains("hidden"),
            "{text}"
        );
        assert_eq!(
            strip_html_comments("a<!-->b<!--->c<!-- x -->d<!-- open"),
            "abcd"
        );
    }

    #[test]
    fn heading_ids_are_stable_and_unique() {
        let md = "# Kurulum\n## Şifre sıfırlama\n## Şifre sıfırlama\n# Zażółć gęślą jaźń\n\
                  ## بازگرداندن وجه\n## !!!\n## `cargo xtask` & <b>run</b>\n";
        let html = render_html(md);
        for id in [
            "kurulum",
            "sifre-sifirlama",
            "sifre-sifirlama-1",
            "zazolc-gesla-jazn",
            "بازگرداندن-وجه",
            "section",
            "cargo-xtask-b-run-b",
        ] {
            assert!(
                html.contains(&format!("id=\"{id}\"")),
                "{id} missing in {html}"
            );
        }
        // Rendering twice gives the same anchors (links to them keep working).
        assert_eq!(html, render_html(md));
    }

    #[test]
    fn footnotes_link_to_their_definition() {
        let html = render_html("Refunds take time.[^note]\n\n[^note]: Up to 14 days.\n");
        assert!(html.contains(r##"<a href="#fn-note""##), "{html}");
        assert!(html.contains(r#"<div class="footnote-definition" id="fn-note">"#));
        let evil =
            render_html("x[^\"onmouseover=alert(1) x=\"]\n\n[^\"onmouseover=alert(1) x=\"]: y\n");
        assert_inert(&evil);
    }

    #[test]
    fn persian_turkish_and_polish_survive_intact() {
        let md = "# راهنمای بازگرداندن وجه\n\nسفارش شما ظرف ۱۴ روز بازپرداخت می‌شود.\n\n\
                  İade işlemi: ĞÜŞİÖÇ ğüşıöç\n\nZażółć gęślą jaźń — ŻÓŁĆ\n";
        let html = render_html(md);
        for s in [
            "راهنمای بازگرداندن وجه",
            "سفارش شما ظرف ۱۴ روز بازپرداخت می\u{200C}شود.",
            "İade işlemi: ĞÜŞİÖÇ ğüşıöç",
            "Zażółć gęślą jaźń — ŻÓŁĆ",
        ] {
            assert!(html.contains(s), "{s} lost in {html}");
        }
        let text = plain_text(md);
        assert!(text.contains("می\u{200C}شود"));
        assert!(text.starts_with("راهنمای بازگرداندن وجه\n"));
    }

    #[test]
    fn code_stays_left_to_right_and_escaped() {
        let html = render_html("```html\n<script>alert(1)</script>\n```\n");
        assert_inert(&html);
        assert!(
            html.contains(r#"<pre dir="ltr"><code dir="ltr">&lt;script&gt;"#),
            "{html}"
        );
        // The language class is not on the allow-list.
        assert!(!html.contains("class="));
    }

    #[test]
    fn plain_text_is_what_a_reader_sees() {
        let md = "# Title\n\nSome **bold** and [a link](https://example.com/hidden-url).\n\n\
                  - one\n- two\n\n![diagram of the flow](https://e.x/d.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        assert_eq!(
            plain_text(md),
            "Title\nSome bold and a link.\none\ntwo\ndiagram of the flow\na b\n1 2"
        );
    }

    #[test]
    fn excerpts_cut_at_words_and_never_inside_characters() {
        let md = "Şifrenizi sıfırlamak için **Ayarlar** sayfasını açın.";
        assert_eq!(
            excerpt(md, 100),
            "Şifrenizi sıfırlamak için Ayarlar sayfasını açın."
        );
        assert_eq!(excerpt(md, 24), "Şifrenizi sıfırlamak…");
        assert_eq!(excerpt(md, 0), "");
        assert_eq!(excerpt(md, 1), "…");
        // No spaces (Chinese): cut between characters, length respected.
        let zh = excerpt("退款需要十四天才能到账请耐心等待", 6);
        assert_eq!(zh, "退款需要十…");
        // Every length for a Persian text with ZWNJ and vowel marks: within bounds, a prefix
        // of the text, and never leaving a mark or joiner behind without its letter.
        let fa = "بازپرداخت می‌شود، لطفاً صبر کنید. مَن";
        for n in 0..=fa.chars().count() + 1 {
            let e = excerpt(fa, n);
            assert!(e.chars().count() <= n, "{n}: {e}");
            let kept = e.strip_suffix('…').unwrap_or(&e);
            assert!(fa.starts_with(kept), "{n}: {e:?}");
            if let Some(next) = fa[kept.len()..].chars().next() {
                assert!(!is_attached_mark(next), "{n}: {e:?} cut before {next:?}");
            }
        }
        // A letter is never separated from its combining mark.
        assert_eq!(truncate_chars("ab\u{0301}cd", 3), "a…");
    }

    #[test]
    fn deep_nesting_is_flattened_not_lost() {
        let html = render_html(&(">".repeat(10_000) + " deep text"));
        assert_eq!(html.matches("<blockquote>").count(), MAX_NESTING);
        assert_eq!(html.matches("</blockquote>").count(), MAX_NESTING);
        assert!(html.contains("deep text"));
        let html = render_html(&("- ".repeat(10_000) + "item"));
        let opened = html.matches("<ul>").count() + html.matches("<li>").count();
        assert_eq!(opened, MAX_NESTING, "{html}");
        assert_eq!(html.matches("</ul>").count(), html.matches("<ul>").count());
        assert!(html.contains("item"));
        // Emphasis nested by alternating delimiters is capped the same way.
        let n = 2_000;
        let md: String = (0..n)
            .map(|i| if i % 2 == 0 { "*a " } else { "_a " })
            .chain((0..n).rev().map(|i| if i % 2 == 0 { " a*" } else { " a_" }))
            .collect();
        let html = render_html(&md);
        assert!(html.matches("<em>").count() <= MAX_NESTING, "{html}");
        assert_eq!(plain_text(&md).matches('a').count(), 2 * n);
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Şifremi unuttum — ne yapmalıyım?"),
            "sifremi-unuttum-ne-yapmaliyim"
        );
        assert_eq!(slugify("IĞDIR İstanbul ılık"), "igdir-istanbul-ilik");
        assert_eq!(slugify("Zażółć gęślą jaźń"), "zazolc-gesla-jazn");
        assert_eq!(slugify("ŁÓDŹ Straße Ærø"), "lodz-strasse-aero");
        assert_eq!(slugify("بازگرداندن  وجه (۱۴ روز)"), "بازگرداندن-وجه-14-روز");
        // Arabic and Persian keyboards give the same slug; ZWNJ and vowel marks vanish.
        assert_eq!(slugify("كيف"), slugify("کیف"));
        assert_eq!(slugify("می‌خواهم"), "میخواهم");
        assert_eq!(slugify("مَن"), "من");
        assert_eq!(slugify("Don't panic"), "dont-panic");
        assert_eq!(slugify("Возврат денег"), "возврат-денег");
        assert_eq!(slugify("  --!!--  "), "");
        assert_eq!(slugify("🎉"), "");
        // Long titles are cut between words, never inside one.
        let long = slugify(&"refund policy ".repeat(20));
        assert!(long.chars().count() <= MAX_SLUG_CHARS);
        assert!(long.chars().count() > MAX_SLUG_CHARS - 8, "{long}");
        assert!(
            long.split('-').all(|w| w == "refund" || w == "policy"),
            "{long}"
        );
        let long = slugify(&"abcdefghij ".repeat(20));
        assert_eq!(long, ["abcdefghij"; 7].join("-"));
        let one_word = slugify(&"ş".repeat(200));
        assert_eq!(one_word, "s".repeat(MAX_SLUG_CHARS));
    }
}

//! The knowledge base's vocabulary: categories, articles, their translations (one per
//! locale) and revisions, "was this helpful?" votes, the intent-level [`KbMutation`]s with
//! their validation, language tags, slugs, and the rule that turns a stale translation
//! save into a conflict draft instead of overwriting a colleague's text.
//!
//! Pure like the rest of the crate: callers pass ids and times (UTC milliseconds).
//!
//! How the pieces fit:
//! - An article has one *source* translation (its `source_locale`) and any number of
//!   translations. Each translation has a `revision` counter; every save or restore adds an
//!   [`ArticleRevision`] and bumps it. A translation records the `source_revision` it was
//!   translated from; [`translation_is_stale`] flags it once the source moved on.
//! - Saving sends the `base_revision` the editor started from. [`decide_translation_save`]
//!   fast-forwards when nobody else saved since; otherwise it tries a field-wise three-way
//!   merge ([`three_way_conflict`]) and, when both sides changed the same field differently,
//!   answers [`SaveDecision::Conflict`]: the current text stays and the save is kept as a
//!   [`TranslationConflict`] for its author. No save ever silently replaces another.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DomainError, ErrorCode};
use crate::macros::string_enum;
use crate::validate::{required_text, valid_tag};

pub const MAX_ARTICLE_TITLE: usize = 200;
/// Article bodies are limited in bytes of UTF-8 (what travels and is stored), not
/// characters; images are attachments and do not count.
pub const MAX_ARTICLE_BODY_BYTES: usize = 512 * 1024;
pub const MAX_CATEGORY_NAME: usize = 120;
pub const MAX_CATEGORY_DESCRIPTION: usize = 500;
/// Locales one category may carry names for.
pub const MAX_CATEGORY_LOCALES: usize = 100;
pub const MAX_ARTICLE_TAGS: usize = 20;
/// Longest accepted language tag (RFC 5646 recommends supporting at least 35 characters).
pub const MAX_LOCALE_TAG: usize = 35;
const MAX_ID: usize = 64;

string_enum!(
    /// Where an article is in its life: only published articles reach the help center.
    ArticleStatus { Draft => "draft", Published => "published", Archived => "archived" }
);
string_enum!(
    /// Internal articles are for agents only; public ones may appear on the help center.
    ArticleVisibility { Internal => "internal", Public => "public" }
);
string_enum!(
    /// The part of a translation two editors changed differently.
    ConflictField { Title => "title", Body => "body" }
);

/// A knowledge-base section ("Billing", "Shipping"), named in each locale it is offered in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KbCategory {
    pub id: String,
    /// Order among categories, ascending.
    #[ts(type = "number")]
    pub position: i64,
    /// Name per locale (normalised BCP-47 tag → name).
    pub names: BTreeMap<String, String>,
    /// Optional one-line description per locale.
    pub descriptions: BTreeMap<String, String>,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
}

impl KbCategory {
    /// The name to show a reader of `locale`: the closest locale the category has a name in
    /// (see [`best_locale`]), else `fallback_locale`'s, else any.
    pub fn name_for(&self, locale: &str, fallback_locale: &str) -> Option<&str> {
        let locales: Vec<&str> = self.names.keys().map(String::as_str).collect();
        best_locale(locale, &locales)
            .or_else(|| best_locale(fallback_locale, &locales))
            .or_else(|| locales.first().copied())
            .and_then(|l| self.names.get(l))
            .map(String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Article {
    pub id: String,
    /// `None`: not filed in a category yet.
    pub category_id: Option<String>,
    pub status: ArticleStatus,
    pub visibility: ArticleVisibility,
    pub tags: Vec<String>,
    /// The locale the article is written in; other translations follow it.
    pub source_locale: String,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
    /// Set when deleted (restorable); deleted articles appear nowhere but the bin.
    #[ts(type = "number | null")]
    pub deleted_at: Option<i64>,
}

impl Article {
    /// Whether the public help center may show this article at all.
    pub fn is_on_help_center(&self) -> bool {
        self.status == ArticleStatus::Published
            && self.visibility == ArticleVisibility::Public
            && self.deleted_at.is_none()
    }
}

/// An article in one locale: what readers of that language see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ArticleTranslation {
    pub article_id: String,
    /// Normalised BCP-47 tag (`en`, `tr`, `pl`, `fa`, `pt-BR`…).
    pub locale: String,
    pub title: String,
    pub body_markdown: String,
    /// Counts saves of this translation, from 1; the base of the next save.
    #[ts(type = "number")]
    pub revision: i64,
    /// For a translation other than the source: the source's revision it was translated
    /// from (`None`: unknown). `None` for the source translation itself.
    #[ts(type = "number | null")]
    pub source_revision: Option<i64>,
    /// Agent id of the last editor.
    pub updated_by: String,
    #[ts(type = "number")]
    pub updated_at: i64,
}

impl ArticleTranslation {
    pub fn content(&self) -> TranslationContent {
        TranslationContent {
            title: self.title.clone(),
            body_markdown: self.body_markdown.clone(),
        }
    }
}

/// One saved state of a translation, for history, diff and restore.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ArticleRevision {
    /// Made on the device that saved it, like every id.
    pub id: String,
    pub article_id: String,
    pub locale: String,
    #[ts(type = "number")]
    pub revision: i64,
    pub title: String,
    pub body_markdown: String,
    #[ts(type = "number | null")]
    pub source_revision: Option<i64>,
    pub author_id: String,
    #[ts(type = "number")]
    pub created_at: i64,
    /// Set when this revision restored an older one.
    #[ts(type = "number | null")]
    pub restored_from: Option<i64>,
}

/// "Was this helpful?" answers from the help center, per article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ArticleVotes {
    pub article_id: String,
    #[ts(type = "number")]
    pub helpful: i64,
    #[ts(type = "number")]
    pub not_helpful: i64,
}

impl ArticleVotes {
    pub fn total(&self) -> i64 {
        self.helpful + self.not_helpful
    }
    /// Share of "helpful" answers, rounded to a whole percent; `None` before any vote.
    pub fn helpful_percent(&self) -> Option<u8> {
        let total = self.total();
        (total > 0).then(|| ((self.helpful * 200 + total) / (total * 2)).clamp(0, 100) as u8)
    }
}

/// A save that arrived after someone else had changed the same text: kept for its author,
/// who merges it by hand (a new save from the current revision) or discards it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TranslationConflict {
    /// The `revision_id` of the save that became this draft.
    pub id: String,
    pub article_id: String,
    pub locale: String,
    /// The revision the author had started from.
    #[ts(type = "number")]
    pub base_revision: i64,
    /// The revision that was current when the save arrived.
    #[ts(type = "number")]
    pub theirs_revision: i64,
    /// The author's text, complete.
    pub title: String,
    pub body_markdown: String,
    #[ts(type = "number | null")]
    pub source_revision: Option<i64>,
    /// What both sides changed differently.
    pub fields: Vec<ConflictField>,
    pub author_id: String,
    #[ts(type = "number")]
    pub created_at: i64,
}

/// One article in the editor's list, titled in the locale asked for when it exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KbArticleSummary {
    pub id: String,
    pub category_id: Option<String>,
    pub status: ArticleStatus,
    pub visibility: ArticleVisibility,
    /// The locale `title` and `excerpt` are in.
    pub locale: String,
    pub title: String,
    pub excerpt: String,
    pub source_locale: String,
    /// Every locale the article exists in, sorted.
    pub locales: Vec<String>,
    /// Translations made from an older revision of the source text.
    pub stale_locales: Vec<String>,
    #[ts(type = "number")]
    pub updated_at: i64,
    #[ts(type = "number | null")]
    pub deleted_at: Option<i64>,
    pub votes: ArticleVotes,
    /// Conflict drafts waiting on this article.
    #[ts(type = "number")]
    pub conflicts: i64,
}

/// Which articles the editor's list shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KbArticleFilter {
    pub category_id: Option<String>,
    pub status: Option<ArticleStatus>,
    /// Articles that exist in this locale (and titles shown in it).
    pub locale: Option<String>,
    /// Full-text words (titles and bodies); the last word matches as a prefix.
    #[serde(default)]
    pub query: String,
    /// The bin: deleted articles only.
    #[serde(default)]
    pub deleted: bool,
}

/// Autosaved, unsaved editing of one translation on this desktop (never synced): what a
/// crash or a closed window would otherwise lose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KbDraft {
    pub article_id: String,
    pub locale: String,
    /// The revision the editing started from (0: a new translation).
    #[ts(type = "number")]
    pub base_revision: i64,
    pub title: String,
    pub body_markdown: String,
    #[ts(type = "number")]
    pub saved_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KbTranslationView {
    pub translation: ArticleTranslation,
    /// Made from an older revision of the source text.
    pub stale: bool,
    /// This desktop's autosaved editing of it, if any.
    pub draft: Option<KbDraft>,
}

/// Everything the editor shows about one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KbArticleDetail {
    pub article: Article,
    /// The source translation first, then the others by locale.
    pub translations: Vec<KbTranslationView>,
    /// Autosaved new translations not saved yet.
    pub new_drafts: Vec<KbDraft>,
    pub votes: ArticleVotes,
    pub conflicts: Vec<TranslationConflict>,
}

/// An article offered while answering a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KbSuggestion {
    pub article_id: String,
    pub locale: String,
    pub title: String,
    pub excerpt: String,
    pub body_markdown: String,
    /// The public help-center address, when the article is public, published and a server
    /// hosts the help center.
    pub url: Option<String>,
}

string_enum!(
    /// How a line fares between two revisions.
    DiffKind { Same => "same", Added => "added", Removed => "removed" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiffLine {
    pub kind: DiffKind,
    pub text: String,
}

/// Most lines per side [`line_diff`] compares line by line; longer texts are shown as one
/// removal and one addition (the table below is lines × lines).
pub const MAX_DIFF_LINES: usize = 4000;

/// A line diff of two texts (longest common subsequence), for comparing revisions: every
/// line of `old` and `new` appears once, in order, marked same, removed or added.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let line = |kind, text: &str| DiffLine {
        kind,
        text: text.to_string(),
    };
    if a.len() > MAX_DIFF_LINES || b.len() > MAX_DIFF_LINES {
        return a
            .iter()
            .map(|t| line(DiffKind::Removed, t))
            .chain(b.iter().map(|t| line(DiffKind::Added, t)))
            .collect();
    }
    // lcs[i][j]: length of the common subsequence of a[i..] and b[j..].
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * (m + 1) + j] = if a[i] == b[j] {
                lcs[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n.max(m));
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push(line(DiffKind::Same, a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
            // Removals before additions, as diffs are read.
            out.push(line(DiffKind::Removed, a[i]));
            i += 1;
        } else {
            out.push(line(DiffKind::Added, b[j]));
            j += 1;
        }
    }
    out
}

/// The public address of an article on a server's help center.
pub fn help_center_url(server_url: &str, locale: &str, article_id: &str, title: &str) -> String {
    format!(
        "{}/help/{locale}/articles/{article_id}-{}",
        server_url.trim_end_matches('/'),
        article_slug(title)
    )
}

/// The editable text of a translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranslationContent {
    pub title: String,
    pub body_markdown: String,
}

/// Result of a field-wise three-way merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeOutcome {
    /// No field was changed differently by both sides: this text keeps every change.
    Clean(TranslationContent),
    /// These fields were changed differently by both sides.
    Conflict(Vec<ConflictField>),
}

/// Three-way merge of a translation, field by field (title, body), each field whole.
///
/// Per field: if mine equals theirs, or I left it as in `base`, theirs stands; if they left
/// it as in `base`, mine is taken; otherwise both changed it differently: a conflict.
/// Bodies are not merged line by line: two editors rewording the same article produce a
/// conflict draft rather than a text neither of them wrote. `base = None` (the base text is
/// unknown, e.g. both created the same translation offline) makes every differing field a
/// conflict.
pub fn three_way_conflict(
    base: Option<&TranslationContent>,
    mine: &TranslationContent,
    theirs: &TranslationContent,
) -> MergeOutcome {
    fn field<'a>(base: Option<&str>, mine: &'a str, theirs: &'a str) -> Option<&'a str> {
        if mine == theirs || base == Some(mine) {
            Some(theirs)
        } else if base == Some(theirs) {
            Some(mine)
        } else {
            None
        }
    }
    let title = field(base.map(|b| b.title.as_str()), &mine.title, &theirs.title);
    let body = field(
        base.map(|b| b.body_markdown.as_str()),
        &mine.body_markdown,
        &theirs.body_markdown,
    );
    match (title, body) {
        (Some(title), Some(body)) => MergeOutcome::Clean(TranslationContent {
            title: title.to_string(),
            body_markdown: body.to_string(),
        }),
        (title, body) => {
            let mut fields = Vec::new();
            if title.is_none() {
                fields.push(ConflictField::Title);
            }
            if body.is_none() {
                fields.push(ConflictField::Body);
            }
            MergeOutcome::Conflict(fields)
        }
    }
}

/// What to do with a translation save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveDecision {
    /// The translation does not exist yet: create it at revision 1.
    Create,
    /// Nobody saved since the editor's base: store the text as the next revision.
    FastForward,
    /// Others saved since, but changed other fields: store this merged text as the next
    /// revision.
    Merged(TranslationContent),
    /// The current text already says this: nothing to store.
    Unchanged,
    /// Both changed the same field differently: keep the current text, store the save as a
    /// [`TranslationConflict`] for its author.
    Conflict(Vec<ConflictField>),
}

/// Decides a save of `mine`, edited from `base_revision` (0 for a new translation), against
/// the `current` translation. `base` is the text of revision `base_revision` when history
/// still has it.
pub fn decide_translation_save(
    current: Option<&ArticleTranslation>,
    base_revision: i64,
    base: Option<&TranslationContent>,
    mine: &TranslationContent,
) -> SaveDecision {
    let Some(current) = current else {
        return SaveDecision::Create;
    };
    let theirs = current.content();
    if *mine == theirs {
        return SaveDecision::Unchanged;
    }
    if base_revision == current.revision {
        return SaveDecision::FastForward;
    }
    // A base the server never had (newer than current, or 0 while the translation exists):
    // treat the base text as unknown.
    let base = if base_revision > 0 && base_revision < current.revision {
        base
    } else {
        None
    };
    match three_way_conflict(base, mine, &theirs) {
        MergeOutcome::Clean(merged) if merged == theirs => SaveDecision::Unchanged,
        MergeOutcome::Clean(merged) => SaveDecision::Merged(merged),
        MergeOutcome::Conflict(fields) => SaveDecision::Conflict(fields),
    }
}

/// True when `translation` was made from an older revision of the article's source text
/// (`source`, the translation in the article's source locale), or from an unknown one.
/// The source itself, or a translation of another article, is never stale.
pub fn translation_is_stale(translation: &ArticleTranslation, source: &ArticleTranslation) -> bool {
    if translation.article_id != source.article_id || translation.locale == source.locale {
        return false;
    }
    made_from_older_source(translation.source_revision, source.revision)
}

/// Whether a translation made from source revision `made_from` (`None`: unknown) is older
/// than the source at `source_revision`.
pub fn made_from_older_source(made_from: Option<i64>, source_revision: i64) -> bool {
    made_from.is_none_or(|r| r < source_revision)
}

/// A URL slug for an article title: [`crate::markdown::slugify`] (Turkish and Polish
/// letters folded to ASCII, Persian and other scripts kept as Unicode letters), or
/// `"article"` when the title has no letters or digits at all. Slugs are for readable URLs
/// only and need not be unique: look articles up by id.
pub fn article_slug(title: &str) -> String {
    let slug = crate::markdown::slugify(title);
    if slug.is_empty() {
        "article".to_string()
    } else {
        slug
    }
}

/// Validates a BCP-47 language tag (RFC 5646) and returns it in canonical case:
/// `PT_br` → `pt-BR`, `ZH-hant` → `zh-Hant`, `sr-latn-rs` → `sr-Latn-RS`.
///
/// Accepted: a 2–3 letter language, then optionally a 4-letter script, a region (2
/// letters or 3 digits), variants (`de-CH-1901`), extensions (`en-u-ca-gregory`) and a
/// private-use part (`en-x-legal`). `_` is read as `-`. Refused: anything else, including
/// grandfathered (`i-klingon`), private-use-only (`x-foo`) and extended-language tags
/// (write `yue`, not `zh-yue`), and 5–8 letter languages (so `english` is refused).
pub fn normalize_locale(field: &str, tag: &str) -> Result<String, DomainError> {
    let t = tag.trim();
    if t.is_empty() {
        return Err(DomainError::empty(field));
    }
    if t.len() > MAX_LOCALE_TAG {
        return Err(DomainError::too_long(field, MAX_LOCALE_TAG));
    }
    let bad = || {
        DomainError::invalid(
            field,
            format!("'{t}' is not a language tag such as en, tr, pl, fa, pt-BR or zh-Hant."),
        )
    };
    let alpha = |s: &str| s.bytes().all(|b| b.is_ascii_alphabetic());
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let alnum = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
    let subtags: Vec<&str> = t.split(['-', '_']).collect();
    if subtags
        .iter()
        .any(|s| s.is_empty() || s.len() > 8 || !alnum(s))
    {
        return Err(bad());
    }
    let n = subtags.len();
    let mut out: Vec<String> = Vec::with_capacity(n);
    let language = subtags[0];
    if !(2..=3).contains(&language.len()) || !alpha(language) {
        return Err(bad());
    }
    out.push(language.to_ascii_lowercase());
    let mut i = 1;
    if i < n && subtags[i].len() == 4 && alpha(subtags[i]) {
        let s = subtags[i].to_ascii_lowercase();
        out.push(s[..1].to_ascii_uppercase() + &s[1..]);
        i += 1;
    }
    if i < n {
        let s = subtags[i];
        if (s.len() == 2 && alpha(s)) || (s.len() == 3 && digits(s)) {
            out.push(s.to_ascii_uppercase());
            i += 1;
        }
    }
    let mut variants = HashSet::new();
    while i < n {
        let s = subtags[i];
        let variant =
            ((5..=8).contains(&s.len())) || (s.len() == 4 && s.as_bytes()[0].is_ascii_digit());
        if !variant {
            break;
        }
        let s = s.to_ascii_lowercase();
        if !variants.insert(s.clone()) {
            return Err(bad());
        }
        out.push(s);
        i += 1;
    }
    let mut singletons = HashSet::new();
    while i < n && subtags[i].len() == 1 && !subtags[i].eq_ignore_ascii_case("x") {
        let singleton = subtags[i].to_ascii_lowercase();
        if !singletons.insert(singleton.clone()) {
            return Err(bad());
        }
        out.push(singleton);
        i += 1;
        let start = i;
        while i < n && (2..=8).contains(&subtags[i].len()) {
            out.push(subtags[i].to_ascii_lowercase());
            i += 1;
        }
        if i == start {
            return Err(bad());
        }
    }
    if i < n && subtags[i].eq_ignore_ascii_case("x") {
        out.push("x".to_string());
        i += 1;
        if i == n {
            return Err(bad());
        }
        while i < n {
            out.push(subtags[i].to_ascii_lowercase());
            i += 1;
        }
    }
    if i != n {
        return Err(bad());
    }
    Ok(out.join("-"))
}

/// Whether `tag` is a language tag [`normalize_locale`] accepts.
pub fn is_valid_locale(tag: &str) -> bool {
    normalize_locale("locale", tag).is_ok()
}

/// The writing direction of a locale, for the `dir` attribute of a page, a preview or an
/// editor: `"rtl"` for Persian, Arabic, Hebrew, Urdu and the other right-to-left languages
/// (or any tag with a right-to-left script such as `-Arab`), `"ltr"` otherwise. A script
/// subtag decides over the language (`pa-Arab` is rtl, `ks-Deva` ltr).
pub fn text_direction(locale: &str) -> &'static str {
    const RTL_LANGUAGES: &[&str] = &[
        "ar", "arc", "azb", "bal", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "ks", "lrc", "mzn",
        "pnb", "prs", "ps", "sd", "syr", "ug", "ur", "yi",
    ];
    const RTL_SCRIPTS: &[&str] = &[
        "adlm", "arab", "hebr", "mand", "nkoo", "rohg", "samr", "syrc", "thaa",
    ];
    let mut parts = locale.trim().split(['-', '_']);
    let language = parts.next().unwrap_or("").to_ascii_lowercase();
    let script = parts
        .next()
        .filter(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase);
    let rtl = match script {
        Some(s) => RTL_SCRIPTS.contains(&s.as_str()),
        None => RTL_LANGUAGES.contains(&language.as_str()),
    };
    if rtl {
        "rtl"
    } else {
        "ltr"
    }
}

/// The best of `available` for a reader who wants `wanted`: the same tag (any case, `_` or
/// `-`), else the longest available prefix of it (`zh-Hant-TW` → `zh-Hant` → `zh`), else
/// any tag of the same language (`pt-PT` → `pt-BR`). `None` when nothing fits: the caller
/// falls back to the article's source locale.
pub fn best_locale<'a, S: AsRef<str>>(wanted: &str, available: &'a [S]) -> Option<&'a str> {
    let wanted = wanted.trim().replace('_', "-");
    let parts: Vec<&str> = wanted.split('-').collect();
    if parts[0].is_empty() {
        return None;
    }
    for len in (1..=parts.len()).rev() {
        let prefix = parts[..len].join("-");
        if let Some(hit) = available
            .iter()
            .map(AsRef::as_ref)
            .find(|a| a.replace('_', "-").eq_ignore_ascii_case(&prefix))
        {
            return Some(hit);
        }
    }
    available.iter().map(AsRef::as_ref).find(|a| {
        a.split(['-', '_'])
            .next()
            .is_some_and(|l| l.eq_ignore_ascii_case(parts[0]))
    })
}

/// Article markdown as stored: line endings unified to `\n` (so a save from Windows and
/// one from macOS compare equal), NUL and other control characters except tab and newline
/// removed (PostgreSQL refuses NUL in text), a leading byte-order mark and leading blank
/// lines dropped, trailing whitespace trimmed. Indentation of the first line is kept (it
/// can mean a code block).
pub fn normalize_markdown(body: &str) -> String {
    let unified = body.replace("\r\n", "\n").replace('\r', "\n");
    let cleaned: String = unified
        .trim_start_matches('\u{FEFF}')
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let mut start = 0;
    for line in cleaned.split_inclusive('\n') {
        if line.trim().is_empty() && line.ends_with('\n') {
            start += line.len();
        } else {
            break;
        }
    }
    cleaned[start..].trim_end().to_string()
}

/// Intent-level changes to the knowledge base. Kept apart from [`crate::Mutation`] so the
/// ticket engine is untouched; serialised the same way (`{"name": …, "args": {…}}`) with
/// names that no ticket mutation uses, so one outbox can carry both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "name", content = "args", rename_all = "snake_case")]
#[ts(export)]
pub enum KbMutation {
    CreateCategory {
        id: String,
        #[ts(type = "number")]
        position: i64,
        names: BTreeMap<String, String>,
        descriptions: BTreeMap<String, String>,
    },
    /// Replaces the category's names and descriptions (all locales).
    UpdateCategory {
        id: String,
        names: BTreeMap<String, String>,
        descriptions: BTreeMap<String, String>,
    },
    MoveCategory {
        id: String,
        #[ts(type = "number")]
        position: i64,
    },
    /// A new draft article with its source translation at revision 1.
    CreateArticle {
        id: String,
        /// Id of the first revision.
        revision_id: String,
        category_id: Option<String>,
        source_locale: String,
        title: String,
        body_markdown: String,
        visibility: ArticleVisibility,
        tags: Vec<String>,
    },
    /// Saves one locale's text (source or translation), creating the translation if needed.
    SaveTranslation {
        article_id: String,
        locale: String,
        /// Id of the revision this save creates (or of its conflict draft).
        revision_id: String,
        /// The revision the editor started from; 0 for a new translation.
        #[ts(type = "number")]
        base_revision: i64,
        /// For a translation: the source revision it was translated from.
        #[ts(type = "number | null")]
        source_revision: Option<i64>,
        title: String,
        body_markdown: String,
    },
    SetArticleStatus {
        article_id: String,
        status: ArticleStatus,
    },
    SetArticleVisibility {
        article_id: String,
        visibility: ArticleVisibility,
    },
    SetArticleTags {
        article_id: String,
        tags: Vec<String>,
    },
    SetArticleCategory {
        article_id: String,
        category_id: Option<String>,
    },
    DeleteArticle {
        article_id: String,
    },
    RestoreArticle {
        article_id: String,
    },
    /// Makes an old revision's text current again, as a new revision.
    RestoreRevision {
        article_id: String,
        locale: String,
        /// The revision whose text comes back.
        #[ts(type = "number")]
        revision: i64,
        revision_id: String,
        /// The revision the editor was looking at (conflict detection, as for saves).
        #[ts(type = "number")]
        base_revision: i64,
    },
    /// The author has dealt with a conflict draft (merged it by a new save, or dropped it).
    ResolveConflict {
        conflict_id: String,
    },
}

impl KbMutation {
    /// Every KB mutation's name (none is also a ticket mutation's name).
    pub const NAMES: &'static [&'static str] = &[
        "create_category",
        "update_category",
        "move_category",
        "create_article",
        "save_translation",
        "set_article_status",
        "set_article_visibility",
        "set_article_tags",
        "set_article_category",
        "delete_article",
        "restore_article",
        "restore_revision",
        "resolve_conflict",
    ];

    pub fn name(&self) -> &'static str {
        match self {
            KbMutation::CreateCategory { .. } => "create_category",
            KbMutation::UpdateCategory { .. } => "update_category",
            KbMutation::MoveCategory { .. } => "move_category",
            KbMutation::CreateArticle { .. } => "create_article",
            KbMutation::SaveTranslation { .. } => "save_translation",
            KbMutation::SetArticleStatus { .. } => "set_article_status",
            KbMutation::SetArticleVisibility { .. } => "set_article_visibility",
            KbMutation::SetArticleTags { .. } => "set_article_tags",
            KbMutation::SetArticleCategory { .. } => "set_article_category",
            KbMutation::DeleteArticle { .. } => "delete_article",
            KbMutation::RestoreArticle { .. } => "restore_article",
            KbMutation::RestoreRevision { .. } => "restore_revision",
            KbMutation::ResolveConflict { .. } => "resolve_conflict",
        }
    }

    /// Checks everything that can be checked without the database and normalises the
    /// mutation: trimmed one-line titles and names, canonical locale tags, stored-form
    /// markdown, lower-case sorted unique tags.
    pub fn validated(mut self) -> Result<Self, DomainError> {
        match &mut self {
            KbMutation::CreateCategory {
                id,
                position,
                names,
                descriptions,
            } => {
                require_id("id", id)?;
                require_position(*position)?;
                *names = locale_texts("category_name", names, MAX_CATEGORY_NAME, true)?;
                *descriptions = locale_texts(
                    "category_description",
                    descriptions,
                    MAX_CATEGORY_DESCRIPTION,
                    false,
                )?;
            }
            KbMutation::UpdateCategory {
                id,
                names,
                descriptions,
            } => {
                require_id("id", id)?;
                *names = locale_texts("category_name", names, MAX_CATEGORY_NAME, true)?;
                *descriptions = locale_texts(
                    "category_description",
                    descriptions,
                    MAX_CATEGORY_DESCRIPTION,
                    false,
                )?;
            }
            KbMutation::MoveCategory { id, position } => {
                require_id("id", id)?;
                require_position(*position)?;
            }
            KbMutation::CreateArticle {
                id,
                revision_id,
                category_id,
                source_locale,
                title,
                body_markdown,
                tags,
                ..
            } => {
                require_id("id", id)?;
                require_id("revision_id", revision_id)?;
                optional_id("category_id", category_id)?;
                *source_locale = normalize_locale("source_locale", source_locale)?;
                *title = valid_title(title)?;
                *body_markdown = valid_body(body_markdown)?;
                *tags = valid_tags(tags)?;
            }
            KbMutation::SaveTranslation {
                article_id,
                locale,
                revision_id,
                base_revision,
                source_revision,
                title,
                body_markdown,
            } => {
                require_id("article_id", article_id)?;
                require_id("revision_id", revision_id)?;
                *locale = normalize_locale("locale", locale)?;
                if *base_revision < 0 {
                    return Err(DomainError::invalid(
                        "base_revision",
                        "The base revision cannot be negative (0 means a new translation).",
                    ));
                }
                if source_revision.is_some_and(|r| r < 1) {
                    return Err(DomainError::invalid(
                        "source_revision",
                        "The source revision counts from 1.",
                    ));
                }
                *title = valid_title(title)?;
                *body_markdown = valid_body(body_markdown)?;
            }
            KbMutation::SetArticleStatus { article_id, .. }
            | KbMutation::SetArticleVisibility { article_id, .. }
            | KbMutation::DeleteArticle { article_id }
            | KbMutation::RestoreArticle { article_id } => require_id("article_id", article_id)?,
            KbMutation::SetArticleTags { article_id, tags } => {
                require_id("article_id", article_id)?;
                *tags = valid_tags(tags)?;
            }
            KbMutation::SetArticleCategory {
                article_id,
                category_id,
            } => {
                require_id("article_id", article_id)?;
                optional_id("category_id", category_id)?;
            }
            KbMutation::RestoreRevision {
                article_id,
                locale,
                revision,
                revision_id,
                base_revision,
            } => {
                require_id("article_id", article_id)?;
                require_id("revision_id", revision_id)?;
                *locale = normalize_locale("locale", locale)?;
                if *revision < 1 {
                    return Err(DomainError::invalid("revision", "Revisions count from 1."));
                }
                if *base_revision < 1 {
                    return Err(DomainError::invalid(
                        "base_revision",
                        "Only an existing translation can go back to an older revision.",
                    ));
                }
                if revision == base_revision {
                    return Err(DomainError::invalid(
                        "revision",
                        "That revision is already the current text.",
                    ));
                }
            }
            KbMutation::ResolveConflict { conflict_id } => require_id("conflict_id", conflict_id)?,
        }
        Ok(self)
    }
}

fn require_id(field: &str, id: &str) -> Result<(), DomainError> {
    if id.trim().is_empty() {
        return Err(DomainError::empty(field));
    }
    if id.len() > MAX_ID {
        return Err(DomainError::too_long(field, MAX_ID));
    }
    Ok(())
}

fn optional_id(field: &str, id: &mut Option<String>) -> Result<(), DomainError> {
    if id.as_deref().is_some_and(|i| i.trim().is_empty()) {
        *id = None;
    }
    match id {
        Some(i) => require_id(field, i),
        None => Ok(()),
    }
}

fn require_position(position: i64) -> Result<(), DomainError> {
    if position < 0 {
        return Err(DomainError::invalid(
            "position",
            "The position cannot be negative.",
        ));
    }
    Ok(())
}

/// One line of text: control characters removed, runs of whitespace (newlines included)
/// made one space, trimmed.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn valid_title(title: &str) -> Result<String, DomainError> {
    required_text("title", &one_line(title), MAX_ARTICLE_TITLE)
}

fn valid_body(body: &str) -> Result<String, DomainError> {
    // Refuse before normalising: the limit protects the work done on the text too.
    if body.len() > MAX_ARTICLE_BODY_BYTES * 2 {
        return Err(body_too_large());
    }
    let body = normalize_markdown(body);
    if body.len() > MAX_ARTICLE_BODY_BYTES {
        return Err(body_too_large());
    }
    Ok(body)
}

fn body_too_large() -> DomainError {
    DomainError::new(
        ErrorCode::TooLong,
        Some("body_markdown"),
        format!(
            "The article text is too long (at most {} KiB; put images in attachments).",
            MAX_ARTICLE_BODY_BYTES / 1024
        ),
    )
}

fn valid_tags(tags: &[String]) -> Result<Vec<String>, DomainError> {
    let mut clean = tags
        .iter()
        .map(|t| valid_tag(t))
        .collect::<Result<Vec<_>, _>>()?;
    clean.sort();
    clean.dedup();
    if clean.len() > MAX_ARTICLE_TAGS {
        return Err(DomainError::new(
            ErrorCode::TooLong,
            Some("tags"),
            format!("An article can have at most {MAX_ARTICLE_TAGS} tags."),
        ));
    }
    Ok(clean)
}

/// Texts per locale: keys made canonical BCP-47 tags, values one-line and trimmed. Empty
/// values are dropped when optional and refused when required; at least one entry is
/// required when `required`.
fn locale_texts(
    field: &str,
    texts: &BTreeMap<String, String>,
    max: usize,
    required: bool,
) -> Result<BTreeMap<String, String>, DomainError> {
    if texts.len() > MAX_CATEGORY_LOCALES {
        return Err(DomainError::new(
            ErrorCode::TooLong,
            Some(field),
            format!("At most {MAX_CATEGORY_LOCALES} languages per category."),
        ));
    }
    let mut out = BTreeMap::new();
    for (locale, text) in texts {
        let locale = normalize_locale("locale", locale)?;
        let text = one_line(text);
        if text.is_empty() && !required {
            continue;
        }
        let text = required_text(field, &text, max)?;
        if out.insert(locale.clone(), text).is_some() {
            return Err(DomainError::invalid(
                "locale",
                format!("The language {locale} is given twice."),
            ));
        }
    }
    if required && out.is_empty() {
        return Err(DomainError::empty(field));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translation(
        locale: &str,
        revision: i64,
        source_revision: Option<i64>,
    ) -> ArticleTranslation {
        ArticleTranslation {
            article_id: "a1".into(),
            locale: locale.into(),
            title: "Title".into(),
            body_markdown: "Body".into(),
            revision,
            source_revision,
            updated_by: "agent".into(),
            updated_at: 0,
        }
    }

    fn content(title: &str, body: &str) -> TranslationContent {
        TranslationContent {
            title: title.into(),
            body_markdown: body.into(),
        }
    }

    fn at_revision(revision: i64, c: &TranslationContent) -> ArticleTranslation {
        ArticleTranslation {
            title: c.title.clone(),
            body_markdown: c.body_markdown.clone(),
            ..translation("tr", revision, Some(1))
        }
    }

    fn save(locale: &str, base: i64, title: &str, body: &str) -> KbMutation {
        KbMutation::SaveTranslation {
            article_id: "a1".into(),
            locale: locale.into(),
            revision_id: "r9".into(),
            base_revision: base,
            source_revision: Some(3),
            title: title.into(),
            body_markdown: body.into(),
        }
    }

    fn refusal(m: KbMutation) -> (ErrorCode, Option<String>) {
        let e = m.validated().unwrap_err();
        assert!(!e.message.is_empty());
        (e.code, e.field)
    }

    #[test]
    fn language_tags_are_checked_and_made_canonical() {
        for (input, canonical) in [
            ("en", "en"),
            ("tr", "tr"),
            ("pl", "pl"),
            ("fa", "fa"),
            ("FA", "fa"),
            (" pt-BR ", "pt-BR"),
            ("pt_br", "pt-BR"),
            ("zh-hant", "zh-Hant"),
            ("ZH-HANT-tw", "zh-Hant-TW"),
            ("sr-latn-rs", "sr-Latn-RS"),
            ("es-419", "es-419"),
            ("de-CH-1901", "de-CH-1901"),
            ("sl-rozaj-biske", "sl-rozaj-biske"),
            ("en-US-u-ca-gregory", "en-US-u-ca-gregory"),
            ("en-x-Legal", "en-x-legal"),
            ("yue", "yue"),
        ] {
            assert_eq!(
                normalize_locale("locale", input).as_deref(),
                Ok(canonical),
                "{input}"
            );
        }
        for garbage in [
            "e",
            "english",
            "en-",
            "-en",
            "en--US",
            "en_US_",
            "123",
            "e1",
            "en-Latn-Latn",
            "en-US-US",
            "de-1901-1901",
            "fa IR",
            "i-klingon",
            "x-private",
            "en-a",
            "en-a-bb-a-cc",
            "en-x",
            "en-USA",
            "zh-yue",
            "<script>",
            "en-US;drop",
            "fa-ایران",
        ] {
            let e = normalize_locale("locale", garbage).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                (ErrorCode::InvalidValue, Some("locale")),
                "{garbage}"
            );
            assert!(!is_valid_locale(garbage));
        }
        assert_eq!(
            normalize_locale("locale", "  ").unwrap_err().code,
            ErrorCode::EmptyField
        );
        assert_eq!(
            normalize_locale("locale", &format!("en-x-{}", "-abcdefgh".repeat(4)))
                .unwrap_err()
                .code,
            ErrorCode::TooLong
        );
    }

    #[test]
    fn writing_direction_follows_language_and_script() {
        for rtl in [
            "fa",
            "fa-IR",
            "ar",
            "he",
            "ur",
            "ckb",
            "ps",
            "pa-Arab",
            "az-Arab-IR",
            "FA",
        ] {
            assert_eq!(text_direction(rtl), "rtl", "{rtl}");
        }
        for ltr in [
            "en",
            "tr",
            "pl",
            "pt-BR",
            "zh-Hant",
            "sr-Latn-RS",
            "ks-Deva",
            "",
            "xx",
        ] {
            assert_eq!(text_direction(ltr), "ltr", "{ltr}");
        }
    }

    #[test]
    fn readers_get_the_closest_language() {
        let available = ["en", "tr", "pt-BR", "zh-Hant", "zh"];
        assert_eq!(best_locale("tr", &available), Some("tr"));
        assert_eq!(best_locale("TR-tr", &available), Some("tr"));
        assert_eq!(best_locale("pt_br", &available), Some("pt-BR"));
        assert_eq!(best_locale("pt-PT", &available), Some("pt-BR"));
        assert_eq!(best_locale("zh-Hant-TW", &available), Some("zh-Hant"));
        assert_eq!(best_locale("zh-Hans-CN", &available), Some("zh"));
        assert_eq!(best_locale("fa", &available), None);
        assert_eq!(best_locale("", &available), None);

        let category = KbCategory {
            id: "c".into(),
            position: 0,
            names: [("en", "Billing"), ("fa", "صورت‌حساب")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            descriptions: BTreeMap::new(),
            created_at: 0,
            updated_at: 0,
        };
        assert_eq!(category.name_for("fa-IR", "en"), Some("صورت‌حساب"));
        assert_eq!(category.name_for("pl", "en"), Some("Billing"));
        assert_eq!(category.name_for("pl", "de"), Some("Billing"));
    }

    #[test]
    fn translations_older_than_their_source_are_flagged() {
        let source = translation("en", 3, None);
        assert!(!translation_is_stale(
            &translation("tr", 1, Some(3)),
            &source
        ));
        assert!(translation_is_stale(
            &translation("tr", 4, Some(2)),
            &source
        ));
        assert!(translation_is_stale(&translation("fa", 1, None), &source));
        assert!(!translation_is_stale(&source, &source));
        // The source moves on: the Turkish translation made from revision 3 is now behind.
        let edited = translation("en", 4, None);
        assert!(translation_is_stale(
            &translation("tr", 1, Some(3)),
            &edited
        ));
        let other_article = ArticleTranslation {
            article_id: "a2".into(),
            ..translation("tr", 1, Some(1))
        };
        assert!(!translation_is_stale(&other_article, &source));
    }

    #[test]
    fn three_way_merge_never_drops_a_change() {
        let base = content("Refunds", "Refunds take 14 days.");
        // They fixed the body, I renamed the title: both changes kept.
        let mine = content("Getting a refund", "Refunds take 14 days.");
        let theirs = content("Refunds", "Refunds take up to 14 days.");
        assert_eq!(
            three_way_conflict(Some(&base), &mine, &theirs),
            MergeOutcome::Clean(content("Getting a refund", "Refunds take up to 14 days."))
        );
        // Both rewrote the body differently: a conflict on the body only.
        let mine = content("Refunds", "Refunds take two weeks.");
        assert_eq!(
            three_way_conflict(Some(&base), &mine, &theirs),
            MergeOutcome::Conflict(vec![ConflictField::Body])
        );
        // Both changed everything differently.
        let mine = content("Money back", "Two weeks.");
        let retitled = content("Refund policy", "Refunds take up to 14 days.");
        assert_eq!(
            three_way_conflict(Some(&base), &mine, &retitled),
            MergeOutcome::Conflict(vec![ConflictField::Title, ConflictField::Body])
        );
        // Both made the same change: no conflict.
        assert_eq!(
            three_way_conflict(Some(&base), &theirs, &theirs),
            MergeOutcome::Clean(theirs.clone())
        );
        // I changed nothing: theirs stands.
        assert_eq!(
            three_way_conflict(Some(&base), &base, &theirs),
            MergeOutcome::Clean(theirs.clone())
        );
        // Base unknown: any difference is a conflict.
        assert_eq!(
            three_way_conflict(None, &content("Refunds", "Mine."), &theirs),
            MergeOutcome::Conflict(vec![ConflictField::Body])
        );
    }

    #[test]
    fn stale_saves_become_conflicts_never_overwrites() {
        let r1 = content("Kargo", "Kargo 3 günde gelir.");
        let r2 = content("Kargo", "Kargo 2-3 günde gelir."); // a colleague's save
        let current = at_revision(2, &r2);

        assert_eq!(
            decide_translation_save(None, 0, None, &r1),
            SaveDecision::Create
        );
        // Saved from the current revision: simply the next revision.
        let next = content("Kargo", "Kargo 2 günde gelir.");
        assert_eq!(
            decide_translation_save(Some(&current), 2, Some(&r2), &next),
            SaveDecision::FastForward
        );
        assert_eq!(
            decide_translation_save(Some(&current), 2, Some(&r2), &r2),
            SaveDecision::Unchanged
        );
        // Edited offline from revision 1, body changed differently: conflict, text kept aside.
        let mine = content("Kargo", "Kargo 1 günde gelir.");
        assert_eq!(
            decide_translation_save(Some(&current), 1, Some(&r1), &mine),
            SaveDecision::Conflict(vec![ConflictField::Body])
        );
        // Edited offline from revision 1, only the title changed: merged with their body.
        let retitled = content("Kargo süresi", "Kargo 3 günde gelir.");
        assert_eq!(
            decide_translation_save(Some(&current), 1, Some(&r1), &retitled),
            SaveDecision::Merged(content("Kargo süresi", "Kargo 2-3 günde gelir."))
        );
        // Stale but I changed nothing of what they changed and nothing else: unchanged.
        assert_eq!(
            decide_translation_save(Some(&current), 1, Some(&r1), &r1),
            SaveDecision::Unchanged
        );
        // Base text no longer known (history pruned): a difference is a conflict.
        assert_eq!(
            decide_translation_save(Some(&current), 1, None, &retitled),
            SaveDecision::Conflict(vec![ConflictField::Title, ConflictField::Body])
        );
        // Both created the same translation offline (base 0) with different text.
        assert_eq!(
            decide_translation_save(Some(&current), 0, Some(&r1), &mine),
            SaveDecision::Conflict(vec![ConflictField::Body])
        );
        // A base from the future is not trusted as a fast-forward.
        assert_eq!(
            decide_translation_save(Some(&current), 7, Some(&r1), &mine),
            SaveDecision::Conflict(vec![ConflictField::Body])
        );
    }

    #[test]
    fn save_translation_is_normalised() {
        let m = save(
            "PT_br",
            2,
            "  Como   pedir\nreembolso \u{0}",
            "\u{FEFF}\r\n\r\n    indented code\r\nline two\r\n\r\n",
        )
        .validated()
        .unwrap();
        let KbMutation::SaveTranslation {
            locale,
            title,
            body_markdown,
            ..
        } = m
        else {
            unreachable!()
        };
        assert_eq!(locale, "pt-BR");
        assert_eq!(title, "Como pedir reembolso");
        assert_eq!(body_markdown, "    indented code\nline two");
        assert_eq!(normalize_markdown("a\rb\u{0}c\u{7}\td"), "a\nbc\td");
    }

    #[test]
    fn bad_saves_are_refused_with_their_field() {
        assert_eq!(
            refusal(save("tr", 1, "   ", "x")),
            (ErrorCode::EmptyField, Some("title".into()))
        );
        assert_eq!(
            refusal(save("tr", 1, &"ş".repeat(MAX_ARTICLE_TITLE + 1), "x")),
            (ErrorCode::TooLong, Some("title".into()))
        );
        // Exactly at the limit is fine, counted in characters, not bytes.
        assert!(save("tr", 1, &"ş".repeat(MAX_ARTICLE_TITLE), "x")
            .validated()
            .is_ok());
        assert_eq!(
            refusal(save("klingon", 1, "t", "x")),
            (ErrorCode::InvalidValue, Some("locale".into()))
        );
        assert_eq!(
            refusal(save("tr", -1, "t", "x")),
            (ErrorCode::InvalidValue, Some("base_revision".into()))
        );
        // The body limit is in bytes: Persian letters are two bytes each.
        let at_limit = "ب".repeat(MAX_ARTICLE_BODY_BYTES / 2);
        assert!(save("fa", 1, "t", &at_limit).validated().is_ok());
        let over = format!("{at_limit}ب");
        let e = save("fa", 1, "t", &over).validated().unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::TooLong, Some("body_markdown"))
        );
        assert!(e.message.contains("512 KiB"), "{}", e.message);
        // An empty body is a valid draft.
        assert!(save("fa", 0, "t", "").validated().is_ok());
    }

    #[test]
    fn articles_and_categories_are_normalised() {
        let m = KbMutation::CreateArticle {
            id: "a1".into(),
            revision_id: "r1".into(),
            category_id: Some("  ".into()),
            source_locale: "EN".into(),
            title: " Şifre sıfırlama ".into(),
            body_markdown: "Hi\r\n".into(),
            visibility: ArticleVisibility::Public,
            tags: vec!["Hesap".into(), "hesap".into(), "Çok Adım".into()],
        }
        .validated()
        .unwrap();
        let KbMutation::CreateArticle {
            category_id,
            source_locale,
            title,
            body_markdown,
            tags,
            ..
        } = m
        else {
            unreachable!()
        };
        assert_eq!(category_id, None);
        assert_eq!(source_locale, "en");
        assert_eq!(title, "Şifre sıfırlama");
        assert_eq!(body_markdown, "Hi");
        assert_eq!(tags, ["hesap", "çok-adım"]);

        let too_many: Vec<String> = (0..=MAX_ARTICLE_TAGS).map(|i| format!("t{i}")).collect();
        assert_eq!(
            refusal(KbMutation::SetArticleTags {
                article_id: "a1".into(),
                tags: too_many,
            }),
            (ErrorCode::TooLong, Some("tags".into()))
        );
        assert_eq!(
            refusal(KbMutation::SetArticleTags {
                article_id: "a1".into(),
                tags: vec!["a:b".into()],
            }),
            (ErrorCode::InvalidValue, Some("tag".into()))
        );

        let names = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let m = KbMutation::CreateCategory {
            id: "c1".into(),
            position: 3,
            names: names(&[("EN", " Billing "), ("fa", "صورت‌حساب"), ("pl", "Płatności")]),
            descriptions: names(&[("en", "   "), ("tr", " Ödemeler ")]),
        }
        .validated()
        .unwrap();
        let KbMutation::CreateCategory {
            names: n,
            descriptions: d,
            ..
        } = m
        else {
            unreachable!()
        };
        assert_eq!(
            n,
            names(&[("en", "Billing"), ("fa", "صورت‌حساب"), ("pl", "Płatności")])
        );
        assert_eq!(d, names(&[("tr", "Ödemeler")]));

        let category = |names, position| KbMutation::CreateCategory {
            id: "c1".into(),
            position,
            names,
            descriptions: BTreeMap::new(),
        };
        assert_eq!(
            refusal(category(BTreeMap::new(), 0)),
            (ErrorCode::EmptyField, Some("category_name".into()))
        );
        assert_eq!(
            refusal(category(names(&[("en", "  ")]), 0)),
            (ErrorCode::EmptyField, Some("category_name".into()))
        );
        assert_eq!(
            refusal(category(names(&[("pt-br", "A"), ("pt-BR", "B")]), 0)),
            (ErrorCode::InvalidValue, Some("locale".into()))
        );
        assert_eq!(
            refusal(category(names(&[("english", "A")]), 0)),
            (ErrorCode::InvalidValue, Some("locale".into()))
        );
        assert_eq!(
            refusal(category(names(&[("en", "A")]), -1)),
            (ErrorCode::InvalidValue, Some("position".into()))
        );
        assert_eq!(
            refusal(KbMutation::RestoreRevision {
                article_id: "a1".into(),
                locale: "en".into(),
                revision: 4,
                revision_id: "r".into(),
                base_revision: 4,
            }),
            (ErrorCode::InvalidValue, Some("revision".into()))
        );
        assert_eq!(
            refusal(KbMutation::DeleteArticle {
                article_id: " ".into()
            }),
            (ErrorCode::EmptyField, Some("article_id".into()))
        );
    }

    fn one_of_each() -> Vec<KbMutation> {
        let id = || "x1".to_string();
        let names: BTreeMap<String, String> = [("en".to_string(), "N".to_string())].into();
        vec![
            KbMutation::CreateCategory {
                id: id(),
                position: 0,
                names: names.clone(),
                descriptions: BTreeMap::new(),
            },
            KbMutation::UpdateCategory {
                id: id(),
                names,
                descriptions: BTreeMap::new(),
            },
            KbMutation::MoveCategory {
                id: id(),
                position: 1,
            },
            KbMutation::CreateArticle {
                id: id(),
                revision_id: id(),
                category_id: None,
                source_locale: "en".into(),
                title: "T".into(),
                body_markdown: String::new(),
                visibility: ArticleVisibility::Internal,
                tags: vec![],
            },
            save("en", 1, "T", "B"),
            KbMutation::SetArticleStatus {
                article_id: id(),
                status: ArticleStatus::Published,
            },
            KbMutation::SetArticleVisibility {
                article_id: id(),
                visibility: ArticleVisibility::Public,
            },
            KbMutation::SetArticleTags {
                article_id: id(),
                tags: vec![],
            },
            KbMutation::SetArticleCategory {
                article_id: id(),
                category_id: Some(id()),
            },
            KbMutation::DeleteArticle { article_id: id() },
            KbMutation::RestoreArticle { article_id: id() },
            KbMutation::RestoreRevision {
                article_id: id(),
                locale: "en".into(),
                revision: 1,
                revision_id: id(),
                base_revision: 2,
            },
            KbMutation::ResolveConflict { conflict_id: id() },
        ]
    }

    #[test]
    fn kb_mutations_travel_by_name_beside_ticket_mutations() {
        let all = one_of_each();
        let mut seen = HashSet::new();
        for m in all {
            assert!(m.clone().validated().is_ok(), "{m:?}");
            let json = serde_json::to_value(&m).unwrap();
            assert_eq!(json["name"], m.name());
            assert!(json["args"].is_object());
            assert!(seen.insert(m.name()), "{} twice", m.name());
            // Round trip, and never mistaken for a ticket mutation in a shared outbox.
            assert_eq!(
                serde_json::from_value::<KbMutation>(json.clone()).unwrap(),
                m
            );
            assert!(
                serde_json::from_value::<crate::Mutation>(json).is_err(),
                "{} is also a ticket mutation name",
                m.name()
            );
        }
        let ticket = crate::Mutation::DeleteTicket {
            ticket_id: "t".into(),
        };
        assert!(
            serde_json::from_value::<KbMutation>(serde_json::to_value(ticket).unwrap()).is_err()
        );
    }

    #[test]
    fn slugs_votes_and_help_center_visibility() {
        assert_eq!(article_slug("Şifremi unuttum"), "sifremi-unuttum");
        assert_eq!(article_slug("Zwrot pieniędzy"), "zwrot-pieniedzy");
        assert_eq!(article_slug("بازگرداندن وجه"), "بازگرداندن-وجه");
        assert_eq!(article_slug("?!"), "article");

        let votes = ArticleVotes {
            article_id: "a".into(),
            helpful: 2,
            not_helpful: 1,
        };
        assert_eq!(votes.helpful_percent(), Some(67));
        assert_eq!(ArticleVotes::default().helpful_percent(), None);

        let mut article = Article {
            id: "a".into(),
            category_id: None,
            status: ArticleStatus::Published,
            visibility: ArticleVisibility::Public,
            tags: vec![],
            source_locale: "en".into(),
            created_at: 0,
            updated_at: 0,
            deleted_at: None,
        };
        assert!(article.is_on_help_center());
        article.visibility = ArticleVisibility::Internal;
        assert!(!article.is_on_help_center());
        article.visibility = ArticleVisibility::Public;
        article.status = ArticleStatus::Draft;
        assert!(!article.is_on_help_center());
        article.status = ArticleStatus::Published;
        article.deleted_at = Some(1);
        assert!(!article.is_on_help_center());
        assert_eq!(
            ArticleStatus::parse("status", "archived"),
            Ok(ArticleStatus::Archived)
        );
        assert_eq!(
            ArticleStatus::parse("status", "live").unwrap_err().code,
            ErrorCode::InvalidValue
        );
    }

    #[test]
    fn line_diff_marks_each_line_once_in_order() {
        let d = line_diff("a\nb\nc\nd", "a\nc\nx\nd");
        let got: Vec<(&str, &str)> = d
            .iter()
            .map(|l| (l.kind.as_str(), l.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("same", "a"),
                ("removed", "b"),
                ("same", "c"),
                ("added", "x"),
                ("same", "d")
            ]
        );
        assert!(line_diff("same", "same")
            .iter()
            .all(|l| l.kind == DiffKind::Same));
        let big = "x\n".repeat(MAX_DIFF_LINES + 1);
        let d = line_diff(&big, "y");
        assert_eq!(d.last().unwrap().kind, DiffKind::Added);
        assert_eq!(d.len(), MAX_DIFF_LINES + 2);
    }
}

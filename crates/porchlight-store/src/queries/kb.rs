//! The knowledge base on the desktop: the one write path for KB changes ([`Store::apply_kb`],
//! which runs the domain's KB engine over the KB tables, whose rows `queries::kb_docs`
//! reads and writes), the editor's lists and search (FTS5 over titles and plain-text bodies,
//! ranked with titles first), autosaved drafts, and the articles suggested while answering a
//! ticket.

use porchlight_domain::apply::Actor;
use porchlight_domain::docs::{translation_doc_id, Doc, DocKind, DocWrite};
use porchlight_domain::filter::fts_match;
use porchlight_domain::kb::{
    best_locale, help_center_url, made_from_older_source, normalize_locale, translation_is_stale,
    Article, ArticleRevision, ArticleTranslation, ArticleVisibility, ArticleVotes, KbArticleDetail,
    KbArticleFilter, KbArticleSummary, KbCategory, KbDraft, KbMutation, KbSuggestion,
    KbTranslationView, TranslationConflict, MAX_ARTICLE_BODY_BYTES, MAX_ARTICLE_TITLE,
};
use porchlight_domain::kb_apply::{apply_kb, authorize_kb, KbStateView};
use porchlight_domain::markdown::excerpt;
use porchlight_domain::{DomainError, ErrorCode};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};

use super::kb_docs::{delete_doc, json, read_doc, write_doc, EXCERPT_CHARS};
use super::{agents, settings};
use crate::{now_ms, Store, StoreResult};

/// Most articles one list or search answers with.
pub const KB_LIST_LIMIT: usize = 100;
const SUGGESTIONS: usize = 5;
/// Matching translations with their rank (titles weigh five times the body), bound to the
/// first parameter. Materialised: FTS5's bm25 cannot run inside an aggregate.
const HITS: &str = "WITH hits AS MATERIALIZED (
  SELECT rowid, bm25(kb_fts, 5.0, 1.0) AS rank FROM kb_fts WHERE kb_fts MATCH ?)";

/// The domain's KB engine reads the store through this.
struct View<'a>(&'a Connection);

fn storage(e: crate::StoreError) -> DomainError {
    match e {
        crate::StoreError::Domain(d) => d,
        other => DomainError::new(ErrorCode::Storage, None, other.to_string()),
    }
}

macro_rules! view_get {
    ($fn:ident, $kind:ident, $ty:ty) => {
        fn $fn(&mut self, id: &str) -> Result<Option<$ty>, DomainError> {
            match read_doc(self.0, DocKind::$kind, id).map_err(storage)? {
                Some(Doc::$kind(d)) => Ok(Some(d)),
                _ => Ok(None),
            }
        }
    };
}

impl KbStateView for View<'_> {
    view_get!(kb_category, KbCategory, KbCategory);
    view_get!(kb_article, KbArticle, Article);
    view_get!(kb_conflict, KbConflict, TranslationConflict);
    view_get!(kb_revision_by_id, KbRevision, ArticleRevision);

    fn kb_translation(
        &mut self,
        article_id: &str,
        locale: &str,
    ) -> Result<Option<ArticleTranslation>, DomainError> {
        let id = translation_doc_id(article_id, locale);
        match read_doc(self.0, DocKind::KbTranslation, &id).map_err(storage)? {
            Some(Doc::KbTranslation(t)) => Ok(Some(t)),
            _ => Ok(None),
        }
    }

    fn kb_revision(
        &mut self,
        article_id: &str,
        locale: &str,
        revision: i64,
    ) -> Result<Option<ArticleRevision>, DomainError> {
        let body: Option<String> = self
            .0
            .prepare_cached(
                "SELECT doc FROM kb_revisions WHERE article_id = ?1 AND locale = ?2 AND revision = ?3
                 ORDER BY rowid DESC LIMIT 1",
            )
            .and_then(|mut st| {
                st.query_row(params![article_id, locale, revision], |r| r.get(0))
                    .optional()
            })
            .map_err(|e| storage(e.into()))?;
        body.map(|b| json(&b).map_err(storage)).transpose()
    }
}

/// Runs the KB engine for one mutation inside `tx` and writes what it decided. Connected to
/// a server, the server's version of every document about to change is kept first (so a
/// pull can put it back and rebase), exactly as for ticket work.
pub(crate) fn apply_in_tx(
    tx: &Transaction<'_>,
    m: &KbMutation,
    actor: &Actor,
    at: i64,
    connected: bool,
) -> StoreResult<Vec<DocWrite>> {
    authorize_kb(m, actor)?;
    let writes = apply_kb(m, actor, at, &mut View(tx))?;
    for w in &writes {
        let key = w.key();
        if connected {
            crate::outbox::shadow(tx, key.kind, &key.id)?;
        }
        match w {
            DocWrite::Put { doc } => write_doc(tx, doc)?,
            DocWrite::Delete { key } => delete_doc(tx, key.kind, &key.id)?,
        }
    }
    Ok(writes)
}

fn actor_of(c: &Connection, me: &str) -> StoreResult<Actor> {
    let a = agents::get(c, me)?;
    Ok(Actor {
        id: a.id,
        name: a.name,
        role: a.role,
    })
}

impl Store {
    /// Applies one knowledge-base change: validated, authorised by the agent's role, applied
    /// by the domain's KB engine, recorded, and queued for the server when connected. A
    /// saved translation also drops this desktop's autosaved draft of it.
    pub fn apply_kb(&self, m: KbMutation) -> StoreResult<()> {
        let me = self.me().ok_or_else(|| {
            DomainError::new(
                ErrorCode::NotFound,
                Some("profile"),
                "Create your agent profile first.",
            )
        })?;
        let m = m.validated()?;
        self.with_tx(|tx| {
            let actor = actor_of(tx, &me)?;
            let connected = crate::outbox::is_connected(tx)?;
            let at = now_ms();
            apply_in_tx(tx, &m, &actor, at, connected)?;
            if connected {
                crate::outbox::append_outbox_entry(tx, m.name(), &serde_json::to_value(&m)?, at)?;
            }
            let (article, locale) = match &m {
                KbMutation::SaveTranslation {
                    article_id, locale, ..
                }
                | KbMutation::RestoreRevision {
                    article_id, locale, ..
                } => (article_id.as_str(), locale.as_str()),
                KbMutation::CreateArticle {
                    id, source_locale, ..
                } => (id.as_str(), source_locale.as_str()),
                _ => ("", ""),
            };
            tx.prepare_cached("DELETE FROM kb_drafts WHERE article_id = ?1 AND locale = ?2")?
                .execute(params![article, locale])?;
            tx.prepare_cached(
                "INSERT INTO mutations(actor_id, name, args, created_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![me, m.name(), serde_json::to_string(&m)?, now_ms()])?;
            Ok(())
        })
    }

    pub fn kb_categories(&self) -> StoreResult<Vec<KbCategory>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT doc FROM kb_categories ORDER BY position, id")?;
            let rows = st
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter().map(|b| json(b)).collect()
        })
    }

    /// The editor's list: newest change first, or best match first when searching (titles
    /// weigh five times the body). Titles are shown in the filter's locale when the article
    /// has it, else in its source locale.
    pub fn kb_articles(&self, f: &KbArticleFilter) -> StoreResult<Vec<KbArticleSummary>> {
        let locale = f
            .locale
            .as_deref()
            .filter(|l| !l.trim().is_empty())
            .map(|l| normalize_locale("locale", l))
            .transpose()?;
        self.read(|c| {
            let mut wh = vec![if f.deleted {
                "a.deleted_at IS NOT NULL"
            } else {
                "a.deleted_at IS NULL"
            }];
            let mut args: Vec<Value> = Vec::new();
            if let Some(cat) = &f.category_id {
                wh.push("a.category_id = ?");
                args.push(cat.clone().into());
            }
            if let Some(s) = f.status {
                wh.push("a.status = ?");
                args.push(s.as_str().to_string().into());
            }
            let words: Vec<&str> = f.query.split_whitespace().collect();
            let ids: Vec<String> = match fts_match(&words, false) {
                Some(expr) => {
                    if let Some(l) = &locale {
                        wh.push("t.locale = ?");
                        args.push(l.clone().into());
                    }
                    let sql = format!(
                        "{HITS} SELECT a.id, min(h.rank) AS best
                         FROM hits h JOIN kb_translations t ON t.rowid = h.rowid
                         JOIN kb_articles a ON a.id = t.article_id
                         WHERE {} GROUP BY a.id ORDER BY best LIMIT {KB_LIST_LIMIT}",
                        wh.join(" AND ")
                    );
                    args.insert(0, expr.into());
                    let mut st = c.prepare_cached(&sql)?;
                    let rows = st
                        .query_map(params_from_iter(args), |r| r.get(0))?
                        .collect::<Result<Vec<_>, _>>()?;
                    rows
                }
                None => {
                    if let Some(l) = &locale {
                        wh.push("EXISTS (SELECT 1 FROM kb_translations t WHERE t.article_id = a.id AND t.locale = ?)");
                        args.push(l.clone().into());
                    }
                    let sql = format!(
                        "SELECT a.id FROM kb_articles a WHERE {} ORDER BY a.updated_at DESC, a.id LIMIT {KB_LIST_LIMIT}",
                        wh.join(" AND ")
                    );
                    let mut st = c.prepare_cached(&sql)?;
                    let rows = st
                        .query_map(params_from_iter(args), |r| r.get(0))?
                        .collect::<Result<Vec<_>, _>>()?;
                    rows
                }
            };
            ids.iter()
                .map(|id| summary(c, id, locale.as_deref()))
                .collect()
        })
    }

    pub fn kb_article(&self, id: &str) -> StoreResult<KbArticleDetail> {
        self.read(|c| {
            let article = article(c, id)?;
            let mut translations = translations(c, id)?;
            let source = translations
                .iter()
                .find(|t| t.locale == article.source_locale)
                .cloned();
            translations.sort_by_key(|t| (t.locale != article.source_locale, t.locale.clone()));
            let mut drafts = drafts_of(c, id)?;
            let views = translations
                .into_iter()
                .map(|t| {
                    let draft = drafts
                        .iter()
                        .position(|d| d.locale == t.locale)
                        .map(|i| drafts.remove(i));
                    KbTranslationView {
                        stale: source.as_ref().is_some_and(|s| translation_is_stale(&t, s)),
                        translation: t,
                        draft,
                    }
                })
                .collect();
            let mut st = c.prepare_cached(
                "SELECT doc FROM kb_conflicts WHERE article_id = ?1 ORDER BY rowid",
            )?;
            let conflicts = st
                .query_map([id], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?
                .iter()
                .map(|b| json(b))
                .collect::<StoreResult<Vec<TranslationConflict>>>()?;
            Ok(KbArticleDetail {
                votes: votes(c, id)?,
                article,
                translations: views,
                new_drafts: drafts,
                conflicts,
            })
        })
    }

    /// A translation's history, newest first.
    pub fn kb_revisions(
        &self,
        article_id: &str,
        locale: &str,
    ) -> StoreResult<Vec<ArticleRevision>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT doc FROM kb_revisions WHERE article_id = ?1 AND locale = ?2 ORDER BY revision DESC, rowid DESC",
            )?;
            let rows = st
                .query_map(params![article_id, locale], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter().map(|b| json(b)).collect()
        })
    }

    /// Keeps this desktop's unsaved editing of a translation (autosave). Limits match a
    /// save's, so a draft can always become a revision.
    pub fn save_kb_draft(&self, d: &KbDraft) -> StoreResult<()> {
        let locale = normalize_locale("locale", &d.locale)?;
        if d.title.chars().count() > MAX_ARTICLE_TITLE {
            return Err(DomainError::too_long("title", MAX_ARTICLE_TITLE).into());
        }
        if d.body_markdown.len() > MAX_ARTICLE_BODY_BYTES {
            return Err(DomainError::new(
                ErrorCode::TooLong,
                Some("body_markdown"),
                format!(
                    "The article text is too long (at most {} KiB; put images in attachments).",
                    MAX_ARTICLE_BODY_BYTES / 1024
                ),
            )
            .into());
        }
        self.with_tx(|tx| {
            article(tx, &d.article_id)?;
            tx.prepare_cached(
                "INSERT INTO kb_drafts(article_id, locale, base_revision, title, body_markdown, saved_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(article_id, locale) DO UPDATE SET base_revision = excluded.base_revision,
                   title = excluded.title, body_markdown = excluded.body_markdown, saved_at = excluded.saved_at",
            )?
            .execute(params![d.article_id, locale, d.base_revision, d.title, d.body_markdown, now_ms()])?;
            Ok(())
        })
    }

    pub fn discard_kb_draft(&self, article_id: &str, locale: &str) -> StoreResult<()> {
        self.with_tx(|tx| {
            tx.prepare_cached("DELETE FROM kb_drafts WHERE article_id = ?1 AND locale = ?2")?
                .execute(params![article_id, locale])?;
            Ok(())
        })
    }

    /// Articles to offer while answering a ticket: matching any significant word of its
    /// subject and latest customer message, best first, in the ticket's language when the
    /// article has it. Published articles only (internal ones too: agents may quote them);
    /// a link only for public ones, and only when a server hosts the help center.
    pub fn kb_suggestions(&self, ticket_id: &str) -> StoreResult<Vec<KbSuggestion>> {
        self.read(|c| {
            let (subject, language): (String, String) = c
                .prepare_cached("SELECT subject, language FROM tickets WHERE id = ?1")?
                .query_row([ticket_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or_else(|| DomainError::not_found("ticket", ticket_id))?;
            let latest: Option<String> = c
                .prepare_cached(
                    "SELECT body_text FROM messages WHERE ticket_id = ?1 AND author_kind = 'customer'
                     ORDER BY created_at DESC, rowid DESC LIMIT 1",
                )?
                .query_row([ticket_id], |r| r.get(0))
                .optional()?;
            let text = format!("{subject} {}", latest.unwrap_or_default());
            let words = significant_words(&text);
            let Some(expr) = fts_match(&words, true) else {
                return Ok(Vec::new());
            };
            let mut st = c.prepare_cached(&format!(
                "{HITS} SELECT t.article_id, min(h.rank) AS best
                 FROM hits h JOIN kb_translations t ON t.rowid = h.rowid
                 JOIN kb_articles a ON a.id = t.article_id
                 WHERE a.status = 'published' AND a.deleted_at IS NULL
                 GROUP BY t.article_id ORDER BY best LIMIT ?"
            ))?;
            let ids = st
                .query_map(params![expr, SUGGESTIONS as i64], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            let server = settings::get(c, "sync_server_url")?;
            ids.iter()
                .map(|id| {
                    let a = article(c, id)?;
                    let ts = translations(c, id)?;
                    let t = pick(&ts, Some(&language), &a.source_locale);
                    let url = match (&server, a.visibility) {
                        (Some(s), ArticleVisibility::Public) => {
                            Some(help_center_url(s, &t.locale, id, &t.title))
                        }
                        _ => None,
                    };
                    Ok(KbSuggestion {
                        article_id: id.clone(),
                        locale: t.locale.clone(),
                        title: t.title.clone(),
                        excerpt: excerpt(&t.body_markdown, EXCERPT_CHARS),
                        body_markdown: t.body_markdown.clone(),
                        url,
                    })
                })
                .collect()
        })
    }
}

/// Words worth matching an article on: at least three characters, not a common function
/// word of the languages we ship, at most 24 of them.
fn significant_words(text: &str) -> Vec<String> {
    const STOP: &[&str] = &[
        "the",
        "and",
        "for",
        "you",
        "your",
        "with",
        "this",
        "that",
        "have",
        "has",
        "are",
        "was",
        "not",
        "but",
        "can",
        "cannot",
        "please",
        "thanks",
        "thank",
        "hello",
        "from",
        "what",
        "how",
        "when",
        "why",
        "there",
        "here",
        "our",
        "any",
        "all",
        "get",
        "got",
        "would",
        "could",
        "bir",
        "ve",
        "ile",
        "için",
        "bu",
        "çok",
        "ama",
        "nasıl",
        "merhaba",
        "teşekkürler",
        "nie",
        "jest",
        "się",
        "czy",
        "jak",
        "dla",
        "oraz",
        "dzień",
        "dobry",
        "dziękuję",
        "این",
        "که",
        "از",
        "با",
        "برای",
        "است",
        "را",
        "سلام",
        "ممنون",
    ];
    let mut out: Vec<String> = Vec::new();
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
    {
        if w.chars().count() >= 3 && !STOP.contains(&w.as_str()) && !out.contains(&w) {
            out.push(w);
        }
        if out.len() == 24 {
            break;
        }
    }
    out
}

fn article(c: &Connection, id: &str) -> StoreResult<Article> {
    match read_doc(c, DocKind::KbArticle, id)? {
        Some(Doc::KbArticle(a)) => Ok(a),
        _ => Err(DomainError::not_found("article", id).into()),
    }
}

fn translations(c: &Connection, id: &str) -> StoreResult<Vec<ArticleTranslation>> {
    let mut st =
        c.prepare_cached("SELECT doc FROM kb_translations WHERE article_id = ?1 ORDER BY locale")?;
    let rows = st
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter().map(|b| json(b)).collect()
}

fn votes(c: &Connection, id: &str) -> StoreResult<ArticleVotes> {
    Ok(match read_doc(c, DocKind::KbVotes, id)? {
        Some(Doc::KbVotes(v)) => v,
        _ => ArticleVotes {
            article_id: id.to_string(),
            ..ArticleVotes::default()
        },
    })
}

fn drafts_of(c: &Connection, id: &str) -> StoreResult<Vec<KbDraft>> {
    let mut st = c.prepare_cached(
        "SELECT article_id, locale, base_revision, title, body_markdown, saved_at FROM kb_drafts
         WHERE article_id = ?1 ORDER BY locale",
    )?;
    let rows = st
        .query_map([id], |r| {
            Ok(KbDraft {
                article_id: r.get(0)?,
                locale: r.get(1)?,
                base_revision: r.get(2)?,
                title: r.get(3)?,
                body_markdown: r.get(4)?,
                saved_at: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The translation to show a reader of `wanted`: the closest locale, else the source.
fn pick<'a>(
    ts: &'a [ArticleTranslation],
    wanted: Option<&str>,
    source: &str,
) -> &'a ArticleTranslation {
    let locales: Vec<&str> = ts.iter().map(|t| t.locale.as_str()).collect();
    let chosen = wanted
        .and_then(|w| best_locale(w, &locales))
        .unwrap_or(source);
    ts.iter()
        .find(|t| t.locale == chosen)
        .or_else(|| ts.first())
        .expect("every article has its source translation")
}

fn summary(c: &Connection, id: &str, locale: Option<&str>) -> StoreResult<KbArticleSummary> {
    let a = article(c, id)?;
    // Lists read the stored columns, never the bodies.
    struct Row {
        locale: String,
        title: String,
        excerpt: String,
        revision: i64,
        source_revision: Option<i64>,
    }
    let mut st = c.prepare_cached(
        "SELECT locale, title, excerpt, revision, source_revision FROM kb_translations
         WHERE article_id = ?1 ORDER BY locale",
    )?;
    let rows = st
        .query_map([id], |r| {
            Ok(Row {
                locale: r.get(0)?,
                title: r.get(1)?,
                excerpt: r.get(2)?,
                revision: r.get(3)?,
                source_revision: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let locales: Vec<&str> = rows.iter().map(|t| t.locale.as_str()).collect();
    let chosen = locale
        .and_then(|w| best_locale(w, &locales))
        .unwrap_or(&a.source_locale)
        .to_string();
    let shown = rows
        .iter()
        .find(|t| t.locale == chosen)
        .or_else(|| rows.first())
        .ok_or_else(|| DomainError::not_found("translation", id))?;
    let source = rows.iter().find(|t| t.locale == a.source_locale);
    let stale_locales = rows
        .iter()
        .filter(|t| {
            t.locale != a.source_locale
                && source.is_some_and(|s| made_from_older_source(t.source_revision, s.revision))
        })
        .map(|t| t.locale.clone())
        .collect();
    let (helpful, not_helpful, conflicts): (i64, i64, i64) = c
        .prepare_cached(
            "SELECT coalesce((SELECT helpful FROM kb_votes WHERE article_id = ?1), 0),
                    coalesce((SELECT not_helpful FROM kb_votes WHERE article_id = ?1), 0),
                    (SELECT count(*) FROM kb_conflicts WHERE article_id = ?1)",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(KbArticleSummary {
        id: a.id.clone(),
        category_id: a.category_id.clone(),
        status: a.status,
        visibility: a.visibility,
        locale: shown.locale.clone(),
        title: shown.title.clone(),
        excerpt: shown.excerpt.clone(),
        source_locale: a.source_locale.clone(),
        locales: rows.iter().map(|t| t.locale.clone()).collect(),
        stale_locales,
        updated_at: a.updated_at,
        deleted_at: a.deleted_at,
        votes: ArticleVotes {
            article_id: a.id,
            helpful,
            not_helpful,
        },
        conflicts,
    })
}

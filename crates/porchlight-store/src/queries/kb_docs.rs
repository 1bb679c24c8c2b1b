//! Knowledge-base documents ⇄ rows (`kb_categories`, `kb_articles`, `kb_translations` with
//! their search index, `kb_revisions`, `kb_conflicts`, `kb_votes`). Below the documents'
//! projection (`queries::docs`); the KB write path and reads are `queries::kb`.

use porchlight_domain::docs::{Doc, DocKind};
use porchlight_domain::kb::ArticleVotes;
use porchlight_domain::markdown::{plain_text, truncate_chars};
use porchlight_domain::DomainError;
use rusqlite::{params, Connection, OptionalExtension};

use crate::StoreResult;

/// Longest excerpt kept with a translation, and shown with a suggestion.
pub(crate) const EXCERPT_CHARS: usize = 180;

pub(crate) fn json<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
    Ok(serde_json::from_str(s)?)
}

/// Writes a KB document into its table (and the search index for translations).
pub(crate) fn write_doc(c: &Connection, doc: &Doc) -> StoreResult<()> {
    match doc {
        Doc::KbCategory(k) => {
            let body = serde_json::to_string(k)?;
            c.prepare_cached(
                "INSERT INTO kb_categories(id, position, doc) VALUES (?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET position = excluded.position, doc = excluded.doc",
            )?
            .execute(params![k.id, k.position, body])?;
        }
        Doc::KbArticle(a) => {
            let body = serde_json::to_string(a)?;
            c.prepare_cached(
                "INSERT INTO kb_articles(id, category_id, status, visibility, source_locale, updated_at, deleted_at, doc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(id) DO UPDATE SET category_id = excluded.category_id, status = excluded.status,
                   visibility = excluded.visibility, source_locale = excluded.source_locale,
                   updated_at = excluded.updated_at, deleted_at = excluded.deleted_at, doc = excluded.doc",
            )?
            .execute(params![
                a.id,
                a.category_id,
                a.status.as_str(),
                a.visibility.as_str(),
                a.source_locale,
                a.updated_at,
                a.deleted_at,
                body
            ])?;
        }
        Doc::KbTranslation(t) => {
            let body = serde_json::to_string(t)?;
            let text = plain_text(&t.body_markdown);
            c.prepare_cached(
                "INSERT INTO kb_translations(article_id, locale, title, excerpt, revision, source_revision, updated_at, doc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(article_id, locale) DO UPDATE SET title = excluded.title, excerpt = excluded.excerpt,
                   revision = excluded.revision, source_revision = excluded.source_revision,
                   updated_at = excluded.updated_at, doc = excluded.doc",
            )?
            .execute(params![
                t.article_id,
                t.locale,
                t.title,
                truncate_chars(&text.split_whitespace().collect::<Vec<_>>().join(" "), EXCERPT_CHARS),
                t.revision,
                t.source_revision,
                t.updated_at,
                body
            ])?;
            let rowid: i64 = c
                .prepare_cached(
                    "SELECT rowid FROM kb_translations WHERE article_id = ?1 AND locale = ?2",
                )?
                .query_row(params![t.article_id, t.locale], |r| r.get(0))?;
            c.prepare_cached("DELETE FROM kb_fts WHERE rowid = ?1")?
                .execute([rowid])?;
            c.prepare_cached("INSERT INTO kb_fts(rowid, title, body) VALUES (?1, ?2, ?3)")?
                .execute(params![rowid, t.title, text])?;
        }
        Doc::KbRevision(r) => {
            let body = serde_json::to_string(r)?;
            c.prepare_cached(
                "INSERT INTO kb_revisions(id, article_id, locale, revision, doc) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET article_id = excluded.article_id, locale = excluded.locale,
                   revision = excluded.revision, doc = excluded.doc",
            )?
            .execute(params![r.id, r.article_id, r.locale, r.revision, body])?;
        }
        Doc::KbConflict(k) => {
            let body = serde_json::to_string(k)?;
            c.prepare_cached(
                "INSERT INTO kb_conflicts(id, article_id, author_id, doc) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
            )?
            .execute(params![k.id, k.article_id, k.author_id, body])?;
        }
        Doc::KbVotes(v) => {
            c.prepare_cached(
                "INSERT INTO kb_votes(article_id, helpful, not_helpful) VALUES (?1, ?2, ?3)
                 ON CONFLICT(article_id) DO UPDATE SET helpful = excluded.helpful, not_helpful = excluded.not_helpful",
            )?
            .execute(params![v.article_id, v.helpful, v.not_helpful])?;
        }
        _ => unreachable!("write_doc is only called with KB documents"),
    }
    Ok(())
}

pub(crate) fn delete_doc(c: &Connection, kind: DocKind, id: &str) -> StoreResult<()> {
    match kind {
        DocKind::KbCategory => {
            c.execute("DELETE FROM kb_categories WHERE id = ?1", [id])?;
        }
        DocKind::KbArticle => {
            c.execute("DELETE FROM kb_fts WHERE rowid IN (SELECT rowid FROM kb_translations WHERE article_id = ?1)", [id])?;
            for table in ["kb_translations", "kb_revisions", "kb_conflicts"] {
                c.execute(&format!("DELETE FROM {table} WHERE article_id = ?1"), [id])?;
            }
            c.execute("DELETE FROM kb_votes WHERE article_id = ?1", [id])?;
            c.execute("DELETE FROM kb_articles WHERE id = ?1", [id])?;
        }
        DocKind::KbTranslation => {
            let (article, locale) = split_translation_id(id)?;
            c.execute(
                "DELETE FROM kb_fts WHERE rowid IN (SELECT rowid FROM kb_translations WHERE article_id = ?1 AND locale = ?2)",
                params![article, locale],
            )?;
            c.execute(
                "DELETE FROM kb_translations WHERE article_id = ?1 AND locale = ?2",
                params![article, locale],
            )?;
        }
        DocKind::KbRevision => {
            c.execute("DELETE FROM kb_revisions WHERE id = ?1", [id])?;
        }
        DocKind::KbConflict => {
            c.execute("DELETE FROM kb_conflicts WHERE id = ?1", [id])?;
        }
        DocKind::KbVotes => {
            c.execute("DELETE FROM kb_votes WHERE article_id = ?1", [id])?;
        }
        _ => unreachable!("delete_doc is only called with KB kinds"),
    }
    Ok(())
}

fn split_translation_id(id: &str) -> StoreResult<(&str, &str)> {
    id.rsplit_once('/')
        .ok_or_else(|| DomainError::invalid("id", format!("'{id}' is not a translation id")).into())
}

pub(crate) fn read_doc(c: &Connection, kind: DocKind, id: &str) -> StoreResult<Option<Doc>> {
    fn one(c: &Connection, sql: &str, p: &[&dyn rusqlite::ToSql]) -> StoreResult<Option<String>> {
        Ok(c.prepare_cached(sql)?
            .query_row(p, |r| r.get(0))
            .optional()?)
    }
    Ok(match kind {
        DocKind::KbCategory => one(c, "SELECT doc FROM kb_categories WHERE id = ?1", &[&id])?
            .map(|b| json(&b).map(Doc::KbCategory))
            .transpose()?,
        DocKind::KbArticle => one(c, "SELECT doc FROM kb_articles WHERE id = ?1", &[&id])?
            .map(|b| json(&b).map(Doc::KbArticle))
            .transpose()?,
        DocKind::KbTranslation => {
            let (article, locale) = split_translation_id(id)?;
            one(
                c,
                "SELECT doc FROM kb_translations WHERE article_id = ?1 AND locale = ?2",
                &[&article, &locale],
            )?
            .map(|b| json(&b).map(Doc::KbTranslation))
            .transpose()?
        }
        DocKind::KbRevision => one(c, "SELECT doc FROM kb_revisions WHERE id = ?1", &[&id])?
            .map(|b| json(&b).map(Doc::KbRevision))
            .transpose()?,
        DocKind::KbConflict => one(c, "SELECT doc FROM kb_conflicts WHERE id = ?1", &[&id])?
            .map(|b| json(&b).map(Doc::KbConflict))
            .transpose()?,
        DocKind::KbVotes => c
            .prepare_cached(
                "SELECT article_id, helpful, not_helpful FROM kb_votes WHERE article_id = ?1",
            )?
            .query_row([id], |r| {
                Ok(Doc::KbVotes(ArticleVotes {
                    article_id: r.get(0)?,
                    helpful: r.get(1)?,
                    not_helpful: r.get(2)?,
                }))
            })
            .optional()?,
        _ => unreachable!("read_doc is only called with KB kinds"),
    })
}

pub(crate) fn ids_sql(kind: DocKind) -> &'static str {
    match kind {
        DocKind::KbCategory => "SELECT id FROM kb_categories",
        DocKind::KbArticle => "SELECT id FROM kb_articles",
        DocKind::KbTranslation => "SELECT article_id || '/' || locale FROM kb_translations",
        DocKind::KbRevision => "SELECT id FROM kb_revisions",
        DocKind::KbConflict => "SELECT id FROM kb_conflicts",
        DocKind::KbVotes => "SELECT article_id FROM kb_votes",
        _ => unreachable!("ids_sql is only called with KB kinds"),
    }
}

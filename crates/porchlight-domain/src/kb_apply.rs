//! The knowledge base's mutation engine: applies one validated [`KbMutation`] to the KB
//! documents and returns the writes. The one place the KB rules live: the desktop store runs
//! it over its tables (standalone and optimistically in team mode), the server over its
//! documents, so an offline save and the server's verdict on it agree.
//!
//! Pure: reads go through [`KbStateView`], the caller supplies the time and the actor.

use crate::apply::Actor;
use crate::docs::{Doc, DocKey, DocKind, DocWrite};
use crate::error::{DomainError, ErrorCode};
use crate::kb::{
    decide_translation_save, Article, ArticleRevision, ArticleStatus, ArticleTranslation,
    KbCategory, KbMutation, SaveDecision, TranslationConflict, TranslationContent,
};
use crate::model::AgentRole;

/// Read access to the current KB documents.
pub trait KbStateView {
    fn kb_category(&mut self, id: &str) -> Result<Option<KbCategory>, DomainError>;
    fn kb_article(&mut self, id: &str) -> Result<Option<Article>, DomainError>;
    fn kb_translation(
        &mut self,
        article_id: &str,
        locale: &str,
    ) -> Result<Option<ArticleTranslation>, DomainError>;
    /// Revision number `revision` of a translation, if history still has it.
    fn kb_revision(
        &mut self,
        article_id: &str,
        locale: &str,
        revision: i64,
    ) -> Result<Option<ArticleRevision>, DomainError>;
    fn kb_conflict(&mut self, id: &str) -> Result<Option<TranslationConflict>, DomainError>;
    /// A revision by its own id (of any article and locale).
    fn kb_revision_by_id(&mut self, id: &str) -> Result<Option<ArticleRevision>, DomainError>;
}

/// Who may change what: admins and KB editors everything; agents write drafts (new articles,
/// and texts of articles still in draft) and settle their own conflict drafts, but categories,
/// publishing, visibility, deleting and the texts of published articles need a KB editor
/// ([`apply_kb`] checks the article's status).
pub fn authorize_kb(m: &KbMutation, actor: &Actor) -> Result<(), DomainError> {
    if matches!(actor.role, AgentRole::Admin | AgentRole::KbEditor) {
        return Ok(());
    }
    let editor_only = match m {
        KbMutation::CreateCategory { .. }
        | KbMutation::UpdateCategory { .. }
        | KbMutation::MoveCategory { .. } => Some("Changing knowledge-base categories"),
        KbMutation::SetArticleStatus { .. } => Some("Publishing or archiving articles"),
        KbMutation::SetArticleVisibility { .. } => Some("Changing who can see an article"),
        KbMutation::DeleteArticle { .. } | KbMutation::RestoreArticle { .. } => {
            Some("Deleting or restoring articles")
        }
        KbMutation::CreateArticle { .. }
        | KbMutation::SaveTranslation { .. }
        | KbMutation::SetArticleTags { .. }
        | KbMutation::SetArticleCategory { .. }
        | KbMutation::RestoreRevision { .. }
        | KbMutation::ResolveConflict { .. } => None,
    };
    match editor_only {
        Some(what) => Err(needs_editor(what)),
        None => Ok(()),
    }
}

fn needs_editor(what: &str) -> DomainError {
    DomainError::new(
        ErrorCode::Forbidden,
        None,
        format!("{what} needs a knowledge-base editor; ask an editor or an admin."),
    )
}

fn is_editor(actor: &Actor) -> bool {
    matches!(actor.role, AgentRole::Admin | AgentRole::KbEditor)
}

/// Applies one validated KB mutation (see [`KbMutation::validated`]; authorise it first with
/// [`authorize_kb`]) and returns the documents to write, each key at most once. A save that
/// arrives after someone else changed the same text writes a [`TranslationConflict`] for its
/// author and leaves the current text alone. A save that changes nothing writes nothing.
pub fn apply_kb(
    m: &KbMutation,
    actor: &Actor,
    at: i64,
    view: &mut dyn KbStateView,
) -> Result<Vec<DocWrite>, DomainError> {
    let mut out = Writes::default();
    match m {
        KbMutation::CreateCategory {
            id,
            position,
            names,
            descriptions,
        } => {
            if view.kb_category(id)?.is_some() {
                return Err(exists("category", id));
            }
            out.put(Doc::KbCategory(KbCategory {
                id: id.clone(),
                position: *position,
                names: names.clone(),
                descriptions: descriptions.clone(),
                created_at: at,
                updated_at: at,
            }));
        }
        KbMutation::UpdateCategory {
            id,
            names,
            descriptions,
        } => {
            let mut c = require_category(view, id)?;
            if c.names == *names && c.descriptions == *descriptions {
                return Ok(Vec::new());
            }
            c.names = names.clone();
            c.descriptions = descriptions.clone();
            c.updated_at = at;
            out.put(Doc::KbCategory(c));
        }
        KbMutation::MoveCategory { id, position } => {
            let mut c = require_category(view, id)?;
            if c.position == *position {
                return Ok(Vec::new());
            }
            c.position = *position;
            c.updated_at = at;
            out.put(Doc::KbCategory(c));
        }
        KbMutation::CreateArticle {
            id,
            revision_id,
            category_id,
            source_locale,
            title,
            body_markdown,
            visibility,
            tags,
        } => {
            if view.kb_article(id)?.is_some() {
                return Err(exists("article", id));
            }
            require_new_revision_id(view, revision_id)?;
            if let Some(c) = category_id {
                require_category(view, c)?;
            }
            out.put(Doc::KbArticle(Article {
                id: id.clone(),
                category_id: category_id.clone(),
                status: ArticleStatus::Draft,
                visibility: *visibility,
                tags: tags.clone(),
                source_locale: source_locale.clone(),
                created_at: at,
                updated_at: at,
                deleted_at: None,
            }));
            let content = TranslationContent {
                title: title.clone(),
                body_markdown: body_markdown.clone(),
            };
            out.new_revision(
                id,
                source_locale,
                1,
                content,
                None,
                revision_id,
                actor,
                at,
                None,
            );
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
            let mine = TranslationContent {
                title: title.clone(),
                body_markdown: body_markdown.clone(),
            };
            save_text(
                &mut out,
                view,
                actor,
                at,
                SaveText {
                    article_id,
                    locale,
                    revision_id,
                    base_revision: *base_revision,
                    source_revision: *source_revision,
                    mine,
                    restored_from: None,
                },
            )?;
        }
        KbMutation::RestoreRevision {
            article_id,
            locale,
            revision,
            revision_id,
            base_revision,
        } => {
            let old = view
                .kb_revision(article_id, locale, *revision)?
                .ok_or_else(|| {
                    DomainError::not_found(
                        "revision",
                        &format!("{article_id} {locale} #{revision}"),
                    )
                })?;
            let current_source = view
                .kb_translation(article_id, locale)?
                .and_then(|t| t.source_revision);
            save_text(
                &mut out,
                view,
                actor,
                at,
                SaveText {
                    article_id,
                    locale,
                    revision_id,
                    base_revision: *base_revision,
                    // The restored text was translated from the old revision's source.
                    source_revision: old.source_revision.or(current_source),
                    mine: TranslationContent {
                        title: old.title,
                        body_markdown: old.body_markdown,
                    },
                    restored_from: Some(*revision),
                },
            )?;
        }
        KbMutation::SetArticleStatus { article_id, status } => {
            let mut a = live_article(view, article_id)?;
            if a.status != *status {
                a.status = *status;
                a.updated_at = at;
                out.put(Doc::KbArticle(a));
            }
        }
        KbMutation::SetArticleVisibility {
            article_id,
            visibility,
        } => {
            let mut a = live_article(view, article_id)?;
            if a.visibility != *visibility {
                a.visibility = *visibility;
                a.updated_at = at;
                out.put(Doc::KbArticle(a));
            }
        }
        KbMutation::SetArticleTags { article_id, tags } => {
            let mut a = live_article(view, article_id)?;
            require_draft_or_editor(&a, actor)?;
            if a.tags != *tags {
                a.tags = tags.clone();
                a.updated_at = at;
                out.put(Doc::KbArticle(a));
            }
        }
        KbMutation::SetArticleCategory {
            article_id,
            category_id,
        } => {
            let mut a = live_article(view, article_id)?;
            require_draft_or_editor(&a, actor)?;
            if let Some(c) = category_id {
                require_category(view, c)?;
            }
            if a.category_id != *category_id {
                a.category_id = category_id.clone();
                a.updated_at = at;
                out.put(Doc::KbArticle(a));
            }
        }
        KbMutation::DeleteArticle { article_id } => {
            let mut a = live_article(view, article_id)?;
            a.deleted_at = Some(at);
            a.updated_at = at;
            out.put(Doc::KbArticle(a));
        }
        KbMutation::RestoreArticle { article_id } => {
            let mut a = view
                .kb_article(article_id)?
                .ok_or_else(|| DomainError::not_found("article", article_id))?;
            if a.deleted_at.is_some() {
                a.deleted_at = None;
                a.updated_at = at;
                out.put(Doc::KbArticle(a));
            }
        }
        KbMutation::ResolveConflict { conflict_id } => {
            let c = view
                .kb_conflict(conflict_id)?
                .ok_or_else(|| DomainError::not_found("conflict draft", conflict_id))?;
            if c.author_id != actor.id && actor.role != AgentRole::Admin {
                return Err(DomainError::new(
                    ErrorCode::Forbidden,
                    None,
                    "Only its author (or an admin) can settle a conflict draft.",
                ));
            }
            out.0.push(DocWrite::Delete {
                key: DocKey {
                    kind: DocKind::KbConflict,
                    id: conflict_id.clone(),
                },
            });
        }
    }
    Ok(out.0)
}

struct SaveText<'a> {
    article_id: &'a str,
    locale: &'a str,
    revision_id: &'a str,
    base_revision: i64,
    source_revision: Option<i64>,
    mine: TranslationContent,
    restored_from: Option<i64>,
}

fn save_text(
    out: &mut Writes,
    view: &mut dyn KbStateView,
    actor: &Actor,
    at: i64,
    s: SaveText<'_>,
) -> Result<(), DomainError> {
    let mut article = live_article(view, s.article_id)?;
    require_draft_or_editor(&article, actor)?;
    require_new_revision_id(view, s.revision_id)?;
    let is_source = s.locale == article.source_locale;
    let source_revision = if is_source {
        None
    } else {
        if let Some(r) = s.source_revision {
            let source = view
                .kb_translation(s.article_id, &article.source_locale)?
                .map_or(0, |t| t.revision);
            if r > source {
                return Err(DomainError::invalid(
                    "source_revision",
                    format!("The source text has no revision {r} (it is at {source})."),
                ));
            }
        }
        s.source_revision
    };
    let current = view.kb_translation(s.article_id, s.locale)?;
    let base = if s.base_revision > 0 {
        view.kb_revision(s.article_id, s.locale, s.base_revision)?
            .map(|r| TranslationContent {
                title: r.title,
                body_markdown: r.body_markdown,
            })
    } else {
        None
    };
    let (revision, content) =
        match decide_translation_save(current.as_ref(), s.base_revision, base.as_ref(), &s.mine) {
            SaveDecision::Create => (1, s.mine),
            SaveDecision::FastForward => (next(&current), s.mine),
            SaveDecision::Merged(merged) => (next(&current), merged),
            SaveDecision::Unchanged => {
                // Same text: only a newer "translated from" is worth recording.
                let Some(mut t) = current else {
                    return Ok(());
                };
                if !is_source && source_revision > t.source_revision {
                    t.source_revision = source_revision;
                    t.updated_by = actor.id.clone();
                    t.updated_at = at;
                    out.put(Doc::KbTranslation(t));
                }
                return Ok(());
            }
            SaveDecision::Conflict(fields) => {
                let theirs_revision = current.as_ref().map_or(0, |t| t.revision);
                out.put(Doc::KbConflict(TranslationConflict {
                    id: s.revision_id.to_string(),
                    article_id: s.article_id.to_string(),
                    locale: s.locale.to_string(),
                    base_revision: s.base_revision,
                    theirs_revision,
                    title: s.mine.title,
                    body_markdown: s.mine.body_markdown,
                    source_revision,
                    fields,
                    author_id: actor.id.clone(),
                    created_at: at,
                }));
                return Ok(());
            }
        };
    article.updated_at = at;
    out.put(Doc::KbArticle(article));
    out.new_revision(
        s.article_id,
        s.locale,
        revision,
        content,
        source_revision,
        s.revision_id,
        actor,
        at,
        s.restored_from,
    );
    Ok(())
}

fn next(current: &Option<ArticleTranslation>) -> i64 {
    current.as_ref().map_or(1, |t| t.revision + 1)
}

#[derive(Default)]
struct Writes(Vec<DocWrite>);

impl Writes {
    fn put(&mut self, doc: Doc) {
        let key = doc.key();
        self.0.retain(|w| w.key() != key);
        self.0.push(DocWrite::Put { doc });
    }

    /// The translation at `revision` and its history entry.
    #[allow(clippy::too_many_arguments)]
    fn new_revision(
        &mut self,
        article_id: &str,
        locale: &str,
        revision: i64,
        content: TranslationContent,
        source_revision: Option<i64>,
        revision_id: &str,
        actor: &Actor,
        at: i64,
        restored_from: Option<i64>,
    ) {
        self.put(Doc::KbTranslation(ArticleTranslation {
            article_id: article_id.to_string(),
            locale: locale.to_string(),
            title: content.title.clone(),
            body_markdown: content.body_markdown.clone(),
            revision,
            source_revision,
            updated_by: actor.id.clone(),
            updated_at: at,
        }));
        self.put(Doc::KbRevision(ArticleRevision {
            id: revision_id.to_string(),
            article_id: article_id.to_string(),
            locale: locale.to_string(),
            revision,
            title: content.title,
            body_markdown: content.body_markdown,
            source_revision,
            author_id: actor.id.clone(),
            created_at: at,
            restored_from,
        }));
    }
}

fn exists(what: &str, id: &str) -> DomainError {
    DomainError::new(
        ErrorCode::Conflict,
        Some("id"),
        format!("A {what} with id {id} already exists."),
    )
}

/// A save names the id of the revision (or conflict draft) it creates; one already in use
/// would overwrite another text's history.
fn require_new_revision_id(view: &mut dyn KbStateView, id: &str) -> Result<(), DomainError> {
    if view.kb_revision_by_id(id)?.is_some() || view.kb_conflict(id)?.is_some() {
        return Err(DomainError::new(
            ErrorCode::Conflict,
            Some("revision_id"),
            format!("A revision with id {id} already exists."),
        ));
    }
    Ok(())
}

fn require_category(view: &mut dyn KbStateView, id: &str) -> Result<KbCategory, DomainError> {
    view.kb_category(id)?
        .ok_or_else(|| DomainError::not_found("category", id))
}

fn live_article(view: &mut dyn KbStateView, id: &str) -> Result<Article, DomainError> {
    let a = view
        .kb_article(id)?
        .ok_or_else(|| DomainError::not_found("article", id))?;
    if a.deleted_at.is_some() {
        return Err(DomainError::new(
            ErrorCode::NotFound,
            Some("article_id"),
            "This article was deleted; restore it first.",
        ));
    }
    Ok(a)
}

fn require_draft_or_editor(a: &Article, actor: &Actor) -> Result<(), DomainError> {
    if a.status == ArticleStatus::Draft || is_editor(actor) {
        Ok(())
    } else {
        Err(needs_editor("Changing a published or archived article"))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::*;
    use crate::kb::{ArticleVisibility, ConflictField};

    #[derive(Default)]
    struct Mem {
        docs: HashMap<DocKey, Doc>,
    }

    impl Mem {
        fn get(&self, kind: DocKind, id: &str) -> Option<&Doc> {
            self.docs.get(&DocKey {
                kind,
                id: id.to_string(),
            })
        }
        fn run(&mut self, m: KbMutation, actor: &Actor, at: i64) -> Result<usize, DomainError> {
            let m = m.validated()?;
            authorize_kb(&m, actor)?;
            let writes = apply_kb(&m, actor, at, self)?;
            let n = writes.len();
            for w in writes {
                match w {
                    DocWrite::Put { doc } => {
                        self.docs.insert(doc.key(), doc);
                    }
                    DocWrite::Delete { key } => {
                        self.docs.remove(&key);
                    }
                }
            }
            Ok(n)
        }
        fn translation(&self, article: &str, locale: &str) -> ArticleTranslation {
            match self.get(
                DocKind::KbTranslation,
                &crate::docs::translation_doc_id(article, locale),
            ) {
                Some(Doc::KbTranslation(t)) => t.clone(),
                other => panic!("no translation: {other:?}"),
            }
        }
        fn conflicts(&self) -> Vec<TranslationConflict> {
            self.docs
                .values()
                .filter_map(|d| match d {
                    Doc::KbConflict(c) => Some(c.clone()),
                    _ => None,
                })
                .collect()
        }
        fn article(&self, id: &str) -> Article {
            match self.get(DocKind::KbArticle, id) {
                Some(Doc::KbArticle(a)) => a.clone(),
                other => panic!("no article: {other:?}"),
            }
        }
    }

    impl KbStateView for Mem {
        fn kb_category(&mut self, id: &str) -> Result<Option<KbCategory>, DomainError> {
            Ok(match self.get(DocKind::KbCategory, id) {
                Some(Doc::KbCategory(c)) => Some(c.clone()),
                _ => None,
            })
        }
        fn kb_article(&mut self, id: &str) -> Result<Option<Article>, DomainError> {
            Ok(match self.get(DocKind::KbArticle, id) {
                Some(Doc::KbArticle(a)) => Some(a.clone()),
                _ => None,
            })
        }
        fn kb_translation(
            &mut self,
            article_id: &str,
            locale: &str,
        ) -> Result<Option<ArticleTranslation>, DomainError> {
            let id = crate::docs::translation_doc_id(article_id, locale);
            Ok(match self.get(DocKind::KbTranslation, &id) {
                Some(Doc::KbTranslation(t)) => Some(t.clone()),
                _ => None,
            })
        }
        fn kb_revision(
            &mut self,
            article_id: &str,
            locale: &str,
            revision: i64,
        ) -> Result<Option<ArticleRevision>, DomainError> {
            Ok(self.docs.values().find_map(|d| match d {
                Doc::KbRevision(r)
                    if r.article_id == article_id
                        && r.locale == locale
                        && r.revision == revision =>
                {
                    Some(r.clone())
                }
                _ => None,
            }))
        }
        fn kb_conflict(&mut self, id: &str) -> Result<Option<TranslationConflict>, DomainError> {
            Ok(match self.get(DocKind::KbConflict, id) {
                Some(Doc::KbConflict(c)) => Some(c.clone()),
                _ => None,
            })
        }
        fn kb_revision_by_id(&mut self, id: &str) -> Result<Option<ArticleRevision>, DomainError> {
            Ok(match self.get(DocKind::KbRevision, id) {
                Some(Doc::KbRevision(r)) => Some(r.clone()),
                _ => None,
            })
        }
    }

    fn actor(id: &str, role: AgentRole) -> Actor {
        Actor {
            id: id.to_string(),
            name: id.to_string(),
            role,
        }
    }

    fn create(id: &str) -> KbMutation {
        KbMutation::CreateArticle {
            id: id.into(),
            revision_id: format!("{id}-r1"),
            category_id: None,
            source_locale: "en".into(),
            title: "Resetting your password".into(),
            body_markdown: "Open **Settings**.".into(),
            visibility: ArticleVisibility::Public,
            tags: vec!["Account".into()],
        }
    }

    fn save(id: &str, locale: &str, rev: &str, base: i64, title: &str, body: &str) -> KbMutation {
        KbMutation::SaveTranslation {
            article_id: id.into(),
            locale: locale.into(),
            revision_id: rev.into(),
            base_revision: base,
            source_revision: None,
            title: title.into(),
            body_markdown: body.into(),
        }
    }

    #[test]
    fn create_then_fast_forward_then_conflict_keeps_both_texts() {
        let ed = actor("ed", AgentRole::KbEditor);
        let other = actor("other", AgentRole::KbEditor);
        let mut m = Mem::default();
        m.run(create("a1"), &ed, 1).unwrap();
        let t = m.translation("a1", "en");
        assert_eq!(
            (t.revision, t.title.as_str()),
            (1, "Resetting your password")
        );
        assert_eq!(m.article("a1").status, ArticleStatus::Draft);
        assert_eq!(m.article("a1").tags, vec!["account".to_string()]);

        // Both start from revision 1; the first save wins, the second becomes a draft.
        m.run(
            save(
                "a1",
                "en",
                "r2",
                1,
                "Reset your password",
                "Open **Settings** > Security.",
            ),
            &ed,
            2,
        )
        .unwrap();
        m.run(
            save(
                "a1",
                "en",
                "r3",
                1,
                "Reset your password",
                "Go to the account page.",
            ),
            &other,
            3,
        )
        .unwrap();
        let t = m.translation("a1", "en");
        assert_eq!(t.revision, 2);
        assert_eq!(t.body_markdown, "Open **Settings** > Security.");
        let conflicts = m.conflicts();
        assert_eq!(conflicts.len(), 1);
        let c = &conflicts[0];
        assert_eq!((c.id.as_str(), c.author_id.as_str()), ("r3", "other"));
        assert_eq!((c.base_revision, c.theirs_revision), (1, 2));
        assert_eq!(c.fields, vec![ConflictField::Body]);
        assert_eq!(c.body_markdown, "Go to the account page.");

        // Its author merges by saving from the current revision, then settles the draft.
        m.run(
            save("a1", "en", "r4", 2, "Reset your password", "Merged text."),
            &other,
            4,
        )
        .unwrap();
        assert_eq!(m.translation("a1", "en").revision, 3);
        let err = m
            .run(
                KbMutation::ResolveConflict {
                    conflict_id: "r3".into(),
                },
                &ed,
                5,
            )
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden);
        m.run(
            KbMutation::ResolveConflict {
                conflict_id: "r3".into(),
            },
            &other,
            5,
        )
        .unwrap();
        assert!(m.conflicts().is_empty());
    }

    #[test]
    fn different_fields_merge_and_same_text_writes_nothing() {
        let ed = actor("ed", AgentRole::Admin);
        let mut m = Mem::default();
        m.run(create("a1"), &ed, 1).unwrap();
        m.run(
            save("a1", "en", "r2", 1, "New title", "Open **Settings**."),
            &ed,
            2,
        )
        .unwrap();
        // Started from 1, changed only the body: merged with the new title.
        m.run(
            save("a1", "en", "r3", 1, "Resetting your password", "New body."),
            &ed,
            3,
        )
        .unwrap();
        let t = m.translation("a1", "en");
        assert_eq!(
            (t.revision, t.title.as_str(), t.body_markdown.as_str()),
            (3, "New title", "New body.")
        );
        assert_eq!(
            m.run(save("a1", "en", "r4", 3, "New title", "New body."), &ed, 4)
                .unwrap(),
            0
        );
    }

    #[test]
    fn translations_record_their_source_revision_and_restore_adds_a_revision() {
        let ed = actor("ed", AgentRole::KbEditor);
        let mut m = Mem::default();
        m.run(create("a1"), &ed, 1).unwrap();
        let mut fa = save(
            "a1",
            "fa",
            "f1",
            0,
            "بازنشانی گذرواژه",
            "به **تنظیمات** بروید.",
        );
        if let KbMutation::SaveTranslation {
            source_revision, ..
        } = &mut fa
        {
            *source_revision = Some(1);
        }
        m.run(fa, &ed, 2).unwrap();
        assert_eq!(m.translation("a1", "fa").source_revision, Some(1));
        let mut bad = save("a1", "fa", "f2", 1, "x", "y");
        if let KbMutation::SaveTranslation {
            source_revision, ..
        } = &mut bad
        {
            *source_revision = Some(9);
        }
        assert_eq!(
            m.run(bad, &ed, 3).unwrap_err().field.as_deref(),
            Some("source_revision")
        );

        m.run(save("a1", "en", "r2", 1, "Changed", "Changed."), &ed, 4)
            .unwrap();
        assert!(crate::kb::translation_is_stale(
            &m.translation("a1", "fa"),
            &m.translation("a1", "en")
        ));
        m.run(
            KbMutation::RestoreRevision {
                article_id: "a1".into(),
                locale: "en".into(),
                revision: 1,
                revision_id: "r3".into(),
                base_revision: 2,
            },
            &ed,
            5,
        )
        .unwrap();
        let t = m.translation("a1", "en");
        assert_eq!(
            (t.revision, t.title.as_str()),
            (3, "Resetting your password")
        );
        match m.get(DocKind::KbRevision, "r3") {
            Some(Doc::KbRevision(r)) => assert_eq!(r.restored_from, Some(1)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn agents_write_drafts_only_and_deleted_articles_refuse_changes() {
        let agent = actor("ag", AgentRole::Agent);
        let ed = actor("ed", AgentRole::KbEditor);
        let mut m = Mem::default();
        m.run(create("a1"), &agent, 1).unwrap();
        m.run(
            save("a1", "en", "r2", 1, "Agent edit", "Draft text."),
            &agent,
            2,
        )
        .unwrap();
        let publish = KbMutation::SetArticleStatus {
            article_id: "a1".into(),
            status: ArticleStatus::Published,
        };
        assert_eq!(
            m.run(publish.clone(), &agent, 3).unwrap_err().code,
            ErrorCode::Forbidden
        );
        m.run(publish, &ed, 3).unwrap();
        let err = m
            .run(
                save("a1", "en", "r3", 2, "Agent edit 2", "Live text."),
                &agent,
                4,
            )
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden);
        assert_eq!(m.translation("a1", "en").revision, 2);

        m.run(
            KbMutation::DeleteArticle {
                article_id: "a1".into(),
            },
            &ed,
            5,
        )
        .unwrap();
        let err = m
            .run(save("a1", "en", "r4", 2, "x", "y"), &ed, 6)
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
        m.run(
            KbMutation::RestoreArticle {
                article_id: "a1".into(),
            },
            &ed,
            7,
        )
        .unwrap();
        assert!(m.article("a1").deleted_at.is_none());
    }

    #[test]
    fn categories_must_exist_and_be_unique() {
        let ed = actor("ed", AgentRole::KbEditor);
        let mut m = Mem::default();
        let cat = KbMutation::CreateCategory {
            id: "c1".into(),
            position: 0,
            names: BTreeMap::from([
                ("en".into(), "Billing".into()),
                ("fa".into(), "صورتحساب".into()),
            ]),
            descriptions: BTreeMap::new(),
        };
        m.run(cat.clone(), &ed, 1).unwrap();
        assert_eq!(m.run(cat, &ed, 2).unwrap_err().code, ErrorCode::Conflict);
        let mut a = create("a1");
        if let KbMutation::CreateArticle { category_id, .. } = &mut a {
            *category_id = Some("missing".into());
        }
        assert_eq!(m.run(a, &ed, 3).unwrap_err().code, ErrorCode::NotFound);
        assert!(m.get(DocKind::KbArticle, "a1").is_none());
        assert_eq!(
            m.run(
                KbMutation::MoveCategory {
                    id: "c1".into(),
                    position: 0
                },
                &ed,
                4
            )
            .unwrap(),
            0
        );
    }

    #[test]
    fn a_used_revision_id_is_refused_and_the_history_it_names_stays() {
        let ed = actor("ed", AgentRole::KbEditor);
        let agent = actor("ag", AgentRole::Agent);
        let mut m = Mem::default();
        m.run(create("a1"), &ed, 1).unwrap();
        m.run(
            KbMutation::SetArticleStatus {
                article_id: "a1".into(),
                status: ArticleStatus::Published,
            },
            &ed,
            2,
        )
        .unwrap();
        let published = m.get(DocKind::KbRevision, "a1-r1").cloned();

        // An agent's new draft article naming the published revision's id.
        let mut draft = create("a2");
        if let KbMutation::CreateArticle { revision_id, .. } = &mut draft {
            *revision_id = "a1-r1".into();
        }
        let e = m.run(draft, &agent, 3).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::Conflict, Some("revision_id"))
        );
        assert!(m.get(DocKind::KbArticle, "a2").is_none());
        // A save (and a conflict draft, which takes the same id) is held to it too.
        let e = m
            .run(
                save("a1", "en", "a1-r1", 1, "New title", "New body"),
                &ed,
                4,
            )
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict);
        assert_eq!(m.get(DocKind::KbRevision, "a1-r1").cloned(), published);

        // After a newer text, restoring revision 1 still finds it.
        m.run(
            save("a1", "en", "a1-r2", 1, "New title", "New body"),
            &ed,
            5,
        )
        .unwrap();
        m.run(
            KbMutation::RestoreRevision {
                article_id: "a1".into(),
                locale: "en".into(),
                revision: 1,
                revision_id: "a1-r3".into(),
                base_revision: 2,
            },
            &ed,
            6,
        )
        .unwrap();
        assert_eq!(m.translation("a1", "en").title, "Resetting your password");
    }
}

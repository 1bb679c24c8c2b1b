//! The help center's in-memory index: every KB category, article and translation as of a
//! workspace version, the public pages derived from them (published, public, not deleted,
//! translated into the page's locale), the article lists per category and locale, and an
//! inverted word index per locale for search.
//!
//! It is fed the documents a pull returns (all of them once, then what changed since the
//! version it holds), so it never needs SQL of its own. Rendering an article body is the
//! only expensive step and happens once per (article, locale, text): the HTML is kept on
//! the page until the text changes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::{Arc, OnceLock};

use porchlight_domain::docs::{Doc, DocKey, DocKind};
use porchlight_domain::kb::{article_slug, Article, ArticleTranslation, KbCategory};
use porchlight_domain::markdown::{plain_text, truncate_chars, Renderer};

use super::text::{for_each_term, terms};

/// Characters of the excerpt shown under a search result or in a category list.
const EXCERPT_CHARS: usize = 220;
/// A word in the title counts this many times a word in the body.
const TITLE_WEIGHT: u32 = 12;
/// At most this many repetitions of one word in a body count.
const MAX_BODY_REPEATS: u32 = 5;
/// Words of a query beyond this many are ignored.
pub const MAX_QUERY_TERMS: usize = 8;
/// The last word of a query also matches longer words that start with it (`pass` finds
/// `password`), through at most this many of them.
const MAX_PREFIX_EXPANSIONS: usize = 64;

/// One article as readers of one locale see it.
pub struct Page {
    pub article_id: String,
    pub locale: String,
    pub title: String,
    pub slug: String,
    pub category_id: Option<String>,
    pub excerpt: String,
    pub updated_at: i64,
    pub(crate) markdown: String,
    sort_key: String,
    html: OnceLock<String>,
}

impl Page {
    /// The body as safe HTML, rendered by the domain's renderer on first use and kept.
    pub fn body_html(&self, renderer: &Renderer) -> &str {
        self.html.get_or_init(|| renderer.render(&self.markdown))
    }
}

#[derive(Default)]
struct LocaleIndex {
    /// Category id → its pages in this locale, by (sort key, article id).
    by_category: HashMap<String, BTreeSet<(String, String)>>,
    search: SearchIndex,
    pages: usize,
}

#[derive(Default)]
pub struct Index {
    /// The workspace version every document up to which has been applied.
    pub version: i64,
    categories: HashMap<String, KbCategory>,
    articles: HashMap<String, Article>,
    translations: HashMap<String, BTreeMap<String, ArticleTranslation>>,
    /// Article id → locale → public page.
    pages: HashMap<String, BTreeMap<String, Arc<Page>>>,
    locales: BTreeMap<String, LocaleIndex>,
}

/// A search answer: how many pages matched, and the asked-for slice of them, best first.
pub struct Found {
    pub total: usize,
    pub pages: Vec<Arc<Page>>,
}

impl Index {
    /// Whether `kind` is one the index keeps.
    pub fn wants(kind: DocKind) -> bool {
        matches!(
            kind,
            DocKind::KbCategory | DocKind::KbArticle | DocKind::KbTranslation
        )
    }

    /// Applies one changed document (`None`: it was removed).
    pub fn apply(&mut self, key: &DocKey, doc: Option<Doc>) {
        match (key.kind, doc) {
            (DocKind::KbCategory, Some(Doc::KbCategory(c))) => {
                self.categories.insert(c.id.clone(), c);
            }
            (DocKind::KbCategory, _) => {
                self.categories.remove(&key.id);
            }
            (DocKind::KbArticle, doc) => {
                match doc {
                    Some(Doc::KbArticle(a)) => {
                        self.articles.insert(a.id.clone(), a);
                    }
                    _ => {
                        self.articles.remove(&key.id);
                    }
                }
                self.refresh_article(&key.id);
            }
            (DocKind::KbTranslation, Some(Doc::KbTranslation(t))) => {
                let (article, locale) = (t.article_id.clone(), t.locale.clone());
                self.translations
                    .entry(article.clone())
                    .or_default()
                    .insert(locale.clone(), t);
                self.refresh(&article, &locale);
            }
            (DocKind::KbTranslation, _) => {
                if let Some((article, locale)) = key.id.rsplit_once('/') {
                    if let Some(m) = self.translations.get_mut(article) {
                        m.remove(locale);
                        if m.is_empty() {
                            self.translations.remove(article);
                        }
                    }
                    self.refresh(article, locale);
                }
            }
            _ => {}
        }
    }

    fn refresh_article(&mut self, article_id: &str) {
        let mut locales: BTreeSet<String> = BTreeSet::new();
        if let Some(t) = self.translations.get(article_id) {
            locales.extend(t.keys().cloned());
        }
        if let Some(p) = self.pages.get(article_id) {
            locales.extend(p.keys().cloned());
        }
        for locale in locales {
            self.refresh(article_id, &locale);
        }
    }

    /// Brings the page of (article, locale) in line with its documents.
    fn refresh(&mut self, article_id: &str, locale: &str) {
        let visible = self
            .articles
            .get(article_id)
            .filter(|a| a.is_on_help_center())
            .zip(
                self.translations
                    .get(article_id)
                    .and_then(|m| m.get(locale)),
            );
        let old = self
            .pages
            .get(article_id)
            .and_then(|m| m.get(locale))
            .cloned();
        let Some((article, translation)) = visible else {
            if let Some(old) = old {
                self.remove_page(&old);
            }
            return;
        };
        if let Some(old) = &old {
            if old.title == translation.title
                && old.markdown == translation.body_markdown
                && old.category_id == article.category_id
                && old.updated_at == translation.updated_at
            {
                return;
            }
        }
        let plain = plain_text(&translation.body_markdown);
        let excerpt = truncate_chars(
            &plain.split_whitespace().collect::<Vec<_>>().join(" "),
            EXCERPT_CHARS,
        );
        let page = Page {
            article_id: article_id.to_string(),
            locale: locale.to_string(),
            title: translation.title.clone(),
            slug: article_slug(&translation.title),
            category_id: article.category_id.clone(),
            excerpt,
            updated_at: translation.updated_at,
            markdown: translation.body_markdown.clone(),
            sort_key: format!(
                "{}\u{0}{}",
                terms(&translation.title).join(" "),
                translation.title
            ),
            html: OnceLock::new(),
        };
        let text_changed = old
            .as_ref()
            .is_none_or(|o| o.title != page.title || o.markdown != page.markdown);
        if let Some(old) = &old {
            if old.markdown == page.markdown {
                if let Some(html) = old.html.get() {
                    let _ = page.html.set(html.clone());
                }
            }
            self.unlist(old);
        }
        let page = Arc::new(page);
        let li = self.locales.entry(locale.to_string()).or_default();
        if old.is_none() {
            li.pages += 1;
        }
        if let Some(c) = &page.category_id {
            li.by_category
                .entry(c.clone())
                .or_default()
                .insert((page.sort_key.clone(), article_id.to_string()));
        }
        if text_changed {
            li.search.insert(article_id, &page.title, &plain);
        }
        self.pages
            .entry(article_id.to_string())
            .or_default()
            .insert(locale.to_string(), page);
    }

    /// Takes a page out of its category list (it stays searchable and counted).
    fn unlist(&mut self, page: &Page) {
        let Some(li) = self.locales.get_mut(&page.locale) else {
            return;
        };
        if let Some(c) = &page.category_id {
            if let Some(set) = li.by_category.get_mut(c) {
                set.remove(&(page.sort_key.clone(), page.article_id.clone()));
                if set.is_empty() {
                    li.by_category.remove(c);
                }
            }
        }
    }

    fn remove_page(&mut self, page: &Arc<Page>) {
        self.unlist(page);
        if let Some(li) = self.locales.get_mut(&page.locale) {
            li.search.remove(&page.article_id);
            li.pages -= 1;
            if li.pages == 0 {
                self.locales.remove(&page.locale);
            }
        }
        if let Some(m) = self.pages.get_mut(&page.article_id) {
            m.remove(&page.locale);
            if m.is_empty() {
                self.pages.remove(&page.article_id);
            }
        }
    }

    // ---- reads -----------------------------------------------------------------------------

    /// Locales with at least one public page, sorted.
    pub fn locales(&self) -> impl Iterator<Item = &str> {
        self.locales.keys().map(String::as_str)
    }

    pub fn has_locale(&self, locale: &str) -> bool {
        self.locales.contains_key(locale)
    }

    pub fn page(&self, article_id: &str, locale: &str) -> Option<&Arc<Page>> {
        self.pages.get(article_id)?.get(locale)
    }

    /// Whether the article has a public page in any locale.
    pub fn is_public(&self, article_id: &str) -> bool {
        self.pages.contains_key(article_id)
    }

    /// Every public page of an article, by locale.
    pub fn translations_of(&self, article_id: &str) -> impl Iterator<Item = &Arc<Page>> {
        self.pages
            .get(article_id)
            .into_iter()
            .flat_map(|m| m.values())
    }

    /// Every public page, by article then locale (for the sitemap).
    pub fn all_pages(&self) -> impl Iterator<Item = (&String, &BTreeMap<String, Arc<Page>>)> {
        self.pages.iter()
    }

    pub fn category(&self, id: &str) -> Option<&KbCategory> {
        self.categories.get(id)
    }

    /// Categories with public pages in `locale`, in their order, with their page counts.
    pub fn categories_in(&self, locale: &str) -> Vec<(&KbCategory, usize)> {
        let Some(li) = self.locales.get(locale) else {
            return Vec::new();
        };
        let mut out: Vec<(&KbCategory, usize)> = li
            .by_category
            .iter()
            .filter_map(|(id, set)| Some((self.categories.get(id)?, set.len())))
            .collect();
        out.sort_by(|a, b| (a.0.position, &a.0.id).cmp(&(b.0.position, &b.0.id)));
        out
    }

    /// Locales in which `category_id` has public pages.
    pub fn category_locales(&self, category_id: &str) -> Vec<&str> {
        self.locales
            .iter()
            .filter(|(_, li)| li.by_category.contains_key(category_id))
            .map(|(l, _)| l.as_str())
            .collect()
    }

    /// The pages of a category in `locale`, by title: `skip` then at most `take`, and the
    /// count of all of them.
    pub fn category_pages(
        &self,
        locale: &str,
        category_id: &str,
        skip: usize,
        take: usize,
    ) -> (usize, Vec<Arc<Page>>) {
        let Some(set) = self
            .locales
            .get(locale)
            .and_then(|li| li.by_category.get(category_id))
        else {
            return (0, Vec::new());
        };
        let pages = set
            .iter()
            .skip(skip)
            .take(take)
            .filter_map(|(_, id)| self.page(id, locale).cloned())
            .collect();
        (set.len(), pages)
    }

    /// Pages of `locale` matching every word of `query` (the last one also as a prefix),
    /// best first: title words weigh more than body words. `skip`/`take` select a slice.
    pub fn search(&self, locale: &str, query: &str, skip: usize, take: usize) -> Found {
        let Some(li) = self.locales.get(locale) else {
            return Found {
                total: 0,
                pages: Vec::new(),
            };
        };
        let mut words = terms(query);
        words.truncate(MAX_QUERY_TERMS);
        let mut hits = li.search.query(&words);
        let total = hits.len();
        let wanted = (skip + take).min(total);
        let order = |a: &(u32, u32), b: &(u32, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if wanted > 0 && wanted < total {
            hits.select_nth_unstable_by(wanted - 1, order);
            hits.truncate(wanted);
        }
        hits.sort_unstable_by(order);
        let pages = hits
            .iter()
            .skip(skip)
            .take(take)
            .filter_map(|(_, slot)| li.search.article(*slot))
            .filter_map(|id| self.page(id, locale).cloned())
            .collect();
        Found { total, pages }
    }
}

/// An inverted index of one locale's pages: folded word → (slot, weight), sorted by slot.
#[derive(Default)]
struct SearchIndex {
    postings: BTreeMap<Box<str>, Vec<(u32, u32)>>,
    slot_of: HashMap<String, u32>,
    /// Slot → (article id, its words), `None` when free.
    slots: Vec<Option<(String, Vec<Box<str>>)>>,
    free: Vec<u32>,
}

impl SearchIndex {
    fn article(&self, slot: u32) -> Option<&str> {
        self.slots
            .get(slot as usize)?
            .as_ref()
            .map(|(id, _)| id.as_str())
    }

    fn insert(&mut self, article_id: &str, title: &str, body: &str) {
        self.remove(article_id);
        let mut weights: HashMap<String, (u32, u32)> = HashMap::new();
        for_each_term(title, |t| match weights.get_mut(t) {
            Some(w) => w.0 += 1,
            None => {
                weights.insert(t.to_string(), (1, 0));
            }
        });
        for_each_term(body, |t| match weights.get_mut(t) {
            Some(w) => w.1 += 1,
            None => {
                weights.insert(t.to_string(), (0, 1));
            }
        });
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                (self.slots.len() - 1) as u32
            }
        };
        let mut words = Vec::with_capacity(weights.len());
        for (term, (in_title, in_body)) in weights {
            let weight =
                in_title.min(MAX_BODY_REPEATS) * TITLE_WEIGHT + in_body.min(MAX_BODY_REPEATS);
            let list = self.postings.entry(term.as_str().into()).or_default();
            match list.binary_search_by_key(&slot, |p| p.0) {
                Ok(i) => list[i].1 = weight,
                Err(i) => list.insert(i, (slot, weight)),
            }
            words.push(term.into_boxed_str());
        }
        self.slots[slot as usize] = Some((article_id.to_string(), words));
        self.slot_of.insert(article_id.to_string(), slot);
    }

    fn remove(&mut self, article_id: &str) {
        let Some(slot) = self.slot_of.remove(article_id) else {
            return;
        };
        if let Some((_, words)) = self.slots[slot as usize].take() {
            for w in words {
                if let Some(list) = self.postings.get_mut(&w) {
                    if let Ok(i) = list.binary_search_by_key(&slot, |p| p.0) {
                        list.remove(i);
                    }
                    if list.is_empty() {
                        self.postings.remove(&w);
                    }
                }
            }
        }
        self.free.push(slot);
    }

    /// (score, slot) of every page holding all `words`; the last word also matches longer
    /// words it begins.
    fn query(&self, words: &[String]) -> Vec<(u32, u32)> {
        let mut lists: Vec<Cow<'_, [(u32, u32)]>> = Vec::with_capacity(words.len());
        for (i, word) in words.iter().enumerate() {
            let list = if i + 1 == words.len() {
                self.prefixed(word)
            } else {
                match self.postings.get(word.as_str()) {
                    Some(l) => Cow::Borrowed(l.as_slice()),
                    None => return Vec::new(),
                }
            };
            if list.is_empty() {
                return Vec::new();
            }
            lists.push(list);
        }
        lists.sort_by_key(|l| l.len());
        let Some((first, rest)) = lists.split_first() else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(first.len());
        'next: for &(slot, weight) in first.iter() {
            let mut score = weight;
            for l in rest {
                match l.binary_search_by_key(&slot, |p| p.0) {
                    Ok(i) => score += l[i].1,
                    Err(_) => continue 'next,
                }
            }
            out.push((score, slot));
        }
        out
    }

    /// Postings of `word` and of the words it begins (best weight per slot).
    fn prefixed(&self, word: &str) -> Cow<'_, [(u32, u32)]> {
        let mut matching = self
            .postings
            .range::<str, _>((Bound::Included(word), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(word))
            .take(MAX_PREFIX_EXPANSIONS);
        let Some((_, first)) = matching.next() else {
            return Cow::Borrowed(&[]);
        };
        let Some((_, second)) = matching.next() else {
            return Cow::Borrowed(first.as_slice());
        };
        let mut merged: Vec<(u32, u32)> = first.iter().chain(second.iter()).copied().collect();
        for (_, l) in matching {
            merged.extend_from_slice(l);
        }
        // By slot, best weight first, then one entry per slot.
        merged.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        merged.dedup_by_key(|p| p.0);
        Cow::Owned(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use porchlight_domain::kb::{ArticleStatus, ArticleVisibility};

    fn article(id: &str, status: ArticleStatus) -> Doc {
        Doc::KbArticle(Article {
            id: id.into(),
            category_id: Some("c1".into()),
            status,
            visibility: ArticleVisibility::Public,
            tags: vec![],
            source_locale: "en".into(),
            created_at: 1,
            updated_at: 1,
            deleted_at: None,
        })
    }

    fn translation(id: &str, locale: &str, title: &str, body: &str) -> Doc {
        Doc::KbTranslation(ArticleTranslation {
            article_id: id.into(),
            locale: locale.into(),
            title: title.into(),
            body_markdown: body.into(),
            revision: 1,
            source_revision: None,
            updated_by: "a".into(),
            updated_at: 1,
        })
    }

    fn put(ix: &mut Index, d: Doc) {
        ix.apply(&d.key(), Some(d));
    }

    #[test]
    fn pages_follow_status_and_search_follows_text() {
        let mut ix = Index::default();
        put(
            &mut ix,
            translation("a1", "en", "Refund policy", "Money back in five days."),
        );
        put(&mut ix, article("a1", ArticleStatus::Draft));
        assert!(ix.page("a1", "en").is_none());
        assert_eq!(ix.search("en", "refund", 0, 10).total, 0);
        put(&mut ix, article("a1", ArticleStatus::Published));
        assert!(ix.page("a1", "en").is_some());
        assert_eq!(ix.search("en", "REFUND", 0, 10).total, 1);
        assert_eq!(
            ix.search("en", "mon", 0, 10).total,
            1,
            "last word as prefix"
        );
        assert_eq!(
            ix.search("en", "mon back", 0, 10).total,
            0,
            "only the last word"
        );
        put(
            &mut ix,
            translation("a2", "en", "Shipping", "Refund of shipping costs."),
        );
        put(&mut ix, article("a2", ArticleStatus::Published));
        let found = ix.search("en", "refund", 0, 10);
        assert_eq!(found.total, 2);
        assert_eq!(found.pages[0].article_id, "a1", "title matches weigh more");
        put(&mut ix, translation("a1", "en", "Returns", "Send it back."));
        assert_eq!(ix.search("en", "refund", 0, 10).total, 1);
        assert_eq!(ix.search("en", "returns", 0, 10).total, 1);
        put(
            &mut ix,
            translation("a1", "fa", "بازپرداخت پول", "پول شما برمی‌گردد."),
        );
        assert_eq!(ix.search("fa", "بازپرداخت", 0, 10).total, 1);
        assert_eq!(ix.categories_in("en").len(), 0, "no category document yet");
        put(&mut ix, article("a1", ArticleStatus::Archived));
        assert!(!ix.has_locale("fa"));
        assert_eq!(ix.search("en", "returns", 0, 10).total, 0);
        assert_eq!(ix.category_pages("en", "c1", 0, 10).0, 1);
    }
}

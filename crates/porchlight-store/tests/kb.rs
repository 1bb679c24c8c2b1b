//! The knowledge base on a real SQLite file: writing, translating, searching, drafts that
//! survive a reopen, history and restore, suggestions for a ticket, and refusals that change
//! nothing.

use std::collections::BTreeMap;

use porchlight_domain::kb::{
    ArticleStatus, ArticleVisibility, KbArticleFilter, KbDraft, KbMutation,
};
use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::{Channel, ErrorCode, Mutation, Priority, TicketType};
use porchlight_store::{new_id, Store, StoreError};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.create_profile("Deniz Editor", "deniz@porchlight.example")
        .unwrap();
    (dir, s)
}

fn article(s: &Store, category: Option<&str>, title: &str, body: &str) -> String {
    let id = new_id();
    s.apply_kb(KbMutation::CreateArticle {
        id: id.clone(),
        revision_id: new_id(),
        category_id: category.map(str::to_owned),
        source_locale: "en".into(),
        title: title.into(),
        body_markdown: body.into(),
        visibility: ArticleVisibility::Public,
        tags: vec![],
    })
    .unwrap();
    id
}

fn save(s: &Store, id: &str, locale: &str, base: i64, title: &str, body: &str) {
    s.apply_kb(KbMutation::SaveTranslation {
        article_id: id.into(),
        locale: locale.into(),
        revision_id: new_id(),
        base_revision: base,
        source_revision: (locale != "en").then_some(1),
        title: title.into(),
        body_markdown: body.into(),
    })
    .unwrap();
}

fn code(e: StoreError) -> ErrorCode {
    match e {
        StoreError::Domain(d) => d.code,
        other => panic!("not a domain error: {other}"),
    }
}

#[test]
fn write_translate_search_and_filter() {
    let (_d, s) = store();
    s.apply_kb(KbMutation::CreateCategory {
        id: "billing".into(),
        position: 1,
        names: BTreeMap::from([
            ("en".into(), "Billing".into()),
            ("fa".into(), "صورتحساب".into()),
        ]),
        descriptions: BTreeMap::new(),
    })
    .unwrap();
    let refund = article(
        &s,
        Some("billing"),
        "Asking for a refund",
        "Refunds take **five days**. See [policy](https://example.com/policy).",
    );
    let password = article(
        &s,
        None,
        "Resetting your password",
        "Open Settings, then Security.",
    );
    save(
        &s,
        &refund,
        "fa",
        0,
        "درخواست بازپرداخت",
        "بازپرداخت پنج روز طول می‌کشد.",
    );
    s.apply_kb(KbMutation::SetArticleStatus {
        article_id: refund.clone(),
        status: ArticleStatus::Published,
    })
    .unwrap();

    let cats = s.kb_categories().unwrap();
    assert_eq!(cats.len(), 1);
    assert_eq!(cats[0].names["fa"], "صورتحساب");

    // Newest change first without a query.
    let all = s.kb_articles(&KbArticleFilter::default()).unwrap();
    assert_eq!(
        all.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        vec![refund.as_str(), password.as_str()]
    );
    assert_eq!(all[0].locales, vec!["en".to_string(), "fa".to_string()]);

    // Words in the body (plain text, not markdown syntax), a prefix, Persian, filters.
    let hits = |q: &str, f: KbArticleFilter| {
        s.kb_articles(&KbArticleFilter {
            query: q.into(),
            ..f
        })
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.title))
        .collect::<Vec<_>>()
    };
    assert_eq!(hits("five days", Default::default()).len(), 1);
    assert_eq!(hits("secur", Default::default())[0].0, password);
    assert!(
        hits("https", Default::default()).is_empty(),
        "link targets are not text"
    );
    let fa = hits(
        "بازپرداخت",
        KbArticleFilter {
            locale: Some("fa".into()),
            ..Default::default()
        },
    );
    assert_eq!(fa, vec![(refund.clone(), "درخواست بازپرداخت".to_string())]);
    assert!(hits(
        "refund",
        KbArticleFilter {
            status: Some(ArticleStatus::Draft),
            ..Default::default()
        }
    )
    .is_empty());
    assert_eq!(
        hits(
            "",
            KbArticleFilter {
                category_id: Some("billing".into()),
                ..Default::default()
            }
        )
        .len(),
        1
    );
    // Hostile search input is literal text, not FTS syntax.
    assert!(hits("\"refund OR * NEAR(", Default::default()).len() <= 1);

    // The source changes: the Persian translation is flagged as older than its source.
    save(
        &s,
        &refund,
        "en",
        1,
        "Asking for a refund",
        "Refunds take three days.",
    );
    let detail = s.kb_article(&refund).unwrap();
    assert_eq!(detail.translations[0].translation.locale, "en");
    assert!(!detail.translations[0].stale);
    assert!(detail.translations[1].stale);
    assert_eq!(
        s.kb_articles(&KbArticleFilter::default()).unwrap()[0].stale_locales,
        vec!["fa".to_string()]
    );
    // Search follows the edit.
    assert!(hits("five", Default::default()).is_empty());
    assert_eq!(hits("three", Default::default())[0].0, refund);
}

#[test]
fn drafts_survive_a_reopen_and_a_save_clears_them() {
    let dir = tempfile::tempdir().unwrap();
    let id;
    {
        let s = Store::open(dir.path()).unwrap();
        s.create_profile("Deniz", "deniz@porchlight.example")
            .unwrap();
        id = article(&s, None, "Shipping times", "Two days.");
        s.save_kb_draft(&KbDraft {
            article_id: id.clone(),
            locale: "en".into(),
            base_revision: 1,
            title: "Shipping times".into(),
            body_markdown: "Two days, three at most".into(),
            saved_at: 0,
        })
        .unwrap();
        s.save_kb_draft(&KbDraft {
            article_id: id.clone(),
            locale: "tr".into(),
            base_revision: 0,
            title: "Kargo süreleri".into(),
            body_markdown: "İki gün".into(),
            saved_at: 0,
        })
        .unwrap();
    }
    let s = Store::open(dir.path()).unwrap();
    let d = s.kb_article(&id).unwrap();
    assert_eq!(
        d.translations[0].draft.as_ref().unwrap().body_markdown,
        "Two days, three at most"
    );
    assert_eq!(d.new_drafts.len(), 1);
    assert_eq!(d.new_drafts[0].title, "Kargo süreleri");
    save(
        &s,
        &id,
        "en",
        1,
        "Shipping times",
        "Two days, three at most",
    );
    let d = s.kb_article(&id).unwrap();
    assert!(d.translations[0].draft.is_none());
    assert_eq!(d.translations[0].translation.revision, 2);
    // An oversized draft is refused with the limit named, the old draft kept.
    let err = s
        .save_kb_draft(&KbDraft {
            article_id: id.clone(),
            locale: "tr".into(),
            base_revision: 0,
            title: "x".into(),
            body_markdown: "a".repeat(600 * 1024),
            saved_at: 0,
        })
        .unwrap_err();
    assert_eq!(code(err), ErrorCode::TooLong);
    assert_eq!(
        s.kb_article(&id).unwrap().new_drafts[0].body_markdown,
        "İki gün"
    );
}

#[test]
fn history_restore_and_refusals_that_change_nothing() {
    let (_d, s) = store();
    let id = article(&s, None, "Opening hours", "9 to 5.");
    save(&s, &id, "en", 1, "Opening hours", "9 to 6.");
    save(&s, &id, "en", 2, "Opening hours", "8 to 6.");
    let revs = s.kb_revisions(&id, "en").unwrap();
    assert_eq!(
        revs.iter()
            .map(|r| (r.revision, r.body_markdown.as_str()))
            .collect::<Vec<_>>(),
        vec![(3, "8 to 6."), (2, "9 to 6."), (1, "9 to 5.")]
    );
    s.apply_kb(KbMutation::RestoreRevision {
        article_id: id.clone(),
        locale: "en".into(),
        revision: 1,
        revision_id: new_id(),
        base_revision: 3,
    })
    .unwrap();
    let d = s.kb_article(&id).unwrap();
    assert_eq!(d.translations[0].translation.body_markdown, "9 to 5.");
    assert_eq!(d.translations[0].translation.revision, 4);
    assert_eq!(s.kb_revisions(&id, "en").unwrap()[0].restored_from, Some(1));

    // Refused: empty title, unknown locale, unknown category; nothing changes.
    let before = s.kb_revisions(&id, "en").unwrap().len();
    for bad in [
        KbMutation::SaveTranslation {
            article_id: id.clone(),
            locale: "en".into(),
            revision_id: new_id(),
            base_revision: 4,
            source_revision: None,
            title: "   ".into(),
            body_markdown: "x".into(),
        },
        KbMutation::SaveTranslation {
            article_id: id.clone(),
            locale: "english".into(),
            revision_id: new_id(),
            base_revision: 0,
            source_revision: None,
            title: "x".into(),
            body_markdown: "x".into(),
        },
        KbMutation::SetArticleCategory {
            article_id: id.clone(),
            category_id: Some("nope".into()),
        },
    ] {
        assert!(s.apply_kb(bad).is_err());
    }
    assert_eq!(s.kb_revisions(&id, "en").unwrap().len(), before);
    assert_eq!(s.kb_article(&id).unwrap().article.category_id, None);

    // Deleted articles leave the list for the bin and come back restored.
    s.apply_kb(KbMutation::DeleteArticle {
        article_id: id.clone(),
    })
    .unwrap();
    assert!(s
        .kb_articles(&KbArticleFilter::default())
        .unwrap()
        .is_empty());
    let bin = s
        .kb_articles(&KbArticleFilter {
            deleted: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(bin.len(), 1);
    s.apply_kb(KbMutation::RestoreArticle { article_id: id })
        .unwrap();
    assert_eq!(s.kb_articles(&KbArticleFilter::default()).unwrap().len(), 1);
}

#[test]
fn suggestions_match_the_ticket_in_its_language() {
    let (_d, s) = store();
    let refund = article(
        &s,
        None,
        "Asking for a refund",
        "Refunds reach your card in five days.",
    );
    save(
        &s,
        &refund,
        "tr",
        0,
        "İade talebi",
        "İadeler beş günde kartınıza ulaşır.",
    );
    let draft = article(&s, None, "Refund internals", "Draft about refund tooling.");
    let _unrelated = article(&s, None, "Shipping", "Parcels ship daily.");
    s.apply_kb(KbMutation::SetArticleStatus {
        article_id: refund.clone(),
        status: ArticleStatus::Published,
    })
    .unwrap();
    let ticket = new_id();
    s.apply(Mutation::CreateTicket {
        ticket_id: ticket.clone(),
        message_id: new_id(),
        subject: "Refund please".into(),
        requester: RequesterRef::New {
            id: new_id(),
            name: "Ayşe".into(),
            email: Some("ayse@example.com".into()),
            phone: None,
        },
        channel: Channel::Email,
        priority: Priority::Normal,
        ticket_type: TicketType::Question,
        assignee_id: None,
        group_id: None,
        tags: vec![],
        body_text: "My card was charged twice, I want a refund.".into(),
        attachment_ids: vec![],
        outbound: false,
    })
    .unwrap();
    let sug = s.kb_suggestions(&ticket).unwrap();
    assert_eq!(sug.len(), 1, "drafts are never suggested: {sug:?}");
    assert_eq!(sug[0].article_id, refund);
    assert_eq!(sug[0].locale, "en");
    assert_eq!(sug[0].url, None, "standalone: no help center to link to");
    assert!(sug.iter().all(|x| x.article_id != draft));

    // A Turkish customer gets the Turkish text.
    let mehmet = new_id();
    s.apply(Mutation::SaveCustomer {
        id: mehmet.clone(),
        name: "Mehmet".into(),
        emails: vec!["mehmet@example.com.tr".into()],
        phone: String::new(),
        organization_id: None,
        language: "tr".into(),
        notes: String::new(),
    })
    .unwrap();
    let tr_ticket = new_id();
    s.apply(Mutation::CreateTicket {
        ticket_id: tr_ticket.clone(),
        message_id: new_id(),
        subject: "İade".into(),
        requester: RequesterRef::Existing { id: mehmet },
        channel: Channel::Email,
        priority: Priority::Normal,
        ticket_type: TicketType::Question,
        assignee_id: None,
        group_id: None,
        tags: vec![],
        body_text: "İadeler ne zaman kartıma ulaşır?".into(),
        attachment_ids: vec![],
        outbound: false,
    })
    .unwrap();
    let sug = s.kb_suggestions(&tr_ticket).unwrap();
    assert_eq!(sug.len(), 1);
    assert_eq!(sug[0].locale, "tr");
    assert_eq!(sug[0].title, "İade talebi");
}

#[test]
fn article_images_are_raster_attachments_only() {
    let (_d, s) = store();
    let png = s
        .stage_attachment("shot.png", "image/png", b"\x89PNG\r\n\x1a\nfake")
        .unwrap();
    let (mime, bytes) = s.attachment_image(&png.id).unwrap();
    assert_eq!(mime, "image/png");
    assert_eq!(&bytes[..4], b"\x89PNG");
    let svg = s
        .stage_attachment("evil.svg", "image/svg+xml", b"<svg onload=\"alert(1)\"/>")
        .unwrap();
    assert_eq!(
        code(s.attachment_image(&svg.id).unwrap_err()),
        ErrorCode::InvalidValue
    );
    assert_eq!(
        code(s.attachment_image("missing").unwrap_err()),
        ErrorCode::NotFound
    );
}

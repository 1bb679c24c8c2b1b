//! Replicated documents: the server's authoritative state, one JSON document per entity, and
//! what a pull hands to every desktop. Each mirrors one row of the desktop store's tables.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::Macro;
use crate::kb::{
    Article, ArticleRevision, ArticleTranslation, ArticleVotes, KbCategory, TranslationConflict,
};
use crate::mail::{DeliveryState, Mailbox};
use crate::model::{TicketEvent, TicketStatus};
use crate::rules::Rule;
use crate::sla::{BusinessCalendar, SlaPolicy};

pub use crate::records::{
    AgentDoc, CustomerDoc, GroupDoc, MessageDoc, OrganizationDoc, RatingDoc, TagDoc, TicketDoc,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DocKind {
    Ticket,
    Message,
    Event,
    Customer,
    Organization,
    Agent,
    Group,
    Tag,
    KbCategory,
    KbArticle,
    /// Id: `{article_id}/{locale}` (see [`translation_doc_id`]).
    KbTranslation,
    KbRevision,
    KbConflict,
    /// Id: the article's id. Written by the server's help center only.
    KbVotes,
    Rule,
    Macro,
    SlaPolicy,
    Calendar,
    Mailbox,
    /// Id: `{ticket_id}/{kind}` (see `records::rating_doc_id`).
    Rating,
}

/// The document id of an article's translation into `locale`.
pub fn translation_doc_id(article_id: &str, locale: &str) -> String {
    format!("{article_id}/{locale}")
}

impl DocKind {
    pub const ALL: &'static [DocKind] = &[
        DocKind::Agent,
        DocKind::Group,
        DocKind::Tag,
        DocKind::Organization,
        DocKind::Customer,
        DocKind::Ticket,
        DocKind::Message,
        DocKind::Event,
        DocKind::Rating,
        DocKind::KbCategory,
        DocKind::KbArticle,
        DocKind::KbTranslation,
        DocKind::KbRevision,
        DocKind::KbConflict,
        DocKind::KbVotes,
        DocKind::Rule,
        DocKind::Macro,
        DocKind::SlaPolicy,
        DocKind::Calendar,
        DocKind::Mailbox,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Ticket => "ticket",
            DocKind::Message => "message",
            DocKind::Event => "event",
            DocKind::Customer => "customer",
            DocKind::Organization => "organization",
            DocKind::Agent => "agent",
            DocKind::Group => "group",
            DocKind::Tag => "tag",
            DocKind::KbCategory => "kb_category",
            DocKind::KbArticle => "kb_article",
            DocKind::KbTranslation => "kb_translation",
            DocKind::KbRevision => "kb_revision",
            DocKind::KbConflict => "kb_conflict",
            DocKind::KbVotes => "kb_votes",
            DocKind::Rule => "rule",
            DocKind::Macro => "macro",
            DocKind::SlaPolicy => "sla_policy",
            DocKind::Calendar => "calendar",
            DocKind::Mailbox => "mailbox",
            DocKind::Rating => "rating",
        }
    }
    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// Which document: its kind and id (a tag's id is its name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocKey {
    pub kind: DocKind,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "doc", rename_all = "snake_case")]
#[ts(export)]
pub enum Doc {
    Ticket(TicketDoc),
    Message(MessageDoc),
    Event(TicketEvent),
    Customer(CustomerDoc),
    Organization(OrganizationDoc),
    Agent(AgentDoc),
    Group(GroupDoc),
    Tag(TagDoc),
    KbCategory(KbCategory),
    KbArticle(Article),
    KbTranslation(ArticleTranslation),
    KbRevision(ArticleRevision),
    KbConflict(TranslationConflict),
    KbVotes(ArticleVotes),
    Rule(Rule),
    Macro(Macro),
    SlaPolicy(SlaPolicy),
    Calendar(BusinessCalendar),
    Mailbox(Mailbox),
    Rating(RatingDoc),
}

impl Doc {
    pub fn key(&self) -> DocKey {
        let (kind, id) = match self {
            Doc::KbTranslation(t) => {
                return DocKey {
                    kind: DocKind::KbTranslation,
                    id: translation_doc_id(&t.article_id, &t.locale),
                }
            }
            Doc::KbCategory(d) => (DocKind::KbCategory, &d.id),
            Doc::KbArticle(d) => (DocKind::KbArticle, &d.id),
            Doc::KbRevision(d) => (DocKind::KbRevision, &d.id),
            Doc::KbConflict(d) => (DocKind::KbConflict, &d.id),
            Doc::KbVotes(d) => (DocKind::KbVotes, &d.article_id),
            Doc::Rule(d) => (DocKind::Rule, &d.id),
            Doc::Macro(d) => (DocKind::Macro, &d.id),
            Doc::SlaPolicy(d) => (DocKind::SlaPolicy, &d.id),
            Doc::Calendar(d) => (DocKind::Calendar, &d.id),
            Doc::Mailbox(d) => (DocKind::Mailbox, &d.id),
            Doc::Rating(d) => (DocKind::Rating, &d.id),
            Doc::Ticket(d) => (DocKind::Ticket, &d.id),
            Doc::Message(d) => (DocKind::Message, &d.id),
            Doc::Event(d) => (DocKind::Event, &d.id),
            Doc::Customer(d) => (DocKind::Customer, &d.id),
            Doc::Organization(d) => (DocKind::Organization, &d.id),
            Doc::Agent(d) => (DocKind::Agent, &d.id),
            Doc::Group(d) => (DocKind::Group, &d.id),
            Doc::Tag(d) => (DocKind::Tag, &d.name),
        };
        DocKey {
            kind,
            id: id.clone(),
        }
    }

    /// The ticket a message or event belongs to, the article a translation, revision or
    /// conflict draft belongs to: storage indexes documents by it.
    pub fn parent(&self) -> Option<&str> {
        match self {
            Doc::Message(d) => Some(&d.ticket_id),
            Doc::Event(d) => Some(&d.ticket_id),
            Doc::Rating(d) => Some(&d.ticket_id),
            Doc::KbTranslation(d) => Some(&d.article_id),
            Doc::KbRevision(d) => Some(&d.article_id),
            Doc::KbConflict(d) => Some(&d.article_id),
            _ => None,
        }
    }

    /// Secondary keys the storage must be able to look documents up by: a customer's
    /// e-mail addresses, a ticket's number, tags and open assignee, an organization's domains,
    /// an agent's groups, a translation's revision numbers, "rule" for every rule, a
    /// message's Message-ID and whether it waits to be sent.
    pub fn lookup_keys(&self) -> Vec<String> {
        match self {
            Doc::Message(m) => match &m.email {
                Some(e) => {
                    let mut keys = vec![mail_lookup_key(&e.mail_id)];
                    if let Some((kind, to)) = e.survey_to() {
                        keys.push(survey_lookup_key(to, kind));
                    }
                    match &e.delivery {
                        Some(d) if d.state == DeliveryState::Queued => keys.push(
                            d.not_before
                                .map_or_else(|| MAIL_QUEUED.to_string(), mail_due_key),
                        ),
                        _ => {}
                    }
                    keys
                }
                None => Vec::new(),
            },
            Doc::Customer(c) => c.emails.iter().map(|e| format!("email:{e}")).collect(),
            Doc::Ticket(t) => {
                let mut keys: Vec<String> = t.tags.iter().map(|g| format!("tag:{g}")).collect();
                if let Some(n) = t.number {
                    keys.push(format!("number:{n}"));
                }
                // Open work per agent (automation assigns to the least busy).
                let open = t.deleted_at.is_none()
                    && t.merged_into_id.is_none()
                    && !matches!(t.status, TicketStatus::Solved | TicketStatus::Closed);
                if open {
                    // The server's every-minute time-rule pass walks these.
                    keys.push("open".to_string());
                }
                if let Some(a) = t.assignee_id.as_ref().filter(|_| open) {
                    keys.push(format!("open_by:{a}"));
                }
                keys
            }
            // An address belongs to one agent, whether or not they have an account yet.
            Doc::Agent(a) => a
                .group_ids
                .iter()
                .map(|g| format!("group:{g}"))
                .chain([format!("email:{}", a.email)])
                .collect(),
            Doc::Rule(_) => vec!["rule".to_string()],
            Doc::SlaPolicy(_) => vec!["sla_policy".to_string()],
            Doc::Calendar(_) => vec!["calendar".to_string()],
            Doc::Mailbox(_) => vec!["mailbox".to_string()],
            Doc::Organization(o) => o.domains.iter().map(|d| format!("domain:{d}")).collect(),
            Doc::KbRevision(r) => vec![revision_lookup_key(&r.article_id, &r.locale, r.revision)],
            _ => Vec::new(),
        }
    }
}

/// The lookup key of a message by Message-ID, across mailboxes: a customer may answer
/// support@ to a mail sent from billing@, and a mail sent to two of the team's addresses is
/// one ticket, not two.
pub fn mail_lookup_key(mail_id: &str) -> String {
    format!("mail:{mail_id}")
}

/// The lookup key of the survey mails of a kind sent to an address (how often a customer
/// was asked).
pub fn survey_lookup_key(address: &str, kind: crate::survey::SurveyKind) -> String {
    format!("survey:{}:{address}", kind.as_str())
}

/// The lookup key of messages waiting to be sent by e-mail.
pub const MAIL_QUEUED: &str = "mail_queued";

/// The prefix of [`mail_due_key`].
pub const MAIL_DUE_PREFIX: &str = "mail_due:";

/// The lookup key of a queued message not to be sent before `at` (a survey's delay): the
/// instant in fixed-width digits, so the keys of the mails due by a time form one range and
/// scheduled mail never stands in the queue ahead of the replies that may go now.
pub fn mail_due_key(at: i64) -> String {
    format!("{MAIL_DUE_PREFIX}{:015}", at.max(0))
}

/// The lookup key of a translation's revision number `revision`.
pub fn revision_lookup_key(article_id: &str, locale: &str, revision: i64) -> String {
    format!("rev:{article_id}/{locale}/{revision}")
}

/// What a change touched, as a screen needs to know it: the tickets whose data changed (a
/// message or event counts for its ticket) and whether anything else did (agents, groups,
/// customers, tags, configuration, the knowledge base). Every store write reports one, and
/// the desktop's UI refreshes only what it names.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Changed {
    pub ticket_ids: Vec<String>,
    pub other: bool,
    /// The ids in `ticket_ids`, so a pass over thousands of tickets adds each once cheaply.
    #[serde(skip)]
    #[ts(skip)]
    seen: std::collections::HashSet<String>,
}

impl PartialEq for Changed {
    fn eq(&self, other: &Changed) -> bool {
        self.ticket_ids == other.ticket_ids && self.other == other.other
    }
}

impl Changed {
    /// Something besides tickets changed (and no ticket).
    pub fn other() -> Changed {
        Changed {
            other: true,
            ..Changed::default()
        }
    }

    /// What these writes touch.
    pub fn of_writes(writes: &[DocWrite]) -> Changed {
        let mut c = Changed::default();
        for w in writes {
            match w {
                DocWrite::Put { doc } => c.doc(Some(doc)),
                DocWrite::Delete { .. } => c.doc(None),
            }
        }
        c
    }

    /// Counts one document written (`None`: one deleted; only tags, drafts, rules and
    /// macros ever are).
    pub fn doc(&mut self, doc: Option<&Doc>) {
        match doc {
            Some(Doc::Ticket(t)) => self.ticket(&t.id),
            Some(Doc::Message(m)) => self.ticket(&m.ticket_id),
            Some(Doc::Event(e)) => self.ticket(&e.ticket_id),
            Some(Doc::Rating(r)) => self.ticket(&r.ticket_id),
            _ => self.other = true,
        }
    }

    /// Counts a change to one ticket.
    pub fn ticket(&mut self, id: &str) {
        if self.seen.len() < self.ticket_ids.len() {
            // Deserialised: `seen` was skipped.
            self.seen = self.ticket_ids.iter().cloned().collect();
        }
        if self.seen.insert(id.to_string()) {
            self.ticket_ids.push(id.to_string());
        }
    }

    /// Adds what another change touched.
    pub fn merge(&mut self, other: Changed) {
        for id in &other.ticket_ids {
            self.ticket(id);
        }
        self.other |= other.other;
    }

    pub fn is_empty(&self) -> bool {
        self.ticket_ids.is_empty() && !self.other
    }
}

/// One write produced by applying a mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "op", rename_all = "snake_case")]
#[ts(export)]
// Writes live only until the transaction stores them; boxing would cost more than it saves.
#[allow(clippy::large_enum_variant)]
pub enum DocWrite {
    Put {
        doc: Doc,
    },
    /// Only tags, resolved conflict drafts, rules and macros are ever deleted; everything
    /// else is soft-deleted inside its document.
    Delete {
        key: DocKey,
    },
}

impl DocWrite {
    pub fn key(&self) -> DocKey {
        match self {
            DocWrite::Put { doc } => doc.key(),
            DocWrite::Delete { key } => key.clone(),
        }
    }
}

/// The satisfaction answer a change wrote (a survey answered on the page or by e-mail), for
/// the rules (`RuleEvent::rated`).
pub fn satisfaction_given(writes: &[DocWrite]) -> Option<i64> {
    writes.iter().find_map(|w| match w {
        DocWrite::Put {
            doc: Doc::Rating(r),
        } if r.kind == crate::survey::SurveyKind::Csat => Some(r.score),
        _ => None,
    })
}

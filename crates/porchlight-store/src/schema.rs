//! Versioned migrations, applied in order inside one transaction each; `user_version` holds
//! the number applied. Never edit a released migration: append a new one.

use rusqlite::Connection;

use crate::StoreResult;

/// The statuses whose tickets are still being worked on, as an SQL list. Partial indexes over
/// unsolved tickets are used only by queries that spell their condition the same way, so
/// every such query takes the list from here.
macro_rules! unsolved {
    () => {
        "('new', 'open', 'pending', 'on_hold')"
    };
}
pub(crate) use unsolved;

/// Triggers that keep the external-content FTS tables in step with their tables. Bulk imports
/// drop them, insert, rebuild the indexes and create them again (see `demo::seed`).
pub(crate) const FTS_TRIGGERS: &str = r#"
CREATE TRIGGER IF NOT EXISTS tickets_fts_ai AFTER INSERT ON tickets BEGIN
  INSERT INTO tickets_fts(rowid, subject) VALUES (new.rowid, new.subject);
END;
CREATE TRIGGER IF NOT EXISTS tickets_fts_au AFTER UPDATE OF subject ON tickets
  WHEN old.subject IS NOT new.subject BEGIN
  INSERT INTO tickets_fts(tickets_fts, rowid, subject) VALUES ('delete', old.rowid, old.subject);
  INSERT INTO tickets_fts(rowid, subject) VALUES (new.rowid, new.subject);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, body_text) VALUES (new.rowid, new.body_text);
END;
CREATE TRIGGER IF NOT EXISTS customers_fts_ai AFTER INSERT ON customers BEGIN
  INSERT INTO customers_fts(rowid, name, email_list) VALUES (new.rowid, new.name, new.email_list);
END;
CREATE TRIGGER IF NOT EXISTS customers_fts_au AFTER UPDATE OF name, email_list ON customers BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, name, email_list) VALUES ('delete', old.rowid, old.name, old.email_list);
  INSERT INTO customers_fts(rowid, name, email_list) VALUES (new.rowid, new.name, new.email_list);
END;
"#;

/// Deletions only happen when sync rolls back an optimistic change; the indexes follow.
pub(crate) const FTS_DELETE_TRIGGERS: &str = r#"
CREATE TRIGGER IF NOT EXISTS tickets_fts_ad AFTER DELETE ON tickets BEGIN
  INSERT INTO tickets_fts(tickets_fts, rowid, subject) VALUES ('delete', old.rowid, old.subject);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_ad AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body_text) VALUES ('delete', old.rowid, old.body_text);
END;
CREATE TRIGGER IF NOT EXISTS customers_fts_ad AFTER DELETE ON customers BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, name, email_list) VALUES ('delete', old.rowid, old.name, old.email_list);
END;
"#;

/// Triggers that keep `ticket_counts` (live tickets per status and assignee) exact, so the
/// sidebar's counts are a read of a few rows however large the store grows.
pub(crate) const COUNT_TRIGGERS: &str = r#"
CREATE TRIGGER IF NOT EXISTS ticket_counts_ai AFTER INSERT ON tickets WHEN new.deleted_at IS NULL BEGIN
  INSERT INTO ticket_counts(status, assignee_id, n) VALUES (new.status, coalesce(new.assignee_id, ''), 1)
    ON CONFLICT(status, assignee_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS ticket_counts_au AFTER UPDATE OF status, assignee_id, deleted_at ON tickets
  WHEN old.status IS NOT new.status OR old.assignee_id IS NOT new.assignee_id
    OR old.deleted_at IS NOT new.deleted_at BEGIN
  UPDATE ticket_counts SET n = n - 1
    WHERE old.deleted_at IS NULL AND status = old.status AND assignee_id = coalesce(old.assignee_id, '');
  INSERT INTO ticket_counts(status, assignee_id, n)
    SELECT new.status, coalesce(new.assignee_id, ''), 1 WHERE new.deleted_at IS NULL
    ON CONFLICT(status, assignee_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS ticket_counts_ad AFTER DELETE ON tickets WHEN old.deleted_at IS NULL BEGIN
  UPDATE ticket_counts SET n = n - 1 WHERE status = old.status AND assignee_id = coalesce(old.assignee_id, '');
END;
"#;

/// Triggers that keep `tag_counts` (live tickets per tag) exact, so the tag list with its
/// usage counts is a read of one small table instead of a join over every tagged ticket.
pub(crate) const TAG_COUNT_TRIGGERS: &str = r#"
CREATE TRIGGER IF NOT EXISTS tag_counts_ai AFTER INSERT ON ticket_tags
  WHEN (SELECT deleted_at IS NULL FROM tickets WHERE id = new.ticket_id) BEGIN
  INSERT INTO tag_counts(tag, n) VALUES (new.tag, 1) ON CONFLICT(tag) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS tag_counts_ad AFTER DELETE ON ticket_tags
  WHEN (SELECT deleted_at IS NULL FROM tickets WHERE id = old.ticket_id) BEGIN
  UPDATE tag_counts SET n = n - 1 WHERE tag = old.tag;
END;
CREATE TRIGGER IF NOT EXISTS tag_counts_au_ticket AFTER UPDATE OF deleted_at ON tickets
  WHEN (old.deleted_at IS NULL) != (new.deleted_at IS NULL) BEGIN
  INSERT INTO tag_counts(tag, n)
    SELECT tag, CASE WHEN new.deleted_at IS NULL THEN 1 ELSE -1 END FROM ticket_tags WHERE ticket_id = new.id AND 1
    ON CONFLICT(tag) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER IF NOT EXISTS tag_counts_ad_ticket AFTER DELETE ON tickets WHEN old.deleted_at IS NULL BEGIN
  UPDATE tag_counts SET n = n - 1 WHERE tag IN (SELECT tag FROM ticket_tags WHERE ticket_id = old.id);
END;
"#;

/// Triggers that note which tickets' SLA fields need recomputing (`sla_dirty`; the row `*`
/// means every ticket: a policy or calendar changed). They test for the row rather than use
/// `INSERT OR IGNORE`: an outer statement's conflict clause would override the trigger's. The write transaction recomputes them
/// before it commits (`sla::refresh_dirty`), so the stored deadlines always match the
/// stored history.
pub(crate) const SLA_TRIGGERS: &str = r#"
CREATE TRIGGER IF NOT EXISTS sla_tickets_ai AFTER INSERT ON tickets BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = new.id);
END;
CREATE TRIGGER IF NOT EXISTS sla_tickets_au AFTER UPDATE OF status, priority, channel, group_id, requester_id, created_at, deleted_at ON tickets
  WHEN old.status IS NOT new.status OR old.priority IS NOT new.priority OR old.channel IS NOT new.channel
    OR old.group_id IS NOT new.group_id OR old.requester_id IS NOT new.requester_id
    OR old.created_at IS NOT new.created_at OR old.deleted_at IS NOT new.deleted_at BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = new.id);
END;
CREATE TRIGGER IF NOT EXISTS sla_messages_ai AFTER INSERT ON messages BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT new.ticket_id WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = new.ticket_id);
END;
CREATE TRIGGER IF NOT EXISTS sla_messages_ad AFTER DELETE ON messages BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT old.ticket_id WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = old.ticket_id);
END;
CREATE TRIGGER IF NOT EXISTS sla_events_ai AFTER INSERT ON ticket_events WHEN new.field IN ('status', 'priority') BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT new.ticket_id WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = new.ticket_id);
END;
CREATE TRIGGER IF NOT EXISTS sla_events_ad AFTER DELETE ON ticket_events WHEN old.field IN ('status', 'priority') BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT old.ticket_id WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = old.ticket_id);
END;
CREATE TRIGGER IF NOT EXISTS sla_tags_ai AFTER INSERT ON ticket_tags BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT new.ticket_id WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = new.ticket_id);
END;
CREATE TRIGGER IF NOT EXISTS sla_tags_ad AFTER DELETE ON ticket_tags BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT old.ticket_id WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = old.ticket_id);
END;
CREATE TRIGGER IF NOT EXISTS sla_customers_au AFTER UPDATE OF organization_id ON customers BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT id FROM tickets WHERE requester_id = new.id
    AND id NOT IN (SELECT ticket_id FROM sla_dirty);
END;
CREATE TRIGGER IF NOT EXISTS sla_config_ai AFTER INSERT ON config_docs WHEN new.kind IN ('sla_policy', 'calendar') BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT '*' WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = '*');
END;
CREATE TRIGGER IF NOT EXISTS sla_config_au AFTER UPDATE ON config_docs WHEN new.kind IN ('sla_policy', 'calendar') BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT '*' WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = '*');
END;
CREATE TRIGGER IF NOT EXISTS sla_config_ad AFTER DELETE ON config_docs WHEN old.kind IN ('sla_policy', 'calendar') BEGIN
  INSERT INTO sla_dirty(ticket_id) SELECT '*' WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = '*');
END;
"#;

/// Triggers that note which tickets' report rows (`ticket_metrics`, `ticket_flow`) must be
/// computed again: a change to what a report counts or filters on (see `metrics.rs`). The SLA
/// configuration is not among them: an outcome is what the policy of its time decided.
pub(crate) const METRICS_TRIGGERS: &str = r#"
CREATE TRIGGER IF NOT EXISTS metrics_tickets_ai AFTER INSERT ON tickets BEGIN
  INSERT OR IGNORE INTO metrics_dirty(ticket_id) VALUES (new.id);
END;
CREATE TRIGGER IF NOT EXISTS metrics_tickets_au AFTER UPDATE OF status, priority, channel, group_id, assignee_id, language, created_at, deleted_at, merged_into_id ON tickets
  WHEN old.status IS NOT new.status OR old.priority IS NOT new.priority OR old.channel IS NOT new.channel
    OR old.group_id IS NOT new.group_id OR old.assignee_id IS NOT new.assignee_id
    OR old.language IS NOT new.language OR old.created_at IS NOT new.created_at
    OR old.deleted_at IS NOT new.deleted_at OR old.merged_into_id IS NOT new.merged_into_id BEGIN
  INSERT OR IGNORE INTO metrics_dirty(ticket_id) VALUES (new.id);
END;
CREATE TRIGGER IF NOT EXISTS metrics_tickets_ad AFTER DELETE ON tickets BEGIN
  DELETE FROM ticket_metrics WHERE ticket_rowid = old.rowid;
  DELETE FROM ticket_flow WHERE ticket_rowid = old.rowid;
  DELETE FROM ticket_replies WHERE ticket_rowid = old.rowid;
END;
CREATE TRIGGER IF NOT EXISTS metrics_messages_ai AFTER INSERT ON messages BEGIN
  INSERT OR IGNORE INTO metrics_dirty(ticket_id) VALUES (new.ticket_id);
END;
CREATE TRIGGER IF NOT EXISTS metrics_messages_ad AFTER DELETE ON messages BEGIN
  INSERT OR IGNORE INTO metrics_dirty(ticket_id) VALUES (old.ticket_id);
END;
CREATE TRIGGER IF NOT EXISTS metrics_events_ai AFTER INSERT ON ticket_events WHEN new.field = 'status' BEGIN
  INSERT OR IGNORE INTO metrics_dirty(ticket_id) VALUES (new.ticket_id);
END;
CREATE TRIGGER IF NOT EXISTS metrics_events_ad AFTER DELETE ON ticket_events WHEN old.field = 'status' BEGIN
  INSERT OR IGNORE INTO metrics_dirty(ticket_id) VALUES (old.ticket_id);
END;
"#;

/// Triggers that keep `sla_tally` exact: for each instant column ("due": `sla_due_at`,
/// "warn": `sla_warn_at`), how many live unsolved tickets have it before the row's `as_of`.
/// The "At risk" and "Breached" counts add the tickets between `as_of` and the clock (a short
/// index range, see `refresh::SLA_DUE_COUNT`) instead of counting every ticket past due.
pub(crate) const SLA_TALLY_TRIGGERS: &str = concat!(
    r#"
CREATE TRIGGER IF NOT EXISTS sla_tally_ai AFTER INSERT ON tickets BEGIN
  UPDATE sla_tally SET n = n + CASE WHEN new.deleted_at IS NULL AND new.status IN "#,
    unsolved!(),
    r#"
    AND (CASE kind WHEN 'due' THEN new.sla_due_at ELSE new.sla_warn_at END) < as_of THEN 1 ELSE 0 END;
END;
CREATE TRIGGER IF NOT EXISTS sla_tally_ad AFTER DELETE ON tickets BEGIN
  UPDATE sla_tally SET n = n - CASE WHEN old.deleted_at IS NULL AND old.status IN "#,
    unsolved!(),
    r#"
    AND (CASE kind WHEN 'due' THEN old.sla_due_at ELSE old.sla_warn_at END) < as_of THEN 1 ELSE 0 END;
END;
CREATE TRIGGER IF NOT EXISTS sla_tally_au AFTER UPDATE OF sla_due_at, sla_warn_at, status, deleted_at ON tickets BEGIN
  UPDATE sla_tally SET n = n
    - CASE WHEN old.deleted_at IS NULL AND old.status IN "#,
    unsolved!(),
    r#"
      AND (CASE kind WHEN 'due' THEN old.sla_due_at ELSE old.sla_warn_at END) < as_of THEN 1 ELSE 0 END
    + CASE WHEN new.deleted_at IS NULL AND new.status IN "#,
    unsolved!(),
    r#"
      AND (CASE kind WHEN 'due' THEN new.sla_due_at ELSE new.sla_warn_at END) < as_of THEN 1 ELSE 0 END;
END;
"#
);

/// Counts `sla_tally` afresh (now as the reference instant) from the covering indexes over
/// unsolved tickets' SLA instants: after a bulk import and when the table is created.
const SLA_RETALLY: &str = concat!(
    r#"
DELETE FROM sla_tally;
INSERT INTO sla_tally(kind, as_of, n)
  SELECT 'due', now, (SELECT count(*) FROM tickets INDEXED BY tickets_sla_due_open WHERE sla_due_at < now AND deleted_at IS NULL AND status IN "#,
    unsolved!(),
    r#")
  FROM (SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) AS now);
INSERT INTO sla_tally(kind, as_of, n)
  SELECT 'warn', now, (SELECT count(*) FROM tickets INDEXED BY tickets_sla_warn_open WHERE sla_warn_at < now AND deleted_at IS NULL AND status IN "#,
    unsolved!(),
    r#")
  FROM (SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) AS now);
"#
);

/// Every trigger that maintains derived data, in the order they are created.
const DERIVED_TRIGGERS: &[&str] = &[
    FTS_TRIGGERS,
    FTS_DELETE_TRIGGERS,
    COUNT_TRIGGERS,
    TAG_COUNT_TRIGGERS,
    SLA_TRIGGERS,
    SLA_TALLY_TRIGGERS,
    METRICS_TRIGGERS,
];

/// Creates the derived-data triggers again after a bulk import (see `DROP_DERIVED_TRIGGERS`).
pub(crate) fn create_derived_triggers(conn: &Connection) -> StoreResult<()> {
    for sql in DERIVED_TRIGGERS {
        conn.execute_batch(sql)?;
    }
    Ok(())
}

pub(crate) const DROP_DERIVED_TRIGGERS: &str = r#"
DROP TRIGGER IF EXISTS tickets_fts_ai; DROP TRIGGER IF EXISTS tickets_fts_au;
DROP TRIGGER IF EXISTS messages_fts_ai;
DROP TRIGGER IF EXISTS customers_fts_ai; DROP TRIGGER IF EXISTS customers_fts_au;
DROP TRIGGER IF EXISTS ticket_counts_ai; DROP TRIGGER IF EXISTS ticket_counts_au;
DROP TRIGGER IF EXISTS ticket_counts_ad;
DROP TRIGGER IF EXISTS tickets_fts_ad; DROP TRIGGER IF EXISTS messages_fts_ad;
DROP TRIGGER IF EXISTS customers_fts_ad;
DROP TRIGGER IF EXISTS tag_counts_ai; DROP TRIGGER IF EXISTS tag_counts_ad;
DROP TRIGGER IF EXISTS tag_counts_au_ticket; DROP TRIGGER IF EXISTS tag_counts_ad_ticket;
DROP TRIGGER IF EXISTS sla_tickets_ai; DROP TRIGGER IF EXISTS sla_tickets_au;
DROP TRIGGER IF EXISTS sla_messages_ai; DROP TRIGGER IF EXISTS sla_messages_ad;
DROP TRIGGER IF EXISTS sla_events_ai; DROP TRIGGER IF EXISTS sla_events_ad;
DROP TRIGGER IF EXISTS sla_tags_ai; DROP TRIGGER IF EXISTS sla_tags_ad;
DROP TRIGGER IF EXISTS sla_customers_au;
DROP TRIGGER IF EXISTS sla_tally_ai; DROP TRIGGER IF EXISTS sla_tally_ad;
DROP TRIGGER IF EXISTS sla_tally_au;
DROP TRIGGER IF EXISTS metrics_tickets_ai; DROP TRIGGER IF EXISTS metrics_tickets_au;
DROP TRIGGER IF EXISTS metrics_tickets_ad;
DROP TRIGGER IF EXISTS metrics_messages_ai; DROP TRIGGER IF EXISTS metrics_messages_ad;
DROP TRIGGER IF EXISTS metrics_events_ai; DROP TRIGGER IF EXISTS metrics_events_ad;
"#;

/// Recomputes everything the derived triggers maintain, after a bulk import without them
/// (`rebuild_derived`).
const REBUILD_DERIVED: &str = r#"
INSERT INTO tickets_fts(tickets_fts) VALUES('rebuild');
INSERT INTO messages_fts(messages_fts) VALUES('rebuild');
INSERT INTO customers_fts(customers_fts) VALUES('rebuild');
DELETE FROM ticket_counts;
INSERT INTO ticket_counts(status, assignee_id, n)
  SELECT status, coalesce(assignee_id, ''), count(*) FROM tickets WHERE deleted_at IS NULL GROUP BY 1, 2;
DELETE FROM tag_counts;
INSERT INTO tag_counts(tag, n)
  SELECT tt.tag, count(*) FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id
  WHERE t.deleted_at IS NULL GROUP BY tt.tag;
INSERT INTO sla_dirty(ticket_id) SELECT '*' WHERE NOT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = '*');
INSERT OR IGNORE INTO metrics_dirty(ticket_id) VALUES ('*');
"#;

const V1: &str = r#"
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
);

-- "group" is an SQL keyword, hence agent_group.
CREATE TABLE agent_group (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE agent_group_member (
  group_id TEXT NOT NULL REFERENCES agent_group(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, agent_id)
);

CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  domains TEXT NOT NULL DEFAULT '[]',
  notes TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE customers (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  -- space-separated copy of customer_emails, for full-text search
  email_list TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  organization_id TEXT REFERENCES organizations(id),
  language TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE customer_emails (
  email TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  position INTEGER NOT NULL
);
CREATE INDEX customer_emails_customer ON customer_emails(customer_id, position);

CREATE TABLE tickets (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  number INTEGER UNIQUE,
  subject TEXT NOT NULL,
  status TEXT NOT NULL,
  priority TEXT NOT NULL,
  priority_rank INTEGER NOT NULL,
  ticket_type TEXT NOT NULL,
  channel TEXT NOT NULL,
  requester_id TEXT NOT NULL REFERENCES customers(id),
  assignee_id TEXT REFERENCES agents(id),
  group_id TEXT REFERENCES agent_group(id),
  language TEXT NOT NULL DEFAULT '',
  preview TEXT NOT NULL DEFAULT '',
  message_count INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  first_response_at INTEGER,
  last_customer_message_at INTEGER,
  last_agent_reply_at INTEGER,
  solved_at INTEGER,
  reopen_count INTEGER NOT NULL DEFAULT 0,
  merged_into_id TEXT,
  deleted_at INTEGER,
  version INTEGER NOT NULL DEFAULT 1
);
-- Sort indexes carry status and assignee so a view page filters inside the index and stops
-- after one page, without touching the table for rows it skips.
-- rowid is named so the index order is exactly the ORDER BY of a page (key, rowid).
CREATE INDEX tickets_updated ON tickets(updated_at, rowid, status, assignee_id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_created ON tickets(created_at, rowid, status, assignee_id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_priority ON tickets(priority_rank, updated_at, rowid, status, assignee_id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_status ON tickets(status, assignee_id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_assignee ON tickets(assignee_id, updated_at, rowid) WHERE deleted_at IS NULL;
CREATE INDEX tickets_requester ON tickets(requester_id, updated_at);
CREATE INDEX tickets_group ON tickets(group_id, status) WHERE deleted_at IS NULL;

CREATE TABLE tags (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
CREATE TABLE ticket_tags (
  ticket_id TEXT NOT NULL REFERENCES tickets(id),
  tag TEXT NOT NULL REFERENCES tags(name),
  PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_tag ON ticket_tags(tag, ticket_id);

CREATE TABLE messages (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  ticket_id TEXT NOT NULL REFERENCES tickets(id),
  kind TEXT NOT NULL,
  author_kind TEXT NOT NULL,
  author_id TEXT,
  author_name TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT,
  channel_meta TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX messages_ticket ON messages(ticket_id, created_at);

CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  message_id TEXT REFERENCES messages(id),
  filename TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments(message_id);

CREATE TABLE ticket_events (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  ticket_id TEXT NOT NULL REFERENCES tickets(id),
  actor_id TEXT,
  actor_name TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, created_at);

CREATE TABLE saved_views (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  filters TEXT NOT NULL,
  position INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

-- Every applied mutation, in order: the sync client turns this into the outbox.
CREATE TABLE mutations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  actor_id TEXT,
  name TEXT NOT NULL,
  args TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  pushed_at INTEGER
);

-- Live tickets per (status, assignee; '' = unassigned), kept by COUNT_TRIGGERS.
CREATE TABLE ticket_counts (
  status TEXT NOT NULL,
  assignee_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (status, assignee_id)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE tickets_fts USING fts5(
  subject, content='tickets', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE messages_fts USING fts5(
  body_text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE customers_fts USING fts5(
  name, email_list, content='customers', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
"#;

/// Team sync: the outbox of mutations not yet accepted by the server, the server's version
/// of rows an unsent mutation changed (to roll back or rebase), and which messages and
/// audit events exist only locally so far.
const V2: &str = r#"
-- AUTOINCREMENT: ids must never be reused, the server skips ids it has seen.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  args TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE sync_shadow (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  -- the document as the server last sent it; NULL: the server does not have it
  body TEXT,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
ALTER TABLE messages ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_events ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_pending ON messages(pending) WHERE pending = 1;
CREATE INDEX ticket_events_pending ON ticket_events(pending) WHERE pending = 1;
"#;

/// Live tickets per tag, kept by `TAG_COUNT_TRIGGERS` (filled once here from existing data).
const V3: &str = r#"
CREATE TABLE tag_counts (tag TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO tag_counts(tag, n)
  SELECT tt.tag, count(*) FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id
  WHERE t.deleted_at IS NULL GROUP BY tt.tag;
"#;

/// The knowledge base. Each row keeps its replicated document (`doc`, JSON) whole, with the
/// columns lists and filters need beside it. `kb_fts` is written by the store itself (the
/// body is indexed as plain text rendered from markdown, which SQL cannot compute), keyed
/// by the translation's rowid. `kb_drafts` are this desktop's autosaved edits (never synced).
const V4: &str = r#"
CREATE TABLE kb_categories (id TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE kb_articles (
  id TEXT PRIMARY KEY,
  category_id TEXT,
  status TEXT NOT NULL,
  visibility TEXT NOT NULL,
  source_locale TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  doc TEXT NOT NULL
);
CREATE INDEX kb_articles_updated ON kb_articles(updated_at);
CREATE TABLE kb_translations (
  article_id TEXT NOT NULL,
  locale TEXT NOT NULL,
  title TEXT NOT NULL,
  -- The start of the body as plain text, for lists (computed once, on write).
  excerpt TEXT NOT NULL,
  revision INTEGER NOT NULL,
  source_revision INTEGER,
  updated_at INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (article_id, locale)
);
CREATE TABLE kb_revisions (
  id TEXT PRIMARY KEY,
  article_id TEXT NOT NULL,
  locale TEXT NOT NULL,
  revision INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX kb_revisions_of ON kb_revisions(article_id, locale, revision);
CREATE TABLE kb_conflicts (
  id TEXT PRIMARY KEY,
  article_id TEXT NOT NULL,
  author_id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX kb_conflicts_of ON kb_conflicts(article_id);
CREATE TABLE kb_votes (
  article_id TEXT PRIMARY KEY,
  helpful INTEGER NOT NULL,
  not_helpful INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE kb_drafts (
  article_id TEXT NOT NULL,
  locale TEXT NOT NULL,
  base_revision INTEGER NOT NULL,
  title TEXT NOT NULL,
  body_markdown TEXT NOT NULL,
  saved_at INTEGER NOT NULL,
  PRIMARY KEY (article_id, locale)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE kb_fts USING fts5(
  title, body, tokenize='unicode61 remove_diacritics 2');
"#;

/// Shared configuration documents (automation rules, macros), kept whole: few, small, read
/// all at once.
const V5: &str = r#"
CREATE TABLE config_docs (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
"#;

/// Attachments of messages written on other desktops or in the help center: a row as soon
/// as a message names one (`remote = 1`, no bytes here), its name and size once the server
/// has told, its bytes when first opened.
const V6: &str = r#"
ALTER TABLE attachments ADD COLUMN remote INTEGER NOT NULL DEFAULT 0;
"#;

/// Which of this desktop's own files the team server has (uploaded before the change that
/// names them is pushed).
const V7: &str = r#"
ALTER TABLE attachments ADD COLUMN uploaded INTEGER NOT NULL DEFAULT 0;
UPDATE attachments SET uploaded = 1 WHERE remote = 1;
"#;

/// SLA fields on tickets, derived from the ticket's history and the SLA configuration (see
/// `SLA_TRIGGERS` and `sla.rs`): the policy, when the ticket becomes at risk and when it
/// breaches — set while the ticket is unsolved (the ticket view replays the full clocks on
/// read). "Next deadline" sorts on an index that puts tickets with nothing due last.
const V8: &str = r#"
ALTER TABLE tickets ADD COLUMN sla_policy_id TEXT;
ALTER TABLE tickets ADD COLUMN sla_due_at INTEGER;
ALTER TABLE tickets ADD COLUMN sla_warn_at INTEGER;
CREATE INDEX tickets_sla_due ON tickets(coalesce(sla_due_at, 9223372036854775807), rowid, status, assignee_id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_sla_warn ON tickets(sla_warn_at) WHERE sla_warn_at IS NOT NULL AND deleted_at IS NULL;
CREATE TABLE sla_dirty (ticket_id TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO sla_dirty(ticket_id) VALUES ('*');
"#;

/// Notifications for the local agent (see `queries::notifications`). One per source: an
/// event, a message, or a new ticket, with the kind, so a restart or a replayed pull never
/// repeats one. `delivered`: 0 not yet handed to the shell, 1 popped up natively, 2 kept
/// quiet (preferences or do-not-disturb; still listed in the center).
const V9: &str = r#"
CREATE TABLE notifications (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  source_id TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  read_at INTEGER,
  delivered INTEGER NOT NULL DEFAULT 0,
  UNIQUE (kind, source_id)
);
CREATE INDEX notifications_unread ON notifications(read_at) WHERE read_at IS NULL;
CREATE INDEX notifications_undelivered ON notifications(delivered) WHERE delivered = 0;
CREATE INDEX notifications_ticket ON notifications(ticket_id);
CREATE INDEX notifications_created ON notifications(created_at);
-- Sources pulled on a page before the last of its pull, derived with the last page.
CREATE TABLE notify_pending (kind TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
"#;

/// The "At risk" and "Breached" counts without walking the tickets: covering indexes over
/// the SLA instants of live unsolved tickets (also the every-minute pass's ranges) and
/// `sla_tally` (see `SLA_TALLY_TRIGGERS`).
const V10: &str = concat!(
    "CREATE INDEX tickets_sla_due_open ON tickets(sla_due_at, status, deleted_at)
  WHERE sla_due_at IS NOT NULL AND deleted_at IS NULL AND status IN ",
    unsolved!(),
    ";
CREATE INDEX tickets_sla_warn_open ON tickets(sla_warn_at, status, deleted_at)
  WHERE sla_warn_at IS NOT NULL AND deleted_at IS NULL AND status IN ",
    unsolved!(),
    ";
CREATE TABLE sla_tally (kind TEXT PRIMARY KEY, as_of INTEGER NOT NULL, n INTEGER NOT NULL) WITHOUT ROWID;
"
);

/// E-mail: messages by Message-ID (threading and dedupe), the send queue, each mailbox
/// folder's UIDVALIDITY and last UID, and every fetched mail's raw copy and outcome (written
/// with the change it made, so a failed parse loses nothing and a refetch is recognised).
const V11: &str = r#"
CREATE TABLE mail_ids (mail_id TEXT PRIMARY KEY, message_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE mail_queue (message_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE mail_folders (
  mailbox_id TEXT NOT NULL,
  folder TEXT NOT NULL,
  uid_validity INTEGER NOT NULL,
  last_uid INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, folder)
) WITHOUT ROWID;
CREATE TABLE mail_fetched (
  raw_sha256 TEXT PRIMARY KEY,
  mailbox_id TEXT NOT NULL,
  raw_attachment_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  message_id TEXT,
  detail TEXT,
  at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE mail_sent_auto (address TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX mail_sent_auto_address ON mail_sent_auto(address, at);
"#;

/// Reports: one row per live, unmerged ticket with what reports count (`metrics.rs`), its
/// arrivals, solves and reopens (`ticket_flow`, the backlog's steps), its agents' public
/// replies by time (`ticket_replies`, the people table's reply counts), and the tickets to
/// compute again (`metrics_dirty`; '*' for all, as here, to fill the rows of an existing
/// store); and customers' survey answers (`ratings`, one per ticket and kind).
const V12: &str = r#"
CREATE TABLE ticket_metrics (
  ticket_rowid INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  first_response_at INTEGER,
  first_response_ms INTEGER,
  first_response_bms INTEGER,
  solved_at INTEGER,
  resolution_ms INTEGER,
  resolution_bms INTEGER,
  agent_replies INTEGER NOT NULL,
  reopens INTEGER NOT NULL,
  one_touch INTEGER NOT NULL,
  sla_first_response TEXT,
  sla_resolution TEXT,
  assignee_id TEXT,
  group_id TEXT,
  channel TEXT NOT NULL,
  priority TEXT NOT NULL,
  language TEXT NOT NULL,
  mailbox_id TEXT
);
CREATE INDEX ticket_metrics_created ON ticket_metrics(created_at);
CREATE INDEX ticket_metrics_first_response ON ticket_metrics(first_response_at) WHERE first_response_at IS NOT NULL;
CREATE INDEX ticket_metrics_solved ON ticket_metrics(solved_at) WHERE solved_at IS NOT NULL;
CREATE INDEX ticket_metrics_open ON ticket_metrics(assignee_id, group_id) WHERE solved_at IS NULL;
CREATE TABLE ticket_flow (
  at INTEGER NOT NULL,
  ticket_rowid INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  PRIMARY KEY (at, ticket_rowid, seq)
) WITHOUT ROWID;
CREATE INDEX ticket_flow_ticket ON ticket_flow(ticket_rowid);
CREATE TABLE ticket_replies (
  at INTEGER NOT NULL,
  ticket_rowid INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  agent_id TEXT,
  PRIMARY KEY (at, ticket_rowid, seq)
) WITHOUT ROWID;
CREATE INDEX ticket_replies_ticket ON ticket_replies(ticket_rowid);
CREATE TABLE metrics_dirty (ticket_id TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO metrics_dirty(ticket_id) VALUES ('*');
CREATE TABLE ratings (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  score INTEGER NOT NULL,
  comment TEXT NOT NULL,
  via TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX ratings_answered ON ratings(updated_at, kind);
CREATE INDEX ratings_ticket ON ratings(ticket_id);
CREATE INDEX ratings_customer ON ratings(customer_id, updated_at);
"#;

/// Survey mails by their first recipient and kind: how long ago an address was last asked
/// (see `mutate::TxView::last_survey_to`). And a customer's ratings, for stores that ran V12
/// before it had that index.
const V13: &str = r#"
CREATE INDEX IF NOT EXISTS ratings_customer ON ratings(customer_id, updated_at);
CREATE INDEX IF NOT EXISTS messages_survey_to ON messages(
  json_extract(channel_meta, '$.to[0]'), json_extract(channel_meta, '$.survey'), created_at)
  WHERE json_extract(channel_meta, '$.survey') IS NOT NULL;
"#;

/// Scheduled mail (a survey's delay): the send queue knows when each mail may go, so mail
/// that must wait never stands ahead of the replies that may go now.
const V14: &str = r#"
ALTER TABLE mail_queue ADD COLUMN not_before INTEGER NOT NULL DEFAULT 0;
"#;

const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12, V13, V14];

/// The schema version this app's migrations lead to (`PRAGMA user_version`).
pub(crate) const VERSION: i64 = MIGRATIONS.len() as i64;

/// Recomputes everything the derived triggers maintain, after a bulk import without them.
pub(crate) fn rebuild_derived(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch(REBUILD_DERIVED)?;
    conn.execute_batch(SLA_RETALLY)?;
    Ok(())
}

pub(crate) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let current: usize =
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        if i == 0 {
            tx.execute_batch(FTS_TRIGGERS)?;
            tx.execute_batch(COUNT_TRIGGERS)?;
        }
        if i == 1 {
            tx.execute_batch(FTS_DELETE_TRIGGERS)?;
        }
        if i == 2 {
            tx.execute_batch(TAG_COUNT_TRIGGERS)?;
        }
        if i == 7 {
            tx.execute_batch(SLA_TRIGGERS)?;
        }
        if i == 11 {
            tx.execute_batch(METRICS_TRIGGERS)?;
        }
        if i == 9 {
            tx.execute_batch(SLA_RETALLY)?;
            tx.execute_batch(SLA_TALLY_TRIGGERS)?;
            // A ticket is now written whole (as its document): these fire only on a change.
            tx.execute_batch(
                "DROP TRIGGER tickets_fts_au; DROP TRIGGER ticket_counts_au; DROP TRIGGER sla_tickets_au;",
            )?;
            tx.execute_batch(FTS_TRIGGERS)?;
            tx.execute_batch(COUNT_TRIGGERS)?;
            tx.execute_batch(SLA_TRIGGERS)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op_and_reaches_the_latest_version() {
        let dir = std::env::temp_dir().join(format!("pl-migrate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.db");
        let _ = std::fs::remove_file(&path);
        for _ in 0..2 {
            let mut c = Connection::open(&path).unwrap();
            migrate(&mut c).unwrap();
            let v: i64 = c
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(v as usize, MIGRATIONS.len());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

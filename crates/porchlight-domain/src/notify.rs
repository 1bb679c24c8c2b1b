//! Notifications: what an agent is told about, their preferences (per kind, do-not-disturb
//! hours), `@mentions` in internal notes, the `notify` ticket event a rule's "notify agents"
//! action leaves, and the native pop-ups a batch of notifications becomes (a burst is one
//! summary). Pure: the store decides what is new, the desktop shell shows the pop-ups.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{fill, Locale};
use crate::error::DomainError;
use crate::macros::string_enum;

string_enum!(
    /// Why an agent is told. The SLA kinds come from the every-minute pass (a ticket's
    /// warning began, or its deadline passed).
    NotificationKind {
        Assigned => "assigned",
        CustomerReply => "customer_reply",
        NewTicket => "new_ticket",
        Mention => "mention",
        Rule => "rule",
        SlaWarning => "sla_warning",
        SlaBreach => "sla_breach",
    }
);

/// One entry of the notification center.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Notification {
    pub id: String,
    pub kind: NotificationKind,
    pub ticket_id: String,
    #[ts(type = "number | null")]
    pub ticket_number: Option<i64>,
    pub ticket_subject: String,
    /// Who caused it (an agent, a customer, "Rule <name>").
    pub actor_name: String,
    /// The note or reply's start, the rule's text, or the group's name for a new ticket.
    pub text: String,
    #[ts(type = "number")]
    pub created_at: i64,
    pub read: bool,
}

/// A page of the notification center, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    /// Pass as `before` for the next (older) page; `null`: this was the last.
    #[ts(type = "number | null")]
    pub next_before: Option<i64>,
    #[ts(type = "number")]
    pub unread: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KindPreference {
    pub kind: NotificationKind,
    /// Whether this kind pops up natively (every kind is always listed in the center).
    pub enabled: bool,
}

/// What pops up natively. Do-not-disturb hours are local times "HH:MM"; a window may cross
/// midnight (22:00–07:00). Suppressed notifications still reach the in-app center.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NotificationPrefs {
    pub kinds: Vec<KindPreference>,
    pub dnd_enabled: bool,
    pub dnd_start: String,
    pub dnd_end: String,
}

impl Default for NotificationPrefs {
    fn default() -> Self {
        NotificationPrefs {
            kinds: NotificationKind::ALL
                .iter()
                .map(|k| KindPreference {
                    kind: *k,
                    enabled: true,
                })
                .collect(),
            dnd_enabled: false,
            dnd_start: "22:00".into(),
            dnd_end: "07:00".into(),
        }
    }
}

/// Minutes since local midnight of "HH:MM".
pub fn parse_clock(field: &str, s: &str) -> Result<u16, DomainError> {
    let bad = || DomainError::invalid(field, format!("'{s}' is not a time of day (HH:MM)."));
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

impl NotificationPrefs {
    /// Every kind listed once (missing kinds enabled, unknown ones dropped), times checked.
    pub fn validated(self) -> Result<NotificationPrefs, DomainError> {
        let start = parse_clock("dnd_start", &self.dnd_start)?;
        let end = parse_clock("dnd_end", &self.dnd_end)?;
        let kinds = NotificationKind::ALL
            .iter()
            .map(|k| KindPreference {
                kind: *k,
                enabled: self
                    .kinds
                    .iter()
                    .find(|p| p.kind == *k)
                    .is_none_or(|p| p.enabled),
            })
            .collect();
        Ok(NotificationPrefs {
            kinds,
            dnd_enabled: self.dnd_enabled,
            dnd_start: format!("{:02}:{:02}", start / 60, start % 60),
            dnd_end: format!("{:02}:{:02}", end / 60, end % 60),
        })
    }

    pub fn enabled(&self, kind: NotificationKind) -> bool {
        self.kinds
            .iter()
            .find(|p| p.kind == kind)
            .is_none_or(|p| p.enabled)
    }

    /// Whether `minute` (since local midnight) falls in the do-not-disturb window
    /// [start, end); start == end means never.
    pub fn in_dnd(&self, minute: u16) -> bool {
        if !self.dnd_enabled {
            return false;
        }
        let (Ok(start), Ok(end)) = (
            parse_clock("dnd_start", &self.dnd_start),
            parse_clock("dnd_end", &self.dnd_end),
        ) else {
            return false;
        };
        if start <= end {
            (start..end).contains(&minute)
        } else {
            minute >= start || minute < end
        }
    }
}

/// The ticket-event field a rule's "notify agents" action is recorded as (the value is
/// [`NotifyEventValue`] as JSON). Written by the store (standalone) and the server alike,
/// so it replicates as an ordinary event and shows in the ticket's timeline.
pub const NOTIFY_FIELD: &str = "notify";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NotifyEventValue {
    pub agent_ids: Vec<String>,
    pub text: String,
}

impl NotifyEventValue {
    pub fn to_value(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn parse(value: &str) -> Option<NotifyEventValue> {
        serde_json::from_str(value).ok()
    }
}

/// Whether `text` mentions the agent called `name`: "@" then the name, case-insensitive,
/// not followed by a letter or digit ("@Ann" does not mention "Anna"; "@Ann Lee," does
/// mention "Ann Lee"). The composer inserts exactly this form.
pub fn mentions(text: &str, name: &str) -> bool {
    let name = name.trim();
    if name.is_empty() {
        return false;
    }
    let hay = text.to_lowercase();
    let needle = format!("@{}", name.to_lowercase());
    let mut from = 0;
    while let Some(pos) = hay[from..].find(&needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before_ok = hay[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = hay[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        from = start + 1;
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// A notification as the pop-up builder needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub kind: NotificationKind,
    pub ticket_id: String,
    pub ticket_number: Option<i64>,
    pub ticket_subject: String,
    pub actor_name: String,
    pub text: String,
}

/// One native pop-up: a single notification (clicking opens its ticket) or a summary of a
/// burst of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Popup {
    pub kind: NotificationKind,
    /// The ticket to open on click (`null` for a summary).
    pub ticket_id: Option<String>,
    pub title: String,
    pub body: String,
    /// How many notifications it stands for.
    #[ts(type = "number")]
    pub count: i64,
}

/// More than this many of one kind in one delivery become one summary pop-up.
pub const BURST: usize = 3;

/// The pop-ups for notifications taken together (one sync round or one local change):
/// up to [`BURST`] of a kind pop up one by one, more become one summary of that kind.
pub fn popups(pending: &[Pending], locale: &str) -> Vec<Popup> {
    let mut out = Vec::new();
    for kind in NotificationKind::ALL {
        let of: Vec<&Pending> = pending.iter().filter(|p| p.kind == *kind).collect();
        if of.is_empty() {
            continue;
        }
        if of.len() > BURST {
            out.push(summary(*kind, &of, locale));
        } else {
            out.extend(of.iter().map(|p| single(p, locale)));
        }
    }
    // A pop-up is plain text next to the app's own words: a direction override in a subject
    // or a name would reorder them.
    for p in &mut out {
        p.title = crate::bidi::strip_bidi_controls(&p.title).into_owned();
        p.body = crate::bidi::strip_bidi_controls(&p.body).into_owned();
    }
    out
}

fn label(p: &Pending) -> String {
    p.ticket_number
        .map(|n| format!("#{n}"))
        .unwrap_or_else(|| "#…".into())
}

fn single(p: &Pending, locale: &str) -> Popup {
    let l = Locale::closest(locale);
    let n = label(p);
    let (title, body) = match p.kind {
        NotificationKind::Assigned => (
            format!("{}: {n}", l.t("notify.assigned")),
            format!(
                "{}\n{} {}",
                p.ticket_subject,
                l.t("notify.by"),
                p.actor_name
            ),
        ),
        NotificationKind::CustomerReply => (
            format!("{}: {n}", l.t("notify.customer_reply")),
            format!("{}\n{}: {}", p.ticket_subject, p.actor_name, p.text),
        ),
        NotificationKind::NewTicket => (
            format!(
                "{}: {n}",
                fill(l.t("notify.new_ticket"), &[("group", &p.text)])
            ),
            p.ticket_subject.clone(),
        ),
        NotificationKind::Mention => (
            format!(
                "{}: {n}",
                fill(l.t("notify.mention"), &[("name", &p.actor_name)])
            ),
            format!("{}\n{}", p.ticket_subject, p.text),
        ),
        NotificationKind::Rule => (
            format!("{}: {n}", p.actor_name),
            format!("{}\n{}", p.ticket_subject, p.text),
        ),
        NotificationKind::SlaWarning => (
            format!("{}: {n}", l.t("notify.sla_warning")),
            p.ticket_subject.clone(),
        ),
        NotificationKind::SlaBreach => (
            format!("{}: {n}", l.t("notify.sla_breach")),
            p.ticket_subject.clone(),
        ),
    };
    Popup {
        kind: p.kind,
        ticket_id: Some(p.ticket_id.clone()),
        title,
        body,
        count: 1,
    }
}

fn summary(kind: NotificationKind, of: &[&Pending], locale: &str) -> Popup {
    let l = Locale::closest(locale);
    let count = of.len();
    let groups: std::collections::BTreeSet<&str> = of.iter().map(|p| p.text.as_str()).collect();
    let key = match kind {
        NotificationKind::NewTicket if groups.len() == 1 => "notify.many_new_in",
        NotificationKind::Assigned => "notify.many_assigned",
        NotificationKind::CustomerReply => "notify.many_replies",
        NotificationKind::NewTicket => "notify.many_new",
        NotificationKind::Mention => "notify.many_mentions",
        NotificationKind::SlaWarning => "notify.many_sla_warning",
        NotificationKind::SlaBreach => "notify.many_sla_breach",
        _ => "notify.many_other",
    };
    let title = fill(
        &l.count(key, count as u64),
        &[("group", of[0].text.as_str())],
    );
    let mut body: Vec<String> = of
        .iter()
        .take(3)
        .map(|p| format!("{} {}", label(p), p.ticket_subject))
        .collect();
    if count > 3 {
        body.push("…".into());
    }
    Popup {
        kind,
        ticket_id: None,
        title,
        body: body.join("\n"),
        count: count as i64,
    }
}

/// The tray menu's unread line.
pub fn tray_unread(n: i64, locale: &str) -> String {
    let l = Locale::closest(locale);
    if n <= 0 {
        l.t("notify.tray_none").to_owned()
    } else {
        l.count("notify.tray_unread", n as u64)
    }
}

/// The tray menu's item that brings the window forward.
pub fn tray_open(locale: &str) -> &'static str {
    Locale::closest(locale).t("notify.tray_open")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_need_the_whole_name_after_an_at_sign() {
        let cases: &[(&str, &str, bool)] = &[
            ("@Ann Lee please look", "Ann Lee", true),
            ("ping @ann lee, thanks", "Ann Lee", true),
            ("@Ann Leeds is someone else", "Ann Lee", false),
            ("Ann Lee without an at sign", "Ann Lee", false),
            ("mail ann@ann lee.com", "Ann Lee", false),
            ("(@Zeynep Şahin)", "Zeynep Şahin", true),
            ("@Zeynep Şahinler", "Zeynep Şahin", false),
            ("@Anna", "Ann", false),
            ("@Ann @Anna", "Anna", true),
            ("", "Ann", false),
            ("@", "", false),
        ];
        for (text, name, want) in cases {
            assert_eq!(mentions(text, name), *want, "{text:?} mentions {name:?}");
        }
    }

    #[test]
    fn do_not_disturb_windows_may_cross_midnight() {
        let p = |on, s: &str, e: &str| NotificationPrefs {
            dnd_enabled: on,
            dnd_start: s.into(),
            dnd_end: e.into(),
            ..NotificationPrefs::default()
        };
        let night = p(true, "22:00", "07:00");
        for (m, want) in [
            (21 * 60 + 59, false),
            (22 * 60, true),
            (0, true),
            (6 * 60 + 59, true),
            (7 * 60, false),
            (12 * 60, false),
        ] {
            assert_eq!(night.in_dnd(m), want, "minute {m}");
        }
        let lunch = p(true, "12:00", "13:00");
        assert!(lunch.in_dnd(12 * 60 + 30));
        assert!(!lunch.in_dnd(13 * 60));
        assert!(!p(false, "00:00", "23:59").in_dnd(60));
        assert!(!p(true, "09:00", "09:00").in_dnd(9 * 60));
    }

    #[test]
    fn preferences_list_every_kind_and_refuse_bad_times() {
        let p = NotificationPrefs {
            kinds: vec![KindPreference {
                kind: NotificationKind::NewTicket,
                enabled: false,
            }],
            dnd_enabled: true,
            dnd_start: "7:05".into(),
            dnd_end: "23:00".into(),
        }
        .validated()
        .unwrap();
        assert_eq!(p.kinds.len(), NotificationKind::ALL.len());
        assert!(!p.enabled(NotificationKind::NewTicket));
        assert!(p.enabled(NotificationKind::Assigned));
        assert_eq!(p.dnd_start, "07:05");
        for bad in ["24:00", "12:60", "noon", ""] {
            let r = NotificationPrefs {
                dnd_start: bad.into(),
                ..NotificationPrefs::default()
            }
            .validated();
            assert!(r.is_err(), "{bad}");
        }
    }

    fn pending(kind: NotificationKind, n: i64, group: &str) -> Pending {
        Pending {
            kind,
            ticket_id: format!("t{n}"),
            ticket_number: Some(n),
            ticket_subject: format!("Subject {n}"),
            actor_name: "Bo".into(),
            text: group.into(),
        }
    }

    #[test]
    fn pop_ups_carry_no_direction_controls() {
        let mut p = pending(NotificationKind::CustomerReply, 7, "g");
        p.ticket_subject = "invoice\u{202E}gpj.exe".into();
        p.actor_name = "\u{2067}Ali\u{2069}".into();
        let shown = popups(&[p], "en");
        assert_eq!(shown.len(), 1);
        assert!(
            shown[0].body.starts_with("invoicegpj.exe\nAli: "),
            "{}",
            shown[0].body
        );
    }

    #[test]
    fn a_burst_of_one_kind_becomes_one_summary() {
        let mut many: Vec<Pending> = (1..=23)
            .map(|n| pending(NotificationKind::NewTicket, n, "Billing"))
            .collect();
        many.push(pending(NotificationKind::Assigned, 1042, ""));
        let out = popups(&many, "en");
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].title, "Assigned to you: #1042");
        assert_eq!(out[0].ticket_id.as_deref(), Some("t1042"));
        assert!(out[0].body.contains("Subject 1042"));
        assert_eq!(out[1].title, "23 new tickets in Billing");
        assert_eq!(out[1].count, 23);
        assert_eq!(out[1].ticket_id, None);
        let three: Vec<Pending> = (1..=3)
            .map(|n| pending(NotificationKind::CustomerReply, n, "hi"))
            .collect();
        assert_eq!(popups(&three, "en").len(), 3);
        let mixed: Vec<Pending> = (1..=5)
            .map(|n| {
                pending(
                    NotificationKind::NewTicket,
                    n,
                    if n % 2 == 0 { "A" } else { "B" },
                )
            })
            .collect();
        assert_eq!(popups(&mixed, "tr")[0].title, "5 yeni talep");
    }
}

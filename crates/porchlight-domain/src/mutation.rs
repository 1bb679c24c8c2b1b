//! Intent-level mutations: the only way anything in a helpdesk changes. The store applies
//! each one in a single transaction and records it; the server will validate the same way.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::DomainError;
use crate::model::{AgentRole, Channel, Priority, TicketStatus, TicketType};

// The limits and validators live in `validate` (a leaf that `mail` shares); these paths stay
// for the crates that import them from here.
pub use crate::validate::{
    required_text, valid_email, valid_tag, MAX_BODY, MAX_NAME, MAX_NOTES, MAX_SUBJECT, MAX_TAG,
};

/// The customer a new ticket is for: someone known, or someone to create in the same step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum RequesterRef {
    Existing {
        id: String,
    },
    New {
        id: String,
        name: String,
        email: Option<String>,
        phone: Option<String>,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketFieldChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status: Option<TicketStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ticket_type: Option<TicketType>,
    /// `Some(None)` unassigns; `None` leaves the assignee alone.
    #[serde(
        default,
        with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[ts(optional, type = "string | null")]
    pub assignee_id: Option<Option<String>>,
    #[serde(
        default,
        with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[ts(optional, type = "string | null")]
    pub group_id: Option<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "name", content = "args", rename_all = "snake_case")]
#[ts(export)]
pub enum Mutation {
    CreateTicket {
        ticket_id: String,
        message_id: String,
        subject: String,
        requester: RequesterRef,
        channel: Channel,
        priority: Priority,
        ticket_type: TicketType,
        assignee_id: Option<String>,
        group_id: Option<String>,
        tags: Vec<String>,
        body_text: String,
        /// Attachment ids staged with the store before the mutation.
        attachment_ids: Vec<String>,
        /// The agent writes first: `body_text` is the agent's e-mail to the requester (sent
        /// from a mailbox like any reply), not the customer's words, and the ticket waits on
        /// the customer.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        outbound: bool,
    },
    /// A reply or internal note by the acting agent, or a message from the customer.
    AddMessage {
        message_id: String,
        ticket_id: String,
        kind: crate::model::MessageKind,
        from_customer: bool,
        body_text: String,
        /// Untrusted HTML as received (e-mail); sanitised before storage.
        body_html: Option<String>,
        attachment_ids: Vec<String>,
        /// Who an agent's e-mailed reply goes to in CC; `None`: the people in CC on the
        /// thread's latest mail.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        cc: Option<Vec<String>>,
    },
    /// A mail fetched from a mailbox: it joins its thread's ticket or starts one. Applied by
    /// the mail channel (the desktop standalone, the server in a team), never pushed.
    ReceiveMail {
        /// The new ticket's id, used when the mail starts a ticket.
        ticket_id: String,
        message_id: String,
        mail: crate::mail::InboundMail,
    },
    /// The mail channel's report on an outgoing message: sent, or failed with the reason.
    SetDelivery {
        message_id: String,
        state: crate::mail::DeliveryState,
        error: Option<String>,
    },
    /// Sends a failed e-mail again.
    RetryDelivery {
        message_id: String,
    },
    SetTicketFields {
        ticket_id: String,
        changes: TicketFieldChanges,
    },
    AddTag {
        ticket_id: String,
        tag: String,
    },
    RemoveTag {
        ticket_id: String,
        tag: String,
    },
    MergeTickets {
        source_id: String,
        target_id: String,
    },
    DeleteTicket {
        ticket_id: String,
    },
    /// The customer's answer to a survey about their ticket (never an agent's: see
    /// `apply::apply_as_customer`). Answering again changes the answer.
    RateTicket {
        ticket_id: String,
        kind: crate::records::SurveyKind,
        #[ts(type = "number")]
        score: i64,
        comment: String,
        via: crate::records::RatingVia,
    },
    SaveCustomer {
        id: String,
        name: String,
        emails: Vec<String>,
        phone: String,
        organization_id: Option<String>,
        language: String,
        notes: String,
    },
    SaveOrganization {
        id: String,
        name: String,
        domains: Vec<String>,
        notes: String,
    },
    SaveAgent {
        id: String,
        name: String,
        email: String,
        role: AgentRole,
        active: bool,
    },
    SaveGroup {
        id: String,
        name: String,
        description: String,
    },
    SetAgentGroups {
        agent_id: String,
        group_ids: Vec<String>,
    },
    CreateTag {
        name: String,
    },
    DeleteTag {
        name: String,
    },
    SaveView {
        id: String,
        name: String,
        filters: Vec<crate::filter::FilterClause>,
    },
    DeleteView {
        id: String,
    },
}

impl Mutation {
    pub fn name(&self) -> &'static str {
        match self {
            Mutation::CreateTicket { .. } => "create_ticket",
            Mutation::AddMessage { .. } => "add_message",
            Mutation::ReceiveMail { .. } => "receive_mail",
            Mutation::SetDelivery { .. } => "set_delivery",
            Mutation::RetryDelivery { .. } => "retry_delivery",
            Mutation::SetTicketFields { .. } => "set_ticket_fields",
            Mutation::AddTag { .. } => "add_tag",
            Mutation::RemoveTag { .. } => "remove_tag",
            Mutation::MergeTickets { .. } => "merge_tickets",
            Mutation::DeleteTicket { .. } => "delete_ticket",
            Mutation::RateTicket { .. } => "rate_ticket",
            Mutation::SaveCustomer { .. } => "save_customer",
            Mutation::SaveOrganization { .. } => "save_organization",
            Mutation::SaveAgent { .. } => "save_agent",
            Mutation::SaveGroup { .. } => "save_group",
            Mutation::SetAgentGroups { .. } => "set_agent_groups",
            Mutation::CreateTag { .. } => "create_tag",
            Mutation::DeleteTag { .. } => "delete_tag",
            Mutation::SaveView { .. } => "save_view",
            Mutation::DeleteView { .. } => "delete_view",
        }
    }

    /// Checks everything that can be checked without the database and normalises the
    /// mutation (trimmed text, lower-case tags and e-mails).
    pub fn validated(mut self) -> Result<Self, DomainError> {
        match &mut self {
            Mutation::CreateTicket {
                subject,
                requester,
                tags,
                body_text,
                ticket_id,
                message_id,
                ..
            } => {
                require_id("ticket_id", ticket_id)?;
                require_id("message_id", message_id)?;
                *subject = required_text("subject", subject, MAX_SUBJECT)?;
                *body_text = required_text("message", body_text, MAX_BODY)?;
                if let RequesterRef::New {
                    id,
                    name,
                    email,
                    phone,
                } = requester
                {
                    require_id("customer id", id)?;
                    *name = required_text("customer_name", name, MAX_NAME)?;
                    *email = match email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
                        Some(e) => Some(valid_email(e)?),
                        None => None,
                    };
                    *phone = phone
                        .as_deref()
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(str::to_owned);
                } else if let RequesterRef::Existing { id } = requester {
                    require_id("requester", id)?;
                }
                for t in tags.iter_mut() {
                    *t = valid_tag(t)?;
                }
                tags.sort();
                tags.dedup();
            }
            Mutation::AddMessage {
                body_text,
                message_id,
                ticket_id,
                kind,
                body_html,
                attachment_ids,
                cc,
                ..
            } => {
                require_id("message_id", message_id)?;
                require_id("ticket_id", ticket_id)?;
                if *kind == crate::model::MessageKind::System {
                    return Err(DomainError::invalid(
                        "kind",
                        "System messages are written by Porchlight, not by agents.",
                    ));
                }
                if let Some(list) = cc {
                    *list = crate::mail::valid_cc(list)?;
                }
                // A message may be only a file (a photo of the problem, a signed form).
                let has_html = body_html.as_deref().is_some_and(|h| !h.trim().is_empty())
                    || !attachment_ids.is_empty();
                *body_text = if has_html && body_text.trim().is_empty() {
                    String::new()
                } else {
                    required_text("message", body_text, MAX_BODY)?
                };
                if let Some(h) = body_html {
                    if h.len() > MAX_BODY * 4 {
                        return Err(DomainError::too_long("message", MAX_BODY * 4));
                    }
                }
            }
            Mutation::ReceiveMail {
                ticket_id,
                message_id,
                mail,
            } => {
                require_id("ticket_id", ticket_id)?;
                require_id("message_id", message_id)?;
                *mail = mail.clone().validated()?;
            }
            Mutation::SetDelivery {
                message_id, error, ..
            } => {
                require_id("message_id", message_id)?;
                if let Some(e) = error {
                    *e = e.trim().chars().take(2_000).collect();
                }
            }
            Mutation::RetryDelivery { message_id } => require_id("message_id", message_id)?,
            Mutation::SetTicketFields { ticket_id, changes } => {
                require_id("ticket_id", ticket_id)?;
                if let Some(s) = &changes.subject {
                    changes.subject = Some(required_text("subject", s, MAX_SUBJECT)?);
                }
                if *changes == TicketFieldChanges::default() {
                    return Err(DomainError::invalid("changes", "Nothing to change."));
                }
            }
            Mutation::AddTag { tag, ticket_id } | Mutation::RemoveTag { tag, ticket_id } => {
                require_id("ticket_id", ticket_id)?;
                *tag = valid_tag(tag)?;
            }
            Mutation::MergeTickets {
                source_id,
                target_id,
            } => {
                require_id("source_id", source_id)?;
                require_id("target_id", target_id)?;
                if source_id == target_id {
                    return Err(DomainError::invalid(
                        "target_id",
                        "A ticket cannot be merged into itself.",
                    ));
                }
            }
            Mutation::DeleteTicket { ticket_id } => require_id("ticket_id", ticket_id)?,
            Mutation::RateTicket {
                ticket_id,
                kind,
                score,
                comment,
                ..
            } => {
                require_id("ticket_id", ticket_id)?;
                let range = kind.scores();
                if !range.contains(score) {
                    return Err(DomainError::invalid(
                        "score",
                        format!(
                            "A {} answer is a number from {} to {}; {score} is not one.",
                            kind.as_str().to_uppercase(),
                            range.start(),
                            range.end()
                        ),
                    ));
                }
                *comment = comment.trim().to_owned();
                if comment.chars().count() > crate::validate::MAX_COMMENT {
                    return Err(DomainError::too_long(
                        "comment",
                        crate::validate::MAX_COMMENT,
                    ));
                }
            }
            Mutation::SaveCustomer {
                id,
                name,
                emails,
                phone,
                language,
                notes,
                ..
            } => {
                require_id("id", id)?;
                *name = required_text("customer_name", name, MAX_NAME)?;
                let mut clean = Vec::new();
                for e in emails.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
                    let e = valid_email(e)?;
                    if !clean.contains(&e) {
                        clean.push(e);
                    }
                }
                *emails = clean;
                *phone = optional_text("phone", phone, 64)?;
                *language = optional_text("language", language, 35)?;
                *notes = optional_text("notes", notes, MAX_NOTES)?;
            }
            Mutation::SaveOrganization {
                id,
                name,
                domains,
                notes,
            } => {
                require_id("id", id)?;
                *name = required_text("organization_name", name, MAX_NAME)?;
                *domains = domains
                    .iter()
                    .map(|d| d.trim().trim_start_matches('@').to_lowercase())
                    .filter(|d| !d.is_empty())
                    .collect();
                for d in domains.iter() {
                    if !d.contains('.') || d.contains(char::is_whitespace) || d.contains('@') {
                        return Err(DomainError::invalid(
                            "domains",
                            format!("'{d}' is not a domain name."),
                        ));
                    }
                }
                *notes = optional_text("notes", notes, MAX_NOTES)?;
            }
            Mutation::SaveAgent {
                id, name, email, ..
            } => {
                require_id("id", id)?;
                *name = required_text("agent_name", name, MAX_NAME)?;
                *email = valid_email(email)?;
            }
            Mutation::SaveGroup {
                id,
                name,
                description,
            } => {
                require_id("id", id)?;
                *name = required_text("group_name", name, MAX_NAME)?;
                *description = optional_text("description", description, 1000)?;
            }
            Mutation::SetAgentGroups { agent_id, .. } => require_id("agent_id", agent_id)?,
            Mutation::CreateTag { name } | Mutation::DeleteTag { name } => *name = valid_tag(name)?,
            Mutation::SaveView { id, name, filters } => {
                require_id("id", id)?;
                *name = required_text("view_name", name, MAX_NAME)?;
                crate::filter::TicketFilter::from_clauses(filters)?;
            }
            Mutation::DeleteView { id } => require_id("id", id)?,
        }
        Ok(self)
    }
}

fn require_id(field: &str, id: &str) -> Result<(), DomainError> {
    if id.trim().is_empty() {
        return Err(DomainError::empty(field));
    }
    if id.len() > 64 {
        return Err(DomainError::too_long(field, 64));
    }
    Ok(())
}

fn optional_text(field: &str, s: &str, max: usize) -> Result<String, DomainError> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(DomainError::too_long(field, max));
    }
    Ok(t.to_string())
}

/// serde helper so `{"assignee_id": null}` (unassign) differs from a missing key (keep).
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Option<String>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(inner) => inner.serialize(s),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Ok(Some(Option::<String>::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn new_ticket(subject: &str, email: Option<&str>) -> Mutation {
        Mutation::CreateTicket {
            ticket_id: "t1".into(),
            message_id: "m1".into(),
            subject: subject.into(),
            requester: RequesterRef::New {
                id: "c1".into(),
                name: "Ayşe Yılmaz".into(),
                email: email.map(Into::into),
                phone: None,
            },
            channel: Channel::Phone,
            priority: Priority::Normal,
            ticket_type: TicketType::Question,
            assignee_id: None,
            group_id: None,
            tags: vec!["Refund".into(), "refund".into(), "VIP Customer".into()],
            body_text: "  Hello  ".into(),
            attachment_ids: vec![],
            outbound: false,
        }
    }

    #[test]
    fn create_ticket_is_normalised() {
        let m = new_ticket("  Where is my order?  ", Some(" Ayse@Example.COM "))
            .validated()
            .unwrap();
        let Mutation::CreateTicket {
            subject,
            tags,
            body_text,
            requester,
            ..
        } = m
        else {
            unreachable!()
        };
        assert_eq!(subject, "Where is my order?");
        assert_eq!(tags, vec!["refund", "vip-customer"]);
        assert_eq!(body_text, "Hello");
        assert!(
            matches!(requester, RequesterRef::New { email: Some(e), .. } if e == "ayse@example.com")
        );
    }

    #[test]
    fn empty_subject_and_bad_email_are_refused_with_their_field() {
        let e = new_ticket("   ", None).validated().unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::EmptyField, Some("subject"))
        );
        let e = new_ticket("Hi", Some("ayse@@example"))
            .validated()
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidEmail);
        assert!(e.message.contains("ayse@@example"));
        let e = new_ticket(&"x".repeat(MAX_SUBJECT + 1), None)
            .validated()
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::TooLong);
    }

    #[test]
    fn unassign_differs_from_keep() {
        let keep: TicketFieldChanges = serde_json::from_str(r#"{"status":"open"}"#).unwrap();
        assert_eq!(keep.assignee_id, None);
        let unassign: TicketFieldChanges = serde_json::from_str(r#"{"assignee_id":null}"#).unwrap();
        assert_eq!(unassign.assignee_id, Some(None));
    }

    #[test]
    fn mutations_serialise_by_name() {
        let m = Mutation::AddTag {
            ticket_id: "t".into(),
            tag: "x".into(),
        };
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"name":"add_tag","args":{"ticket_id":"t","tag":"x"}}"#
        );
        assert_eq!(m.name(), "add_tag");
    }
}

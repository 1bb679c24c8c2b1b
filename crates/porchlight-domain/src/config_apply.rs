//! Applying configuration changes: who may change what (rules, SLA policies and calendars
//! need an admin; a personal macro its owner), and the documents each change writes. Run on
//! the desktop (standalone) and on the server (team) over a [`ConfigView`].

use crate::config::{ConfigMutation, Macro};
use crate::docs::{Doc, DocKey, DocKind, DocWrite};
use crate::error::{DomainError, ErrorCode};
use crate::mail::Mailbox;
use crate::model::{Actor, AgentRole};
use crate::rules::Rule;
use crate::sla::{BusinessCalendar, SlaPolicy};

/// Read access to the current configuration documents.
pub trait ConfigView {
    fn rule(&mut self, id: &str) -> Result<Option<Rule>, DomainError>;
    fn macro_doc(&mut self, id: &str) -> Result<Option<Macro>, DomainError>;
    fn sla_policy(&mut self, id: &str) -> Result<Option<SlaPolicy>, DomainError>;
    fn calendar(&mut self, id: &str) -> Result<Option<BusinessCalendar>, DomainError>;
    fn sla_policies(&mut self) -> Result<Vec<SlaPolicy>, DomainError>;
    fn mailboxes(&mut self) -> Result<Vec<Mailbox>, DomainError>;
}

fn admin_only(actor: &Actor, what: &str) -> Result<(), DomainError> {
    if actor.role == AgentRole::Admin {
        Ok(())
    } else {
        Err(DomainError::new(
            ErrorCode::Forbidden,
            None,
            format!("{what} needs an admin; ask one of your admins to do it."),
        ))
    }
}

/// Who may change a macro: its owner (personal), an admin (shared, or anyone's).
fn may_edit_macro(actor: &Actor, owner: &Option<String>) -> Result<(), DomainError> {
    match owner {
        Some(o) if *o == actor.id => Ok(()),
        _ => admin_only(actor, "Changing shared or other agents' macros"),
    }
}

/// Applies one validated configuration change; rules need an admin, macros their owner
/// (or an admin for shared ones).
pub fn apply_config(
    m: &ConfigMutation,
    actor: &Actor,
    at: i64,
    view: &mut dyn ConfigView,
) -> Result<Vec<DocWrite>, DomainError> {
    let delete = |kind, id: &str| DocWrite::Delete {
        key: DocKey {
            kind,
            id: id.to_string(),
        },
    };
    Ok(match m {
        ConfigMutation::SaveRule { rule } => {
            admin_only(actor, "Changing automation rules")?;
            vec![DocWrite::Put {
                doc: Doc::Rule(rule.clone()),
            }]
        }
        ConfigMutation::DeleteRule { id } => {
            admin_only(actor, "Changing automation rules")?;
            view.rule(id)?
                .ok_or_else(|| DomainError::not_found("rule", id))?;
            vec![delete(DocKind::Rule, id)]
        }
        ConfigMutation::SaveMacro { r#macro } => {
            if let Some(old) = view.macro_doc(&r#macro.id)? {
                may_edit_macro(actor, &old.owner_id)?;
            }
            may_edit_macro(actor, &r#macro.owner_id)?;
            let mut m = r#macro.clone();
            m.updated_at = at;
            vec![DocWrite::Put { doc: Doc::Macro(m) }]
        }
        ConfigMutation::DeleteMacro { id } => {
            let old = view
                .macro_doc(id)?
                .ok_or_else(|| DomainError::not_found("macro", id))?;
            may_edit_macro(actor, &old.owner_id)?;
            vec![delete(DocKind::Macro, id)]
        }
        ConfigMutation::SaveSlaPolicy { policy } => {
            admin_only(actor, "Changing SLA policies")?;
            if let Some(c) = &policy.calendar_id {
                view.calendar(c)?
                    .ok_or_else(|| DomainError::not_found("business calendar", c))?;
            }
            vec![DocWrite::Put {
                doc: Doc::SlaPolicy(policy.clone()),
            }]
        }
        ConfigMutation::DeleteSlaPolicy { id } => {
            admin_only(actor, "Changing SLA policies")?;
            view.sla_policy(id)?
                .ok_or_else(|| DomainError::not_found("SLA policy", id))?;
            vec![delete(DocKind::SlaPolicy, id)]
        }
        ConfigMutation::SaveCalendar { calendar } => {
            admin_only(actor, "Changing business calendars")?;
            vec![DocWrite::Put {
                doc: Doc::Calendar(calendar.clone()),
            }]
        }
        ConfigMutation::SaveMailbox { mailbox } => {
            admin_only(actor, "Changing mailboxes")?;
            let all = view.mailboxes()?;
            if let Some(other) = all
                .iter()
                .find(|b| b.id != mailbox.id && b.address == mailbox.address)
            {
                return Err(DomainError::new(
                    ErrorCode::Conflict,
                    Some("address"),
                    format!(
                        "The mailbox \"{}\" already reads {}.",
                        other.name, other.address
                    ),
                ));
            }
            let mut m = mailbox.clone();
            m.updated_at = at;
            vec![DocWrite::Put {
                doc: Doc::Mailbox(m),
            }]
        }
        ConfigMutation::DeleteMailbox { id } => {
            admin_only(actor, "Changing mailboxes")?;
            if !view.mailboxes()?.iter().any(|b| b.id == *id) {
                return Err(DomainError::not_found("mailbox", id));
            }
            vec![delete(DocKind::Mailbox, id)]
        }
        ConfigMutation::DeleteCalendar { id } => {
            admin_only(actor, "Changing business calendars")?;
            view.calendar(id)?
                .ok_or_else(|| DomainError::not_found("business calendar", id))?;
            if let Some(p) = view
                .sla_policies()?
                .into_iter()
                .find(|p| p.calendar_id.as_deref() == Some(id))
            {
                return Err(DomainError::new(
                    ErrorCode::Conflict,
                    Some("id"),
                    format!(
                        "The SLA policy \"{}\" counts in this calendar; choose another calendar for it first.",
                        p.name
                    ),
                ));
            }
            vec![delete(DocKind::Calendar, id)]
        }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::config::tests::mac;

    #[derive(Default)]
    struct Mem(HashMap<String, Macro>);
    impl ConfigView for Mem {
        fn rule(&mut self, _id: &str) -> Result<Option<Rule>, DomainError> {
            Ok(None)
        }
        fn macro_doc(&mut self, id: &str) -> Result<Option<Macro>, DomainError> {
            Ok(self.0.get(id).cloned())
        }
        fn sla_policy(&mut self, _id: &str) -> Result<Option<SlaPolicy>, DomainError> {
            Ok(None)
        }
        fn calendar(&mut self, _id: &str) -> Result<Option<BusinessCalendar>, DomainError> {
            Ok(None)
        }
        fn sla_policies(&mut self) -> Result<Vec<SlaPolicy>, DomainError> {
            Ok(Vec::new())
        }
        fn mailboxes(&mut self) -> Result<Vec<Mailbox>, DomainError> {
            Ok(Vec::new())
        }
    }

    fn actor(id: &str, role: AgentRole) -> Actor {
        Actor {
            id: id.into(),
            name: id.into(),
            role,
        }
    }

    #[test]
    fn personal_macros_belong_to_their_owner_shared_ones_to_admins() {
        let mut mem = Mem::default();
        let agent = actor("a1", AgentRole::Agent);
        let other = actor("a2", AgentRole::Agent);
        let admin = actor("ad", AgentRole::Admin);
        let personal = ConfigMutation::SaveMacro {
            r#macro: mac("m1", Some("a1"), "Hi"),
        };
        assert_eq!(
            apply_config(&personal, &agent, 5, &mut mem).unwrap().len(),
            1
        );
        mem.0.insert("m1".into(), mac("m1", Some("a1"), "Hi"));
        assert_eq!(
            apply_config(&personal, &other, 6, &mut mem)
                .unwrap_err()
                .code,
            ErrorCode::Forbidden
        );
        let shared = ConfigMutation::SaveMacro {
            r#macro: mac("m2", None, "Hi"),
        };
        assert_eq!(
            apply_config(&shared, &agent, 7, &mut mem).unwrap_err().code,
            ErrorCode::Forbidden
        );
        assert!(apply_config(&shared, &admin, 7, &mut mem).is_ok());
        assert_eq!(
            apply_config(
                &ConfigMutation::DeleteMacro { id: "m1".into() },
                &admin,
                8,
                &mut mem
            )
            .unwrap()
            .len(),
            1
        );
        assert_eq!(
            apply_config(
                &ConfigMutation::DeleteMacro { id: "zz".into() },
                &admin,
                8,
                &mut mem
            )
            .unwrap_err()
            .code,
            ErrorCode::NotFound
        );
    }
}

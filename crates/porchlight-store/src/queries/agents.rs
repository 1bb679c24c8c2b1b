//! Agents (including the local profile), groups and tags.

use porchlight_domain::mutation::{required_text, valid_email};
use porchlight_domain::{Agent, AgentRole, DomainError, Group, TagUsage, WorkspaceInfo};
use rusqlite::{params, Connection, OptionalExtension};

use super::enum_col;
use crate::{new_id, now_ms, Store, StoreResult};

fn agent_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Agent> {
    Ok(Agent {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        role: enum_col(r, 3, AgentRole::parse)?,
        active: r.get(4)?,
    })
}

pub(crate) fn get(c: &Connection, id: &str) -> StoreResult<Agent> {
    // Cached: every change reads its actor.
    c.prepare_cached("SELECT id, name, email, role, active FROM agents WHERE id = ?1")?
        .query_row([id], agent_row)
        .optional()?
        .ok_or_else(|| DomainError::not_found("agent", id).into())
}

pub(crate) fn name_of(c: &Connection, id: &str) -> StoreResult<String> {
    Ok(
        c.query_row("SELECT name FROM agents WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| "Unknown agent".into()),
    )
}

pub(crate) fn save(c: &Connection, a: &Agent) -> StoreResult<()> {
    c.execute(
        "INSERT INTO agents(id, name, email, role, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email,
           role = excluded.role, active = excluded.active",
        params![a.id, a.name, a.email, a.role.as_str(), a.active, now_ms()],
    )?;
    Ok(())
}

impl Store {
    /// Creates the local agent profile on first run (the welcome screen).
    pub fn create_profile(&self, name: &str, email: &str) -> StoreResult<Agent> {
        let agent = Agent {
            id: self.me().unwrap_or_else(new_id),
            name: required_text("agent_name", name, porchlight_domain::mutation::MAX_NAME)?,
            email: valid_email(email)?,
            role: AgentRole::Admin,
            active: true,
        };
        self.with_tx(|tx| {
            save(tx, &agent)?;
            super::settings::set(tx, "profile_agent_id", &agent.id)?;
            if super::settings::get(tx, "client_id")?.is_none() {
                super::settings::set(tx, "client_id", &new_id())?;
            }
            Ok(())
        })?;
        self.set_me(&agent.id);
        Ok(agent)
    }

    /// The local profile, the preferences and the ticket count (here with the agents: the
    /// profile is one).
    pub fn workspace_info(&self) -> StoreResult<WorkspaceInfo> {
        let me = self.me();
        self.read(|c| {
            let profile = match &me {
                Some(id) => Some(get(c, id)?),
                None => None,
            };
            let ticket_count: i64 = c.query_row(crate::refresh::TICKET_TOTAL, [], |r| r.get(0))?;
            Ok(WorkspaceInfo {
                profile,
                data_dir: self.dir().display().to_string(),
                locale: super::settings::get(c, "locale")?.unwrap_or_else(|| "en".into()),
                theme: super::settings::get(c, "theme")?.unwrap_or_else(|| "light".into()),
                ticket_count,
            })
        })
    }

    pub fn agents(&self) -> StoreResult<Vec<Agent>> {
        self.read(|c| {
            let mut st = c.prepare_cached(crate::refresh::AGENTS)?;
            let rows = st
                .query_map([], agent_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    pub fn groups(&self) -> StoreResult<Vec<Group>> {
        self.read(|c| {
            let mut st = c.prepare_cached(crate::refresh::GROUPS)?;
            let rows = st
                .query_map([], |r| {
                    Ok(Group {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        description: r.get(2)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Group ids an agent belongs to.
    pub fn agent_group_ids(&self, agent_id: &str) -> StoreResult<Vec<String>> {
        self.read(|c| {
            let mut st =
                c.prepare_cached("SELECT group_id FROM agent_group_member WHERE agent_id = ?1")?;
            let rows = st
                .query_map([agent_id], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(rows)
        })
    }

    /// Every known tag with the number of live tickets carrying it.
    pub fn tags(&self) -> StoreResult<Vec<TagUsage>> {
        self.read(|c| {
            let mut st = c.prepare_cached(crate::refresh::TAGS)?;
            let rows = st
                .query_map([], |r| {
                    Ok(TagUsage {
                        name: r.get(0)?,
                        ticket_count: r.get(1)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }
}

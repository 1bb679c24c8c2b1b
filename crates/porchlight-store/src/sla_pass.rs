//! The every-minute SLA pass (`Store::sla_pass`): the tickets that crossed a warning or a
//! deadline since the last pass, each a notification for the agent whose work it is. Above
//! the SLA fields it reads (`sla`) and the notifications it derives.

use porchlight_domain::sla::SlaStatus;
use rusqlite::params;

use crate::queries::{notifications, settings};
use crate::sla::SlaCrossing;
use crate::{refresh, Store, StoreResult};

const LAST_PASS: &str = "sla_pass_at";

impl Store {
    /// The every-minute SLA pass: the tickets whose warning began or whose deadline passed
    /// since the previous pass (the first pass looks back one minute), in time order, each
    /// also a notification for the agent whose work it is. Reads two indexed ranges,
    /// however many tickets are open, and moves the "At risk" / "Breached" tally to `now`.
    pub fn sla_pass(&self, now: i64) -> StoreResult<Vec<SlaCrossing>> {
        self.with_tx(|tx| {
            let last: i64 = settings::get(tx, LAST_PASS)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(now - 60_000);
            if now <= last {
                return Ok(Vec::new());
            }
            let mut out: Vec<SlaCrossing> = Vec::new();
            for (sql, status) in [
                (refresh::SLA_WARN_CROSSINGS, SlaStatus::AtRisk),
                (refresh::SLA_DUE_CROSSINGS, SlaStatus::Breached),
            ] {
                // A deadline that passes at `d` is breached from just after it (`now > d`).
                let mut st = tx.prepare_cached(sql)?;
                let rows =
                    st.query_map(params![last, now, status == SlaStatus::Breached], |r| {
                        Ok(SlaCrossing {
                            ticket_id: r.get(0)?,
                            number: r.get(1)?,
                            subject: r.get(2)?,
                            assignee_id: r.get(3)?,
                            group_id: r.get(4)?,
                            status,
                            at: r.get(5)?,
                        })
                    })?;
                for row in rows {
                    out.push(row?);
                }
            }
            for sql in [refresh::SLA_DUE_ADVANCE, refresh::SLA_WARN_ADVANCE] {
                tx.prepare_cached(sql)?.execute([now])?;
            }
            out.sort_by_key(|c| c.at);
            let standalone = !crate::outbox::is_connected(tx)?;
            let deriver = notifications::Deriver::new(tx)?;
            for crossing in &out {
                deriver.sla(tx, crossing, standalone)?;
            }
            settings::set(tx, LAST_PASS, &now.to_string())?;
            Ok(out)
        })
    }
}

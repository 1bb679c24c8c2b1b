//! Service-level agreements, pure: business calendars and business-time arithmetic
//! (`calendar`), holidays from iCalendar files (`ics`), policies and their selection
//! (`policy`), the clock that turns a ticket's history into deadlines (`clock`), and the
//! SLA fields a ticket stores (`ticket`).
//! No I/O and no clock: callers pass times as UTC milliseconds.

pub mod calendar;
pub mod clock;
pub mod ics;
pub mod policy;
pub mod ticket;

#[cfg(test)]
mod tests;

pub use calendar::{
    add_business_time, business_minutes_between, time_zone_names, BusinessCalendar, Holiday,
    Schedule, TimeRange, WeeklyHours,
};
pub use clock::{sla_deadlines, SlaEvent, SlaMetric, SlaPhase, SlaState, SlaStatus, SlaTimeline};
pub use ics::holidays_from_ics;
pub use policy::{
    choose_policy, SlaConditions, SlaPolicy, SlaTargets, SlaTargetsByPriority, TicketFacts,
};
pub use ticket::{sla_status, timeline_of, FieldChange, SlaBook, ThreadEntry, TicketSla};

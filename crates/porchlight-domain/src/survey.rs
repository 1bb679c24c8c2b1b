//! What customers are asked when their ticket is solved, how their answer came, and the
//! answer itself. A leaf (only `macros` and `error`), so the mail vocabulary, the records and
//! the ticket view can all name it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::DomainError;
use crate::macros::string_enum;

string_enum!(
    /// What a customer is asked after a ticket is solved: satisfaction (CSAT: 1 bad, 2 okay,
    /// 3 good), effort (CES: 1 very hard … 7 very easy), or how likely they would recommend
    /// the company (NPS: 0 … 10).
    SurveyKind { Csat => "csat", Ces => "ces", Nps => "nps" }
);

impl SurveyKind {
    /// The scores a rating of this kind may take.
    pub fn scores(self) -> std::ops::RangeInclusive<i64> {
        match self {
            SurveyKind::Csat => 1..=3,
            SurveyKind::Ces => 1..=7,
            SurveyKind::Nps => 0..=10,
        }
    }
}

string_enum!(
    /// How the answer came: the server's survey page (or the portal's tracking page), or an
    /// e-mail reply.
    RatingVia { Page => "page", Email => "email" }
);

/// A customer's answer to one survey about one ticket. One per ticket and kind: answering
/// again changes it (see [`rating_doc_id`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RatingDoc {
    pub id: String,
    pub kind: SurveyKind,
    pub ticket_id: String,
    pub customer_id: String,
    #[ts(type = "number")]
    pub score: i64,
    /// What the customer wrote beside the score (plain text, may be empty).
    pub comment: String,
    pub via: RatingVia,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
}

/// The id of the rating of `kind` on a ticket.
pub fn rating_doc_id(ticket_id: &str, kind: SurveyKind) -> String {
    format!("{ticket_id}/{}", kind.as_str())
}

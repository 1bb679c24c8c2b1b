//! E-mail as the helpdesk records it: mailboxes (configuration documents, never with their
//! passwords), the e-mail facts a message carries (its Message-ID, addresses, delivery), and an
//! inbound mail as the channel hands it to the engine. The engine ([`crate::apply`]) decides
//! threading and what goes out; `porchlight-mail` does the parsing and the sockets.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DomainError, ErrorCode};
use crate::macros::string_enum;
use crate::validate::{required_text, valid_email, MAX_BODY, MAX_NAME, MAX_SUBJECT};

string_enum!(
    /// How a connection is encrypted: TLS from the first byte, or STARTTLS on the plain port.
    /// Unencrypted connections are not offered.
    MailSecurity { Tls => "tls", StartTls => "start_tls" }
);
string_enum!(
    /// What the secret stored for a server is: a password (or app password) or an OAuth2
    /// access token (XOAUTH2: Gmail, Microsoft 365).
    MailAuthKind { Password => "password", Xoauth2 => "xoauth2" }
);
string_enum!(
    /// What happens in the mailbox to a mail once it is safely stored.
    AfterFetch { MarkRead => "mark_read", Move => "move" }
);
string_enum!(
    /// Where an outgoing mail stands. `Withdrawn`: a scheduled survey that will not be sent
    /// (its ticket was reopened or deleted before its time).
    DeliveryState { Queued => "queued", Sent => "sent", Failed => "failed", Withdrawn => "withdrawn" }
);
string_enum!(
    /// Which server of a mailbox a secret or a connection test is for.
    MailServerRole { Imap => "imap", Smtp => "smtp" }
);

/// At most this many Message-IDs in an outgoing References header.
pub const MAX_REFERENCES: usize = 20;
/// Addresses in one CC list.
pub const MAX_CC: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailServerSettings {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    pub user: String,
    pub auth: MailAuthKind,
}

/// The acknowledgement a new ticket's customer receives, in one language. `{{ticket.number}}`,
/// `{{ticket.subject}}` and `{{customer.name}}` are filled in as in macros.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Acknowledgement {
    pub language: String,
    pub subject: String,
    pub body: String,
}

/// A mailbox the helpdesk reads and answers from (support@, billing@…). Its passwords live
/// in the OS keyring (desktop) or encrypted on the server, never here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Mailbox {
    pub id: String,
    /// The display name customers see ("Acme Support").
    pub name: String,
    /// Lower-case.
    pub address: String,
    pub imap: MailServerSettings,
    pub smtp: MailServerSettings,
    /// The folder new mail is read from.
    pub folder: String,
    pub after_fetch: AfterFetch,
    /// The folder fetched mail is moved to when `after_fetch` is `move`.
    pub move_to: String,
    /// The group new tickets from this mailbox go to.
    pub group_id: Option<String>,
    /// Added below every reply sent from this mailbox.
    pub signature: String,
    pub acknowledgements: Vec<Acknowledgement>,
    /// The subject tag's prefix: `#` gives `[#1234]`.
    pub tag_prefix: String,
    /// Ask the customer how satisfied they are (CSAT) when their ticket is solved, by e-mail
    /// from this mailbox; they answer by replying with a number.
    #[serde(default)]
    pub csat_survey: bool,
    /// Also ask how easy it was to get help (CES, 1–7), in its own mail.
    #[serde(default)]
    pub ces_survey: bool,
    /// Also ask how likely they are to recommend us (NPS, 0–10), in its own mail, at most
    /// once every [`NPS_EVERY_DAYS`] days per customer address.
    #[serde(default)]
    pub nps_survey: bool,
    /// Ask the same customer address a survey of a kind at most once in this many days (0:
    /// after every solved ticket).
    #[serde(default)]
    pub survey_every_days: u32,
    /// Send the surveys this many minutes after the ticket is solved (0: at once), so a
    /// customer who writes back first is not asked yet; at most [`MAX_SURVEY_DELAY_MINUTES`].
    #[serde(default)]
    pub survey_delay_minutes: u32,
    pub active: bool,
    #[ts(type = "number")]
    pub updated_at: i64,
}

fn host(field: &str, s: &str) -> Result<String, DomainError> {
    let h = required_text(field, s, 253)?.to_ascii_lowercase();
    if h.contains(|c: char| {
        !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':' | '[' | ']'))
    }) {
        return Err(DomainError::invalid(
            field,
            format!("'{h}' is not a host name or address."),
        ));
    }
    Ok(h)
}

fn folder(field: &str, s: &str) -> Result<String, DomainError> {
    let f = required_text(field, s, 200)?;
    if f.contains(|c: char| c.is_control()) {
        return Err(DomainError::invalid(
            field,
            "A folder name cannot hold control characters.",
        ));
    }
    Ok(f)
}

impl MailServerSettings {
    fn validated(self, role: &str) -> Result<Self, DomainError> {
        if self.port == 0 {
            return Err(DomainError::invalid(
                &format!("{role}_port"),
                "The port must be between 1 and 65535.",
            ));
        }
        Ok(MailServerSettings {
            host: host(&format!("{role}_host"), &self.host)?,
            user: required_text(&format!("{role}_user"), &self.user, 254)?,
            ..self
        })
    }
}

/// The longest pause between two surveys of a kind to one customer a mailbox may set.
pub const MAX_SURVEY_EVERY_DAYS: u32 = 365;
/// The longest a mailbox may hold its surveys back after a ticket is solved: a week.
pub const MAX_SURVEY_DELAY_MINUTES: u32 = 7 * 24 * 60;
/// A customer address is asked the recommendation question (NPS) at most this often.
pub const NPS_EVERY_DAYS: u32 = 90;

impl Mailbox {
    /// An active mailbox at `address` on the mail server `host`, as the app's "New mailbox"
    /// form starts it: IMAP over TLS (993), SMTP with STARTTLS (587), both signed in as the
    /// address with a password; the INBOX read and marked read; no signature,
    /// acknowledgements or surveys.
    pub fn new(id: &str, name: &str, address: &str, host: &str) -> Mailbox {
        let server = |port, security| MailServerSettings {
            host: host.into(),
            port,
            security,
            user: address.into(),
            auth: MailAuthKind::Password,
        };
        Mailbox {
            id: id.into(),
            name: name.into(),
            address: address.into(),
            imap: server(993, MailSecurity::Tls),
            smtp: server(587, MailSecurity::StartTls),
            folder: "INBOX".into(),
            after_fetch: AfterFetch::MarkRead,
            move_to: String::new(),
            group_id: None,
            signature: String::new(),
            acknowledgements: Vec::new(),
            tag_prefix: "#".into(),
            csat_survey: false,
            ces_survey: false,
            nps_survey: false,
            survey_every_days: 0,
            survey_delay_minutes: 0,
            active: true,
            updated_at: 0,
        }
    }

    /// Whether this mailbox asks the customers of solved tickets this survey.
    pub fn asks(&self, kind: crate::survey::SurveyKind) -> bool {
        use crate::survey::SurveyKind;
        match kind {
            SurveyKind::Csat => self.csat_survey,
            SurveyKind::Ces => self.ces_survey,
            SurveyKind::Nps => self.nps_survey,
        }
    }

    /// When the surveys of a ticket solved at `at` may go, if they wait at all.
    pub fn survey_delay(&self, at: i64) -> Option<i64> {
        (self.survey_delay_minutes > 0).then(|| at + self.survey_delay_minutes as i64 * 60_000)
    }

    /// The fewest days between two surveys of `kind` to one customer address.
    pub fn survey_pause_days(&self, kind: crate::survey::SurveyKind) -> u32 {
        match kind {
            crate::survey::SurveyKind::Nps => self.survey_every_days.max(NPS_EVERY_DAYS),
            _ => self.survey_every_days,
        }
    }

    pub fn validated(mut self) -> Result<Self, DomainError> {
        if self.id.trim().is_empty() || self.id.len() > 64 {
            return Err(DomainError::invalid(
                "id",
                "A mailbox needs an id of at most 64 characters.",
            ));
        }
        self.name = required_text("name", &self.name, MAX_NAME)?;
        self.address = valid_email(&self.address).map_err(|e| DomainError {
            field: Some("address".into()),
            ..e
        })?;
        self.imap = self.imap.validated("imap")?;
        self.smtp = self.smtp.validated("smtp")?;
        self.folder = folder("folder", &self.folder)?;
        self.move_to = match self.after_fetch {
            AfterFetch::Move => folder("move_to", &self.move_to)?,
            AfterFetch::MarkRead => self.move_to.trim().to_string(),
        };
        if self.after_fetch == AfterFetch::Move && self.move_to == self.folder {
            return Err(DomainError::invalid(
                "move_to",
                "Fetched mail cannot be moved to the folder it is read from.",
            ));
        }
        if self.signature.chars().count() > 5_000 {
            return Err(DomainError::too_long("signature", 5_000));
        }
        self.tag_prefix = self.tag_prefix.trim().to_string();
        if self.tag_prefix.is_empty() {
            self.tag_prefix = "#".into();
        }
        if self.tag_prefix.chars().count() > 16
            || self.tag_prefix.contains(|c: char| {
                c.is_whitespace() || c.is_ascii_digit() || matches!(c, '[' | ']')
            })
        {
            return Err(DomainError::invalid(
                "tag_prefix",
                "The subject tag prefix is at most 16 characters, without spaces, digits or brackets.",
            ));
        }
        if self.survey_every_days > MAX_SURVEY_EVERY_DAYS {
            return Err(DomainError::invalid(
                "survey_every_days",
                format!(
                    "Ask a customer again after at most {MAX_SURVEY_EVERY_DAYS} days (0: after every solved ticket)."
                ),
            ));
        }
        if self.survey_delay_minutes > MAX_SURVEY_DELAY_MINUTES {
            return Err(DomainError::invalid(
                "survey_delay_minutes",
                format!(
                    "Hold a survey back at most {MAX_SURVEY_DELAY_MINUTES} minutes (a week; 0: send it at once)."
                ),
            ));
        }
        let mut seen = Vec::new();
        for a in &mut self.acknowledgements {
            a.language = a.language.trim().to_ascii_lowercase();
            if a.language.is_empty() || seen.contains(&a.language) {
                return Err(DomainError::invalid(
                    "acknowledgements",
                    "Each acknowledgement needs its own language.",
                ));
            }
            seen.push(a.language.clone());
            a.subject = required_text("acknowledgement_subject", &a.subject, MAX_SUBJECT)?;
            a.body = required_text("acknowledgement_body", &a.body, 20_000)?;
        }
        Ok(self)
    }

    /// The domain of the mailbox's address: Porchlight's Message-IDs for mail sent from it
    /// end in it.
    pub fn domain(&self) -> &str {
        self.address.rsplit_once('@').map_or("", |(_, d)| d)
    }

    /// The acknowledgement for `language`, else the English one, else the first.
    pub fn acknowledgement(&self, language: &str) -> Option<&Acknowledgement> {
        let base = language.split(['-', '_']).next().unwrap_or("");
        self.acknowledgements
            .iter()
            .find(|a| a.language == base)
            .or_else(|| self.acknowledgements.iter().find(|a| a.language == "en"))
            .or_else(|| self.acknowledgements.first())
    }
}

/// Where an outgoing message stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Delivery {
    pub state: DeliveryState,
    /// The mail server's answer when it refused or could not be reached.
    pub error: Option<String>,
    #[ts(type = "number")]
    pub attempts: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
    /// Queued but not to be sent before this instant (a survey's delay); the senders skip it
    /// until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub not_before: Option<i64>,
}

impl Delivery {
    /// Queued and waiting for its time at `now`.
    pub fn is_scheduled(&self, now: i64) -> bool {
        self.state == DeliveryState::Queued && self.not_before.is_some_and(|t| t > now)
    }
}

/// The e-mail side of a message: what arrived, or what is (to be) sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MessageMail {
    pub mailbox_id: String,
    /// The normalised Message-ID (no brackets). For mail without one, `sha256:` and the hash
    /// of the raw message, so a refetch is still recognised.
    pub mail_id: String,
    pub from: String,
    pub from_name: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    /// Outgoing: the References written (oldest first). Incoming: the Message-IDs it answers.
    pub references: Vec<String>,
    /// Incoming: the attachment holding the raw message ("Show original").
    pub raw_attachment_id: Option<String>,
    /// Outgoing only.
    pub delivery: Option<Delivery>,
    /// What could not be read from the mail (charsets, broken parts).
    pub problems: Vec<String>,
    /// The receiving server's failed DMARC/SPF verdict, e.g. "dmarc=fail".
    pub auth_warning: Option<String>,
    /// An automatic mail (auto-reply, list mail) or, outgoing, an acknowledgement.
    pub automatic: bool,
    /// Incoming: what the sender wrote now, when the rest of the text is quoted history or a
    /// signature (the thread shows this and folds the rest away).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub new_text: Option<String>,
    /// Outgoing: the survey this mail asks (a reply to it is the customer's answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub survey: Option<crate::survey::SurveyKind>,
}

impl MessageMail {
    /// For a survey mail, its kind and first recipient: who was asked what. A withdrawn
    /// survey asked nobody.
    pub fn survey_to(&self) -> Option<(crate::survey::SurveyKind, &str)> {
        if self
            .delivery
            .as_ref()
            .is_some_and(|d| d.state == DeliveryState::Withdrawn)
        {
            return None;
        }
        Some((self.survey?, self.to.first()?.as_str()))
    }
}

/// A customer's answer in a reply to a survey mail: the score the reply begins with (Persian
/// and Arabic-Indic digits too) when it is on the survey's scale, and the words after it as
/// the comment. The number must stand alone on its line or be followed by a separator ("3",
/// "3 – thank you", "3: fast"), so a reply such as "2 more questions…" is no answer. `None`
/// when the reply is no answer: it then reopens the ticket, as any reply does.
pub fn survey_answer(text: &str, kind: crate::survey::SurveyKind) -> Option<(i64, String)> {
    let text = text.trim_start();
    let mut digits = String::new();
    let mut rest = "";
    for (i, c) in text.char_indices() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '۰'..='۹' => c as u32 - '۰' as u32,
            '٠'..='٩' => c as u32 - '٠' as u32,
            _ => {
                rest = &text[i..];
                break;
            }
        };
        digits.push(char::from_digit(d, 10)?);
        if digits.len() > 2 {
            return None;
        }
    }
    let score: i64 = digits.parse().ok()?;
    if !kind.scores().contains(&score) {
        return None;
    }
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let first_line = rest[..line_end].trim();
    let separated = first_line.is_empty()
        || first_line.starts_with(['-', '–', '—', ':', ',', '.', ')', '/', '!']);
    if !separated {
        return None;
    }
    let comment = rest
        .trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':' | ',' | '.' | '/' | ')' | '!')
        })
        .trim();
    let comment: String = comment.chars().take(crate::validate::MAX_COMMENT).collect();
    Some((score, comment))
}

/// A fetched mail as the channel hands it to the engine: parsed, sanitised later by the
/// engine, its files already stored as attachments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InboundMail {
    pub mailbox_id: String,
    pub mail_id: String,
    pub from: String,
    pub from_name: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    /// The Message-IDs it answers, strongest first (In-Reply-To, then References newest first).
    pub references: Vec<String>,
    /// The ticket number named by a subject tag.
    #[ts(type = "number | null")]
    pub tag_number: Option<i64>,
    pub body_text: String,
    /// Untrusted HTML as received; sanitised before storage.
    pub body_html: Option<String>,
    pub attachment_ids: Vec<String>,
    pub raw_attachment_id: Option<String>,
    pub problems: Vec<String>,
    pub auth_warning: Option<String>,
    pub automatic: bool,
    /// The detected language of the text (en, tr, pl, fa …), empty when unsure.
    pub language: String,
    /// What the sender wrote now, when the text also quotes history or has a signature.
    pub new_text: Option<String>,
}

impl InboundMail {
    pub fn validated(mut self) -> Result<Self, DomainError> {
        if self.mail_id.trim().is_empty() {
            return Err(DomainError::empty("mail_id"));
        }
        self.from = valid_email(&self.from).map_err(|e| DomainError {
            field: Some("from".into()),
            ..e
        })?;
        self.from_name = self.from_name.trim().chars().take(MAX_NAME).collect();
        self.subject = self.subject.trim().chars().take(MAX_SUBJECT).collect();
        self.to = clean_addresses(&self.to);
        self.cc = clean_addresses(&self.cc);
        self.references.truncate(100);
        if self.body_text.len() > MAX_BODY * 4 {
            // A mail is never refused for its size: the text is cut, the original kept.
            let mut cut = MAX_BODY * 4;
            while !self.body_text.is_char_boundary(cut) {
                cut -= 1;
            }
            self.body_text.truncate(cut);
            self.problems
                .push("The text was cut; Show original has all of it.".into());
        }
        if self
            .body_html
            .as_ref()
            .is_some_and(|h| h.len() > MAX_BODY * 8)
        {
            self.body_html = None;
            self.problems
                .push("The HTML part was too large to show; Show original has it.".into());
        }
        Ok(self)
    }
}

/// A mailbox as the settings screen shows it: never its secrets, only whether they are set,
/// and how its last fetch went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailboxView {
    pub mailbox: Mailbox,
    pub has_imap_secret: bool,
    pub has_smtp_secret: bool,
    /// When mail was last fetched without error (UTC ms).
    #[ts(type = "number | null")]
    pub last_fetch_at: Option<i64>,
    /// The last fetch's or send's error, until one succeeds.
    pub last_error: Option<String>,
}

/// How a mailbox stands on the team server: whether its secrets are stored (never the
/// secrets) and how the last fetch went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MailboxStatus {
    pub id: String,
    pub has_imap_secret: bool,
    pub has_smtp_secret: bool,
    pub last_fetch_at: Option<i64>,
    pub last_error: Option<String>,
}

string_enum!(
    /// What went wrong connecting to a mail server, for the settings screen to explain.
    MailProblem {
        Unreachable => "unreachable", Tls => "tls", Credentials => "credentials",
        FolderMissing => "folder_missing", NoSecret => "no_secret", Protocol => "protocol",
        InvalidConfig => "invalid_config",
    }
);

/// One server's answer to "Test connection": `None` is success.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailTestFailure {
    pub problem: MailProblem,
    /// The server's own words, for the admin (and their mail provider's support).
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailTestResult {
    pub imap: Option<MailTestFailure>,
    pub smtp: Option<MailTestFailure>,
}

string_enum!(
    /// Why an agent's reply will not be e-mailed.
    NotMailed { NoMailbox => "no_mailbox", NoAddress => "no_address" }
);

/// Who a reply on a ticket goes to, for the composer to show (and the CC to edit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReplyRecipients {
    /// "Acme Support <support@acme.example>", when the reply is mailed.
    pub from: Option<String>,
    pub to: Option<String>,
    pub cc: Vec<String>,
    pub not_mailed: Option<NotMailed>,
}

/// Where a reply on a ticket goes by e-mail.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub mailbox: Mailbox,
    pub to: String,
    /// The people in CC on the thread's latest mail (sender and recipients), without the
    /// requester and the helpdesk's own addresses: "reply all".
    pub cc: Vec<String>,
}

/// The route of a reply: from the mailbox the thread's latest mail (`last`) used, else the
/// first active one, to the requester's address.
pub fn route(
    last: Option<&MessageMail>,
    mailboxes: &[Mailbox],
    requester_email: Option<&str>,
) -> Result<Route, NotMailed> {
    let mailbox = last
        .and_then(|e| mailboxes.iter().find(|b| b.id == e.mailbox_id && b.active))
        .or_else(|| mailboxes.iter().find(|b| b.active))
        .ok_or(NotMailed::NoMailbox)?;
    let to = requester_email.ok_or(NotMailed::NoAddress)?.to_owned();
    let mut cc: Vec<String> = Vec::new();
    if let Some(l) = last {
        for a in std::iter::once(&l.from).chain(&l.to).chain(&l.cc) {
            if *a != to && !mailboxes.iter().any(|b| b.address == *a) && !cc.contains(a) {
                cc.push(a.clone());
            }
        }
    }
    Ok(Route {
        mailbox: mailbox.clone(),
        to,
        cc,
    })
}

/// Valid, lower-case, each once; anything else is dropped (a mail is never refused for a
/// stray CC).
pub fn clean_addresses(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in list {
        if let Ok(a) = valid_email(a) {
            if !out.contains(&a) && out.len() < MAX_CC {
                out.push(a);
            }
        }
    }
    out
}

/// Checks a CC list an agent typed: every address valid, at most [`MAX_CC`].
pub fn valid_cc(list: &[String]) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for a in list.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        let a = valid_email(a).map_err(|e| DomainError {
            field: Some("cc".into()),
            ..e
        })?;
        if !out.contains(&a) {
            out.push(a);
        }
    }
    if out.len() > MAX_CC {
        return Err(DomainError::new(
            ErrorCode::TooLong,
            Some("cc"),
            format!("A reply can go to at most {MAX_CC} people in CC."),
        ));
    }
    Ok(out)
}

/// Normalises one Message-ID: without angle brackets and white space, the domain part
/// lower-case (it is a domain name; the local part is compared as written). `None` when
/// nothing useful is left.
pub fn normalize_message_id(id: &str) -> Option<String> {
    let s: String = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    if s.is_empty() || s.len() > 998 || s.contains(['<', '>']) {
        return None;
    }
    Some(match s.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
        None => s,
    })
}

const OWN_PREFIX: &str = "porchlight.";

/// Porchlight's Message-ID for one of its outgoing messages, normalised (no brackets): made
/// from the message's own id, so sending it again after a crash gives the same Message-ID
/// (the receiver sees a duplicate, not a new mail), and a reply to it names the message
/// exactly. `domain` is the sending mailbox's domain.
pub fn outgoing_mail_id(message_id: &str, domain: &str) -> String {
    let local: String = message_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .collect();
    let domain: String = domain
        .trim()
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
        .collect();
    let domain = if domain.is_empty() {
        "porchlight.invalid".to_string()
    } else {
        domain
    };
    format!("{OWN_PREFIX}{local}@{domain}")
}

/// The Porchlight message id inside one of Porchlight's own Message-IDs (normalised or
/// bracketed), if `id` is one made for `domain`.
pub fn porchlight_message(id: &str, domain: &str) -> Option<String> {
    let id = normalize_message_id(id)?;
    let (local, d) = id.rsplit_once('@')?;
    if !d.eq_ignore_ascii_case(domain.trim()) {
        return None;
    }
    let rest = local.strip_prefix(OWN_PREFIX)?;
    (!rest.is_empty()).then(|| rest.to_string())
}

/// The References of a reply to a thread whose latest mail is `parent`: the parent's own
/// references then the parent, at most [`MAX_REFERENCES`] (the first one, the thread's
/// root, is always kept).
pub fn reply_references(parent: Option<&MessageMail>) -> Vec<String> {
    let Some(p) = parent else {
        return Vec::new();
    };
    let mut refs: Vec<String> = p.references.clone();
    refs.retain(|r| *r != p.mail_id);
    refs.push(p.mail_id.clone());
    if refs.len() > MAX_REFERENCES {
        let root = refs[0].clone();
        let tail = refs.split_off(refs.len() - (MAX_REFERENCES - 1));
        refs = std::iter::once(root).chain(tail).collect();
    }
    refs
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn mailbox(id: &str, address: &str) -> Mailbox {
        Mailbox::new(id, "Support", address, "mail.example.com")
    }

    #[test]
    fn a_mailbox_is_checked_field_by_field() {
        let ok = mailbox("mb1", " Support@Example.COM ").validated().unwrap();
        assert_eq!(ok.address, "support@example.com");
        assert_eq!(ok.domain(), "example.com");
        let mut bad = mailbox("mb1", "support@example.com");
        bad.imap.host = "mail example.com".into();
        assert_eq!(
            bad.validated().unwrap_err().field.as_deref(),
            Some("imap_host")
        );
        let mut bad = mailbox("mb1", "support@example.com");
        bad.smtp.port = 0;
        assert_eq!(
            bad.validated().unwrap_err().field.as_deref(),
            Some("smtp_port")
        );
        let mut bad = mailbox("mb1", "not an address");
        bad.name = "x".into();
        assert_eq!(
            bad.validated().unwrap_err().field.as_deref(),
            Some("address")
        );
        let mut bad = mailbox("mb1", "support@example.com");
        bad.after_fetch = AfterFetch::Move;
        bad.move_to = "INBOX".into();
        assert_eq!(
            bad.validated().unwrap_err().field.as_deref(),
            Some("move_to")
        );
        let mut bad = mailbox("mb1", "support@example.com");
        bad.tag_prefix = "AB 1".into();
        assert_eq!(
            bad.validated().unwrap_err().field.as_deref(),
            Some("tag_prefix")
        );
    }

    #[test]
    fn the_wire_names_are_the_names() {
        fn same<T: serde::Serialize + Copy>(all: &[T], name: impl Fn(T) -> &'static str) {
            for v in all {
                assert_eq!(
                    serde_json::to_string(v).unwrap(),
                    format!("\"{}\"", name(*v))
                );
            }
        }
        same(MailSecurity::ALL, MailSecurity::as_str);
        same(MailAuthKind::ALL, MailAuthKind::as_str);
        same(AfterFetch::ALL, AfterFetch::as_str);
        same(DeliveryState::ALL, DeliveryState::as_str);
        same(MailServerRole::ALL, MailServerRole::as_str);
        same(MailProblem::ALL, MailProblem::as_str);
        same(NotMailed::ALL, NotMailed::as_str);
    }

    #[test]
    fn acknowledgements_fall_back_to_english() {
        let mut mb = mailbox("mb1", "support@example.com");
        for lang in ["tr", "en"] {
            mb.acknowledgements.push(Acknowledgement {
                language: lang.into(),
                subject: format!("{lang} subject"),
                body: "We got it".into(),
            });
        }
        assert_eq!(mb.acknowledgement("tr-TR").unwrap().language, "tr");
        assert_eq!(mb.acknowledgement("pl").unwrap().language, "en");
    }

    #[test]
    fn own_message_ids_round_trip_and_references_stay_bounded() {
        let id = outgoing_mail_id("6f1c-77", "Example.com");
        assert_eq!(id, "porchlight.6f1c-77@example.com");
        assert_eq!(
            porchlight_message(&format!("<{id}>"), "example.com").as_deref(),
            Some("6f1c-77")
        );
        assert_eq!(porchlight_message(&id, "other.org"), None);
        let mut parent = MessageMail {
            mailbox_id: "mb1".into(),
            mail_id: "m30@x.org".into(),
            from: "a@x.org".into(),
            from_name: String::new(),
            to: vec![],
            cc: vec![],
            subject: String::new(),
            references: (0..30).map(|i| format!("m{i}@x.org")).collect(),
            raw_attachment_id: None,
            delivery: None,
            problems: vec![],
            auth_warning: None,
            automatic: false,
            new_text: None,
            survey: None,
        };
        let refs = reply_references(Some(&parent));
        assert_eq!(refs.len(), MAX_REFERENCES);
        assert_eq!(refs[0], "m0@x.org");
        assert_eq!(refs.last().unwrap(), "m30@x.org");
        parent.references.clear();
        assert_eq!(
            reply_references(Some(&parent)),
            vec!["m30@x.org".to_string()]
        );
    }

    #[test]
    fn cc_lists_typed_by_agents_are_checked_and_incoming_ones_cleaned() {
        assert_eq!(
            valid_cc(&[" A@x.org ".into(), "a@x.org".into(), "".into()]).unwrap(),
            vec!["a@x.org".to_string()]
        );
        assert_eq!(
            valid_cc(&["nope".into()]).unwrap_err().field.as_deref(),
            Some("cc")
        );
        assert_eq!(
            clean_addresses(&["nope".into(), "B@y.org".into()]),
            vec!["b@y.org".to_string()]
        );
    }

    #[test]
    fn a_survey_answer_is_a_number_on_the_scale_standing_alone_or_before_a_separator() {
        use crate::survey::SurveyKind::{Csat, Nps};
        assert_eq!(survey_answer("3", Csat), Some((3, String::new())));
        assert_eq!(
            survey_answer(" 3 – great help!\nAyşe", Csat),
            Some((3, "great help!\nAyşe".into()))
        );
        assert_eq!(
            survey_answer("1: too slow", Csat),
            Some((1, "too slow".into()))
        );
        assert_eq!(
            survey_answer("۲", Csat),
            Some((2, String::new())),
            "Persian digits"
        );
        assert_eq!(
            survey_answer("10\nWould recommend", Nps),
            Some((10, "Would recommend".into()))
        );
        assert_eq!(survey_answer("4", Csat), None, "off the scale");
        assert_eq!(survey_answer("2 more questions", Csat), None);
        assert_eq!(survey_answer("Thanks! 3", Csat), None);
        assert_eq!(survey_answer("", Csat), None);
        assert_eq!(survey_answer("333", Nps), None);
    }
}

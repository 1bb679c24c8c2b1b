//! A standalone desktop's satisfaction survey by e-mail drives the automation rules: the
//! customer's "1" in reply to the survey is recorded as their answer, and a rule on
//! "satisfaction changed to bad" reopens the ticket with a note, once. The mail goes through
//! the store's own intake (`take_in_mail`), as the channel hands fetched mail to it.

use porchlight_domain::config::ConfigMutation;
use porchlight_domain::mail::{
    AfterFetch, MailAuthKind, MailSecurity, MailServerSettings, Mailbox,
};
use porchlight_domain::mutation::TicketFieldChanges;
use porchlight_domain::rules::{
    MatchMode, Rule, RuleAction, RuleCondition, RuleField, RuleOp, RuleTrigger,
};
use porchlight_domain::{MessageKind, Mutation, TicketStatus};
use porchlight_mail::channel::TakenIn;
use porchlight_mail::{build_reply, MailAddress, OutgoingReply, SubjectTag};
use porchlight_store::{new_id, Store};

fn mailbox() -> Mailbox {
    let settings = |port| MailServerSettings {
        host: "mail.acme.example".into(),
        port,
        security: MailSecurity::StartTls,
        user: "destek@acme.example".into(),
        auth: MailAuthKind::Password,
    };
    Mailbox {
        id: new_id(),
        name: "Acme Destek".into(),
        address: "destek@acme.example".into(),
        imap: settings(143),
        smtp: settings(587),
        folder: "INBOX".into(),
        after_fetch: AfterFetch::MarkRead,
        move_to: String::new(),
        group_id: None,
        signature: String::new(),
        acknowledgements: Vec::new(),
        tag_prefix: "#".into(),
        csat_survey: true,
        ces_survey: false,
        nps_survey: false,
        survey_every_days: 0,
        active: true,
        updated_at: 0,
    }
}

fn customer_mail(subject: &str, text: &str, in_reply_to: Option<&str>) -> Vec<u8> {
    let reply = OutgoingReply {
        from: MailAddress::new(Some("Ayşe Yılmaz"), "ayse@customer.example"),
        to: vec![MailAddress::new(None, "destek@acme.example")],
        cc: vec![],
        reply_to: None,
        subject: subject.into(),
        ticket_number: None,
        message_id: format!("<{}@customer.example>", new_id()),
        in_reply_to: in_reply_to.map(str::to_owned),
        references: in_reply_to.map(|r| vec![r.to_owned()]).unwrap_or_default(),
        text: text.into(),
        html: None,
        attachments: vec![],
        automatic: false,
        date: None,
    };
    build_reply(&reply, &SubjectTag::default())
        .unwrap()
        .formatted()
}

#[test]
fn a_bad_answer_by_mail_reopens_the_ticket_by_rule_once() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.create_profile("Deniz Admin", "deniz@example.com")
        .unwrap();
    let mb = mailbox();
    s.apply_config(ConfigMutation::SaveMailbox {
        mailbox: mb.clone(),
    })
    .unwrap();
    s.apply_config(ConfigMutation::SaveRule {
        rule: Rule {
            id: "bad-rating".into(),
            name: "Unhappy customer".into(),
            position: 1,
            active: true,
            trigger: RuleTrigger::Updated,
            match_mode: MatchMode::All,
            conditions: vec![RuleCondition {
                field: RuleField::Satisfaction,
                op: RuleOp::ChangedTo,
                value: "1".into(),
            }],
            actions: vec![
                RuleAction::SetStatus {
                    status: TicketStatus::Open,
                },
                RuleAction::AddNote {
                    text: "The customer was unhappy: call them.".into(),
                },
            ],
        },
    })
    .unwrap();

    // Ayşe writes; the agent answers and solves; the survey goes out.
    let (taken, _) = s
        .take_in_mail(
            &mb,
            &customer_mail("Lamba yanmıyor", "Lamba yanmıyor.", None),
        )
        .unwrap();
    let TakenIn::Ticket(ticket) = taken else {
        panic!("not a ticket: {taken:?}")
    };
    s.apply(Mutation::AddMessage {
        message_id: new_id(),
        ticket_id: ticket.clone(),
        kind: MessageKind::Reply,
        from_customer: false,
        body_text: "Yeni lamba yolda.".into(),
        body_html: None,
        attachment_ids: vec![],
        cc: None,
    })
    .unwrap();
    let solve = || Mutation::SetTicketFields {
        ticket_id: ticket.clone(),
        changes: TicketFieldChanges {
            status: Some(TicketStatus::Solved),
            ..Default::default()
        },
    };
    s.apply(solve()).unwrap();
    let survey = s
        .mail_outgoing(10)
        .unwrap()
        .into_iter()
        .find(|o| o.reply.automatic && o.reply.text.contains("3"))
        .expect("the survey mail is queued");

    // Her answer: 1 (bad), with a word.
    let (taken, _) = s
        .take_in_mail(
            &mb,
            &customer_mail(
                "Re: survey",
                "1 – çok geç geldi",
                Some(&survey.reply.message_id),
            ),
        )
        .unwrap();
    assert!(
        matches!(taken, TakenIn::Ticket(ref t) if *t == ticket),
        "{taken:?}"
    );
    let d = s.ticket_detail(&ticket, &[]).unwrap();
    assert_eq!(d.ratings.len(), 1);
    assert_eq!(
        (d.ratings[0].score, d.ratings[0].comment.as_str()),
        (1, "çok geç geldi")
    );
    assert_eq!(
        d.ticket.summary.status,
        TicketStatus::Open,
        "the rule reopened it"
    );
    let notes: Vec<_> = d
        .messages
        .iter()
        .filter(|m| m.kind == MessageKind::Note)
        .collect();
    assert_eq!(notes.len(), 1);
    assert!(notes[0].body_text.contains("unhappy"));

    // Solved again, it stays solved: the rule fired on the answer, not on its record.
    s.apply(solve()).unwrap();
    let d = s.ticket_detail(&ticket, &[]).unwrap();
    assert_eq!(d.ticket.summary.status, TicketStatus::Solved);

    // Asked at most once a month: her next ticket, solved today, brings no survey; with the
    // recommendation question switched on, that one goes (she was never asked it).
    let mut monthly = mb.clone();
    monthly.survey_every_days = 30;
    monthly.nps_survey = true;
    s.apply_config(ConfigMutation::SaveMailbox { mailbox: monthly })
        .unwrap();
    let (taken, _) = s
        .take_in_mail(&mb, &customer_mail("Kablo", "Kablo kısa.", None))
        .unwrap();
    let TakenIn::Ticket(next) = taken else {
        panic!("not a ticket: {taken:?}")
    };
    s.apply(Mutation::SetTicketFields {
        ticket_id: next.clone(),
        changes: TicketFieldChanges {
            status: Some(TicketStatus::Solved),
            ..Default::default()
        },
    })
    .unwrap();
    let surveys: Vec<_> = s
        .ticket_detail(&next, &[])
        .unwrap()
        .messages
        .iter()
        .filter_map(|m| m.email.as_ref().and_then(|e| e.survey))
        .collect();
    assert_eq!(surveys, vec![porchlight_domain::records::SurveyKind::Nps]);
}

//! A standalone desktop's satisfaction survey by e-mail drives the automation rules: the
//! customer's "1" in reply to the survey is recorded as their answer, and a rule on
//! "satisfaction changed to bad" reopens the ticket with a note, once. The mail goes through
//! the store's own intake (`take_in_mail`), as the channel hands fetched mail to it.

use porchlight_domain::config::ConfigMutation;
use porchlight_domain::mail::Mailbox;
use porchlight_domain::mutation::TicketFieldChanges;
use porchlight_domain::rules::{
    MatchMode, Rule, RuleAction, RuleCondition, RuleField, RuleOp, RuleTrigger,
};
use porchlight_domain::{MessageKind, Mutation, TicketStatus};
use porchlight_mail::channel::TakenIn;
use porchlight_mail::{build_reply, MailAddress, OutgoingReply, SubjectTag};
use porchlight_store::{new_id, Store};

fn mailbox() -> Mailbox {
    let mut mb = Mailbox::new(
        &new_id(),
        "Acme Destek",
        "destek@acme.example",
        "mail.acme.example",
    );
    mb.csat_survey = true;
    mb
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
        .mail_outgoing(10, porchlight_store::now_ms())
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

/// The surveys a mailbox holds back for half an hour: not handed to the sender before their
/// time (nor standing in the way of the replies that may go now), handed over after it, and
/// withdrawn when the customer writes back first; solved again, she is asked then.
#[test]
fn a_delayed_survey_waits_its_time_and_is_withdrawn_when_the_customer_writes_back() {
    use porchlight_domain::mail::DeliveryState;
    use porchlight_store::now_ms;
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.create_profile("Deniz Admin", "deniz@example.com")
        .unwrap();
    let mut mb = mailbox();
    mb.survey_delay_minutes = 30;
    s.apply_config(ConfigMutation::SaveMailbox {
        mailbox: mb.clone(),
    })
    .unwrap();
    let (taken, _) = s
        .take_in_mail(&mb, &customer_mail("Fatura", "Fatura gelmedi.", None))
        .unwrap();
    let TakenIn::Ticket(ticket) = taken else {
        panic!("not a ticket: {taken:?}")
    };
    let reply = |text: &str| Mutation::AddMessage {
        message_id: new_id(),
        ticket_id: ticket.clone(),
        kind: MessageKind::Reply,
        from_customer: false,
        body_text: text.into(),
        body_html: None,
        attachment_ids: vec![],
        cc: None,
    };
    let solve = || Mutation::SetTicketFields {
        ticket_id: ticket.clone(),
        changes: TicketFieldChanges {
            status: Some(TicketStatus::Solved),
            ..Default::default()
        },
    };
    s.apply(reply("Faturanız yolda.")).unwrap();
    for o in s.mail_outgoing(10, now_ms()).unwrap() {
        s.mail_delivered(&o.message_id, Ok(())).unwrap();
    }
    s.apply(solve()).unwrap();
    let solved_at = now_ms();
    // An agent's reply queued after the survey goes first: the queue holds the survey back.
    s.apply(reply("Bir şey daha: makbuz ekte.")).unwrap();
    let now = s.mail_outgoing(1, now_ms()).unwrap();
    assert_eq!(now.len(), 1);
    assert!(!now[0].reply.automatic, "the reply, not the survey");
    assert!(s
        .mail_outgoing(10, now_ms())
        .unwrap()
        .iter()
        .all(|o| !o.reply.automatic));
    let later = s.mail_outgoing(10, solved_at + 31 * 60_000).unwrap();
    assert!(
        later.iter().any(|o| o.reply.automatic),
        "due after 30 minutes"
    );

    // She writes back before it went: reopened, and the survey is withdrawn for good.
    let (taken, _) = s
        .take_in_mail(
            &mb,
            &customer_mail(
                "Re: Fatura",
                "Makbuz açılmıyor.",
                Some(&now[0].reply.message_id),
            ),
        )
        .unwrap();
    assert!(
        matches!(taken, TakenIn::Ticket(ref t) if *t == ticket),
        "{taken:?}"
    );
    let survey_states = || -> Vec<DeliveryState> {
        s.ticket_detail(&ticket, &[])
            .unwrap()
            .messages
            .iter()
            .filter_map(|m| m.email.as_ref())
            .filter(|e| e.survey.is_some())
            .filter_map(|e| e.delivery.as_ref().map(|d| d.state))
            .collect()
    };
    assert_eq!(survey_states(), vec![DeliveryState::Withdrawn]);
    assert!(s
        .mail_outgoing(10, solved_at + 31 * 60_000)
        .unwrap()
        .iter()
        .all(|o| !o.reply.automatic));

    // Solved again: the question that never reached her is asked now.
    s.apply(solve()).unwrap();
    assert_eq!(
        survey_states(),
        vec![DeliveryState::Withdrawn, DeliveryState::Queued]
    );
}

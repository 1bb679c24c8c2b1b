//! `#[tauri::command]`s: each one a few lines over a store call. Errors reach the UI as
//! `DomainError` {code, field, message}.

use std::sync::Arc;

use porchlight_domain::backup::{BackupInfo, BackupsView};
use porchlight_domain::config::{ConfigMutation, Macro};
use porchlight_domain::docs::Changed;
use porchlight_domain::export::ExportManifest;
use porchlight_domain::kb::{
    line_diff, ArticleRevision, DiffLine, KbArticleDetail, KbArticleFilter, KbArticleSummary,
    KbCategory, KbDraft, KbMutation, KbSuggestion,
};
use porchlight_domain::mail::{MailTestResult, Mailbox, MailboxView, ReplyRecipients};
use porchlight_domain::markdown::{RenderOptions, Renderer};
use porchlight_domain::notify::{NotificationPage, NotificationPrefs};
use porchlight_domain::reports::{PeopleBy, PeopleRow, ReportOverview, ReportRequest};
use porchlight_domain::rules::{operators_for, Rule, RuleField, RuleOp};
use porchlight_domain::sla::{time_zone_names, BusinessCalendar, Holiday, SlaPolicy};
use porchlight_domain::sync::{PresenceActivity, SyncStatus};
use porchlight_domain::{
    Agent, Attachment, Customer, CustomerMatch, DomainError, ErrorCode, FilterClause, Group,
    Mutation, Organization, PageCursor, SearchResults, SortKey, TagUsage, TicketDetail, TicketPage,
    ViewInfo, WorkspaceInfo,
};
use porchlight_store::Store;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Runtime, State};

use crate::mail::MailHub;
use crate::notifications::Notifier;
use crate::sync::SyncHub;

type Res<T> = Result<T, DomainError>;
type Db<'a> = State<'a, Arc<Store>>;
type Hub<'a> = State<'a, Arc<SyncHub>>;
type Bell<'a> = State<'a, Arc<Notifier>>;
type Mail<'a> = State<'a, Arc<MailHub>>;

#[tauri::command(async, rename_all = "snake_case")]
pub fn workspace_info(db: Db<'_>) -> Res<WorkspaceInfo> {
    Ok(db.workspace_info()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_profile(db: Db<'_>, name: String, email: String) -> Res<Agent> {
    Ok(db.create_profile(&name, &email)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn set_preference<R: Runtime>(
    app: AppHandle<R>,
    db: Db<'_>,
    key: String,
    value: String,
) -> Res<()> {
    db.set_preference(&key, &value)?;
    if key == "locale" {
        // The menu bar speaks the app's language.
        crate::app_menu::install(&app, &value);
    }
    Ok(())
}

/// Where updates come from and whether one is offered.
#[tauri::command(async, rename_all = "snake_case")]
pub fn update_status<R: Runtime>(
    app: AppHandle<R>,
    hub: State<'_, Arc<crate::updates::UpdateHub>>,
) -> Res<porchlight_domain::update::UpdateStatus> {
    Ok(hub.status(&app))
}

/// Asks the update source now.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_check<R: Runtime>(
    app: AppHandle<R>,
    hub: State<'_, Arc<crate::updates::UpdateHub>>,
) -> Res<porchlight_domain::update::UpdateStatus> {
    Ok(hub.check(&app).await)
}

/// Installs the offered update and starts the app again (after a sync round in flight).
#[tauri::command(rename_all = "snake_case")]
pub async fn update_install<R: Runtime>(
    app: AppHandle<R>,
    hub: State<'_, Arc<crate::updates::UpdateHub>>,
) -> Res<()> {
    hub.inner().clone().install(&app).await
}

/// A standalone desktop's update URL ("" for none); checked at once when set.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_update_url<R: Runtime>(
    app: AppHandle<R>,
    db: Db<'_>,
    hub: State<'_, Arc<crate::updates::UpdateHub>>,
    url: String,
) -> Res<porchlight_domain::update::UpdateStatus> {
    let url = db.set_update_url(&url)?;
    if url.is_empty() {
        return Ok(hub.status(&app));
    }
    Ok(hub.check(&app).await)
}

/// The ticket a `porchlight://ticket/…` link at launch named, once (the UI opens it).
#[tauri::command(async, rename_all = "snake_case")]
pub fn take_launch_ticket(link: State<'_, crate::LaunchLink>) -> Res<Option<String>> {
    Ok(link.0.lock().unwrap_or_else(|p| p.into_inner()).take())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn load_demo_data(db: Db<'_>) -> Res<usize> {
    Ok(porchlight_store::demo::load_demo(&db)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn views(db: Db<'_>) -> Res<Vec<ViewInfo>> {
    Ok(db.views()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn report_overview(db: Db<'_>, request: ReportRequest) -> Res<ReportOverview> {
    Ok(db.report_overview(&request)?)
}

/// A page of the tickets matching ad-hoc filter clauses (a report's drill-down).
#[tauri::command(async, rename_all = "snake_case")]
pub fn filtered_page(
    db: Db<'_>,
    filters: Vec<FilterClause>,
    sort: SortKey,
    cursor: Option<PageCursor>,
    limit: usize,
) -> Res<TicketPage> {
    Ok(db.filtered_page(&filters, sort, cursor.as_ref(), limit)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn backups(db: Db<'_>) -> Res<BackupsView> {
    Ok(db.backups()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn set_backup_settings(db: Db<'_>, dir: String, daily: bool, keep: i64) -> Res<BackupsView> {
    db.set_backup_settings(&dir, daily, keep)?;
    Ok(db.backups()?)
}

/// A backup now (the app keeps working meanwhile), then the oldest beyond those kept go.
#[tauri::command(async, rename_all = "snake_case")]
pub fn back_up_now(db: Db<'_>) -> Res<BackupInfo> {
    Ok(db.back_up_now(crate::APP_VERSION, porchlight_store::now_ms())?)
}

/// Checks a backup and stages it: it replaces this helpdesk when the app next starts.
#[tauri::command(async, rename_all = "snake_case")]
pub fn restore_backup(db: Db<'_>, path: String) -> Res<BackupInfo> {
    Ok(db.stage_restore(std::path::Path::new(&path))?)
}

/// Exports the helpdesk (documents, files, CSV tables) into a new folder in Downloads;
/// answers its manifest with the folder.
#[tauri::command(async, rename_all = "snake_case")]
pub fn export_data<R: Runtime>(app: AppHandle<R>, db: Db<'_>) -> Res<ExportManifest> {
    use tauri::Manager;
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| DomainError::new(ErrorCode::Io, None, format!("No folder to save in: {e}")))?;
    Ok(db.export_to(&dir, crate::APP_VERSION, porchlight_store::now_ms())?)
}

/// Starts the app again (to finish a restore). Unsent changes are in the store: nothing is
/// lost by quitting.
#[tauri::command(async, rename_all = "snake_case")]
pub fn restart_app<R: Runtime>(app: AppHandle<R>) -> Res<()> {
    crate::single::restart(&app);
    Ok(())
}

/// Saves a report's table as a CSV file in the Downloads folder (a new name when one is
/// taken) and answers its path.
#[tauri::command(async, rename_all = "snake_case")]
pub fn export_csv<R: Runtime>(app: AppHandle<R>, file_name: String, text: String) -> Res<String> {
    use tauri::Manager;
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| DomainError::new(ErrorCode::Io, None, format!("No folder to save in: {e}")))?;
    let stem = porchlight_domain::bidi::clean_file_name(file_name.trim_end_matches(".csv"));
    let stem = if stem.is_empty() {
        "report".to_owned()
    } else {
        stem
    };
    let io = |e: std::io::Error| {
        DomainError::new(
            ErrorCode::Io,
            None,
            format!("The file could not be saved: {e}"),
        )
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.csv")
        } else {
            format!("{stem} ({n}).csv")
        };
        let path = dir.join(name);
        // `create_new`: never overwrite a file the agent already has.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                use std::io::Write;
                // A byte-order mark, so spreadsheet programs read the text as UTF-8.
                f.write_all(b"\xEF\xBB\xBF")
                    .and_then(|_| f.write_all(text.as_bytes()))
                    .map_err(io)?;
                return Ok(path.display().to_string());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io(e)),
        }
    }
    Err(DomainError::new(
        ErrorCode::Io,
        None,
        "Too many files of that name in the Downloads folder.",
    ))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn report_people(db: Db<'_>, request: ReportRequest, by: PeopleBy) -> Res<Vec<PeopleRow>> {
    Ok(db.report_people(&request, by)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn ticket_page(
    db: Db<'_>,
    view_id: String,
    sort: SortKey,
    cursor: Option<PageCursor>,
    limit: usize,
) -> Res<TicketPage> {
    Ok(db.ticket_page(&view_id, sort, cursor.as_ref(), limit)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn ticket_detail(db: Db<'_>, ticket_id: String, show_images: Vec<String>) -> Res<TicketDetail> {
    Ok(db.ticket_detail(&ticket_id, &show_images)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn mutate(
    db: Db<'_>,
    hub: Hub<'_>,
    bell: Bell<'_>,
    mail: Mail<'_>,
    mutation: Mutation,
) -> Res<Changed> {
    let changed = db.apply(mutation)?;
    hub.wake();
    bell.wake();
    // A reply or a retry may wait to be e-mailed.
    mail.wake();
    Ok(changed)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn mutate_many(
    db: Db<'_>,
    hub: Hub<'_>,
    bell: Bell<'_>,
    mail: Mail<'_>,
    mutations: Vec<Mutation>,
) -> Res<Changed> {
    let changed = db.apply_many(mutations)?;
    hub.wake();
    bell.wake();
    mail.wake();
    Ok(changed)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_status(hub: Hub<'_>) -> Res<SyncStatus> {
    Ok(hub.status().await)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn connect_server<R: Runtime>(
    app: AppHandle<R>,
    hub: Hub<'_>,
    server_url: String,
    email: String,
    password: String,
) -> Res<SyncStatus> {
    hub.connect(&app, &server_url, &email, &password).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_out(hub: Hub<'_>) -> Res<SyncStatus> {
    hub.sign_out().await
}

#[tauri::command(rename_all = "snake_case")]
pub fn sync_now(hub: Hub<'_>) -> Res<()> {
    hub.wake();
    Ok(())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_presence(
    hub: Hub<'_>,
    ticket_id: Option<String>,
    activity: PresenceActivity,
) -> Res<()> {
    hub.presence(ticket_id, activity).await;
    Ok(())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn search(db: Db<'_>, query: String, limit: usize) -> Res<SearchResults> {
    Ok(db.search(&query, limit)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn find_customers(db: Db<'_>, query: String, limit: usize) -> Res<Vec<CustomerMatch>> {
    Ok(db.find_customers(&query, limit)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn customer(db: Db<'_>, customer_id: String) -> Res<Customer> {
    Ok(db.customer(&customer_id)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn organizations(db: Db<'_>) -> Res<Vec<Organization>> {
    Ok(db.organizations()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn agents(db: Db<'_>) -> Res<Vec<Agent>> {
    Ok(db.agents()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn groups(db: Db<'_>) -> Res<Vec<Group>> {
    Ok(db.groups()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn tags(db: Db<'_>) -> Res<Vec<TagUsage>> {
    Ok(db.tags()?)
}

/// Raw body: the file's bytes; headers `x-filename` (URI-encoded) and `x-mime`.
#[tauri::command(async)]
pub fn stage_attachment(db: Db<'_>, request: Request<'_>) -> Res<Attachment> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(DomainError::invalid(
            "attachments",
            "The file must be sent as raw bytes.",
        ));
    };
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let filename = porchlight_domain::sanitize::percent_decode(&header("x-filename"));
    Ok(db.stage_attachment(&filename, &header("x-mime"), bytes)?)
}

/// Opens an attachment with the OS's default application, fetching it from the team server
/// first when it was sent from elsewhere.
#[tauri::command(rename_all = "snake_case")]
pub async fn open_attachment(db: Db<'_>, hub: Hub<'_>, attachment_id: String) -> Res<()> {
    hub.fetch_attachment(&attachment_id).await?;
    let path = db.attachment_path(&attachment_id)?;
    open::that_detached(&path).map_err(|e| {
        DomainError::new(
            ErrorCode::Io,
            None,
            format!("No application could open {}: {e}", path.display()),
        )
    })
}

/// Opens a link from a message in the system browser. Only web and mail links: a message
/// must never make the desktop run a program or open a local file.
#[tauri::command(async, rename_all = "snake_case")]
pub fn open_link(url: String) -> Res<()> {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:"))
    {
        return Err(DomainError::invalid(
            "url",
            "Only web and e-mail links can be opened.",
        ));
    }
    open::that_detached(url.trim()).map_err(|e| {
        DomainError::new(
            ErrorCode::Io,
            None,
            format!("The browser could not be opened: {e}"),
        )
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn kb_categories(db: Db<'_>) -> Res<Vec<KbCategory>> {
    Ok(db.kb_categories()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn kb_articles(db: Db<'_>, filter: KbArticleFilter) -> Res<Vec<KbArticleSummary>> {
    Ok(db.kb_articles(&filter)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn kb_article(db: Db<'_>, article_id: String) -> Res<KbArticleDetail> {
    Ok(db.kb_article(&article_id)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn kb_revisions(db: Db<'_>, article_id: String, locale: String) -> Res<Vec<ArticleRevision>> {
    Ok(db.kb_revisions(&article_id, &locale)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn kb_mutate(db: Db<'_>, hub: Hub<'_>, mutation: KbMutation) -> Res<()> {
    db.apply_kb(mutation)?;
    hub.wake();
    Ok(())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn kb_save_draft(db: Db<'_>, draft: KbDraft) -> Res<()> {
    Ok(db.save_kb_draft(&draft)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn kb_discard_draft(db: Db<'_>, article_id: String, locale: String) -> Res<()> {
    Ok(db.discard_kb_draft(&article_id, &locale)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn kb_suggestions(db: Db<'_>, ticket_id: String) -> Res<Vec<KbSuggestion>> {
    Ok(db.kb_suggestions(&ticket_id)?)
}

/// Where article images (`attachments/<id>`) are served from inside the app: the
/// `attachment` protocol registered in `lib.rs` (Windows and Android spell custom
/// protocols as http://<scheme>.localhost).
pub const ATTACHMENT_URL_PREFIX: &str = if cfg!(any(windows, target_os = "android")) {
    "http://attachment.localhost/"
} else {
    "attachment://localhost/"
};

/// Article markdown as safe HTML: the help center's renderer, images served by the app.
#[tauri::command(async, rename_all = "snake_case")]
pub fn kb_render(markdown: String) -> Res<String> {
    static RENDERER: std::sync::LazyLock<Renderer> = std::sync::LazyLock::new(|| {
        Renderer::new(&RenderOptions {
            attachment_url_prefix: Some(ATTACHMENT_URL_PREFIX.to_string()),
        })
    });
    Ok(RENDERER.render(&markdown))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn kb_diff(old: String, new: String) -> Res<Vec<DiffLine>> {
    Ok(line_diff(&old, &new))
}

// ---- configuration: rules, SLA policies, calendars, macros ----

#[tauri::command(async, rename_all = "snake_case")]
pub fn config_rules(db: Db<'_>) -> Res<Vec<Rule>> {
    Ok(db.rules()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn config_sla_policies(db: Db<'_>) -> Res<Vec<SlaPolicy>> {
    Ok(db.sla_policies()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn config_calendars(db: Db<'_>) -> Res<Vec<BusinessCalendar>> {
    Ok(db.calendars()?)
}

/// The macros this agent may use: shared ones and their own.
#[tauri::command(async, rename_all = "snake_case")]
pub fn config_macros(db: Db<'_>) -> Res<Vec<Macro>> {
    Ok(db.macros()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn config_mutate(db: Db<'_>, hub: Hub<'_>, mutation: ConfigMutation) -> Res<()> {
    db.apply_config(mutation)?;
    hub.wake();
    Ok(())
}

/// A macro's text for a ticket, its placeholders filled.
#[tauri::command(async, rename_all = "snake_case")]
pub fn macro_text(db: Db<'_>, macro_id: String, ticket_id: String) -> Res<String> {
    Ok(db.macro_text(&macro_id, &ticket_id)?)
}

/// The holidays in an iCalendar file's text (the UI reads the file; nothing is saved).
#[tauri::command(async, rename_all = "snake_case")]
pub fn holidays_from_ics(text: String) -> Res<Vec<Holiday>> {
    porchlight_domain::sla::holidays_from_ics(&text)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn time_zones() -> Res<Vec<&'static str>> {
    Ok(time_zone_names())
}

/// For each condition field, the operators a rule may use with it.
#[tauri::command(async, rename_all = "snake_case")]
pub fn rule_operators() -> Res<Vec<(RuleField, &'static [RuleOp])>> {
    Ok(RuleField::ALL
        .iter()
        .map(|f| (*f, operators_for(*f)))
        .collect())
}

// ---- notifications ----

#[tauri::command(async, rename_all = "snake_case")]
pub fn notifications(db: Db<'_>, before: Option<i64>, limit: usize) -> Res<NotificationPage> {
    Ok(db.notifications(before, limit)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn mark_notification_read(db: Db<'_>, bell: Bell<'_>, id: String) -> Res<()> {
    db.mark_notification_read(&id)?;
    bell.wake();
    Ok(())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn mark_ticket_notifications_read(db: Db<'_>, bell: Bell<'_>, ticket_id: String) -> Res<()> {
    db.mark_ticket_notifications_read(&ticket_id)?;
    bell.wake();
    Ok(())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn mark_all_notifications_read(db: Db<'_>, bell: Bell<'_>) -> Res<()> {
    db.mark_all_notifications_read()?;
    bell.wake();
    Ok(())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn notification_prefs(db: Db<'_>) -> Res<NotificationPrefs> {
    Ok(db.notification_prefs()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn set_notification_prefs(db: Db<'_>, prefs: NotificationPrefs) -> Res<NotificationPrefs> {
    Ok(db.set_notification_prefs(prefs)?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn mailboxes(mail: Mail<'_>, hub: Hub<'_>) -> Res<Vec<MailboxView>> {
    mail.views(&hub).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn mailbox_save(
    mail: Mail<'_>,
    hub: Hub<'_>,
    mailbox: Mailbox,
    imap_secret: Option<String>,
    smtp_secret: Option<String>,
) -> Res<()> {
    mail.save(&hub, mailbox, imap_secret, smtp_secret).await
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn mailbox_delete(mail: Mail<'_>, hub: Hub<'_>, id: String) -> Res<()> {
    mail.delete(&hub, &id)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn mailbox_test(
    mail: Mail<'_>,
    hub: Hub<'_>,
    mailbox: Mailbox,
    imap_secret: Option<String>,
    smtp_secret: Option<String>,
) -> Res<MailTestResult> {
    mail.test(&hub, mailbox, imap_secret, smtp_secret).await
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn reply_recipients(db: Db<'_>, ticket_id: String) -> Res<ReplyRecipients> {
    Ok(db.reply_recipients(&ticket_id)?)
}

/// "Show original": the raw mail, fetched from the team server first when it was read there.
#[tauri::command(rename_all = "snake_case")]
pub async fn message_original(db: Db<'_>, hub: Hub<'_>, message_id: String) -> Res<String> {
    if let Some(raw) = db.message_raw_mail(&message_id)? {
        hub.fetch_attachment(&raw).await?;
    }
    Ok(db.message_original(&message_id)?)
}

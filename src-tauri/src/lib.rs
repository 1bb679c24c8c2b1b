//! The desktop shell: opens the store, registers the commands and starts the window. All
//! behaviour lives in porchlight-store; the commands here only translate.

pub mod app_menu;
pub mod backup;
pub mod changes;
pub mod command_names;
pub mod commands;
pub mod links;
pub mod mail;
pub mod minute;
pub mod notifications;
pub mod single;
pub mod sync;
pub mod updates;
pub mod window_state;

use std::path::PathBuf;
use std::sync::Arc;

use porchlight_store::Store;

/// This app's version, as backups record it.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The store directory: `--data-dir DIR`, else `PORCHLIGHT_DATA_DIR`, else the OS app-data dir.
pub fn data_dir_from(args: &[String], env: Option<std::ffi::OsString>) -> Result<PathBuf, String> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--data-dir" {
            return it
                .next()
                .map(PathBuf::from)
                .ok_or_else(|| "--data-dir needs a directory".to_string());
        }
        if let Some(d) = a.strip_prefix("--data-dir=") {
            return Ok(PathBuf::from(d));
        }
    }
    if let Some(e) = env.filter(|e| !e.is_empty()) {
        return Ok(PathBuf::from(e));
    }
    dirs::data_dir()
        .map(|d| d.join("app.porchlight.desktop"))
        .ok_or_else(|| {
            "no application data directory on this system; pass --data-dir DIR".to_string()
        })
}

/// Adds the state and commands to a builder: the real one in `run`, Tauri's mock builder in
/// the command tests.
pub fn with_commands<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    store: Arc<Store>,
) -> tauri::Builder<R> {
    let hub = Arc::new(sync::SyncHub::new(store.clone()));
    let mail = Arc::new(mail::MailHub::new(store.clone()));
    builder
        .manage(store)
        .manage(hub)
        .manage(mail)
        .manage(Arc::new(notifications::Notifier::default()))
        .manage(LaunchLink::default())
        .manage(Arc::new(updates::UpdateHub::default()))
        .register_uri_scheme_protocol("attachment", |ctx, request| {
            use tauri::Manager;
            let store = ctx.app_handle().state::<Arc<Store>>();
            attachment_response(&store, request.uri().path())
        })
        .invoke_handler(tauri::generate_handler![
            commands::workspace_info,
            commands::create_profile,
            commands::set_preference,
            commands::take_launch_ticket,
            commands::update_status,
            commands::update_check,
            commands::update_install,
            commands::set_update_url,
            commands::load_demo_data,
            commands::views,
            commands::report_overview,
            commands::report_people,
            commands::filtered_page,
            commands::export_csv,
            commands::backups,
            commands::set_backup_settings,
            commands::back_up_now,
            commands::restore_backup,
            commands::restart_app,
            commands::export_data,
            commands::ticket_page,
            commands::ticket_detail,
            commands::mutate,
            commands::mutate_many,
            commands::search,
            commands::find_customers,
            commands::customer,
            commands::organizations,
            commands::agents,
            commands::groups,
            commands::tags,
            commands::stage_attachment,
            commands::open_attachment,
            commands::open_link,
            commands::sync_status,
            commands::connect_server,
            commands::sign_out,
            commands::sync_now,
            commands::set_presence,
            commands::kb_categories,
            commands::kb_articles,
            commands::kb_article,
            commands::kb_revisions,
            commands::kb_mutate,
            commands::kb_save_draft,
            commands::kb_discard_draft,
            commands::kb_suggestions,
            commands::kb_render,
            commands::kb_diff,
            commands::config_rules,
            commands::config_sla_policies,
            commands::config_calendars,
            commands::config_macros,
            commands::config_mutate,
            commands::macro_text,
            commands::holidays_from_ics,
            commands::time_zones,
            commands::rule_operators,
            commands::notifications,
            commands::mark_notification_read,
            commands::mark_ticket_notifications_read,
            commands::mark_all_notifications_read,
            commands::notification_prefs,
            commands::set_notification_prefs,
            commands::mailboxes,
            commands::mailbox_save,
            commands::mailbox_delete,
            commands::mailbox_test,
            commands::reply_recipients,
            commands::message_original,
        ])
}

/// Serves an article image to the webview: `attachment://localhost/<id>`. Only raster
/// images the store holds; anything else is a 404 with no detail.
fn attachment_response(store: &Store, path: &str) -> tauri::http::Response<Vec<u8>> {
    let id = path.trim_start_matches('/');
    let response = tauri::http::Response::builder();
    match store.attachment_image(id) {
        Ok((mime, bytes)) => response
            .header("Content-Type", mime)
            .header("X-Content-Type-Options", "nosniff")
            .header("Cache-Control", "private, max-age=31536000, immutable")
            .body(bytes),
        Err(_) => response.status(404).body(Vec::new()),
    }
    .unwrap_or_else(|_| tauri::http::Response::new(Vec::new()))
}

/// The ticket a `porchlight://` link at launch asked for, until the UI takes it.
#[derive(Default)]
pub struct LaunchLink(pub std::sync::Mutex<Option<String>>);

pub fn run(dir: &std::path::Path, ticket: Option<String>) -> Result<(), String> {
    let claim = match single::claim(dir, ticket.as_deref())
        .map_err(|e| format!("cannot open the data folder {}: {e}", dir.display()))?
    {
        single::Launch::First(claim) => claim,
        single::Launch::AlreadyOpen(shown) => {
            println!(
                "Porchlight is already open on {}{}",
                dir.display(),
                if shown {
                    "; its window was brought to the front."
                } else {
                    "."
                }
            );
            return Ok(());
        }
    };
    let store =
        Store::open(dir).map_err(|e| format!("cannot open the store in {}: {e}", dir.display()))?;
    let store = Arc::new(store);
    let for_pass = store.clone();
    let listen_dir = dir.to_path_buf();
    let locale = store
        .workspace_info()
        .map(|w| w.locale)
        .unwrap_or_else(|_| "en".into());
    let ran = with_commands(tauri::Builder::default(), store)
        .plugin(tauri_plugin_updater::Builder::new().build())
        // The window is made with its menu bar (set later, the page would be laid out twice).
        .menu(move |handle| app_menu::build_or_empty(handle, &locale))
        .on_menu_event(|app, event| app_menu::on_event(app, event.id().as_ref()))
        .setup(move |app| {
            use tauri::Manager;
            *app.state::<LaunchLink>()
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = ticket;
            app.state::<Arc<sync::SyncHub>>().resume(app.handle());
            minute::start(app.handle().clone(), for_pass);
            window_state::start(app.handle(), app.state::<Arc<Store>>().inner().clone());
            single::listen(app.handle().clone(), &listen_dir);
            backup::start(app.state::<Arc<Store>>().inner().clone());
            app.state::<Arc<updates::UpdateHub>>().start(app.handle());
            app.state::<Arc<mail::MailHub>>().start(app.handle());
            let store = app.state::<Arc<Store>>().inner().clone();
            app.state::<Arc<notifications::Notifier>>()
                .start(app.handle(), store);
            Ok(())
        })
        .run(tauri::generate_context!())
        .map_err(|e| format!("the window could not start: {e}"));
    // The data folder is this process's until the app has ended.
    drop(claim);
    ran
}

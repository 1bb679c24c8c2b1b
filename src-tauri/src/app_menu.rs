//! The application menu: File, Edit, View, Window and Help, in the app's language (rebuilt
//! when the agent changes it). Items that act in the workspace are passed to the UI as a
//! `menu-action` event naming the action; the window and folder items act here.

use std::sync::Arc;

use porchlight_domain::catalog::Locale;
use porchlight_store::Store;
use tauri::menu::{AboutMetadata, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// Event the UI listens to: a menu item for the workspace was chosen (payload: the action).
pub const MENU_EVENT: &str = "menu-action";

/// The workspace actions the UI carries out, by item id.
pub const UI_ACTIONS: &[&str] = &[
    "new_ticket",
    "back_up",
    "export",
    "settings",
    "undo",
    "redo",
    "tickets",
    "kb",
    "reports",
    "automation",
    "palette",
    "shortcuts",
];

/// Builds the menu bar in `locale` ("en", "tr", "pl", "fa"; others fall back to English).
pub fn build<R: Runtime>(app: &AppHandle<R>, locale: &str) -> tauri::Result<Menu<R>> {
    let l = Locale::closest(locale);
    let item = |id: &str, key: &str| MenuItem::with_id(app, id, l.t(key), true, None::<&str>);
    let sep = || PredefinedMenuItem::separator(app);

    let file = Submenu::with_items(
        app,
        l.t("menu.file"),
        true,
        &[
            &item("new_ticket", "menu.new_ticket")?,
            &sep()?,
            &item("back_up", "menu.back_up")?,
            &item("export", "menu.export")?,
            &sep()?,
            &item("settings", "menu.settings")?,
            &sep()?,
            &item("quit", "menu.quit")?,
        ],
    )?;
    let edit = Submenu::with_items(
        app,
        l.t("menu.edit"),
        true,
        &[
            &item("undo", "menu.undo")?,
            &item("redo", "menu.redo")?,
            &sep()?,
            &PredefinedMenuItem::cut(app, Some(l.t("menu.cut")))?,
            &PredefinedMenuItem::copy(app, Some(l.t("menu.copy")))?,
            &PredefinedMenuItem::paste(app, Some(l.t("menu.paste")))?,
            &PredefinedMenuItem::select_all(app, Some(l.t("menu.select_all")))?,
        ],
    )?;
    let view = Submenu::with_items(
        app,
        l.t("menu.view"),
        true,
        &[
            &item("tickets", "menu.tickets")?,
            &item("kb", "menu.kb")?,
            &item("reports", "menu.reports")?,
            &item("automation", "menu.automation")?,
            &sep()?,
            &item("palette", "menu.palette")?,
            &item("fullscreen", "menu.fullscreen")?,
        ],
    )?;
    let window = Submenu::with_items(
        app,
        l.t("menu.window"),
        true,
        &[
            &item("minimize", "menu.minimize")?,
            &item("maximize", "menu.maximize")?,
            &sep()?,
            &item("close_window", "menu.close_window")?,
        ],
    )?;
    let about = AboutMetadata {
        name: Some("Porchlight".into()),
        version: Some(app.package_info().version.to_string()),
        comments: Some(l.t("menu.about_text").into()),
        copyright: Some("© 2026 the Porchlight authors".into()),
        license: Some("AGPL-3.0-or-later".into()),
        // The dialog shows the window's icon; the 16-bit PNG is not a menu icon's RGBA.
        ..Default::default()
    };
    let help = Submenu::with_items(
        app,
        l.t("menu.help"),
        true,
        &[
            &item("shortcuts", "menu.shortcuts")?,
            &item("help_center", "menu.help_center")?,
            &item("data_folder", "menu.data_folder")?,
            &sep()?,
            &PredefinedMenuItem::about(app, Some(l.t("menu.about")), Some(about))?,
        ],
    )?;
    Menu::with_items(app, &[&file, &edit, &view, &window, &help])
}

/// The menu bar in `locale`, or none when it cannot be built (the app starts regardless).
pub fn build_or_empty<R: Runtime>(app: &AppHandle<R>, locale: &str) -> tauri::Result<Menu<R>> {
    build(app, locale).or_else(|e| {
        eprintln!("porchlight: no application menu ({e})");
        Menu::new(app)
    })
}

/// Sets the menu bar in `locale` (when the agent changes the language).
pub fn install<R: Runtime>(app: &AppHandle<R>, locale: &str) {
    match build(app, locale) {
        Ok(menu) => {
            if let Err(e) = app.set_menu(menu) {
                eprintln!("porchlight: no application menu ({e})");
            }
        }
        Err(e) => eprintln!("porchlight: no application menu ({e})"),
    }
}

/// Carries out a chosen item.
pub fn on_event<R: Runtime>(app: &AppHandle<R>, id: &str) {
    let window = app.get_webview_window("main");
    match id {
        _ if UI_ACTIONS.contains(&id) => {
            if let Some(w) = &window {
                let _ = w.set_focus();
            }
            let _ = app.emit(MENU_EVENT, id);
        }
        "quit" => app.exit(0),
        "fullscreen" => {
            if let Some(w) = window {
                let on = w.is_fullscreen().unwrap_or(false);
                let _ = w.set_fullscreen(!on);
            }
        }
        "minimize" => {
            if let Some(w) = window {
                let _ = w.minimize();
            }
        }
        "maximize" => {
            if let Some(w) = window {
                if w.is_maximized().unwrap_or(false) {
                    let _ = w.unmaximize();
                } else {
                    let _ = w.maximize();
                }
            }
        }
        "close_window" => {
            if let Some(w) = window {
                let _ = w.close();
            }
        }
        "data_folder" => {
            let store = app.state::<Arc<Store>>();
            let _ = open::that_detached(store.dir());
        }
        "help_center" => {
            // The team's server hosts the help center; a standalone desktop has none.
            let store = app.state::<Arc<Store>>();
            match store.sync_settings() {
                Ok(Some(s)) if s.server_url.starts_with("http") => {
                    let _ = open::that_detached(&s.server_url);
                }
                _ => {
                    let _ = app.emit(MENU_EVENT, "no_help_center");
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tauri::menu::MenuItemKind;

    fn titles<R: Runtime>(menu: &Menu<R>) -> Vec<String> {
        menu.items()
            .unwrap()
            .iter()
            .filter_map(|i| match i {
                MenuItemKind::Submenu(s) => s.text().ok(),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_word_of_the_menu_is_in_the_catalog() {
        let src = include_str!("app_menu.rs");
        // Spelled in parts, so that this line is not a key itself.
        let needle = concat!("\"", "menu", ".");
        let keys: Vec<&str> = src
            .match_indices(needle)
            .map(|(i, _)| {
                let rest = &src[i + 1..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect();
        assert!(keys.len() > 25, "{keys:?}");
        for key in keys {
            assert!(porchlight_domain::catalog::has_key(key), "no {key}");
        }
    }

    #[test]
    fn the_menu_bar_has_the_five_menus_in_each_language() {
        let app = tauri::test::mock_app();
        let cases = [
            ("en", ["File", "Edit", "View", "Window", "Help"]),
            ("tr", ["Dosya", "Düzen", "Görünüm", "Pencere", "Yardım"]),
            ("pl", ["Plik", "Edycja", "Widok", "Okno", "Pomoc"]),
            ("fa", ["پرونده", "ویرایش", "نما", "پنجره", "راهنما"]),
        ];
        for (locale, want) in cases {
            let menu = build(app.handle(), locale).unwrap();
            assert_eq!(titles(&menu), want, "{locale}");
        }
        // An unknown language reads English.
        assert_eq!(titles(&build(app.handle(), "de").unwrap())[0], "File");
    }

    #[test]
    fn the_file_menu_holds_the_data_actions_and_quit() {
        let app = tauri::test::mock_app();
        let menu = build(app.handle(), "en").unwrap();
        let items = menu.items().unwrap();
        let MenuItemKind::Submenu(file) = &items[0] else {
            panic!("File is a submenu")
        };
        let texts: Vec<String> = file
            .items()
            .unwrap()
            .iter()
            .filter_map(|i| i.as_menuitem().and_then(|m| m.text().ok()))
            .collect();
        assert_eq!(
            texts,
            [
                "New ticket",
                "Back up now",
                "Export all data…",
                "Settings…",
                "Quit Porchlight"
            ]
        );
    }
}

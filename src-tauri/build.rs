fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        // Only these commands exist for the webview; capabilities/main.json grants them.
        tauri_build::AppManifest::new().commands(porchlight_commands::NAMES),
    ))
    .expect("tauri build step failed");
}

#[path = "src/command_names.rs"]
mod porchlight_commands;

//! The installed app, started the way a user starts it. The installer step of `cargo xtask
//! test` installs the built `.deb` with apt, reads the program from its desktop entry's `Exec`
//! line and runs this test with it (`PORCHLIGHT_INSTALLED_EXEC`), in a fresh home
//! (`XDG_DATA_HOME` and friends), with no arguments: exactly what the launcher does.

use std::path::PathBuf;

use porchlight_e2e::{create_profile, new_phone_ticket, Driver};

#[test]
#[ignore = "run by the installer step of `cargo xtask test`, once the .deb is installed"]
fn the_installed_app_starts_from_its_desktop_entry_and_keeps_its_data_in_the_users_folder() {
    let app = std::env::var("PORCHLIGHT_INSTALLED_EXEC")
        .expect("PORCHLIGHT_INSTALLED_EXEC: the installed program (cargo xtask test sets it)");
    let data_home = PathBuf::from(
        std::env::var("XDG_DATA_HOME").expect("XDG_DATA_HOME: a fresh folder for this run"),
    );
    let store = data_home.join("app.porchlight.desktop");
    assert!(
        !store.exists(),
        "{} exists before the first start",
        store.display()
    );

    let driver = Driver::start();
    let s = driver.launch_binary(&app, &[]);
    // A first start shows the welcome screen: no store yet, no server.
    s.el("welcome");
    s.screenshot("installed-welcome");
    create_profile(&s, "Ines Installed", "ines@example.com", false);
    new_phone_ticket(
        &s,
        "Carmen Caller",
        "carmen@example.com",
        "Installed from the package",
        "She called about the invoice.",
    );
    s.screenshot("installed-ticket");
    s.quit();

    // The store is in the user's data folder, where the README says it is.
    let db = store.join(porchlight_store::DB_FILE);
    assert!(db.exists(), "the installed app wrote no {}", db.display());
    let reopened = porchlight_store::Store::open(&store).expect("the app's store opens");
    let hits = reopened
        .search("Installed from the package", 10)
        .expect("search the installed app's store");
    assert_eq!(hits.hits.len(), 1, "the ticket made in the installed app");
}

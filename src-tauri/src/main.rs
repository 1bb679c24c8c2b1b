// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = match porchlight_app::data_dir_from(&args, std::env::var_os("PORCHLIGHT_DATA_DIR")) {
        Ok(d) => d,
        Err(msg) => {
            eprintln!("porchlight: {msg}");
            std::process::exit(2);
        }
    };
    let ticket = porchlight_app::links::ticket_in(&args);
    if let Err(e) = porchlight_app::run(&dir, ticket) {
        eprintln!("porchlight: {e}");
        std::process::exit(1);
    }
}

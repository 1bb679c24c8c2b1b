//! `porchlight://` links. The desktop entry (and the Windows and macOS bundles) register the
//! scheme, so a link such as `porchlight://ticket/0193…` pasted in a chat starts the app with
//! the link as an argument; a second launch hands it to the window already open.

/// The only link kind so far: open a ticket.
pub fn ticket_in(args: &[String]) -> Option<String> {
    args.iter().find_map(|a| ticket_of(a))
}

/// The ticket id of `porchlight://ticket/ID` (a trailing slash, query or fragment ignored).
/// Anything else, an id with characters no id has included, is not a link the app follows.
pub fn ticket_of(link: &str) -> Option<String> {
    let (scheme, rest) = link.split_once(':')?;
    if !scheme.eq_ignore_ascii_case("porchlight") {
        return None;
    }
    let rest = rest.trim_start_matches('/');
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let id = rest.strip_prefix("ticket/")?.trim_end_matches('/');
    let valid = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| id.to_string())
}

/// The link for a ticket (what "Copy link" puts on the clipboard).
pub fn ticket_link(id: &str) -> String {
    format!("porchlight://ticket/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_link_names_its_ticket_and_nothing_else_is_followed() {
        let id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        assert_eq!(ticket_of(&ticket_link(id)).as_deref(), Some(id));
        assert_eq!(
            ticket_of(&format!("PORCHLIGHT://ticket/{id}/?from=chat#x")).as_deref(),
            Some(id)
        );
        for bad in [
            "porchlight://ticket/",
            "porchlight://customer/abc",
            "https://ticket/abc",
            "porchlight://ticket/../../etc/passwd",
            "porchlight://ticket/a b",
            "porchlight://ticket/<script>",
            &format!("porchlight://ticket/{}", "a".repeat(65)),
        ] {
            assert_eq!(ticket_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_link_is_found_among_the_arguments() {
        let args: Vec<String> = ["--data-dir", "/tmp/x", "porchlight://ticket/abc-1"]
            .map(String::from)
            .to_vec();
        assert_eq!(ticket_in(&args).as_deref(), Some("abc-1"));
        assert_eq!(ticket_in(&args[..2]), None);
    }
}

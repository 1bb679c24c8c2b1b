//! (filled in by the logins work)

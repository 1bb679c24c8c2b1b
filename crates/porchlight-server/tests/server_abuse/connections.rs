//! (filled in by the connections work)

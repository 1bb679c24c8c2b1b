//! (filled in by the content work)

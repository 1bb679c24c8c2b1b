//! (filled in by the sync_integrity work)

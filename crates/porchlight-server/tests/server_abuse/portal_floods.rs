//! (filled in by the portal_floods work)

//! The app's command names, shared by build.rs (permission manifest) and the handler list.

pub const NAMES: &[&str] = &[
    "workspace_info",
    "create_profile",
    "set_preference",
    "load_demo_data",
    "views",
    "ticket_page",
    "ticket_detail",
    "mutate",
    "mutate_many",
    "search",
    "find_customers",
    "customer",
    "organizations",
    "agents",
    "groups",
    "tags",
    "stage_attachment",
    "open_attachment",
    "open_link",
];

// Which tab of the Automation section another screen asked for (Settings → Channels →
// Mailboxes). The section takes the request when it shows and clears it.

export type AdminTab = "rules" | "sla" | "calendars" | "macros" | "mailboxes";

export const adminNav = $state<{ tab: AdminTab | null }>({ tab: null });

// The only place the UI talks to the backend. Every command is a typed function; refusals
// reject with a DomainError {code, field, message}.
import { invoke as tauriInvoke, type InvokeArgs, type InvokeOptions } from "@tauri-apps/api/core";
import { listen as tauriListen, type UnlistenFn } from "@tauri-apps/api/event";
import type { UpdateStatus } from "../bindings/UpdateStatus";
import type { Changed } from "../bindings/Changed";
import type { BackupInfo } from "../bindings/BackupInfo";
import type { BackupsView } from "../bindings/BackupsView";
import type { ExportManifest } from "../bindings/ExportManifest";
import type { Agent } from "../bindings/Agent";
import type { Attachment } from "../bindings/Attachment";
import type { Customer } from "../bindings/Customer";
import type { CustomerMatch } from "../bindings/CustomerMatch";
import type { DomainError } from "../bindings/DomainError";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { Group } from "../bindings/Group";
import type { Mutation } from "../bindings/Mutation";
import type { NotificationPage } from "../bindings/NotificationPage";
import type { NotificationPrefs } from "../bindings/NotificationPrefs";
import type { Organization } from "../bindings/Organization";
import type { PageCursor } from "../bindings/PageCursor";
import type { PresenceActivity } from "../bindings/PresenceActivity";
import type { PresenceEntry } from "../bindings/PresenceEntry";
import type { SearchResults } from "../bindings/SearchResults";
import type { SortKey } from "../bindings/SortKey";
import type { SyncRound } from "../bindings/SyncRound";
import type { SyncStatus } from "../bindings/SyncStatus";
import type { TagUsage } from "../bindings/TagUsage";
import type { TicketDetail } from "../bindings/TicketDetail";
import type { TicketPage } from "../bindings/TicketPage";
import type { ViewInfo } from "../bindings/ViewInfo";
import type { FilterClause } from "../bindings/FilterClause";
import type { PeopleBy } from "../bindings/PeopleBy";
import type { PeopleRow } from "../bindings/PeopleRow";
import type { ReportOverview } from "../bindings/ReportOverview";
import type { ReportRequest } from "../bindings/ReportRequest";
import type { ArticleRevision } from "../bindings/ArticleRevision";
import type { DiffLine } from "../bindings/DiffLine";
import type { KbArticleDetail } from "../bindings/KbArticleDetail";
import type { KbArticleFilter } from "../bindings/KbArticleFilter";
import type { KbArticleSummary } from "../bindings/KbArticleSummary";
import type { KbCategory } from "../bindings/KbCategory";
import type { KbDraft } from "../bindings/KbDraft";
import type { KbMutation } from "../bindings/KbMutation";
import type { KbSuggestion } from "../bindings/KbSuggestion";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import type { BusinessCalendar } from "../bindings/BusinessCalendar";
import type { ConfigMutation } from "../bindings/ConfigMutation";
import type { Holiday } from "../bindings/Holiday";
import type { Macro } from "../bindings/Macro";
import type { Rule } from "../bindings/Rule";
import type { RuleField } from "../bindings/RuleField";
import type { RuleOp } from "../bindings/RuleOp";
import type { SlaPolicy } from "../bindings/SlaPolicy";
import type { Mailbox } from "../bindings/Mailbox";
import type { MailboxView } from "../bindings/MailboxView";
import type { MailTestResult } from "../bindings/MailTestResult";
import type { ReplyRecipients } from "../bindings/ReplyRecipients";

type InvokeFn = <T>(cmd: string, args?: InvokeArgs, options?: InvokeOptions) => Promise<T>;
type ListenFn = <T>(event: string, handler: (payload: T) => void) => Promise<UnlistenFn>;

interface Backend {
  invoke: InvokeFn;
  listen: ListenFn;
}

const backend: Promise<Backend> = Promise.resolve({
  invoke: tauriInvoke,
  listen: <T>(event: string, handler: (payload: T) => void) => tauriListen<T>(event, (e) => handler(e.payload)),
});

/** A refusal from the backend, typed. */
export class IpcError extends Error implements DomainError {
  code: ErrorCode;
  field: string | null;
  constructor(e: DomainError) {
    super(e.message);
    this.name = "IpcError";
    this.code = e.code;
    this.field = e.field;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as DomainError).code === "string" &&
    typeof (e as DomainError).message === "string"
  );
}

/** Whatever was thrown, as a DomainError (plain strings and JS errors become code "io"). */
export function toDomainError(e: unknown): IpcError {
  if (e instanceof IpcError) return e;
  if (isDomainError(e)) return new IpcError({ code: e.code, field: e.field ?? null, message: e.message });
  const message = typeof e === "string" ? e : e instanceof Error ? e.message : String(e);
  return new IpcError({ code: "io", field: null, message });
}

async function call<T>(cmd: string, args?: InvokeArgs, options?: InvokeOptions): Promise<T> {
  const b = await backend;
  try {
    return await b.invoke<T>(cmd, args, options);
  } catch (e) {
    throw toDomainError(e);
  }
}

export const ipc = {
  workspaceInfo: () => call<WorkspaceInfo>("workspace_info"),
  createProfile: (name: string, email: string) => call<Agent>("create_profile", { name, email }),
  setPreference: (key: "locale" | "theme", value: string) => call<null>("set_preference", { key, value }),
  loadDemoData: () => call<number>("load_demo_data"),
  views: () => call<ViewInfo[]>("views"),
  reportOverview: (request: ReportRequest) => call<ReportOverview>("report_overview", { request }),
  reportPeople: (request: ReportRequest, by: PeopleBy) => call<PeopleRow[]>("report_people", { request, by }),
  /** A page of the tickets matching ad-hoc clauses (a report's tickets). */
  filteredPage: (filters: FilterClause[], sort: SortKey, cursor: PageCursor | null, limit: number) =>
    call<TicketPage>("filtered_page", { filters, sort, cursor, limit }),
  backups: () => call<BackupsView>("backups"),
  setBackupSettings: (dir: string, daily: boolean, keep: number) => call<BackupsView>("set_backup_settings", { dir, daily, keep }),
  backUpNow: () => call<BackupInfo>("back_up_now"),
  /** Checks a backup and stages it to replace this helpdesk when the app restarts. */
  restoreBackup: (path: string) => call<BackupInfo>("restore_backup", { path }),
  restartApp: () => call<null>("restart_app"),
  /** The ticket a porchlight://ticket/… link at launch named, once (null: none). */
  takeLaunchTicket: () => call<string | null>("take_launch_ticket"),
  updateStatus: () => call<UpdateStatus>("update_status"),
  /** Asks the update source now (the team server, or the URL set in Settings). */
  updateCheck: () => call<UpdateStatus>("update_check"),
  /** Downloads, verifies and installs the offer, then restarts the app. */
  updateInstall: () => call<null>("update_install"),
  /** A standalone desktop's update address ("" for none); checked at once. */
  setUpdateUrl: (url: string) => call<UpdateStatus>("set_update_url", { url }),
  /** Exports the helpdesk into a new folder in Downloads; answers its manifest (with the path). */
  exportData: () => call<ExportManifest>("export_data"),
  /** Saves CSV text in the Downloads folder; answers the file's path. */
  exportCsv: (file_name: string, text: string) => call<string>("export_csv", { file_name, text }),
  ticketPage: (view_id: string, sort: SortKey, cursor: PageCursor | null, limit: number) =>
    call<TicketPage>("ticket_page", { view_id, sort, cursor, limit }),
  ticketDetail: (ticket_id: string, show_images: string[]) =>
    call<TicketDetail>("ticket_detail", { ticket_id, show_images }),
  /** Applies a mutation; answers what it changed (the rules' doing included). */
  mutate: (mutation: Mutation) => call<Changed>("mutate", { mutation }),
  mutateMany: (mutations: Mutation[]) => call<Changed>("mutate_many", { mutations }),
  search: (query: string, limit: number) => call<SearchResults>("search", { query, limit }),
  findCustomers: (query: string, limit: number) => call<CustomerMatch[]>("find_customers", { query, limit }),
  customer: (customer_id: string) => call<Customer>("customer", { customer_id }),
  organizations: () => call<Organization[]>("organizations"),
  agents: () => call<Agent[]>("agents"),
  groups: () => call<Group[]>("groups"),
  tags: () => call<TagUsage[]>("tags"),
  /** Sends a file's bytes raw; the name travels URI-encoded in a header. */
  stageAttachment: async (file: File) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return call<Attachment>("stage_attachment", bytes, {
      headers: {
        "x-filename": encodeURIComponent(file.name),
        "x-mime": file.type || "application/octet-stream",
      },
    });
  },
  openAttachment: (attachment_id: string) => call<null>("open_attachment", { attachment_id }),
  openLink: (url: string) => call<null>("open_link", { url }),

  // ---- knowledge base ----
  kbCategories: () => call<KbCategory[]>("kb_categories"),
  kbArticles: (filter: KbArticleFilter) => call<KbArticleSummary[]>("kb_articles", { filter }),
  kbArticle: (article_id: string) => call<KbArticleDetail>("kb_article", { article_id }),
  /** Newest first. */
  kbRevisions: (article_id: string, locale: string) => call<ArticleRevision[]>("kb_revisions", { article_id, locale }),
  kbMutate: (mutation: KbMutation) => call<null>("kb_mutate", { mutation }),
  /** Autosave of unsaved editing on this desktop (never synced). */
  kbSaveDraft: (draft: KbDraft) => call<null>("kb_save_draft", { draft }),
  kbDiscardDraft: (article_id: string, locale: string) => call<null>("kb_discard_draft", { article_id, locale }),
  kbSuggestions: (ticket_id: string) => call<KbSuggestion[]>("kb_suggestions", { ticket_id }),
  /** Safe HTML from the help center's renderer: the only article HTML the UI may show. */
  kbRender: (markdown: string) => call<string>("kb_render", { markdown }),
  kbDiff: (old: string, next: string) => call<DiffLine[]>("kb_diff", { old, new: next }),

  // ---- configuration: rules, SLA policies, calendars, macros ----
  /** In evaluation order. */
  configRules: () => call<Rule[]>("config_rules"),
  /** In the order they are tried (the first that matches applies). */
  configSlaPolicies: () => call<SlaPolicy[]>("config_sla_policies"),
  configCalendars: () => call<BusinessCalendar[]>("config_calendars"),
  /** Shared macros and this agent's own. */
  configMacros: () => call<Macro[]>("config_macros"),
  configMutate: (mutation: ConfigMutation) => call<null>("config_mutate", { mutation }),
  /** A macro's text for a ticket, placeholders filled. */
  macroText: (macro_id: string, ticket_id: string) => call<string>("macro_text", { macro_id, ticket_id }),
  /** The holidays in an iCalendar file's text (nothing is saved). */
  holidaysFromIcs: (text: string) => call<Holiday[]>("holidays_from_ics", { text }),
  /** Every IANA time zone name, sorted. */
  timeZones: () => call<string[]>("time_zones"),
  /** For each condition field, the operators a rule may use with it. */
  ruleOperators: () => call<[RuleField, RuleOp[]][]>("rule_operators"),

  // ---- e-mail ----
  // These commands take camelCase argument names (Tauri's default conversion).
  /** Every mailbox, with whether its passwords are stored (never the passwords) and its last fetch. */
  mailboxes: () => call<MailboxView[]>("mailboxes"),
  /** Saves a mailbox; a secret of null keeps the stored one, a string replaces it (OS keyring). */
  mailboxSave: (mailbox: Mailbox, imapSecret: string | null, smtpSecret: string | null) =>
    call<null>("mailbox_save", { mailbox, imap_secret: imapSecret, smtp_secret: smtpSecret }),
  mailboxDelete: (id: string) => call<null>("mailbox_delete", { id }),
  /** Connects to both servers with these settings (null secrets: the stored ones); nothing is saved. */
  mailboxTest: (mailbox: Mailbox, imapSecret: string | null, smtpSecret: string | null) =>
    call<MailTestResult>("mailbox_test", { mailbox, imap_secret: imapSecret, smtp_secret: smtpSecret }),
  /** Who a reply on this ticket goes to, or why it will not be e-mailed. */
  replyRecipients: (ticketId: string) => call<ReplyRecipients>("reply_recipients", { ticket_id: ticketId }),
  /** The received mail as raw text (capped): show it only as text, never as HTML. */
  messageOriginal: (messageId: string) => call<string>("message_original", { message_id: messageId }),

  // ---- team sync ----
  syncStatus: () => call<SyncStatus>("sync_status"),
  /** Signs in; the token goes to the OS keyring (refused with "no_keyring" when there is none). */
  connectServer: (server_url: string, email: string, password: string) =>
    call<SyncStatus>("connect_server", { server_url, email, password }),
  /** Forgets the token; local data stays. */
  signOut: () => call<SyncStatus>("sign_out"),
  syncNow: () => call<null>("sync_now"),
  /** Best effort: tells colleagues which ticket this agent has open (null: none). */
  setPresence: (ticket_id: string | null, activity: PresenceActivity) =>
    call<null>("set_presence", { ticket_id, activity }),

  // ---- notifications ----
  /** Newest first; `before` is the previous page's `next_before`. */
  notifications: (before: number | null, limit: number) => call<NotificationPage>("notifications", { before, limit }),
  markNotificationRead: (id: string) => call<null>("mark_notification_read", { id }),
  markTicketNotificationsRead: (ticket_id: string) => call<null>("mark_ticket_notifications_read", { ticket_id }),
  markAllNotificationsRead: () => call<null>("mark_all_notifications_read"),
  notificationPrefs: () => call<NotificationPrefs>("notification_prefs"),
  setNotificationPrefs: (prefs: NotificationPrefs) => call<NotificationPrefs>("set_notification_prefs", { prefs }),
};

/** The events the backend emits, with their payloads. */
export interface BackendEvents {
  /** What changed in the store: a pulled page, the every-minute pass (rules, SLA crossings). */
  "store-changes": Changed;
  /** One per sync round: what changed, what the server refused, the status after it. */
  "sync-round": SyncRound;
  "sync-status": SyncStatus;
  /** Colleagues' presence on tickets, for the whole helpdesk (own entries left out). */
  presence: PresenceEntry[];
  /** The unread notification count changed. */
  "notifications-changed": number;
  /** A native notification was clicked, or a porchlight:// link handed over: open this ticket. */
  "open-ticket": string;
  /** An application-menu item for the workspace was chosen (its id). */
  "menu-action": string;
  /** The update check or installation moved on. */
  "update-status": UpdateStatus;
}

/** Subscribes to a backend event; the handler receives its payload (typed for known events). */
export async function onBackendEvent<K extends keyof BackendEvents>(event: K, handler: (payload: BackendEvents[K]) => void): Promise<UnlistenFn>;
export async function onBackendEvent(event: string, handler: (payload: unknown) => void): Promise<UnlistenFn>;
export async function onBackendEvent(event: string, handler: (payload: unknown) => void): Promise<UnlistenFn> {
  const b = await backend;
  try {
    return await b.listen<unknown>(event, handler);
  } catch {
    // No event bridge (e.g. a plain browser): nothing to listen to.
    return () => {};
  }
}

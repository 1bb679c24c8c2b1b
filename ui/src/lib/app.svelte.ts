// The app's shared state and the actions that change it. Components read from `app` and call
// its methods; every backend call goes through ipc.ts.
import type { Agent } from "../bindings/Agent";
import type { Attachment } from "../bindings/Attachment";
import type { BackupInfo } from "../bindings/BackupInfo";
import type { Group } from "../bindings/Group";
import type { Mutation } from "../bindings/Mutation";
import type { Organization } from "../bindings/Organization";
import type { PageCursor } from "../bindings/PageCursor";
import type { PresenceEntry } from "../bindings/PresenceEntry";
import type { SortKey } from "../bindings/SortKey";
import type { SyncRound } from "../bindings/SyncRound";
import type { SyncStatus } from "../bindings/SyncStatus";
import type { TagUsage } from "../bindings/TagUsage";
import type { TicketDetail } from "../bindings/TicketDetail";
import type { TicketFieldChanges } from "../bindings/TicketFieldChanges";
import type { TicketSummary } from "../bindings/TicketSummary";
import type { ViewInfo } from "../bindings/ViewInfo";
import type { FilterClause } from "../bindings/FilterClause";
import type { TicketPage } from "../bindings/TicketPage";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { bindLocale, dirOf, errorText, isLocale, t, type Locale, type MessageKey } from "./i18n";
import type { Changed } from "../bindings/Changed";
import { announceNow, onChanges } from "./changes";
import { reuse, reuseById } from "./reuse";
import { pushToast } from "./toasts";
import { formatBytes } from "./format";
import { ipc, onBackendEvent, toDomainError, type IpcError } from "./ipc";
import { hasServer, refusalText, type ThreadMark } from "./sync";

export type Theme = "light" | "dark";
export type Overlay = "palette" | "help" | "settings" | "new_ticket" | "view_editor" | "merge" | "confirm_delete";
export type ComposerMode = "reply" | "note";
/** A section of the settings to scroll to when they open. */
export type SettingsSection = "server" | "updates";

export interface Toast {
  id: number;
  kind: "error" | "info";
  text: string;
  /** Words the agent wrote that a refused change hands back: shown, copyable, and the toast
   *  stays until dismissed so they are never lost. */
  kept?: string;
}

export interface Draft {
  mode: ComposerMode;
  body: string;
  attachments: Attachment[];
  /** The thread as it was when the agent started writing (collision warning). */
  mark: ThreadMark | null;
}

export const PAGE_SIZE = 200;
/** The list's id while it shows the tickets a report opened. */
export const REPORT_VIEW = "report";
/** After a change, reload at most this many rows of the list at once. */
const MAX_RELOAD_ROWS = 2000;
/** Presence is re-sent this often while a ticket is on screen (the server forgets it otherwise). */
const PRESENCE_HEARTBEAT_MS = 20_000;
/** The composer's "holds text" flag settles this long before presence says "replying". */
const PRESENCE_DEBOUNCE_MS = 600;

class AppState {
  ready = $state(false);
  fatal = $state<string | null>(null);
  workspace = $state.raw<WorkspaceInfo | null>(null);
  profile = $state.raw<Agent | null>(null);
  locale = $state<Locale>("en");
  theme = $state<Theme>("light");

  views = $state.raw<ViewInfo[]>([]);
  /** When the view counts were last read (`performance.now()`): the sidebar carries it, so a
   * test or benchmark can tell counts read after a change from counts read before it. */
  viewsLoadedAt = $state(0);
  viewId = $state("open");
  sort = $state<SortKey>("updated");
  rows = $state.raw<TicketSummary[]>([]);
  next = $state.raw<PageCursor | null>(null);
  listLoading = $state(false);
  listLoaded = $state(false);
  selection = $state.raw<Set<string>>(new Set());
  anchorIndex = $state<number | null>(null);

  ticketId = $state<string | null>(null);
  detail = $state.raw<TicketDetail | null>(null);
  detailError = $state<string | null>(null);
  /** Message ids whose remote images the agent chose to show, per ticket. */
  shownImages = new Map<string, string[]>();

  agents = $state.raw<Agent[]>([]);
  groups = $state.raw<Group[]>([]);
  tags = $state.raw<TagUsage[]>([]);
  organizations = $state.raw<Organization[]>([]);

  /** The team-sync status; null until first loaded. */
  syncStatus = $state.raw<SyncStatus | null>(null);
  /** Colleagues' presence on tickets, whole helpdesk (filter by ticket with presenceOn). */
  presence = $state.raw<PresenceEntry[]>([]);

  overlay = $state<Overlay | null>(null);
  /** Which part of the app fills the workspace: the tickets, the knowledge base or the
   *  automation settings (rules, SLA policies, calendars, macros). */
  area = $state<"tickets" | "kb" | "admin" | "reports">("tickets");
  /** Tickets a report opened (a bar, a figure or a table row): listed like a view, with the
   *  report's words for what they are, until another view is chosen. */
  reportView = $state.raw<{ name: string; filters: FilterClause[] } | null>(null);
  settingsSection = $state<SettingsSection | null>(null);
  editingView = $state.raw<ViewInfo | null>(null);
  /** A new view's name and conditions to start from (a report's tickets saved as a view). */
  viewDraft = $state.raw<{ name: string; filters: FilterClause[] } | null>(null);
  toasts = $state<Toast[]>([]);

  /** Bumped to ask the composer to focus itself in a mode (shortcuts r / n). */
  composerRequest = $state<{ mode: ComposerMode; seq: number }>({ mode: "reply", seq: 0 });
  searchFocusSeq = $state(0);
  /** Bumped to ask the thread to scroll a message into view (collision warning "Show them"). */
  revealRequest = $state<{ messageId: string | null; seq: number }>({ messageId: null, seq: 0 });
  now = $state(Date.now());

  /** Composer drafts per ticket, kept in memory while the agent switches tickets. */
  drafts = new Map<string, Draft>();

  private listGen = 0;
  private detailGen = 0;
  private toastSeq = 0;
  private unlisten: (() => void)[] | null = null;
  private statusEventSeq = 0;
  /** The ticket whose composer holds text, if any. */
  private composing: string | null = null;
  /** The last presence sent, as "ticket|activity", to send only changes (plus heartbeats). */
  private presenceSent: string | null = null;
  private presenceTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    bindLocale(() => this.locale);
  }

  get currentView(): ViewInfo | undefined {
    return this.views.find((v) => v.id === this.viewId);
  }

  viewName(v: ViewInfo | undefined): string {
    if (!v) return "";
    if (v.builtin) return t(`view.${v.id}` as MessageKey);
    return v.name ?? v.id;
  }

  // ---- start-up -------------------------------------------------------------------------

  async init(): Promise<void> {
    try {
      const ws = await ipc.workspaceInfo();
      this.workspace = ws;
      this.profile = ws.profile;
      this.applyLocale(isLocale(ws.locale) ? ws.locale : "en");
      this.applyTheme(ws.theme === "dark" ? "dark" : "light");
      if (ws.profile) await this.start();
      this.ready = true;
    } catch (e) {
      this.fatal = errorText(toDomainError(e), this.locale);
      this.ready = true;
    }
    setInterval(() => (this.now = Date.now()), 30_000);
  }

  /** Loads the workspace once a profile exists. */
  async start(): Promise<void> {
    if (!this.unlisten) {
      this.unlisten = [onChanges((c) => this.onChanges(c))];
      this.unlisten.push(...(await Promise.all([
        onBackendEvent("sync-round", (round) => this.onSyncRound(round)),
        onBackendEvent("sync-status", (status) => {
          this.statusEventSeq++;
          this.setSyncStatus(status);
        }),
        onBackendEvent("presence", (entries) => (this.presence = entries)),
      ])));
      setInterval(() => this.presenceHeartbeat(), PRESENCE_HEARTBEAT_MS);
      document.addEventListener("visibilitychange", () => this.presenceHeartbeat());
    }
    await Promise.all([this.loadViews(), this.loadLookups(), this.reloadList(), this.loadSyncStatus()]);
  }

  /** Reads the sync status (unless an event brought a newer one meanwhile). */
  async loadSyncStatus(): Promise<void> {
    const seq = this.statusEventSeq;
    try {
      const status = await ipc.syncStatus();
      if (seq === this.statusEventSeq) this.setSyncStatus(status);
    } catch {
      // Not fatal: the app works on its own; the status bar just stays empty.
    }
  }

  async loadLookups(): Promise<void> {
    const [agents, groups, tags, organizations] = await Promise.all([
      ipc.agents(),
      ipc.groups(),
      ipc.tags(),
      ipc.organizations(),
    ]);
    this.agents = agents;
    this.groups = groups;
    this.tags = tags;
    this.organizations = organizations;
  }

  async loadViews(): Promise<void> {
    (await this.readViews())();
  }

  /** Reads the view counts; the returned function shows them (see `onChanges`). */
  private async readViews(): Promise<() => void> {
    try {
      const views = await ipc.views();
      return () => {
        this.views = reuseById(this.views, views);
        this.viewsLoadedAt = performance.now();
      };
    } catch (e) {
      return () => this.error(e);
    }
  }

  // ---- team sync -----------------------------------------------------------------------

  private setSyncStatus(status: SyncStatus): void {
    const live = (s: SyncStatus | null) => s?.state === "online" || s?.state === "syncing";
    const wasLive = live(this.syncStatus);
    this.syncStatus = status;
    if (!hasServer(status) || status.state === "signed_out") {
      if (this.presence.length) this.presence = [];
      this.presenceSent = null;
    } else if (live(status) && !wasLive) {
      // Reachable again (start-up, sign-in, back from offline): say where we are.
      this.sendPresence(true);
    }
  }

  /** One sync round: refresh what changed in one batch, and report what the server refused. */
  private onSyncRound(round: SyncRound): void {
    this.statusEventSeq++;
    this.setSyncStatus(round.status);
    for (const r of round.refusals) this.toast("error", refusalText(r, this.locale), r.text ?? undefined);
  }

  /** Refreshes what a batch of changes touched: counts and the list, the open ticket if it
   * (or anything it shows: agents, groups, customers, tags) changed, the lookups. */
  private async onChanges(c: Changed): Promise<void> {
    const reads: Promise<() => void>[] = [this.readViews(), this.readList(true)];
    if (this.ticketId && (c.other || c.ticket_ids.includes(this.ticketId))) reads.push(this.readDetail());
    const lookups = c.other ? this.loadLookups().catch(() => {}) : null;
    // Everything is read first and shown at once: one repaint of the window, not one per answer
    // (a repaint of the whole window costs more than all the reads together).
    for (const show of await Promise.all(reads)) show();
    await lookups;
  }

  /** After this agent's own change: refresh what it touched at once, everywhere it shows. */
  private async changedHere(c: Changed): Promise<void> {
    await Promise.all([
      announceNow(c),
      // A local change adds to the unsent count; the engine reports only after its round.
      hasServer(this.syncStatus) ? this.loadSyncStatus() : Promise.resolve(),
    ]);
  }

  /** Signs in to a team server; refusals are returned for the form. */
  async connectServer(serverUrl: string, email: string, password: string): Promise<IpcError | null> {
    let status: SyncStatus;
    // The engine may report its first round before this answer arrives: keep the newer one.
    const seq = this.statusEventSeq;
    try {
      status = await ipc.connectServer(serverUrl.trim(), email.trim(), password);
    } catch (e) {
      return toDomainError(e);
    }
    if (seq === this.statusEventSeq) this.setSyncStatus(status);
    await this.reloadWorkspace();
    this.info(t("server.connected_toast", { server: status.server_url ?? serverUrl.trim() }));
    return null;
  }

  async signOut(): Promise<IpcError | null> {
    let status: SyncStatus;
    // The engine may report its first round before this answer arrives: keep the newer one.
    const seq = this.statusEventSeq;
    try {
      status = await ipc.signOut();
    } catch (e) {
      return toDomainError(e);
    }
    if (seq === this.statusEventSeq) this.setSyncStatus(status);
    await this.reloadWorkspace();
    this.info(t("server.signed_out_toast"));
    return null;
  }

  syncNow(): void {
    ipc.syncNow().catch((e: unknown) => this.error(e));
  }

  /** After connecting or signing out: the profile, views, list, open ticket and lookups. */
  private async reloadWorkspace(): Promise<void> {
    try {
      const ws = await ipc.workspaceInfo();
      this.workspace = ws;
      this.profile = ws.profile;
    } catch (e) {
      this.error(e);
    }
    await Promise.all([this.loadViews(), this.reloadList(), this.reloadDetail(), this.loadLookups().catch(() => {})]);
  }

  /** The composer of `ticketId` holds text (or no longer does): presence says "replying". */
  setComposing(ticketId: string, holdsText: boolean): void {
    const next = holdsText ? ticketId : this.composing === ticketId ? null : this.composing;
    if (next === this.composing) return;
    this.composing = next;
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = null;
      this.sendPresence();
    }, PRESENCE_DEBOUNCE_MS);
  }

  /**
   * Tells the server which ticket is open and whether the agent is writing on it. Only
   * changes are sent unless `force` (heartbeats). Best effort: failures are ignored.
   */
  private sendPresence(force = false): void {
    if (!hasServer(this.syncStatus) || this.syncStatus.state === "signed_out") return;
    const ticket = this.ticketId;
    const activity = ticket && this.composing === ticket ? "replying" : "viewing";
    const key = `${ticket ?? ""}|${activity}`;
    if (!force && key === this.presenceSent) return;
    this.presenceSent = key;
    ipc.setPresence(ticket, activity).catch(() => {});
  }

  private presenceHeartbeat(): void {
    if (this.ticketId && document.visibilityState === "visible") this.sendPresence(true);
  }

  // ---- the ticket list -----------------------------------------------------------------

  selectView(id: string): void {
    if (this.viewId === id) return;
    if (id !== REPORT_VIEW) this.reportView = null;
    this.viewId = id;
    this.clearSelection();
    this.rows = [];
    this.next = null;
    this.listLoaded = false;
    void this.reloadList();
  }

  setSort(sort: SortKey): void {
    this.sort = sort;
    this.rows = [];
    this.listLoaded = false;
    void this.reloadList();
  }

  /**
   * Loads the list from the top. With `keep`, reloads as many rows as are loaded now (up to a
   * cap), so a refresh does not throw away the agent's scroll position.
   */
  async reloadList(keep = false): Promise<void> {
    (await this.readList(keep))();
  }

  /** Reads the list (see `reloadList`); the returned function shows it. */
  private async readList(keep: boolean): Promise<() => void> {
    const gen = ++this.listGen;
    const want = keep ? Math.min(Math.max(this.rows.length, PAGE_SIZE), MAX_RELOAD_ROWS) : PAGE_SIZE;
    // A background refresh (a live change, a sync round) keeps the rows on screen and shows no
    // "Loading…": only a list that is really being filled says so.
    if (!keep || !this.listLoaded) this.listLoading = true;
    const done = () => {
      if (gen === this.listGen) this.listLoading = false;
    };
    try {
      let rows: TicketSummary[] = [];
      let cursor: PageCursor | null = null;
      do {
        const page = await this.page(cursor, Math.min(PAGE_SIZE, want - rows.length));
        if (gen !== this.listGen) return () => {};
        rows = rows.concat(page.rows);
        cursor = page.next;
      } while (cursor && rows.length < want);
      return () => {
        if (gen !== this.listGen) return;
        // Deadlines in fresh rows are judged against the present, not the last clock tick.
        this.now = Date.now();
        this.rows = reuseById(this.rows, rows);
        this.next = cursor;
        this.listLoaded = true;
        if (this.selection.size) {
          const ids = new Set(rows.map((r) => r.id));
          this.selection = new Set([...this.selection].filter((id) => ids.has(id)));
        }
        done();
      };
    } catch (e) {
      return () => {
        if (gen === this.listGen) this.error(e);
        done();
      };
    }
  }

  /** A page of the current view, or of the tickets a report opened. */
  private page(cursor: PageCursor | null, limit: number): Promise<TicketPage> {
    const rv = this.reportView;
    if (this.viewId === REPORT_VIEW && rv) return ipc.filteredPage(rv.filters, this.sort, cursor, limit);
    return ipc.ticketPage(this.viewId, this.sort, cursor, limit);
  }

  /** Lists the tickets behind a report's figure, in the ticket workspace. */
  openReportTickets(name: string, filters: FilterClause[]): void {
    this.reportView = { name, filters };
    this.area = "tickets";
    this.viewId = "";
    this.selectView(REPORT_VIEW);
  }

  /** Fetches the next keyset page and appends it. */
  async loadMore(): Promise<void> {
    if (!this.next || this.listLoading) return;
    const gen = this.listGen;
    this.listLoading = true;
    try {
      const page = await this.page(this.next, PAGE_SIZE);
      if (gen !== this.listGen) return;
      const seen = new Set(this.rows.map((r) => r.id));
      this.rows = this.rows.concat(page.rows.filter((r) => !seen.has(r.id)));
      this.next = page.next;
    } catch (e) {
      if (gen === this.listGen) this.error(e);
    } finally {
      if (gen === this.listGen) this.listLoading = false;
    }
  }

  toggleSelect(index: number, shift: boolean): void {
    const row = this.rows[index];
    if (!row) return;
    const sel = new Set(this.selection);
    if (shift && this.anchorIndex !== null) {
      const lo = Math.min(this.anchorIndex, index);
      const hi = Math.max(this.anchorIndex, index);
      for (let k = lo; k <= hi; k++) {
        const r = this.rows[k];
        if (r) sel.add(r.id);
      }
    } else if (sel.has(row.id)) {
      sel.delete(row.id);
    } else {
      sel.add(row.id);
    }
    this.anchorIndex = index;
    this.selection = sel;
  }

  clearSelection(): void {
    this.selection = new Set();
    this.anchorIndex = null;
  }

  async bulk(make: (ticketId: string) => Mutation): Promise<boolean> {
    const ids = [...this.selection];
    if (ids.length === 0) return false;
    try {
      const changed = await ipc.mutateMany(ids.map(make));
      this.info(t("bulk.done", { count: ids.length }));
      this.clearSelection();
      await this.changedHere(changed);
      return true;
    } catch (e) {
      this.error(e);
      return false;
    }
  }

  // ---- the open ticket -----------------------------------------------------------------

  async openTicket(id: string | null): Promise<void> {
    if (id === this.ticketId && this.detail?.ticket.id === id) return;
    this.ticketId = id;
    this.detailError = null;
    this.sendPresence();
    if (!id) {
      this.detail = null;
      return;
    }
    if (this.detail && this.detail.ticket.id !== id) this.detail = null;
    await this.reloadDetail();
  }

  async reloadDetail(): Promise<void> {
    (await this.readDetail())();
  }

  /** Reads the open ticket again; the returned function shows it. */
  private async readDetail(): Promise<() => void> {
    const id = this.ticketId;
    if (!id) return () => {};
    const gen = ++this.detailGen;
    try {
      const d = await ipc.ticketDetail(id, this.shownImages.get(id) ?? []);
      return () => {
        if (gen !== this.detailGen) return;
        this.now = Date.now();
        this.detail = reuseDetail(this.detail, d);
        this.detailError = null;
      };
    } catch (e) {
      return () => {
        if (gen !== this.detailGen) return;
        const err = toDomainError(e);
        this.detail = null;
        this.detailError = errorText(err, this.locale);
      };
    }
  }

  async showImages(messageId: string): Promise<void> {
    const id = this.ticketId;
    if (!id) return;
    const list = this.shownImages.get(id) ?? [];
    if (!list.includes(messageId)) this.shownImages.set(id, [...list, messageId]);
    await this.reloadDetail();
  }

  /** Opens the next (+1) or previous (-1) ticket of the list. */
  step(delta: 1 | -1): void {
    if (this.rows.length === 0) return;
    const i = this.ticketId ? this.rows.findIndex((r) => r.id === this.ticketId) : -1;
    const j = i < 0 ? (delta > 0 ? 0 : this.rows.length - 1) : Math.min(this.rows.length - 1, Math.max(0, i + delta));
    const row = this.rows[j];
    if (row) void this.openTicket(row.id);
    if (delta > 0 && j >= this.rows.length - 20) void this.loadMore();
  }

  // ---- changes -------------------------------------------------------------------------

  /** Applies one mutation and refreshes the screen; refusals become a toast. */
  async mutate(m: Mutation, okText?: string): Promise<boolean> {
    try {
      const changed = await ipc.mutate(m);
      if (okText) this.info(okText);
      await this.changedHere(changed);
      return true;
    } catch (e) {
      this.error(e);
      return false;
    }
  }

  /** Applies one mutation and refreshes; refusals are returned for an inline message. */
  async mutateInline(m: Mutation): Promise<IpcError | null> {
    let changed: Changed;
    try {
      changed = await ipc.mutate(m);
    } catch (e) {
      return toDomainError(e);
    }
    await this.changedHere(changed);
    return null;
  }

  /** Applies several mutations in one transaction and refreshes; refusals are returned. */
  async mutateManyInline(ms: Mutation[]): Promise<IpcError | null> {
    let changed: Changed;
    try {
      changed = await ipc.mutateMany(ms);
    } catch (e) {
      return toDomainError(e);
    }
    await this.changedHere(changed);
    return null;
  }

  setFields(ticketId: string, changes: TicketFieldChanges, okText?: string): Promise<boolean> {
    return this.mutate({ name: "set_ticket_fields", args: { ticket_id: ticketId, changes } }, okText);
  }

  assignToMe(): void {
    if (this.ticketId && this.profile) {
      void this.setFields(this.ticketId, { assignee_id: this.profile.id }, t("toast.assigned_to_you"));
    }
  }

  solve(): void {
    if (this.ticketId) void this.setFields(this.ticketId, { status: "solved" }, t("toast.solved"));
  }

  // ---- preferences ---------------------------------------------------------------------

  applyLocale(l: Locale): void {
    this.locale = l;
    document.documentElement.lang = l;
    document.documentElement.dir = dirOf(l);
  }

  applyTheme(th: Theme): void {
    this.theme = th;
    document.documentElement.dataset.theme = th;
  }

  async setLocale(l: Locale): Promise<void> {
    this.applyLocale(l);
    try {
      await ipc.setPreference("locale", l);
    } catch (e) {
      this.error(e);
    }
  }

  async setTheme(th: Theme): Promise<void> {
    this.applyTheme(th);
    try {
      await ipc.setPreference("theme", th);
    } catch (e) {
      this.error(e);
    }
  }

  // ---- overlays and toasts -------------------------------------------------------------

  open(o: Overlay): void {
    this.overlay = o;
  }

  /** Backs the helpdesk up now and says so (a failure is thrown to the caller to show). */
  async backUpNow(): Promise<BackupInfo> {
    const made = await ipc.backUpNow();
    this.info(t("backup.made", { count: made.tickets, size: formatBytes(made.bytes, this.locale) }));
    return made;
  }

  /** Exports all data into a new folder in Downloads and names it (failures are thrown). */
  async exportAll(): Promise<void> {
    const made = await ipc.exportData();
    this.info(t("backup.exported", { path: made.path ?? "" }));
  }

  /** Opens the settings, scrolled to a section. */
  openSettings(section: SettingsSection | null = null): void {
    this.settingsSection = section;
    this.overlay = "settings";
  }

  close(): void {
    this.overlay = null;
    this.editingView = null;
    this.viewDraft = null;
    this.settingsSection = null;
  }

  /** Asks the thread to scroll a message into view. */
  revealMessage(messageId: string | null): void {
    this.revealRequest = { messageId, seq: this.revealRequest.seq + 1 };
  }

  editView(v: ViewInfo | null): void {
    this.editingView = v;
    this.viewDraft = null;
    this.overlay = "view_editor";
  }

  /** Opens the view editor for a new view holding the tickets a report opened. */
  saveReportView(): void {
    if (!this.reportView) return;
    this.editingView = null;
    this.viewDraft = this.reportView;
    this.overlay = "view_editor";
  }

  focusComposer(mode: ComposerMode): void {
    this.composerRequest = { mode, seq: this.composerRequest.seq + 1 };
  }

  toast(kind: Toast["kind"], text: string, kept?: string): void {
    const id = ++this.toastSeq;
    this.toasts = pushToast(this.toasts, { id, kind, text, kept });
    if (!kept) setTimeout(() => this.dismiss(id), kind === "error" ? 8000 : 3000);
  }

  dismiss(id: number): void {
    const i = this.toasts.findIndex((x) => x.id === id);
    if (i >= 0) this.toasts.splice(i, 1);
  }

  info(text: string): void {
    this.toast("info", text);
  }

  error(e: unknown): void {
    this.toast("error", errorText(toDomainError(e), this.locale));
  }
}

export const app = new AppState();

/** The ticket read again, sharing every part that did not change with what is on screen, so a
 * reply re-renders one message, not the thread. */
function reuseDetail(prev: TicketDetail | null, next: TicketDetail): TicketDetail {
  if (!prev || prev.ticket.id !== next.ticket.id) return next;
  return {
    ticket: reuse(prev.ticket, next.ticket),
    messages: reuseById(prev.messages, next.messages),
    events: reuseById(prev.events, next.events),
    requester: reuse(prev.requester, next.requester),
    requester_tickets: reuseById(prev.requester_tickets, next.requester_tickets),
    sla: reuse(prev.sla, next.sla),
    ratings: reuseById(prev.ratings, next.ratings),
    requester_ratings: reuseById(prev.requester_ratings, next.requester_ratings),
  };
}

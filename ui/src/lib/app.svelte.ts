// The app's shared state and the actions that change it. Components read from `app` and call
// its methods; every backend call goes through ipc.ts.
import type { Agent } from "../bindings/Agent";
import type { Attachment } from "../bindings/Attachment";
import type { Group } from "../bindings/Group";
import type { Mutation } from "../bindings/Mutation";
import type { Organization } from "../bindings/Organization";
import type { PageCursor } from "../bindings/PageCursor";
import type { SortKey } from "../bindings/SortKey";
import type { TagUsage } from "../bindings/TagUsage";
import type { TicketDetail } from "../bindings/TicketDetail";
import type { TicketFieldChanges } from "../bindings/TicketFieldChanges";
import type { TicketSummary } from "../bindings/TicketSummary";
import type { ViewInfo } from "../bindings/ViewInfo";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { bindLocale, dirOf, errorText, isLocale, t, type Locale, type MessageKey } from "./i18n";
import { ipc, onBackendEvent, toDomainError, type IpcError } from "./ipc";

export type Theme = "light" | "dark";
export type Overlay = "palette" | "help" | "settings" | "new_ticket" | "view_editor" | "merge" | "confirm_delete";
export type ComposerMode = "reply" | "note";

export interface Toast {
  id: number;
  kind: "error" | "info";
  text: string;
}

export interface Draft {
  mode: ComposerMode;
  body: string;
  attachments: Attachment[];
}

export const PAGE_SIZE = 200;
/** After a change, reload at most this many rows of the list at once. */
const MAX_RELOAD_ROWS = 2000;

class AppState {
  ready = $state(false);
  fatal = $state<string | null>(null);
  workspace = $state.raw<WorkspaceInfo | null>(null);
  profile = $state.raw<Agent | null>(null);
  locale = $state<Locale>("en");
  theme = $state<Theme>("light");

  views = $state.raw<ViewInfo[]>([]);
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

  overlay = $state<Overlay | null>(null);
  editingView = $state.raw<ViewInfo | null>(null);
  toasts = $state<Toast[]>([]);

  /** Bumped to ask the composer to focus itself in a mode (shortcuts r / n). */
  composerRequest = $state<{ mode: ComposerMode; seq: number }>({ mode: "reply", seq: 0 });
  searchFocusSeq = $state(0);
  now = $state(Date.now());

  /** Composer drafts per ticket, kept in memory while the agent switches tickets. */
  drafts = new Map<string, Draft>();

  private listGen = 0;
  private detailGen = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private toastSeq = 0;
  private unlisten: (() => void) | null = null;

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
    await Promise.all([this.loadViews(), this.loadLookups(), this.reloadList()]);
    if (!this.unlisten) {
      this.unlisten = await onBackendEvent("store-changed", () => this.scheduleRefresh());
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
    try {
      this.views = await ipc.views();
    } catch (e) {
      this.error(e);
    }
  }

  // ---- refresh after changes -----------------------------------------------------------

  /** Re-reads everything on screen: view counts, the list, the open ticket, lookups. */
  async refresh(): Promise<void> {
    await Promise.all([this.loadViews(), this.reloadList(true), this.reloadDetail(), this.loadLookups().catch(() => {})]);
  }

  /** A debounced refresh, for bursts of "store-changed" events (e.g. a sync pull). */
  scheduleRefresh(delay = 150): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, delay);
  }

  // ---- the ticket list -----------------------------------------------------------------

  selectView(id: string): void {
    if (this.viewId === id) return;
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
    const gen = ++this.listGen;
    const want = keep ? Math.min(Math.max(this.rows.length, PAGE_SIZE), MAX_RELOAD_ROWS) : PAGE_SIZE;
    this.listLoading = true;
    try {
      let rows: TicketSummary[] = [];
      let cursor: PageCursor | null = null;
      do {
        const page = await ipc.ticketPage(this.viewId, this.sort, cursor, Math.min(PAGE_SIZE, want - rows.length));
        if (gen !== this.listGen) return;
        rows = rows.concat(page.rows);
        cursor = page.next;
      } while (cursor && rows.length < want);
      this.rows = rows;
      this.next = cursor;
      this.listLoaded = true;
      if (this.selection.size) {
        const ids = new Set(rows.map((r) => r.id));
        this.selection = new Set([...this.selection].filter((id) => ids.has(id)));
      }
    } catch (e) {
      if (gen === this.listGen) this.error(e);
    } finally {
      if (gen === this.listGen) this.listLoading = false;
    }
  }

  /** Fetches the next keyset page and appends it. */
  async loadMore(): Promise<void> {
    if (!this.next || this.listLoading) return;
    const gen = this.listGen;
    this.listLoading = true;
    try {
      const page = await ipc.ticketPage(this.viewId, this.sort, this.next, PAGE_SIZE);
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
      await ipc.mutateMany(ids.map(make));
      this.info(t("bulk.done", { count: ids.length }));
      this.clearSelection();
      await this.refresh();
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
    if (!id) {
      this.detail = null;
      return;
    }
    if (this.detail && this.detail.ticket.id !== id) this.detail = null;
    await this.reloadDetail();
  }

  async reloadDetail(): Promise<void> {
    const id = this.ticketId;
    if (!id) return;
    const gen = ++this.detailGen;
    try {
      const d = await ipc.ticketDetail(id, this.shownImages.get(id) ?? []);
      if (gen !== this.detailGen) return;
      this.detail = d;
      this.detailError = null;
    } catch (e) {
      if (gen !== this.detailGen) return;
      const err = toDomainError(e);
      this.detail = null;
      this.detailError = errorText(err, this.locale);
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
      await ipc.mutate(m);
      if (okText) this.info(okText);
      await this.refresh();
      return true;
    } catch (e) {
      this.error(e);
      return false;
    }
  }

  /** Applies one mutation and refreshes; refusals are returned for an inline message. */
  async mutateInline(m: Mutation): Promise<IpcError | null> {
    try {
      await ipc.mutate(m);
    } catch (e) {
      return toDomainError(e);
    }
    await this.refresh();
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

  close(): void {
    this.overlay = null;
    this.editingView = null;
  }

  editView(v: ViewInfo | null): void {
    this.editingView = v;
    this.overlay = "view_editor";
  }

  focusComposer(mode: ComposerMode): void {
    this.composerRequest = { mode, seq: this.composerRequest.seq + 1 };
  }

  toast(kind: Toast["kind"], text: string): void {
    const id = ++this.toastSeq;
    this.toasts.push({ id, kind, text });
    setTimeout(() => this.dismiss(id), kind === "error" ? 8000 : 3000);
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

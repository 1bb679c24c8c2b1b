// Team sync, the pure part: what the status bar shows for a SyncStatus, whose presence to show
// on a ticket, whether a reply is about to go out over messages the agent has not seen, and
// how to word the server's refusals and sign-in errors.
import type { DomainError } from "../bindings/DomainError";
import type { Mutation } from "../bindings/Mutation";
import type { PresenceEntry } from "../bindings/PresenceEntry";
import type { SyncRefusal } from "../bindings/SyncRefusal";
import type { SyncState } from "../bindings/SyncState";
import type { SyncStatus } from "../bindings/SyncStatus";
import { errorText, translate, type Locale, type MessageKey } from "./i18n";

export type SyncTone = "quiet" | "ok" | "busy" | "warn" | "danger";

export interface SyncDisplay {
  label: MessageKey;
  tone: SyncTone;
  /** A "Sync now" button makes sense (signed in, not blocked by an update). */
  canSyncNow: boolean;
  /** Clicking the state opens the settings at the team-server section. */
  opensSettings: boolean;
  /** Unsent changes and the last sync time mean something (there is a server). */
  showsProgress: boolean;
}

const DISPLAY: Record<SyncState, SyncDisplay> = {
  standalone: { label: "sync.standalone", tone: "quiet", canSyncNow: false, opensSettings: true, showsProgress: false },
  online: { label: "sync.online", tone: "ok", canSyncNow: true, opensSettings: false, showsProgress: true },
  syncing: { label: "sync.syncing", tone: "busy", canSyncNow: true, opensSettings: false, showsProgress: true },
  offline: { label: "sync.offline", tone: "warn", canSyncNow: true, opensSettings: false, showsProgress: true },
  signed_out: { label: "sync.signed_out", tone: "danger", canSyncNow: false, opensSettings: true, showsProgress: true },
  update_required: { label: "sync.update_required", tone: "danger", canSyncNow: false, opensSettings: false, showsProgress: true },
};

/** How the status bar shows a sync status. */
export function syncDisplay(status: SyncStatus): SyncDisplay {
  return DISPLAY[status.state] ?? DISPLAY.offline;
}

/** A server is configured (the desktop is not standalone). Presence is only sent then. */
export function hasServer(status: SyncStatus | null | undefined): status is SyncStatus {
  return !!status && status.state !== "standalone";
}

/** Signed in to a server: the settings show the connection instead of the sign-in form. */
export function isSignedIn(status: SyncStatus | null | undefined): boolean {
  return !!status && status.state !== "standalone" && status.state !== "signed_out";
}

/**
 * The colleagues on one ticket, one entry per agent (an agent on two computers counts once,
 * replying wins over viewing), ordered by name.
 */
export function presenceOn(entries: readonly PresenceEntry[], ticketId: string | null, locale = "en"): PresenceEntry[] {
  if (!ticketId) return [];
  const byAgent = new Map<string, PresenceEntry>();
  for (const e of entries) {
    if (e.ticket_id !== ticketId) continue;
    const seen = byAgent.get(e.agent_id);
    if (!seen || (seen.activity === "viewing" && e.activity === "replying")) byAgent.set(e.agent_id, e);
  }
  return [...byAgent.values()].sort((a, b) => a.agent_name.localeCompare(b.agent_name, locale) || a.agent_id.localeCompare(b.agent_id));
}

/** What the composer remembers of the thread when the agent starts writing. */
export interface ThreadMark {
  /** The ticket's version then. */
  version: number;
  /** How many conversation messages (not system lines) the thread had then. */
  messages: number;
}

interface ThreadLike {
  ticket: { version: number };
  messages: readonly { id: string; kind: string }[];
}

function conversation(detail: ThreadLike): { id: string; kind: string }[] {
  return detail.messages.filter((m) => m.kind !== "system");
}

export function markOf(detail: ThreadLike): ThreadMark {
  return { version: detail.ticket.version, messages: conversation(detail).length };
}

/**
 * The ids of the messages that arrived since the mark, oldest first; empty when nothing was
 * marked, the ticket did not change, or only its fields changed. The message count decides
 * (not the version alone): a pulled message need not move the version the way a local one does.
 */
export function newMessagesSince(mark: ThreadMark | null | undefined, detail: ThreadLike): string[] {
  if (!mark) return [];
  const msgs = conversation(detail);
  const added = msgs.length - mark.messages;
  return added > 0 ? msgs.slice(msgs.length - added).map((m) => m.id) : [];
}

/** A name for each kind of change, for "your change (…) was refused". */
export const CHANGE_LABELS: Record<Mutation["name"], MessageKey> = {
  create_ticket: "change.create_ticket",
  add_message: "change.add_message",
  receive_mail: "change.receive_mail",
  set_delivery: "change.set_delivery",
  retry_delivery: "change.retry_delivery",
  set_ticket_fields: "change.set_ticket_fields",
  add_tag: "change.add_tag",
  remove_tag: "change.remove_tag",
  merge_tickets: "change.merge_tickets",
  delete_ticket: "change.delete_ticket",
  save_customer: "change.save_customer",
  save_organization: "change.save_organization",
  save_agent: "change.save_agent",
  save_group: "change.save_group",
  set_agent_groups: "change.set_agent_groups",
  create_tag: "change.create_tag",
  delete_tag: "change.delete_tag",
  save_view: "change.save_view",
  delete_view: "change.delete_view",
  rate_ticket: "change.rate_ticket",
};

/** "Your change (ticket update) was refused by the server: <reason>". */
export function refusalText(r: SyncRefusal, locale: Locale): string {
  const key = (CHANGE_LABELS as Record<string, MessageKey | undefined>)[r.mutation];
  const change = key ? translate(locale, key) : r.mutation;
  return translate(locale, "sync.refused", { change, reason: errorText(r.error, locale) });
}

/**
 * A sign-in error for the team-server form. "conflict" means something specific there (this
 * desktop already belongs to another helpdesk), so it gets its own sentence.
 */
export function connectErrorText(err: DomainError, locale: Locale): string {
  if (err.code === "conflict" && locale !== "en") return translate(locale, "server.error_conflict");
  return errorText(err, locale);
}

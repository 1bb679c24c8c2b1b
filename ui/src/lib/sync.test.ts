import { describe, expect, it } from "vitest";
import type { PresenceEntry } from "../bindings/PresenceEntry";
import type { SyncState } from "../bindings/SyncState";
import type { SyncStatus } from "../bindings/SyncStatus";
import { translate } from "./i18n";
import { CHANGE_LABELS, connectErrorText, hasServer, isSignedIn, markOf, newMessagesSince, presenceOn, refusalText, syncDisplay } from "./sync";

const status = (state: SyncState, extra: Partial<SyncStatus> = {}): SyncStatus => ({
  state,
  server_url: state === "standalone" ? null : "https://help.example.com",
  unsent: 0,
  last_sync_at: null,
  message: null,
  ...extra,
});

describe("status bar", () => {
  it("is quiet when standalone and offers to connect", () => {
    const d = syncDisplay(status("standalone"));
    expect(d).toMatchObject({ label: "sync.standalone", tone: "quiet", canSyncNow: false, opensSettings: true, showsProgress: false });
  });

  it("labels every state, with a tone", () => {
    expect(syncDisplay(status("online"))).toMatchObject({ label: "sync.online", tone: "ok", canSyncNow: true });
    expect(syncDisplay(status("syncing"))).toMatchObject({ label: "sync.syncing", tone: "busy", canSyncNow: true });
    expect(syncDisplay(status("offline"))).toMatchObject({ label: "sync.offline", tone: "warn", canSyncNow: true });
    expect(syncDisplay(status("update_required"))).toMatchObject({ label: "sync.update_required", tone: "danger", canSyncNow: false, opensSettings: false });
  });

  it("sends a signed-out agent to the sign-in form, without a sync button", () => {
    expect(syncDisplay(status("signed_out"))).toMatchObject({ label: "sync.signed_out", tone: "danger", canSyncNow: false, opensSettings: true });
  });

  it("tells a server connection from a signed-in one", () => {
    expect(hasServer(null)).toBe(false);
    expect(hasServer(status("standalone"))).toBe(false);
    expect(hasServer(status("signed_out"))).toBe(true);
    expect(isSignedIn(status("signed_out"))).toBe(false);
    expect(isSignedIn(status("offline"))).toBe(true);
    expect(isSignedIn(status("update_required"))).toBe(true);
  });
});

describe("presence", () => {
  const e = (agent: string, ticket: string, activity: PresenceEntry["activity"], client = `${agent}-pc`): PresenceEntry => ({
    agent_id: agent.toLowerCase(),
    agent_name: agent,
    client_id: client,
    ticket_id: ticket,
    activity,
  });

  it("keeps only the open ticket's colleagues, ordered by name", () => {
    const all = [e("Zeynep", "t1", "viewing"), e("Ali", "t1", "replying"), e("Marta", "t2", "viewing")];
    expect(presenceOn(all, "t1").map((p) => p.agent_name)).toEqual(["Ali", "Zeynep"]);
    expect(presenceOn(all, "t3")).toEqual([]);
    expect(presenceOn(all, null)).toEqual([]);
  });

  it("shows an agent on two computers once, replying over viewing", () => {
    const all = [e("Ali", "t1", "viewing", "laptop"), e("Ali", "t1", "replying", "desktop"), e("Ali", "t1", "viewing", "tablet")];
    const on = presenceOn(all, "t1");
    expect(on).toHaveLength(1);
    expect(on[0]?.activity).toBe("replying");
  });
});

describe("collision warning", () => {
  const detail = (version: number, messages: number, system = 0) => ({
    ticket: { version },
    messages: [
      ...Array.from({ length: messages }, (_, i) => ({ id: `m${i + 1}`, kind: i % 2 ? "note" : "reply" })),
      ...Array.from({ length: system }, (_, i) => ({ id: `s${i + 1}`, kind: "system" })),
    ],
  });

  it("stays quiet when nothing was marked or the ticket did not change", () => {
    expect(newMessagesSince(null, detail(5, 3))).toEqual([]);
    expect(newMessagesSince(markOf(detail(5, 3)), detail(5, 3))).toEqual([]);
  });

  it("ignores changes that brought no message (status, tags, a merge line)", () => {
    expect(newMessagesSince(markOf(detail(5, 3)), detail(7, 3))).toEqual([]);
    expect(newMessagesSince(markOf(detail(5, 3)), detail(8, 3, 1))).toEqual([]);
  });

  it("lists the messages that arrived while writing, oldest first", () => {
    const mark = markOf(detail(5, 3));
    expect(mark).toEqual({ version: 5, messages: 3 });
    expect(newMessagesSince(mark, detail(6, 4))).toEqual(["m4"]);
    expect(newMessagesSince(mark, detail(9, 6, 2))).toEqual(["m4", "m5", "m6"]);
  });
});

describe("refusals and sign-in errors", () => {
  it("name the refused change and the reason, in every language", () => {
    const r = { mutation: "set_ticket_fields", error: { code: "forbidden" as const, field: null, message: "Your role does not allow this change." }, ticket_id: "t1", text: null };
    expect(refusalText(r, "en")).toBe("Your change (ticket update) was refused by the server: Your role does not allow this change.");
    const tr = refusalText(r, "tr");
    expect(tr).toContain(translate("tr", "change.set_ticket_fields"));
    expect(tr).toContain(translate("tr", "error.forbidden"));
  });

  it("fall back to the mutation's name for a change they do not know", () => {
    const r = { mutation: "frobnicate", error: { code: "forbidden" as const, field: null, message: "No." }, ticket_id: null, text: null };
    expect(refusalText(r, "en")).toContain("(frobnicate)");
  });

  it("label every kind of change", () => {
    for (const key of Object.values(CHANGE_LABELS)) expect(translate("pl", key)).not.toBe(key);
  });

  it("explain a conflict on connect as belonging to another helpdesk", () => {
    const err = { code: "conflict" as const, field: null, message: "This desktop belongs to another helpdesk." };
    expect(connectErrorText(err, "en")).toBe(err.message);
    expect(connectErrorText(err, "fa")).toBe(translate("fa", "server.error_conflict"));
    const limited = { code: "rate_limited" as const, field: null, message: "Try again in 30 seconds." };
    expect(connectErrorText(limited, "pl")).toContain("30 seconds");
  });
});

// The one subscription to what changed in the store, for every part of the UI: a sync round
// names the tickets it touched and whether anything else changed; the every-minute pass
// ("store-changed") may have touched anything. Each part registers a reaction that ends with it.
import type { SyncRound } from "../bindings/SyncRound";
import { onBackendEvent } from "./ipc";

/** What a batch of changes touched. `everything`: the backend could not say. */
export type Changes = { ticketIds: string[]; other: boolean; everything: boolean };

type Reaction = { run: (c: Changes) => void; delay: number; pending: Changes | null; timer: ReturnType<typeof setTimeout> | null };

const reactions = new Set<Reaction>();
let subscribed = false;

function merge(a: Changes | null, b: Changes): Changes {
  if (!a) return b;
  return { ticketIds: [...new Set([...a.ticketIds, ...b.ticketIds])], other: a.other || b.other, everything: a.everything || b.everything };
}

/** Hands `c` to every reaction, each debounced by its own delay (a pull arrives in bursts). */
export function announce(c: Changes): void {
  if (!c.everything && !c.other && c.ticketIds.length === 0) return;
  for (const r of reactions) {
    r.pending = merge(r.pending, c);
    if (r.timer) clearTimeout(r.timer);
    r.timer = setTimeout(() => {
      const batch = r.pending;
      r.pending = null;
      r.timer = null;
      if (batch && reactions.has(r)) r.run(batch);
    }, r.delay);
  }
}

export function fromSyncRound(round: SyncRound): Changes {
  return { ticketIds: round.ticket_ids, other: round.other_changes, everything: false };
}

/**
 * Runs `run` after each burst of changes (merged over `delay` ms) until the returned function
 * is called — synchronously, so a component that closes first never leaks its listener.
 */
export function onChanges(run: (c: Changes) => void, delay = 150): () => void {
  if (!subscribed) {
    subscribed = true;
    void onBackendEvent("sync-round", (round) => announce(fromSyncRound(round)));
    void onBackendEvent("store-changed", () => announce({ ticketIds: [], other: true, everything: true }));
  }
  const r: Reaction = { run, delay, pending: null, timer: null };
  reactions.add(r);
  return () => {
    reactions.delete(r);
    if (r.timer) clearTimeout(r.timer);
  };
}

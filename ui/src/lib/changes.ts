// The one subscription to what changed in the store, for every part of the UI. Every write
// says what it touched (`Changed`: tickets, and whether anything else changed): the backend
// emits it as "store-changes" after pulled pages and the every-minute pass, and a command the
// UI called itself returns it (`announceNow`). Each part registers a reaction that ends with it.
import type { Changed } from "../bindings/Changed";
import { onBackendEvent } from "./ipc";

type Reaction = {
  run: (c: Changed) => unknown;
  delay: number;
  pending: Changed | null;
  timer: ReturnType<typeof setTimeout> | null;
};

const reactions = new Set<Reaction>();
let subscribed = false;

function merge(a: Changed | null, b: Changed): Changed {
  if (!a) return b;
  return { ticket_ids: [...new Set([...a.ticket_ids, ...b.ticket_ids])], other: a.other || b.other };
}

const isEmpty = (c: Changed) => !c.other && c.ticket_ids.length === 0;

/** Hands `c` to every reaction, each debounced by its own delay (a pull arrives in bursts). */
export function announce(c: Changed): void {
  if (isEmpty(c)) return;
  for (const r of reactions) {
    r.pending = merge(r.pending, c);
    if (r.timer) clearTimeout(r.timer);
    r.timer = setTimeout(() => {
      const batch = r.pending;
      r.pending = null;
      r.timer = null;
      if (batch && reactions.has(r)) void r.run(batch);
    }, r.delay);
  }
}

/**
 * Runs every reaction at once with `c` (and whatever was waiting for it): the agent's own
 * change shows without the burst delay. Resolves when every reaction has finished.
 */
export async function announceNow(c: Changed): Promise<void> {
  const runs: unknown[] = [];
  for (const r of reactions) {
    const batch = merge(r.pending, c);
    r.pending = null;
    if (r.timer) clearTimeout(r.timer);
    r.timer = null;
    if (!isEmpty(batch)) runs.push(r.run(batch));
  }
  await Promise.all(runs);
}

/** Whether a change to `ticketId` (or to everything) still waits out its burst delay. */
export function changePending(ticketId: string): boolean {
  for (const r of reactions) {
    if (r.pending && (r.pending.other || r.pending.ticket_ids.includes(ticketId))) return true;
  }
  return false;
}

/** Runs now whatever waits out its burst delay. */
export async function flushPending(): Promise<void> {
  await announceNow({ ticket_ids: [], other: false });
}

/**
 * Runs `run` after each burst of changes (merged over `delay` ms) until the returned function
 * is called — synchronously, so a component that closes first never leaks its listener.
 */
export function onChanges(run: (c: Changed) => unknown, delay = 150): () => void {
  if (!subscribed) {
    subscribed = true;
    void onBackendEvent("store-changes", announce);
  }
  const r: Reaction = { run, delay, pending: null, timer: null };
  reactions.add(r);
  return () => {
    reactions.delete(r);
    if (r.timer) clearTimeout(r.timer);
  };
}

// Structural sharing for data read again after a change: a refresh hands the UI fresh objects
// for everything, though one message or one row changed. Keeping the previous object where the
// new one is equal lets Svelte skip those items entirely (a keyed each block compares them by
// reference), so a reply re-renders one message and one row, not the whole thread and list.

/** Whether two values read from the backend are equal (plain JSON data: no cycles, no dates). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** `next`, with each item equal to the previous item of the same id replaced by that item; the
 * previous list itself when nothing changed at all. */
export function reuseById<T extends { id: string }>(prev: readonly T[], next: T[]): T[] {
  if (prev.length === 0) return next;
  const old = new Map(prev.map((p) => [p.id, p]));
  let changed = prev.length !== next.length;
  const out = next.map((n, i) => {
    const p = old.get(n.id);
    if (p !== undefined && sameData(p, n)) {
      if (prev[i] !== p) changed = true;
      return p;
    }
    changed = true;
    return n;
  });
  return changed ? out : (prev as T[]);
}

/** `next`, or `prev` when they are equal. */
export function reuse<T>(prev: T, next: T): T {
  return sameData(prev, next) ? prev : next;
}

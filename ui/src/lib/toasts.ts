// How many toasts the corner holds. A burst (twenty refusals in one sync round, a flapping
// connection) must not cover the screen: the same words are said once, and past the limit the
// oldest passing message goes first. Toasts that hand back an agent's words stay until
// dismissed, so those are dropped last.

export const MAX_TOASTS = 4;

export interface ToastLike {
  id: number;
  kind: string;
  text: string;
  kept?: string;
}

/** The list with `t` added (or nothing added when the same toast is already showing), at most
 * `max` long. */
export function pushToast<T extends ToastLike>(list: readonly T[], t: T, max = MAX_TOASTS): T[] {
  if (list.some((x) => x.kind === t.kind && x.text === t.text && x.kept === t.kept)) return [...list];
  const out = [...list, t];
  while (out.length > max) {
    const passing = out.findIndex((x) => !x.kept);
    out.splice(passing >= 0 ? passing : 0, 1);
  }
  return out;
}

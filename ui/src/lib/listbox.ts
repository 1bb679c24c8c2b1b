// The ticket list's keyboard, as the WAI-ARIA multi-select listbox pattern has it: focus stays
// on the list and an active row moves with the arrows (aria-activedescendant); Enter opens the
// active ticket, Space checks it for a bulk change, Shift+arrows check a range, Ctrl/Cmd+A all.
// A pure mapping from a key to what happens, so it is tested without a window.

export interface ListKey {
  key: string;
  code?: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export type ListCommand =
  /** Make row `to` active; with `extend`, also check the rows from the anchor to it. */
  | { kind: "move"; to: number; extend: boolean }
  | { kind: "open" }
  | { kind: "toggle" }
  | { kind: "select_all" }
  | { kind: "clear" };

/**
 * What `e` does on a list of `count` rows whose active row is `active` (-1: none yet), with
 * `page` rows in view. Null: the key is not the list's (a shortcut, Tab…), let it through.
 */
export function listCommand(e: ListKey, active: number, count: number, page: number): ListCommand | null {
  if (count === 0 || e.altKey) return null;
  const mod = e.ctrlKey || e.metaKey;
  const last = count - 1;
  const from = active < 0 ? -1 : Math.min(active, last);
  const move = (to: number): ListCommand => ({ kind: "move", to: Math.max(0, Math.min(last, to)), extend: e.shiftKey });
  if (mod) return e.key.toLowerCase() === "a" || e.code === "KeyA" ? { kind: "select_all" } : null;
  switch (e.key) {
    case "ArrowDown":
      return move(from < 0 ? 0 : from + 1);
    case "ArrowUp":
      return move(from < 0 ? 0 : from - 1);
    case "Home":
      return move(0);
    case "End":
      return move(last);
    case "PageDown":
      return move(from < 0 ? 0 : from + Math.max(1, page - 1));
    case "PageUp":
      return move(from < 0 ? 0 : from - Math.max(1, page - 1));
    case "Enter":
      return from < 0 ? null : { kind: "open" };
    case " ":
      return from < 0 ? null : { kind: "toggle" };
    case "Escape":
      return { kind: "clear" };
    default:
      return null;
  }
}

/** The DOM id of a ticket's row (the list's aria-activedescendant). */
export function rowDomId(ticketId: string): string {
  return `ticket-row-${ticketId}`;
}

// Focus for everything that opens on top of the workspace (dialogs, the command palette):
// focus moves in when it opens, Tab and Shift+Tab cycle inside it, and when it closes focus
// returns to where it was, or, if that element is gone, to the workspace's main list.

const TABBABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type=hidden])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "summary",
  "[contenteditable=true]",
  "[tabindex]:not([tabindex='-1'])",
].join(",");

/** The elements of `root` that Tab reaches, in order (hidden ones left out). */
export function tabbables(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter(
    (e) => e.tabIndex >= 0 && !e.closest("[inert]") && (e.offsetWidth > 0 || e.offsetHeight > 0 || e.getClientRects().length > 0),
  );
}

/**
 * The next element for Tab (`back` false) or Shift+Tab from `current`, wrapping at the ends;
 * null when there is nothing to move to. Pure over the list, for the tests.
 */
export function wrapTarget<T>(items: T[], current: T | null, back: boolean): T | null {
  if (items.length === 0) return null;
  const i = current === null ? -1 : items.indexOf(current);
  if (i < 0) return back ? items[items.length - 1] : items[0];
  if (back && i === 0) return items[items.length - 1];
  if (!back && i === items.length - 1) return items[0];
  return null;
}

/** Where focus goes when what held it has gone: the ticket list, else the main area. */
function fallback(): HTMLElement | null {
  return document.querySelector<HTMLElement>("[data-testid=ticket-list]") ?? document.querySelector<HTMLElement>("main");
}

export interface TrapOptions {
  /** The element to focus on open; by default the first field, else the first control. */
  initial?: () => HTMLElement | null | undefined;
}

/**
 * Svelte action for a modal surface: `<div role="dialog" use:trapFocus>`. Focuses the first
 * field on open, keeps Tab inside, restores focus on close.
 */
export function trapFocus(node: HTMLElement, options: TrapOptions = {}) {
  const previous = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
  const first =
    options.initial?.() ??
    node.querySelector<HTMLElement>("input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])") ??
    tabbables(node).find((e) => !e.classList.contains("close")) ??
    node;
  first.focus();

  function onKeydown(e: KeyboardEvent) {
    // A dialog opened inside this one (a confirmation) has handled it already.
    if (e.defaultPrevented || e.key !== "Tab" || e.altKey || e.ctrlKey || e.metaKey) return;
    const items = tabbables(node);
    const active = document.activeElement instanceof HTMLElement && node.contains(document.activeElement) ? document.activeElement : null;
    const target = wrapTarget(items, active, e.shiftKey);
    if (target) {
      e.preventDefault();
      target.focus();
    } else if (items.length === 0) {
      e.preventDefault();
    }
  }

  node.addEventListener("keydown", onKeydown);
  return {
    destroy() {
      node.removeEventListener("keydown", onKeydown);
      // After the surface is gone from the DOM (this runs before it is removed).
      queueMicrotask(() => {
        // Something that opened in its place (a dialog the palette ran) keeps its focus.
        const now = document.activeElement;
        if (now && now !== document.body && now.isConnected && !node.contains(now)) return;
        if (previous && previous.isConnected) previous.focus();
        else fallback()?.focus();
      });
    },
  };
}

/**
 * Where an arrow key moves among `count` tabs from `index`: Right/Left follow the reading
 * direction (so in Persian Left is "next"), Home/End go to the ends; null for other keys.
 */
export function tabStep(key: string, index: number, count: number, rtl: boolean, vertical = false): number | null {
  if (count === 0) return null;
  const forward = vertical ? "ArrowDown" : rtl ? "ArrowLeft" : "ArrowRight";
  const backward = vertical ? "ArrowUp" : rtl ? "ArrowRight" : "ArrowLeft";
  if (key === forward) return (index + 1) % count;
  if (key === backward) return (index - 1 + count) % count;
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  return null;
}

export interface RovingOptions {
  /** The items arrows move among. */
  item: string;
  /** Tabs: moving chooses (clicks) the item, and the chosen one is the Tab stop. Toolbars:
   *  moving only focuses, and the last focused item is the Tab stop. */
  activate: boolean;
  /** Up and Down instead of the reading direction's Left and Right. */
  vertical?: boolean;
}

/**
 * Svelte action for a composite widget with one Tab stop: arrows (in the reading direction),
 * Home and End move among its items.
 */
export function roving(node: HTMLElement, opts: RovingOptions) {
  let stop: HTMLElement | null = null;
  const items = () => [...node.querySelectorAll<HTMLElement>(opts.item)].filter((t) => !(t as HTMLButtonElement).disabled);
  function rove() {
    const all = items();
    const chosen = opts.activate ? all.find((t) => t.getAttribute("aria-selected") === "true") : stop && all.includes(stop) ? stop : null;
    const tabStop = chosen ?? all[0];
    for (const t of all) t.tabIndex = t === tabStop ? 0 : -1;
  }
  function onKeydown(e: KeyboardEvent) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const all = items();
    const i = all.indexOf(e.target as HTMLElement);
    if (i < 0) return;
    const to = tabStep(e.key, i, all.length, getComputedStyle(node).direction === "rtl", opts.vertical);
    if (to === null) return;
    e.preventDefault();
    stop = all[to];
    all[to].focus();
    if (opts.activate) all[to].click();
    rove();
  }
  function onFocusIn(e: FocusEvent) {
    if (!opts.activate && items().includes(e.target as HTMLElement)) {
      stop = e.target as HTMLElement;
      rove();
    }
  }
  rove();
  const watch = new MutationObserver(rove);
  watch.observe(node, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-selected", "disabled"] });
  node.addEventListener("keydown", onKeydown);
  node.addEventListener("focusin", onFocusIn);
  return {
    destroy() {
      watch.disconnect();
      node.removeEventListener("keydown", onKeydown);
      node.removeEventListener("focusin", onFocusIn);
    },
  };
}

/** `role="tablist"`: the WAI-ARIA tabs pattern with automatic activation. */
export function tablist(node: HTMLElement) {
  return roving(node, { item: "[role=tab]", activate: true });
}

/** `role="toolbar"`: one Tab stop, arrows between its buttons. */
export function toolbar(node: HTMLElement) {
  return roving(node, { item: "button", activate: false });
}

export interface ArrowListOptions {
  /** The items (default: every button). */
  item?: string;
  /** Alt+Up / Alt+Down on an item: move it one place (lists the agent orders). */
  reorder?: (item: HTMLElement, delta: -1 | 1) => void;
  /** F2 on an item: edit it. */
  edit?: (item: HTMLElement) => void;
}

/**
 * A vertical list of buttons (search matches, categories, articles): one Tab stop, Up and
 * Down between them; optionally Alt+arrows reorder and F2 edits the focused item.
 */
export function arrowList(node: HTMLElement, opts: ArrowListOptions = {}) {
  const nav = roving(node, { item: opts.item ?? "button", activate: false, vertical: true });
  function onKeydown(e: KeyboardEvent) {
    const item = (e.target as HTMLElement).closest<HTMLElement>(opts.item ?? "button");
    if (!item || !node.contains(item)) return;
    if (opts.reorder && e.altKey && !e.ctrlKey && !e.metaKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      opts.reorder(item, e.key === "ArrowUp" ? -1 : 1);
    } else if (opts.edit && e.key === "F2") {
      e.preventDefault();
      opts.edit(item);
    }
  }
  node.addEventListener("keydown", onKeydown);
  return {
    destroy() {
      nav.destroy();
      node.removeEventListener("keydown", onKeydown);
    },
  };
}

/** Svelte action: the first field inside takes the focus when it appears (an editor opened). */
export function focusFirst(node: HTMLElement) {
  const field = node.querySelector<HTMLElement>("input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])");
  (field ?? tabbables(node)[0])?.focus();
}

/** Gives focus back to the workspace (the ticket list, else the main area), e.g. on Esc. */
export function focusWorkspace(): void {
  fallback()?.focus();
}

// Which item of an Automation list is open in its editor: a saved item by id, or a new one not
// yet saved. Leaving an editor with unsaved changes asks first (keep editing / discard).

/** What an editor calls when it saved, deleted or closed its item. */
export type EditorHooks = {
  onsaved: (id: string) => Promise<void>;
  ondeleted: () => Promise<void>;
  oncancel: () => void;
};

type Target<T> = { id: string; fresh: T | null } | null;

export class ListSelection<T extends { id: string }> {
  selected = $state<Target<T>>(null);
  /** Whether the open editor holds unsaved changes (the editor binds it). */
  dirty = $state(false);
  /** Where the agent wanted to go while the editor was dirty. */
  leaving = $state<{ to: Target<T> } | null>(null);
  readonly #items: () => T[];

  constructor(items: () => T[]) {
    this.#items = items;
  }

  /** The item in the editor: the new one, or the saved one as the list has it now. */
  get current(): T | null {
    const s = this.selected;
    if (!s) return null;
    return s.fresh ?? this.#items().find((x) => x.id === s.id) ?? null;
  }

  get isNew(): boolean {
    return this.selected?.fresh != null;
  }

  isOpen(id: string): boolean {
    return this.selected?.id === id;
  }

  #go(to: Target<T>) {
    if (this.dirty && this.current && to?.id !== this.selected?.id) this.leaving = { to };
    else this.selected = to;
  }

  open(id: string) {
    this.#go({ id, fresh: null });
  }

  create(item: T) {
    this.#go({ id: item.id, fresh: item });
  }

  /** After a save: the editor shows the saved item. */
  saved(id: string) {
    this.selected = { id, fresh: null };
  }

  close() {
    this.selected = null;
  }

  keepEditing() {
    this.leaving = null;
  }

  discard() {
    this.dirty = false;
    this.selected = this.leaving?.to ?? null;
    this.leaving = null;
  }
}

/**
 * The Alt+Up / Alt+Down handler of an ordered Automation list (rules, SLA policies): moves
 * the focused row with `move(index, delta)` and keeps the focus on the row in its new place.
 */
export function reorderRow(items: () => { id: string }[], move: (index: number, delta: -1 | 1) => Promise<void>) {
  return async (el: HTMLElement, delta: -1 | 1) => {
    const row = el.closest<HTMLElement>("[data-id]");
    const list = row?.parentElement;
    const id = row?.dataset.id;
    const i = items().findIndex((x) => x.id === id);
    if (!list || !id || i < 0) return;
    await move(i, delta);
    list.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"] .pick`)?.focus();
  };
}

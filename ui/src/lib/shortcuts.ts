// Keyboard shortcuts: a pure mapping from a key event to an action, so it can be tested and
// listed in the help overlay from one table.

export type ShortcutAction =
  | "next"
  | "previous"
  | "reply"
  | "note"
  | "assign_to_me"
  | "solve"
  | "focus_search"
  | "new_ticket"
  | "palette"
  | "help"
  | "knowledge_base"
  | "close";

export interface KeyLike {
  key: string;
  /** The physical key (`KeyboardEvent.code`), e.g. "KeyJ" whatever the layout types there. */
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey?: boolean;
  /** True when focus is in a text field, select or contenteditable. */
  typing: boolean;
}

/** Keys for the help overlay; `keys` are shown as key caps, `action` is the catalogue key. */
export const SHORTCUTS: { keys: string[]; action: ShortcutAction }[] = [
  { keys: ["j"], action: "next" },
  { keys: ["k"], action: "previous" },
  { keys: ["r"], action: "reply" },
  { keys: ["n"], action: "note" },
  { keys: ["a"], action: "assign_to_me" },
  { keys: ["s"], action: "solve" },
  { keys: ["/"], action: "focus_search" },
  { keys: ["c"], action: "new_ticket" },
  { keys: ["b"], action: "knowledge_base" },
  { keys: ["Ctrl/⌘", "K"], action: "palette" },
  { keys: ["?"], action: "help" },
  { keys: ["Esc"], action: "close" },
];

const PLAIN: Record<string, ShortcutAction> = {
  j: "next",
  k: "previous",
  r: "reply",
  n: "note",
  a: "assign_to_me",
  s: "solve",
  "/": "focus_search",
  c: "new_ticket",
  b: "knowledge_base",
  "?": "help",
};

/**
 * The key a shortcut means. On a Latin layout that is the typed letter (so an AZERTY "a" is
 * A, Turkish F keeps its letters, and Polish AltGr+A's "ą" is no shortcut); on any other layout (Persian, Russian, Greek…) the
 * letter the US layout has on that physical key, so J, which types ت on a Persian keyboard,
 * still moves to the next ticket. Persian's "؟" is the question-mark key.
 */
export function shortcutKey(e: Pick<KeyLike, "key" | "code">): string {
  if (e.key === "؟") return "?";
  // A Latin-script letter (with its accents: ą, ş, ı) is what the agent typed.
  if (/^\p{Script=Latin}$/u.test(e.key) || [...e.key].length !== 1) return e.key;
  const physical = e.code?.match(/^Key([A-Z])$/);
  if (physical) return physical[1].toLowerCase();
  if (e.code === "Slash" && !/^[/?]$/.test(e.key)) return "/";
  return e.key;
}

export function resolveShortcut(e: KeyLike): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const k = shortcutKey(e);
  if (mod && !e.altKey && k.toLowerCase() === "k") return "palette";
  if (e.key === "Escape") return "close";
  if (e.typing || mod || e.altKey) return null;
  return PLAIN[k] ?? null;
}

/** Whether a DOM element is one where keys type text (so single-key shortcuts stay off). */
export function isTypingTarget(el: EventTarget | null): boolean {
  if (!el || typeof (el as Element).tagName !== "string") return false;
  const node = el as HTMLElement;
  const tag = node.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  if (tag === "input") {
    const type = ((node as HTMLInputElement).type || "text").toLowerCase();
    return !["checkbox", "radio", "button", "submit", "reset", "file", "range", "color"].includes(type);
  }
  return node.isContentEditable === true;
}

/** Ctrl/Cmd+Enter: send from the composer. */
export function isSendCombo(e: { key: string; ctrlKey: boolean; metaKey: boolean }): boolean {
  return e.key === "Enter" && (e.ctrlKey || e.metaKey);
}

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

export function resolveShortcut(e: KeyLike): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey && e.key.toLowerCase() === "k") return "palette";
  if (e.key === "Escape") return "close";
  if (e.typing || mod || e.altKey) return null;
  return PLAIN[e.key] ?? null;
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

// The knowledge-base editor's pure logic: markdown toolbar edits, editor shortcuts, the
// autosave state machine, locale helpers and composer suggestions. No DOM, no IPC.
import { shortcutKey } from "./shortcuts";
import type { ArticleVotes } from "../bindings/ArticleVotes";
import type { KbSuggestion } from "../bindings/KbSuggestion";

// ---- markdown toolbar ---------------------------------------------------------------------

export type ToolbarAction = "bold" | "italic" | "heading" | "link" | "list" | "numbered" | "quote" | "code" | "image";

export const TOOLBAR: ToolbarAction[] = ["bold", "italic", "heading", "link", "list", "numbered", "quote", "code", "image"];

/** A textarea's text and selection. */
export interface TextEdit {
  text: string;
  start: number;
  end: number;
}

/** Wraps the selection in `before`/`after`, or removes the wrapping when it is already there. */
function wrap(e: TextEdit, before: string, after: string, placeholder: string): TextEdit {
  const { text, start, end } = e;
  const selected = text.slice(start, end);
  if (text.slice(start - before.length, start) === before && text.slice(end, end + after.length) === after && selected !== "") {
    return {
      text: text.slice(0, start - before.length) + selected + text.slice(end + after.length),
      start: start - before.length,
      end: end - before.length,
    };
  }
  const inner = selected || placeholder;
  return {
    text: text.slice(0, start) + before + inner + after + text.slice(end),
    start: start + before.length,
    end: start + before.length + inner.length,
  };
}

/** The start of the line `pos` is on, and the end of the line `end` is on. */
function lineRange(text: string, start: number, end: number): [number, number] {
  const from = text.lastIndexOf("\n", start - 1) + 1;
  let to = text.indexOf("\n", end > start && text[end - 1] === "\n" ? end - 1 : end);
  if (to < 0) to = text.length;
  return [from, to];
}

/** Prefixes every selected line (`prefix(i)` for the i-th), or removes the prefixes when all lines have them. */
function prefixLines(e: TextEdit, prefix: (i: number) => string, pattern: RegExp, strip: RegExp = pattern): TextEdit {
  const [from, to] = lineRange(e.text, e.start, e.end);
  const lines = e.text.slice(from, to).split("\n");
  const all = lines.every((l) => pattern.test(l));
  const changed = all ? lines.map((l) => l.replace(pattern, "")) : lines.map((l, i) => prefix(i) + l.replace(strip, ""));
  const block = changed.join("\n");
  return { text: e.text.slice(0, from) + block + e.text.slice(to), start: from, end: from + block.length };
}

/**
 * Applies a toolbar button (or its shortcut) to the text: the new text and the selection to
 * show, so the agent can keep typing over a placeholder. `image` inserts `![alt](url)`
 * around the given url (the caller stages the file first).
 */
export function applyToolbar(action: ToolbarAction, e: TextEdit, words: { text: string; url: string }, imageUrl = ""): TextEdit {
  switch (action) {
    case "bold":
      return wrap(e, "**", "**", words.text);
    case "italic":
      return wrap(e, "_", "_", words.text);
    case "code": {
      const selected = e.text.slice(e.start, e.end);
      if (selected.includes("\n")) return wrap(e, "```\n", "\n```", words.text);
      return wrap(e, "`", "`", words.text);
    }
    case "link": {
      const label = e.text.slice(e.start, e.end) || words.text;
      const inserted = `[${label}](${words.url})`;
      const urlStart = e.start + label.length + 3;
      return {
        text: e.text.slice(0, e.start) + inserted + e.text.slice(e.end),
        start: urlStart,
        end: urlStart + words.url.length,
      };
    }
    case "image": {
      const alt = e.text.slice(e.start, e.end) || words.text;
      const inserted = `![${alt}](${imageUrl})`;
      const end = e.start + inserted.length;
      return { text: e.text.slice(0, e.start) + inserted + e.text.slice(e.end), start: end, end };
    }
    case "heading":
      return prefixLines(e, () => "## ", /^## /, /^#{1,6} /);
    case "list":
      return prefixLines(e, () => "- ", /^[-*] /);
    case "numbered":
      return prefixLines(e, (i) => `${i + 1}. `, /^\d+\. /);
    case "quote":
      return prefixLines(e, () => "> ", /^> ?/);
  }
}

/** Inserts text at the selection (replacing it); the caret ends after the insertion. */
export function insertAt(e: TextEdit, inserted: string): TextEdit {
  const pos = e.start + inserted.length;
  return { text: e.text.slice(0, e.start) + inserted + e.text.slice(e.end), start: pos, end: pos };
}

/** The markdown for an image attachment (the name is kept readable, brackets escaped). */
export function imageMarkdown(name: string, attachmentId: string): string {
  const alt = name.replace(/[[\]\\]/g, "").trim() || "image";
  return `![${alt}](attachments/${attachmentId})`;
}

// ---- editor shortcuts ---------------------------------------------------------------------

export type EditorAction = "bold" | "italic" | "link" | "save";

/** Ctrl/Cmd+B, I, K, S inside the article editor (on every keyboard layout, as `shortcutKey` says). */
export function editorShortcut(e: { key: string; code?: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey?: boolean }): EditorAction | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return null;
  switch (shortcutKey(e).toLowerCase()) {
    case "b":
      return "bold";
    case "i":
      return "italic";
    case "k":
      return "link";
    case "s":
      return "save";
    default:
      return null;
  }
}

// ---- autosave -----------------------------------------------------------------------------

export type AutosaveState = "clean" | "dirty" | "saving" | "saved" | "error";

export interface Timers {
  set: (fn: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Saves unsaved editing after `delay` ms without typing, and at once on `flush()` (window
 * blur, close, switching articles). One save at a time: edits made while a save runs are
 * saved right after it. `write` persists the latest value; `onState` reports progress.
 */
export class Autosaver<T> {
  state: AutosaveState = "clean";
  private pending: T | null = null;
  private timer: unknown = null;
  private running: Promise<void> | null = null;

  constructor(
    private write: (value: T) => Promise<void>,
    private onState: (s: AutosaveState) => void = () => {},
    private delay = 1200,
    private timers: Timers = realTimers,
  ) {}

  private set(s: AutosaveState): void {
    this.state = s;
    this.onState(s);
  }

  /** The text changed: remember it and (re)start the idle timer. */
  edit(value: T): void {
    this.pending = value;
    this.set("dirty");
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => {
      this.timer = null;
      void this.flush();
    }, this.delay);
  }

  /** Saves what is pending now (no-op when nothing is). Resolves once it is written. */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      this.timers.clear(this.timer);
      this.timer = null;
    }
    if (this.running) await this.running;
    if (this.pending === null) return;
    const value = this.pending;
    this.pending = null;
    this.set("saving");
    this.running = this.write(value).then(
      () => {
        this.running = null;
        if (this.pending === null) this.set("saved");
      },
      () => {
        this.running = null;
        // Keep the value so the next edit or flush tries again.
        if (this.pending === null) this.pending = value;
        this.set("error");
      },
    );
    await this.running;
  }

  /** Forget pending edits (after a real save or a discard). */
  reset(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.pending = null;
    this.set("clean");
  }

  get hasPending(): boolean {
    return this.pending !== null;
  }
}

// ---- locales ------------------------------------------------------------------------------

/** Locales offered first when adding a translation (the app's own languages). */
export const OFFERED_LOCALES = ["en", "tr", "pl", "fa"] as const;

const RTL_LANGUAGES = new Set(["ar", "arc", "azb", "bal", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "ks", "lrc", "mzn", "pnb", "prs", "ps", "sd", "syr", "ug", "ur", "yi"]);
const RTL_SCRIPTS = new Set(["adlm", "arab", "hebr", "mand", "nkoo", "rohg", "samr", "syrc", "thaa"]);

/** Writing direction of any BCP-47 tag (same rule as the domain's `text_direction`). */
export function localeDir(tag: string): "ltr" | "rtl" {
  const parts = tag.trim().split(/[-_]/);
  const language = (parts[0] ?? "").toLowerCase();
  const script = parts[1] && /^[a-zA-Z]{4}$/.test(parts[1]) ? parts[1].toLowerCase() : null;
  const rtl = script ? RTL_SCRIPTS.has(script) : RTL_LANGUAGES.has(language);
  return rtl ? "rtl" : "ltr";
}

/** `pt_br` → `pt-BR`, `ZH-hant-tw` → `zh-Hant-TW`; null when it is not a plausible tag. */
export function normalizeLocaleTag(input: string): string | null {
  const raw = input.trim().replace(/_/g, "-");
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(raw) || raw.length > 35) return null;
  return raw
    .split("-")
    .map((p, i) => {
      if (i === 0) return p.toLowerCase();
      if (p.length === 4 && /^[A-Za-z]+$/.test(p)) return p[0].toUpperCase() + p.slice(1).toLowerCase();
      if (p.length === 2 && /^[A-Za-z]+$/.test(p)) return p.toUpperCase();
      return p.toLowerCase();
    })
    .join("-");
}

/** A locale's name in the UI language (falls back to the tag). */
export function localeName(tag: string, uiLocale: string): string {
  try {
    const names = new Intl.DisplayNames([uiLocale], { type: "language" });
    return names.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** Locales to offer for a new translation: the app's four first, minus those that exist. */
export function localesToOffer(existing: string[]): string[] {
  const have = new Set(existing.map((l) => l.toLowerCase()));
  return OFFERED_LOCALES.filter((l) => !have.has(l));
}

/** "Was this helpful?" as a percentage, or null when nobody voted. */
export function helpfulPercent(v: ArticleVotes): number | null {
  const total = v.helpful + v.not_helpful;
  return total === 0 ? null : Math.round((v.helpful * 100) / total);
}

/** Category names: the UI locale, else the first one there is. */
export function categoryName(names: Record<string, string>, uiLocale: string): string {
  return names[uiLocale] ?? names.en ?? Object.values(names)[0] ?? "";
}

/** Splits "billing, refunds  vat" into tags (commas or spaces), trimmed, without duplicates. */
export function parseTags(input: string): string[] {
  const seen = new Set<string>();
  for (const t of input.split(/[,\s]+/)) {
    const tag = t.trim().toLowerCase();
    if (tag) seen.add(tag);
  }
  return [...seen];
}

// ---- composer suggestions -----------------------------------------------------------------

export type InsertMode = "link" | "content";

export const MAX_SUGGESTIONS = 5;

/** What a suggestion puts into the reply: its link when asked for and there is one, else its text. */
export function suggestionText(s: KbSuggestion, mode: InsertMode): string {
  if (mode === "link" && s.url) return `${s.title}: ${s.url}`;
  return `${s.title}\n\n${s.body_markdown.trim()}`;
}

/** Alt+1…5 in the composer: the index of the suggestion to insert, or null. */
export function suggestionShortcut(e: { key: string; code?: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean }): number | null {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  // `code` survives keyboard layouts where Alt+digit types another character.
  const m = /^(?:Digit)?([1-5])$/.exec(e.code ?? "") ?? /^([1-5])$/.exec(e.key);
  return m ? Number(m[1]) - 1 : null;
}

/** Inserts a block into a reply at the caret, on its own paragraph. */
export function insertBlock(e: TextEdit, block: string): TextEdit {
  const before = e.text.slice(0, e.start);
  const after = e.text.slice(e.end);
  const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const trail = after === "" || after.startsWith("\n") ? "" : "\n\n";
  return insertAt(e, lead + block + trail);
}

// Formatting helpers: sizes, times, ticket numbers, search snippets. Pure and locale-aware.
import type { SnippetPart } from "../bindings/SnippetPart";

// Building an Intl formatter costs far more than using one (WebKit loads the locale's data
// each time), and a list or a thread formats hundreds of times per refresh: one per locale
// and option set, kept.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();

function memo<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(key: string, make: () => T): T {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = make()));
  return f as T;
}

/** The locale's date formatter for `opts`, built once. `name` names the option set. */
export function dateFormat(locale: string, name: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return memo(`d|${locale}|${name}`, () => new Intl.DateTimeFormat(locale, opts));
}

/** The locale's number formatter with at most `maxFraction` decimals, built once. */
export function numberFormat(locale: string, maxFraction?: number): Intl.NumberFormat {
  return memo(`n|${locale}|${maxFraction ?? ""}`, () =>
    new Intl.NumberFormat(locale, maxFraction === undefined ? {} : { maximumFractionDigits: maxFraction }),
  );
}

function relativeFormat(locale: string, style: "short" | "long"): Intl.RelativeTimeFormat {
  return memo(`r|${locale}|${style}`, () => new Intl.RelativeTimeFormat(locale, { numeric: "auto", style }));
}

export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
const MB = 1024 * 1024;

/** "30.2 MB", "512 KB", "12 B" (binary units, as the backend counts them). */
export function formatBytes(bytes: number, locale = "en"): string {
  const nf = (max: number) => numberFormat(locale, max);
  if (bytes >= MB) return `${nf(1).format(Math.round((bytes / MB) * 10) / 10)} MB`;
  if (bytes >= 1024) return `${nf(0).format(Math.round(bytes / 1024))} KB`;
  return `${nf(0).format(bytes)} B`;
}

export type OversizeFile = {
  name: string;
  size: string;
  max: string;
};

/** The files refused before upload because they exceed the attachment limit. */
export function oversizeFiles(files: { name: string; size: number }[], locale = "en", limit = MAX_ATTACHMENT_BYTES): OversizeFile[] {
  return files
    .filter((f) => f.size > limit)
    .map((f) => ({ name: f.name, size: formatBytes(f.size, locale), max: formatBytes(limit, locale).replace(/[.,]0 /, " ") }));
}

/** "#1042", or null when the number is not assigned yet (the caller shows "pending"). */
export function ticketNumber(n: number | null | undefined): string | null {
  return n === null || n === undefined ? null : `#${n}`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "2 min ago", "yesterday", "now" — Intl in the current locale. */
export function relativeTime(ms: number, now: number, locale: string, style: "short" | "long" = "short"): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const rtf = relativeFormat(locale, style);
  if (abs < 45_000) return rtf.format(0, "second");
  for (const [unit, size] of UNITS) {
    if (abs >= size || unit === "minute") {
      return rtf.format(Math.round(diff / size), unit);
    }
  }
  return rtf.format(0, "second");
}

/** Compact time for list rows: "14:05" today, "3 Mar" this year, else "3 Mar 2024". */
export function listTime(ms: number, now: number, locale: string): string {
  const d = new Date(ms);
  const n = new Date(now);
  if (d.toDateString() === n.toDateString()) {
    return dateFormat(locale, "hm", { hour: "2-digit", minute: "2-digit" }).format(d);
  }
  if (d.getFullYear() === n.getFullYear()) {
    return dateFormat(locale, "dM", { day: "numeric", month: "short" }).format(d);
  }
  return dateFormat(locale, "dMy", { day: "numeric", month: "short", year: "numeric" }).format(d);
}

export function fullDate(ms: number, locale: string): string {
  return dateFormat(locale, "full", { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));
}

/** Snippet parts ready to render: empty parts dropped, neighbours of the same kind joined. */
export function snippetSegments(parts: SnippetPart[]): SnippetPart[] {
  const out: SnippetPart[] = [];
  for (const p of parts) {
    if (p.text === "") continue;
    const last = out[out.length - 1];
    if (last && last.hit === p.hit) last.text += p.text;
    else out.push({ text: p.text, hit: p.hit });
  }
  return out;
}

/**
 * Builds the DOM of a snippet: text nodes, with hits wrapped in <mark>. Never parses HTML, so
 * whatever the snippet contains stays text.
 */
export function renderSnippet(parts: SnippetPart[], doc: Pick<Document, "createDocumentFragment" | "createElement" | "createTextNode">): DocumentFragment {
  const frag = doc.createDocumentFragment();
  for (const seg of snippetSegments(parts)) {
    if (seg.hit) {
      const mark = doc.createElement("mark");
      mark.appendChild(doc.createTextNode(seg.text));
      frag.appendChild(mark);
    } else {
      frag.appendChild(doc.createTextNode(seg.text));
    }
  }
  return frag;
}

/** Up to two initials for an avatar. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = Array.from(words[0])[0] ?? "";
  const last = words.length > 1 ? (Array.from(words[words.length - 1])[0] ?? "") : "";
  return (first + last).toLocaleUpperCase();
}

/** A stable hue (0–359) for a name, for avatar colours. */
export function hue(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  return h;
}

/** Splits "a, b,c" into trimmed non-empty values. */
export function splitList(s: string): string[] {
  return s.split(",").map((v) => v.trim()).filter((v) => v !== "");
}

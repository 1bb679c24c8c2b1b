// Text the app did not write (subjects, names, e-mails, tags, file names, bodies) must never
// reorder the app's own words beside it: a U+202E in a file name reverses everything after
// it, a Persian name in an English sentence pulls neighbouring punctuation to its side.
// In markup such text is marked dir="auto" or put in <bdi> (app.css makes both isolates);
// inside a translated sentence its placeholders become <bdi> through Interpolated.svelte;
// where only a plain string can go (a title, an aria-label, a toast) isolate() wraps it.
import { translate, locale, type MessageKey, type Params } from "./i18n";

/** Embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE: <bdi> for a plain string. */
const FSI = "\u2068";
const PDI = "\u2069";

/**
 * `text` as an isolate inside a plain string: its own directional controls dropped (one of
 * them could close the isolate early), then wrapped in FSI…PDI.
 */
export function isolate(text: string): string {
  return FSI + text.replace(BIDI_CONTROLS, "") + PDI;
}

/** One run of a translated sentence: the catalogue's own words, or a value put into it. */
export type Part = { text: string; value: boolean };

/**
 * A template cut at its {placeholders}, so each value can be shown in its own <bdi>.
 * Unknown placeholders stay as written, as `interpolate` leaves them.
 */
export function interpolateParts(template: string, params: Params = {}): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const name = m[1];
    if (!(name in params)) continue;
    if (m.index > last) parts.push({ text: template.slice(last, m.index), value: false });
    parts.push({ text: String(params[name]), value: true });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last), value: false });
  return parts;
}

/** `t(key, params)` as parts, in the current language. */
export function tParts(key: MessageKey, params?: Params): Part[] {
  return interpolateParts(translate(locale(), key), params);
}

// Every piece of UI text goes through t(key, params). Catalogues live in ../locales/*.json and
// must hold the same keys with the same {placeholders} (checked by i18n.test.ts).
import en from "../locales/en.json";
import tr from "../locales/tr.json";
import pl from "../locales/pl.json";
import fa from "../locales/fa.json";
import type { DomainError } from "../bindings/DomainError";

export type MessageKey = keyof typeof en;
export type Locale = "en" | "tr" | "pl" | "fa";
export type Params = Record<string, string | number>;

export const LOCALES: { code: Locale; label: string; dir: "ltr" | "rtl" }[] = [
  { code: "en", label: "English", dir: "ltr" },
  { code: "tr", label: "Türkçe", dir: "ltr" },
  { code: "pl", label: "Polski", dir: "ltr" },
  { code: "fa", label: "فارسی", dir: "rtl" },
];

export const catalogs: Record<Locale, Record<string, string>> = { en, tr, pl, fa };

export function isLocale(s: string): s is Locale {
  return s in catalogs;
}

export function dirOf(locale: Locale): "ltr" | "rtl" {
  return LOCALES.find((l) => l.code === locale)?.dir ?? "ltr";
}

/** Replaces {name} placeholders; unknown ones are left as they are. */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** The placeholder names a message uses, sorted. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

const pluralRules = new Map<Locale, Intl.PluralRules>();
const numberFormats = new Map<Locale, Intl.NumberFormat>();

function cached<T>(map: Map<Locale, T>, locale: Locale, make: () => T): T {
  let v = map.get(locale);
  if (!v) map.set(locale, (v = make()));
  return v;
}

/** The plural category (CLDR: one, few, many, other…) the locale uses for `n`. */
export function pluralCategory(locale: Locale, n: number): Intl.LDMLPluralRule {
  return cached(pluralRules, locale, () => new Intl.PluralRules(locale)).select(n);
}

/** A number written the locale's way (Persian digits in fa). */
export function formatNumber(locale: Locale, n: number): string {
  return cached(numberFormats, locale, () => new Intl.NumberFormat(locale)).format(n);
}

/**
 * A message in `locale`. When `params.count` is a number, the message's plural form for it is
 * chosen (`key#one`, `key#few`…, the plain key being "other") and the number is written the
 * locale's way, so English never says "1 tickets" and Polish gets its three forms.
 */
export function translate(locale: Locale, key: string, params?: Params): string {
  const catalog = catalogs[locale];
  let msg = catalog[key] ?? catalogs.en[key] ?? key;
  const count = params?.count;
  if (typeof count === "number") {
    const form = pluralCategory(locale, count);
    if (form !== "other") msg = catalog[`${key}#${form}`] ?? msg;
    params = { ...params, count: formatNumber(locale, count) };
  }
  return interpolate(msg, params);
}

let currentLocale: () => Locale = () => "en";

/** The app binds its reactive locale here, so templates calling t() re-render on change. */
export function bindLocale(get: () => Locale): void {
  currentLocale = get;
}

export function locale(): Locale {
  return currentLocale();
}

export function t(key: MessageKey, params?: Params): string {
  return translate(currentLocale(), key, params);
}

export function hasKey(key: string): key is MessageKey {
  return key in catalogs.en;
}

/** For keys built at run time (e.g. "field." + name): the fallback when the key is unknown. */
export function tMaybe(key: string, fallback: string, params?: Params): string {
  return hasKey(key) ? translate(currentLocale(), key, params) : fallback;
}

/**
 * The text to show for a backend refusal. English shows the backend's own sentence (it names
 * exactly what was wrong); other languages show the catalogue's sentence for the error code,
 * naming the field when the catalogue knows it.
 */
export function errorText(err: DomainError, loc: Locale = currentLocale()): string {
  if (loc === "en") return err.message;
  const key = `error.${err.code}`;
  if (!hasKey(key)) return err.message;
  const fieldKey = `field.${err.field ?? ""}`;
  const field = err.field ? (hasKey(fieldKey) ? translate(loc, fieldKey) : err.field) : translate(loc, "field.value");
  const text = translate(loc, key, { field });
  return DETAILED.has(err.code) ? `${text} (${err.message})` : text;
}

/**
 * Codes whose backend sentence carries detail worth keeping verbatim: storage and I/O
 * diagnostics, why the server cannot be reached, when to retry a rate-limited sign-in, how to
 * get a keyring.
 */
const DETAILED: ReadonlySet<string> = new Set<DomainError["code"]>(["storage", "io", "offline", "rate_limited", "no_keyring"]);

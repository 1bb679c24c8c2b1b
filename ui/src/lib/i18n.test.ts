import { describe, expect, it } from "vitest";
import { catalogs, errorText, interpolate, LOCALES, placeholders, translate, type Locale } from "./i18n";
import { STATUSES, PRIORITIES, TYPES, CHANNELS } from "./enums";
import { SHORTCUTS } from "./shortcuts";
import type { ErrorCode } from "../bindings/ErrorCode";

const locales = Object.keys(catalogs) as Locale[];
const en = catalogs.en;

describe("catalogues", () => {
  it("exist for en, tr, pl and fa, labelled in their own language", () => {
    expect(locales.sort()).toEqual(["en", "fa", "pl", "tr"]);
    expect(LOCALES.map((l) => l.label)).toEqual(["English", "Türkçe", "Polski", "فارسی"]);
    expect(LOCALES.find((l) => l.code === "fa")?.dir).toBe("rtl");
  });

  for (const loc of locales) {
    it(`${loc} has exactly the English keys`, () => {
      const keys = Object.keys(catalogs[loc]).filter((k) => !k.includes("#")).sort();
      expect(keys).toEqual(Object.keys(en).filter((k) => !k.includes("#")).sort());
    });

    it(`${loc} uses the same placeholders as English`, () => {
      for (const [key, msg] of Object.entries(en)) {
        if (key.includes("#")) continue;
        expect({ key, p: placeholders(catalogs[loc][key] ?? "") }).toEqual({ key, p: placeholders(msg) });
      }
    });

    it(`${loc} has every plural form its language uses for each counted message, and no others`, () => {
      const forms = new Intl.PluralRules(loc).resolvedOptions().pluralCategories.filter((f) => f !== "other");
      const counted = Object.keys(en).filter((k) => !k.includes("#") && placeholders(en[k as keyof typeof en]).includes("count"));
      expect(counted.length).toBeGreaterThan(10);
      const want = counted.flatMap((k) => forms.map((f) => `${k}#${f}`)).sort();
      const have = Object.keys(catalogs[loc]).filter((k) => k.includes("#")).sort();
      expect(have).toEqual(want);
      const withoutCount = (m: string) => placeholders(m).filter((p) => p !== "count");
      for (const k of want) expect({ k, p: withoutCount(catalogs[loc][k]) }).toEqual({ k, p: withoutCount(catalogs[loc][k.split("#")[0]]) });
    });

    it(`${loc} has no empty messages`, () => {
      for (const [key, msg] of Object.entries(catalogs[loc])) expect({ key, msg: msg.trim() === "" }).toEqual({ key, msg: false });
    });
  }

  it("are really translated (most messages differ from English)", () => {
    for (const loc of ["tr", "pl", "fa"] as Locale[]) {
      const keys = Object.keys(en);
      const same = keys.filter((k) => catalogs[loc][k] === en[k as keyof typeof en]);
      expect(same.length / keys.length).toBeLessThan(0.1);
    }
  });

  it("label every enum value, view, shortcut and error code", () => {
    const needed = [
      ...STATUSES.map((s) => `status.${s}`),
      ...PRIORITIES.map((s) => `priority.${s}`),
      ...TYPES.map((s) => `type.${s}`),
      ...CHANNELS.map((s) => `channel.${s}`),
      ...["unassigned", "mine", "open", "pending", "solved"].map((v) => `view.${v}`),
      ...SHORTCUTS.map((s) => `shortcut.${s.action}`),
    ];
    // A Record over ErrorCode: a new code in the bindings fails type-checking until listed here.
    const codes: Record<ErrorCode, true> = {
      empty_field: true,
      too_long: true,
      invalid_email: true,
      invalid_value: true,
      unknown_field: true,
      not_found: true,
      ticket_deleted: true,
      ticket_merged: true,
      attachment_too_large: true,
      conflict: true,
      forbidden: true,
      offline: true,
      wrong_credentials: true,
      rate_limited: true,
      account_disabled: true,
      signed_out: true,
      update_required: true,
      no_keyring: true,
      storage: true,
      io: true,
    };
    needed.push(...Object.keys(codes).map((c) => `error.${c}`));
    for (const key of needed) expect(en).toHaveProperty([key]);
  });
});

describe("plurals", () => {
  it("English never says 1 tickets", () => {
    expect(translate("en", "bulk.done", { count: 1 })).toBe("Updated 1 ticket.");
    expect(translate("en", "bulk.done", { count: 2 })).toBe("Updated 2 tickets.");
    expect(translate("en", "settings.tag_usage", { count: 1 })).toBe("1 ticket");
    expect(translate("en", "kb.conflict_count", { count: 0 })).toBe("0 conflicts");
    expect(translate("en", "composer.stale", { count: 1 })).toBe("A new message arrived while you were writing.");
  });

  it("Polish takes one, few and many forms and writes numbers its way", () => {
    const forms = [1, 2, 4, 5, 12, 22, 25, 1000].map((n) => translate("pl", "settings.tag_usage", { count: n }));
    expect(forms).toEqual(["1 zgłoszenie", "2 zgłoszenia", "4 zgłoszenia", "5 zgłoszeń", "12 zgłoszeń", "22 zgłoszenia", "25 zgłoszeń", "1000 zgłoszeń"]);
  });

  it("Persian writes the count in Persian digits", () => {
    expect(translate("fa", "settings.tag_usage", { count: 25 })).toBe("۲۵ تیکت");
  });

  it("leaves a count given as text alone", () => {
    expect(translate("en", "bulk.selected", { count: "many" })).toBe("many selected");
  });
});

describe("translate", () => {
  it("fills placeholders and leaves unknown ones alone", () => {
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
    expect(translate("en", "bulk.selected", { count: 3 })).toBe("3 selected");
  });

  it("falls back to English, then to the key", () => {
    expect(translate("tr", "no.such.key")).toBe("no.such.key");
  });

  it("shows the backend's sentence in English and the catalogue's elsewhere", () => {
    const err = { code: "empty_field" as const, field: "subject", message: "The subject must not be empty." };
    expect(errorText(err, "en")).toBe("The subject must not be empty.");
    const tr = errorText(err, "tr");
    expect(tr).not.toBe(err.message);
    expect(tr).toContain(translate("tr", "field.subject"));
    const unknown = { code: "unknown_field" as const, field: "colour", message: "'colour' is not a field…" };
    expect(errorText(unknown, "pl")).toContain("colour");
    const io = { code: "io" as const, field: null, message: "disk full" };
    expect(errorText(io, "fa")).toContain("disk full");
    const limited = { code: "rate_limited" as const, field: null, message: "Too many attempts; try again in 42 seconds." };
    expect(errorText(limited, "tr")).toBe(`${translate("tr", "error.rate_limited")} (${limited.message})`);
    const wrong = { code: "wrong_credentials" as const, field: null, message: "Wrong e-mail or password." };
    expect(errorText(wrong, "pl")).toBe(translate("pl", "error.wrong_credentials"));
    const url = { code: "invalid_value" as const, field: "server_url", message: "Not a server address." };
    expect(errorText(url, "fa")).toContain(translate("fa", "field.server_url"));
  });
});

import { describe, expect, it } from "vitest";
import { interpolateParts, isolate } from "./bidi";
import { catalogs } from "./i18n";

const RLO = "\u202E";

describe("isolate", () => {
  it("wraps text in FSI…PDI and drops its own directional controls", () => {
    expect(isolate(`invoice${RLO}gpj.exe`)).toBe("\u2068invoicegpj.exe\u2069");
    // A PDI of the customer's would close the isolate early and let the override out.
    expect(isolate(`a\u2069${RLO}b\u202A\u2066c`)).toBe("\u2068abc\u2069");
    expect(isolate("سلام")).toBe("\u2068سلام\u2069");
  });
});

describe("interpolateParts", () => {
  it("marks every value and keeps the catalogue's words apart", () => {
    const parts = interpolateParts(catalogs.en["event.tag_added"], { tag: `vip${RLO}` });
    const values = parts.filter((p) => p.value).map((p) => p.text);
    expect(values).toEqual([`vip${RLO}`]);
    expect(parts.map((p) => p.text).join("")).toBe(catalogs.en["event.tag_added"].replace("{tag}", `vip${RLO}`));
    expect(parts.filter((p) => !p.value).every((p) => !p.text.includes(RLO))).toBe(true);
  });

  it("joins to the same text as t() in every language, values in their own order", () => {
    const params = { field: "Status", old: "Açık", new: "بسته" };
    for (const [loc, catalog] of Object.entries(catalogs)) {
      const template = catalog["event.changed"];
      const joined = interpolateParts(template, params)
        .map((p) => p.text)
        .join("");
      const expected = template.replace(/\{(\w+)\}/g, (_, n: string) => params[n as keyof typeof params]);
      expect(joined, loc).toBe(expected);
      expect(interpolateParts(template, params).filter((p) => p.value)).toHaveLength(3);
    }
  });

  it("leaves unknown placeholders as written and handles values at either end", () => {
    expect(interpolateParts("{a} and {b}", { a: "x" })).toEqual([
      { text: "x", value: true },
      { text: " and {b}", value: false },
    ]);
    expect(interpolateParts("{a}", { a: 1 })).toEqual([{ text: "1", value: true }]);
    expect(interpolateParts("plain")).toEqual([{ text: "plain", value: false }]);
  });
});

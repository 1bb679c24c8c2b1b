import { describe, expect, it } from "vitest";
import type { PeopleRow } from "../bindings/PeopleRow";
import { changePercent, dayEnd, drillClauses, npsScore, percent, periodRange, sortPeople, spanParts, toCsv } from "./reports";

const none = { group_ids: [], agent_ids: [], channels: [], mailbox_ids: [], priorities: [], tags: [], languages: [] };

describe("periods", () => {
  const now = new Date(2026, 11, 2, 15, 30);
  it("are whole local days ending with today", () => {
    const r = periodRange("7d", now)!;
    expect(new Date(r.from)).toEqual(new Date(2026, 10, 26));
    expect(new Date(r.to)).toEqual(new Date(2026, 11, 3));
  });
  it("last month is the calendar month before", () => {
    const r = periodRange("last_month", now)!;
    expect(new Date(r.from)).toEqual(new Date(2026, 10, 1));
    expect(new Date(r.to)).toEqual(new Date(2026, 11, 1));
  });
  it("a custom period includes its last day and refuses one that ends before it starts", () => {
    const r = periodRange("custom", now, { from: "2026-11-01", to: "2026-11-01" })!;
    expect(r.to - r.from).toBe(86_400_000);
    expect(periodRange("custom", now, { from: "2026-11-02", to: "2026-11-01" })).toBeNull();
    expect(periodRange("custom", now, { from: "yesterday", to: "2026-11-01" })).toBeNull();
  });
});

describe("figures", () => {
  it("spans read as minutes, hours or days", () => {
    expect(spanParts(90 * 60_000)).toEqual({ d: 0, h: 1, m: 30 });
    expect(spanParts(3 * 86_400_000 + 5 * 3_600_000)).toEqual({ d: 3, h: 5, m: 0 });
  });
  it("NPS is promoters minus detractors, truncated as the backend does", () => {
    expect(npsScore({ promoters: 2, passives: 1, detractors: 1 })).toBe(25);
    expect(npsScore({ promoters: 0, passives: 1, detractors: 2 })).toBe(-66);
    expect(npsScore({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });
  it("shares and changes have no value without a base", () => {
    expect(percent({ n: 1, of: 3 })).toBe(33);
    expect(percent({ n: 0, of: 0 })).toBeNull();
    expect(changePercent(12, 10)).toBe(20);
    expect(changePercent(5, 0)).toBeNull();
  });
});

describe("CSV", () => {
  it("quotes separators and neutralises formulas from customer text", () => {
    const csv = toCsv(["name", "n"], [["Kowalski, Jan", 3], ['=HYPERLINK("x")', null]]);
    expect(csv).toBe('name,n\r\n"Kowalski, Jan",3\r\n"\'=HYPERLINK(""x"")",\r\n');
  });
});

describe("drill-down", () => {
  it("solved tickets carry the solved range, the solved statuses and the report's filter", () => {
    const c = drillClauses("solved", 10, 20, { ...none, group_ids: ["g1"], languages: ["fa"] }, [{ field: "assignee", values: ["a1"] }]);
    expect(c).toEqual([
      { field: "solved_after", values: ["10"] },
      { field: "solved_before", values: ["20"] },
      { field: "status", values: ["solved", "closed"] },
      { field: "group", values: ["g1"] },
      { field: "language", values: ["fa"] },
      { field: "assignee", values: ["a1"] },
    ]);
  });
  it("a day ends where the next begins", () => {
    const days = [
      { day: "2026-03-28", start: 0, created: 0, solved: 0, reopened: 0, backlog: 0 },
      { day: "2026-03-29", start: 100, created: 0, solved: 0, reopened: 0, backlog: 0 },
    ];
    expect(dayEnd(days, 0)).toBe(100);
    expect(dayEnd(days, 1)).toBe(100 + 86_400_000);
  });
});

describe("people table", () => {
  const row = (name: string, solved: number, fr: number | null): PeopleRow => ({
    id: name,
    name,
    solved,
    replies: 0,
    first_response_median_ms: fr,
    resolution_median_ms: null,
    one_touch: { n: 0, of: 0 },
    csat: { n: 0, of: 0 },
  });
  const rows = [row("Ümit", 3, 50), row("Ada", 9, null), row("Zofia", 1, 10)];
  const collator = new Intl.Collator("tr");
  it("sorts by a column, empty figures last either way", () => {
    expect(sortPeople(rows, "solved", true, collator).map((r) => r.name)).toEqual(["Ada", "Ümit", "Zofia"]);
    expect(sortPeople(rows, "first_response", false, collator).map((r) => r.name)).toEqual(["Zofia", "Ümit", "Ada"]);
    expect(sortPeople(rows, "first_response", true, collator).map((r) => r.name)).toEqual(["Ümit", "Zofia", "Ada"]);
    expect(sortPeople(rows, "name", false, collator).map((r) => r.name)).toEqual(["Ada", "Ümit", "Zofia"]);
  });
});

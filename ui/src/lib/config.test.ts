import { describe, expect, it } from "vitest";
import type { RuleField } from "../bindings/RuleField";
import type { RuleOp } from "../bindings/RuleOp";
import {
  conditionValid,
  errorFor,
  filterZones,
  hmToMinutes,
  macroMutations,
  mergeHolidays,
  minutesToHm,
  newMacro,
  nextRange,
  operatorsFor,
  operatorTable,
  parseTags,
  reorder,
  replaceSlash,
  RULE_FIELDS,
  searchMacros,
  slashQuery,
  unplaced,
  valueKind,
  withField,
} from "./config";

// The backend's table (domain `rules::operators_for`) for the fields these tests use.
const table = operatorTable([
  ["status", ["is", "is_not", "changed", "changed_to", "changed_from", "not_changed"]],
  ["priority", ["is", "is_not", "changed", "changed_to", "changed_from", "not_changed", "greater_than", "less_than"]],
  ["tags", ["contains", "not_contains"]],
  ["subject", ["is", "contains", "not_contains", "changed"]],
  ["hours_since_created", ["greater_than", "less_than"]],
] as [RuleField, RuleOp[]][]);

describe("rule conditions", () => {
  it("offer only the field's operators, without 'changed' for time rules", () => {
    expect(operatorsFor(table, "tags", "created")).toEqual(["contains", "not_contains"]);
    expect(operatorsFor(table, "status", "time")).toEqual(["is", "is_not"]);
    expect(operatorsFor(table, "priority", "updated")).toContain("changed_to");
  });

  it("keep the operator when still allowed, else take the first, and reset the value kind", () => {
    const c = withField({ field: "status", op: "is", value: "pending" }, "priority", table, "created");
    expect(c).toEqual({ field: "priority", op: "is", value: "high" });
    const t = withField({ field: "status", op: "changed_to", value: "solved" }, "tags", table, "updated");
    expect(t).toEqual({ field: "tags", op: "contains", value: "" });
    const h = withField({ field: "tags", op: "contains", value: "vip" }, "hours_since_created", table, "time");
    expect(h).toEqual({ field: "hours_since_created", op: "greater_than", value: "24" });
    const ch = withField({ field: "priority", op: "changed", value: "x" }, "status", table, "updated");
    expect(ch.value).toBe("");
  });

  it("flag an operator a time rule cannot use", () => {
    expect(conditionValid({ field: "status", op: "changed", value: "" }, table, "updated")).toBe(true);
    expect(conditionValid({ field: "status", op: "changed", value: "" }, table, "time")).toBe(false);
    expect(conditionValid({ field: "tags", op: "is", value: "x" }, table, "created")).toBe(false);
  });

  it("give every field a value picker", () => {
    expect(RULE_FIELDS.map(valueKind)).not.toContain(undefined);
    expect(valueKind("assignee")).toBe("agent");
    expect(valueKind("requester")).toBe("customer");
    expect(valueKind("hours_in_status")).toBe("hours");
    expect(valueKind("within_business_hours")).toBe("bool");
  });

  it("split typed tags", () => {
    expect(parseTags(" refund, vip  urgent-ish,,")).toEqual(["refund", "vip", "urgent-ish"]);
  });
});

describe("targets as hours and minutes", () => {
  it("round-trip", () => {
    for (const m of [1, 59, 60, 90, 480, 1440, 525600]) expect(hmToMinutes(minutesToHm(m))).toBe(m);
    expect(minutesToHm(90)).toBe("1:30");
    expect(minutesToHm(null)).toBe("");
  });
  it("accept the ways people type durations", () => {
    expect(hmToMinutes("")).toBeNull();
    expect(hmToMinutes("2")).toBe(120);
    expect(hmToMinutes("2h")).toBe(120);
    expect(hmToMinutes("1h 30m")).toBe(90);
    expect(hmToMinutes("45m")).toBe(45);
    expect(hmToMinutes("0:05")).toBe(5);
    expect(hmToMinutes("1:75")).toBeNaN();
    expect(hmToMinutes("soon")).toBeNaN();
  });
});

describe("errors beside their field", () => {
  const err = { code: "invalid_value" as const, field: "hours.monday", message: "Monday: ranges overlap." };
  it("match the field and its parts", () => {
    expect(errorFor(err, "hours")).toBe("Monday: ranges overlap.");
    expect(errorFor(err, "hours.monday")).toBe("Monday: ranges overlap.");
    expect(errorFor(err, "hours.tuesday")).toBeNull();
    expect(errorFor(err, "hour")).toBeNull();
    expect(errorFor(null, "hours")).toBeNull();
  });
  it("say when no field shows the error", () => {
    expect(unplaced(err, ["name", "hours"])).toBe(false);
    expect(unplaced(err, ["name"])).toBe(true);
    expect(unplaced({ ...err, field: null }, ["name"])).toBe(true);
    expect(unplaced(null, ["name"])).toBe(false);
  });
});

describe("calendars", () => {
  it("merge imported holidays without repeating a date", () => {
    const r = mergeHolidays(
      [{ date: "2027-05-01", name: "Labour Day" }],
      [
        { date: "2027-01-01", name: "New Year" },
        { date: "2027-05-01", name: "May Day" },
      ],
    );
    expect(r.added).toBe(1);
    expect(r.holidays).toEqual([
      { date: "2027-01-01", name: "New Year" },
      { date: "2027-05-01", name: "Labour Day" },
    ]);
  });
  it("offer the next range after the day's last one", () => {
    expect(nextRange([])).toEqual({ start: "09:00", end: "17:00" });
    expect(nextRange([{ start: "09:00", end: "12:00" }])).toEqual({ start: "13:00", end: "24:00" });
  });
  it("search time zones by any words", () => {
    const zones = ["America/New_York", "Europe/Istanbul", "Europe/Warsaw", "UTC"];
    expect(filterZones(zones, "eur war")).toEqual(["Europe/Warsaw"]);
    expect(filterZones(zones, "new york")).toEqual(["America/New_York"]);
    expect(filterZones(zones, "")).toEqual(zones);
    expect(filterZones(zones, "", 2)).toHaveLength(2);
  });
});

describe("ordering", () => {
  const items = [
    { id: "a", position: 1 },
    { id: "b", position: 2 },
    { id: "c", position: 5 },
  ];
  it("moves one item and renumbers only what changed", () => {
    expect(reorder(items, 2, -1).map((x) => [x.item.id, x.position])).toEqual([
      ["c", 2],
      ["b", 3],
    ]);
    expect(reorder(items, 0, -1)).toEqual([]);
    expect(reorder(items, 2, 1)).toEqual([]);
  });
});

describe("macros in the composer", () => {
  it("open on a '/' at the start of a line only", () => {
    expect(slashQuery("/", 1)).toEqual({ start: 0, query: "" });
    expect(slashQuery("Hi\n/ref", 7)).toEqual({ start: 3, query: "ref" });
    expect(slashQuery("a/b", 3)).toBeNull();
    expect(slashQuery("Hi", 2)).toBeNull();
    expect(slashQuery("/ref\nmore", 9)).toBeNull();
  });
  it("replace the typed query with the macro's text", () => {
    expect(replaceSlash("Hi\n/ref", 3, 7, "Refund done.")).toEqual({ text: "Hi\nRefund done.", caret: 15 });
  });
  it("find by name first, then by text", () => {
    const a = { ...newMacro("a", null), name: "Refund received", body: "We got it." };
    const b = { ...newMacro("b", null), name: "Shipping delay", body: "Your refund is coming." };
    expect(searchMacros([a, b], "refund").map((m) => m.id)).toEqual(["a", "b"]);
    expect(searchMacros([a, b], "ship del").map((m) => m.id)).toEqual(["b"]);
    expect(searchMacros([a, b], "")).toHaveLength(2);
  });
  it("turn a macro's field changes into mutations", () => {
    const m = { ...newMacro("m", null), set_status: "pending" as const, add_tags: ["refund"] };
    expect(macroMutations(m, "t1")).toEqual([
      { name: "set_ticket_fields", args: { ticket_id: "t1", changes: { status: "pending" } } },
      { name: "add_tag", args: { ticket_id: "t1", tag: "refund" } },
    ]);
    expect(macroMutations(newMacro("n", null), "t1")).toEqual([]);
  });
});

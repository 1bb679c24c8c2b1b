import { describe, expect, it } from "vitest";
import { durationParts, slaStatus } from "./sla";

const MIN = 60_000;

describe("slaStatus", () => {
  it("agrees with the store's test at the edges", () => {
    const due = 100 * MIN;
    const warn = 85 * MIN;
    expect(slaStatus(null, null, 0)).toBeNull();
    expect(slaStatus(due, warn, warn - 1)).toBe("on_track");
    expect(slaStatus(due, warn, warn)).toBe("at_risk");
    // Met exactly at the deadline is on time: breached only after it.
    expect(slaStatus(due, warn, due)).toBe("at_risk");
    expect(slaStatus(due, warn, due + 1)).toBe("breached");
    expect(slaStatus(due, null, due - 1)).toBe("on_track");
  });
});

describe("durationParts", () => {
  it("shows two units at most, rounding up to the minute", () => {
    expect(durationParts(30_000)).toEqual({ d: 0, h: 0, m: 1 });
    expect(durationParts(59 * MIN)).toEqual({ d: 0, h: 0, m: 59 });
    expect(durationParts(135 * MIN)).toEqual({ d: 0, h: 2, m: 15 });
    expect(durationParts((26 * 60 + 30) * MIN)).toEqual({ d: 1, h: 2, m: 0 });
    expect(durationParts(-45 * MIN)).toEqual({ d: 0, h: 0, m: 45 });
  });
});

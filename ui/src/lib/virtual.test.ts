import { describe, expect, it } from "vitest";
import { computeWindow, rangeBetween, scrollToReveal, shouldLoadMore } from "./virtual";

describe("computeWindow", () => {
  const base = { rowHeight: 50, viewportHeight: 500, overscan: 5 };

  it("renders only the visible rows plus overscan, even for 100k rows", () => {
    const w = computeWindow({ ...base, scrollTop: 0, rowCount: 100_000 });
    expect(w).toEqual({ start: 0, end: 15, offset: 0, totalHeight: 5_000_000 });
    const mid = computeWindow({ ...base, scrollTop: 2_500_000, rowCount: 100_000 });
    expect(mid.start).toBe(49_995);
    expect(mid.end).toBe(50_015);
    expect(mid.offset).toBe(49_995 * 50);
    expect(mid.end - mid.start).toBeLessThanOrEqual(10 + 2 * 5 + 1);
  });

  it("handles partial rows at the top", () => {
    const w = computeWindow({ ...base, overscan: 0, scrollTop: 125, rowCount: 1000 });
    // rows 2 (half visible) .. 12 (the last partly visible one)
    expect(w.start).toBe(2);
    expect(w.end).toBe(13);
    expect(w.offset).toBe(100);
  });

  it("clamps at the end and past it", () => {
    const w = computeWindow({ ...base, scrollTop: 10_000_000, rowCount: 100 });
    expect(w.end).toBe(100);
    expect(w.start).toBe(100 - 10 - 5);
    expect(w.totalHeight).toBe(5000);
  });

  it("is empty for no rows and fits short lists", () => {
    expect(computeWindow({ ...base, scrollTop: 0, rowCount: 0 })).toEqual({ start: 0, end: 0, offset: 0, totalHeight: 0 });
    const w = computeWindow({ ...base, scrollTop: 0, rowCount: 3 });
    expect([w.start, w.end]).toEqual([0, 3]);
  });
});

describe("paging and scrolling helpers", () => {
  it("asks for the next page near the end only when there is one and none is loading", () => {
    expect(shouldLoadMore(170, 200, true, false, 40)).toBe(true);
    expect(shouldLoadMore(100, 200, true, false, 40)).toBe(false);
    expect(shouldLoadMore(190, 200, false, false, 40)).toBe(false);
    expect(shouldLoadMore(190, 200, true, true, 40)).toBe(false);
  });

  it("scrolls just enough to reveal a row", () => {
    expect(scrollToReveal(0, 100, 500, 50)).toBe(0);
    expect(scrollToReveal(5, 100, 500, 50)).toBe(100);
    expect(scrollToReveal(20, 100, 500, 50)).toBe(20 * 50 + 50 - 500);
  });

  it("gives shift-click ranges in either direction", () => {
    expect(rangeBetween(2, 5)).toEqual([2, 3, 4, 5]);
    expect(rangeBetween(5, 2)).toEqual([2, 3, 4, 5]);
    expect(rangeBetween(4, 4)).toEqual([4]);
  });
});

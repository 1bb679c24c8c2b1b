import { describe, expect, it } from "vitest";
import { reuse, reuseById, sameData } from "./reuse";

describe("reuse", () => {
  it("compares plain data deeply", () => {
    expect(sameData({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(sameData({ a: [1, { b: null }] }, { a: [1, { b: 0 }] })).toBe(false);
    expect(sameData({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameData([1], { 0: 1 })).toBe(false);
    expect(sameData(null, {})).toBe(false);
  });

  it("keeps the previous object of every unchanged item and takes the changed one", () => {
    const prev = [
      { id: "a", text: "hello" },
      { id: "b", text: "old" },
    ];
    const next = [
      { id: "a", text: "hello" },
      { id: "b", text: "new" },
      { id: "c", text: "added" },
    ];
    const out = reuseById(prev, next);
    expect(out[0]).toBe(prev[0]);
    expect(out[1]).toBe(next[1]);
    expect(out[2]).toBe(next[2]);
  });

  it("hands back the previous list when nothing changed, and notices a reorder", () => {
    const prev = [
      { id: "a", n: 1 },
      { id: "b", n: 2 },
    ];
    expect(reuseById(prev, [{ id: "a", n: 1 }, { id: "b", n: 2 }])).toBe(prev);
    const moved = reuseById(prev, [{ id: "b", n: 2 }, { id: "a", n: 1 }]);
    expect(moved).not.toBe(prev);
    expect(moved[0]).toBe(prev[1]);
    expect(moved[1]).toBe(prev[0]);
    expect(reuseById(prev, [{ id: "a", n: 1 }])).toEqual([{ id: "a", n: 1 }]);
  });

  it("keeps an equal value whole", () => {
    const prev = { x: [1, 2] };
    expect(reuse(prev, { x: [1, 2] })).toBe(prev);
    const next = { x: [1, 3] };
    expect(reuse(prev, next)).toBe(next);
  });
});

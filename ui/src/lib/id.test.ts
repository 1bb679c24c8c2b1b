import { describe, expect, it } from "vitest";
import { createIdGenerator, newId, uuidv7Time, UUID_V7_RE } from "./id";

describe("UUIDv7 ids", () => {
  it("have the RFC 9562 layout: version 7, variant 10", () => {
    for (let i = 0; i < 200; i++) {
      const id = newId();
      expect(id).toMatch(UUID_V7_RE);
      expect(id[14]).toBe("7");
      expect("89ab").toContain(id[19]);
    }
  });

  it("encode the creation time in the first 48 bits", () => {
    const gen = createIdGenerator(() => 1_767_225_600_123);
    const id = gen();
    expect(uuidv7Time(id)).toBe(1_767_225_600_123);
    const hex = (1_767_225_600_123).toString(16).padStart(12, "0");
    expect(id.slice(0, 8) + id.slice(9, 13)).toBe(hex);
  });

  it("sort in creation order within one millisecond and across a clock step back", () => {
    const t = 1_700_000_000_000;
    const times = [t, t, t, t, t - 5, t - 5, t + 1, t + 1];
    let k = 0;
    const gen = createIdGenerator(() => times[k++ % times.length] ?? t);
    const ids = times.map(() => gen());
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("stay ordered when the per-millisecond counter overflows", () => {
    const gen = createIdGenerator(() => 1_700_000_000_000, (b) => b.fill(0xff));
    const ids = Array.from({ length: 5000 }, () => gen());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(5000);
    // The timestamp moves forward instead of wrapping the counter.
    expect(uuidv7Time(ids[ids.length - 1])).toBeGreaterThan(1_700_000_000_000);
  });

  it("use the random source for the tail", () => {
    const a = createIdGenerator(() => 1, (b) => b.fill(0))();
    const b = createIdGenerator(() => 1, (b2) => b2.fill(0xaa))();
    expect(a.slice(19)).not.toBe(b.slice(19));
    expect(a).toMatch(UUID_V7_RE);
    expect(b).toMatch(UUID_V7_RE);
  });

  it("made by the default generator are monotonic", () => {
    const ids = Array.from({ length: 2000 }, () => newId());
    expect([...ids].sort()).toEqual(ids);
  });
});

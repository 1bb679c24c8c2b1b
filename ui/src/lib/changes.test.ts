import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Changed } from "../bindings/Changed";
import { announce, announceNow, changePending, flushPending, onChanges } from "./changes";

describe("changes", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("merges a burst into one call per reaction, after its own delay", () => {
    const seen: Changed[] = [];
    const stop = onChanges((c) => seen.push(c), 100);
    announce({ ticket_ids: ["a"], other: false });
    announce({ ticket_ids: ["b", "a"], other: true });
    vi.advanceTimersByTime(99);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([{ ticket_ids: ["a", "b"], other: true }]);
    stop();
  });

  it("never calls a reaction that ended, even with a change already waiting", () => {
    const run = vi.fn();
    const stop = onChanges(run, 50);
    announce({ ticket_ids: ["a"], other: false });
    stop();
    vi.advanceTimersByTime(100);
    announce({ ticket_ids: [], other: true });
    vi.advanceTimersByTime(100);
    expect(run).not.toHaveBeenCalled();
  });

  it("ignores a change that touched nothing", () => {
    const run = vi.fn();
    const stop = onChanges(run, 10);
    announce({ ticket_ids: [], other: false });
    vi.advanceTimersByTime(50);
    expect(run).not.toHaveBeenCalled();
    stop();
  });

  it("runs an own change at once, with what was waiting, and waits for the reactions", async () => {
    const seen: Changed[] = [];
    let finished = false;
    const stop = onChanges(async (c) => {
      seen.push(c);
      await Promise.resolve();
      finished = true;
    }, 100);
    announce({ ticket_ids: ["pulled"], other: false });
    await announceNow({ ticket_ids: ["mine"], other: false });
    expect(seen).toEqual([{ ticket_ids: ["pulled", "mine"], other: false }]);
    expect(finished).toBe(true);
    // The waiting batch went out with it: nothing runs again when its delay ends.
    vi.advanceTimersByTime(200);
    expect(seen).toHaveLength(1);
    stop();
  });

  it("says whether a change to a ticket waits, and runs the waiting ones on demand", async () => {
    const seen: Changed[] = [];
    const stop = onChanges((c) => seen.push(c), 150);
    expect(changePending("t1")).toBe(false);
    announce({ ticket_ids: ["t2"], other: false });
    expect(changePending("t1")).toBe(false);
    expect(changePending("t2")).toBe(true);
    announce({ ticket_ids: [], other: true });
    // A change to everything concerns every ticket.
    expect(changePending("t1")).toBe(true);
    await flushPending();
    expect(seen).toEqual([{ ticket_ids: ["t2"], other: true }]);
    expect(changePending("t2")).toBe(false);
    // Nothing waits any more: flushing again runs nothing, and neither does the old timer.
    await flushPending();
    vi.advanceTimersByTime(300);
    expect(seen).toHaveLength(1);
    stop();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { announce, onChanges, type Changes } from "./changes";

describe("changes", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("merges a burst into one call per reaction, after its own delay", () => {
    const seen: Changes[] = [];
    const stop = onChanges((c) => seen.push(c), 100);
    announce({ ticketIds: ["a"], other: false, everything: false });
    announce({ ticketIds: ["b", "a"], other: true, everything: false });
    vi.advanceTimersByTime(99);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([{ ticketIds: ["a", "b"], other: true, everything: false }]);
    stop();
  });

  it("never calls a reaction that ended, even with a change already waiting", () => {
    const run = vi.fn();
    const stop = onChanges(run, 50);
    announce({ ticketIds: ["a"], other: false, everything: false });
    stop();
    vi.advanceTimersByTime(100);
    announce({ ticketIds: [], other: false, everything: true });
    vi.advanceTimersByTime(100);
    expect(run).not.toHaveBeenCalled();
  });

  it("ignores a round that changed nothing", () => {
    const run = vi.fn();
    const stop = onChanges(run, 10);
    announce({ ticketIds: [], other: false, everything: false });
    vi.advanceTimersByTime(50);
    expect(run).not.toHaveBeenCalled();
    stop();
  });
});

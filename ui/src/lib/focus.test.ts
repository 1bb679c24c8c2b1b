import { describe, expect, it } from "vitest";
import { tabStep, wrapTarget } from "./focus";

describe("Tab inside a dialog", () => {
  const items = ["first", "middle", "last"];
  it("wraps from the last to the first and back", () => {
    expect(wrapTarget(items, "last", false)).toBe("first");
    expect(wrapTarget(items, "first", true)).toBe("last");
  });
  it("lets the browser move between the others", () => {
    expect(wrapTarget(items, "middle", false)).toBeNull();
    expect(wrapTarget(items, "middle", true)).toBeNull();
  });
  it("brings focus that is outside back in", () => {
    expect(wrapTarget(items, null, false)).toBe("first");
    expect(wrapTarget(items, "elsewhere", true)).toBe("last");
    expect(wrapTarget([], null, false)).toBeNull();
  });
});

describe("arrows in tabs, toolbars and lists", () => {
  it("follow the reading direction", () => {
    expect(tabStep("ArrowRight", 0, 3, false)).toBe(1);
    expect(tabStep("ArrowLeft", 0, 3, false)).toBe(2);
    // Persian: Left is next.
    expect(tabStep("ArrowLeft", 0, 3, true)).toBe(1);
    expect(tabStep("ArrowRight", 0, 3, true)).toBe(2);
  });
  it("go up and down in vertical lists, whatever the direction", () => {
    expect(tabStep("ArrowDown", 1, 3, true, true)).toBe(2);
    expect(tabStep("ArrowUp", 0, 3, false, true)).toBe(2);
    expect(tabStep("ArrowRight", 0, 3, false, true)).toBeNull();
  });
  it("Home and End go to the ends; other keys are not theirs", () => {
    expect(tabStep("Home", 2, 3, false)).toBe(0);
    expect(tabStep("End", 0, 3, false)).toBe(2);
    expect(tabStep("Enter", 0, 3, false)).toBeNull();
    expect(tabStep("ArrowRight", 0, 0, false)).toBeNull();
  });
});

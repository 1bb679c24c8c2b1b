import { describe, expect, it } from "vitest";
import { listCommand } from "./listbox";

const key = (k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean; code: string }> = {}) => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe("the ticket list's keys", () => {
  it("moves the active row with the arrows, clamped at the ends", () => {
    expect(listCommand(key("ArrowDown"), 3, 10, 5)).toEqual({ kind: "move", to: 4, extend: false });
    expect(listCommand(key("ArrowUp"), 3, 10, 5)).toEqual({ kind: "move", to: 2, extend: false });
    expect(listCommand(key("ArrowDown"), 9, 10, 5)).toEqual({ kind: "move", to: 9, extend: false });
    expect(listCommand(key("ArrowUp"), 0, 10, 5)).toEqual({ kind: "move", to: 0, extend: false });
  });

  it("starts at the first row when none is active yet", () => {
    expect(listCommand(key("ArrowDown"), -1, 10, 5)).toEqual({ kind: "move", to: 0, extend: false });
    expect(listCommand(key("ArrowUp"), -1, 10, 5)).toEqual({ kind: "move", to: 0, extend: false });
    expect(listCommand(key("Enter"), -1, 10, 5)).toBeNull();
    expect(listCommand(key(" "), -1, 10, 5)).toBeNull();
  });

  it("jumps with Home, End and a page at a time (keeping one row of context)", () => {
    expect(listCommand(key("Home"), 5, 10, 4)).toEqual({ kind: "move", to: 0, extend: false });
    expect(listCommand(key("End"), 5, 10, 4)).toEqual({ kind: "move", to: 9, extend: false });
    expect(listCommand(key("PageDown"), 0, 100, 8)).toEqual({ kind: "move", to: 7, extend: false });
    expect(listCommand(key("PageUp"), 50, 100, 8)).toEqual({ kind: "move", to: 43, extend: false });
    expect(listCommand(key("PageDown"), 0, 100, 1)).toEqual({ kind: "move", to: 1, extend: false });
  });

  it("extends the checked range with Shift", () => {
    expect(listCommand(key("ArrowDown", { shiftKey: true }), 2, 10, 5)).toEqual({ kind: "move", to: 3, extend: true });
  });

  it("opens with Enter, checks with Space, all with Ctrl or Cmd+A on any layout, clears with Escape", () => {
    expect(listCommand(key("Enter"), 1, 10, 5)).toEqual({ kind: "open" });
    expect(listCommand(key(" "), 1, 10, 5)).toEqual({ kind: "toggle" });
    expect(listCommand(key("a", { ctrlKey: true }), 1, 10, 5)).toEqual({ kind: "select_all" });
    expect(listCommand(key("a", { metaKey: true }), 1, 10, 5)).toEqual({ kind: "select_all" });
    // A Persian keyboard types ش on the A key.
    expect(listCommand(key("ش", { ctrlKey: true, code: "KeyA" }), 1, 10, 5)).toEqual({ kind: "select_all" });
    expect(listCommand(key("Escape"), 1, 10, 5)).toEqual({ kind: "clear" });
  });

  it("leaves shortcuts, Tab and Alt combinations to the rest of the app", () => {
    expect(listCommand(key("j"), 1, 10, 5)).toBeNull();
    expect(listCommand(key("Tab"), 1, 10, 5)).toBeNull();
    expect(listCommand(key("ArrowDown", { altKey: true }), 1, 10, 5)).toBeNull();
    expect(listCommand(key("k", { ctrlKey: true }), 1, 10, 5)).toBeNull();
    expect(listCommand(key("ArrowDown"), -1, 0, 5)).toBeNull();
  });
});

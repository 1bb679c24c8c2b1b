import { describe, expect, it } from "vitest";
import { isSendCombo, isTypingTarget, resolveShortcut, SHORTCUTS, type KeyLike } from "./shortcuts";

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, typing: false, ...extra });

describe("resolveShortcut", () => {
  it("maps single keys to actions", () => {
    expect(resolveShortcut(key("j"))).toBe("next");
    expect(resolveShortcut(key("k"))).toBe("previous");
    expect(resolveShortcut(key("r"))).toBe("reply");
    expect(resolveShortcut(key("n"))).toBe("note");
    expect(resolveShortcut(key("a"))).toBe("assign_to_me");
    expect(resolveShortcut(key("s"))).toBe("solve");
    expect(resolveShortcut(key("/"))).toBe("focus_search");
    expect(resolveShortcut(key("c"))).toBe("new_ticket");
    expect(resolveShortcut(key("b"))).toBe("knowledge_base");
    expect(resolveShortcut(key("?", { shiftKey: true }))).toBe("help");
    expect(resolveShortcut(key("x"))).toBeNull();
  });

  it("ignores single keys while typing or with modifiers", () => {
    expect(resolveShortcut(key("j", { typing: true }))).toBeNull();
    expect(resolveShortcut(key("s", { ctrlKey: true }))).toBeNull();
    expect(resolveShortcut(key("r", { metaKey: true }))).toBeNull();
    expect(resolveShortcut(key("a", { altKey: true }))).toBeNull();
  });

  it("opens the palette with Ctrl+K or Cmd+K, even while typing", () => {
    expect(resolveShortcut(key("k", { ctrlKey: true }))).toBe("palette");
    expect(resolveShortcut(key("K", { metaKey: true, typing: true }))).toBe("palette");
  });

  it("closes with Escape everywhere", () => {
    expect(resolveShortcut(key("Escape"))).toBe("close");
    expect(resolveShortcut(key("Escape", { typing: true }))).toBe("close");
  });

  it("lists every action once in the help table", () => {
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
    expect(actions).toContain("palette");
  });
});

describe("typing targets and send", () => {
  const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, ...extra }) as unknown as EventTarget;

  it("treats text inputs, textareas, selects and contenteditable as typing", () => {
    expect(isTypingTarget(el("TEXTAREA"))).toBe(true);
    expect(isTypingTarget(el("INPUT", { type: "text" }))).toBe(true);
    expect(isTypingTarget(el("INPUT", { type: "search" }))).toBe(true);
    expect(isTypingTarget(el("SELECT"))).toBe(true);
    expect(isTypingTarget(el("DIV", { isContentEditable: true }))).toBe(true);
  });

  it("does not treat buttons, checkboxes or the page as typing", () => {
    expect(isTypingTarget(el("INPUT", { type: "checkbox" }))).toBe(false);
    expect(isTypingTarget(el("BUTTON"))).toBe(false);
    expect(isTypingTarget(el("DIV", { isContentEditable: false }))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });

  it("sends on Ctrl/Cmd+Enter only", () => {
    expect(isSendCombo({ key: "Enter", ctrlKey: true, metaKey: false })).toBe(true);
    expect(isSendCombo({ key: "Enter", ctrlKey: false, metaKey: true })).toBe(true);
    expect(isSendCombo({ key: "Enter", ctrlKey: false, metaKey: false })).toBe(false);
  });
});

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

  it("works on every layout: letters by the physical key where the layout types no Latin letter", () => {
    // Persian (the key J types ت, K types ن, / types پ's neighbour…), Russian, Greek.
    expect(resolveShortcut(key("ت", { code: "KeyJ" }))).toBe("next");
    expect(resolveShortcut(key("ن", { code: "KeyK" }))).toBe("previous");
    expect(resolveShortcut(key("ق", { code: "KeyR" }))).toBe("reply");
    expect(resolveShortcut(key("ش", { code: "KeyA" }))).toBe("assign_to_me");
    expect(resolveShortcut(key("о", { code: "KeyJ" }))).toBe("next");
    expect(resolveShortcut(key("σ", { code: "KeyS" }))).toBe("solve");
    expect(resolveShortcut(key("؟", { code: "Slash", shiftKey: true }))).toBe("help");
    expect(resolveShortcut(key("ن", { code: "KeyK", ctrlKey: true }))).toBe("palette");
    // Latin layouts keep their letters: AZERTY's A (the US Q key) assigns, its Q does not.
    expect(resolveShortcut(key("a", { code: "KeyQ" }))).toBe("assign_to_me");
    expect(resolveShortcut(key("q", { code: "KeyA" }))).toBeNull();
    // Turkish Q: the dotless ı on the I key is no shortcut; Polish programmer's is US.
    expect(resolveShortcut(key("ı", { code: "KeyI" }))).toBeNull();
    expect(resolveShortcut(key("ą", { code: "KeyA" }))).toBeNull();
    // Still quiet while typing Persian text.
    expect(resolveShortcut(key("ت", { code: "KeyJ", typing: true }))).toBeNull();
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

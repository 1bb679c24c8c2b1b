import { describe, expect, it } from "vitest";
import {
  applyToolbar,
  Autosaver,
  categoryName,
  editorShortcut,
  helpfulPercent,
  imageMarkdown,
  insertBlock,
  localeDir,
  localesToOffer,
  normalizeLocaleTag,
  parseTags,
  suggestionShortcut,
  suggestionText,
  type AutosaveState,
  type TextEdit,
  type Timers,
} from "./kb";

const words = { text: "text", url: "https://" };
const sel = (text: string, start: number, end = start): TextEdit => ({ text, start, end });

describe("toolbar", () => {
  it("wraps the selection and unwraps it again", () => {
    const bold = applyToolbar("bold", sel("say hello now", 4, 9), words);
    expect(bold).toEqual({ text: "say **hello** now", start: 6, end: 11 });
    expect(applyToolbar("bold", bold, words)).toEqual({ text: "say hello now", start: 4, end: 9 });
    expect(applyToolbar("italic", sel("a b", 2, 3), words).text).toBe("a _b_");
  });

  it("inserts a selected placeholder when nothing is selected", () => {
    expect(applyToolbar("bold", sel("", 0), words)).toEqual({ text: "**text**", start: 2, end: 6 });
    expect(applyToolbar("code", sel("x ", 2), words)).toEqual({ text: "x `text`", start: 3, end: 7 });
  });

  it("makes fenced code of a multi-line selection", () => {
    expect(applyToolbar("code", sel("a\nb", 0, 3), words).text).toBe("```\na\nb\n```");
  });

  it("links the selection and selects the url to type over", () => {
    const r = applyToolbar("link", sel("see docs", 4, 8), words);
    expect(r.text).toBe("see [docs](https://)");
    expect(r.text.slice(r.start, r.end)).toBe("https://");
  });

  it("inserts an image at the caret", () => {
    const r = applyToolbar("image", sel("ab", 1), { text: "shot", url: "" }, "attachments/9");
    expect(r.text).toBe("a![shot](attachments/9)b");
    expect(r.start).toBe(r.end);
  });

  it("prefixes and unprefixes whole lines", () => {
    const text = "one\ntwo\nthree";
    const list = applyToolbar("list", sel(text, 1, 6), words);
    expect(list.text).toBe("- one\n- two\nthree");
    expect(applyToolbar("list", list, words).text).toBe(text);
    expect(applyToolbar("numbered", sel(text, 0, text.length), words).text).toBe("1. one\n2. two\n3. three");
    expect(applyToolbar("quote", sel(text, 9), words).text).toBe("one\ntwo\n> three");
    expect(applyToolbar("heading", sel("# Title", 3), words).text).toBe("## Title");
  });

  it("escapes image names", () => {
    expect(imageMarkdown("a]b[c.png", "id1")).toBe("![abc.png](attachments/id1)");
    expect(imageMarkdown("  ", "id1")).toBe("![image](attachments/id1)");
  });
});

describe("editor shortcuts", () => {
  const k = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) => ({
    key,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...mods,
  });
  it("maps Ctrl/Cmd + B I K S", () => {
    expect(editorShortcut(k("b", { ctrlKey: true }))).toBe("bold");
    expect(editorShortcut(k("I", { metaKey: true }))).toBe("italic");
    expect(editorShortcut(k("k", { ctrlKey: true }))).toBe("link");
    expect(editorShortcut(k("s", { metaKey: true }))).toBe("save");
    // A Persian keyboard: Ctrl and the B key (which types ذ) is still bold.
    expect(editorShortcut({ ...k("ذ", { ctrlKey: true }), code: "KeyB" })).toBe("bold");
  });
  it("ignores plain keys and other combinations", () => {
    expect(editorShortcut(k("b"))).toBeNull();
    expect(editorShortcut(k("s", { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(editorShortcut(k("x", { ctrlKey: true }))).toBeNull();
  });
  it("maps Alt+1…5 to suggestions", () => {
    expect(suggestionShortcut({ key: "1", altKey: true, ctrlKey: false, metaKey: false })).toBe(0);
    expect(suggestionShortcut({ key: "¡", code: "Digit5", altKey: true, ctrlKey: false, metaKey: false })).toBe(4);
    expect(suggestionShortcut({ key: "6", altKey: true, ctrlKey: false, metaKey: false })).toBeNull();
    expect(suggestionShortcut({ key: "1", altKey: false, ctrlKey: false, metaKey: false })).toBeNull();
  });
});

/** Timers the test fires by hand. */
function fakeTimers() {
  let next = 0;
  const pending = new Map<number, () => void>();
  const timers: Timers = {
    set: (fn) => {
      pending.set(++next, fn);
      return next;
    },
    clear: (h) => pending.delete(h as number),
  };
  return {
    timers,
    fire: () => {
      const fns = [...pending.values()];
      pending.clear();
      fns.forEach((f) => f());
    },
    count: () => pending.size,
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("autosave", () => {
  it("saves the last edit once typing pauses", async () => {
    const t = fakeTimers();
    const written: string[] = [];
    const states: AutosaveState[] = [];
    const a = new Autosaver<string>(async (v) => void written.push(v), (s) => states.push(s), 1000, t.timers);
    a.edit("a");
    a.edit("ab");
    a.edit("abc");
    expect(t.count()).toBe(1);
    expect(written).toEqual([]);
    t.fire();
    await tick();
    expect(written).toEqual(["abc"]);
    expect(a.state).toBe("saved");
    expect(states).toEqual(["dirty", "dirty", "dirty", "saving", "saved"]);
  });

  it("flushes at once (blur, close) and does nothing when clean", async () => {
    const t = fakeTimers();
    const written: string[] = [];
    const a = new Autosaver<string>(async (v) => void written.push(v), () => {}, 1000, t.timers);
    await a.flush();
    expect(written).toEqual([]);
    a.edit("x");
    await a.flush();
    expect(written).toEqual(["x"]);
    expect(t.count()).toBe(0);
  });

  it("saves edits made during a save right after it", async () => {
    const t = fakeTimers();
    const written: string[] = [];
    let release: () => void = () => {};
    const a = new Autosaver<string>(
      (v) => {
        written.push(v);
        return written.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
      () => {},
      1000,
      t.timers,
    );
    a.edit("one");
    const first = a.flush();
    a.edit("two");
    const second = a.flush();
    release();
    await first;
    await second;
    expect(written).toEqual(["one", "two"]);
    expect(a.state).toBe("saved");
  });

  it("keeps the value after a failed write and retries it", async () => {
    const t = fakeTimers();
    let fail = true;
    const written: string[] = [];
    const a = new Autosaver<string>(
      async (v) => {
        if (fail) throw new Error("disk full");
        written.push(v);
      },
      () => {},
      1000,
      t.timers,
    );
    a.edit("keep me");
    await a.flush();
    expect(a.state).toBe("error");
    expect(a.hasPending).toBe(true);
    fail = false;
    await a.flush();
    expect(written).toEqual(["keep me"]);
  });

  it("reset forgets pending edits", async () => {
    const t = fakeTimers();
    const written: string[] = [];
    const a = new Autosaver<string>(async (v) => void written.push(v), () => {}, 1000, t.timers);
    a.edit("x");
    a.reset();
    t.fire();
    await a.flush();
    expect(written).toEqual([]);
    expect(a.state).toBe("clean");
  });
});

describe("locales", () => {
  it("knows right-to-left languages and scripts", () => {
    expect(localeDir("fa")).toBe("rtl");
    expect(localeDir("fa-IR")).toBe("rtl");
    expect(localeDir("ar")).toBe("rtl");
    expect(localeDir("he")).toBe("rtl");
    expect(localeDir("pa-Arab")).toBe("rtl");
    expect(localeDir("ks-Deva")).toBe("ltr");
    expect(localeDir("en")).toBe("ltr");
    expect(localeDir("tr")).toBe("ltr");
  });
  it("normalises BCP-47 tags", () => {
    expect(normalizeLocaleTag("pt_br")).toBe("pt-BR");
    expect(normalizeLocaleTag(" ZH-hant-tw ")).toBe("zh-Hant-TW");
    expect(normalizeLocaleTag("FA")).toBe("fa");
    expect(normalizeLocaleTag("english!")).toBeNull();
    expect(normalizeLocaleTag("")).toBeNull();
    expect(normalizeLocaleTag("x")).toBeNull();
  });
  it("offers the app's languages first, minus existing ones", () => {
    expect(localesToOffer(["en", "fa"])).toEqual(["tr", "pl"]);
  });
  it("names categories in the UI language when it can", () => {
    expect(categoryName({ en: "Billing", tr: "Fatura" }, "tr")).toBe("Fatura");
    expect(categoryName({ en: "Billing" }, "pl")).toBe("Billing");
    expect(categoryName({ fa: "صورتحساب" }, "pl")).toBe("صورتحساب");
  });
});

describe("misc", () => {
  it("computes helpful percentages", () => {
    expect(helpfulPercent({ article_id: "a", helpful: 3, not_helpful: 1 })).toBe(75);
    expect(helpfulPercent({ article_id: "a", helpful: 0, not_helpful: 0 })).toBeNull();
  });
  it("parses tags", () => {
    expect(parseTags("Billing, refunds  vat,billing")).toEqual(["billing", "refunds", "vat"]);
  });
  it("builds suggestion text for link and content", () => {
    const s = { article_id: "a", locale: "en", title: "Refunds", excerpt: "", body_markdown: "Step 1\n", url: "https://h/x" };
    expect(suggestionText(s, "link")).toBe("Refunds: https://h/x");
    expect(suggestionText(s, "content")).toBe("Refunds\n\nStep 1");
    expect(suggestionText({ ...s, url: null }, "link")).toBe("Refunds\n\nStep 1");
  });
  it("inserts blocks on their own paragraph", () => {
    expect(insertBlock(sel("Hi", 2), "X").text).toBe("Hi\n\nX");
    expect(insertBlock(sel("", 0), "X").text).toBe("X");
    expect(insertBlock(sel("Hi\nBye", 3), "X").text).toBe("Hi\n\nX\n\nBye");
  });
});

import { describe, expect, it } from "vitest";
import { formatBytes, initials, MAX_ATTACHMENT_BYTES, oversizeFiles, relativeTime, renderSnippet, snippetSegments, splitList, ticketNumber } from "./format";

describe("attachment size check", () => {
  it("refuses files over 25 MB with their size, and keeps the rest", () => {
    const files = [
      { name: "scan.pdf", size: Math.round(30.2 * 1024 * 1024) },
      { name: "ok.png", size: 1024 },
      { name: "exact.zip", size: MAX_ATTACHMENT_BYTES },
    ];
    expect(oversizeFiles(files)).toEqual([{ name: "scan.pdf", size: "30.2 MB", max: "25 MB" }]);
  });

  it("formats sizes in binary units", () => {
    expect(formatBytes(12)).toBe("12 B");
    expect(formatBytes(2048)).toBe("2 KB");
    expect(formatBytes(1.5 * 1024 * 1024)).toBe("1.5 MB");
    expect(formatBytes(1.5 * 1024 * 1024, "pl")).toBe("1,5 MB");
  });
});

describe("search snippets", () => {
  const parts = [
    { text: "I want a ", hit: false },
    { text: "", hit: true },
    { text: "refund", hit: true },
    { text: " please", hit: false },
    { text: " <b>now</b>", hit: false },
  ];

  it("merges neighbours and drops empty parts", () => {
    expect(snippetSegments(parts)).toEqual([
      { text: "I want a ", hit: false },
      { text: "refund", hit: true },
      { text: " please <b>now</b>", hit: false },
    ]);
  });

  it("builds text nodes and <mark>s without ever parsing HTML", () => {
    type Node = { kind: string; text?: string; children: Node[]; appendChild(n: Node): Node };
    const make = (kind: string, text?: string): Node => {
      const n: Node = { kind, text, children: [], appendChild: (c) => (n.children.push(c), c) };
      return n;
    };
    const doc = {
      createDocumentFragment: () => make("#fragment"),
      createElement: (tag: string) => make(tag),
      createTextNode: (text: string) => make("#text", text),
    } as unknown as Document;
    const frag = renderSnippet(parts, doc) as unknown as Node;
    expect(frag.children.map((c) => c.kind)).toEqual(["#text", "mark", "#text"]);
    expect(frag.children[1].children[0]).toMatchObject({ kind: "#text", text: "refund" });
    expect(frag.children[2].text).toBe(" please <b>now</b>");
  });
});

describe("small formatters", () => {
  it("shows ticket numbers or nothing when pending", () => {
    expect(ticketNumber(1042)).toBe("#1042");
    expect(ticketNumber(null)).toBeNull();
  });

  it("formats relative times in the locale", () => {
    const now = 1_700_000_000_000;
    expect(relativeTime(now - 2 * 60_000, now, "en")).toBe("2 min. ago");
    expect(relativeTime(now - 10_000, now, "en")).toBe("now");
    expect(relativeTime(now - 3 * 3_600_000, now, "en", "long")).toBe("3 hours ago");
    expect(relativeTime(now - 86_400_000, now, "en", "long")).toBe("yesterday");
    expect(relativeTime(now - 2 * 3_600_000, now, "tr", "long")).toBe("2 saat önce");
  });

  it("makes initials and splits lists", () => {
    expect(initials("Ayşe Yılmaz")).toBe("AY");
    expect(initials("élodie")).toBe("É");
    expect(initials("  ")).toBe("?");
    expect(splitList(" a, b ,,c ")).toEqual(["a", "b", "c"]);
  });
});

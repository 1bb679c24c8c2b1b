import { describe, expect, it } from "vitest";
import { insertMention, matchAgents, mentionQuery } from "./mention";

const agents = [
  { id: "1", name: "Ada Lovelace", email: "ada@example.com", active: true },
  { id: "2", name: "Bo Chen", email: "bo@example.com", active: true },
  { id: "3", name: "Adam Smith", email: "adam@example.com", active: false },
  { id: "4", name: "Zeynep Şahin", email: "z@example.com", active: true },
];

describe("mentionQuery", () => {
  it("finds the @query the caret ends", () => {
    expect(mentionQuery("hi @ad", 6)).toEqual({ start: 3, query: "ad" });
    expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionQuery("ping @Ada Lo", 12)).toEqual({ start: 5, query: "Ada Lo" });
    expect(mentionQuery("(@bo", 4)).toEqual({ start: 1, query: "bo" });
  });
  it("ignores e-mail addresses, finished lines and stray spaces", () => {
    expect(mentionQuery("mail ada@example", 16)).toBeNull();
    expect(mentionQuery("@ada\nnext", 9)).toBeNull();
    expect(mentionQuery("@ ada", 5)).toBeNull();
    expect(mentionQuery("no at sign", 10)).toBeNull();
    expect(mentionQuery("@ada  two spaces", 16)).toBeNull();
  });
});

describe("matchAgents", () => {
  it("matches active agents by name, any word, or e-mail; best first", () => {
    expect(matchAgents(agents, "ad").map((a) => a.id)).toEqual(["1"]);
    expect(matchAgents(agents, "chen").map((a) => a.id)).toEqual(["2"]);
    expect(matchAgents(agents, "şa").map((a) => a.id)).toEqual(["4"]);
    expect(matchAgents(agents, "").map((a) => a.id)).toEqual(["1", "2", "4"]);
    expect(matchAgents(agents, "xyz")).toEqual([]);
  });
});

describe("insertMention", () => {
  it("replaces the query with the full name and a space", () => {
    const text = "hi @ad please";
    const q = mentionQuery(text, 6)!;
    expect(insertMention(text, q, 6, "Ada Lovelace")).toEqual({ text: "hi @Ada Lovelace please", caret: 17 });
    const end = "@bo";
    expect(insertMention(end, mentionQuery(end, 3)!, 3, "Bo Chen")).toEqual({ text: "@Bo Chen ", caret: 9 });
  });
});

// @mentions in internal notes: which "@…" the caret is in, which agents match it, and the
// text with the chosen name put in. The store's parser (domain `notify::mentions`) reads
// exactly the form inserted here: "@" + the agent's full name.

export interface MentionQuery {
  /** Index of the "@". */
  start: number;
  /** What follows the "@" up to the caret. */
  query: string;
}

/** The longest name part typed after "@" that still counts as a query. */
const MAX_QUERY = 40;

/** The "@query" the caret is at the end of, if any: "@" at the start or after a space or
 *  punctuation, no line break in between. */
export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf("@");
  if (at < 0) return null;
  const query = before.slice(at + 1);
  if (query.length > MAX_QUERY || /[\n@]/.test(query) || /^\s/.test(query) || /\s{2}/.test(query)) return null;
  const prev = at > 0 ? before[at - 1] : "";
  if (prev && /[\p{L}\p{N}]/u.test(prev)) return null;
  return { start: at, query };
}

export interface Mentionable {
  id: string;
  name: string;
  email: string;
  active: boolean;
}

/** Active agents whose name (any word of it) or e-mail starts with the query, best first. */
export function matchAgents<T extends Mentionable>(agents: T[], query: string, limit = 6): T[] {
  const q = query.toLocaleLowerCase();
  const score = (a: T): number => {
    const name = a.name.toLocaleLowerCase();
    if (name.startsWith(q)) return 0;
    if (name.split(/\s+/).some((w) => w.startsWith(q))) return 1;
    if (a.email.toLocaleLowerCase().startsWith(q)) return 2;
    return -1;
  };
  return agents
    .filter((a) => a.active)
    .map((a) => ({ a, s: score(a) }))
    .filter((x) => x.s >= 0)
    .sort((x, y) => x.s - y.s || x.a.name.localeCompare(y.a.name))
    .slice(0, limit)
    .map((x) => x.a);
}

/** The text with "@query" replaced by "@Name " and where the caret goes after it. */
export function insertMention(text: string, q: MentionQuery, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  const after = text.slice(caret).replace(/^ /, "");
  return { text: text.slice(0, q.start) + inserted + after, caret: q.start + inserted.length };
}

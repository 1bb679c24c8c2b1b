// A stand-in backend for looking at the UI in a plain browser (`vite --mode mock`). It is
// imported only when import.meta.env.MODE === "mock", so production builds never contain it.
// URL parameters: ?welcome (first run), ?locale=fa, ?theme=dark, ?open=1 (open the first ticket),
// ?palette, ?newticket, ?settings, ?help, ?select=3 (select rows), ?note (note mode).
import type { Agent } from "../bindings/Agent";
import type { Customer } from "../bindings/Customer";
import type { DomainError } from "../bindings/DomainError";
import type { Group } from "../bindings/Group";
import type { Message } from "../bindings/Message";
import type { Mutation } from "../bindings/Mutation";
import type { Organization } from "../bindings/Organization";
import type { PageCursor } from "../bindings/PageCursor";
import type { Priority } from "../bindings/Priority";
import type { SearchResults } from "../bindings/SearchResults";
import type { Ticket } from "../bindings/Ticket";
import type { TicketEvent } from "../bindings/TicketEvent";
import type { TicketStatus } from "../bindings/TicketStatus";
import type { TicketSummary } from "../bindings/TicketSummary";
import type { ViewInfo } from "../bindings/ViewInfo";
import { newId } from "../lib/id";

const params = new URLSearchParams(location.search);
const NOW = Date.now();
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

const me: Agent = { id: "agent-me", name: "Ayşe Yılmaz", email: "ayse@porchlight.test", role: "admin", active: true };
const agents: Agent[] = [
  me,
  { id: "agent-2", name: "Tomasz Nowak", email: "tomasz@porchlight.test", role: "agent", active: true },
  { id: "agent-3", name: "Sara Ahmadi", email: "sara@porchlight.test", role: "agent", active: true },
  { id: "agent-4", name: "Liam Carter", email: "liam@porchlight.test", role: "agent", active: true },
];
const groups: Group[] = [
  { id: "g-billing", name: "Billing", description: "" },
  { id: "g-support", name: "Support", description: "" },
  { id: "g-shipping", name: "Shipping", description: "" },
];
const orgs: Organization[] = [
  { id: "o-1", name: "Kahve Dünyası Ltd", domains: ["kahve.example"], notes: "" },
  { id: "o-2", name: "Nordwind GmbH", domains: ["nordwind.example"], notes: "" },
  { id: "o-3", name: "Piekarnia Kowalski", domains: ["piekarnia.example"], notes: "" },
];
const names = ["Mehmet Demir", "Anna Kowalska", "Reza Karimi", "Emily Clark", "Zeynep Kaya", "Jan Wiśniewski", "Maryam Hosseini", "Oliver Smith", "Elif Şahin", "Piotr Zieliński", "Niloufar Rahimi", "Grace Miller"];
const customers: Customer[] = names.map((name, i) => ({
  id: `c-${i}`,
  name,
  emails: [`${name.split(" ")[0].toLowerCase().normalize("NFD").replace(/[^a-z]/g, "")}@example.com`],
  phone: i % 3 === 0 ? `+90 555 010 ${String(10 + i).padStart(2, "0")}` : "",
  organization_id: i % 4 === 0 ? orgs[i % 3].id : null,
  organization_name: i % 4 === 0 ? orgs[i % 3].name : null,
  language: pick(["en", "tr", "pl", "fa"]),
  notes: i === 0 ? "Prefers phone calls in the afternoon. VIP since 2023." : "",
  created_at: NOW - 400 * 86_400_000,
}));
const subjects = [
  "Refund for double charge on invoice",
  "Order #55812 has not arrived yet",
  "Cannot log in after password reset",
  "Wrong size delivered — exchange please",
  "Question about business pricing",
  "Invoice address needs to change",
  "App crashes when exporting reports",
  "Payment declined but money taken",
  "How do I add a second user?",
  "Delivery left at the wrong address",
  "Discount code not accepted at checkout",
  "Request to close my account",
];
const bodies = [
  "Hello,\n\nI was charged twice for my last order. Could you please refund one of the payments?\n\nThanks,\n",
  "Hi, my package was supposed to arrive on Monday but tracking hasn't moved in four days.",
  "After resetting my password I get \"invalid credentials\" every time. I tried two browsers.",
  "The jacket I received is an L, I ordered an M. How can I exchange it?",
];
const tagPool = ["refund", "vip", "shipping", "bug", "billing", "exchange", "login"];

const tickets: Ticket[] = [];
const messages = new Map<string, Message[]>();
const events = new Map<string, TicketEvent[]>();
const statuses: TicketStatus[] = ["new", "open", "open", "open", "pending", "on_hold", "solved", "closed"];
const priorities: Priority[] = ["low", "normal", "normal", "normal", "high", "urgent"];
const COUNT = Number(params.get("count") ?? 400);
for (let i = 0; i < COUNT; i++) {
  const c = pick(customers);
  const a = rnd() < 0.3 ? null : pick(agents);
  const g = rnd() < 0.4 ? null : pick(groups);
  const created = NOW - Math.floor(rnd() * 60 * 86_400_000);
  const updated = created + Math.floor(rnd() * rnd() * (NOW - 60_000 - created));
  const body = pick(bodies);
  const id = `t-${String(i).padStart(5, "0")}`;
  const t: Ticket = {
    id,
    number: i === COUNT - 1 ? null : 1000 + i,
    subject: pick(subjects),
    status: pick(statuses),
    priority: pick(priorities),
    ticket_type: pick(["question", "incident", "problem", "task"] as const),
    channel: pick(["email", "web", "phone", "chat", "walk_in"] as const),
    requester_id: c.id,
    requester_name: c.name,
    assignee_id: a?.id ?? null,
    assignee_name: a?.name ?? null,
    group_id: g?.id ?? null,
    group_name: g?.name ?? null,
    language: c.language,
    preview: body.replace(/\s+/g, " ").slice(0, 140),
    message_count: 3,
    created_at: created,
    updated_at: updated,
    tags: rnd() < 0.5 ? [pick(tagPool)] : [],
    first_response_at: null,
    last_customer_message_at: created,
    last_agent_reply_at: null,
    solved_at: null,
    reopen_count: 0,
    merged_into_id: null,
    deleted_at: null,
    version: 1,
  };
  tickets.push(t);
  const agent = a ?? me;
  messages.set(id, [
    { id: `${id}-m1`, ticket_id: id, kind: "reply", author_kind: "customer", author_id: c.id, author_name: c.name, body_text: body + "\n" + c.name.split(" ")[0], body_html: null, has_blocked_images: false, attachments: i % 5 === 0 ? [{ id: "att-1", filename: "receipt-2026-03.pdf", mime: "application/pdf", size: 182_344, sha256: "" }] : [], created_at: created },
    { id: `${id}-m2`, ticket_id: id, kind: "note", author_kind: "agent", author_id: agent.id, author_name: agent.name, body_text: "Checked the payment provider: two captures with the same amount. Refund the second one.", body_html: null, has_blocked_images: false, attachments: [], created_at: created + 3_600_000 },
    { id: `${id}-m3`, ticket_id: id, kind: "system", author_kind: "system", author_id: null, author_name: "Porchlight", body_text: `${agent.name} assigned the ticket to ${agent.name}`, body_html: null, has_blocked_images: false, attachments: [], created_at: created + 3_700_000 },
    { id: `${id}-m4`, ticket_id: id, kind: "reply", author_kind: "agent", author_id: agent.id, author_name: agent.name, body_text: "", body_html: `<p>Hi ${c.name.split(" ")[0]},</p><p>Thanks for reaching out — I've refunded the duplicate charge. It should show up within 3–5 business days. You can follow it on <a href="https://example.com/refunds">the refunds page</a>.</p><blockquote>I was charged twice for my last order.</blockquote><p>Best,<br>${agent.name}</p>`, has_blocked_images: true, attachments: [], created_at: updated },
  ]);
  events.set(id, [
    { id: `${id}-e1`, ticket_id: id, actor_id: c.id, actor_name: c.name, field: "created", old_value: null, new_value: t.channel, created_at: created },
    { id: `${id}-e2`, ticket_id: id, actor_id: agent.id, actor_name: agent.name, field: "assignee", old_value: null, new_value: agent.name, created_at: created + 3_700_000 },
    { id: `${id}-e3`, ticket_id: id, actor_id: agent.id, actor_name: agent.name, field: "status", old_value: "new", new_value: t.status, created_at: updated },
  ]);
}

const savedViews: ViewInfo[] = [{ id: "v-urgent", name: "Urgent billing", builtin: false, filters: [{ field: "priority", values: ["urgent"] }], count: 0 }];
let hasProfile = !params.has("welcome");
let tags = new Set(tagPool);

const open = (t: Ticket) => t.status !== "solved" && t.status !== "closed";
const live = () => tickets.filter((t) => t.deleted_at === null && t.merged_into_id === null);
const BUILTIN: Record<string, (t: Ticket) => boolean> = {
  unassigned: (t) => open(t) && t.assignee_id === null,
  mine: (t) => open(t) && t.assignee_id === me.id,
  open,
  pending: (t) => t.status === "pending",
  solved: (t) => t.status === "solved",
};
function matcher(viewId: string): (t: Ticket) => boolean {
  if (BUILTIN[viewId]) return BUILTIN[viewId];
  const v = savedViews.find((x) => x.id === viewId);
  if (!v) return () => false;
  return (t) =>
    v.filters.every((f) =>
      f.values.some((val) => {
        switch (f.field) {
          case "status": return t.status === val;
          case "priority": return t.priority === val;
          case "tag": return t.tags.includes(val);
          case "channel": return t.channel === val;
          default: return true;
        }
      }),
    );
}
function summary(t: Ticket): TicketSummary {
  const { tags: _a, first_response_at: _b, last_customer_message_at: _c, last_agent_reply_at: _d, solved_at: _e, reopen_count: _f, merged_into_id: _g, deleted_at: _h, version: _i, ...s } = t;
  return s;
}
const rank: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
function fail(code: DomainError["code"], field: string | null, message: string): never {
  throw { code, field, message } satisfies DomainError;
}
const FIELDS = ["status", "priority", "type", "channel", "assignee", "group", "tag", "requester", "from", "created_after", "created_before", "updated_after", "updated_before"];

function apply(m: Mutation): void {
  const touch = (id: string) => {
    const t = tickets.find((x) => x.id === id) ?? fail("not_found", null, `No ticket with id ${id} exists.`);
    t.updated_at = Date.now();
    return t;
  };
  const ev = (t: Ticket, field: string, o: string | null, n: string | null) =>
    events.get(t.id)?.push({ id: newId(), ticket_id: t.id, actor_id: me.id, actor_name: me.name, field, old_value: o, new_value: n, created_at: Date.now() });
  switch (m.name) {
    case "create_ticket": {
      const a = m.args;
      if (!a.subject.trim()) fail("empty_field", "subject", "The subject must not be empty.");
      if (!a.body_text.trim()) fail("empty_field", "message", "The message must not be empty.");
      let cust: Customer;
      if (a.requester.kind === "new") {
        const r = a.requester;
        if (!r.name.trim()) fail("empty_field", "customer_name", "The customer name must not be empty.");
        if (r.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(r.email)) fail("invalid_email", "email", `'${r.email}' is not a valid e-mail address.`);
        cust = { id: r.id, name: r.name, emails: r.email ? [r.email] : [], phone: r.phone ?? "", organization_id: null, organization_name: null, language: "en", notes: "", created_at: Date.now() };
        customers.push(cust);
      } else {
        const id = a.requester.id;
        cust = customers.find((c) => c.id === id) ?? fail("not_found", "requester", "No such customer.");
      }
      const now = Date.now();
      const t: Ticket = { id: a.ticket_id, number: 1000 + tickets.length, subject: a.subject.trim(), status: "new", priority: a.priority, ticket_type: a.ticket_type, channel: a.channel, requester_id: cust.id, requester_name: cust.name, assignee_id: a.assignee_id, assignee_name: agents.find((x) => x.id === a.assignee_id)?.name ?? null, group_id: a.group_id, group_name: groups.find((g) => g.id === a.group_id)?.name ?? null, language: "en", preview: a.body_text.slice(0, 140), message_count: 1, created_at: now, updated_at: now, tags: a.tags, first_response_at: null, last_customer_message_at: now, last_agent_reply_at: null, solved_at: null, reopen_count: 0, merged_into_id: null, deleted_at: null, version: 1 };
      tickets.push(t);
      messages.set(t.id, [{ id: a.message_id, ticket_id: t.id, kind: "reply", author_kind: "customer", author_id: cust.id, author_name: cust.name, body_text: a.body_text, body_html: null, has_blocked_images: false, attachments: [], created_at: now }]);
      events.set(t.id, []);
      ev(t, "created", null, a.channel);
      return;
    }
    case "add_message": {
      const a = m.args;
      if (!a.body_text.trim()) fail("empty_field", "message", "The message must not be empty.");
      const t = touch(a.ticket_id);
      messages.get(t.id)?.push({ id: a.message_id, ticket_id: t.id, kind: a.kind, author_kind: "agent", author_id: me.id, author_name: me.name, body_text: a.body_text, body_html: null, has_blocked_images: false, attachments: [], created_at: Date.now() });
      return;
    }
    case "set_ticket_fields": {
      const t = touch(m.args.ticket_id);
      const c = m.args.changes;
      if (c.subject !== undefined) {
        if (!c.subject.trim()) fail("empty_field", "subject", "The subject must not be empty.");
        ev(t, "subject", t.subject, c.subject);
        t.subject = c.subject.trim();
      }
      if (c.status) { ev(t, "status", t.status, c.status); t.status = c.status; }
      if (c.priority) { ev(t, "priority", t.priority, c.priority); t.priority = c.priority; }
      if (c.ticket_type) { ev(t, "type", t.ticket_type, c.ticket_type); t.ticket_type = c.ticket_type; }
      if (c.assignee_id !== undefined) {
        const n = agents.find((x) => x.id === c.assignee_id)?.name ?? null;
        ev(t, "assignee", t.assignee_name, n);
        t.assignee_id = c.assignee_id;
        t.assignee_name = n;
      }
      if (c.group_id !== undefined) {
        const n = groups.find((x) => x.id === c.group_id)?.name ?? null;
        ev(t, "group", t.group_name, n);
        t.group_id = c.group_id;
        t.group_name = n;
      }
      return;
    }
    case "add_tag": {
      const t = touch(m.args.ticket_id);
      const tag = m.args.tag.trim().toLowerCase();
      if (!tag) fail("empty_field", "tag", "The tag must not be empty.");
      if (!t.tags.includes(tag)) { t.tags = [...t.tags, tag]; ev(t, "tag", null, tag); }
      tags.add(tag);
      return;
    }
    case "remove_tag": {
      const t = touch(m.args.ticket_id);
      t.tags = t.tags.filter((x) => x !== m.args.tag);
      ev(t, "tag", m.args.tag, null);
      return;
    }
    case "merge_tickets": {
      const s = touch(m.args.source_id);
      const d = touch(m.args.target_id);
      s.merged_into_id = d.id;
      s.status = "closed";
      ev(s, "merged_into", null, `#${d.number}`);
      ev(d, "merged_from", null, `#${s.number}`);
      return;
    }
    case "delete_ticket":
      touch(m.args.ticket_id).deleted_at = Date.now();
      return;
    case "save_customer": {
      const c = customers.find((x) => x.id === m.args.id) ?? fail("not_found", null, "No such customer.");
      if (!m.args.name.trim()) fail("empty_field", "customer_name", "The customer name must not be empty.");
      Object.assign(c, { ...m.args, organization_name: orgs.find((o) => o.id === m.args.organization_id)?.name ?? null });
      return;
    }
    case "save_agent":
      Object.assign(me, m.args);
      return;
    case "save_group": {
      if (!m.args.name.trim()) fail("empty_field", "group_name", "The group name must not be empty.");
      const g = groups.find((x) => x.id === m.args.id);
      if (g) Object.assign(g, m.args);
      else groups.push({ ...m.args });
      return;
    }
    case "create_tag":
      tags.add(m.args.name);
      return;
    case "delete_tag":
      tags.delete(m.args.name);
      return;
    case "save_view": {
      const a = m.args;
      if (!a.name.trim()) fail("empty_field", "view_name", "The view name must not be empty.");
      for (const f of a.filters) {
        if (!FIELDS.includes(f.field)) fail("unknown_field", f.field, `'${f.field}' is not a field a view can filter on; use one of: ${FIELDS.join(", ")}.`);
      }
      const v = savedViews.find((x) => x.id === a.id);
      if (v) Object.assign(v, { name: a.name, filters: a.filters });
      else savedViews.push({ id: a.id, name: a.name, builtin: false, filters: a.filters, count: 0 });
      return;
    }
    case "delete_view": {
      const i = savedViews.findIndex((x) => x.id === m.args.id);
      if (i >= 0) savedViews.splice(i, 1);
      return;
    }
    default:
      return;
  }
}

function search(query: string, limit: number): SearchResults {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w && !w.includes(":"));
  const hits = live()
    .filter((t) => words.every((w) => (t.subject + " " + t.preview + " " + t.requester_name).toLowerCase().includes(w)))
    .sort((a, b) => b.updated_at - a.updated_at)
    .slice(0, limit)
    .map((t) => {
      const text = t.preview;
      const w = words[0] ?? "";
      const i = w ? text.toLowerCase().indexOf(w) : -1;
      const snippet = i < 0 ? [{ text: text.slice(0, 100), hit: false }] : [
        { text: text.slice(Math.max(0, i - 40), i), hit: false },
        { text: text.slice(i, i + w.length), hit: true },
        { text: text.slice(i + w.length, i + 80), hit: false },
      ];
      return { ticket: summary(t), matched_in: i < 0 ? "subject" : "message", snippet };
    });
  return { hits, truncated: false };
}

type Args = Record<string, unknown>;
const delay = <T>(v: T) => new Promise<T>((r) => setTimeout(() => r(v), 15));

export async function mockInvoke(cmd: string, args?: unknown): Promise<unknown> {
  const a = (args ?? {}) as Args;
  switch (cmd) {
    case "workspace_info":
      return delay({ profile: hasProfile ? me : null, data_dir: "/home/ayse/.local/share/porchlight", locale: params.get("locale") ?? "en", theme: params.get("theme") ?? "light", ticket_count: tickets.length });
    case "create_profile":
      if (!String(a.name).trim()) fail("empty_field", "agent_name", "The agent name must not be empty.");
      hasProfile = true;
      Object.assign(me, { name: a.name, email: a.email });
      return delay(me);
    case "set_preference":
      return delay(null);
    case "load_demo_data":
      return delay(tickets.length);
    case "views": {
      const all = live();
      const b = ["unassigned", "mine", "open", "pending", "solved"].map<ViewInfo>((id) => ({ id, name: null, builtin: true, filters: [], count: all.filter(BUILTIN[id]).length }));
      return delay([...b, ...savedViews.map((v) => ({ ...v, count: all.filter(matcher(v.id)).length }))]);
    }
    case "ticket_page": {
      const sort = a.sort as string;
      const key = (t: Ticket) => (sort === "created" ? t.created_at : sort === "priority" ? rank[t.priority] * 1e13 + t.updated_at : t.updated_at);
      const rows = live().filter(matcher(a.view_id as string)).sort((x, y) => key(y) - key(x) || (y.id < x.id ? -1 : 1));
      const cursor = a.cursor as PageCursor | null;
      const start = cursor ? rows.findIndex((r) => r.id === cursor.id) + 1 : 0;
      const page = rows.slice(start, start + (a.limit as number));
      const last = page[page.length - 1];
      return delay({ rows: page.map(summary), next: start + page.length < rows.length && last ? { key: key(last), key2: 0, id: last.id } : null });
    }
    case "ticket_detail": {
      const t = tickets.find((x) => x.id === a.ticket_id) ?? fail("not_found", null, "No such ticket.");
      const shown = a.show_images as string[];
      const msgs = (messages.get(t.id) ?? []).map((m) =>
        m.has_blocked_images && shown.includes(m.id) ? { ...m, has_blocked_images: false } : m,
      );
      const requester = customers.find((c) => c.id === t.requester_id)!;
      const others = live().filter((x) => x.requester_id === t.requester_id).sort((x, y) => y.updated_at - x.updated_at).slice(0, 6).map(summary);
      return delay({ ticket: { ...t }, messages: msgs, events: [...(events.get(t.id) ?? [])], requester: { ...requester }, requester_tickets: others });
    }
    case "mutate":
      apply(a.mutation as Mutation);
      return delay(null);
    case "mutate_many":
      for (const m of a.mutations as Mutation[]) apply(m);
      return delay(null);
    case "search":
      if (/status:(?!new|open|pending|on_hold|solved|closed|unsolved)\S+/.test(a.query as string)) fail("invalid_value", "status", "'frozen' is not a valid status.");
      return delay(search(a.query as string, a.limit as number));
    case "find_customers": {
      const q = String(a.query).toLowerCase();
      return delay(customers.filter((c) => (c.name + " " + c.emails.join(" ")).toLowerCase().includes(q)).slice(0, a.limit as number).map((c) => ({ id: c.id, name: c.name, email: c.emails[0] ?? null, organization_name: c.organization_name, open_tickets: live().filter((t) => t.requester_id === c.id && open(t)).length })));
    }
    case "customer":
      return delay(customers.find((c) => c.id === a.customer_id) ?? fail("not_found", null, "No such customer."));
    case "organizations":
      return delay(orgs);
    case "agents":
      return delay(agents);
    case "groups":
      return delay([...groups]);
    case "tags":
      return delay([...tags].sort().map((name) => ({ name, ticket_count: live().filter((t) => t.tags.includes(name)).length })));
    case "stage_attachment":
      return delay({ id: newId(), filename: "file.bin", mime: "application/octet-stream", size: (args as Uint8Array).length, sha256: "" });
    case "open_attachment":
    case "open_link":
      return delay(null);
    default:
      return fail("not_found", null, `Unknown command ${cmd}`);
  }
}

export async function mockListen(_event: string, _handler: () => void): Promise<() => void> {
  return () => {};
}

/** Drives the UI into a state for a screenshot, from URL parameters. */
export const screenshotParams = params;

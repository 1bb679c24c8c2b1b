// The configuration editors' pure logic: which value picker a rule condition needs, keeping a
// condition valid when its field changes, targets as h:mm, errors placed beside the field the
// backend names, .ics holidays merged, ordering, and the composer's "/" macro trigger.
import type { BusinessCalendar } from "../bindings/BusinessCalendar";
import type { DomainError } from "../bindings/DomainError";
import type { Holiday } from "../bindings/Holiday";
import type { Macro } from "../bindings/Macro";
import type { Mutation } from "../bindings/Mutation";
import type { Rule } from "../bindings/Rule";
import type { RuleAction } from "../bindings/RuleAction";
import type { RuleCondition } from "../bindings/RuleCondition";
import type { RuleField } from "../bindings/RuleField";
import type { RuleOp } from "../bindings/RuleOp";
import type { RuleTrigger } from "../bindings/RuleTrigger";
import type { SlaPolicy } from "../bindings/SlaPolicy";
import type { SlaTargets } from "../bindings/SlaTargets";
import type { TimeRange } from "../bindings/TimeRange";
import type { WeeklyHours } from "../bindings/WeeklyHours";

type All<T extends string> = { [K in T]: true };
const keys = <T extends string>(o: All<T>): T[] => Object.keys(o) as T[];

/** Condition fields in the order the picker offers them. */
export const RULE_FIELDS = keys<RuleField>({
  tags: true,
  subject: true,
  status: true,
  priority: true,
  ticket_type: true,
  channel: true,
  group: true,
  assignee: true,
  requester: true,
  organization: true,
  language: true,
  author_kind: true,
  satisfaction: true,
  within_business_hours: true,
  hours_since_created: true,
  hours_since_updated: true,
  hours_in_status: true,
  hours_since_assigned: true,
});
export const RULE_TRIGGERS = keys<RuleTrigger>({ created: true, updated: true, created_or_updated: true, time: true });
export const ACTION_KINDS = keys<RuleAction["action"]>({
  set_status: true,
  set_priority: true,
  set_type: true,
  set_group: true,
  set_assignee: true,
  assign_round_robin: true,
  assign_fewest_open: true,
  add_tags: true,
  remove_tags: true,
  add_note: true,
  reply_with_macro: true,
  notify_agents: true,
});
export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const satisfies readonly (keyof WeeklyHours)[];
export type Weekday = (typeof WEEKDAYS)[number];
export const METRICS = ["first_response", "next_response", "resolution"] as const satisfies readonly (keyof SlaTargets)[];
/** The placeholders a macro may use (domain `config::PLACEHOLDERS`). */
export const MACRO_PLACEHOLDERS = ["customer.first_name", "customer.name", "ticket.number", "ticket.subject", "agent.name", "agent.first_name"] as const;

/** Which operators each field allows: the backend's table (`rule_operators`). */
export type OperatorTable = Map<RuleField, RuleOp[]>;

export function operatorTable(pairs: [RuleField, RuleOp[]][]): OperatorTable {
  return new Map(pairs);
}

/** The picker a condition's value needs. */
export type ValueKind = "status" | "priority" | "ticket_type" | "channel" | "group" | "agent" | "customer" | "organization" | "tag" | "text" | "language" | "author_kind" | "satisfaction" | "bool" | "hours";

export function valueKind(field: RuleField): ValueKind {
  switch (field) {
    case "status":
    case "priority":
    case "ticket_type":
    case "channel":
    case "group":
    case "organization":
    case "language":
    case "author_kind":
    case "satisfaction":
      return field;
    case "assignee":
      return "agent";
    case "requester":
      return "customer";
    case "tags":
      return "tag";
    case "subject":
      return "text";
    case "within_business_hours":
      return "bool";
    default:
      return "hours";
  }
}

/** Operators that compare with no value ("changed", "not changed"). */
export function opTakesValue(op: RuleOp): boolean {
  return op !== "changed" && op !== "not_changed";
}

const CHANGE_OPS: RuleOp[] = ["changed", "changed_to", "changed_from", "not_changed"];

/** The operators to offer: the field's own, without "changed…" for time rules (they look at
 *  tickets as they are). */
export function operatorsFor(table: OperatorTable, field: RuleField, trigger: RuleTrigger): RuleOp[] {
  const ops = table.get(field) ?? [];
  return trigger === "time" ? ops.filter((o) => !CHANGE_OPS.includes(o)) : ops;
}

/** A sensible first value for a picker. */
export function defaultValue(kind: ValueKind): string {
  switch (kind) {
    case "status":
      return "open";
    case "priority":
      return "high";
    case "ticket_type":
      return "question";
    case "channel":
      return "email";
    case "author_kind":
      return "customer";
    case "satisfaction":
      return "1";
    case "bool":
      return "true";
    case "hours":
      return "24";
    default:
      return "";
  }
}

/** The condition after its field changed: the operator kept when still allowed, else the
 *  first allowed one; the value reset when the kind of value changed. */
export function withField(c: RuleCondition, field: RuleField, table: OperatorTable, trigger: RuleTrigger): RuleCondition {
  const ops = operatorsFor(table, field, trigger);
  const op = ops.includes(c.op) ? c.op : (ops[0] ?? c.op);
  const value = valueKind(field) === valueKind(c.field) ? c.value : defaultValue(valueKind(field));
  return { field, op, value: opTakesValue(op) ? value : "" };
}

/** Whether a condition's operator is allowed for its field under this trigger. */
export function conditionValid(c: RuleCondition, table: OperatorTable, trigger: RuleTrigger): boolean {
  return operatorsFor(table, c.field, trigger).includes(c.op);
}

export function newCondition(table: OperatorTable, trigger: RuleTrigger): RuleCondition {
  return withField({ field: "tags", op: "contains", value: "" }, "tags", table, trigger);
}

/** A new action of a kind with empty or first values. */
export function newAction(kind: RuleAction["action"]): RuleAction {
  switch (kind) {
    case "set_status":
      return { action: kind, status: "open" };
    case "set_priority":
      return { action: kind, priority: "high" };
    case "set_type":
      return { action: kind, ticket_type: "question" };
    case "set_group":
      return { action: kind, group_id: null };
    case "set_assignee":
      return { action: kind, agent_id: null };
    case "assign_round_robin":
    case "assign_fewest_open":
      return { action: kind, group_id: "" };
    case "add_tags":
    case "remove_tags":
      return { action: kind, tags: [] };
    case "add_note":
      return { action: kind, text: "" };
    case "reply_with_macro":
      return { action: kind, macro_id: "" };
    case "notify_agents":
      return { action: kind, agent_ids: [], text: "" };
  }
}

export function newRule(id: string, position: number, table: OperatorTable): Rule {
  return {
    id,
    name: "",
    position,
    active: true,
    trigger: "created",
    match_mode: "all",
    conditions: [newCondition(table, "created")],
    actions: [newAction("set_priority")],
  };
}

/** Tags typed as "a, b c" → ["a", "b", "c"] (the backend normalises each one). */
export function parseTags(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

// ---- targets as hours and minutes ------------------------------------------------------

/** 90 → "1:30"; null → "". */
export function minutesToHm(m: number | null): string {
  if (m === null) return "";
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}`;
}

/** "1:30", "1h30", "90m", "2h", "2" (hours) → minutes; "" → null; anything else → NaN. */
export function hmToMinutes(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (s === "") return null;
  let m = /^(\d{1,6}):([0-5]\d)$/.exec(s);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  m = /^(?:(\d{1,6})\s*h)?\s*(?:(\d{1,6})\s*m(?:in)?)?$/.exec(s);
  if (m && (m[1] !== undefined || m[2] !== undefined)) return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
  if (/^\d{1,6}$/.test(s)) return Number(s) * 60;
  return NaN;
}

// ---- errors beside their field -----------------------------------------------------------

/** The backend's message when it is about `field` or a part of it ("hours" covers
 *  "hours.monday"); null otherwise. */
export function errorFor(err: DomainError | null, ...fields: string[]): string | null {
  if (!err?.field) return null;
  const f = err.field;
  return fields.some((x) => f === x || f.startsWith(`${x}.`)) ? err.message : null;
}

/** Whether an error names none of the fields an editor shows (then it is shown at the top). */
export function unplaced(err: DomainError | null, shown: string[]): boolean {
  return err !== null && errorFor(err, ...shown) === null;
}

// ---- calendars -------------------------------------------------------------------------

export function emptyWeek(): WeeklyHours {
  return { monday: [], tuesday: [], wednesday: [], thursday: [], friday: [], saturday: [], sunday: [] };
}

export function newCalendar(id: string, timeZone: string): BusinessCalendar {
  const hours = emptyWeek();
  for (const d of WEEKDAYS.slice(0, 5)) hours[d] = [{ start: "09:00", end: "17:00" }];
  return { id, name: "", time_zone: timeZone, hours, holidays: [] };
}

/** The next range to offer on a day: an hour after its last one ends, else 09:00–17:00. */
export function nextRange(ranges: TimeRange[]): TimeRange {
  const last = ranges[ranges.length - 1];
  if (!last) return { start: "09:00", end: "17:00" };
  const [h, m] = last.end.split(":").map(Number);
  const start = Math.min(23, (h ?? 0) + 1);
  return { start: `${String(start).padStart(2, "0")}:${String(m ?? 0).padStart(2, "0")}`, end: "24:00" };
}

/** Imported holidays added to a calendar's: a date already listed keeps its name. Sorted;
 *  `added` counts the new dates. */
export function mergeHolidays(existing: Holiday[], imported: Holiday[]): { holidays: Holiday[]; added: number } {
  const byDate = new Map(existing.map((h) => [h.date, h]));
  let added = 0;
  for (const h of imported) {
    if (!byDate.has(h.date)) {
      byDate.set(h.date, h);
      added += 1;
    }
  }
  return { holidays: [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date)), added };
}

/** Time zones whose name contains every word of the query (case-insensitive). */
export function filterZones(zones: string[], query: string, limit = 50): string[] {
  const words = query.toLowerCase().replace(/[_/]/g, " ").split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (const z of zones) {
    const hay = z.toLowerCase().replace(/[_/]/g, " ");
    if (words.every((w) => hay.includes(w))) out.push(z);
    if (out.length >= limit) break;
  }
  return out;
}

// ---- ordered lists ---------------------------------------------------------------------

/** New positions 1..n after moving item `index` by `delta`; only the items whose position
 *  changes are returned. */
export function reorder<T extends { id: string; position: number }>(items: T[], index: number, delta: -1 | 1): { item: T; position: number }[] {
  const to = index + delta;
  if (to < 0 || to >= items.length) return [];
  const order = [...items];
  const [moved] = order.splice(index, 1);
  order.splice(to, 0, moved);
  return order.flatMap((item, i) => (item.position === i + 1 ? [] : [{ item, position: i + 1 }]));
}

export function newPolicy(id: string, position: number): SlaPolicy {
  const none: SlaTargets = { first_response: null, next_response: null, resolution: null };
  return {
    id,
    name: "",
    position,
    conditions: { priorities: [], group_ids: [], channels: [], organization_ids: [], tags_any: [] },
    targets: { low: { ...none }, normal: { ...none }, high: { ...none }, urgent: { ...none } },
    calendar_id: null,
    warning_minutes: 60,
  };
}

// ---- macros ----------------------------------------------------------------------------

export function newMacro(id: string, ownerId: string | null): Macro {
  return { id, name: "", owner_id: ownerId, body: "", set_status: null, set_priority: null, set_type: null, add_tags: [], updated_at: 0 };
}

export function hasFieldChanges(m: Macro): boolean {
  return m.set_status !== null || m.set_priority !== null || m.set_type !== null || m.add_tags.length > 0;
}

/** The ticket changes a macro makes, sent with the reply it was used in (one transaction). */
export function macroMutations(m: Macro, ticketId: string): Mutation[] {
  const out: Mutation[] = [];
  if (m.set_status !== null || m.set_priority !== null || m.set_type !== null) {
    out.push({
      name: "set_ticket_fields",
      args: {
        ticket_id: ticketId,
        changes: {
          ...(m.set_status !== null ? { status: m.set_status } : {}),
          ...(m.set_priority !== null ? { priority: m.set_priority } : {}),
          ...(m.set_type !== null ? { ticket_type: m.set_type } : {}),
        },
      },
    });
  }
  for (const tag of m.add_tags) out.push({ name: "add_tag", args: { ticket_id: ticketId, tag } });
  return out;
}

/** Macros whose name (or, second, body) holds every word of the query; name hits first. */
export function searchMacros(macros: Macro[], query: string): Macro[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return macros;
  const inName = (m: Macro) => words.every((w) => m.name.toLowerCase().includes(w));
  const inBody = (m: Macro) => words.every((w) => `${m.name} ${m.body}`.toLowerCase().includes(w));
  return [...macros.filter(inName), ...macros.filter((m) => !inName(m) && inBody(m))];
}

/** The "/" macro trigger at the caret: a "/" at the start of a line followed by the query
 *  typed so far (no line break). Null when the caret is not in one. */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const lineStart = text.lastIndexOf("\n", caret - 1) + 1;
  if (text[lineStart] !== "/") return null;
  const query = text.slice(lineStart + 1, caret);
  if (query.includes("\n") || query.length > 60) return null;
  return { start: lineStart, query };
}

/** The text with the "/query" from `start` to `caret` replaced by `insert`; the caret after it. */
export function replaceSlash(text: string, start: number, caret: number, insert: string): { text: string; caret: number } {
  return { text: text.slice(0, start) + insert + text.slice(caret), caret: start + insert.length };
}

// The Reports section's pure parts: periods, how figures are written, CSV, and the filter
// clauses that open a figure's tickets. The figures themselves come from the backend
// (`porchlight_domain::reports`), defined once for the desktop and the server.
import type uPlot from "uplot";
import type { DayVolume } from "../bindings/DayVolume";
import type { FilterClause } from "../bindings/FilterClause";
import type { Nps } from "../bindings/Nps";
import type { PeopleRow } from "../bindings/PeopleRow";
import type { ReportFilter } from "../bindings/ReportFilter";
import type { Share } from "../bindings/Share";

/**
 * uPlot, loaded when a chart is first shown (the workspace's start-up does not pay for it).
 * uPlot builds a number format from `navigator.language` as it loads; WebKitGTK reports the
 * POSIX locale "C" there when LANG is unset, which no Intl constructor accepts, so such a
 * value is replaced by "en-US" first (the charts format their own labels in the app's
 * language anyway).
 */
export async function loadUPlot(): Promise<typeof uPlot> {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    Object.defineProperty(navigator, "language", { value: "en-US", configurable: true });
  }
  return (await import("uplot")).default;
}

export const PERIODS = ["today", "7d", "30d", "90d", "this_month", "last_month", "custom"] as const;
export type Period = (typeof PERIODS)[number];

const DAY = 86_400_000;

function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
}

/** "2026-11-30" in local time, for date inputs and filter clauses. */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** A date input's value as local midnight, or null when it is not a date. */
export function parseDay(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The period `[from, to)` in UTC milliseconds, whole local days. "7d" is the last seven days
 * including today; custom periods include both their first and last day.
 */
export function periodRange(p: Period, now: Date, custom?: { from: string; to: string }): { from: number; to: number } | null {
  const today = startOfDay(now);
  const tomorrow = addDays(today, 1).getTime();
  switch (p) {
    case "today":
      return { from: today.getTime(), to: tomorrow };
    case "7d":
      return { from: addDays(today, -6).getTime(), to: tomorrow };
    case "30d":
      return { from: addDays(today, -29).getTime(), to: tomorrow };
    case "90d":
      return { from: addDays(today, -89).getTime(), to: tomorrow };
    case "this_month":
      return { from: new Date(now.getFullYear(), now.getMonth(), 1).getTime(), to: tomorrow };
    case "last_month":
      return {
        from: new Date(now.getFullYear(), now.getMonth() - 1, 1).getTime(),
        to: new Date(now.getFullYear(), now.getMonth(), 1).getTime(),
      };
    case "custom": {
      const from = parseDay(custom?.from ?? "");
      const to = parseDay(custom?.to ?? "");
      if (!from || !to || to < from) return null;
      return { from: from.getTime(), to: addDays(to, 1).getTime() };
    }
  }
}

/** Hours and minutes of a span, e.g. 5_400_000 → { h: 1, m: 30 }; days beyond two days. */
export function spanParts(ms: number): { d: number; h: number; m: number } {
  const minutes = Math.round(ms / 60_000);
  if (minutes >= 48 * 60) {
    const d = Math.floor(minutes / (24 * 60));
    return { d, h: Math.round((minutes - d * 24 * 60) / 60), m: 0 };
  }
  return { d: 0, h: Math.floor(minutes / 60), m: minutes % 60 };
}

/** A share as a whole percentage, or null when there is nothing to share. */
export function percent(s: Share): number | null {
  return s.of === 0 ? null : Math.round((s.n / s.of) * 100);
}

/** The change from `before` to `now` in percent (null when there was nothing before). */
export function changePercent(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return Math.round(((now - before) / before) * 100);
}

/** One CSV field: quoted when it holds a separator, a quote or a line break; a leading
 *  formula character is neutralised so a spreadsheet never runs a customer's text. */
function csvField(v: string | number | null): string {
  if (v === null) return "";
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text (RFC 4180, CRLF line ends). */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** Minutes, rounded, for tables and CSV (null stays empty). */
export function minutes(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 60_000);
}

export function volumeCsv(days: DayVolume[]): string {
  return toCsv(
    ["day", "created", "solved", "reopened", "backlog"],
    days.map((d) => [d.day, d.created, d.solved, d.reopened, d.backlog]),
  );
}

export function peopleCsv(rows: PeopleRow[], noneName: string): string {
  return toCsv(
    ["name", "solved", "replies", "first_response_median_min", "resolution_median_min", "one_touch_percent", "csat_percent"],
    rows.map((r) => [
      r.id === null ? noneName : r.name,
      r.solved,
      r.replies,
      minutes(r.first_response_median_ms),
      minutes(r.resolution_median_ms),
      percent(r.one_touch),
      percent(r.csat),
    ]),
  );
}

export type PeopleSort = "name" | "solved" | "replies" | "first_response" | "resolution" | "one_touch" | "csat";

/** How a score reads at a glance for its scale: good, middling or bad (NPS: promoter,
 *  passive, detractor). */
export function scoreTone(kind: string, score: number): "good" | "mid" | "bad" {
  if (kind === "csat") return score === 3 ? "good" : score === 2 ? "mid" : "bad";
  if (kind === "nps") return score >= 9 ? "good" : score >= 7 ? "mid" : "bad";
  return score >= 6 ? "good" : score >= 4 ? "mid" : "bad";
}

/** Promoters minus detractors in whole percent of all answers (as the backend counts it). */
export function npsScore(n: Nps): number | null {
  const all = n.promoters + n.passives + n.detractors;
  return all === 0 ? null : Math.trunc(((n.promoters - n.detractors) * 100) / all);
}

/** The people table sorted by a column; empty figures last either way. */
export function sortPeople(rows: PeopleRow[], by: PeopleSort, desc: boolean, collator: Intl.Collator): PeopleRow[] {
  const key = (r: PeopleRow): number | string | null => {
    switch (by) {
      case "name":
        return r.name;
      case "solved":
        return r.solved;
      case "replies":
        return r.replies;
      case "first_response":
        return r.first_response_median_ms;
      case "resolution":
        return r.resolution_median_ms;
      case "one_touch":
        return percent(r.one_touch);
      case "csat":
        return percent(r.csat);
    }
  };
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = typeof x === "string" ? collator.compare(x, y as string) : (x as number) - (y as number);
    return desc ? -c : c;
  });
}

/** The report's filter as view clauses (what the ticket list can filter on). */
export function filterClauses(f: ReportFilter): FilterClause[] {
  const out: FilterClause[] = [];
  if (f.group_ids.length) out.push({ field: "group", values: f.group_ids });
  if (f.agent_ids.length) out.push({ field: "assignee", values: f.agent_ids });
  if (f.channels.length) out.push({ field: "channel", values: f.channels });
  if (f.priorities.length) out.push({ field: "priority", values: f.priorities });
  if (f.tags.length) out.push({ field: "tag", values: f.tags });
  if (f.languages.length) out.push({ field: "language", values: f.languages });
  if (f.mailbox_ids.length) out.push({ field: "mailbox", values: f.mailbox_ids });
  return out;
}

/** What a figure counts, for opening its tickets. */
export type Drill = "created" | "solved";

/** The clauses listing the tickets behind a figure over `[from, to)` (local days). */
export function drillClauses(what: Drill, from: number, to: number, f: ReportFilter, extra: FilterClause[] = []): FilterClause[] {
  const range: FilterClause[] =
    what === "created"
      ? [
          { field: "created_after", values: [String(from)] },
          { field: "created_before", values: [String(to)] },
        ]
      : [
          { field: "solved_after", values: [String(from)] },
          { field: "solved_before", values: [String(to)] },
          { field: "status", values: ["solved", "closed"] },
        ];
  return [...range, ...filterClauses(f), ...extra];
}

/** The end of a day of the volume chart (the next day's start, or a day later for the last). */
export function dayEnd(days: DayVolume[], i: number): number {
  return days[i + 1]?.start ?? days[i].start + DAY;
}

import type { SlaStatus } from "../bindings/SlaStatus";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * On track / at risk / breached at `now` from a ticket's two stored SLA instants, `null`
 * when nothing is due. The same test as the store's views (`sla::sla_status` in Rust).
 */
export function slaStatus(dueAt: number | null, warnAt: number | null, now: number): SlaStatus | null {
  if (dueAt === null) return null;
  if (now > dueAt) return "breached";
  if (warnAt !== null && now >= warnAt) return "at_risk";
  return "on_track";
}

/** A duration split for a compact countdown: at most two units, rounded up to the minute. */
export type DurationParts = { d: number; h: number; m: number };

export function durationParts(ms: number): DurationParts {
  const total = Math.max(0, Math.ceil(Math.abs(ms) / MINUTE));
  const d = Math.floor(total / (DAY / MINUTE));
  const h = Math.floor((total % (DAY / MINUTE)) / 60);
  const m = total % 60;
  if (d > 0) return { d, h, m: 0 };
  return { d: 0, h, m };
}

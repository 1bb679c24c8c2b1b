import { locale, t } from "./i18n";
import { durationParts } from "./sla";
import { numberFormat } from "./format";

/** "2h 15m", "3d 4h", "45m" in the current language, digits in its numbering system. */
export function duration(ms: number): string {
  const n = numberFormat(locale());
  const p = durationParts(ms);
  const parts: string[] = [];
  if (p.d > 0) parts.push(t("dur.d", { n: n.format(p.d) }));
  if (p.h > 0) parts.push(t("dur.h", { n: n.format(p.h) }));
  if (p.m > 0 || parts.length === 0) parts.push(t("dur.m", { n: n.format(p.m) }));
  return parts.join(" ");
}

/** "1h 20m left" before the deadline, "35m over" after it. */
export function countdown(dueAt: number, now: number): string {
  const time = duration(dueAt - now);
  return now > dueAt ? t("sla.over", { time }) : t("sla.left", { time });
}

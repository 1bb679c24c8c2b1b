// The e-mail screens' pure logic: CC chips (parsing what the agent typed, validating, deciding
// whether the edited list goes out), the words for each connection problem and delivery state,
// and the mailbox editor's defaults (ports, acknowledgements per language).
import type { Acknowledgement } from "../bindings/Acknowledgement";
import type { Delivery } from "../bindings/Delivery";
import type { DeliveryState } from "../bindings/DeliveryState";
import type { MailProblem } from "../bindings/MailProblem";
import type { MailSecurity } from "../bindings/MailSecurity";
import type { MailServerRole } from "../bindings/MailServerRole";
import type { Mailbox } from "../bindings/Mailbox";
import type { NotMailed } from "../bindings/NotMailed";
import type { ReplyRecipients } from "../bindings/ReplyRecipients";
import type { SurveyKind } from "../bindings/SurveyKind";
import type { MessageKey, Params } from "./i18n";

// ---- addresses and CC chips --------------------------------------------------------------

/**
 * A plain address as a reply can be sent to: one "@", a local part without spaces, quotes,
 * brackets or commas, and a domain of at least two dot-separated labels (letters of any
 * script, digits, hyphens; no label starts or ends with a hyphen).
 */
export function isEmailAddress(s: string): boolean {
  if (s.length > 254) return false;
  const at = s.lastIndexOf("@");
  if (at <= 0 || at !== s.indexOf("@")) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > 64 || !/^[^\s"(),:;<>@[\\\]]+$/u.test(local)) return false;
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) return false;
  const labels = domain.split(".");
  if (labels.length < 2) return false;
  return labels.every((l) => /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u.test(l));
}

/** The address in "Name <addr>" (or the string itself), lower-cased, for comparing. */
export function addressOf(s: string): string {
  const m = /<([^<>]*)>\s*$/.exec(s);
  return (m ? m[1] : s).trim().toLowerCase();
}

/**
 * What the agent typed or pasted into the CC box, cut into candidate addresses: at commas,
 * semicolons and line breaks; "Name <addr>" keeps only the address; other whitespace also
 * separates (a pasted "a@x.com b@y.com").
 */
export function ccTokens(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,;\n\r]+/)) {
    const p = part.trim();
    if (p === "") continue;
    const named = /<([^<>]*)>\s*$/.exec(p);
    if (named) {
      if (named[1].trim() !== "") out.push(named[1].trim());
      continue;
    }
    out.push(...p.split(/\s+/).filter((x) => x !== ""));
  }
  return out;
}

export type CcAdd = {
  /** The CC list with the valid new addresses appended. */
  list: string[];
  /** Tokens that are not addresses: they stay in the box for the agent to fix. */
  invalid: string[];
  /** Addresses already in CC or already the reply's recipient (left out). */
  duplicate: string[];
};

/** Adds what was typed to the CC list; `others` are addresses the reply already goes to. */
export function addCc(list: string[], text: string, others: (string | null)[] = []): CcAdd {
  const seen = new Set([...list, ...others.filter((x): x is string => x !== null)].map(addressOf));
  const next = [...list];
  const invalid: string[] = [];
  const duplicate: string[] = [];
  for (const token of ccTokens(text)) {
    if (!isEmailAddress(token)) invalid.push(token);
    else if (seen.has(addressOf(token))) duplicate.push(token);
    else {
      seen.add(addressOf(token));
      next.push(token);
    }
  }
  return { list: next, invalid, duplicate };
}

/**
 * The `cc` for add_message: the edited list only when the agent changed it (as a set of
 * addresses, ignoring order and case); otherwise nothing, so the backend applies reply-all.
 */
export function ccToSend(original: string[], edited: string[] | null): string[] | undefined {
  if (edited === null) return undefined;
  const a = new Set(original.map(addressOf));
  const b = new Set(edited.map(addressOf));
  const same = a.size === b.size && [...a].every((x) => b.has(x));
  return same ? undefined : [...edited];
}

// ---- words for states and problems -------------------------------------------------------

/** One sentence per connection problem, saying what to do about it. */
export const MAIL_PROBLEM_KEYS: Record<MailProblem, MessageKey> = {
  unreachable: "mail.problem.unreachable",
  tls: "mail.problem.tls",
  credentials: "mail.problem.credentials",
  folder_missing: "mail.problem.folder_missing",
  no_secret: "mail.problem.no_secret",
  protocol: "mail.problem.protocol",
  invalid_config: "mail.problem.invalid_config",
};

export function mailProblemKey(p: MailProblem): MessageKey {
  return MAIL_PROBLEM_KEYS[p];
}

export const NOT_MAILED_KEYS: Record<NotMailed, MessageKey> = {
  no_mailbox: "composer.not_mailed.no_mailbox",
  no_address: "composer.not_mailed.no_address",
};

export const DELIVERY_KEYS: Record<DeliveryState, MessageKey> = {
  queued: "message.delivery.queued",
  sent: "message.delivery.sent",
  failed: "message.delivery.failed",
  withdrawn: "message.delivery.withdrawn",
};

/** The line a survey mail makes in the thread: which question went to whom. */
export const SURVEY_MAIL_KEYS: Record<SurveyKind, MessageKey> = {
  csat: "message.survey.csat",
  ces: "message.survey.ces",
  nps: "message.survey.nps",
};

/** A queued mail held back until its time (a survey's delay), as of `now`. */
export function scheduledAt(d: Delivery, now: number): number | null {
  return d.state === "queued" && d.not_before !== undefined && d.not_before > now ? d.not_before : null;
}

/**
 * The toast after sending: a note, a reply on its way by e-mail, a reply kept only in
 * Porchlight, or (recipients unknown) a reply saved, without claiming any e-mail.
 */
export function sentToast(mode: "reply" | "note", recipients: ReplyRecipients | null): { key: MessageKey; params?: Params } {
  if (mode === "note") return { key: "toast.note_added" };
  if (!recipients) return { key: "toast.reply_saved" };
  if (recipients.not_mailed !== null || recipients.to === null) return { key: "toast.reply_not_mailed" };
  return { key: "toast.reply_mailed", params: { to: recipients.to } };
}

// ---- the mailbox editor ------------------------------------------------------------------

/** The languages an acknowledgement can be written in (the app's own). */
export const ACK_LANGUAGES = ["en", "tr", "pl", "fa"] as const;

/** The placeholders an acknowledgement may use. */
export const ACK_PLACEHOLDERS = ["ticket.number", "ticket.subject", "customer.name"] as const;

/** The usual port for a server and encryption (IMAPS 993, IMAP 143, SMTPS 465, submission 587). */
export function defaultPort(role: MailServerRole, security: MailSecurity): number {
  if (role === "imap") return security === "tls" ? 993 : 143;
  return security === "tls" ? 465 : 587;
}

/** The port after switching encryption: a usual port follows; one the admin typed stays. */
export function portAfterSecurityChange(role: MailServerRole, port: number, from: MailSecurity, to: MailSecurity): number {
  return port === defaultPort(role, from) ? defaultPort(role, to) : port;
}

export function newMailbox(id: string): Mailbox {
  return {
    id,
    name: "",
    address: "",
    imap: { host: "", port: defaultPort("imap", "tls"), security: "tls", user: "", auth: "password" },
    smtp: { host: "", port: defaultPort("smtp", "start_tls"), security: "start_tls", user: "", auth: "password" },
    folder: "INBOX",
    after_fetch: "mark_read",
    move_to: "",
    group_id: null,
    signature: "",
    acknowledgements: [],
    tag_prefix: "#",
    csat_survey: false,
    ces_survey: false,
    nps_survey: false,
    survey_every_days: 0,
    survey_delay_minutes: 0,
    active: true,
    updated_at: 0,
  };
}

/** One editable acknowledgement per app language, filled from the saved ones. */
export function ackDrafts(saved: Acknowledgement[]): Acknowledgement[] {
  return ACK_LANGUAGES.map((language) => {
    const a = saved.find((x) => x.language === language);
    return { language, subject: a?.subject ?? "", body: a?.body ?? "" };
  });
}

/**
 * The acknowledgements to save: the languages with any text, plus saved ones in languages the
 * editor does not show (kept as they were). An empty language sends no acknowledgement.
 */
export function acksToSave(drafts: Acknowledgement[], saved: Acknowledgement[]): Acknowledgement[] {
  const shown = new Set<string>(ACK_LANGUAGES);
  const written = drafts
    .filter((a) => a.subject.trim() !== "" || a.body.trim() !== "")
    .map((a) => ({ language: a.language, subject: a.subject.trim(), body: a.body }));
  return [...written, ...saved.filter((a) => !shown.has(a.language))];
}

/** Whether a port field holds a usable port (an emptied number input binds null). */
export function isPort(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** The subject tag replies carry with this prefix, for the hint ("[#1234]"). */
export function tagExample(prefix: string): string {
  return `[${prefix}1234]`;
}

/**
 * A port as typed: ASCII, Persian or Arabic-Indic digits (a Persian keyboard types ۹۹۳);
 * anything else is NaN, which `isPort` refuses.
 */
export function parsePort(text: string): number {
  const ascii = text.trim().replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (d) => String((d.charCodeAt(0) & 0xf) % 10));
  return /^\d{1,5}$/.test(ascii) ? Number(ascii) : Number.NaN;
}

/** Directional controls (U+202A–U+202E, U+2066–U+2069, LRM, RLM, ALM) made visible as <U+XXXX>. */
export function revealBidiControls(text: string): string {
  return text.replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}>`);
}

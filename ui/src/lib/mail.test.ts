import { describe, expect, it } from "vitest";
import type { MailProblem } from "../bindings/MailProblem";
import { catalogs } from "./i18n";
import {
  ackDrafts,
  acksToSave,
  addCc,
  addressOf,
  ccToSend,
  ccTokens,
  DELIVERY_KEYS,
  isEmailAddress,
  isPort,
  parsePort,
  revealBidiControls,
  mailProblemKey,
  scheduledAt,
  SURVEY_MAIL_KEYS,
  NOT_MAILED_KEYS,
  portAfterSecurityChange,
  sentToast,
  tagExample,
} from "./mail";

describe("isEmailAddress", () => {
  it("accepts ordinary and international addresses", () => {
    for (const a of ["ada@example.com", "first.last+tag@mail.example.co.uk", "x@a-b.io", "zeynep@şirket.com.tr", "user@مثال.ایران"]) {
      expect({ a, ok: isEmailAddress(a) }).toEqual({ a, ok: true });
    }
  });

  it("refuses what is not a single plain address", () => {
    for (const a of ["", "ada", "@example.com", "ada@", "ada@example", "a@b@c.com", "ada @example.com", "ada@exa mple.com", "Ada <ada@example.com>", "ada@-example.com", "ada@example-.com", "ada@example..com", ".ada@example.com", "a..b@example.com", "ada,bo@example.com", `${"a".repeat(65)}@example.com`]) {
      expect({ a, ok: isEmailAddress(a) }).toEqual({ a, ok: false });
    }
  });
});

describe("CC parsing", () => {
  it("cuts at commas, semicolons, line breaks and spaces, and unwraps Name <addr>", () => {
    expect(ccTokens(" a@x.com, b@y.com;c@z.com\nd@w.com e@v.com ")).toEqual(["a@x.com", "b@y.com", "c@z.com", "d@w.com", "e@v.com"]);
    expect(ccTokens("Ada Lovelace <ada@example.com>, Bo <bo@example.com>")).toEqual(["ada@example.com", "bo@example.com"]);
    expect(ccTokens(" , ;")).toEqual([]);
  });

  it("compares addresses without names and case", () => {
    expect(addressOf("Ada <ADA@Example.com>")).toBe("ada@example.com");
    expect(addressOf(" Bo@Example.com ")).toBe("bo@example.com");
  });

  it("adds valid new addresses, keeps invalid ones back and skips duplicates and recipients", () => {
    const r = addCc(["Ada <ada@example.com>"], "bo@example.com, nonsense, ADA@example.com, cust@example.com, bo@example.com", ["cust@example.com"]);
    expect(r.list).toEqual(["Ada <ada@example.com>", "bo@example.com"]);
    expect(r.invalid).toEqual(["nonsense"]);
    expect(r.duplicate).toEqual(["ADA@example.com", "cust@example.com", "bo@example.com"]);
  });

  it("leaves the list alone when nothing valid was typed", () => {
    const list = ["a@x.com"];
    expect(addCc(list, "not-an-address")).toEqual({ list, invalid: ["not-an-address"], duplicate: [] });
  });
});

describe("ccToSend", () => {
  it("sends nothing when the agent did not touch the CC", () => {
    expect(ccToSend(["a@x.com"], null)).toBeUndefined();
  });

  it("sends nothing when the edited list is the same set of addresses", () => {
    expect(ccToSend(["a@x.com", "B@y.com"], ["b@y.com", "A@X.com"])).toBeUndefined();
  });

  it("sends the edited list when addresses were added or removed", () => {
    expect(ccToSend(["a@x.com"], ["a@x.com", "c@z.com"])).toEqual(["a@x.com", "c@z.com"]);
    expect(ccToSend(["a@x.com", "b@y.com"], ["a@x.com"])).toEqual(["a@x.com"]);
    expect(ccToSend(["a@x.com"], [])).toEqual([]);
  });
});

describe("catalogue keys for mail states", () => {
  const problems: MailProblem[] = ["unreachable", "tls", "credentials", "folder_missing", "no_secret", "protocol", "invalid_config"];

  it("give every problem its own sentence in every language", () => {
    const keys = problems.map(mailProblemKey);
    expect(new Set(keys).size).toBe(problems.length);
    for (const loc of Object.keys(catalogs) as (keyof typeof catalogs)[]) {
      const texts = keys.map((k) => catalogs[loc][k]);
      expect({ loc, missing: texts.filter((x) => !x) }).toEqual({ loc, missing: [] });
      expect(new Set(texts).size).toBe(problems.length);
    }
  });

  it("label every delivery state and every reason a reply is not mailed", () => {
    for (const k of [...Object.values(DELIVERY_KEYS), ...Object.values(NOT_MAILED_KEYS)]) expect(catalogs.en[k]).toBeTruthy();
  });

  it("name each survey mail by its question, in every language", () => {
    for (const loc of ["en", "tr", "pl", "fa"] as const) {
      const texts = Object.values(SURVEY_MAIL_KEYS).map((k) => catalogs[loc][k]);
      expect(texts.every((x) => x && x.includes("{to}"))).toBe(true);
      expect(new Set(texts).size).toBe(3);
    }
  });
});

describe("scheduledAt", () => {
  const d = { state: "queued" as const, error: null, attempts: 0, updated_at: 0 };

  it("is the time a held-back mail goes, until that time", () => {
    expect(scheduledAt({ ...d, not_before: 5_000 }, 4_999)).toBe(5_000);
    expect(scheduledAt({ ...d, not_before: 5_000 }, 5_000)).toBeNull();
  });

  it("is nothing for mail that goes at once, was sent or was withdrawn", () => {
    expect(scheduledAt(d, 0)).toBeNull();
    expect(scheduledAt({ ...d, state: "withdrawn", not_before: 5_000 }, 0)).toBeNull();
    expect(scheduledAt({ ...d, state: "sent", not_before: 5_000 }, 0)).toBeNull();
  });
});

describe("sentToast", () => {
  const mailed = { from: "Acme <support@acme.example>", to: "cust@example.com", cc: [], not_mailed: null };

  it("names the recipient only when the reply is e-mailed", () => {
    expect(sentToast("reply", mailed)).toEqual({ key: "toast.reply_mailed", params: { to: "cust@example.com" } });
    expect(sentToast("reply", { ...mailed, from: null, to: null, not_mailed: "no_mailbox" })).toEqual({ key: "toast.reply_not_mailed" });
    expect(sentToast("reply", { ...mailed, to: null, not_mailed: "no_address" })).toEqual({ key: "toast.reply_not_mailed" });
  });

  it("claims no e-mail when the recipients are unknown, and notes are notes", () => {
    expect(sentToast("reply", null)).toEqual({ key: "toast.reply_saved" });
    expect(sentToast("note", mailed)).toEqual({ key: "toast.note_added" });
  });
});

describe("mailbox editor", () => {
  it("moves a usual port along with the encryption, keeps a custom one", () => {
    expect(portAfterSecurityChange("imap", 993, "tls", "start_tls")).toBe(143);
    expect(portAfterSecurityChange("smtp", 587, "start_tls", "tls")).toBe(465);
    expect(portAfterSecurityChange("smtp", 2525, "start_tls", "tls")).toBe(2525);
  });

  it("accepts only whole ports from 1 to 65535", () => {
    for (const p of [1, 25, 993, 65535]) expect(isPort(p)).toBe(true);
    for (const p of [0, -1, 65536, 99.5, Number.NaN, null, undefined, "993"]) expect(isPort(p)).toBe(false);
  });

  it("reads ports typed with Latin, Persian or Arabic-Indic digits", () => {
    expect(parsePort(" 993 ")).toBe(993);
    expect(parsePort("۹۹۳")).toBe(993);
    expect(parsePort("٥٨٧")).toBe(587);
    for (const x of ["", "99a", "-1", "1e3", "9.5", "123456"]) expect(parsePort(x)).toBeNaN();
  });

  it("shows the subject tag a prefix gives", () => {
    expect(tagExample("#")).toBe("[#1234]");
    expect(tagExample("ACME-")).toBe("[ACME-1234]");
  });

  it("edits one acknowledgement per language and saves only the written ones", () => {
    const saved = [
      { language: "tr", subject: "Talebiniz alındı", body: "Merhaba" },
      { language: "de", subject: "Eingegangen", body: "Hallo" },
    ];
    const drafts = ackDrafts(saved);
    expect(drafts.map((a) => a.language)).toEqual(["en", "tr", "pl", "fa"]);
    expect(drafts[1]).toEqual(saved[0]);
    drafts[0].subject = "  We got it [{{ticket.number}}] ";
    drafts[1] = { language: "tr", subject: " ", body: "  " };
    expect(acksToSave(drafts, saved)).toEqual([
      { language: "en", subject: "We got it [{{ticket.number}}]", body: "" },
      { language: "de", subject: "Eingegangen", body: "Hallo" },
    ]);
  });
});

describe("revealBidiControls", () => {
  it("makes every directional control in raw mail visible, leaving other text alone", () => {
    expect(revealBidiControls("a\u202Eb\u2066c\u200Fd")).toBe("a<U+202E>b<U+2066>c<U+200F>d");
    expect(revealBidiControls("Subject: سلام <x@y.com>")).toBe("Subject: سلام <x@y.com>");
  });
});

import { describe, expect, it } from "vitest";
import { pushToast } from "./toasts";

const toast = (id: number, text: string, kept?: string) => ({ id, kind: "info", text, kept });

describe("toasts", () => {
  it("says the same thing once", () => {
    const one = pushToast([], toast(1, "Reply saved."));
    expect(pushToast(one, toast(2, "Reply saved."))).toEqual(one);
  });

  it("keeps at most the limit, dropping the oldest passing toast first", () => {
    let list = pushToast([], toast(1, "refused", "my words"), 3);
    for (let i = 2; i <= 6; i++) list = pushToast(list, toast(i, `note ${i}`), 3);
    expect(list.map((t) => t.id)).toEqual([1, 5, 6]);
  });

  it("drops even kept toasts when nothing else is left to drop", () => {
    let list: ReturnType<typeof toast>[] = [];
    for (let i = 1; i <= 4; i++) list = pushToast(list, toast(i, `refused ${i}`, `words ${i}`), 3);
    expect(list.map((t) => t.id)).toEqual([2, 3, 4]);
  });
});

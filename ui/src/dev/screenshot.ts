// Dev only (`vite --mode mock`): puts the UI into the state named by URL parameters, so a
// headless browser can take screenshots of screens that need clicks to reach.
import { app } from "../lib/app.svelte";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function drive(): Promise<void> {
  const p = new URLSearchParams(location.search);
  for (let i = 0; i < 100 && !(app.ready && app.listLoaded); i++) await wait(20);
  if (p.has("view")) app.selectView(p.get("view") ?? "open");
  await wait(80);
  if (p.has("open")) app.step(1);
  if (p.has("select")) {
    const n = Number(p.get("select"));
    for (let i = 0; i < n; i++) app.toggleSelect(i + 1, false);
  }
  await wait(80);
  if (p.has("note")) app.focusComposer("note");
  if (p.has("palette")) app.open("palette");
  if (p.has("newticket")) app.open("new_ticket");
  if (p.has("settings")) app.open("settings");
  if (p.has("help")) app.open("help");
  if (p.has("vieweditor")) app.editView(null);
  if (p.has("toast")) app.toast("error", "The subject must not be empty.");
}

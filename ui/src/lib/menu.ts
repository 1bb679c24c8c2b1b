// The application menu's workspace items (the backend sends each as a "menu-action" event
// naming it) and the ticket a porchlight:// link at launch named.
import { app } from "./app.svelte";
import { notifications } from "./notifications.svelte";
import { ipc, onBackendEvent } from "./ipc";
import { t } from "./i18n";

/** The workspace areas the View menu opens, by item. */
const AREAS = { tickets: "tickets", kb: "kb", reports: "reports", automation: "admin" } as const;

export function runMenuAction(action: string): void {
  // Before the welcome screen made a profile there is no workspace to act in.
  if (!app.profile) return;
  if (action in AREAS) {
    app.close();
    app.area = AREAS[action as keyof typeof AREAS];
    return;
  }
  switch (action) {
    case "new_ticket":
      app.area = "tickets";
      app.open("new_ticket");
      break;
    case "settings":
      app.openSettings();
      break;
    case "back_up":
      void app.backUpNow().catch((e) => app.error(e));
      break;
    case "export":
      void app.exportAll().catch((e) => app.error(e));
      break;
    case "undo":
    case "redo":
      // The focused field's own history (the menu item stands for the keyboard's Ctrl+Z).
      document.execCommand(action);
      break;
    case "palette":
      app.open("palette");
      break;
    case "shortcuts":
      app.open("help");
      break;
    case "no_help_center":
      app.info(t("menu.no_help_center"));
      break;
  }
}

let started = false;

/** Listens to the menu and opens the launch link's ticket (once, after the workspace loaded). */
export async function startMenu(): Promise<void> {
  if (started) return;
  started = true;
  await onBackendEvent("menu-action", runMenuAction);
  try {
    const id = await ipc.takeLaunchTicket();
    if (id) await notifications.openTicket(id);
  } catch (e) {
    app.error(e);
  }
}

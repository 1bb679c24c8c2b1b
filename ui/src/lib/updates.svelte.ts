// Updates: the backend's status (kept current by its "update-status" event), checking, and
// installing the offered version (which restarts the app). Offered, never forced: "Later"
// hides the banner for that version until the app starts again.
import type { UpdateStatus } from "../bindings/UpdateStatus";
import { app } from "./app.svelte";
import { ipc, onBackendEvent } from "./ipc";

class Updates {
  status = $state<UpdateStatus | null>(null);
  /** The version the agent put off with "Later". */
  dismissed = $state<string | null>(null);
  busy = $state(false);
  private started = false;

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await onBackendEvent("update-status", (s) => (this.status = s));
    try {
      this.status = await ipc.updateStatus();
    } catch {
      // The rest of the app works without it.
    }
  }

  /** The banner shows an offer the agent has not put off, and the installation's progress. */
  get bannerVersion(): string | null {
    const s = this.status;
    if (!s?.offer) return null;
    if (s.state === "downloading" || s.state === "installing") return s.offer.version;
    if (s.state !== "available" || this.dismissed === s.offer.version) return null;
    return s.offer.version;
  }

  async check(): Promise<void> {
    this.busy = true;
    try {
      this.status = await ipc.updateCheck();
      this.dismissed = null;
    } catch (e) {
      app.error(e);
    } finally {
      this.busy = false;
    }
  }

  /** Installs the offer; the app restarts when it worked, else the reason is shown. */
  async install(): Promise<void> {
    this.busy = true;
    try {
      await ipc.updateInstall();
    } catch (e) {
      app.error(e);
    } finally {
      this.busy = false;
    }
  }

  /** Saves a standalone desktop's update address (checked at once); failures are thrown. */
  async setUrl(url: string): Promise<void> {
    this.status = await ipc.setUpdateUrl(url);
  }

  later(): void {
    this.dismissed = this.status?.offer?.version ?? null;
  }
}

export const updates = new Updates();

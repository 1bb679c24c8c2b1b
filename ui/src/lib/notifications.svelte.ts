// The notification center's state: the unread count (kept current by the backend's
// "notifications-changed" event), the loaded entries, and opening a ticket from an entry or
// from a clicked native pop-up ("open-ticket").
import type { Notification } from "../bindings/Notification";
import type { NotificationPrefs } from "../bindings/NotificationPrefs";
import { app } from "./app.svelte";
import { ipc, onBackendEvent } from "./ipc";

const PAGE = 30;

class NotificationCenter {
  unread = $state(0);
  items = $state.raw<Notification[]>([]);
  next = $state<number | null>(null);
  open = $state(false);
  loading = $state(false);
  private started = false;

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await Promise.all([
      onBackendEvent("notifications-changed", (n) => {
        this.unread = n;
        void this.reload();
      }),
      onBackendEvent("open-ticket", (id) => void this.openTicket(id)),
    ]);
    await this.reload();
  }

  async reload(): Promise<void> {
    try {
      const page = await ipc.notifications(null, Math.max(PAGE, this.items.length));
      this.items = page.items;
      this.next = page.next_before;
      this.unread = page.unread;
    } catch (e) {
      app.error(e);
    }
  }

  async more(): Promise<void> {
    if (this.next === null || this.loading) return;
    this.loading = true;
    try {
      const page = await ipc.notifications(this.next, PAGE);
      this.items = [...this.items, ...page.items];
      this.next = page.next_before;
      this.unread = page.unread;
    } catch (e) {
      app.error(e);
    } finally {
      this.loading = false;
    }
  }

  toggle(): void {
    this.open = !this.open;
    if (this.open) void this.reload();
  }

  /** Opens the ticket and takes everything about it as read. */
  async openTicket(ticketId: string): Promise<void> {
    this.open = false;
    app.area = "tickets";
    app.close();
    try {
      await ipc.markTicketNotificationsRead(ticketId);
    } catch (e) {
      app.error(e);
    }
    await Promise.all([app.openTicket(ticketId), this.reload()]);
  }

  /** The agent opened a ticket (from anywhere): its notifications are read. */
  async markTicketRead(ticketId: string): Promise<void> {
    if (!this.items.some((n) => n.ticket_id === ticketId && !n.read)) return;
    try {
      await ipc.markTicketNotificationsRead(ticketId);
    } catch (e) {
      app.error(e);
    }
    await this.reload();
  }

  async openItem(n: Notification): Promise<void> {
    try {
      await ipc.markNotificationRead(n.id);
    } catch (e) {
      app.error(e);
    }
    await this.openTicket(n.ticket_id);
  }

  async markAll(): Promise<void> {
    try {
      await ipc.markAllNotificationsRead();
    } catch (e) {
      app.error(e);
    }
    await this.reload();
  }

  async loadPrefs(): Promise<NotificationPrefs> {
    return ipc.notificationPrefs();
  }

  async savePrefs(p: NotificationPrefs): Promise<NotificationPrefs> {
    return ipc.setNotificationPrefs(p);
  }
}

export const notifications = new NotificationCenter();

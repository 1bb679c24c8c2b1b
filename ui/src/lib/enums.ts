// The values of the generated enum types, in display order. The `satisfies` checks keep them in
// step with the bindings: a value added in Rust fails type-checking here until it is listed.
import type { Channel } from "../bindings/Channel";
import type { Priority } from "../bindings/Priority";
import type { TicketStatus } from "../bindings/TicketStatus";
import type { TicketType } from "../bindings/TicketType";

type All<T extends string> = { [K in T]: true };
const keys = <T extends string>(o: All<T>): T[] => Object.keys(o) as T[];

export const STATUSES = keys<TicketStatus>({ new: true, open: true, pending: true, on_hold: true, solved: true, closed: true });
export const PRIORITIES = keys<Priority>({ low: true, normal: true, high: true, urgent: true });
export const TYPES = keys<TicketType>({ question: true, incident: true, problem: true, task: true });
export const CHANNELS = keys<Channel>({ email: true, web: true, phone: true, chat: true, walk_in: true, manual: true });
/** Channels an agent picks for a ticket they type in themselves. */
export const NEW_TICKET_CHANNELS: Channel[] = ["phone", "email", "walk_in", "chat", "manual"];

import type { IncomingMessage, PersistedMessage } from '@polysocket/sockr';
import { Store } from '../store';

/** A message as the Sockr hooks give it: sockr-client's `{ id, from, content, timestamp, metadata }`, plus `messageId`. */
export interface SockrMessage extends IncomingMessage {
  /** The server's messageId (sockr-client's name; the same as `messageId`). */
  id: string;
}

/** What `addMessage` takes: sockr-client's message shape (`id`), or a message as the client delivers it (`messageId`). */
export type MessageInput =
  | {
      id: string;
      from: string;
      content: string;
      timestamp: number;
      metadata?: Record<string, unknown>;
      groupId?: string;
    }
  | IncomingMessage;

/** A delivered or stored message in the hooks' shape: its fields, with `id` and `messageId` both the server's id. */
export function toSockrMessage(message: MessageInput | PersistedMessage): SockrMessage {
  const id = 'messageId' in message ? message.messageId : message.id;
  return { ...message, id, messageId: id };
}

/**
 * The messages a hook shows: each id once (live, history, catch-up after a reconnect, the app's `addMessage`),
 * oldest first by timestamp (arrival order within a millisecond), the newest `keep`. A new array per change.
 */
export class MessageList extends Store<readonly SockrMessage[]> {
  private readonly ids = new Set<string>();
  /** Its first history page was asked for (`useGroupMessages`: once per list, StrictMode's second effect too). */
  paged = false;

  constructor(public keep: number) {
    super([]);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /**
   * Adds the messages not shown yet (none: `keep` applied again); returns the new ones kept, oldest first. `older`: a history
   * page, which goes before the messages shown of the same millisecond (the server's order), where live ones go after.
   */
  add(messages: readonly (MessageInput | PersistedMessage)[], older?: boolean): SockrMessage[] {
    const fresh = messages.map(toSockrMessage).filter((item) => !this.ids.has(item.id) && this.ids.add(item.id));
    const merged = older ? [...fresh, ...this.value] : [...this.value, ...fresh];
    // Stable: within one millisecond, the order they came in (a history page before what was shown).
    merged.sort((a, b) => a.timestamp - b.timestamp);
    for (const message of merged.splice(0, merged.length - this.keep)) this.ids.delete(message.id);
    if (merged.length !== this.value.length || fresh.length > 0) this.set(merged);
    return merged.filter((message) => fresh.includes(message));
  }

  clear(): void {
    this.ids.clear();
    this.set(this.value.length > 0 ? [] : this.value);
  }
}

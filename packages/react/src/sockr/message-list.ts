import type { IncomingMessage, PersistedMessage } from '@polysocket/sockr';

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

/** A delivered or stored message in the hooks' shape. */
export function toSockrMessage(message: MessageInput | PersistedMessage): SockrMessage {
  const id = 'messageId' in message ? message.messageId : message.id;
  const out: SockrMessage = {
    id,
    messageId: id,
    from: message.from,
    content: message.content,
    timestamp: message.timestamp,
  };
  if (message.metadata !== undefined) out.metadata = message.metadata;
  if (message.groupId !== undefined) out.groupId = message.groupId;
  return out;
}

/**
 * The messages a hook shows: each id once (live, history, catch-up after a reconnect, the app's `addMessage`),
 * oldest first by timestamp (arrival order within a millisecond), the newest `keep`. A new array per change.
 */
export class MessageList {
  private items: readonly SockrMessage[] = [];
  private readonly ids = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly keep: number) {}

  readonly read = (): readonly SockrMessage[] => this.items;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** The oldest timestamp shown, or undefined when empty. */
  get oldest(): number | undefined {
    return this.items[0]?.timestamp;
  }

  /**
   * Adds the messages not shown yet; returns how many were new. `older`: a history page, which goes before the
   * messages shown of the same millisecond (the server's order), where live ones go after.
   */
  add(messages: readonly (MessageInput | PersistedMessage)[], older = false): number {
    const fresh: SockrMessage[] = [];
    for (const message of messages) {
      const item = toSockrMessage(message);
      if (this.ids.has(item.id)) continue;
      this.ids.add(item.id);
      fresh.push(item);
    }
    if (fresh.length === 0) return 0;
    const merged = older ? [...fresh, ...this.items] : [...this.items, ...fresh];
    // Stable: within one millisecond, the order they came in (a history page before what was shown).
    merged.sort((a, b) => a.timestamp - b.timestamp);
    const dropped = merged.length > this.keep ? merged.splice(0, merged.length - this.keep) : [];
    for (const message of dropped) this.ids.delete(message.id);
    this.items = merged;
    this.changed();
    return fresh.filter((message) => this.ids.has(message.id)).length;
  }

  clear(): void {
    if (this.items.length === 0) return;
    this.items = [];
    this.ids.clear();
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

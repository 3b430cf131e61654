import { PolySocketError, RecentIds } from '@polysocket/core';
import type { PersistedMessage } from './types';

type Data = Record<string, unknown>;

/** A direct or group message as the app receives it: each messageId once. */
export interface IncomingMessage {
  messageId: string;
  from: string;
  content: string;
  timestamp: number;
  metadata?: Record<string, unknown>;
  /** Set for group messages. */
  groupId?: string;
}

/**
 * The messages already handed to the app (8192 recent ids), by messageId and by the sender's
 * `metadata.clientMessageId`: a PolySocket sender writes a message again after a drop with the same
 * clientMessageId, and the server stores that copy under a second messageId.
 */
export class SeenMessages {
  private readonly ids = new RecentIds(8192);

  /** Records a message; false when its messageId, or its sender's clientMessageId, was seen. */
  accept(messageId: string, from: string, metadata: unknown): boolean {
    const fresh = this.ids.accept(messageId);
    const clientMessageId = (metadata as { clientMessageId?: unknown } | null | undefined)?.clientMessageId;
    if (typeof clientMessageId !== 'string') return fresh;
    return this.ids.accept(`${from}\u0000${clientMessageId}`) && fresh;
  }

  acceptStored(message: PersistedMessage): boolean {
    return this.accept(message.id, message.from, message.metadata);
  }

  has(messageId: string): boolean {
    return this.ids.has(messageId);
  }
}

/**
 * Pages backwards. `before` is exclusive and several messages can share a millisecond, so the next
 * cursor is the oldest timestamp + 1 and messages already yielded are skipped; when a page brings
 * nothing new (more than `limit` messages in one millisecond), it steps strictly past that
 * millisecond once. Stops on a short page. Each message is yielded once.
 */
export async function* pageBackwards(
  fetch: (before: number | undefined) => Promise<PersistedMessage[]>,
  options: { limit?: number; before?: number },
): AsyncGenerator<PersistedMessage[], void, undefined> {
  const limit = options.limit ?? 50;
  const yielded = new Set<string>();
  let before = options.before;
  for (;;) {
    const page = await fetch(before);
    if (page.length === 0) return;
    const fresh = page.filter((m) => !yielded.has(m.id));
    for (const m of fresh) yielded.add(m.id);
    if (fresh.length > 0) yield fresh;
    if (page.length < limit) return;
    const oldest = page[0].timestamp;
    if (fresh.length === 0) {
      if (before !== oldest + 1) return;
      before = oldest; // the same page again: step past this millisecond
    } else {
      before = oldest + 1;
    }
  }
}

/** A live `receive_message` / `group_receive_message` (shape already checked) or a persisted message, as the app gets it. */
export function toMessage(
  messageId: string,
  m: { from: string; content: string; timestamp: number; metadata?: unknown; groupId?: unknown },
): IncomingMessage {
  const message: IncomingMessage = { messageId, from: m.from, content: m.content, timestamp: m.timestamp };
  if (m.metadata) message.metadata = m.metadata as Record<string, unknown>;
  if (typeof m.groupId === 'string') message.groupId = m.groupId;
  return message;
}

function errorCodeOf(message: unknown): 'AUTH_FAILED' | 'FORBIDDEN' | 'NOT_FOUND' | 'SERVER' {
  const text = String(message);
  if (text === 'Not authenticated') return 'AUTH_FAILED';
  if (text.startsWith('Not a member')) return 'FORBIDDEN';
  if (text.endsWith('not found')) return 'NOT_FOUND';
  return 'SERVER';
}

/** A `*_error` reply (`{error}`) as a typed error carrying the server's text. */
export function refusal(data: Data): PolySocketError {
  const text = String(data.error ?? 'refused');
  return new PolySocketError(errorCodeOf(text), text, { backendCode: text });
}

export function sendError(data: Data): PolySocketError {
  const text = String(data.error ?? 'message_error');
  // "Recipient is offline" (older servers) is worth retrying; the rest are the server's refusals.
  return new PolySocketError(text === 'Recipient is offline' ? 'SERVER' : errorCodeOf(text), text, {
    backendCode: text,
    retryable: text === 'Recipient is offline' || text.startsWith('Failed'),
  });
}

import type { FoonyChannel, FoonyMessage } from './channel';

export interface HistoryOptions {
  /** Messages per page (the server caps it). */
  limit?: number;
  /** Seed wire: an exclusive messageId cursor, return messages older than this one. */
  start?: string;
  /** Binary wire: an exclusive serial cursor, return messages older than this one. */
  before?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HistoryPage {
  /** Oldest first. */
  messages: readonly FoonyMessage[];
  /** More, older messages exist. */
  more: boolean;
}

/**
 * A channel's stored messages, page by page from the newest page back (each page oldest first). Stops when the
 * server says there is no more, or if it repeats a page (a server that ignores `start`).
 */
export async function* pagesBack(
  channel: FoonyChannel,
  options: Omit<HistoryOptions, 'start' | 'before'>,
): AsyncGenerator<readonly FoonyMessage[], void, undefined> {
  let start: string | undefined;
  let before: number | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await channel.history({ ...options, start, before });
    if (page.messages.length === 0) return;
    const first = page.messages[0].messageId;
    if (seen.has(first)) return;
    seen.add(first);
    yield page.messages;
    if (!page.more) return;
    // The binary wire pages by serial, the seed wire by messageId.
    before = (page.messages[0] as FoonyMessage).seq;
    start = before ? undefined : first;
  }
}
